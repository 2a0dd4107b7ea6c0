"""The coach on a phone performs a routine with massager steps: the setting in words, a timer for the
area, the reminder to switch it off and put it down before the hands go on, hidden on hand steps.
The page's own clock is moved forward (Playwright's clock) so the test need not wait minutes.
Screenshots go to out/test-artifacts/web/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.web.coachpage import covered
from tests.web.conftest import Coach
from tests.web.test_browser import PHONE, browser, page_for, pytestmark  # noqa: F401 (fixtures)


def _go_to(page: Any, seconds: float, now: list[float]) -> None:
    """Move the page's clock to `seconds` into the session and let it draw a frame."""
    page.clock.fast_forward(int((seconds - now[0]) * 1000))
    page.clock.run_for(100)
    now[0] = seconds + 0.1


def test_a_routine_with_device_steps_on_a_phone(coach: Coach, http: httpx.Client, page_for: Any,  # noqa: F811
                                                artifacts: Path) -> None:
    made = http.post("/api/sessions", json={"minutes": 15, "pressure": "medium", "device": "percussion-full"})
    assert made.status_code == 201, made.text
    sid, steps = made.json()["id"], made.json()["routine"]["steps"]
    starts = [sum(s["seconds"] for s in steps[:i]) for i in range(len(steps))]
    first = next(i for i, s in enumerate(steps) if "device" in s)
    last = next(i for i in range(first, len(steps)) if i + 1 == len(steps) or "device" not in steps[i + 1])

    page = page_for(PHONE)
    page.clock.install()
    page.goto(f"{coach.url}/#/live/{sid}")
    page.clock.run_for(500)
    page.wait_for_selector(".hand")
    assert page.is_hidden("#device-panel")  # the opening strokes are by hand
    now = [0.5]

    # The first device step: its setting in words and a timer for the area it is on.
    _go_to(page, starts[first] + 1.0, now)
    page.wait_for_function(f"document.querySelector('#live').dataset.step === '{first}'")
    page.wait_for_selector("#device-panel:not([hidden])")
    d = steps[first]["device"]
    setting = page.inner_text("#device-setting")
    assert f"speed {d['speed']}" in setting and f"{round(d['per_minute']):,}/min" in setting
    detail = page.inner_text("#device-detail")
    assert "head" in detail and steps[first]["side"] in detail
    assert f"speed {d['speed']} of 13" in page.inner_text("#cue-title") + page.inner_text("#cue")
    left = page.inner_text("#device-left")
    assert "left on this area" in left
    _go_to(page, starts[first] + 6.0, now)
    assert page.inner_text("#device-left") != left  # the area timer counts down
    panel = page.locator("#device-panel").bounding_box()
    assert panel is not None and panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE["width"] + 1
    page.screenshot(path=artifacts / "20-device-step-phone.png")
    # The panel joins the cue: the cue, the pacer and the timers still sit above the buttons.
    assert covered(page) == {}
    assert page.inner_text("#cue-title") == "With the massager"  # the page's heading, never empty

    # The last device step before hand work: switch the massager off and put it down, urgent at the end.
    _go_to(page, starts[last] + 1.0, now)
    page.wait_for_function(f"document.querySelector('#live').dataset.step === '{last}'")
    page.wait_for_selector("#device-off:not([hidden])")
    assert "switch the massager off and put it down" in page.inner_text("#device-off")
    assert "now" not in (page.get_attribute("#device-off", "class") or "")
    _go_to(page, starts[last] + steps[last]["seconds"] - 5.0, now)
    page.wait_for_selector("#device-off.now")
    # Not hidden under the feedback buttons at the bottom of the phone's screen.
    notice, buttons = page.locator("#device-off").bounding_box(), page.locator(".feedback").bounding_box()
    assert notice is not None and buttons is not None and notice["y"] + notice["height"] <= buttons["y"]
    assert covered(page) == {}
    page.screenshot(path=artifacts / "21-device-switch-off-phone.png")

    # A hand step again: the panel goes away.
    _go_to(page, starts[last + 1] + 1.0, now)
    page.wait_for_function(f"document.querySelector('#live').dataset.step === '{last + 1}'")
    page.wait_for_selector("#device-panel[hidden]", state="attached")
    assert page.errors == []
