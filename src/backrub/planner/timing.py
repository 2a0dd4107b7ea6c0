"""Tempo and time: how long one repetition may take, and filling the minutes asked for."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from backrub.geometry import length, path_cached
from backrub.knowledge.techniques import (
    BREATHS_PER_REP,
    GOAL_TEMPO,
    REPS_RANGE,
    ROBOT_MAX_SPEED_CM_S,
    TECHNIQUES,
)

Point = tuple[float, float]


# Compared and hashed (a cache key) but never printed: no __repr__ is generated (an exec-compile
# when `backrub plan` starts).
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Tempo:
    """The person's pace: breathing rate, goal and who gives the massage."""

    breaths_per_minute: float
    goal: str
    giver: str

    @property
    def breath_seconds(self) -> float:
        return 60.0 / self.breaths_per_minute

    @property
    def breath_unit(self) -> float:
        """Seconds per breath-paced repetition: one breath, or half of one to energize."""
        return self.breath_seconds * BREATHS_PER_REP[self.goal]

    def speed_range(self, technique: str) -> tuple[float, float]:
        """Hand speed (cm/s) along the path for this technique and goal; robots never above 10."""
        low, high = TECHNIQUES[technique].speed_cm_s
        factor = GOAL_TEMPO[self.goal]
        low, high = low * factor, high * factor
        if self.giver == "robot":
            high = min(high, ROBOT_MAX_SPEED_CM_S)
            low = min(low, high)
        return low, high


@path_cached(1)
@lru_cache(maxsize=8192)
def rep_bounds(
    technique: str, path: tuple[Point, ...], tempo: Tempo, stretch: int = 1
) -> tuple[float, float]:
    """Shortest and longest time one repetition may take.

    Breath-paced strokes take a whole number of breaths: exactly the fewest
    that keep the hands slow enough, or up to `stretch` times that many.
    """
    span = max(length(path), 1.0)
    low_v, high_v = tempo.speed_range(technique)
    if TECHNIQUES[technique].breath_paced:
        unit = tempo.breath_unit
        # Whole breaths (or half breaths to energize) slow enough to stay under the top speed.
        count = max(1, math.ceil(span / (high_v * unit) - 1e-9))
        return unit * count, unit * count * stretch
    return span / high_v, span / low_v


def reps_bounds(technique: str) -> tuple[int, int]:
    return REPS_RANGE if TECHNIQUES[technique].massage else (1, 1)


def fit_times(
    bounds: Sequence[tuple[float, float]], reps_limits: Sequence[tuple[int, int]], target: float
) -> list[tuple[int, float]] | None:
    """Reps and seconds per repetition for each step so the total hits `target` seconds.

    Reps rise together from their minimum, one step at a time in order; then
    every flexible repetition time moves by the same fraction of its range.
    None when even the slowest timing falls short; the quickest when even that runs long.
    """
    reps = [lo for lo, _ in reps_limits]
    low = sum(r * lo for r, (lo, _) in zip(reps, bounds, strict=True))
    high = sum(r * hi for r, (_, hi) in zip(reps, bounds, strict=True))
    if low >= target:
        return [(r, lo) for r, (lo, _) in zip(reps, bounds, strict=True)]
    while high < target:
        grown = False
        for i, (_, most) in enumerate(reps_limits):
            if reps[i] < most:
                reps[i] += 1
                low += bounds[i][0]
                high += bounds[i][1]
                grown = True
                if high >= target:
                    break
        if not grown:
            return None
    alpha = 0.0 if high == low else min(1.0, max(0.0, (target - low) / (high - low)))
    return [(r, lo + alpha * (hi - lo)) for r, (lo, hi) in zip(reps, bounds, strict=True)]


def fit_whole_breaths(
    paced: Sequence[bool],
    bounds: Sequence[tuple[float, float]],
    reps_limits: Sequence[tuple[int, int]],
    unit: float,
    target: float,
) -> list[tuple[int, float]] | None:
    """Short routines: strokes of one or two whole breaths, reps 5-8, chosen so the total fits.

    The breath-paced steps' choices are counted in whole breaths and searched
    exactly (a small knapsack); the flexible steps then fill what is left.
    """
    flexible = [i for i, p in enumerate(paced) if not p]
    f_low = sum(reps_limits[i][0] * bounds[i][0] for i in flexible)
    f_high = sum(reps_limits[i][1] * bounds[i][1] for i in flexible)
    # reachable[breaths] = the (reps, breaths per rep) of each paced step so far
    reachable: dict[int, tuple[tuple[int, int], ...]] = {0: ()}
    for i, p in enumerate(paced):
        if not p:
            continue
        base = max(1, round(bounds[i][0] / unit))
        grown: dict[int, tuple[tuple[int, int], ...]] = {}
        for total, picks in reachable.items():
            for reps in range(reps_limits[i][0], reps_limits[i][1] + 1):
                for per in (base, 2 * base):
                    grown.setdefault(total + reps * per, (*picks, (reps, per)))
        reachable = grown

    def miss(breaths: int) -> float:
        rest = target - breaths * unit
        return max(f_low - rest, rest - f_high, 0.0)

    best = min(reachable, key=lambda b: (miss(b), abs(target - b * unit - (f_low + f_high) / 2)))
    chosen = iter(reachable[best])
    rest = target - best * unit
    flex_times = (
        fit_times([bounds[i] for i in flexible], [reps_limits[i] for i in flexible], rest) if flexible else []
    )
    if flex_times is None:
        return None
    flex = iter(flex_times)
    out: list[tuple[int, float]] = []
    for p in paced:
        if p:
            reps, per = next(chosen)
            out.append((reps, per * unit))
        else:
            out.append(next(flex))
    return out
