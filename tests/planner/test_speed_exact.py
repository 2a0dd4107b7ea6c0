"""The speed work (issue 10's figures, issue 9's worst case) changes no answer it should not.

Each shortcut is held against a plain reference written here (the code as it was before the
shortcut): the same points, the same ways, the same findings. Where the worst case is bounded on
purpose (bends of a detour, shapes in route's graph) the bound itself is tested.
"""

from __future__ import annotations

import itertools
import math
import random
import struct
from dataclasses import fields, replace

from backrub.geometry import (
    MAX_BENDS,
    ROUTE_SHAPES,
    Box,
    Circle,
    Shape,
    _around,
    _corners_around,
    bbox,
    detour,
    direction_problem,
    first_hit,
    grown,
    hundredths,
    line,
    path_cached,
    reach,
    rounded,
    route,
    segments_hit,
)
from backrub.intake import parse_intake
from backrub.knowledge.body import Body
from backrub.knowledge.zones import ZONE_IDS, along, layout_for, zones_on_path
from backrub.planner import placement, plan_routine
from backrub.planner.templates import Draft
from backrub.verifier import check_routine

# -- references: the code before the shortcuts ------------------------------------------------


def _line_ref(points, step):
    out = [points[0]]
    for a, b in itertools.pairwise(points):
        n = max(1, math.ceil(math.dist(a, b) / step))
        out.extend((a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(1, n + 1))
    return out


def _around_ref(dense, shape, clearance, floor_y, keep_ends):
    from backrub.geometry import _bridge, _inside, _push_out

    out = []
    last = len(dense) - 1
    for k, p in enumerate(dense):
        fixed = keep_ends and k in (0, last)
        moved = not fixed and _inside(shape, p, clearance)
        q = _push_out(p, shape, clearance, floor_y) if moved else p
        if out and shape.hits_segment(out[-1], q):
            out.extend(_bridge(out[-1], q, shape, clearance))
        out.append(q)
    return out


def _route_ref(a, b, shapes, clearance=0.4):
    corners = [c for s in shapes for c in _corners_around(s, clearance)]
    nodes = [a, b] + [p for p in corners if not any(s.contains(*p) for s in shapes)]
    kept = [g if not (g.contains(*a) or g.contains(*b)) else s
            for s, g in zip(shapes, [grown(s, clearance / 2) for s in shapes], strict=True)]
    clear = [[False] * len(nodes) for _ in nodes]
    for i in range(len(nodes)):
        for j in range(i + 1, len(nodes)):
            if not any(s.hits_segment(nodes[i], nodes[j]) for s in kept):
                clear[i][j] = clear[j][i] = True
    best, back = [math.inf] * len(nodes), [-1] * len(nodes)
    best[0] = 0.0
    todo = set(range(len(nodes)))
    while todo:
        i = min(todo, key=best.__getitem__)
        if best[i] == math.inf or i == 1:
            break
        todo.discard(i)
        for j in todo:
            if clear[i][j]:
                d = best[i] + math.dist(nodes[i], nodes[j])
                if d < best[j]:
                    best[j], back[j] = d, i
    if best[1] == math.inf:
        return None
    way = [b]
    while way[-1] != a:
        way.append(nodes[back[nodes.index(way[-1]) if way[-1] != b else 1]])
    return way[::-1]


def _shape(rng: random.Random):
    if rng.random() < 0.5:
        return Circle(cx=rng.uniform(-15, 15), cy=rng.uniform(5, 50), r=rng.uniform(0.5, 5))
    x, y = rng.uniform(-15, 15), rng.uniform(5, 50)
    return Box(x0=x, y0=y, x1=x + rng.uniform(0.5, 8), y1=y + rng.uniform(0.5, 8))


# -- exact shortcuts ---------------------------------------------------------------------------


def test_line_gives_the_same_points_as_before():
    rng = random.Random(1)
    for _ in range(300):
        points = [(rng.uniform(-20, 20), rng.uniform(0, 60)) for _ in range(rng.randint(2, 30))]
        step = rng.choice([0.25, 0.5, 2.0, 50.0])
        assert line(points, step) == _line_ref(points, step)


def test_a_detour_passes_far_points_through_exactly_as_before():
    rng = random.Random(2)
    for _ in range(400):
        shape = _shape(rng)
        corners = [(rng.uniform(-20, 20), rng.uniform(0, 60)) for _ in range(rng.randint(2, 8))]
        dense = line(corners, 0.5)
        args = (rng.choice([0.0, 0.3, 1.0]), rng.choice([0.0, 10.0]), rng.random() < 0.5)
        assert _around(dense, shape, *args) == _around_ref(dense, shape, *args)


def test_route_finds_the_same_way_as_testing_every_leg_first():
    rng = random.Random(3)
    for k in range(80):
        # Mostly a few shapes; some cluttered backs up to ROUTE_SHAPES (the leg test written out).
        shapes = [_shape(rng) for _ in range(rng.randint(1, 6) if k % 4 else rng.randint(8, ROUTE_SHAPES))]
        a, b = (rng.uniform(-20, 20), rng.uniform(0, 60)), (rng.uniform(-20, 20), rng.uniform(0, 60))
        for clearance in (0.4, 1.0):
            assert route(a, b, shapes, clearance) == _route_ref(a, b, shapes, clearance)


def _zones_ref(body, path, mirrored):
    """zones_on_path as it was: every point `along` gives, looked up one by one."""
    lay = layout_for(body)
    points = along(path)
    found = {lay._exact(x, y) for x, y in points}
    if mirrored:
        found |= {lay._exact(-x, y) for x, y in points}
    return tuple(z for z in ZONE_IDS if z in found)


_zones = zones_on_path.__wrapped__.__wrapped__  # past both caches: worked out on each call


def test_zones_on_path_finds_the_same_zones_as_looking_up_every_point():
    rng = random.Random(5)
    bodies = [Body(), *(Body(back_length_cm=rng.uniform(35, 75), shoulder_width_cm=rng.uniform(30, 55),
                             waist_width_cm=rng.uniform(24, 50)) for _ in range(3))]
    for body in bodies:
        lay = layout_for(body)
        # Heights and widths that sit on the map's edges, where a shortcut would go wrong first.
        edges_y = [*lay._heights, 0.9 * lay.L, 0.64 * lay.L]
        edges_x = [0.0, 1.5, 2.5, lay.hs, lay.hw, *(lay._edge_at(e, 10.0) for r in lay._rows for e in r[3:])]
        for k in range(120):
            n = rng.randint(1, 6)
            if k % 3 == 0:  # segments along and across the edges
                path = tuple((rng.choice([-1, 1]) * rng.choice(edges_x) + rng.choice([0, 0, 1e-12, -0.3]),
                              rng.choice(edges_y) + rng.choice([0, 0, -1e-12, 0.2])) for _ in range(n))
            elif k % 3 == 1:  # short steps, as strokes take them, starting on or near an edge
                x = rng.choice([-1, 1]) * rng.choice(edges_x) + rng.uniform(-0.5, 0.5)
                y = rng.choice(edges_y) + rng.uniform(-2, 2)
                points = [(x, y)]
                for _ in range(min(n, 2)):  # one or two segments: another cannot hide a wrong zone
                    step = rng.choice([0.05, 0.4, 1.5, 3.0])
                    x, y = x + rng.uniform(-step, step), y + rng.choice([0.0, rng.uniform(-step, step)])
                    points.append((x, y))
                path = tuple(points)
            else:
                path = tuple((rng.uniform(-30, 30), rng.uniform(-5, lay.L + 10)) for _ in range(n))
            for mirrored in (False, True):
                assert _zones(body, path, mirrored) == _zones_ref(body, path, mirrored)
        # Single slanting segments that hug an edge moving with the height (the torso's sides):
        # where a segment's ends lie inside a row and a point between them may not.
        sloped = [e for r in lay._rows for e in r[3:] if e[0]]
        for _ in range(1500):
            y = rng.uniform(-1, lay.L)
            x = rng.choice([-1, 1]) * (lay._edge_at(rng.choice(sloped), y) + rng.uniform(-0.3, 0.3))
            path = ((x, y), (x + rng.uniform(-1, 1), y + rng.uniform(-4, 4)))
            assert _zones(body, path, True) == _zones_ref(body, path, True)


def test_a_detour_among_the_shapes_it_can_reach_is_the_same_as_among_all():
    rng = random.Random(7)
    reached = 0
    for _ in range(150):
        shapes = [_shape(rng) for _ in range(rng.randint(2, 14))]
        x, y = rng.uniform(-15, 15), rng.uniform(5, 50)
        path = tuple(line([(x, y), (x + rng.uniform(-12, 12), y + rng.uniform(-12, 12)),
                           (x + rng.uniform(-12, 12), y + rng.uniform(-12, 12))], step=1.0))
        near = reach(bbox(path), shapes, 2 * 0.3)
        reached += len(near) < len(shapes)
        for ends in (True, False):
            assert detour(path, list(near), 0.3, keep_ends=ends) == detour(path, shapes, 0.3, keep_ends=ends)
    assert reached > 50  # the shortcut is taken, not only the whole list passed through


def test_segments_hit_answers_as_first_hit_asked_of_each_segment():
    rng = random.Random(8)
    for _ in range(200):
        shapes = [_shape(rng) for _ in range(rng.randint(0, 8))]
        corners = [(rng.uniform(-20, 20), rng.uniform(0, 55)) for _ in range(rng.randint(1, 5))]
        path = line(corners, step=rng.choice([0.5, 2.0, 9.0]))
        # corners of boxes and edges of circles, where strict and loose tests part
        path += [(s.x0, s.y1) if isinstance(s, Box) else (s.cx + s.r, s.cy) for s in shapes]
        want = [first_hit(path[j : j + 2], shapes) is not None for j in range(len(path) - 1)]
        assert segments_hit(path, shapes) == want


def test_a_detour_that_ran_out_of_bends_is_known_again_only_by_the_same_first_shapes():
    path = tuple(line([(-25.0, 20.0), (25.0, 20.0)], step=0.5))
    beads = _beads(MAX_BENDS + 1)
    assert detour(path, beads) is None  # remembered: these shapes make it give up
    # More shapes after them: the same answer, without bending again.
    assert detour(path, [*beads, Circle(cx=0.0, cy=40.0, r=1.0)]) is None
    # Fewer, or others first: worked out afresh, as for a path never seen (a list is not remembered).
    rng = random.Random(11)
    for _ in range(40):
        shapes = rng.sample(beads, rng.randint(1, len(beads)))
        shapes = [*shapes, *(_shape(rng) for _ in range(rng.randint(0, 3)))]
        assert detour(path, shapes) == detour(list(path), shapes)


# -- bounds on the worst case --------------------------------------------------------------------


def _beads(n: int) -> list[Circle]:
    """n small circles strung along the line y = 20, each in the way of a stroke along it."""
    return [Circle(cx=-20 + 40 * (k + 0.5) / n, cy=20.0, r=0.6) for k in range(n)]


def test_a_detour_bends_round_up_to_its_limit_and_gives_up_past_it():
    path = [(-25.0, 20.0), (25.0, 20.0)]
    way = detour(path, _beads(MAX_BENDS))
    assert way is not None and first_hit(way, _beads(MAX_BENDS)) is None
    assert detour(path, _beads(MAX_BENDS + 1)) is None


def test_route_among_many_shapes_uses_the_nearest_and_its_way_is_clear_of_them():
    near = [Circle(cx=0.0, cy=20.0, r=2.0)]
    far = [Circle(cx=-30.0 + 3 * k, cy=70.0 + (k % 3), r=0.5) for k in range(ROUTE_SHAPES + 4)]
    way = route((-6.0, 20.0), (6.0, 20.0), far + near)
    assert way is not None and first_hit(way, near) is None
    # Its corners come from the nearest shapes only: none lies up by the far ones.
    assert all(y < 60 for _, y in way)


# -- caches that must not mix answers ---------------------------------------------------------


def test_path_cached_knows_a_path_by_the_object_and_recomputes_equal_copies():
    calls = []

    @path_cached(0, size=4)
    def span(path, scale):
        calls.append(path)
        return (path[-1][0] - path[0][0]) * scale

    p = ((0.0, 0.0), (2.0, 0.0))
    assert span(p, 1) == 2.0 and span(p, 1) == 2.0 and len(calls) == 1  # the same object: remembered
    assert span(p, 3) == 6.0 and len(calls) == 2  # other arguments by value
    copy = tuple(list(p))
    assert copy == p and copy is not p
    assert span(copy, 1) == 2.0 and len(calls) == 3  # equal but another object: worked out again
    listed = [(0.0, 0.0), (5.0, 0.0)]
    assert span(listed, 1) == 5.0
    listed[1] = (7.0, 0.0)  # a list may change: never remembered
    assert span(listed, 1) == 7.0
    for k in range(10):  # bounded: the memo is emptied rather than grown
        span(((0.0, 0.0), (float(k), 0.0)), 1)
    assert span(p, 1) == 2.0


def test_a_drafts_hash_covers_every_field_equality_compares():
    draft = Draft(key="k", phase="work", technique="stroking", side="both", direction="up",
                  pressure="light", path=((1.0, 2.0), (3.0, 4.0)), area="the back")
    same = replace(draft)
    assert same == draft and hash(same) == hash(draft)
    compared = [f.name for f in fields(Draft) if f.compare]
    assert "path" in compared and "fallbacks" in compared and "_hash" not in compared
    assert hash(draft.with_changes(path=((1.0, 2.0), (3.0, 4.5)))) != hash(draft)
    assert hash(draft.with_changes(lead_in=((0.0, 0.0),))) != hash(draft)


def test_the_verifier_remembers_nothing_that_hides_a_finding():
    """Checks remember what each path met across calls: a shifted copy of a routine must still be
    found out after the routine itself passed, and the routine pass again after it."""
    raw = {"minutes": 30, "spots": [{"kind": "wound", "at": {"x_cm": 9, "y_cm": 30}, "radius_cm": 3}]}
    routine = plan_routine(parse_intake(raw))
    shifted = replace(routine, steps=tuple(
        replace(s, path=tuple((x + 3.0, y - 2.0) for x, y in s.path)) for s in routine.steps))
    first = check_routine(shifted).findings  # checked first: nothing remembered of either yet
    assert "broken-skin" in {f.rule for f in first}
    for _ in range(2):
        assert check_routine(routine).ok
        assert check_routine(shifted).findings == first


# -- round 5: start-up of a whole `backrub plan` ------------------------------------------------


def _segment_distance_ref(p, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    span = dx * dx + dy * dy
    t = 0.0 if span == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / span))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def _simplify_ref(path, tolerance):
    if len(path) < 3:
        return list(path)
    keep = [False] * len(path)
    keep[0] = keep[-1] = True
    stack = [(0, len(path) - 1)]
    while stack:
        i, j = stack.pop()
        best, index = 0.0, -1
        for k in range(i + 1, j):
            d = _segment_distance_ref(path[k], path[i], path[j])
            if d > best:
                best, index = d, k
        if best > tolerance and index > 0:
            keep[index] = True
            stack.extend(((i, index), (index, j)))
    return [p for p, k in zip(path, keep, strict=True) if k]


