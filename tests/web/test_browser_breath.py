"""The breath sensor in real headless Chromium: a phone page fed DeviceMotionEvents from a stored
accelerometer trace, in real time, and the coach's live page open beside it. The coach's pacer
must follow the sensed breath, and through it the receiver's true breath (the trace's truth); a
rate steadily off the counted one re-times the rest of the routine on the server."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.breath.browser import FLAGS, play, wrapped
from tests.web.breath.corpus import load
from tests.web.conftest import Coach, wait_until

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("BACKRUB_CHROMIUM", "/usr/bin/chromium")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                 reason=f"{CHROMIUM} is missing (scripts/test.sh installs chromium)")]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def open_page(browser: Any, width: int, height: int) -> Any:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.set_default_timeout(15000)
    return page


def test_the_coach_pacer_follows_a_phone_on_the_back(coach: Coach, http: httpx.Client, browser: Any,
                                                     intake_raw: dict[str, Any], artifacts: Path) -> None:
    trace = load("calm-12bpm")  # 12-14 a minute; the giver counted 18
    made = http.post("/api/sessions", json={**intake_raw, "minutes": 20, "breaths_per_minute": 18})
    sid = made.json()["id"]
    screen = open_page(browser, 1024, 768)
    screen.goto(f"{coach.url}/#/live/{sid}")
    screen.wait_for_selector(".hand")
    screen.click("#breath-open")
    assert screen.inner_text("#breath-code") == sid[:6]
    screen.wait_for_function("document.querySelector('#breath-panel img').naturalWidth > 0")
    phone = open_page(browser, 390, 844)
    phone.goto(f"{coach.url}/sensor?s={sid}")
    phone.click("#start")
    phone.wait_for_selector("#state")

    run = play(screen, phone, trace, seconds=36.0,
               until=lambda: screen.evaluate("window.backrubLive.version") >= 1)
    screen.screenshot(path=artifacts / "breath-coach.png")
    phone.screenshot(path=artifacts / "breath-sensor.png")

    onsets = trace["truth"]["onsets_s"]
    locked = [s for s in run.samples if s.coach_locked and s.coach_phase is not None]
    assert locked, "the coach never locked to the sensor"
    assert locked[0].trace_s <= onsets[3] + 2.0, f"locked at {locked[0].trace_s:.1f} s"  # within 3 breaths
    # the coach shows what the sensor reads (carried to the same moment) ...
    follows = [abs(wrapped(s.coach_phase - s.sensor_phase)) < 0.08
               for s in locked if s.sensor_phase is not None]
    assert sum(follows) >= 0.9 * len(follows), follows
    # ... and that is the receiver's own breath
    errors = [abs(wrapped(s.coach_phase - s.truth_phase)) for s in locked if s.truth_phase is not None]
    assert statistics.median(errors) < 0.1, errors
    words = [(s.coach_phase < 0.5) == (s.word == "Breathe in") for s in locked]
    assert sum(words) >= 0.95 * len(words)
    chip = "document.querySelector('#breath-chip').textContent"
    screen.wait_for_function(rf"/^Breath 1\d\.\d\/min$/.test({chip})")  # "Breath 12.4/min"

    # 12-14 against the 18 counted, for 20 s: the rest is re-timed on the server, verified
    assert screen.evaluate("window.backrubLive.version") >= 1, "no re-time came back"
    view = http.get(f"/api/sessions/{sid}").json()
    assert 11.0 <= view["routine"]["intake"]["breaths_per_minute"] <= 14.5
    kinds = [e["type"] for e in view["events"]]
    assert "retime" in kinds and "breath" in kinds
    kept = [e["payload"]["rate_bpm"] for e in view["events"] if e["type"] == "breath"]
    assert kept and all(11.0 <= r <= 15.0 for r in kept), kept
    assert wait_until(lambda: phone.evaluate("window.backrubSensor.sent") > 100)
    assert not screen.errors and not phone.errors, screen.errors + phone.errors
