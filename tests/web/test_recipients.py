"""Recipient pages, read only, against a real coach: the list, one recipient's history (sessions
the live coach stored included: one schema), the trend plots as PNG and the record as PDF."""

from __future__ import annotations

import json
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


@pytest.fixture
def ann(coach: Coach) -> dict[str, Any]:
    return add_ann(coach)


def add_ann(coach: Coach) -> dict[str, Any]:
    """A recipient with two finished sessions, written by the records layer into the coach's database."""
    db = Database(f"sqlite:///{coach.db}")
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
    db = Database(f"sqlite:///{coach.db}")
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


def test_records_are_refused_to_other_computers() -> None:
    from fastapi import HTTPException
    from starlette.requests import Request

    from backrub.web.routes.recipients import _local_only

    def asked_from(host: str) -> Request:
        return Request({"type": "http", "method": "GET", "path": "/", "headers": [], "client": (host, 5000)})

    for host in ("127.0.0.1", "::1"):
        _local_only(asked_from(host))
    for host in ("192.168.1.20", "10.0.0.7", "testclient"):
        with pytest.raises(HTTPException) as refused:
            _local_only(asked_from(host))
        assert refused.value.status_code == 403


def test_the_page_is_served(http: httpx.Client) -> None:
    page = http.get("/recipients")
    assert page.status_code == 200 and "/static/js/recipients.js" in page.text
    assert http.get("/static/js/recipients.js").status_code == 200
