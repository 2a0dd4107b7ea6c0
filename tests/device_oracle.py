"""An oracle for where a massager's head went, written from DESIGN.md's back map alone.

It does not use the verifier's code: it walks every path in half-centimetre steps and samples the
whole disc of the head (its own table of head widths), asking the zone map what lies under each
sample. The verifier grows boxes instead; a bug in either shows as a disagreement.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

from backrub.knowledge.zones import zone_at
from backrub.routine import Routine

Point = tuple[float, float]
# Widths of the broad heads (cm): the round ball, the flat disc, the soft cushion.
HEAD_WIDTH_CM = {"round": 4.5, "flat": 5.0, "cushion": 5.0}
CAP_S = 120.0  # about two minutes a muscle group


def _spine_band(back_length: float, y: float) -> float:
    # DESIGN.md: about 1.5 cm either side of the midline, 2.5 cm at the neck (top tenth of the back).
    return 2.5 if y >= 0.9 * back_length else 1.5


def _walk(path: tuple[Point, ...], step: float = 0.5) -> Iterator[Point]:
    yield path[0]
    for a, b in itertools.pairwise(path):
        n = max(1, math.ceil(math.dist(a, b) / step))
        for k in range(1, n + 1):
            yield (a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n)


def _disc(c: Point, r: float) -> Iterator[Point]:
    yield c
    for ring in (r * 0.5, r * 0.999):
        for k in range(16):
            t = 2 * math.pi * k / 16
            yield (c[0] + ring * math.cos(t), c[1] + ring * math.sin(t))


def head_violations(routine: Routine) -> list[str]:
    """Every place a device step's head lies on the spine band, the kidney area or the neck."""
    assert routine.intake is not None
    body = routine.intake.body
    L = body.back_length_cm
    out: list[str] = []
    for i, step in enumerate(routine.steps):
        if step.device is None:
            continue
        r = HEAD_WIDTH_CM[step.device.attachment] / 2
        paths = [step.path] + ([tuple((-x, y) for x, y in step.path)] if step.side == "both" else [])
        for path in paths:
            for c in _walk(path):
                for x, y in _disc(c, r):
                    zone = zone_at(body, x, y) or ""
                    if abs(x) < _spine_band(L, y):
                        out.append(f"steps[{i}] head on the spine band at ({x:.2f}, {y:.2f})")
                    elif zone.startswith("kidney"):
                        out.append(f"steps[{i}] head over {zone} at ({x:.2f}, {y:.2f})")
                    elif zone == "neck_base" or y > L + 4.0:
                        out.append(f"steps[{i}] head on the neck at ({x:.2f}, {y:.2f})")
                    if len(out) > 5:
                        return out
    return out


def seconds_by_zone(routine: Routine) -> dict[str, float]:
    """Device seconds on each zone, shared out by the length of path over it (sampled finely)."""
    assert routine.intake is not None
    body = routine.intake.body
    out: dict[str, float] = {}
    for step in routine.steps:
        if step.device is None:
            continue
        paths = [step.path] + ([tuple((-x, y) for x, y in step.path)] if step.side == "both" else [])
        for path in paths:
            points = list(_walk(path, 0.25))
            zones = [zone_at(body, *p) or "off" for p in points]
            for z in set(zones):
                out[z] = out.get(z, 0.0) + step.seconds * zones.count(z) / len(zones)
    return out
