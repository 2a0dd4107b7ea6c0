"""The HTTP API of DESIGN.md against a real server: answers as the command line, strict 422s."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from backrub.knowledge.zones import ZONE_IDS
from backrub.routine import parse_routine
from backrub.verifier import check_routine
from tests.web.conftest import ROOT, Coach


def test_the_pages_and_the_openapi_description_are_served(http: httpx.Client) -> None:
    page = http.get("/")
    assert page.status_code == 200 and '<main id="app">' in page.text
    assert http.get("/static/js/main.js").headers["content-type"].startswith("text/javascript")
    assert http.get("/docs").status_code == 200
    spec = http.get("/openapi.json").json()
    paths = {"/api/screen", "/api/plan", "/api/check", "/api/map", "/api/sessions", "/api/sessions/{sid}"}
    assert paths <= set(spec["paths"])
    assert "Intake" in spec["components"]["schemas"]


def test_screen_answers_as_the_command_line(http: httpx.Client, intake_raw: dict[str, Any]) -> None:
    got = http.post("/api/screen", json=intake_raw)
    cli = subprocess.run([sys.executable, "-m", "backrub", "screen", "-", "--json"],
                         input=json.dumps(intake_raw), capture_output=True, text=True, cwd=ROOT)
    assert got.status_code == 200
    assert got.json() == json.loads(cli.stdout)
    assert got.json()["decision"] == "adapt"


def test_plan_gives_a_routine_that_passes_the_verifier(http: httpx.Client,
                                                        intake_raw: dict[str, Any]) -> None:
    got = http.post("/api/plan", json=intake_raw)
    assert got.status_code == 200
    body = got.json()
    assert body["format"] == "backrub.routine/1" and body["steps"]
    routine = parse_routine(body)
    assert check_routine(routine).ok
    assert abs(body["minutes"] - 30) <= 1.5


def test_a_referral_is_409_with_the_screening_and_reasons(http: httpx.Client) -> None:
    for path in ("/api/plan", "/api/sessions"):
        got = http.post(path, json={"conditions": ["dvt"]})
        assert got.status_code == 409
        body = got.json()
        assert body["planned"] is False and body["screening"]["decision"] == "refer"
        assert any("clot" in r for r in body["reasons"])


def test_bad_input_is_422_naming_every_field(http: httpx.Client) -> None:
    got = http.post("/api/plan", json={"minutes": False, "goal": "sleep",
                                       "spots": [{"kind": "pain", "zone": "lumbar"}]})
    assert got.status_code == 422
    found = {tuple(d["loc"]): d["msg"] for d in got.json()["detail"]}
    assert found[("body", "minutes")] == "expected a number of minutes (got false)"
    assert "did you mean relax" in found[("body", "goal")] or "goal" in found[("body", "goal")]
    assert "did you mean lumbar_left or lumbar_right?" in found[("body", "spots", 0, "zone")]


def test_not_json_and_not_an_object_are_422(http: httpx.Client) -> None:
    got = http.post("/api/screen", content=b"{nope", headers={"content-type": "application/json"})
    assert got.status_code == 422 and got.json()["detail"][0]["loc"] == ["body"]
    assert "not valid JSON" in got.json()["detail"][0]["msg"]
    got = http.post("/api/screen", json=[1, 2])
    assert got.status_code == 422 and "expected a JSON object" in got.json()["detail"][0]["msg"]


def test_check_reports_findings_and_paths_inside_the_routine(http: httpx.Client,
                                                             intake_raw: dict[str, Any]) -> None:
    routine = http.post("/api/plan", json=intake_raw).json()
    assert http.post("/api/check", json={"routine": routine}).json()["ok"] is True
    routine["steps"][3]["pressure"] = "firm"
    routine["steps"][3]["zones"] = ["spine"]
    routine["steps"][3]["path"] = [[0, 5], [0, 30]]
    report = http.post("/api/check", json={"routine": routine, "intake": intake_raw}).json()
    assert report["ok"] is False
    assert any(f["rule"] == "spine-pressure" and f["where"].startswith("steps[3]")
               for f in report["findings"])
    bad = http.post("/api/check", json={"routine": {"steps": [{"phase": "x"}]}, "intake": {"minutes": "ten"}})
    locs = [d["loc"] for d in bad.json()["detail"]]
    assert ["body", "routine", "steps", 0, "phase"] in locs and ["body", "intake", "minutes"] in locs


def test_the_map_has_every_zone_and_the_no_touch_places(http: httpx.Client,
                                                         intake_raw: dict[str, Any]) -> None:
    chart = http.post("/api/map", json=intake_raw).json()
    assert len(chart["zones"]) == len(ZONE_IDS) == 24 and all(len(z["outline"]) >= 4 for z in chart["zones"])
    assert [a["circle"]["r_cm"] for a in chart["no_touch"]] == [4.0]  # the bruise, radius 2 + 2 cm margin


def test_a_session_is_started_stored_and_read_back(http: httpx.Client, intake_raw: dict[str, Any]) -> None:
    made = http.post("/api/sessions", json=intake_raw)
    assert made.status_code == 201
    sid = made.json()["id"]
    assert made.headers["location"] == f"/api/sessions/{sid}"
    view = http.get(f"/api/sessions/{sid}").json()
    assert view["routine"] == made.json()["routine"] == view["planned_routine"]
    assert view["intake"]["minutes"] == 30 and view["events"] == [] and view["outcome"] is None
    assert view["status"]["step"] == 0 and view["status"]["paused"] is False
    outcome = {"pain_before": 4, "pain_after": 1, "notes": "calmer"}
    put = http.put(f"/api/sessions/{sid}/outcome", json=outcome)
    assert put.status_code == 200
    assert http.get(f"/api/sessions/{sid}").json()["outcome"]["pain_after"] == 1
    assert http.put(f"/api/sessions/{sid}/outcome", json={"pain_after": 11}).status_code == 422
    assert http.put(f"/api/sessions/{sid}/outcome", json={"pain_after": True}).status_code == 422


def test_unknown_sessions_are_404(http: httpx.Client) -> None:
    assert http.get("/api/sessions/" + "0" * 32).status_code == 404
    assert http.get("/api/sessions/nope").status_code == 422
    assert http.put("/api/sessions/" + "0" * 32 + "/outcome", json={}).status_code == 404


def test_without_accounts_only_this_computers_own_pages_may_use_the_coach(
        coach: Coach, http: httpx.Client, intake_raw: dict[str, Any]) -> None:
    """Local mode has no sign-in, so another site's page in the same browser (CSRF) or a DNS name
    rebound to 127.0.0.1 must not reach the records."""
    rebound = http.get("/api/recipients", headers={"Host": "rebound.evil.example"})
    assert rebound.status_code == 403 and "own address" in rebound.json()["detail"]
    forged = http.post("/api/recipients", content=json.dumps({"name": "Mallory's pick"}),
                       headers={"Origin": "http://evil.example", "Content-Type": "text/plain"})
    assert forged.status_code == 403
    names = [r["name"] for r in http.get("/api/recipients").json()]
    assert "Mallory's pick" not in names
    ours = http.post("/api/sessions", json=intake_raw, headers={"Origin": coach.url})
    assert ours.status_code == 201  # the coach's own page
    with connect(f"{coach.ws_url}/api/sessions/{ours.json()['id']}/live", origin="http://evil.example",
                 open_timeout=10) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
