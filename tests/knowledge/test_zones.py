"""The back map: lookup agrees with the drawn outlines, scales with the body, mirrors left and right."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from backrub.knowledge.body import Body
from backrub.knowledge.zones import (
    GROUPS,
    SHAPES,
    ZONE_IDS,
    base_name,
    layout_for,
    side_of,
    spine_half_width_cm,
    zone_at,
    zones_of_group,
)
from tests.strategies import bodies


def _inside_polygon(poly, x, y):
    """Even-odd ray casting: is (x, y) strictly inside the polygon?"""
    inside = False
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _priority(zone):
    return [s.name for s in SHAPES].index(base_name(zone))


@settings(max_examples=400)
@given(body=bodies(), fx=st.floats(-1.0, 1.0), fy=st.floats(-0.05, 1.15))
def test_the_zone_under_a_point_lies_inside_that_zones_drawn_outline(body, fx, fy):
    b = Body(**body)
    lay = layout_for(b)
    x, y = fx * (lay.hs + 8.0), fy * lay.L
    zone = zone_at(b, x, y)
    if zone is None:
        return
    # A point well inside its outline (not on an edge, where rounding decides).
    poly = lay.outline(zone, samples=60)
    nudged = [(x + dx, y + dy) for dx in (-0.05, 0.05) for dy in (-0.05, 0.05)]
    assert any(_inside_polygon(poly, px, py) for px, py in nudged), (zone, x, y)
    # And no zone of higher priority claims it: the map's order decides overlaps.
    for other in ZONE_IDS:
        if _priority(other) < _priority(zone) and side_of(other) in ("center", side_of(zone)):
            core = lay.outline(other, samples=60)
            assert not all(_inside_polygon(core, px, py) for px, py in nudged), (zone, other, x, y)


@settings(max_examples=200)
@given(body=bodies(), fx=st.floats(0.0, 1.0), fy=st.floats(0.0, 1.1))
def test_left_and_right_are_mirror_images(body, fx, fy):
    b = Body(**body)
    lay = layout_for(b)
    x, y = fx * (lay.hs + 8.0), fy * lay.L
    right, left = zone_at(b, x + 0.01, y), zone_at(b, -x - 0.01, y)
    if right is None:
        assert left is None
    elif side_of(right) == "center":
        assert left == right
    else:
        assert left == right.removesuffix("_right") + "_left"


def test_zones_scale_with_the_body():
    small = Body(back_length_cm=40, shoulder_width_cm=34, waist_width_cm=26)
    large = Body(back_length_cm=64, shoulder_width_cm=54, waist_width_cm=40)
    # The same fraction of each back lands in the same zone...
    for fx, fy in ((0.5, 0.75), (0.2, 0.3), (0.9, 0.97), (0.6, 0.5)):
        a = zone_at(small, fx * 17, fy * 40)
        b = zone_at(large, fx * 27, fy * 64)
        assert a == b and a is not None, (fx, fy, a, b)
    # ...while a fixed point in centimetres does not: the shoulder blade of a big back is a
    # small back's upper arm.
    assert zone_at(large, 20, 45) == "scapula_right"
    assert zone_at(small, 20, 29) == "upper_arm_right"


def test_the_spine_band_is_wider_at_the_neck():
    body = Body()
    assert spine_half_width_cm(body, 10) == 1.5
    assert spine_half_width_cm(body, 0.95 * body.back_length_cm) == 2.5
    assert zone_at(body, 1.0, 20) == "spine"
    assert zone_at(body, 2.0, 20) != "spine"
    assert zone_at(body, 2.0, 48) == "spine"


def test_named_places_are_where_a_reader_of_the_seeds_expects_them():
    body = Body()
    assert zone_at(body, -8, 5) == "lumbar_left"  # low on the receiver's left
    assert zone_at(body, 12, 16) == "kidney_right"
    assert zone_at(body, 0, 52) == "spine"
    assert zone_at(body, 3.5, 50) == "neck_base"
    assert zone_at(body, 22, 37) == "axilla_right"
    assert zone_at(body, 26, 30) == "upper_arm_right"
    assert zone_at(body, 60, 30) is None  # off the map


def test_every_group_names_both_sides_of_its_zones():
    for group in GROUPS:
        zones = zones_of_group(group)
        assert zones and all(z in ZONE_IDS for z in zones)
        sided = [z for z in zones if side_of(z) != "center"]
        assert {side_of(z) for z in sided} in (set(), {"left", "right"})
    assert "neck_base" in zones_of_group("neck")
    assert set(zones_of_group("shoulders")) >= {"upper_trapezius_left", "deltoid_right"}
