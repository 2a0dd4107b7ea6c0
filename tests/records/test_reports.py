"""Reports: a one-page PDF per session and per recipient that a clinician can read, and trend plots.

The PDFs are read back with poppler (pdfinfo, pdftotext) and rendered to PNG under
out/test-artifacts/records/ for a person to look at."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from backrub.errors import InputError
from backrub.planner import plan_routine
from backrub.records import comfort, reports
from backrub.records.db import Database
from backrub.records.models import OutcomeRow
from backrub.records.recipients import LOCAL, get_recipient
from backrub.records.sessions import history, next_intake, session_view, start_session
from tests.records.helpers import recipient, session_with

ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts" / "records"
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftotext) reads the PDFs back; scripts/test.sh installs it",
)


def _read(pdf: bytes, name: str) -> tuple[int, str]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True  # in reading order
    ).stdout
    subprocess.run(  # a picture of the page for a person to look at
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(path), str(path.with_suffix(""))], check=True
    )
    return pages, " ".join(text.split())


def _ink(name: str, box: tuple[float, float, float, float]) -> float:
    """The share of non-white pixels in a part of the page's PNG (fractions of width and height)."""
    raw = subprocess.run(["pdftoppm", "-gray", "-r", "40", "-singlefile", str(ARTIFACTS / f"{name}.pdf")],
                         capture_output=True, check=True).stdout
    head, pixels = raw.split(b"\n", 3)[:3], raw.split(b"\n", 3)[3]
    width, height = (int(v) for v in head[1].split())
    x0, y0, x1, y1 = (int(f * n) for f, n in zip(box, (width, height, width, height), strict=True))
    rows = [pixels[r * width + x0: r * width + x1] for r in range(y0, y1)]
    return sum(sum(1 for v in row if v < 250) for row in rows) / max(1, (x1 - x0) * (y1 - y0))


@pytest.fixture
def stored(db: Database) -> tuple[str, str]:
    with db.session() as s:
        rid = recipient(
            s,
            name="Ruth Example",
            conditions=["blood_thinners"],
            spots=[{"kind": "bruise", "at": {"x_cm": -9, "y_cm": 18}, "radius_cm": 2}],
        ).id
        for day in range(3):
            session_with(
                s,
                rid,
                [("softer", None)],
                outcome={
                    "pain_before": 6 - day,
                    "pain_after": 3 - day,
                    "relaxation_before": 3,
                    "relaxation_after": 7 + day,
                    "notes": f"visit {day}",
                },
            )
        sid = session_with(
            s,
            rid,
            [("pain", {"x_cm": 7, "y_cm": 22}), ("softer", None)],
            played_s=900,
            outcome={
                "pain_before": 5,
                "pain_after": 2,
                "relaxation_before": 4,
                "relaxation_after": 8,
                "notes": "Slept afterwards; left shoulder stiff.",
            },
        )
    return rid, sid


def test_session_pdf_is_one_page_with_who_what_ratings_notes_and_flags(
    db: Database, stored: tuple[str, str], database_url: str
) -> None:
    rid, sid = stored
    with db.session() as s:
        view = session_view(s, LOCAL, sid)
        who = get_recipient(s, LOCAL, rid)
    pages, text = _read(reports.session_pdf(view, who, tz=reports.time_zone("Europe/Berlin")),
                        f"session-{db.dialect}")
    assert pages == 1
    for expected in (
        "Ruth Example",
        "before 5/10, after 2/10",
        "before 4/10, after 8/10",
        "Slept afterwards; left shoulder stiff.",
        "Blood thinners",
        "15.0 of 30 planned minutes",
        "Pressure asked: medium; firmest used: light",
        # every mark numbered, in words, with its size and where it came from
        "1. Bruise, left kidney area, 4 cm across: on the standing record",
        "2. Pain here, right middle back, at 0:30 into the massage",
        "0:30 Pain here (right middle back)",
        "Pain reported (right middle back, mark 2)",
        "Skin: bruise (left kidney area, mark 1), kept clear",
        "1:00 Softer asked",
        "(Europe/Berlin)",
        "times in Europe/Berlin",
    ):
        assert expected.lower() in text.lower(), expected
    assert "UTC" not in text and "(s)" not in text and "_" not in text.replace(view["id"], "")
    when = session_view_time(view["created_at"], "Europe/Berlin")
    assert when in text, when  # local time with its zone's name
    # The page is used: the drawing, and text down to the lower part of the page.
    assert _ink(f"session-{db.dialect}", (0.05, 0.1, 0.5, 0.5)) > 0.15  # the back, drawn large
    assert _ink(f"session-{db.dialect}", (0.05, 0.62, 0.95, 0.8)) > 0.01  # no empty bottom half


