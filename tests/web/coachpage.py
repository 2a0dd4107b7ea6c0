"""Helpers for the coach's browser tests: Debian's chromium through Playwright, axe-core injected
into each page state, and screenshots at phone and tablet size, light and dark."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, ROOT

CHROMIUM = os.environ.get("BACKRUB_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}
SIZES = {"phone": PHONE, "tablet": TABLET}
AXE = ROOT / ".tools" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_LOG = ARTIFACTS / "axe.jsonl"

# Under CI scripts/test.sh installs chromium and axe-core, so there a missing one fails.
needs_browser = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason=f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")


def launch() -> Iterator[Any]:
    """One chromium for a whole module (a fixture body)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Pages:
    """Fresh browser profiles (a new context each), closed at the end of the test."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []

    def new(self, size: str = "phone", **options: Any) -> Any:
        ctx = self.browser.new_context(viewport=SIZES[size], **options)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.size = size
        page.errors = []
        page.on("pageerror", lambda err: page.errors.append(str(err)))
        page.set_default_timeout(15000)
        return page

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


def serious(page: Any, state: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (logged for the report)."""
    if not AXE.exists():
        if os.environ.get("CI"):
            raise AssertionError(f"{AXE} is missing (scripts/test.sh installs axe-core)")
        pytest.skip("axe-core is not installed (scripts/test.sh installs it into .tools/npm)")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # by DevTools: the CSP refuses inline tags
    found: list[dict[str, Any]] = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " :: " + n.failureSummary) }));
    }""")
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with AXE_LOG.open("a") as log:
        log.write(json.dumps({"state": state, "size": page.size, "all": len(found), "serious": len(bad),
                              "ids": [v["id"] for v in found]}) + "\n")
    return bad


def look(page: Any, state: str, *, full: bool = False) -> None:
    """Screenshots of this state in light and in dark, each checked by axe: 0 serious or critical."""
    problems: dict[str, list[dict[str, Any]]] = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.wait_for_timeout(50)
        page.screenshot(path=ARTIFACTS / f"coach-{state}-{page.size}-{scheme}.png", full_page=full)
        bad = serious(page, f"{state}/{scheme}")
        if bad:
            problems[scheme] = bad
    page.emulate_media(color_scheme="light")
    assert not problems, json.dumps(problems, indent=1)


def step(page: Any, name: str) -> None:
    """Open one step of the intake (who, what, health, back, review)."""
    page.click(f"#go-{name}")
    page.wait_for_selector(f'.step-section[data-step="{name}"]:not([hidden])')


def answer_none(page: Any) -> None:
    """The giver reads the health questions and says none of them apply."""
    step(page, "health")
    page.click("#none-apply")


def check_and_plan(page: Any) -> None:
    step(page, "review")
    page.click("#to-screening")


def to_screen(page: Any, selector: str, x_cm: float, y_cm: float) -> tuple[float, float]:
    """Where a point of the back chart (cm) is on the screen."""
    xy: list[float] = page.eval_on_selector(selector, """(svg, [x, y]) => {
        const p = svg.createSVGPoint(); p.x = x; p.y = -y;
        const q = p.matrixTransform(svg.getScreenCTM()); return [q.x, q.y]; }""", [x_cm, y_cm])
    return xy[0], xy[1]


# Where the current stroke's cue, the pacer and the timers sit against the feedback buttons.
FOLD = """() => {
  const box = (sel) => { const b = document.querySelector(sel).getBoundingClientRect();
    return { top: b.top, bottom: b.bottom, height: b.height }; };
  return { height: innerHeight, scrolled: scrollY, buttons: box('.feedback'),
    parts: Object.fromEntries(['#cue-title', '#cue', '.pacer', '.pacer-word', '.timers', '#live-notice']
      .map((s) => [s, box(s)])),
    more: document.querySelector('#cue-more').hidden ? null : box('#cue-more') };
}"""


def covered(page: Any) -> dict[str, Any]:
    """The parts not wholly on screen or under the buttons (none is wanted), as the page is shown."""
    at = page.evaluate(FOLD)
    assert at["scrolled"] == 0
    bad = {name: b for name, b in at["parts"].items() if b["height"] > 0 and (
        b["top"] < 0 or b["bottom"] > at["height"] or b["bottom"] > at["buttons"]["top"])}
    assert at["buttons"]["bottom"] <= at["height"] + 0.5  # the buttons themselves are on screen
    return bad
