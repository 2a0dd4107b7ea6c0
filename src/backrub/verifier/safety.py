"""Checks that keep the receiver safe: spine, skin, pain, underarms, kidneys, warm-up, limits."""

from __future__ import annotations

from collections.abc import Iterator

from backrub.geometry import bbox, first_hit, mirrored
from backrub.knowledge.screening_table import CONDITIONS
from backrub.knowledge.techniques import TECHNIQUES, pressure_rank
from backrub.knowledge.zones import base_name
from backrub.verifier.context import Checked, at, fmt
from backrub.verifier.report import Finding, error


def spine_pressure(c: Checked) -> Iterator[Finding]:
    for i, step in enumerate(c.steps):
        if step.pressure == "light":
            continue
        path = step.path
        xs = [x for x, _ in path]
        if min(xs) > 2.5 or max(xs) < -2.5:
            continue  # wholly one side of the midline, clear of the widest band
        for j, (x, y) in enumerate(path):
            band = c.lay.spine_half_width(y)
            crossed = j > 0 and (path[j - 1][0] > 0) != (x > 0) and path[j - 1][0] != 0 and x != 0
            if abs(x) < band or crossed:
                yield error(
                    "spine-pressure",
                    at(i, j),
                    f"{step.pressure} {step.technique.replace('_', ' ')} on the spine band at {fmt((x, y))}",
                    f"keep the path at least {band:g} cm beside the midline, or make it light",
                )
                break


def no_touch(c: Checked) -> Iterator[Finding]:
    """Wounds and other marked skin, painful places (beyond light), underarms; slides too."""
    every = c.areas
    # The mirrored hand meets an area exactly where the written path meets the area's mirror image.
    mirrored_areas = [(a, mirrored(a.shape)) for a in every]
    for i, step in enumerate(c.steps):
        box = bbox(step.path)
        light = step.pressure == "light"
        hands = [("", [(a, a.shape) for a in every])]
        if step.side == "both":
            hands.append((" (left hand, mirrored)", mirrored_areas))
        for label, pairs in hands:
            pairs = [(a, s) for a, s in pairs if not (a.light_ok and light)]
            hit = first_hit(step.path, [s for _, s in pairs], box)
            if hit is not None:
                j, shape = hit
                # Name the point that lies in the area, not the one before it on the same segment.
                if (
                    not shape.contains(*step.path[j])
                    and j + 1 < len(step.path)
                    and shape.contains(*step.path[j + 1])
                ):
                    j += 1
                area = next(a for a, s in pairs if s is shape)
                yield error(
                    area.rule,
                    at(i, j) + label,
                    f"{step.technique.replace('_', ' ')} touches the {area.label}",
                    _avoid_hint(area.rule),
                )
        if i == 0:
            continue
        slide = (c.steps[i - 1].path[-1], *step.lead_in, step.path[0])
        firm_areas = [a for a in every if not a.light_ok]
        hit = first_hit(slide, [a.shape for a in firm_areas])
        if hit is not None:
            area = next(a for a in firm_areas if a.shape is hit[1])
            yield error(
                area.rule,
                at(i, None) + ".lead_in",
                f"the hands slide over the {area.label} on the way from steps[{i - 1}]",
                "add a lead_in that goes round it, or end the previous step elsewhere",
            )


def _avoid_hint(rule: str) -> str:
    if rule == "axilla":
        return "stop the stroke short of the armpit; strokes move toward it, never onto it"
    if rule == "pain-spot":
        return "leave the painful place out, or go over it with light pressure only"
    return "route the path round the marked place with a 2 cm margin, or leave that area out"


def kidney_gentle(c: Checked) -> Iterator[Finding]:
    for i, step in enumerate(c.steps):
        if step.pressure == "light" or not any(base_name(z) == "kidney" for z in c.zones[i]):
            continue
        for hand in c.hands(step):
            j = next(
                (j for j, p in enumerate(hand.path) if base_name(c.lay.zone_at(*p) or "") == "kidney"), None
            )
            if j is not None:
                yield error(
                    "kidney-gentle",
                    at(i, j) + hand.label,
                    f"{step.pressure} {step.technique.replace('_', ' ')} over the kidney area",
                    "make this step light, or keep it below or above the kidney area",
                )
                break


def warmup_first(c: Checked) -> Iterator[Finding]:
    warmed: set[str] = set()
    for i, step in enumerate(c.steps):
        zones = [z for z in c.zones[i] if z != "spine"]
        if pressure_rank(step.pressure) > 0:
            cold = [z for z in zones if z not in warmed]
            if cold:
                yield error(
                    "warmup-first",
                    at(i),
                    f"{step.pressure} {step.technique.replace('_', ' ')} on {', '.join(cold)} "
                    "before it was warmed up",
                    "put a light thumb glide or circular rubbing over "
                    f"{', '.join(cold)} earlier, or make this step light",
                )
        if TECHNIQUES[step.technique].warms_up:
            warmed.update(zones)


def pressure_preference(c: Checked) -> Iterator[Finding]:
    if not c.known:
        return
    asked = c.intake.pressure
    for i, step in enumerate(c.steps):
        if pressure_rank(step.pressure) > pressure_rank(asked):
            yield error(
                "pressure-preference",
                at(i),
                f"{step.pressure} pressure, but the receiver asked for {asked} at most",
                f"lower this step to {asked}",
            )


def screening_kept(c: Checked) -> Iterator[Finding]:
    if not c.known:
        return
    s = c.screening
    if not s.may_plan:
        codes = ", ".join(r.code for r in s.reasons)
        yield error(
            "screening",
            "steps",
            f"screening says {s.decision.replace('_', ' ')} ({codes}): this routine must not be done",
            "see a professional first"
            if s.decision == "refer"
            else "get a clinician's clearance and set cleared_by_clinician",
        )
        return
    cap = s.pressure_cap
    if c.intake.goal == "comfort_care":
        cap = "light"
    for i, step in enumerate(c.steps):
        if pressure_rank(step.pressure) > pressure_rank(cap):
            because = (
                ", ".join(ch.because[0] for ch in s.changes if ch.code == "pressure_cap" and ch.value == cap)
                or "a comfort rub"
            )
            yield error(
                "screening",
                at(i),
                f"{step.pressure} pressure, but {because} allows {cap} only",
                f"lower this step to {cap}",
            )
        if step.technique in s.banned_techniques:
            why = [code for code in c.intake.conditions if step.technique in CONDITIONS[code].no_techniques]
            yield error(
                "screening",
                at(i),
                f"{step.technique.replace('_', ' ')} is left out because of {', '.join(why)}",
                "replace it with light stroking or circular rubbing",
            )


CHECKS = (spine_pressure, no_touch, kidney_gentle, warmup_first, pressure_preference, screening_kept)
