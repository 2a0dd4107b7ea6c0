"""Pain places reported live merge when they overlap, and the merged place still covers every place
reported: checked by sampling the reported circles' edges, not with the merging code's own maths."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from backrub.intake.model import Spot
from backrub.knowledge.screening_table import DEFAULT_SPOT_RADIUS_CM
from backrub.planner.feedback import MERGED_CM, with_pain_at

points = st.tuples(st.floats(-15, 15), st.floats(2, 50)).map(lambda p: (round(p[0], 1), round(p[1], 1)))


def covered(x: float, y: float, spots: tuple[Spot, ...]) -> bool:
    return any(s.at is not None and math.hypot(x - s.at[0], y - s.at[1]) <= s.radius_cm + 1e-9 for s in spots)


@settings(max_examples=200)
@given(st.lists(points, min_size=1, max_size=12))
def test_every_reported_place_stays_covered(reports: list[tuple[float, float]]) -> None:
    spots: tuple[Spot, ...] = (Spot(kind="wound", zone="kidney_left"),)
    for at in reports:
        spots, _ = with_pain_at(spots, at)
    assert spots[0].zone == "kidney_left"  # other spots are kept as they were
    pains = tuple(s for s in spots if s.kind == "pain")
    assert len(pains) <= len(reports)
    for x, y in reports:
        for k in range(24):
            a = 2 * math.pi * k / 24
            ex, ey = x + DEFAULT_SPOT_RADIUS_CM * math.cos(a), y + DEFAULT_SPOT_RADIUS_CM * math.sin(a)
            assert covered(ex, ey, pains), ((x, y), pains)
    assert all(s.radius_cm <= MERGED_CM + 0.05 or s.radius_cm == DEFAULT_SPOT_RADIUS_CM for s in pains)


def test_the_same_place_reported_again_is_one_place() -> None:
    spots, merged = with_pain_at((), (5.0, 20.0))
    for _ in range(5):
        spots, merged = with_pain_at(spots, (5.0, 20.5))
    assert merged and len(spots) == 1 and spots[0].radius_cm < 4
