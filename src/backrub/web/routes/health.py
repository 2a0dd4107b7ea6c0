"""GET /api/health: whether this worker can use the records database (a load balancer's check)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backrub.web.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/api/health", summary="This worker and its database answer (for a load balancer)",
            responses={200: {"description": "ready"}, 503: {"description": "the database cannot be reached"}})
async def health(store: StoreDep, request: Request) -> JSONResponse:
    # A real round trip to the database: a worker whose database is away is taken out of rotation,
    # and so is one that does not hear the other workers' changes (its clients would miss them).
    await store.call(store.db.check)
    hearing = request.app.state.coach.hearing
    return JSONResponse({"ok": hearing, "hears_other_workers": hearing},
                        status_code=200 if hearing else 503, headers={"Cache-Control": "no-store"})
