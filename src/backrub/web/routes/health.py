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
    # On SQLite one process serves everything: there are no other workers to hear (null, not true).
    await store.call(store.db.check)
    hearing: bool | None = request.app.state.coach.hearing
    ok = hearing is not False
    return JSONResponse({"ok": ok, "database": store.db.dialect, "hears_other_workers": hearing},
                        status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})