def _walk(rng, n, step):
    x, y = rng.uniform(-15, 15), rng.uniform(0, 50)
    out = [(x, y)]
    for _ in range(n - 1):
        if rng.random() < 0.1:  # the same point again: a segment of no length
            out.append(out[-1])
            continue
        x, y = x + rng.uniform(-step, step), y + rng.choice([0.0, -0.0, rng.uniform(-step, step)])
        out.append((x, y))
    return out


def test_simplify_and_segment_distance_answer_as_before():
    from backrub.geometry import segment_distance, simplify

    rng = random.Random(21)
    for _ in range(400):
        path = _walk(rng, rng.randint(1, 120), rng.choice([0.05, 0.5, 3.0]))
        for tolerance in (0.0, 0.15, 1.0):
            assert simplify(path, tolerance) == _simplify_ref(path, tolerance)
        for _ in range(10):
            p, a, b = (rng.choice(path) for _ in range(3))
            q = (p[0] + rng.uniform(-2, 2), p[1] + rng.choice([0.0, rng.uniform(-2, 2)]))
            assert segment_distance(q, a, b) == _segment_distance_ref(q, a, b)
            assert segment_distance(p, a, b) == _segment_distance_ref(p, a, b)


def test_zones_on_long_paths_as_looking_up_every_point():
    """Runs of many points told at once by their box (dense circles, long strokes) find the same
    zones as every point `along` gives, looked up one by one."""
    from backrub.geometry import circles_along

    rng = random.Random(22)
    for body in (Body(), Body(back_length_cm=41, shoulder_width_cm=33, waist_width_cm=27)):
        L = body.back_length_cm
        for k in range(100):
            if k % 2:
                corners = [(rng.uniform(-20, 20), rng.uniform(0, L)) for _ in range(rng.randint(2, 4))]
                path = tuple(circles_along(corners, rng.uniform(0.5, 3), rng.uniform(1, 4)))
            else:
                path = tuple(_walk(rng, rng.randint(2, 200), rng.choice([0.3, 1.0, 4.0])))
            for mirrored in (False, True):
                assert _zones(body, path, mirrored) == _zones_ref(body, path, mirrored)


