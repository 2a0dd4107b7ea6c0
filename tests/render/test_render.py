"""The routine as a picture and as a table: what a reader sees."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from backrub.intake import parse_intake, screen
from backrub.planner import plan_routine
from backrub.render.svg import routine_svg
from backrub.render.text import report_text, routine_table, screening_text
from backrub.routine import Routine
from backrub.verifier import check_routine

SVG = "{http://www.w3.org/2000/svg}"
RAW = {"minutes": 20, "spots": [{"kind": "wound", "at": {"x_cm": 9, "y_cm": 30}, "radius_cm": 2},
                                {"kind": "pain", "zone": "flank_left"}]}


def test_the_svg_is_well_formed_with_one_polyline_per_hand_path():
    routine = plan_routine(parse_intake(RAW))
    root = ET.fromstring(routine_svg(routine, title="A & B <test>"))
    assert root.tag == f"{SVG}svg"
    polylines = root.findall(f".//{SVG}polyline")
    assert len(polylines) == sum(len(s.hand_paths()) for s in routine.steps)
    assert root.find(f"{SVG}title").text == "A & B <test>"


def test_the_svg_marks_each_no_touch_spot_and_draws_every_zone():
    routine = plan_routine(parse_intake(RAW))
    root = ET.fromstring(routine_svg(routine))
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any("wound at (9, 30)" in (t or "") for t in titles)
    assert any("pain on flank_left" in (t or "") for t in titles)
    assert "kidney_left" in titles and "axilla_right" in titles


def test_the_table_lists_every_step_and_the_total_time():
    routine = plan_routine(parse_intake(RAW))
    text = routine_table(routine)
    assert "Total 19:" in text or "Total 20:" in text
    assert f"in {len(routine.steps)} steps" in text
    assert text.count("\n  1. ") == 1 and "Proceed, adapted" in text


def test_screening_text_shows_each_reason_with_its_source():
    text = screening_text(screen(parse_intake({"conditions": ["dvt", "cancer"]})))
    assert "Do not massage" in text and "source 002" in text and "[cancer; source domain]" in text


def test_a_report_lists_each_finding_with_its_fix():
    routine = plan_routine(parse_intake({"minutes": 20}))
    steps = list(routine.steps)
    steps[0] = steps[0].with_changes(pressure="medium")
    report = check_routine(Routine(steps=tuple(steps), screening=routine.screening, intake=routine.intake))
    text = report_text(report, len(steps))
    assert "opening-light" in text and "steps[0]" in text and "fix:" in text
    assert "OK: all" in report_text(check_routine(routine), len(routine.steps))
