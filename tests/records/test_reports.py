"""Reports: a one-page PDF per session and per recipient that a clinician can read, and trend plots.

The PDFs are read back with poppler (pdfinfo, pdftotext) and rendered to PNG under
out/test-artifacts/records/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from backrub.records import reports
from backrub.records.db import Database
from backrub.records.recipients import LOCAL, get_recipient
from backrub.records.sessions import history, session_view
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
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(path.with_suffix(""))], check=True
    )
    return pages, " ".join(text.split())


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
    pages, text = _read(reports.session_pdf(view, who), f"session-{db.dialect}")
    assert pages == 1
    for expected in (
        "Ruth Example",
        "before 5/10 after 2/10",
        "before 4/10 after 8/10",
        "Slept afterwards; left shoulder stiff.",
        "Pain reported (right middle back)",
        "Skin: bruise (left kidney area)",
        "Blood thinners",
        "15.0 of 30 planned minutes",
        "Pressure asked: medium; firmest used: light",
    ):
        assert expected.lower() in text.lower(), expected


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
    assert "bruise (left kidney area)" in text and "Pain (0–10)" in text
    assert text.count("massage") >= 4  # a row per session


def test_trend_png_shows_every_session(db: Database, stored: tuple[str, str]) -> None:
    rid, _ = stored
    with db.session() as s:
        summaries = history(s, LOCAL, rid)
    assert [x.ratings["pain_after"] for x in summaries] == [3, 2, 1, 2]
    png = reports.trends_png(summaries)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"trends-{db.dialect}.png").write_bytes(png)
