"""A replan's answer as its tail (`?tail=1`, what the live page asks for): the routine's header and
only the steps from `tail_from` on. Spliced onto the routine as it stood at `base`, it must give
exactly the whole routine every other client is sent, and the one stored; a client that did not ask
still gets the whole routine, as before."""

from __future__ import annotations

import json
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from tests.web.conftest import Coach


def _start(http: httpx.Client, intake: dict[str, Any]) -> str:
    made = http.post("/api/sessions", json=intake)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _live(coach: Coach, sid: str, query: str = "") -> ClientConnection:
    return connect(f"{coach.ws_url}/api/sessions/{sid}/live{query}", open_timeout=10)


def _next(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=20))
        if message.get("type") == kind:
            return message


def _spliced(held: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The oracle: the header sent, the steps held before `tail_from`, then the tail."""
    start = answer["tail_from"]
    assert 0 <= start <= len(held["steps"]) and start + len(answer["tail"]) == answer["steps"]
    return {**answer["head"], "steps": held["steps"][:start] + answer["tail"]}


def _change(coach: Coach, http: httpx.Client, sid: str, message: dict[str, Any]) -> int:
    """Send `message` with a tail client and a whole-routine client listening: the tail spliced onto
    the session as read before is the whole routine, byte for byte as parsed, and the stored one."""
    before = http.get(f"/api/sessions/{sid}").json()
    with _live(coach, sid, "?tail=1") as page, _live(coach, sid) as other:
        for ws in (page, other):  # both held by the worker from here on
            ws.send("{}")
            assert _next(ws, "error")["code"] == "invalid"
        page.send(json.dumps(message))
        mine, theirs = _next(page, "routine"), _next(other, "routine")
    after = http.get(f"/api/sessions/{sid}").json()
    assert "tail" not in theirs and theirs["routine"] == after["routine"]
    if mine.get("routine"):  # changed from the first step on: the whole routine, as to any client
        assert "tail" not in mine and mine["routine"] == theirs["routine"]
        return mine["status"]["version"]
    assert mine["base"] == before["status"]["version"]
    clockless = [{k: v for k, v in m["status"].items() if "elapsed" not in k} for m in (mine, theirs)]
    assert clockless[0] == clockless[1]
    assert mine["status"]["version"] == after["status"]["version"] > mine["base"]
    assert mine["from_step"] == theirs["from_step"] and mine["message"] == theirs["message"]
    assert _spliced(before["routine"], mine) == theirs["routine"] == after["routine"]
    # The part kept is really the routine as it was, and the answer is smaller for it.
    assert mine["tail_from"] >= min(mine["from_step"], len(before["routine"]["steps"])) - 1
    assert len(json.dumps(mine)) < len(json.dumps(theirs))
    return int(mine["tail_from"])


def test_softer_firmer_skip_and_pain_as_tails_give_the_whole_routine(coach: Coach, http: httpx.Client,
                                                                     intake_raw: dict[str, Any]) -> None:
    sid = _start(http, intake_raw)
    assert _change(coach, http, sid, {"type": "skip", "seq": 1}) >= 1  # the first step shortened: whole
    # Skip shortens the step under way (now the second) to the time it had: that step is in the tail.
    assert _change(coach, http, sid, {"type": "skip", "seq": 2}) == 1
    assert _change(coach, http, sid, {"type": "feedback", "kind": "softer", "seq": 3}) >= 2
    _change(coach, http, sid, {"type": "feedback", "kind": "firmer", "seq": 4})
    # Pain adds a place to avoid: the header's intake changes with the steps.
    assert _change(coach, http, sid, {"type": "feedback", "kind": "pain", "at": {"x_cm": 8.0, "y_cm": 30.0},
                                      "seq": 5}) >= 2


def test_a_pause_in_between_moves_the_base_on(coach: Coach, http: httpx.Client,
                                             intake_raw: dict[str, Any]) -> None:
    sid = _start(http, intake_raw)
    with _live(coach, sid, "?tail=1") as ws:
        ws.send(json.dumps({"type": "pause", "seq": 1}))
        paused = _next(ws, "state")
        ws.send(json.dumps({"type": "feedback", "kind": "softer", "seq": 2}))
        answer = _next(ws, "routine")
    assert answer["base"] == paused["status"]["version"] and answer["status"]["version"] == answer["base"] + 1
