"""The breath sensor on the live channel of a real server: its readings reach the coach's other
clients at once and are never stored one by one; the rate is kept with the session; a retime
re-times the rest to the sensed breath, verified, never re-ordered."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from backrub.web.store import NewEvent, Store
from tests.web.conftest import Coach
from tests.web.test_live import assert_verified, live, start

LOCKED = {"type": "breath", "state": "locked", "phase": 0.25, "rate_bpm": 10.5, "quality": 0.8, "t": 1234.5}


def test_a_sensor_reading_reaches_the_coach_and_not_the_sensor(coach: Coach, http: httpx.Client,
                                                                 intake_raw: dict[str, Any]) -> None:
    sid = start(http, intake_raw)["id"]
    with live(coach, sid) as screen, live(coach, sid) as phone:
        screen.send(json.dumps({"type": "resume", "seq": 1}))  # the coach is connected and answered
        assert json.loads(screen.recv(timeout=10))["type"] == "ack"
        screen.recv(timeout=10)  # its state, sent to every client
        assert json.loads(phone.recv(timeout=10))["type"] == "state"
        phone.send(json.dumps(LOCKED))
        got = json.loads(screen.recv(timeout=10))
        assert got == LOCKED
        time.sleep(0.05)  # a sensor sends ten a second
        phone.send(json.dumps({"type": "breath", "state": "weak"}))
        assert json.loads(screen.recv(timeout=10)) == {"type": "breath", "state": "weak", "phase": None,
                                                        "rate_bpm": None, "quality": None, "t": None}
        time.sleep(0.05)
        for k in range(20):  # a flood from one socket is thinned, not relayed whole
            phone.send(json.dumps({**LOCKED, "t": float(k)}))
        phone.send(json.dumps({"type": "resume", "seq": 2}))
        assert [json.loads(phone.recv(timeout=10))["type"] for _ in range(2)] == ["ack", "state"]
        heard = []
        while (got := json.loads(screen.recv(timeout=10)))["type"] == "breath":
            heard.append(got["t"])
        assert got["type"] == "state" and 1 <= len(heard) < 20 and heard[0] == 0.0
        # nothing came back to the phone: the next thing it hears is the answer to its own error
        phone.send(json.dumps({"type": "breath", "state": "locked", "phase": 2, "rate_bpm": 12, "seq": 3}))
        error = json.loads(phone.recv(timeout=10))
    assert error["type"] == "error" and error["code"] == "invalid"
    assert {tuple(d["loc"]) for d in error["detail"]} == {("message", "phase"), ("message", "seq")}
    # readings are not stored one by one; the rate is kept only once the sensor has been locked
    # for 10 s (the browser test sees it kept)
    assert [e["type"] for e in http.get(f"/api/sessions/{sid}").json()["events"]] == ["resume", "resume"]


def test_retime_follows_the_breath_and_keeps_the_order(coach: Coach, http: httpx.Client,
                                                       intake_raw: dict[str, Any]) -> None:
    first = start(http, {**intake_raw, "minutes": 30, "breaths_per_minute": 14})
    with live(coach, first["id"]) as ws:
        ws.send(json.dumps({"type": "retime", "breaths_per_minute": 11.2, "seq": 1}))
        ack, change = (json.loads(ws.recv(timeout=10)) for _ in range(2))
        ws.send(json.dumps({"type": "retime", "breaths_per_minute": 90, "seq": 2}))
        bad = json.loads(ws.recv(timeout=10))
    assert ack == {"type": "ack", "seq": 1}
    assert change["type"] == "routine" and "11.2 breaths a minute" in change["message"]
    new, old = change["routine"], first["routine"]
    k = change["from_step"]
    assert k == 1 and new["steps"][:k] == old["steps"][:k]
    def order(steps: list[dict[str, Any]]) -> list[tuple[str, Any]]:
        return [(s["technique"], s["path"]) for s in steps]

    assert order(new["steps"]) == order(old["steps"])
    assert new["intake"]["breaths_per_minute"] == 11.2
    assert new["steps"] != old["steps"]
    assert_verified(new, k)
    assert bad["code"] == "invalid" and bad["detail"][0]["loc"] == ["message", "breaths_per_minute"]
    stored = http.get(f"/api/sessions/{first['id']}").json()
    assert stored["routine"] == new
    events = [(e["type"], e["payload"].get("breaths_per_minute")) for e in stored["events"]]
    assert events == [("retime", 11.2)]


def test_the_sensed_breath_shows_in_the_recipients_history(coach: Coach, http: httpx.Client) -> None:
    rid = http.post("/api/recipients", json={"name": "Ada Breath"}).json()["id"]
    made = http.post(f"/api/recipients/{rid}/sessions", json={"minutes": 20})
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    store = Store(coach.database_url)  # what the relay keeps, written as it writes it
    try:
        for i, rate in enumerate([14.2, 13.8, 14.0, 12.5, 11.9, 11.4, 11.0]):
            store.record(sid, NewEvent(type="breath", elapsed_s=30.0 + 15 * i,
                                       payload={"rate_bpm": rate, "quality": 0.8}))
    finally:
        store.close()
    sessions = http.get(f"/api/recipients/{rid}").json()["sessions"]
    breath = sessions[-1]["breath"]
    assert (breath["start_bpm"], breath["end_bpm"], breath["samples"]) == (14.0, 11.4, 7)
    assert breath["rates"][0] == [30.0, 14.2] and breath["rates"][-1] == [120.0, 11.0]
    assert http.get(f"/api/recipients/{rid}").json()["sessions"][-1]["id"] == sid


def test_a_phone_finds_the_session_by_its_code_or_the_qr(coach: Coach, http: httpx.Client,
                                                         intake_raw: dict[str, Any]) -> None:
    sid = start(http, intake_raw)["id"]
    assert http.get("/api/sensor-session", params={"code": sid[:6]}).json() == {"id": sid}
    assert http.get("/api/sensor-session", params={"code": sid[:6].upper()}).json() == {"id": sid}
    bad = http.get("/api/sensor-session", params={"code": "xyz"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "code"]
    other = "0" * 6 if not sid.startswith("000000") else "ffffff"
    assert http.get("/api/sensor-session", params={"code": other}).status_code == 404
    qr = http.get(f"/api/sessions/{sid}/sensor.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert qr.text.startswith("<svg") and "<path" in qr.text
    assert http.get(f"/api/sessions/{'0' * 32}/sensor.svg").status_code == 404
    page = http.get("/sensor")
    assert page.status_code == 200 and 'src="/static/js/breath/sensor.js"' in page.text
    assert "<script>" not in page.text and "onclick" not in page.text  # no inline script (CSP)
    with live(coach, sid) as ws:  # an ended session is no longer offered to a sensor
        ws.send(json.dumps({"type": "end", "seq": 1}))
        ws.recv(timeout=10)
    assert http.get("/api/sensor-session", params={"code": sid[:6]}).status_code == 404


def test_a_retime_the_verifier_refuses_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from backrub.intake import parse_intake
    from backrub.planner import plan_routine
    from backrub.web import breath
    from backrub.web.encode import routine_json
    from backrub.web.session import Live, Refused
    from backrub.web.store import Clock

    routine = plan_routine(parse_intake({"minutes": 20}))
    live_now = Live(id="x" * 32, routine=routine, routine_json=routine_json(routine),
                    clock=Clock(wall=0.0, at_s=0.0, running=True), ended=False)

    def unsafe(r: Any, start: int, rate: float) -> Any:  # a re-timing gone wrong: firm on the spine
        steps = list(r.steps)
        steps[start] = steps[start].with_changes(pressure="firm", zones=("spine",))
        return replace(r, steps=tuple(steps))

    monkeypatch.setattr(breath, "retime", unsafe)
    with pytest.raises(Refused) as refused:
        breath.retimed(live_now, 11.0, now=1.0)
    assert refused.value.code == "unsafe" and refused.value.details
