"""Checks that make it the method's massage: order, direction, pace, repetitions, coverage, time."""

from __future__ import annotations

import math
from collections.abc import Iterator

from backrub.geometry import direction_problem, length, path_length, signed_area
from backrub.intake.places import spot_centre
from backrub.knowledge.method import REPS_INTERLUDE
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS
from backrub.knowledge.techniques import (
    BREATHS_PER_REP,
    REPS_RANGE,
    TECHNIQUES,
    is_strong,
)
from backrub.knowledge.zones import SHOULDER_ARM_ZONES, base_name
from backrub.routine.model import Step
from backrub.verifier.context import Checked, at, fmt
from backrub.verifier.report import Finding, error, warning

SLIDE_FACTOR = 1.4  # a slide longer than 1.4 back lengths means the hands left the back
TOLERANCE = 0.05


def _massage_steps(c: Checked) -> list[tuple[int, Step]]:
    return [(i, s) for i, s in enumerate(c.steps) if TECHNIQUES[s.technique].massage]


def opening_light(c: Checked) -> Iterator[Finding]:
    steps = _massage_steps(c)
    if not steps:
        yield error(
            "opening-light",
            "steps",
            "the routine has no massage steps",
            "begin with light stroking over the whole back",
        )
        return
    i, first = steps[0]
    if first.technique != "stroking" or first.pressure != "light":
        yield error(
            "opening-light",
            at(i),
            f"the massage opens with {first.pressure} {first.technique.replace('_', ' ')}",
            "begin with light stroking: a long stroke over the whole back",
        )
    elif c.intake.giver != "self":
        ys = [y for _, y in first.path]
        if max(ys) - min(ys) < 0.5 * c.lay.L:
            yield warning(
                "opening-light",
                at(i),
                "the opening stroke covers only part of the back",
                "make the first stroke run from the waist to the shoulders, if nothing marked is in the way",
            )


def closing_light(c: Checked) -> Iterator[Finding]:
    steps = _massage_steps(c)
    if not steps:
        return
    i, last = steps[-1]
    if last.technique != "stroking" or last.pressure != "light" or last.direction != "down":
        yield error(
            "closing-light",
            at(i),
            f"the massage ends with {last.pressure} {last.technique.replace('_', ' ')} "
            f"going {last.direction}",
            "end with light strokes from the top of the back down to the waist",
        )


_UPWARD = {"up", "outward", "clockwise", "in_place"}


def direction(c: Checked) -> Iterator[Finding]:
    yield from c.each(_direction_at)


def _direction_at(c: Checked, i: int, step: Step) -> Iterator[Finding]:
    wave = c.intake.style == "breath_wave"
    if not TECHNIQUES[step.technique].massage:
        return
    paced = TECHNIQUES[step.technique].breath_paced
    if step.phase == "close":
        allowed = {"down", "up_down"} | ({"up_down"} if wave and paced else _UPWARD)
    elif wave and paced:
        allowed = {"up_down"}
    else:
        allowed = _UPWARD
    if step.direction not in allowed:
        want = (
            "up on the inhale and down on the exhale (up_down)"
            if wave and paced
            else "from the lower back toward the shoulders"
        )
        yield error(
            "direction",
            at(i),
            f"{step.technique.replace('_', ' ')} goes {step.direction}",
            f"work {want}",
        )
        return
    problem = direction_problem(step.path, step.direction)
    if problem:
        yield error(
            "direction",
            at(i),
            f"the path {problem}, but the step says {step.direction}",
            "reverse the path or correct its direction",
        )


def knots_clockwise(c: Checked) -> Iterator[Finding]:
    if not c.known:
        return
    blocked = [s for s in c.intake.spots if s.kind in NO_CONTACT_SPOTS or s.kind == "pain"]
    for k, spot in enumerate(c.intake.spots):
        if spot.kind not in ("knot", "tension"):
            continue
        centre = spot_centre(c.intake.body, spot)
        zone = c.lay.zone_at(*centre) or ""
        if base_name(zone) == "axilla" or any(
            math.dist(centre, spot_centre(c.intake.body, b)) < b.radius_cm + 5 for b in blocked
        ):
            continue  # a knot nobody may work on needs no circles
        reach = (spot.radius_cm if spot.at else 4.0) + 3.0
        near = [
            (i, s)
            for i, s in enumerate(c.steps)
            if s.direction == "clockwise" and math.dist(_centroid(s.path), centre) <= reach
        ]
        if not near:
            yield warning(
                "knots-clockwise",
                f"intake.spots[{k}]",
                f"no small clockwise circles on the {spot.kind} at {fmt(centre)}",
                "add circular rubbing, clockwise, on it after the warm-up",
            )
        for i, s in near:
            if signed_area(s.path) >= 0:
                yield error(
                    "knots-clockwise",
                    at(i),
                    f"the circles on the {spot.kind} turn anticlockwise",
                    "reverse the path so the circles turn clockwise",
                )