def test_zones_of_segments_across_bands_beside_a_sloped_edge_as_every_point():
    """Segments that cross band edges while a moving x edge (the torso's side) passes under them:
    a box told band by band must take each band's part whole, not one height of it."""
    rng = random.Random(24)
    for body in (Body(), Body(back_length_cm=70, shoulder_width_cm=52, waist_width_cm=26)):
        lay = layout_for(body)
        sloped = [(r[0], r[1], e) for r in lay._rows for e in r[3:] if e[0]]
        for _ in range(1500):
            y0, y1, edge = rng.choice(sloped)
            y = rng.uniform(y0, y1)
            x = rng.choice([-1, 1]) * (lay._edge_at(edge, y) + rng.uniform(-0.2, 0.2))
            dy = rng.uniform(0.5, 12)
            path = ((x, y - dy), (x + rng.uniform(-0.3, 0.3), y + dy))
            assert _zones(body, path, True) == _zones_ref(body, path, True)


def _trim_ref(units, warm, drop, tempo, longest, memo):
    """plan._trim as it was: every trim starts over from the whole list."""
    units, warm = list(units), list(warm)
    with_loop = True

    def quickest(unit):
        return sum(memo.rep_bounds(d, tempo)[0] for d in unit.drafts)

    for _ in range(drop):
        regular = [i for i, u in enumerate(units) if u.priority == 1]
        if regular:
            last = max(units[i].round for i in regular)
            pick = max if longest else min
            units.pop(pick(reversed([i for i in regular if units[i].round == last]),
                           key=lambda i: quickest(units[i])))
        elif len(warm) > 1:
            warm.pop()
        elif with_loop:
            with_loop = False
        elif warm:
            warm.pop()
        elif [u for u in units if u.priority > 0]:
            units.pop(max(i for i, u in enumerate(units) if u.priority > 0))
        else:
            return units, warm, with_loop, False
        worked = {u.round for u in units if u.priority > 0}
        units = [u for u in units if u.priority > 0 or u.round in worked]
    return units, warm, with_loop, True


