"""Recipients against a real coach: the list, one recipient's history (sessions the live coach stored
included: one schema), the trend plots as PNG and the record as PDF; adding, changing and deleting
recipients with field-precise errors; and the learning loop: a session started for a recipient,
"pain here" over the live channel, a proposal from it, confirmed or dismissed, and the next intake
saying what changed and why."""

from __future__ import annotations

import json
import re
import struct
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from websockets.sync.client import connect

from tests.web.conftest import Coach

pytest.importorskip("matplotlib")
from backrub.records.db import Database
from backrub.records.models import SessionRow
from tests.records.helpers import recipient, session_with


@pytest.fixture(scope="module")
def coach(coach_on_each_database: Coach) -> Coach:
    """These tests run on SQLite and on PostgreSQL."""
    return coach_on_each_database


@pytest.fixture
def ann(coach: Coach) -> dict[str, Any]:
    return add_ann(coach)


def add_ann(coach: Coach) -> dict[str, Any]:
    """A recipient with two finished sessions, written by the records layer into the coach's database."""
    db = Database(coach.database_url)
    try:
        with db.session() as s:
            who = recipient(s, name="Ann <b>Lee</b>", notes="likes it slow")
            first = session_with(s, who.id, [("softer", None)],
                                 outcome={"pain_before": 5, "pain_after": 3, "relaxation_after": 7})
            second = session_with(s, who.id, [("firmer", None), ("softer", None)],
                                  outcome={"pain_before": 4, "pain_after": 1})
        return {"id": who.id, "sessions": [first, second]}
    finally:
        db.close()


def test_the_list_names_every_recipient(http: httpx.Client, ann: dict[str, Any]) -> None:
    got = http.get("/api/recipients")
    assert got.status_code == 200
    found = {r["id"]: r for r in got.json()}
    assert found[ann["id"]]["name"] == "Ann <b>Lee</b>" and found[ann["id"]]["notes"] == "likes it slow"


def test_one_recipient_with_their_sessions_oldest_first(http: httpx.Client, ann: dict[str, Any]) -> None:
    body = http.get(f"/api/recipients/{ann['id']}").json()
    assert body["recipient"]["id"] == ann["id"]
    sessions = body["sessions"]
    assert [s["id"] for s in sessions] == ann["sessions"]
    assert (sessions[0]["softer"], sessions[0]["pain_before"], sessions[0]["pain_after"]) == (1, 5, 3)
    assert (sessions[1]["firmer"], sessions[1]["softer"], sessions[1]["pain_after"]) == (1, 1, 1)


