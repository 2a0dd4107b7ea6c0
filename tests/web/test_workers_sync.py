"""A live client that was away catches up on connect, and the health check tells the truth, on the
single-process SQLite default (the same code serves several workers on PostgreSQL: test_workers.py).

A device that lost its connection while another device changed the session names the version it
holds (`?version=N`, from the session's view or its last message) when it connects again, and is sent
the session as it stands: it does not wait for the next change to learn of the last one.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from tests.web.conftest import Coach


def _live(coach: Coach, sid: str, query: str = "") -> ClientConnection:
    return connect(f"{coach.ws_url}/api/sessions/{sid}/live{query}", open_timeout=10)


def _next(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return message


def _quiet(ws: ClientConnection) -> None:
    """Nothing more was sent to the socket: a message it answers comes back first."""
    ws.send("{}")
    assert _next(ws)["code"] == "invalid"


def test_a_client_that_was_away_is_caught_up_on_connect(coach: Coach, http: httpx.Client,
                                                        intake_raw: dict[str, Any]) -> None:
    sid = http.post("/api/sessions", json=intake_raw).json()["id"]
    held = http.get(f"/api/sessions/{sid}").json()
    assert held["status"]["version"] == 0
    with _live(coach, sid) as other:  # another device changes the session while the first is away
        other.send(json.dumps({"type": "feedback", "kind": "softer", "seq": 1}))
        assert _next(other) == {"type": "ack", "seq": 1}
        changed = _next(other)
        assert changed["type"] == "routine" and changed["status"]["version"] == 1
        other.send(json.dumps({"type": "pause", "seq": 2}))
        assert _next(other)["type"] == "ack"
        paused = _next(other)
        assert paused["type"] == "state" and paused["status"]["version"] == 2
    with _live(coach, sid, f"?version={held['status']['version']}") as back:
        caught = _next(back)
        assert caught["type"] == "routine" and caught["status"]["version"] == 2
        assert caught["routine"] == changed["routine"] and caught["routine"] != held["routine"]
        assert caught["status"]["paused"] is True
        _quiet(back)
    stored = http.get(f"/api/sessions/{sid}").json()
    assert stored["status"]["version"] == 2 and stored["routine"] == caught["routine"]


def test_a_client_up_to_date_or_naming_no_version_is_sent_nothing_more(coach: Coach, http: httpx.Client,
                                                                       intake_raw: dict[str, Any]) -> None:
    sid = http.post("/api/sessions", json=intake_raw).json()["id"]
    with _live(coach, sid) as ws:
        ws.send(json.dumps({"type": "pause", "seq": 1}))
        assert _next(ws)["type"] == "ack"
        assert _next(ws)["status"]["version"] == 1
    # Up to date, naming none, or ahead of the copy held (a change whose notice is still on its way:
    # the notice brings it): nothing older is sent.
    for query in ("?version=1", "", "?version=99"):
        with _live(coach, sid, query) as ws:
            _quiet(ws)


def test_a_version_that_is_not_a_number_is_named_and_the_session_goes_on(coach: Coach, http: httpx.Client,
                                                                         intake_raw: dict[str, Any]) -> None:
    sid = http.post("/api/sessions", json=intake_raw).json()["id"]
    for seq, bad in enumerate(("-3", "%C2%B2", "1" * 13, "x"), start=1):  # "²" is a digit to Python
        with _live(coach, sid, f"?version={bad}") as ws:
            error = _next(ws)
            assert error["type"] == "error" and error["code"] == "invalid"
            assert error["detail"][0]["loc"] == ["query", "version"]
            ws.send(json.dumps({"type": "pause" if seq % 2 else "resume", "seq": seq}))
            assert _next(ws) == {"type": "ack", "seq": seq}


def test_health_on_sqlite_says_there_are_no_other_workers_to_hear(http: httpx.Client) -> None:
    got = http.get("/api/health")
    assert got.status_code == 200
    assert got.json() == {"ok": True, "database": "sqlite", "hears_other_workers": None}