def test_a_trim_that_goes_on_from_the_one_before_is_the_trim_made_afresh():
    from backrub.intake.screening import screen
    from backrub.planner import plan as P
    from backrub.planner.pieces import Context

    rng = random.Random(23)
    for raw in ({"minutes": 60, "focus": ["shoulders", "lower_back"]}, {"minutes": 20, "pressure": "light"},
                {"minutes": 45, "spots": [{"kind": "knot", "at": {"x_cm": 6, "y_cm": 30}}]}):
        intake = parse_intake(raw)
        ctx = Context(intake=intake, screening=screen(intake), half="both")
        memo, tempo = P._Memo(intake), P.tempo_of(intake)
        units = P._round_units(ctx, 3, 0)
        warms = [P._pieces(memo, ctx, "warm", False), P._pieces(memo, ctx, "warm", False)[:1]]
        # Trims in any order, asked again, past the end, either order of leaving out, as the
        # search asks them of one memo; then with another warm-up, then the first one again.
        for warm in (*warms, warms[0]):
            for _ in range(80):
                drop, longest = rng.randint(0, 70), rng.random() < 0.5
                got = P._trim(units, warm, drop, tempo, longest, memo)
                assert got == _trim_ref(units, warm, drop, tempo, longest, memo), (raw, drop, longest)


