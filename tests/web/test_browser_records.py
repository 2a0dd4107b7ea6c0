"""The records pages in real headless Chromium: a caregiver keeps a recipient over sessions (a bad
field first, a session with "Pain here", the spot confirmed and drawn, the next session told why),
and comfort care (a schedule, due now, a skin check tapped on the chart, the rub). Screenshots go to
out/test-artifacts/web/records-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from backrub.knowledge.screening_table import CONDITIONS
from tests.web import test_browser as coach_browser
from tests.web.conftest import Coach, SecureCoach, wait_until
from tests.web.test_browser import PHONE, TABLET, pytestmark, tap_chart  # noqa: F401

# The browser fixtures of the coach's own browser tests (and their `pytestmark`: skip without chromium).
browser, page_for = coach_browser.browser, coach_browser.page_for


def field_error(page: Any, path: str) -> str:
    return str(page.inner_text(f'[data-path="{path}"] > .field-error'))


def sign_in(page: Any, coach: SecureCoach, username: str, password: str) -> None:
    page.goto(f"{coach.url}/recipients")
    page.wait_for_url("**/signin?next=*")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#go")
    page.wait_for_selector("#add-form")


def test_a_caregiver_keeps_a_recipient_over_sessions(coach: Coach, http: httpx.Client, page_for: Any,
                                                     artifacts: Path) -> None:
    page = page_for(PHONE)
    page.goto(f"{coach.url}/recipients")
    page.wait_for_selector("#add-form")
    offered = page.eval_on_selector_all('#add-form input[name="conditions"]', "xs => xs.map(x => x.value)")
    assert sorted(offered) == sorted(CONDITIONS)  # every condition the screening knows, in plain words

    # A bad field first: the problem shows beside it, and nothing typed is lost.
    name = "Joe <b>Bloggs</b>"
    page.fill("#add-form input[name=name]", name)
    page.check('#add-form input[value="osteoporosis"]')
    page.fill("#add-form input[name=minutes]", "90")
    page.fill("#add-form textarea[name=notes]", "Likes it slow.")
    page.click("#add-save")
    page.wait_for_selector('[data-path="preferences.minutes"] > .field-error:not([hidden])')
    assert "15 to 60 minutes" in field_error(page, "preferences.minutes")
    assert page.get_attribute("#add-form input[name=minutes]", "aria-invalid") == "true"
    assert page.input_value("#add-form input[name=name]") == name
    assert page.is_checked('#add-form input[value="osteoporosis"]')
    assert page.input_value("#add-form textarea[name=notes]") == "Likes it slow."
    page.screenshot(path=artifacts / "records-add-error-phone.png", full_page=True)

    page.fill("#add-form input[name=minutes]", "20")
    page.click("#add-save")
    page.wait_for_selector("#start-form #changes")
    rid = page.evaluate("location.hash.slice(1)")
    assert page.locator("h1").inner_text() == name and page.locator("h1 b").count() == 0
    assert "Fragile bones" in page.inner_text("#conditions")
    assert "minutes: 20" in page.inner_text("#changes")
    assert page.locator("#share-form").count() == 0  # a coach without accounts has nobody to share with

    # A session from the record: the live page opens; "Pain here" on the chart; finish; save.
    page.click("#start-session")
    page.wait_for_selector(".hand")
    sid = page.url.rsplit("/", 1)[-1]
    assert http.get(f"/api/sessions/{sid}").json()["recipient_id"] == rid
    page.click("#fb-pain")
    page.wait_for_selector(".pick-prompt:not([hidden])")
    tap_chart(page, ".live-chart svg[role=img]", 0.62, 0.62)
    page.wait_for_function("window.backrubLive.version === 1")
    page.click("#finish")
    page.wait_for_selector("#save")
    page.click("label[for=pain_after-1]")
    page.click("#save")
    page.wait_for_selector("text=Saved. Thank you.")

    # The end page offers the painful place as a standing spot; confirm it.
    spot = page.wait_for_selector('#learned .proposal[data-kind="spot"]')
    assert "Pain here" in spot.inner_text()
    page.screenshot(path=artifacts / "records-end-proposal-phone.png", full_page=True)
    page.click('#learned .proposal[data-kind="spot"] [data-confirm]')
    page.wait_for_selector("#learned .proposal.done")
    assert "Confirmed" in page.inner_text("#learned .proposal.done")

    # Back on the record: the spot is drawn on the back, and the next session says what changed and why.
    page.click("#to-recipient")
    page.wait_for_selector(".about-chart .marks .mark.pain")
    assert "Painful place" in page.inner_text("#standing-spots")
    page.wait_for_selector("#changes li[data-field=spots]")
    change = page.inner_text("#changes li[data-field=spots]")
    assert "new spot" in change and "Pain here" in change
    assert page.locator("#sessions tbody tr").count() == 1
    href = page.get_attribute("#sessions a.session-pdf", "href") or ""
    assert href.startswith(f"/api/sessions/{sid}/record.pdf?tz=")  # times in the reader's zone
    assert http.get(f"/api/sessions/{sid}/record.pdf").headers["content-type"] == "application/pdf"
    assert page.locator("#trends .point").count() >= 1  # drawn in the page, readable at phone width

    # Edit the record: the change shows at once; an emptied preference is unset, not kept.
    page.click("#edit summary")
    page.fill("#edit-form textarea[name=notes]", "Likes it slow. Warm hands!")
    page.fill("#edit-form input[name=minutes]", "")
    page.click("#edit-save")
    page.wait_for_function("document.querySelector('.record-notes')?.textContent.includes('Warm hands')")
    page.screenshot(path=artifacts / "records-recipient-phone.png", full_page=True)
    saved = http.get(f"/api/recipients/{rid}").json()["recipient"]
    assert saved["notes"] == "Likes it slow. Warm hands!" and "minutes" not in saved["preferences"]
    assert page.errors == []


def test_comfort_care_from_due_now_to_the_rub(coach: Coach, http: httpx.Client, page_for: Any,
                                              artifacts: Path) -> None:
    made = http.post("/api/recipients", json={"name": "Ada", "conditions": ["fragile_skin"],
                                               "notes": "In bed most of the day."})
    rid = made.json()["id"]
    page = page_for(TABLET)
    page.goto(f"{coach.url}/recipients#{rid}")
    page.click("#care-body summary")  # folded away until comfort care is in use
    page.wait_for_selector("#schedule-form")
    assert page.locator("#start-rub").is_disabled()  # no skin check yet

    # A schedule from now: the rub is due at once, and Ada is on the "Due now" list.
    page.fill("#schedule-form input[name=every_hours]", "30")
    page.click("#schedule-save")
    page.wait_for_selector('[data-path="every_hours"] > .field-error:not([hidden])')
    assert "1 to 24 hours" in field_error(page, "every_hours")
    page.fill("#schedule-form input[name=every_hours]", "4")
    page.click("#schedule-save")
    page.wait_for_function("document.getElementById('next-due').textContent.includes('due now')")
    page.goto(f"{coach.url}/recipients")
    due = page.wait_for_selector(f'#due li[data-recipient="{rid}"]')
    assert "Ada" in due.inner_text()
    page.screenshot(path=artifacts / "records-hub-tablet.png", full_page=True)

    # Check the skin: a reddened place tapped on the chart, saved; then the rub.
    due.query_selector("a").click()
    page.wait_for_selector(".skin-chart .zone")
    page.wait_for_function("document.activeElement?.id === 'care-title'")
    tap_chart(page, ".skin-chart svg", 0.58, 0.7)
    page.wait_for_selector(".skin-chart .marks .mark.redness")
    assert page.inner_text("#skin-marks").startswith("Redness — ")
    page.fill("#skin-form textarea", "Red patch low on the right.")
    page.click("#skin-save")
    page.wait_for_selector("#skin-history li[data-check]")
    assert "Red patch" in page.inner_text("#skin-history")
    assert page.locator(".skin-chart .marks .mark").count() == 0  # the chart is ready for the next check
    page.screenshot(path=artifacts / "records-care-tablet.png", full_page=True)

    page.click("#start-rub")
    page.wait_for_selector(".hand")
    sid = page.url.rsplit("/", 1)[-1]
    view = http.get(f"/api/sessions/{sid}").json()
    assert view["kind"] == "comfort" and view["intake"]["goal"] == "comfort_care"
    marks = http.get(f"/api/recipients/{rid}/skin-checks").json()[0]["marks"]
    assert [s for s in view["intake"]["spots"] if s["kind"] == "redness"] == marks  # no touching there
    assert wait_until(lambda: page.locator(".no-touch circle").count() >= 1)
    page.screenshot(path=artifacts / "records-rub-live-tablet.png")
    assert all(d["recipient_id"] != rid for d in http.get("/api/care/due").json())  # this slot had its rub

    # The record can go: asked first, then gone from the list.
    page.goto(f"{coach.url}/recipients#{rid}")
    page.click("#delete")
    page.click("#delete-yes")
    page.wait_for_selector("#add-form")
    assert page.locator(f'#recipients a[href="#{rid}"]').count() == 0
    assert http.get(f"/api/recipients/{rid}").status_code == 404
    assert page.errors == []


def test_sharing_a_record_with_another_caregiver(secure_coach: SecureCoach, page_for: Any,
                                                artifacts: Path) -> None:
    passwords = {"carol": "carol-passphrase-4", "ella": "ella-passphrase-55"}
    for name, password in passwords.items():
        assert secure_coach.add_account(name, password).returncode == 0
    carol = page_for(PHONE, ignore_https_errors=True)
    sign_in(carol, secure_coach, "carol", passwords["carol"])
    carol.fill("#add-form input[name=name]", "Sam")
    carol.click("#add-save")
    carol.wait_for_selector("#start-form #changes")
    rid = carol.evaluate("location.hash.slice(1)")

    carol.click("#manage .share summary")
    # A name that is no account answers like one (sharing must not tell which usernames exist): it is
    # listed, so a mistyped name shows, and can be withdrawn.
    carol.fill("#share-form input[name=username]", "elal")
    carol.click("#share-form button[type=submit]")
    carol.wait_for_selector("text=Shared with elal.")
    assert carol.locator("#shared-with li").all_inner_texts() == ["elal Stop sharing"]
    carol.click('#shared-with [data-unshare="elal"]')
    carol.wait_for_selector("text=Stopped sharing with elal.")
    assert carol.locator("#shared-with li").count() == 0
    carol.fill("#share-form input[name=username]", "ella")
    carol.click("#share-form button[type=submit]")
    carol.wait_for_selector("text=Shared with ella.")
    carol.screenshot(path=artifacts / "records-share-phone.png", full_page=True)

    erin = page_for(PHONE, ignore_https_errors=True)
    sign_in(erin, secure_coach, "ella", passwords["ella"])
    shared = erin.locator(f'#recipients li:has(a[href="#{rid}"])')
    assert "shared with you" in shared.inner_text()
    shared.locator("a").click()
    erin.wait_for_selector("#start-form #changes")
    assert erin.locator("#delete").count() == 0 and erin.locator("#share-form").count() == 0  # the owner's
    assert carol.errors == [] and erin.errors == []
