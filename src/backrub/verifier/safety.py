"""Checks that keep the receiver safe: spine, skin, pain, underarms, kidneys, warm-up, limits."""

from __future__ import annotations

from collections.abc import Iterator

from backrub.geometry import Point, Shape, bbox, first_hit, grown, mirrored, path_box, path_cached
from backrub.intake.places import NoTouch, slide_shapes, slides_between
from backrub.knowledge.screening_table import CONDITIONS, NO_CONTACT_SPOTS
from backrub.knowledge.techniques import TECHNIQUES, contact_half_width, pressure_rank
from backrub.knowledge.zones import base_name, kidney_segment, spine_gap
from backrub.routine.model import Step
from backrub.verifier.context import Checked, Hand, at, fmt
from backrub.verifier.report import Finding, error


def spine_pressure(c: Checked) -> Iterator[Finding]:
    """Pressed work keeps the whole contact (the path plus the hand's half-width) off the band."""
    yield from c.each(_spine_at)


def _spine_at(c: Checked, i: int, step: Step) -> Iterator[Finding]:
    if step.pressure == "light":
        return
    width = contact_half_width(step.technique)
    path = step.path
    xs = [x for x, _ in path]
    if min(xs) > 2.5 + width or max(xs) < -2.5 - width:
        return  # wholly one side of the midline, clear of the widest band
    if spine_gap(c.intake.body, path, width) >= 0:
        return
    for j in range(len(path)):
        seg = path[j : j + 2]
        if spine_gap(c.intake.body, seg, width) < 0:
            k = j + 1 if len(seg) == 2 and abs(seg[1][0]) < abs(seg[0][0]) else j
            x, y = path[k]
            band = c.lay.spine_half_width(y)
            yield error(
                "spine-pressure",
                at(i, k),
                f"{step.pressure} {step.technique.replace('_', ' ')} on the spine band at {fmt((x, y))} "
                f"(the {TECHNIQUES[step.technique].contact} reach {width:g} cm either side)",
                f"keep the path at least {band + width:g} cm beside the midline, or make it light",
            )
            return


def no_touch(c: Checked) -> Iterator[Finding]:
    """Wounds and other marked skin, painful places (beyond light), underarms; slides too."""
    every = c.areas
    memo = _areas_memo(every)
    for i, step in enumerate(c.steps):
        light = step.pressure == "light"
        # The path is the contact's centre: an area grown by the hand's half-width is what it meets.
        width = contact_half_width(step.technique)
        key = (width, light)
        if key not in memo.hands:
            memo.hands[key] = _hands(every, width, light)
        written, mirror = memo.hands[key]
        # The mirrored hand meets an area exactly where the written path meets its mirror image.
        both = step.side == "both"
        for label, pairs, shapes, hits in (written, mirror) if both else (written,):
            # Later rounds and later checks repeat paths: the same path and hand meet the same areas.
            hit = _remembered(hits, step.path, shapes)
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
        if i == 0 or not slides_between(c.intake.giver, c.steps[i - 1].side, step.side):
            continue
        slide = (c.steps[i - 1].path[-1], *step.lead_in, step.path[0])
        if slide in memo.slides:
            slid = memo.slides[slide]
        else:
            slide_box = bbox(slide)
            firm_areas = slide_shapes(every, slide[0], slide[-1], slide_box)
            met = first_hit(slide, [s for _, s in firm_areas], slide_box)
            slid = None if met is None else next(a for a, s in firm_areas if s is met[1])
            if len(memo.slides) >= _MEMO_SIZE:
                memo.slides.clear()
            memo.slides[slide] = slid
        if slid is not None:
            yield error(
                slid.rule,
                at(i, None) + ".lead_in",
                f"the hands slide over the {slid.label} on the way from steps[{i - 1}]",
                "add a lead_in that goes round it, or end the previous step elsewhere",
            )


# label, (area, shape) pairs, shapes, and what each path met (by the path's id, the path held)
_Hand = tuple[
    str,
    list[tuple[NoTouch, Shape]],
    list[Shape],
    dict[int, tuple[tuple[Point, ...], tuple[int, Shape] | None]],
]
_MEMO_SIZE = 8192


class _AreasMemo:
    """What the no-touch check has worked out for one tuple of areas, kept across checks: a live
    session re-verifies the same steps after every change, and a routine repeats its paths."""

    __slots__ = ("hands", "slides")

    def __init__(self) -> None:
        self.hands: dict[tuple[float, bool], tuple[_Hand, _Hand]] = {}
        self.slides: dict[tuple[Point, ...], NoTouch | None] = {}


@path_cached(0, size=64)  # by the areas tuple itself (no_touch_areas gives the same one each time)
def _areas_memo(areas: tuple[NoTouch, ...]) -> _AreasMemo:
    return _AreasMemo()