def _pressure_facts_ref(intake, draft, P):
    """plan._pressure_facts as it was: every draft's zones looked up, and every test made."""
    zones = placement.zones_touched(intake.body, draft)
    if P.pressure_rank(draft.pressure) == 0:
        return zones, False, False
    on_kidney = any(P.base_name(z) == "kidney" for z in zones) or (
        P.kidney_segment(intake.body, draft.path) is not None
    )
    on_spine = P.spine_gap(intake.body, draft.path, P.contact_half_width(draft.technique)) < 0
    return zones, on_kidney or on_spine, P.TECHNIQUES[draft.technique].allows("light")


# The stages of a pass as they were written before _staged fused them: four passes over the list.
def _warm_and_gentle_ref(intake, drafts, already, P):
    warmed, out = set(already), []
    for draft in drafts:
        zones, unsafe, has_light = _pressure_facts_ref(intake, draft, P)
        if P.pressure_rank(draft.pressure) > 0 and (unsafe or any(z not in warmed for z in zones)):
            if not has_light:
                continue
            draft = draft.with_changes(pressure="light")
        if P.TECHNIQUES[draft.technique].warms_up:
            warmed.update(zones)
        out.append(draft)
    return out


def _alternate_ref(ctx, drafts, before, memo, P):
    out = []
    last_strong = before.technique if before and P.is_strong(before.technique, before.pressure) else None
    for draft in drafts:
        strong = P.is_strong(draft.technique, draft.pressure)
        if strong and last_strong is not None and last_strong != draft.technique:
            link = P._realize(ctx, [P._link(memo, ctx, draft.round)], memo)
            if not link:
                continue
            out += link
        out.append(draft)
        last_strong = draft.technique if strong else None
    return out


def _interludes_ref(drafts, before, P):
    out = []
    for draft in drafts:
        prev = out[-1] if out else before
        if draft.reps is not None and not (prev is not None and P.is_strong(prev.technique, prev.pressure)):
            draft = draft.with_changes(reps=None)
        out.append(draft)
    return out


