"""Unit tests for the geometry the planner's safety rests on: circle/box against segments,
first_hit, detour and route (issue 10: they had none)."""

from __future__ import annotations

import math

import pytest

from backrub.geometry import Box, Circle, detour, first_hit, grown, length, rounded, route


def _clear(path, shapes) -> bool:
    return first_hit(path, shapes) is None


@pytest.mark.parametrize(("a", "b", "hits"), [
    ((-5, 0), (5, 0), True),        # straight through the middle
    ((-5, 1.9), (5, 1.9), True),    # a chord just inside the edge
    ((-5, 2.1), (5, 2.1), False),   # just outside
    ((-5, -5), (-3, -3), False),    # ends short of it (the box test alone would pass it)
    ((0, 0), (0, 0), True),         # a point inside
    ((3, 3), (1, 1), True),     # ends inside
])
def test_a_circle_meets_a_segment_between_its_points(a, b, hits):
    assert Circle(cx=0, cy=0, r=2).hits_segment(a, b) is hits


@pytest.mark.parametrize(("a", "b", "hits"), [
    ((-1, 5), (5, -1), True),       # cuts the corner between two points outside
    ((-1, 10), (10, -1), False),    # passes the corner outside
    ((0, 0), (4, 0), False),        # runs along the edge: the box is open
    ((1, 1), (1, 1), True),
    ((5, 1), (6, 3), False),
])
def test_a_box_meets_a_segment_that_cuts_its_corner(a, b, hits):
    assert Box(x0=0, y0=0, x1=4, y1=4).hits_segment(a, b) is hits


def test_first_hit_names_the_first_segment_and_the_shape():
    shapes = [Circle(cx=10, cy=0, r=1), Box(x0=4, y0=-1, x1=6, y1=1)]
    path = [(0, 0), (3, 0), (7, 0), (12, 0)]
    index, shape = first_hit(path, shapes)
    assert index == 1 and shape is shapes[1]
    assert first_hit([(0, 5), (12, 5)], shapes) is None
    assert first_hit([(10, 0)], shapes) == (0, shapes[0])


def test_detour_bends_a_path_round_a_circle_and_keeps_its_ends():
    wound = Circle(cx=5, cy=0, r=2)
    path = [(0.0, 0.0), (10.0, 0.0)]
    way = detour(path, [wound])
    assert way is not None and _clear(way, [wound])
    assert way[0] == path[0] and way[-1] == path[-1]
    assert length(way) < 2 * length(path)


def test_detour_gives_up_when_an_end_is_inside():
    assert detour([(5.0, 0.0), (10.0, 0.0)], [Circle(cx=5, cy=0, r=2)]) is None


def test_route_finds_the_shortest_clear_way_round_boxes_and_circles():
    shapes = [Box(x0=3, y0=-3, x1=5, y1=3), Circle(cx=9, cy=0, r=1.5)]
    way = route((0, 0), (12, 0), shapes)
    assert way is not None and way[0] == (0, 0) and way[-1] == (12, 0)
    assert _clear(rounded(way), shapes)
    # It keeps half its clearance from every shape, so rounding for JSON cannot nudge it in.
    assert _clear(way, [grown(s, 0.19) for s in shapes])
    straight_round_box = math.dist((0, 0), (3, 3.4)) + 2 + math.dist((5, 3.4), (12, 0))
    assert length(way) <= straight_round_box + 0.5


def test_route_is_none_when_the_goal_is_walled_in():
    walls = [Box(x0=-1, y0=-10, x1=1, y1=10)]
    assert route((-5, 0), (5, 0), walls) is not None  # round the ends of the wall
    ring = [Box(x0=4, y0=-10, x1=6, y1=10), Box(x0=-6, y0=-10, x1=-4, y1=10),
            Box(x0=-6, y0=8, x1=6, y1=10), Box(x0=-6, y0=-10, x1=6, y1=-8)]
    assert route((0, 0), (20, 0), ring) is None
