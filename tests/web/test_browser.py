"""The coach in real headless Chromium (Debian's package, driven by Playwright): a whole massage
from intake to the saved end, screening that stops kindly, and a session that survives a restart.
Screenshots go to out/test-artifacts/web/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.coachpage import answer_none, check_and_plan, step
from tests.web.conftest import Coach, wait_until

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("BACKRUB_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}

# Under CI scripts/test.sh installs chromium, so there a missing browser fails instead of skipping.
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason=f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page_for(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(viewport: dict[str, int] = PHONE, **options: Any) -> Any:
        ctx = browser.new_context(viewport=viewport, **options)  # a fresh profile each time
        contexts.append(ctx)
        page = ctx.new_page()
        page.errors = []
        page.on("pageerror", lambda err: page.errors.append(str(err)))
        page.set_default_timeout(15000)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def tap_chart(page: Any, selector: str, fx: float, fy: float) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def session_of(http: httpx.Client, page: Any) -> dict[str, Any]:
    sid = page.url.rsplit("/", 1)[-1]
    view: dict[str, Any] = http.get(f"/api/sessions/{sid}").json()
    return view


def test_a_whole_massage_from_intake_to_the_saved_end(coach: Coach, http: httpx.Client, page_for: Any,
                                                      artifacts: Path) -> None:
    page = page_for(PHONE)
    page.goto(coach.url + "/")

    # Intake, in short steps: a short massage, a painful place tapped on the chart.
    step(page, "what")
    page.get_by_text("Relax", exact=True).click()
    page.fill("#breaths", "14")
    step(page, "back")
    page.wait_for_selector(".chart .zone")
    page.click(".kinds [data-kind=pain]")
    tap_chart(page, ".chart svg", 0.62, 0.62)
    page.wait_for_selector(".marks .mark.pain")
    marked = page.inner_text(".spot-list")
    assert marked.startswith("Pain — right ")  # in words, the receiver's right, seen from behind
    page.screenshot(path=artifacts / "1-intake-phone.png", full_page=True)

    # Screening, in plain words with the reason (after reading the health questions).
    answer_none(page)
    check_and_plan(page)
    page.wait_for_selector("[data-decision=adapt]")
    assert "painful place" in page.inner_text(".changes")
    page.screenshot(path=artifacts / "2-screening-phone.png", full_page=True)

    # Plan preview: every step drawn; changing the pressure redraws the plan at once.
    page.click("#to-plan")
    page.wait_for_selector(".paths .num")
    page.click("#part-all")
    steps = page.locator(".paths .num").count()
    assert steps >= 10
    assert "medium pressure at most" in page.inner_text("#plan-summary")
    page.locator("label[for=plan-pressure-light]").click()
    page.wait_for_function("document.querySelector('#plan-summary').textContent.includes('light pressure')")
    colours = page.eval_on_selector_all(".paths polyline.plan",
                                        "ps => [...new Set(ps.map(p => p.getAttribute('stroke')))]")
    assert colours == ["#3b82c4"]  # light strokes only
    page.locator("label[for=plan-pressure-medium]").click()
    page.wait_for_function("document.querySelector('#plan-summary').textContent.includes('medium pressure')")
    assert page.locator(".timeline .phase").count() >= 4
    page.screenshot(path=artifacts / "3-plan-phone.png", full_page=True)

    # Live: the cue of the first step, hands moving along its path.
    page.click("#start")
    page.wait_for_selector(".hand")
    view = session_of(http, page)
    first = view["routine"]["steps"][0]
    assert page.inner_text("#cue") in first["cue"]
    spots = page.eval_on_selector(".hands", "g => [...g.children].map(c => c.dataset.y)")
    page.wait_for_timeout(600)
    later = page.eval_on_selector(".hands", "g => [...g.children].map(c => c.dataset.y)")
    assert spots != later, "the hand markers should move along the path"
    assert "Breathe" in page.inner_text(".pacer-word")
    page.screenshot(path=artifacts / "4-live-phone.png")

    # Softer: the rest is replanned on the server and redrawn.
    page.click("#fb-softer")
    page.wait_for_function("window.backrubLive.version === 1")
    view = session_of(http, page)
    current = view["status"]["step"]
    assert all(s["pressure"] == "light" for s in view["routine"]["steps"][current:])
    assert page.eval_on_selector(".paths polyline.current", "p => p.getAttribute('stroke')") == "#3b82c4"

    # Pain here, then a tap on the place: a new no-touch circle, and the server knows it.
    no_touch = page.locator(".no-touch circle").count()
    page.click("#fb-pain")
    page.wait_for_selector(".pick-prompt:not([hidden])")
    tap_chart(page, ".live-chart svg[role=img]", 0.38, 0.62)
    page.wait_for_function("window.backrubLive.version === 2")
    page.wait_for_function(f"document.querySelectorAll('.no-touch circle').length > {no_touch}")
    page.screenshot(path=artifacts / "5-live-after-pain-phone.png")

    # Keyboard: F for firmer; Space pauses and resumes; N skips to the next step.
    page.keyboard.press("f")
    page.wait_for_function("window.backrubLive.version === 3")
    page.keyboard.press("Space")
    page.wait_for_selector(".live.paused")
    assert wait_until(lambda: session_of(http, page)["status"]["paused"])
    page.keyboard.press("Space")
    assert wait_until(lambda: not session_of(http, page)["status"]["paused"])
    before = int(page.get_attribute("#live", "data-step"))
    page.keyboard.press("n")
    page.wait_for_function("window.backrubLive.version === 4")
    assert int(page.get_attribute("#live", "data-step")) == before + 1

    # End: ratings and notes, saved with the session.
    page.click("#finish")
    page.wait_for_selector("#save")
    page.click("label[for=relaxation_after-9]")
    page.click("label[for=pain_after-1]")
    page.fill("#notes", "Loved the shoulders.")
    page.click("#save")
    page.wait_for_selector("text=Saved. Thank you.")
    page.screenshot(path=artifacts / "6-end-phone.png", full_page=True)
    view = session_of(http, page)
    assert view["ended_at"] is not None
    assert view["outcome"]["relaxation_after"] == 9 and view["outcome"]["notes"] == "Loved the shoulders."
    kinds = [e["payload"].get("kind", e["type"]) for e in view["events"]]
    assert kinds == ["softer", "pain", "firmer", "pause", "resume", "skip", "end"]
    assert [e["seq"] for e in view["events"]] == list(range(7))
    assert page.errors == []


def test_the_tablet_layout_with_reduced_motion(coach: Coach, http: httpx.Client, page_for: Any,
                                               artifacts: Path) -> None:
    page = page_for(TABLET, reduced_motion="reduce")
    page.goto(coach.url + "/")
    step(page, "back")
    page.wait_for_selector(".chart .zone")
    page.screenshot(path=artifacts / "7-intake-tablet.png")
    answer_none(page)
    check_and_plan(page)
    page.click("#to-plan")
    page.wait_for_selector(".paths .num")
    page.screenshot(path=artifacts / "8-plan-tablet.png")
    page.click("#start")
    page.wait_for_selector(".hand")
    where = "g => [...g.children].map(c => c.getAttribute('transform'))"
    first = page.eval_on_selector(".hands", where)
    page.wait_for_timeout(500)
    again = page.eval_on_selector(".hands", where)
    assert first == again, "with reduced motion the hands stay put at the start of the stroke"
    assert page.eval_on_selector(".pacer-dot", "d => d.style.transform") == ""
    buttons = page.locator(".fb").all()
    assert all(b.bounding_box()["height"] >= 80 for b in buttons)  # big enough for a knuckle
    page.screenshot(path=artifacts / "9-live-tablet.png")
    assert page.errors == []


def test_screening_stops_kindly_or_asks_for_clearance(coach: Coach, page_for: Any, artifacts: Path) -> None:
    page = page_for(PHONE)
    page.goto(coach.url + "/")
    step(page, "health")
    page.click("[data-condition=pregnancy] .yes")
    answer_none(page)
    check_and_plan(page)
    page.wait_for_selector("[data-decision=refer]")
    assert "Not today" in page.inner_text("h1")
    assert "therapist" in page.inner_text(".reasons")
    assert page.locator("#to-plan").count() == 0
    page.screenshot(path=artifacts / "10-refer-phone.png", full_page=True)

    page.click("text=Back to the answers")
    step(page, "health")
    page.click("[data-condition=pregnancy] .no")
    page.click("[data-condition=cancer] .yes")
    check_and_plan(page)
    page.wait_for_selector("[data-decision=check_first]")
    assert page.is_disabled("#cleared-go")
    page.check("#cleared")
    page.click("#cleared-go")
    page.wait_for_selector("[data-decision=adapt]")
    assert "no firm pressure" in page.inner_text(".reasons").lower()
    assert page.errors == []


def test_the_page_reconnects_after_a_server_restart_and_keeps_every_tap(tmp_path: Path, page_for: Any,
                                                                        artifacts: Path) -> None:
    server = Coach(tmp_path / "reconnect.db")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=20) as http:
            page = page_for(PHONE)
            page.goto(server.url + "/")
            answer_none(page)
            page.goto(server.url + "/#/plan")
            page.wait_for_selector(".paths .num")
            page.click("#start")
            page.wait_for_selector("#live[data-online=true]")
            page.click("#fb-skip")
            page.wait_for_function("window.backrubLive.version === 1")

            server.stop()
            page.wait_for_selector("#live[data-online=false]")
            page.click("#fb-skip")  # tapped while the server is down: kept, sent later
            page.click("#fb-softer")
            assert "Reconnecting" in page.inner_text("#conn")
            page.screenshot(path=artifacts / "11-offline-phone.png")

            server.start()
            page.wait_for_selector("#live[data-online=true]", timeout=20000)
            page.wait_for_function("window.backrubLive.version >= 3", timeout=20000)
            view = session_of(http, page)
            assert [e["seq"] for e in view["events"]] == [0, 1, 2]
            assert [e["payload"].get("kind", e["type"]) for e in view["events"]] == ["skip", "skip", "softer"]
            assert wait_until(lambda: int(page.get_attribute("#live", "data-step")) == view["status"]["step"])
            assert view["status"]["step"] == 2

            page.reload()  # a reload resumes at the step the session is at
            page.wait_for_selector("#live[data-online=true]")
            assert wait_until(lambda: page.get_attribute("#live", "data-step") == str(
                session_of(http, page)["status"]["step"]))
            outbox = page.evaluate("localStorage.getItem('backrub.outbox.' + location.hash.split('/')[2])")
            assert outbox == "[]"  # everything tapped was stored
            assert page.errors == []
    finally:
        server.stop()


def test_the_records_pages_list_and_show_a_recipient(coach: Coach, page_for: Any, artifacts: Path) -> None:
    from tests.web.test_recipients import add_ann

    ann = add_ann(coach)
    page = page_for(TABLET)
    page.goto(f"{coach.url}/recipients")
    link = page.locator(f'#recipients a[href="#{ann["id"]}"]')
    assert link.inner_text() == "Ann <b>Lee</b>"  # typed text stays text
    link.click()
    page.wait_for_selector("#sessions tbody tr")
    assert page.locator("h1").inner_text() == "Ann <b>Lee</b>" and page.locator("h1 b").count() == 0
    assert page.locator("#sessions tbody tr").count() == 2
    assert page.locator("#trends .point").count() >= 3  # trends drawn in the page
    href = page.locator("#pdf").get_attribute("href") or ""
    assert href.startswith(f"/api/recipients/{ann['id']}/record.pdf?tz=")
    page.screenshot(path=str(artifacts / "recipient.png"), full_page=True)
    assert page.errors == []
