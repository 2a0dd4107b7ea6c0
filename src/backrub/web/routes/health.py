"""GET /api/health: whether this worker can use the records database (a load balancer's check)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from backrub.web.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/api/health", summary="This worker and its database answer (for a load balancer)",
            responses={200: {"description": "ready"}, 503: {"description": "the database cannot be reached"}})
async def health(store: StoreDep) -> JSONResponse:
    # A real round trip to the database: a worker whose database is away is taken out of rotation.
    await store.call(store.db.check)
    return JSONResponse({"ok": True, "database": store.db.dialect}, headers={"Cache-Control": "no-store"})
