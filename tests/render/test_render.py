"""The routine as a picture and as a table: what a reader sees."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from backrub.intake import parse_intake, screen
from backrub.intake.model import Body
from backrub.knowledge.techniques import HAND_OF, HAND_SHAPES, TECHNIQUES
from backrub.knowledge.zones import ZONE_IDS, layout_for
from backrub.planner import plan_routine
from backrub.render.body import silhouette
from backrub.render.hands import hand_parts
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
    assert "no touch: the wound on the right shoulder blade" in titles
    assert "no touch: the painful place on the left side of the waist" in titles
    assert "left kidney area" in titles and "right armpit" in titles  # places in words
    assert not any("_" in (t or "") for t in titles)


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


def _inside(poly: list[tuple[float, float]], x: float, y: float) -> bool:
    hit = False
    for (xi, yi), (xj, yj) in zip(poly, poly[-1:] + poly[:-1], strict=True):
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
    return hit


def test_the_silhouette_holds_every_zone_and_is_a_back_not_a_box():
    for body in (Body(), Body(back_length_cm=40, shoulder_width_cm=34, waist_width_cm=30),
                 Body(back_length_cm=62, shoulder_width_cm=50, waist_width_cm=44)):
        lay = layout_for(body)
        outline = silhouette(lay)
        for zone in ZONE_IDS:  # every zone's middle lies on the body
            assert _inside(outline, *lay.centre(zone)), (body, zone)
        assert sorted(outline) == sorted((-x, y) for x, y in outline)  # the two sides mirror
        width = {round(y): 2 * x for x, y in outline if x > 0}
        waist = width[min(width)]
        assert waist < body.shoulder_width_cm < max(width.values())  # narrower at the waist, arms out
        assert max(y for _, y in outline) > 0.95 * body.back_length_cm  # up to the neck


def test_the_svg_draws_the_body_and_each_techniques_hand_once_with_a_legend():
    routine = plan_routine(parse_intake(RAW))
    root = ET.fromstring(routine_svg(routine))
    assert len(root.findall(f".//{SVG}path[@class='silhouette']")) == 1
    assert len(root.findall(f".//{SVG}ellipse[@class='head']")) == 1
    assert len(root.findall(f".//{SVG}path[@class='blade']")) == 2
    used = list(dict.fromkeys(s.technique for s in routine.steps))
    hands = [g.get("class") for g in root.iter(f"{SVG}g") if "hand" in (g.get("class") or "")]
    on_back = hands[: len(hands) - len(used)]
    legend = hands[len(hands) - len(used):]
    assert legend == [f"hand hand-{HAND_OF.get(t, 'palm')}" for t in used]
    first = {t: next(s for s in routine.steps if s.technique == t) for t in used}
    assert len(on_back) == sum(2 if first[t].side == "both" else 1 for t in used)  # both hands once
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for t in used:
        assert f"{TECHNIQUES[t].title}: {TECHNIQUES[t].contact}" in texts


def test_every_technique_has_a_hand_and_every_hand_draws():
    assert set(HAND_OF) <= set(TECHNIQUES) and set(HAND_OF.values()) <= set(HAND_SHAPES)
    for kind in HAND_SHAPES:
        right, left = hand_parts(kind), hand_parts(kind, mirror=True)
        assert right and len(right) == len(left)
    # the thumb of a flat palm sits on the other side of the left hand
    assert hand_parts("palm")[-1][1]["cx"] == -hand_parts("palm", mirror=True)[-1][1]["cx"] > 0
