"""Recipients: the list, one recipient's record, changes to it, shares, the next intake, new sessions.

Every route asks the records layer as the viewer (`ViewerDep`), which sees only what it owns or was
shared; anything else is "no such recipient" (404), the same as a missing one.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from backrub.errors import InputError
from backrub.gate import planned
from backrub.intake import screen
from backrub.records import comfort, recipients, sessions
from backrub.records.accounts import USERNAME
from backrub.records.errors import Conflict
from backrub.records.recipients import Recipient, Viewer
from backrub.web import schemas
from backrub.web.deps import JsonBody, StoreDep, ViewerDep, body_doc
from backrub.web.encode import routine_json as routine_json_of
from backrub.web.errors import Invalid
from backrub.web.store import Clock

router = APIRouter(prefix="/api/recipients", tags=["recipients"])
RecipientId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="a recipient's id")]
Username = Annotated[str, Path(pattern=USERNAME.pattern, description="an account's username, as it signs in")]
MISSING = {"model": schemas.Detail, "description": "no such recipient (or not yours to see)"}
INVALID = {"model": schemas.Problems, "description": "bad input: the path of each bad field"}
CHECKS_SHOWN = 20


def recipient_json(recipient: Recipient) -> dict[str, Any]:
    return {**recipient.to_dict(), "shared": recipient.shared}


def _created(body: dict[str, Any], location: str) -> JSONResponse:
    return JSONResponse(body, status_code=201, headers={"Location": location})


# -- the record ------------------------------------------------------------------------------------


def _list(db: Session, viewer: Viewer) -> list[dict[str, Any]]:
    return [recipient_json(r) for r in recipients.list_recipients(db, viewer)]


def _create(db: Session, viewer: Viewer, raw: Any) -> dict[str, Any]:
    return recipient_json(recipients.create_recipient(db, viewer, raw))


def _update(db: Session, viewer: Viewer, rid: str, raw: Any) -> dict[str, Any]:
    return recipient_json(recipients.update_recipient(db, viewer, rid, raw))


def _detail(db: Session, viewer: Viewer, rid: str) -> dict[str, Any]:
    recipient = recipients.get_recipient(db, viewer, rid)
    owner = not viewer.local and not recipient.shared  # who else sees it is the owner's to know
    return {
        "recipient": {**recipient_json(recipient),
                      "shared_with": recipients.shared_with(db, rid) if owner else []},
        "sessions": [s.to_dict() for s in sessions.history(db, viewer, rid)],
        "proposals": sessions.pending_proposals(db, viewer, rid),
        "schedule": comfort.schedule_view(db, viewer, rid),
        "skin_checks": comfort.skin_checks(db, viewer, rid)[:CHECKS_SHOWN],
    }


@router.get("", summary="Every recipient this viewer may see, by name",
            responses={200: {"model": list[schemas.RecipientOut]}})
async def list_all(viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.read(_list, viewer))


@router.post("", status_code=201, summary="Add a recipient",
             description="A name or alias, standing conditions, standing spots, preferences (intake fields) "
                         "and notes. 201 with the recipient and its Location; 422 names each bad field "
                         "(e.g. `[\"body\", \"preferences\", \"pressure\"]`).",
             responses={201: {"model": schemas.RecipientOut}, 422: INVALID},
             openapi_extra=body_doc("RecipientIn"))
async def create(raw: JsonBody, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    made = await store.write(_create, viewer, raw)
    return _created(made, f"/api/recipients/{made['id']}")


@router.get("/{rid}", summary="A recipient's record: sessions (oldest first), pending proposals, "
                              "comfort-care schedule, recent skin checks",
            responses={200: {"model": schemas.RecipientDetail}, 404: MISSING})
async def detail(rid: RecipientId, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.read(_detail, viewer, rid))


@router.patch("/{rid}", summary="Change some of a recipient's fields",
              description="Fields left out stay as they were; `preferences` are merged (a preference set "
                          "to null is unset), and a preference changed by hand says so in `reasons`.",
              responses={200: {"model": schemas.RecipientOut}, 404: MISSING, 422: INVALID},
              openapi_extra=body_doc("RecipientPatch"))
async def patch(rid: RecipientId, raw: JsonBody, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.write(_update, viewer, rid, raw))


@router.delete("/{rid}", status_code=204, summary="Delete a recipient and their record (owner only)",
               responses={204: {"description": "deleted"}, 404: MISSING}, response_class=Response)
async def delete(rid: RecipientId, viewer: ViewerDep, store: StoreDep) -> Response:
    await store.write(recipients.delete_recipient, viewer, rid)
    return Response(status_code=204)


# -- shares ----------------------------------------------------------------------------------------


def _no_accounts(viewer: Viewer) -> None:
    # 409, not 422: the request is well formed; this coach's state (no accounts) is what refuses it.
    if viewer.local:
        raise Conflict("this coach has no accounts (it is served on this computer only), so there is "
                       "nobody to share with")


def _share(db: Session, viewer: Viewer, rid: str, username: str, share: bool) -> None:
    try:
        if share:
            recipients.share_recipient(db, viewer, rid, username)
        else:
            recipients.unshare_recipient(db, viewer, rid, username)
    except InputError as err:  # the username is a path parameter
        raise Invalid(err.problems, root="path") from None


def _account_id(db: Session, username: str) -> int | None:
    from sqlalchemy import select

    from backrub.records.models import AccountRow

    return db.scalar(select(AccountRow.id).where(AccountRow.username == username.strip().lower()))


SHARE_RESPONSES: dict[int | str, dict[str, Any]] = {
    204: {"description": "done"}, 404: MISSING,
    409: {"model": schemas.Detail, "description": "that account owns the recipient, or a coach without "
                                                  "accounts"},
    422: {"model": schemas.Problems, "description": "a name no account could have, or more shares than a "
                                                    "record keeps (`[\"path\", \"username\"]`)"}}


@router.put("/{rid}/shares/{username}", status_code=204, response_class=Response,
            summary="Let another account see and work with this recipient (owner only)",
            description="The same answer whether or not the name is an account yet, so sharing never "
                        "tells which usernames exist: a name without an account is kept, listed in the "
                        "record's `shared_with`, and takes effect when that account is made.",
            responses=SHARE_RESPONSES)
async def share(rid: RecipientId, username: Username, viewer: ViewerDep, store: StoreDep) -> Response:
    _no_accounts(viewer)
    await store.write(_share, viewer, rid, username, True)
    return Response(status_code=204)


@router.delete("/{rid}/shares/{username}", status_code=204, response_class=Response,
               summary="Stop sharing this recipient with an account (owner only)",
               responses=SHARE_RESPONSES)
async def unshare(rid: RecipientId, username: Username, viewer: ViewerDep, store: StoreDep,
                  request: Request) -> Response:
    _no_accounts(viewer)
    await store.write(_share, viewer, rid, username, False)
    account_id = await store.read(_account_id, username)
    if account_id is not None:  # its open live sockets on this recipient's sessions close
        await request.app.state.coach.revoke(account_id=account_id)
    return Response(status_code=204)


# -- the next session ------------------------------------------------------------------------------


def _preview(db: Session, viewer: Viewer, rid: str, raw: Any) -> dict[str, Any]:
    upcoming = sessions.next_session(db, viewer, rid, raw)
    return {**upcoming.to_dict(), "screening": screen(upcoming.intake).to_dict()}


@router.post("/{rid}/next-intake", summary="Preview the next session's intake, and what changed and why",
             description="Today's choices (any of the intake fields; `{}` keeps the preferences) over the "
                         "recipient's record. `changes` lists every difference from the last session's "
                         "intake with its reason. For comfort care, `skin_check` is the check of the last "
                         "30 minutes whose marks are no-touch, and `skin_check_needed` says when there is "
                         "none.",
             responses={200: {"model": schemas.NextIntakeOut}, 404: MISSING, 422: INVALID},
             openapi_extra=body_doc("TodayIn"))
async def next_intake(rid: RecipientId, raw: JsonBody, viewer: ViewerDep, store: StoreDep) -> JSONResponse:
    return JSONResponse(await store.read(_preview, viewer, rid, raw))


def _prepare(db: Session, viewer: Viewer, rid: str, raw: Any) -> sessions.NextSession:
    return sessions.next_session(db, viewer, rid, raw, require_check=True)


def _store(db: Session, viewer: Viewer, rid: str, upcoming: sessions.NextSession, routine_json: str,
           now: float) -> str:
    check = upcoming.skin_check
    return sessions.start_session(
        db, viewer, intake=upcoming.intake, routine_json=routine_json, recipient_id=rid,
        changes=[c.to_dict() for c in upcoming.changes], kind=upcoming.kind, now=now,
        skin_check_id=check["id"] if check else None)


@router.post("/{rid}/sessions", status_code=201, summary="Start a live session for a recipient",
             description="Builds the intake as `next-intake` does, plans and verifies the routine, stores "
                         "the session (with the intake and its changes) and starts its clock; then connect "
                         "to `/api/sessions/{id}/live`. Comfort care needs a skin check of the last 30 "
                         "minutes (422 `[\"body\", \"skin_check\"]`); its marks are no-touch. 409 when no "
                         "routine may be given.",
             responses={201: {"model": schemas.RecipientSessionCreated}, 404: MISSING,
                        409: {"model": schemas.NotPlannedOut}, 422: INVALID},
             openapi_extra=body_doc("TodayIn"))
async def start(rid: RecipientId, raw: JsonBody, viewer: ViewerDep, store: StoreDep,
                request: Request) -> Response:
    upcoming = await store.read(_prepare, viewer, rid, raw)
    routine = await anyio.to_thread.run_sync(planned, upcoming.intake)
    routine_json = routine_json_of(routine)
    now = time.time()
    sid = await store.write(_store, viewer, rid, upcoming, routine_json, now)
    request.app.state.coach.remember(sid, routine, routine_json, Clock(wall=now, at_s=0.0, running=True))
    intake = json.dumps(upcoming.intake.to_dict())
    changes = json.dumps([c.to_dict() for c in upcoming.changes])
    body = f'{{"id":"{sid}","routine":{routine_json},"intake":{intake},"changes":{changes}}}'
    return Response(body, status_code=201, media_type="application/json",
                    headers={"Location": f"/api/sessions/{sid}"})


# -- plots and the PDF record ----------------------------------------------------------------------


# The reader's time zone for a PDF's times (the page sends the browser's own); this computer's without it.
TimeZoneName = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$",
                                           description="an IANA time zone for the times, e.g. Europe/Berlin; "
                                           "one this computer does not know is a 422")]


def pdf_time_zone(name: str | None) -> Any:
    """The zone a PDF prints its times in; 422 naming `tz` for one this computer does not know."""
    from backrub.records import reports  # matplotlib: loaded when first drawn, not at start-up

    try:
        return reports.time_zone(name)
    except InputError as err:
        raise Invalid(err.problems, root="query") from None


def _for_pdf(db: Session, viewer: Viewer, rid: str) -> dict[str, Any]:
    return {"recipient": recipients.get_recipient(db, viewer, rid),
            "summaries": sessions.history(db, viewer, rid),
            "checks": comfort.skin_checks(db, viewer, rid),
            "proposals": sessions.pending_proposals(db, viewer, rid)}


@router.get("/{rid}/trends.png", summary="Trend plots of a recipient's sessions (PNG)",
            responses={200: {"content": {"image/png": {}}, "description": "the plots"}, 404: MISSING},
            response_class=Response)
async def trends(rid: RecipientId, viewer: ViewerDep, store: StoreDep) -> Response:
    summaries = await store.read(sessions.history, viewer, rid)
    from backrub.records import reports  # matplotlib: loaded when first drawn, not at start-up

    png = await anyio.to_thread.run_sync(reports.trends_png, summaries)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-cache"})


@router.get("/{rid}/record.pdf", summary="A recipient's record as one PDF page",
            responses={200: {"content": {"application/pdf": {}}, "description": "the record"}, 404: MISSING},
            response_class=Response)
async def record_pdf(
    rid: RecipientId, viewer: ViewerDep, store: StoreDep, tz: TimeZoneName = None
) -> Response:
    zone = pdf_time_zone(tz)
    found = await store.read(_for_pdf, viewer, rid)
    from backrub.records import reports

    pdf = await anyio.to_thread.run_sync(lambda: reports.recipient_pdf(
        found["recipient"], found["summaries"], checks=found["checks"], proposals=found["proposals"],
        tz=zone))
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="backrub-{rid[:8]}.pdf"'})
