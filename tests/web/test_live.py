"""The live channel against a real server: feedback replans the rest, verified; seqs are acked once
stored; malformed messages get an error and the session goes on; sessions survive a restart."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from backrub.routine import parse_routine
from backrub.verifier import check_routine
from tests.web.conftest import Coach


def start(http: httpx.Client, intake: dict[str, Any]) -> dict[str, Any]:
    made = http.post("/api/sessions", json=intake)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def live(coach: Coach, sid: str) -> ClientConnection:
    return connect(f"{coach.ws_url}/api/sessions/{sid}/live", open_timeout=10)


def ask(ws: ClientConnection, message: dict[str, Any], answers: int) -> list[dict[str, Any]]:
    ws.send(json.dumps(message))
    return [json.loads(ws.recv(timeout=10)) for _ in range(answers)]


def assert_verified(routine: dict[str, Any], performed: int) -> None:
    parsed = parse_routine(routine)
    report = check_routine(parsed, parsed.intake, performed=performed)
    assert report.ok, report.errors


def test_softer_replans_the_rest_lighter_and_keeps_what_was_done(coach: Coach, http: httpx.Client,
                                                                 intake_raw: dict[str, Any]) -> None:
    first = start(http, intake_raw)
    with live(coach, first["id"]) as ws:
        ack, change = ask(ws, {"type": "feedback", "kind": "softer", "seq": 1}, 2)
    assert ack == {"type": "ack", "seq": 1}
    assert change["type"] == "routine" and change["message"].startswith("Softer")
    new, old = change["routine"], first["routine"]
    k = change["from_step"]
    assert new["steps"][:k] == old["steps"][:k]
    assert all(s["pressure"] == "light" for s in new["steps"][k:])
    assert any(s["pressure"] == "medium" for s in old["steps"][k:])
    assert abs(new["minutes"] - old["minutes"]) <= 0.05 * old["minutes"]
    assert_verified(new, k)
    stored = http.get(f"/api/sessions/{first['id']}").json()
    assert stored["routine"] == new and stored["planned_routine"] == old
    events = [(e["seq"], e["type"], e["payload"]["kind"]) for e in stored["events"]]
    assert events == [(1, "feedback", "softer")]


def test_pain_here_keeps_the_hands_off_that_place_from_now_on(coach: Coach, http: httpx.Client,
                                                             intake_raw: dict[str, Any]) -> None:
    first = start(http, intake_raw)
    with live(coach, first["id"]) as ws:
        _, change = ask(ws, {"type": "feedback", "kind": "pain", "at": {"x_cm": 6, "y_cm": 22}, "seq": 7}, 2)
    spots = change["routine"]["intake"]["spots"]
    assert {"kind": "pain", "at": {"x_cm": 6.0, "y_cm": 22.0}, "radius_cm": 3.0} in spots
    assert_verified(change["routine"], change["from_step"])


def test_firmer_stays_within_what_screening_allows(coach: Coach, http: httpx.Client) -> None:
    first = start(http, {"pressure": "light", "conditions": ["blood_thinners"]})
    with live(coach, first["id"]) as ws:
        _, change = ask(ws, {"type": "feedback", "kind": "firmer", "seq": 1}, 2)
    assert "stays light" in change["message"]
    assert all(s["pressure"] == "light" for s in change["routine"]["steps"])


def test_skip_moves_on_and_the_end_time_holds(coach: Coach, http: httpx.Client,
                                              intake_raw: dict[str, Any]) -> None:
    first = start(http, intake_raw)
    with live(coach, first["id"]) as ws:
        _, change = ask(ws, {"type": "skip", "seq": 1}, 2)
    assert change["from_step"] == 1 and change["status"]["step"] == 1
    assert abs(change["routine"]["minutes"] - 30) <= 1.5
    assert_verified(change["routine"], 1)


def test_malformed_messages_get_an_error_and_the_session_goes_on(coach: Coach, http: httpx.Client,
                                                                 intake_raw: dict[str, Any]) -> None:
    sid = start(http, intake_raw)["id"]
    with live(coach, sid) as ws:
        (bad_json,) = ask(ws, "not json", 1)  # type: ignore[arg-type]
        (bad_kind,) = ask(ws, {"type": "feedback", "kind": "harder", "seq": 2}, 1)
        (bad_seq,) = ask(ws, {"type": "pause", "seq": False}, 1)
        (no_place,) = ask(ws, {"type": "feedback", "kind": "pain", "seq": 3}, 1)
        far = {"x_cm": 90, "y_cm": 10}
        (off_map,) = ask(ws, {"type": "feedback", "kind": "pain", "at": far, "seq": 4}, 1)
        ack, change = ask(ws, {"type": "feedback", "kind": "softer", "seq": 5}, 2)
    assert bad_json["type"] == "error" and bad_json["detail"][0]["loc"] == ["message"]
    assert bad_kind["type"] == "error" and bad_kind["seq"] == 2
    assert bad_kind["detail"][0]["loc"] == ["message", "kind"]
    assert bad_seq["detail"][0]["loc"] == ["message", "seq"] and "got false" in bad_seq["detail"][0]["msg"]
    assert no_place["detail"][0]["loc"] == ["message", "at"]
    assert off_map["type"] == "error" and "off the back map" in off_map["detail"][0]["msg"]
    assert ack == {"type": "ack", "seq": 5} and change["type"] == "routine"
    events = http.get(f"/api/sessions/{sid}").json()["events"]
    assert [e["seq"] for e in events] == [5]


def test_a_message_sent_again_is_acknowledged_once_and_applied_once(coach: Coach, http: httpx.Client,
                                                                   intake_raw: dict[str, Any]) -> None:
    sid = start(http, intake_raw)["id"]
    with live(coach, sid) as ws:
        ask(ws, {"type": "feedback", "kind": "softer", "seq": 1}, 2)
        (again,) = ask(ws, {"type": "feedback", "kind": "softer", "seq": 1}, 1)
    assert again["type"] == "ack" and again["seq"] == 1
    assert len(http.get(f"/api/sessions/{sid}").json()["events"]) == 1


def test_pause_resume_and_end_are_stored_with_the_outcome(coach: Coach, http: httpx.Client,
                                                          intake_raw: dict[str, Any]) -> None:
    sid = start(http, intake_raw)["id"]
    with live(coach, sid) as ws:
        ack, state = ask(ws, {"type": "pause", "seq": 1}, 2)
        assert ack == {"type": "ack", "seq": 1}
        assert state["type"] == "state" and state["status"]["paused"] is True
        paused_at = state["status"]["elapsed_s"]
        time.sleep(0.3)
        _, state = ask(ws, {"type": "resume", "seq": 2}, 2)
        assert state["status"]["paused"] is False and state["status"]["elapsed_s"] < paused_at + 0.2
        outcome = {"relaxation_before": 3, "relaxation_after": 8, "pain_before": 5, "pain_after": 2,
                   "notes": "good"}
        _, state = ask(ws, {"type": "end", "seq": 3, "outcome": outcome}, 2)
        assert state["status"]["ended"] is True
        _, refused = ask(ws, {"type": "feedback", "kind": "softer", "seq": 4}, 2)
        assert refused["type"] == "error" and refused["code"] == "ended"
    view = http.get(f"/api/sessions/{sid}").json()
    assert view["outcome"] == outcome and view["ended_at"] is not None
    assert [e["type"] for e in view["events"]] == ["pause", "resume", "end", "feedback"]


def test_an_unknown_session_is_refused_with_a_close_code(coach: Coach) -> None:
    with live(coach, "0" * 32) as ws:
        msg = json.loads(ws.recv(timeout=10))
        assert msg["code"] == "not_found"
        with pytest.raises(Exception):  # noqa: B017 - closed by the server with 4404
            ws.recv(timeout=10)
        assert ws.close_code == 4404


def test_sessions_carry_on_after_a_server_restart(tmp_path: Any, intake_raw: dict[str, Any]) -> None:
    server = Coach(tmp_path / "restart.db")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=20) as http:
            sid = start(http, intake_raw)["id"]
            with live(server, sid) as ws:
                _, before = ask(ws, {"type": "skip", "seq": 1}, 2)
            server.restart()
            view = http.get(f"/api/sessions/{sid}").json()
            assert view["routine"] == before["routine"] and view["status"]["step"] == 1
            with live(server, sid) as ws:
                # The client resends what it did not see acknowledged: acked again, applied once.
                (dup,) = ask(ws, {"type": "skip", "seq": 1}, 1)
                assert dup["type"] == "ack"
                _, after = ask(ws, {"type": "feedback", "kind": "softer", "seq": 2}, 2)
            assert after["routine"]["steps"][:1] == before["routine"]["steps"][:1]
            assert len(http.get(f"/api/sessions/{sid}").json()["events"]) == 2
    finally:
        server.stop()
