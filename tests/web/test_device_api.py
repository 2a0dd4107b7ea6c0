"""The handheld massager over HTTP: a bad profile is 422 naming the field, a plan and a live session
carry device steps, and the routine checks clean (all through the one gate)."""

from __future__ import annotations

import httpx


def test_a_bad_device_is_422_naming_the_field(http: httpx.Client) -> None:
    bad = {"id": "mine", "kind": "sonic", "speeds_per_minute": [2000, 1000], "attachments": ["rund"]}
    got = http.post("/api/plan", json={"device": bad})
    assert got.status_code == 422
    found = {tuple(d["loc"]): d["msg"] for d in got.json()["detail"]}
    assert "percussion, vibration" in found[("body", "device", "kind")]
    assert "slowest to fastest" in found[("body", "device", "speeds_per_minute", 1)]
    assert "did you mean round" in found[("body", "device", "attachments", 0)]
    got = http.post("/api/plan", json={"device": "percusion-small"})
    assert got.status_code == 422 and "percussion-small" in got.json()["detail"][0]["msg"]


def test_plan_and_session_carry_device_steps(http: httpx.Client) -> None:
    plan = http.post("/api/plan", json={"minutes": 20, "device": "vibration-heat"})
    assert plan.status_code == 200
    on = [s for s in plan.json()["steps"] if "device" in s]
    assert on and all(s["device"]["heat"] for s in on)
    assert plan.json()["intake"]["device"] == "vibration-heat"
    made = http.post("/api/sessions", json={"minutes": 20, "device": "vibration-heat"})
    assert made.status_code == 201
    assert [s for s in made.json()["routine"]["steps"] if "device" in s] == on
    checked = http.post("/api/check", json={"routine": plan.json()})
    assert checked.json()["ok"] is True