def test_a_live_session_shows_in_the_recipients_history(coach: Coach, http: httpx.Client,
                                                        intake_raw: dict[str, Any],
                                                        ann: dict[str, Any]) -> None:
    sid = http.post("/api/sessions", json=intake_raw).json()["id"]
    with connect(f"{coach.ws_url}/api/sessions/{sid}/live", open_timeout=10) as ws:
        ws.send(json.dumps({"type": "feedback", "kind": "softer", "seq": 0}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "ack", "seq": 0}
    db = Database(coach.database_url)
    try:
        with db.session() as s:
            s.execute(update(SessionRow).where(SessionRow.id == sid).values(recipient_id=ann["id"]))
    finally:
        db.close()
    sessions = http.get(f"/api/recipients/{ann['id']}").json()["sessions"]
    assert [s["id"] for s in sessions] == [*ann["sessions"], sid]
    assert sessions[-1]["softer"] == 1 and sessions[-1]["ended_at"] is None


def test_the_trend_plots_are_a_png(http: httpx.Client, ann: dict[str, Any]) -> None:
    got = http.get(f"/api/recipients/{ann['id']}/trends.png")
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", got.content[16:24])
    assert width >= 300 and height >= 200


def test_the_record_downloads_as_a_pdf(http: httpx.Client, ann: dict[str, Any]) -> None:
    got = http.get(f"/api/recipients/{ann['id']}/record.pdf")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.content.startswith(b"%PDF") and len(got.content) > 5000


def test_unknown_and_malformed_ids(http: httpx.Client) -> None:
    for tail in ("", "/trends.png", "/record.pdf"):
        assert http.get(f"/api/recipients/{'0' * 32}{tail}").status_code == 404
    assert http.get("/api/recipients/not-an-id").status_code == 422


def test_the_page_is_served(http: httpx.Client) -> None:
    page = http.get("/recipients")
    script = re.search(r'src="(/static/v/[0-9a-f]+/js/recipients\.js)"', page.text)
    assert page.status_code == 200 and script is not None  # a version-stamped name
    assert http.get(script.group(1)).status_code == 200
    assert http.get("/static/js/recipients.js").status_code == 200


# -- adding, changing, deleting ------------------------------------------------------------------


def add(http: httpx.Client, **fields: Any) -> dict[str, Any]:
    made = http.post("/api/recipients", json={"name": "Bo", **fields})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    assert made.headers["location"] == f"/api/recipients/{body['id']}"
    return body


def locs(answer: httpx.Response) -> list[list[str | int]]:
    assert answer.status_code == 422, answer.text
    return [d["loc"] for d in answer.json()["detail"]]


def test_bad_fields_are_each_named_by_their_path(http: httpx.Client) -> None:
    got = http.post("/api/recipients", json={
        "name": " ", "preferences": {"pressure": "hard", "minutes": 500}, "conditions": ["flu"],
        "spots": [{"kind": "pain", "zone": "nope"}], "nickname": "B"})
    assert sorted(map(str, locs(got))) == sorted(map(str, [
        ["body", "name"], ["body", "preferences", "pressure"], ["body", "preferences", "minutes"],
        ["body", "conditions", 0], ["body", "spots", 0, "zone"], ["body", "nickname"]]))
    assert locs(http.post("/api/recipients", json=["Bo"])) == [["body"]]
    assert locs(http.post("/api/recipients", content=b"{nope")) == [["body"]]


def test_a_recipient_is_added_changed_listed_and_deleted(http: httpx.Client) -> None:
    bo = add(http, conditions=["osteoporosis"], preferences={"pressure": "light"}, notes="left side",
             spots=[{"kind": "pain", "at": {"x_cm": 6, "y_cm": 22}, "radius_cm": 3, "note": "old fall"}])
    assert (bo["conditions"], bo["preferences"]) == (["osteoporosis"], {"pressure": "light"})
    assert bo["shared"] is False
    assert bo["spots"][0]["note"] == "old fall"
    changed = http.patch(f"/api/recipients/{bo['id']}", json={"notes": "both sides",
                                                                 "preferences": {"minutes": 20}})
    assert changed.status_code == 200
    assert changed.json()["preferences"] == {"pressure": "light", "minutes": 20.0}
    assert changed.json()["reasons"] == {"minutes": "set by hand"}
    assert changed.json()["conditions"] == ["osteoporosis"] and changed.json()["notes"] == "both sides"
    assert locs(http.patch(f"/api/recipients/{bo['id']}", json={"name": "", "preferences": {"goal": "x"}})) \
        == [["body", "name"], ["body", "preferences", "goal"]]
    listed = {r["id"]: r for r in http.get("/api/recipients").json()}
    assert listed[bo["id"]]["notes"] == "both sides"
    assert http.delete(f"/api/recipients/{bo['id']}").status_code == 204
    assert bo["id"] not in {r["id"] for r in http.get("/api/recipients").json()}
    for answer in (http.get(f"/api/recipients/{bo['id']}"), http.delete(f"/api/recipients/{bo['id']}"),
                   http.patch(f"/api/recipients/{bo['id']}", json={"notes": ""})):
        assert answer.status_code == 404 and answer.json() == {"detail": "no such recipient"}


def test_sharing_needs_accounts(http: httpx.Client) -> None:
    bo = add(http)
    for method in ("PUT", "DELETE"):
        got = http.request(method, f"/api/recipients/{bo['id']}/shares/alice")
        assert got.status_code == 409 and "no accounts" in got.json()["detail"]  # refused by state


# -- the learning loop ---------------------------------------------------------------------------


def start_for(http: httpx.Client, rid: str, today: dict[str, Any] | None = None) -> dict[str, Any]:
    made = http.post(f"/api/recipients/{rid}/sessions", json=today or {})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def play(coach: Coach, sid: str, *feedback: dict[str, Any]) -> None:
    """Send feedback over the live channel, each acknowledged and answered, then end the session."""
    with connect(f"{coach.ws_url}/api/sessions/{sid}/live", open_timeout=10) as ws:
        for seq, message in enumerate([*feedback, {"type": "end"}]):
            ws.send(json.dumps({"type": "feedback", **message, "seq": seq}))
            assert json.loads(ws.recv(timeout=10)) == {"type": "ack", "seq": seq}
            answer = json.loads(ws.recv(timeout=10))
            assert answer["type"] in ("routine", "state", "error"), answer


def learn(http: httpx.Client, sid: str) -> list[dict[str, Any]]:
    got = http.post(f"/api/sessions/{sid}/learn")
    assert got.status_code == 200, got.text
    proposals: list[dict[str, Any]] = got.json()["proposals"]
    return proposals


def decide(http: httpx.Client, pid: int, confirm: bool) -> httpx.Response:
    return http.post(f"/api/proposals/{pid}", json={"confirm": confirm})


PAIN = {"x_cm": 6.0, "y_cm": 22.0}


def test_pain_here_becomes_a_standing_spot_once_confirmed(coach: Coach, http: httpx.Client) -> None:
    cy = add(http, name="Cy")
    first = start_for(http, cy["id"])
    assert first["intake"]["spots"] == [] and first["routine"]["steps"]
    stored = http.get(f"/api/sessions/{first['id']}").json()
    assert stored["planned_routine"] == first["routine"]
    play(coach, first["id"], {"kind": "pain", "at": PAIN})
    proposals = learn(http, first["id"])
    assert [(p["kind"], p["value"]["at"], p["status"]) for p in proposals] == [("spot", PAIN, "pending")]
    assert learn(http, first["id"]) == proposals  # asking again adds nothing
    pending = http.get(f"/api/recipients/{cy['id']}").json()["proposals"]
    assert pending == proposals
    spot = proposals[0]
    confirmed = decide(http, spot["id"], True)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    again = decide(http, spot["id"], False)
    assert again.status_code == 409 and again.json() == {"detail": "this proposal was already confirmed"}
    record = http.get(f"/api/recipients/{cy['id']}").json()
    assert record["proposals"] == []
    assert [(s["at"], s["source"]) for s in record["recipient"]["spots"]] == [(PAIN, spot["reason"])]
    preview = http.post(f"/api/recipients/{cy['id']}/next-intake", json={}).json()
    assert {"field": "spots", "what": "new spot: pain, right middle back", "why": spot["reason"]} \
        in preview["changes"]
    assert preview["screening"]["decision"] == "adapt" and preview["skin_check_needed"] is False
    second = start_for(http, cy["id"])
    assert {"kind": "pain", "at": PAIN, "radius_cm": 3.0} in second["intake"]["spots"]
    assert second["changes"] == preview["changes"]
    assert http.get(f"/api/sessions/{second['id']}").json()["changes"] == second["changes"]


def test_a_dismissed_proposal_changes_nothing(coach: Coach, http: httpx.Client) -> None:
    di = add(http, name="Di")
    sid = start_for(http, di["id"])["id"]
    play(coach, sid, {"kind": "pain", "at": {"x_cm": -8, "y_cm": 30}})
    (proposal,) = learn(http, sid)
    dismissed = decide(http, proposal["id"], False)
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert decide(http, proposal["id"], True).status_code == 409
    record = http.get(f"/api/recipients/{di['id']}").json()
    assert record["recipient"]["spots"] == [] and record["proposals"] == []
    assert not [c for c in http.post(f"/api/recipients/{di['id']}/next-intake", json={}).json()["changes"]
                if c["field"] == "spots"]


def test_firmer_asked_in_two_sessions_moves_the_pressure_and_says_why(coach: Coach,
                                                                      http: httpx.Client) -> None:
    ed = add(http, name="Ed", preferences={"pressure": "medium"})
    sids = [start_for(http, ed["id"])["id"] for _ in range(2)]
    for sid in sids:
        play(coach, sid, {"kind": "firmer"})
    proposals = [p for p in learn(http, sids[-1]) if p["kind"] == "pressure"]
    assert [p["value"] for p in proposals] == [{"pressure": "firm", "from": "medium"}]
    assert decide(http, proposals[0]["id"], True).json()["status"] == "confirmed"
    record = http.get(f"/api/recipients/{ed['id']}").json()["recipient"]
    assert record["preferences"]["pressure"] == "firm"
    preview = http.post(f"/api/recipients/{ed['id']}/next-intake", json={}).json()
    assert preview["intake"]["pressure"] == "firm"
    assert {"field": "pressure", "what": "pressure: medium → firm", "why": proposals[0]["reason"]} \
        in preview["changes"]
    today = http.post(f"/api/recipients/{ed['id']}/next-intake", json={"pressure": "light"}).json()
    assert {"field": "pressure", "what": "pressure: medium → light", "why": "chosen for today"} \
        in today["changes"]


def test_todays_choices_are_read_strictly(http: httpx.Client) -> None:
    fay = add(http, name="Fay")
    for path in ("next-intake", "sessions"):
        got = http.post(f"/api/recipients/{fay['id']}/{path}", json={"presure": "firm", "minutes": "long"})
        assert sorted(map(str, locs(got))) == sorted(map(str, [["body", "presure"], ["body", "minutes"]]))
    assert http.get(f"/api/recipients/{fay['id']}").json()["sessions"] == []


def test_learning_and_proposals_of_what_is_not_there(http: httpx.Client, intake_raw: dict[str, Any]) -> None:
    sid = http.post("/api/sessions", json=intake_raw).json()["id"]
    assert http.post(f"/api/sessions/{sid}/learn").json() == {"recipient_id": None, "proposals": []}
    missing = "0" * 32
    assert http.post(f"/api/sessions/{missing}/learn").json() == {"detail": "no such session"}
    assert http.get(f"/api/sessions/{missing}/record.pdf").status_code == 404
    assert decide(http, 10**9, True).json() == {"detail": "no such proposal"}
    assert locs(http.post("/api/proposals/1", json={"confirm": "yes", "why": 1})) == [["body", "why"],
                                                                                        ["body", "confirm"]]
    assert http.post(f"/api/recipients/{missing}/next-intake", json={}).status_code == 404


def test_a_session_downloads_as_a_pdf(coach: Coach, http: httpx.Client) -> None:
    gus = add(http, name="Gus")
    sid = start_for(http, gus["id"])["id"]
    play(coach, sid, {"kind": "softer"})
    got = http.get(f"/api/sessions/{sid}/record.pdf")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF") and len(got.content) > 5000


def test_a_pdf_prints_its_times_in_the_readers_zone_and_refuses_an_unknown_one(
    coach: Coach, http: httpx.Client
) -> None:
    gus = add(http, name="Gus")
    sid = start_for(http, gus["id"])["id"]
    for url in (f"/api/sessions/{sid}/record.pdf", f"/api/recipients/{gus['id']}/record.pdf"):
        assert http.get(url, params={"tz": "Asia/Tokyo"}).status_code == 200
        for bad in ("Mars/Olympus", "../../etc/passwd", "x" * 65):
            got = http.get(url, params={"tz": bad})
            assert got.status_code == 422 and locs(got) == [["query", "tz"]], (bad, got.text)