def session_view_time(iso: str, zone: str) -> str:
    """The session's start as the PDF must print it, worked out here without the report's code."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y, %H:%M')} {local.tzname()}"


def test_a_comfort_rubs_pdf_shows_the_skin_checks_marks_where_they_were_and_its_notes(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s, name="Walter Bed", conditions=["fragile_skin"]).id
        check = comfort.record_skin_check(s, LOCAL, rid, {
            "marks": [{"kind": "redness", "at": {"x_cm": 4, "y_cm": 4}, "radius_cm": 2},
                      {"kind": "broken", "zone": "scapula_left"}],
            "notes": "Red over the lower back; it blanches when pressed.",
        })
        marks = comfort.parse_marks(check["marks"])
        intake, changes = next_intake(s, LOCAL, rid, today={"goal": "comfort_care", "giver": "caregiver",
                                                             "minutes": 8}, skin_marks=marks)
        sid = start_session(s, LOCAL, intake=intake, routine_json=json.dumps(plan_routine(intake).to_dict()),
                            recipient_id=rid, changes=[c.to_dict() for c in changes], kind="comfort",
                            skin_check_id=check["id"])
        s.add(OutcomeRow(session_id=sid, pain_before=None, pain_after=None, relaxation_before=None,
                         relaxation_after=6, notes="Turned onto the left side afterwards."))
        s.flush()
        view = session_view(s, LOCAL, sid)
        who = get_recipient(s, LOCAL, rid)
        checks = [c for c in comfort.skin_checks(s, LOCAL, rid) if c["session_id"] == sid]
    assert len(checks) == 1
    zone = reports.time_zone("America/New_York")
    pages, text = _read(reports.session_pdf(view, who, checks=checks, tz=zone),
                        f"comfort-{db.dialect}")
    assert pages == 1
    for expected in (
        "Comfort rub given by the caregiver",
        "1. Redness, right side of the spine, 4 cm across: found at the skin check of",
        "2. Wound, the whole left shoulder blade: found at the skin check of",
        "kept clear with a 2 cm margin",
        "Session: Turned onto the left side afterwards.",
        "Red over the lower back; it blanches when pressed.",
        "goal: comfort care — chosen for today",
        "Pain: before not given, after not given",
        "times in America/New_York",
        "Conditions: fragile skin",
    ):
        assert expected.lower() in text.lower(), expected
    assert "UTC" not in text


def test_an_unknown_time_zone_names_its_field() -> None:
    with pytest.raises(InputError) as err:
        reports.time_zone("Mars/Olympus_Mons")
    assert err.value.problems[0].path == "tz"
    assert reports.plural(1, "step") == "1 step" and reports.plural(0, "step") == "0 steps"


def test_recipient_pdf_is_one_page_with_the_record_and_recent_sessions(
    db: Database, stored: tuple[str, str]
) -> None:
    rid, _ = stored
    with db.session() as s:
        who = get_recipient(s, LOCAL, rid)
        summaries = history(s, LOCAL, rid)
    pages, text = _read(reports.recipient_pdf(who, summaries), f"recipient-{db.dialect}")
    assert pages == 1
    assert "Ruth Example" in text and "4 sessions" in text and "blood thinners" in text
    assert "1. Bruise, left kidney area, 4 cm across: standing spot" in text and "Pain (0–10)" in text
    assert text.count("massage") >= 4  # a row per session
    assert "(s)" not in text and "_" not in text.replace(rid, "")


def test_trend_png_shows_every_session(db: Database, stored: tuple[str, str]) -> None:
    rid, _ = stored
    with db.session() as s:
        summaries = history(s, LOCAL, rid)
    assert [x.ratings["pain_after"] for x in summaries] == [3, 2, 1, 2]
    png = reports.trends_png(summaries)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"trends-{db.dialect}.png").write_bytes(png)