def test_a_pass_that_goes_on_from_the_last_one_is_the_pass_made_afresh():
    """_staged reuses the last pass's head and tail: every pass, in any order of inputs the search
    might ask, must equal the four stages run afresh over the whole list."""
    from backrub.intake.screening import screen
    from backrub.planner import plan as P
    from backrub.planner.pieces import Context

    rng = random.Random(31)
    raws = (
        {"minutes": 60, "focus": ["shoulders", "lower_back"], "pressure": "firm"},
        {"minutes": 30, "pressure": "medium", "spots": [{"kind": "knot", "at": {"x_cm": 6, "y_cm": 30}}]},
        {"minutes": 45, "pressure": "firm", "spots": [{"kind": "bruise", "at": {"x_cm": -5, "y_cm": 25}}]},
        {"minutes": 40, "position": "side_lying", "pressure": "medium"},
        {"minutes": 30, "giver": "self", "pressure": "firm"},
    )
    checked = 0
    for raw in raws:
        intake = parse_intake(raw)
        halves = ("right", "left") if intake.position == "side_lying" else ("both",)
        for half in halves:
            ctx = Context(intake=intake, screening=screen(intake), half=half)
            memo, ref_memo = P._Memo(intake), P._Memo(intake)
            units = P._round_units(ctx, 3, 0)
            pool = (P._pieces(memo, ctx, "open", False) + P._pieces(memo, ctx, "warm", False)
                    + [d for u in units for d in u.drafts] + P._pieces(memo, ctx, "close", True))
            strong = [d for d in pool if P.is_strong(d.technique, d.pressure)]
            # A start before the pass: nothing, a strong step just done, or a light one, with or
            # without zones already warmed; each start gets its own memo, as in a planning call.
            early = frozenset(z for d in pool[:4] for z in P.placement.zones_touched(intake.body, d))
            starts = ((None, frozenset()), (strong[0] if strong else None, frozenset({"scapula_left"})),
                      (pool[0], early))
            for before, warmed in starts:
                memo = P._Memo(intake)
                ref_memo = P._Memo(intake)
                for n in range(60):
                    if n % 5 == 0:
                        items = list(pool)
                        for _ in range(rng.randint(0, len(pool) // 2)):
                            items.pop(rng.randrange(len(items)))
                    elif n % 5 < 4 and items:  # one piece more left out, as the search does
                        items = list(items)
                        items.pop(rng.randrange(len(items)))
                    else:  # anything: shuffled, repeated, reversed
                        items = rng.sample(pool, rng.randint(0, len(pool)))
                        if rng.random() < 0.3:
                            items = items + items[: rng.randint(0, len(items))]
                    got = P._staged(ctx, items, warmed, before, memo)
                    placed = P._realize(ctx, items, ref_memo)
                    gentle = _warm_and_gentle_ref(intake, placed, warmed, P)
                    want = _interludes_ref(_alternate_ref(ctx, gentle, before, ref_memo, P), before, P)
                    assert got == want, (raw, half, n)
                    checked += 1
    assert checked == 60 * 3 * 6


def _lead_ins_ref(intake, drafts, before, areas, P):
    """The lead-ins as written before they went on from the last call: every slide afresh."""
    from backrub.planner import slides as S

    if not drafts:
        return drafts
    previous = before if before is not None else drafts[0]
    out = [] if before is not None else [drafts[0]]
    for draft in drafts[len(out):]:
        if S.slides_between(intake.giver, previous.side, draft.side):
            way = S.led_in(areas, previous, draft)
            if way is None:
                return None
            draft = way
        out.append(draft)
        previous = draft
    return out


def test_lead_ins_that_go_on_from_the_last_call_are_the_lead_ins_made_afresh():
    """slides.lead_ins reuses the last call's head and tail (and its failure): every call, in any order
    of drafts, must equal the slides worked out afresh, None where one finds no way round."""
    from backrub.intake.screening import screen
    from backrub.planner import plan as P
    from backrub.planner import slides as S
    from backrub.planner.pieces import Context

    rng = random.Random(41)
    at = ((-6, 20), (7, 34), (0, 45), (-3, 10))
    wounds = [{"kind": "wound", "at": {"x_cm": x, "y_cm": y}} for x, y in at]
    raws = (
        {"minutes": 60, "spots": wounds[:2]},
        {"minutes": 30, "spots": wounds},
        {"minutes": 40, "position": "side_lying", "spots": wounds[1:3]},
        {"minutes": 30, "giver": "self", "spots": wounds[:3]},
    )
    counts = {"none": 0, "led": 0}
    for raw in raws:
        intake = parse_intake(raw)
        halves = ("right", "left") if intake.position == "side_lying" else ("both",)
        for half in halves:
            base, pool = P._Memo(intake), []
            # Drafts kept clear of the wounds, and some planned as if there were none: slides from
            # those may find no way round.
            for planned in (intake, parse_intake({k: v for k, v in raw.items() if k != "spots"})):
                ctx = Context(intake=planned, screening=screen(planned), half=half)
                memo = P._Memo(planned)
                units = P._round_units(ctx, 2, 0)
                made = P._pieces(memo, ctx, "open", False) + P._pieces(memo, ctx, "warm", False)
                made += [d for u in units for d in u.drafts] + P._pieces(memo, ctx, "close", True)
                pool += P._realize(ctx, made, memo)
            for before in (None, pool[-1], pool[len(pool) // 2]):
                memo = P._Memo(intake)
                items: list = []
                for n in range(60):
                    if n % 5 == 0 or not items:
                        cut = rng.random() * 0.2
                        items = [d for d in pool if rng.random() > cut]
                    elif n % 5 < 4:  # one more left out, as the search does
                        items = list(items)
                        items.pop(rng.randrange(len(items)))
                    else:
                        items = rng.sample(pool, rng.randint(0, len(pool) // 3))
                    got = S.lead_ins(intake, items, before, memo)
                    want = _lead_ins_ref(intake, items, before, base.areas, P)
                    assert got == want, (raw, half, n)
                    counts["none" if want is None else "led"] += 1
    assert counts["none"] > 20 and counts["led"] > 20, counts


def _way_round_as_before(draft: Draft, shapes: tuple[Shape, ...]) -> Draft | None:
    """placement._rerouted_among as it was, remembered by the draft only (the reference)."""
    way = detour(draft.path, shapes, placement.CLEARANCE, keep_ends=False)
    if way is None:
        return None
    way = rounded(way)
    if len(way) < 2 or first_hit(way, shapes) or direction_problem(way, draft.direction):
        return None
    return draft.with_changes(path=tuple(way), note=(draft.note + " Go round the marked places.").strip())


def test_a_way_round_remembered_by_its_path_is_each_drafts_own_way():
    # Drafts that share a path (the opening stroke, the interludes, the closing) are rerouted once
    # per path: each still gets its own key, direction and note, as when worked out alone.
    rng = random.Random(12)
    rerouted = refused = 0
    for _ in range(60):
        shapes = tuple(_shape(rng) for _ in range(rng.randint(1, 4)))
        x, y = rng.uniform(-15, 15), rng.uniform(5, 30)
        bend = (x + rng.choice((-3, 3)), y + rng.uniform(5, 10))  # a bent stroke keeps its direction
        path = tuple(rounded(line([(x, y), bend, (x, bend[1] + rng.uniform(5, 10))], step=1.0)))
        drafts = [
            Draft(key=f"stroke_{k}", phase="work", technique="stroking", side="right", direction=direction,
                  pressure="light", path=tuple(path), area="the back", note=note)
            for k, (direction, note) in enumerate(
                [("up", ""), ("down", ""), ("up", "Slowly."), ("any", ""), ("up", "")]
            )
        ]
        placement._way_round.cache_clear()
        placement._rerouted_among.cache_clear()
        for d in rng.sample(drafts, len(drafts)):
            got = placement._rerouted_among(d, shapes)
            want = _way_round_as_before(d, shapes)
            assert got == want
            assert got is None or (got.key, got.direction) == (d.key, d.direction)
            rerouted += got is not None and got.path != d.path
            refused += got is None
    assert rerouted > 20 and refused > 20  # both outcomes are met, from one path and several drafts


def test_hundredths_is_round_to_two_places_bit_for_bit():
    # Routine JSON and the templates keep hundredths: the cheap rounding must give the very float
    # round(x, 2) gives (compared by bytes: -0.0 and 0.0 differ), half-way cases and their
    # neighbours one ulp away included.
    rng = random.Random(13)
    values = [0.0, -0.0, 0.005, -0.005, 0.015, 1.005, 2.675, -2.675, 1e-300, 5e5, -5e5, 1e7, 1e300,
              math.inf, -math.inf]
    for k in range(-3000, 3000):
        half = (k + 0.5) / 100
        values += [half, math.nextafter(half, math.inf), math.nextafter(half, -math.inf), k / 100]
    values += [rng.uniform(-300, 300) for _ in range(40000)]
    values += [round(rng.uniform(-80, 80), rng.randint(0, 4)) for _ in range(20000)]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-8, 7) for _ in range(20000)]
    for x in values:
        assert struct.pack("<d", hundredths(x)) == struct.pack("<d", round(x, 2)), x
    assert math.isnan(hundredths(math.nan))


def _zone_from_shapes(lay, x, y):
    """The zone under a point straight from the declared shapes (map order, `bound` for every
    edge): none of the lookup's folded edges, precomputed rows or bases."""
    from backrub.knowledge.zones import SHAPES

    for shape in SHAPES:
        if not lay.bound(shape.y_low, 0.0) <= y < lay.bound(shape.y_high, 0.0):
            continue
        if lay.bound(shape.x_low, y) <= abs(x) < lay.bound(shape.x_high, y):
            if not shape.sided:
                return shape.name
            return shape.name + ("_right" if x >= 0 else "_left")
    return None


def test_the_lookup_of_a_point_is_the_declared_shapes_bit_for_bit():
    """The point lookup (the oracle of the zone tests above) against the shapes as declared, on
    and a hair beside every edge, where a sum done another way would first differ."""
    rng = random.Random(41)
    for body in (Body(), Body(back_length_cm=38, shoulder_width_cm=52, waist_width_cm=46),
                 Body(back_length_cm=72, shoulder_width_cm=31, waist_width_cm=25)):
        lay = layout_for(body)
        for _ in range(6000):
            y = rng.choice([*lay._heights, 0.9 * lay.L, 0.64 * lay.L, rng.uniform(-2, lay.L + 12)])
            y = rng.choice([y, math.nextafter(y, -math.inf), math.nextafter(y, math.inf)])
            edge = lay._edge_at(rng.choice([e for r in lay._rows for e in r[3:]]), y)
            ax = rng.choice([edge, math.nextafter(edge, -math.inf), math.nextafter(edge, math.inf),
                             rng.uniform(0, lay.hs + 10), 0.0])
            for x in (ax, -ax):
                assert lay._exact(x, y) == _zone_from_shapes(lay, x, y), (body, x, y)


# -- round 7: the first plan of `backrub plan` ---------------------------------------------------


def _circles_along_ref(corners, radius, spacing, clockwise=True, per_circle=8):
    centres = _line_ref(corners, 0.25)
    total = sum(map(math.dist, centres[:-1], centres[1:]))
    turns = max(1, round(total / spacing))
    count = turns * per_circle
    sign = -1.0 if clockwise else 1.0
    cum = [0.0]
    for a, b in itertools.pairwise(centres):
        cum.append(cum[-1] + math.dist(a, b))
    out = []
    j = 0
    for i in range(count + 1):
        target = total * i / count
        while j < len(cum) - 2 and cum[j + 1] < target:
            j += 1
        seg = cum[j + 1] - cum[j]
        f = 0.0 if seg == 0 else (target - cum[j]) / seg
        cx = centres[j][0] + (centres[j + 1][0] - centres[j][0]) * f
        cy = centres[j][1] + (centres[j + 1][1] - centres[j][1]) * f
        angle = -math.pi / 2 + sign * 2 * math.pi * i / per_circle
        out.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return out


def test_circles_along_gives_the_same_points_as_stepping_along_the_centres():
    """The centre segment of each point found by bisecting the running lengths (and the sums with
    their operands taken once): the very points of stepping along one by one, repeated corners
    (segments of no length) and turns either way included."""
    from backrub.geometry import circles_along

    rng = random.Random(71)
    for k in range(600):
        corners = [(rng.uniform(-20, 20), rng.uniform(0, 60)) for _ in range(rng.randint(2, 5))]
        if k % 5 == 0:
            corners.insert(1, corners[0])
        args = (rng.uniform(0.5, 3), rng.uniform(0.3, 4), rng.random() < 0.5, rng.choice([6, 8]))
        assert circles_along(corners, *args) == _circles_along_ref(corners, *args)


def test_rounded_is_round_to_two_places_for_each_coordinate_bit_for_bit():
    rng = random.Random(72)
    values = [0.0, -0.0, 0.005, -0.005, 1.005, 2.675, -2.675, 5e5, -5e5, 1e7, math.inf, -math.inf]
    values += [(k + 0.5) / 100 for k in range(-500, 500)] + [rng.uniform(-80, 80) for _ in range(4000)]
    values += [round(rng.uniform(-80, 80), rng.randint(0, 4)) for _ in range(2000)]
    points = [(rng.choice(values), rng.choice(values)) for _ in range(20000)]
    got = rounded(points)
    assert len(got) == len(points)
    for (x, y), (gx, gy) in zip(points, got, strict=True):
        assert struct.pack("<dd", gx, gy) == struct.pack("<dd", round(x, 2), round(y, 2)), (x, y)


def _first_hit_ref(path, shapes):
    """Every segment in turn, every shape in order, by the shapes' own tests."""
    if not shapes or not path:
        return None
    if len(path) == 1:
        return next(((0, s) for s in shapes if s.contains(*path[0])), None)
    for i in range(len(path) - 1):
        for s in shapes:
            if s.hits_segment(path[i], path[i + 1]):
                return (i, s)
    return None


def test_first_hit_names_the_segment_and_shape_that_asking_each_segment_names():
    """Outcodes worked out while walking the segments (none past the first hit): the same first
    segment and, where two shapes meet it, the one listed first, on paths grazing, entering and
    leaving shapes, with points on their edges."""
    rng = random.Random(73)
    for _ in range(1500):
        shapes = [_shape(rng) for _ in range(rng.randint(1, 4))]
        path = _walk(rng, rng.randint(1, 60), rng.choice([0.5, 2.0, 6.0]))
        if rng.random() < 0.3:  # points exactly on a shape's edges and corners
            s = rng.choice(shapes)
            x0, y0, x1, y1 = s.bbox()
            path += [rng.choice([(x0, y0), (x1, y1), (x0, rng.uniform(y0, y1)), (rng.uniform(x0, x1), y1)])
                     for _ in range(3)]
        got = first_hit(path, shapes)
        want = _first_hit_ref(path, shapes)
        assert (got is None) == (want is None), (path, shapes)
        if got is not None:
            assert got[0] == want[0] and got[1] is want[1]


def test_a_box_told_one_zone_has_that_zone_at_every_point_of_it():
    """box_zone's answer (it lets zones_on_path tell a run of points at once) against the declared
    shapes at points all over the box: its corners, its edges, a grid, and every band edge and
    one ulp either side that it crosses, for the box and its mirror image. A box is drawn around
    points near the map's edges (sloped and stepped), across bands and below the map."""
    rng = random.Random(74)
    told = 0
    for body in (Body(), Body(back_length_cm=38, shoulder_width_cm=52, waist_width_cm=46),
                 Body(back_length_cm=72, shoulder_width_cm=31, waist_width_cm=25)):
        lay = layout_for(body)
        edges = [e for r in lay._rows for e in r[3:]]
        for _ in range(1500):
            y = rng.choice([*lay._heights, rng.uniform(-3, lay.L + 10)])
            x = lay._edge_at(rng.choice(edges), y) + rng.uniform(-1.5, 1.5)
            w, h = rng.choice([0.0, 0.01, rng.uniform(0, 3)]), rng.choice([0.0, 0.01, rng.uniform(0, 6)])
            xlo, ylo = x - rng.uniform(0, w), y - rng.uniform(0, h)
            xhi, yhi = xlo + w, ylo + h
            got = lay.box_zone(xlo, xhi, ylo, yhi)
            if got is None:
                continue
            told += 1
            ys = [ylo, yhi, *(ylo + (yhi - ylo) * k / 6 for k in range(1, 6))]
            for e in lay._heights:
                if ylo <= e <= yhi:
                    ys += [e, math.nextafter(e, -math.inf), math.nextafter(e, math.inf)]
            xs = [xlo, xhi, *(xlo + (xhi - xlo) * k / 6 for k in range(1, 6))]
            for py in ys:
                if not ylo <= py <= yhi:
                    continue
                for px in xs:
                    assert _zone_from_shapes(lay, px, py) == got[0], (body, xlo, xhi, ylo, yhi, px, py)
                    assert _zone_from_shapes(lay, -px, py) == got[1], (body, xlo, xhi, ylo, yhi, px, py)
    assert told > 1800  # most boxes near an edge are still told: the test is not vacuous