def _hands(every: tuple[NoTouch, ...], width: float, light: bool) -> tuple[_Hand, _Hand]:
    """What each hand meets for a contact width, light or not: every area grown by the hand's
    half-width, painful places left out under light touch, and their mirror images."""
    near = [(a, grown(a.shape, width) if width else a.shape) for a in every]
    pairs = [(a, s) for a, s in near if not (a.light_ok and light)]
    flipped = [(a, mirrored(s)) for a, s in near if not (a.light_ok and light)]
    return (
        ("", pairs, [s for _, s in pairs], {}),
        (" (left hand, mirrored)", flipped, [s for _, s in flipped], {}),
    )


def _remembered(
    hits: dict[int, tuple[tuple[Point, ...], tuple[int, Shape] | None]],
    path: tuple[Point, ...],
    shapes: list[Shape],
) -> tuple[int, Shape] | None:
    """first_hit of the path on these shapes, remembered by the path object (held in the entry,
    so its id stays its own while remembered: the answer is exact)."""
    got = hits.get(id(path))
    if got is not None and got[0] is path:
        return got[1]
    hit = first_hit(path, shapes, path_box(path))
    if len(hits) >= _MEMO_SIZE:
        hits.clear()
    hits[id(path)] = (path, hit)
    return hit


def _avoid_hint(rule: str) -> str:
    if rule == "axilla":
        return "stop the stroke short of the armpit; strokes move toward it, never onto it"
    if rule == "pain-spot":
        return "leave the painful place out, or go over it with light pressure only"
    return "route the path round the marked place with a 2 cm margin, or leave that area out"


def kidney_gentle(c: Checked) -> Iterator[Finding]:
    yield from c.each(_kidney_step)


def _kidney_step(c: Checked, i: int, step: Step) -> Iterator[Finding]:
    if step.pressure == "light":
        return
    declared = [z for z in step.zones if base_name(z) == "kidney"]
    hit = False
    # Between the points too: a segment may cut the corner of the kidney area. Both kidney
    # areas are checked, so the written path answers for the mirrored hand as well.
    if kidney_segment(c.intake.body, step.path) is None:
        hand_paths: tuple[Hand, ...] = ()
    else:
        hand_paths = c.hands(step)
    for hand in hand_paths:
        j = kidney_segment(c.intake.body, hand.path)
        if j is None:
            continue
        if j + 1 < len(hand.path) and _kidney_at(c, hand.path[j + 1]) and not _kidney_at(c, hand.path[j]):
            j += 1  # name the point that lies in the kidney area when there is one
        hit = True
        yield error(
            "kidney-gentle",
            at(i, j) + hand.label,
            f"{step.pressure} {step.technique.replace('_', ' ')} over the kidney area",
            "make this step light, or keep it below or above the kidney area",
        )
        break
    if declared and not hit:
        yield error(
            "kidney-gentle",
            at(i) + ".zones",
            f"{step.pressure} {step.technique.replace('_', ' ')} declared on {', '.join(declared)}",
            "make this step light, or take the kidney area out of its zones and its path",
        )


def _kidney_at(c: Checked, point: tuple[float, float]) -> bool:
    return base_name(c.lay.zone_at(*point) or "") == "kidney"


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
    yield from c.each(_preference_at)


def _preference_at(c: Checked, i: int, step: Step) -> Iterator[Finding]:
    asked = c.intake.pressure
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
    yield from c.each(_screening_at)


def _screening_at(c: Checked, i: int, step: Step) -> Iterator[Finding]:
    s = c.screening
    cap = s.pressure_cap
    if c.intake.goal == "comfort_care":
        cap = "light"
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


def zones_declared(c: Checked) -> Iterator[Finding]:
    """A step's zones are what the routine says it touches: they must agree with its path.

    A zone listed but not on the path (`axilla_left`, say) is reported under its own rule when it is
    a place the hands keep off; any other disagreement under `zones-declared`.
    """
    yield from c.each(_zones_at)


def _zones_at(c: Checked, i: int, step: Step) -> Iterator[Finding]:
    derived = set(c.zones[i])
    listed = set(step.zones)
    for zone in sorted(listed - derived):
        if base_name(zone) == "axilla":
            yield error(
                "axilla",
                at(i) + ".zones",
                f"the step lists the underarm {zone}",
                "underarms are never massaged: take it out of the zones and the path",
            )
        elif any(s.zone == zone and s.kind in NO_CONTACT_SPOTS for s in c.intake.spots):
            yield error(
                "broken-skin",
                at(i) + ".zones",
                f"the step lists {zone}, which is marked off",
                "take the marked zone out of this step",
            )
        else:
            yield error(
                "zones-declared",
                at(i) + ".zones",
                f"{zone} is listed but the path does not touch it",
                "list the zones the path passes through",
            )
    missing = sorted(derived - listed)
    if missing:
        yield error(
            "zones-declared",
            at(i) + ".zones",
            f"the path touches {', '.join(missing)}, not listed",
            f"add {', '.join(missing)} to the step's zones",
        )


CHECKS = (
    spine_pressure,
    no_touch,
    kidney_gentle,
    warmup_first,
    pressure_preference,
    screening_kept,
    zones_declared,
)

# The checks whose findings placed at a step read only that step, the steps before it and the
# intake: a step's errors under them are known before the steps after it are planned
# (verifier.stroke_errors). Every safety check is one of them.
UP_TO_STEP = CHECKS
