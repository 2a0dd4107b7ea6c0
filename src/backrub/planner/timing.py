"""Tempo and time: how long one repetition may take, and filling the minutes asked for."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from backrub.geometry import length
from backrub.knowledge.techniques import (
    BREATHS_PER_REP,
    GOAL_TEMPO,
    REPS_RANGE,
    ROBOT_MAX_SPEED_CM_S,
    TECHNIQUES,
)

Point = tuple[float, float]


@dataclass(frozen=True, slots=True, kw_only=True)
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


@lru_cache(maxsize=8192)
def rep_bounds(technique: str, path: tuple[Point, ...], tempo: Tempo, stretch: int = 1) -> tuple[float, float]:
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


def fit_times(bounds: Sequence[tuple[float, float]], reps_limits: Sequence[tuple[int, int]],
              target: float) -> list[tuple[int, float]] | None:
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


def snap_to_breath(times: list[tuple[int, float]], paced: Sequence[bool], unit: float,
                   bounds: Sequence[tuple[float, float]], reps_limits: Sequence[tuple[int, int]],
                   target: float) -> list[tuple[int, float]] | None:
    """Round stretched breath-paced strokes to whole breaths, then refit the flexible steps."""
    fixed = [
        (max(lo, unit * round(s / unit)),) * 2 if p else b
        for (_, s), p, b, (lo, _) in zip(times, paced, bounds, bounds, strict=True)
    ]
    limits = [(r, r) if p else lim for (r, _), p, lim in zip(times, paced, reps_limits, strict=True)]
    return fit_times(fixed, limits, target)
