"""What sessions teach: proposals from a session, confirming or dismissing them, the session's PDF."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from backrub.errors import Problem, describe
from backrub.records import comfort, recipients, sessions
from backrub.records.recipients import Viewer
from backrub.web import schemas
from backrub.web.deps import JsonBody, StoreDep, ViewerDep, body_doc
from backrub.web.errors import Invalid
from backrub.web.routes.recipients import INVALID, TimeZoneName, pdf_time_zone

router = APIRouter(prefix="/api", tags=["learning"])
SessionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="a session's id")]
ProposalId = Annotated[int, Path(ge=1, le=2**62, description="a proposal's id")]
NO_SESSION = {"model": schemas.Detail, "description": "no such session (or not yours to see)"}


def _learn(db: Session, viewer: Viewer, sid: str) -> dict[str, Any]:
    row = sessions.session_row(db, viewer, sid)
    return {"recipient_id": row.recipient_id, "proposals": sessions.learn_from_session(db, viewer, sid)}


@router.post("/sessions/{sid}/learn", summary="What a session suggests for its recipient, to confirm",
             description="'Pain here' at a place not yet marked becomes a proposed standing spot; softer "
                         "or firmer asked again and again over recent sessions, a proposed pressure. "
                         "Answers every pending proposal for the recipient (`[]` for a session without "
                         "one). Safe to repeat.",
             responses={200: {"model": schemas.LearnOut}, 404: NO_SESSION})
async def learn(sid: SessionId, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.write(_learn, viewer, sid))


@router.post("/proposals/{pid}", summary="Confirm a proposal (the record changes) or dismiss it",
             responses={200: {"model": schemas.ProposalOut},
                        404: {"model": schemas.Detail, "description": "no such proposal"},
                        409: {"model": schemas.Detail, "description": "already confirmed or dismissed"},
                        422: INVALID},
             openapi_extra=body_doc("Decision"))
async def decide(pid: ProposalId, raw: JsonBody, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.write(sessions.decide_proposal, viewer, pid, confirmation(raw)))


def confirmation(raw: Any) -> bool:
    """`{"confirm": true|false}`, read strictly."""
    if not isinstance(raw, dict):
        raise Invalid([Problem(path="", message=f"expected {{confirm: true|false}} (got {describe(raw)})")])
    problems = [Problem(path=k, message="unknown field; expected confirm") for k in raw if k != "confirm"]
    if not isinstance(raw.get("confirm"), bool):
        got = describe(raw.get("confirm"))
        problems.append(Problem(path="confirm", message=f"expected true or false (got {got})"))
    if problems:
        raise Invalid(problems)
    return bool(raw["confirm"])


def _for_pdf(db: Session, viewer: Viewer, sid: str) -> tuple[dict[str, Any], recipients.Recipient | None,
                                                              list[dict[str, Any]]]:
    """The session, its recipient, and the skin checks it was planned from (their marks and notes)."""
    view = sessions.session_view(db, viewer, sid)
    rid = view["recipient_id"]
    if not rid:
        return view, None, []
    checks = [c for c in comfort.skin_checks(db, viewer, rid) if c["session_id"] == sid]
    return view, recipients.get_recipient(db, viewer, rid), checks


@router.get("/sessions/{sid}/record.pdf", summary="A session as one PDF page, for a clinician",
            description="Who, when, what was done drawn on the back map, the marks on the skin and where "
                        "they were, ratings, the session's events, flags and notes; times in `tz`.",
            responses={200: {"content": {"application/pdf": {}}, "description": "the page"}, 404: NO_SESSION},
            response_class=Response)
async def session_pdf(
    sid: SessionId, viewer: ViewerDep, store: StoreDep, tz: TimeZoneName = None
) -> Response:
    zone = pdf_time_zone(tz)
    view, recipient, checks = await store.read(_for_pdf, viewer, sid)
    from backrub.records import reports  # matplotlib: loaded when first drawn, not at start-up

    pdf = await anyio.to_thread.run_sync(
        lambda: reports.session_pdf(view, recipient, checks=checks, tz=zone))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="backrub-session-{sid[:8]}.pdf"'})