def _centroid(path: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    return (sum(x for x, _ in path) / len(path), sum(y for _, y in path) / len(path))


def reps_range(c: Checked) -> Iterator[Finding]:
    low, high = REPS_RANGE
    for i, step in enumerate(c.steps):
        if _interlude(c, i) and REPS_INTERLUDE[0] <= step.reps <= REPS_INTERLUDE[1]:
            continue  # seed 004: "Afterwards, stroke 3-4 times"
        if TECHNIQUES[step.technique].massage and not low <= step.reps <= high:
            yield error(
                "reps-range",
                at(i) + ".reps",
                f"{step.technique.replace('_', ' ')} repeated {step.reps} times",
                f"repeat each technique {low} to {high} times",
            )


def _interlude(c: Checked, i: int) -> bool:
    """Light stroking in a work round right after strong work: where seed 004 strokes 3-4 times."""
    step = c.steps[i]
    if i == 0 or step.technique != "stroking" or step.pressure != "light" or step.phase != "work":
        return False
    before = c.steps[i - 1]
    return is_strong(before.technique, before.pressure)


def alternate(c: Checked) -> Iterator[Finding]:
    previous: Step | None = None
    for i, step in enumerate(c.steps):
        if (
            previous is not None
            and previous.technique != step.technique
            and is_strong(previous.technique, previous.pressure)
            and is_strong(step.technique, step.pressure)
        ):
            yield error(
                "alternate",
                at(i),
                f"{step.technique.replace('_', ' ')} straight after "
                f"{previous.technique.replace('_', ' ')}: two strong techniques back to back",
                "put light stroking or circular rubbing between them",
            )
        previous = step


def continuous(c: Checked) -> Iterator[Finding]:
    for i in range(1, len(c.steps)):
        if c.steps[i - 1].device is not None or c.steps[i].device is not None:
            continue  # the massager is put down and picked up, not slid; the hands rest meanwhile
        slide = (c.steps[i - 1].path[-1], *c.steps[i].lead_in, c.steps[i].path[0])
        if length(slide) > SLIDE_FACTOR * c.lay.L:
            yield warning(
                "continuous",
                at(i),
                f"the hands slide {length(slide):.0f} cm from the end of steps[{i - 1}]",
                "order the steps so each starts near where the last one ended",
            )


def tempo(c: Checked) -> Iterator[Finding]:
    yield from c.each(_tempo_at)


def _tempo_at(c: Checked, i: int, step: Step) -> Iterator[Finding]:
    t = c.tempo
    each = step.rep_seconds
    span = path_length(step.path)
    speed = span / each if each > 0 else math.inf
    low, high = t.speed_range(step.technique)
    if speed > high * (1 + TOLERANCE):
        rule_note = " (a robot's limit)" if c.intake.giver == "robot" else ""
        yield error(
            "tempo",
            at(i) + ".seconds",
            f"the hands move {speed:.1f} cm/s, faster than {high:g} cm/s{rule_note}",
            f"give each repetition at least {span / high:.1f} s",
        )
    # A massager glides slowly whatever the goal: its speed setting brings the energy.
    elif speed < low * (1 - TOLERANCE) and c.intake.goal == "energize" and step.device is None:
        yield warning(
            "tempo",
            at(i) + ".seconds",
            f"{speed:.1f} cm/s is slow for an energizing massage",
            f"give each repetition at most {span / low:.1f} s",
        )
    if TECHNIQUES[step.technique].breath_paced and c.known:
        unit = t.breath_seconds * BREATHS_PER_REP[c.intake.goal]
        ratio = each / unit
        if abs(ratio - round(ratio)) > TOLERANCE or round(ratio) < 1:
            yield error(
                "tempo",
                at(i) + ".seconds",
                f"{each:.1f} s a stroke does not follow the breath ({t.breath_seconds:.1f} s)",
                f"make each stroke {unit:.1f} s, or a whole number of times that",
            )


def shoulders_arms(c: Checked) -> Iterator[Finding]:
    giver = c.intake.giver
    for i, step in enumerate(c.steps):
        if step.technique == "arm_rotation" and giver in ("robot", "self"):
            yield error(
                "shoulders-arms",
                at(i),
                f"arm rotation cannot be done by a {giver} giver",
                "leave arm rotation out; rub the shoulders instead",
            )
    if not c.known or c.intake.goal == "comfort_care":
        return
    touched = {base_name(z) for zones in c.zones for z in zones}
    missing = [z for z in SHOULDER_ARM_ZONES if z not in touched]
    excluded = {base_name(s.zone) for s in c.intake.spots if s.zone}
    missing = [z for z in missing if z not in excluded]
    if missing:
        yield warning(
            "shoulders-arms",
            "steps",
            f"nothing works on {', '.join(missing)}",
            "add kneading or circular rubbing over the neck base, shoulders and upper arms",
        )
    sides = {s.side for s in c.steps if s.technique == "arm_rotation"}
    if (
        giver in ("partner", "caregiver")
        and c.intake.position != "side_lying"
        and not ({"left", "right"} <= sides or "both" in sides)
        and not excluded & {"upper_arm", "deltoid"}
    ):
        yield warning(
            "shoulders-arms",
            "steps",
            "the arms are not rotated, one at a time",
            "add a gentle arm rotation for each arm",
        )


def duration(c: Checked) -> Iterator[Finding]:
    total = c.routine.total_minutes
    written = c.routine.minutes
    if written is not None and abs(written - total) > 0.05:
        yield error(
            "duration",
            "minutes",
            f"minutes says {written:g} but the steps add up to {total:.2f}",
            f"set minutes to {total:.2f}",
        )
    if c.known:
        asked = c.intake.minutes
        if abs(total - asked) > TOLERANCE * asked:
            yield error(
                "duration",
                "steps",
                f"the steps take {total:.1f} min; {asked:g} were asked for",
                "add or remove repetitions until the time is within 5%",
            )


CHECKS = (
    opening_light,
    closing_light,
    direction,
    knots_clockwise,
    reps_range,
    alternate,
    continuous,
    tempo,
    shoulders_arms,
    duration,
)

# The checks whose findings placed at a step read only that step, the steps before it and the
# intake (verifier.stroke_errors). Left out: closing_light (the last massage step is known only
# once the routine is whole) and duration (about the whole routine, never placed at a step).
UP_TO_STEP = tuple(check for check in CHECKS if check not in (closing_light, duration))
