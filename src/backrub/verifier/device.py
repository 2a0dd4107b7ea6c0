"""Checks for steps done with the handheld massager: where its head may go, for how long, on what setting.

The head is not a point: every place check grows the forbidden shape by half the
attachment's width, so the edge of the head, not its centre, keeps clear.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise

from backrub.geometry import Box, Shape, first_hit, grown
from backrub.intake.places import zone_box
from backrub.knowledge.devices import (
    ATTACHMENTS,
    DEVICE_AREAS,
    NO_DEVICE_CONDITIONS,
    OFF_LIMITS,
    SECONDS_PER_AREA_CAP,
    DeviceProfile,
)
from backrub.knowledge.zones import Layout, base_name
from backrub.routine.model import Step
from backrub.verifier.context import Checked, at, fmt
from backrub.verifier.report import Finding, error

NECK_RISE_CM = 4.0  # above C7 the trunk ends at the shoulder tops; higher up is the neck
TIME_TOLERANCE_S = 0.5  # seconds are written to a tenth


def head_half_width(step: Step) -> float:
    """Half the width of the head a device step uses (the clearance every place check keeps)."""
    assert step.device is not None
    head = ATTACHMENTS.get(step.device.attachment)
    return head.width_cm / 2.0 if head else 3.0


def device_paths(step: Step) -> tuple[tuple[str, tuple[tuple[float, float], ...]], ...]:
    """The path(s) the head follows: the written one, and its mirror if the step says both sides."""
    if step.side == "both":
        return (("", step.path), (" (other side, mirrored)", tuple((-x, y) for x, y in step.path)))
    return (("", step.path),)


def _named_hit(path: tuple[tuple[float, float], ...], shapes: Sequence[Shape]) -> tuple[int, Shape] | None:
    hit = first_hit(path, shapes)
    if hit is None:
        return None
    j, shape = hit
    # Name the point inside the shape when the segment's second end lies in it.
    if not shape.contains(*path[j]) and j + 1 < len(path) and shape.contains(*path[j + 1]):
        j += 1
    return j, shape


@lru_cache(maxsize=256)
def spine_shapes(lay: Layout, half: float) -> tuple[Shape, ...]:
    """The spine band, wider at the neck, grown by the head's half-width."""
    top = 0.9 * lay.L
    return (
        grown(Box(x0=-lay.spine_half_width(0.0), x1=lay.spine_half_width(0.0), y0=-50.0, y1=top), half),
        grown(Box(x0=-lay.spine_half_width(top), x1=lay.spine_half_width(top), y0=top, y1=lay.L + 60), half),
    )


@lru_cache(maxsize=256)
def neck_shapes(lay: Layout, half: float) -> tuple[Shape, ...]:
    """The back of the neck (neck_base) and everything above the shoulder tops, grown by the head."""
    neck = zone_box(lay.body, "neck_base", 0.0)
    above = Box(x0=-200.0, x1=200.0, y0=lay.L + NECK_RISE_CM, y1=lay.L + 200.0)
    return (grown(neck, half), grown(above, half))


@lru_cache(maxsize=256)
def kidney_shapes(lay: Layout, half: float) -> tuple[Shape, ...]:
    return tuple(grown(zone_box(lay.body, z, 0.0), half) for z in ("kidney_left", "kidney_right"))


Hit = tuple[int, int, str, float, tuple[tuple[float, float], ...]]


def _first_hits(c: Checked, shapes_of: Callable[[Layout, float], Sequence[Shape]]) -> Iterator[Hit]:
    """For each device step whose head reaches the shapes: (step, point, side label, the head's
    half-width, the path), the first point on the first path (written, then mirrored) that does."""
    for i, step in _device_steps(c):
        half = head_half_width(step)
        for label, path in device_paths(step):
            hit = _named_hit(path, shapes_of(c.lay, half))
            if hit is not None:
                yield i, hit[0], label, half, path
                break


def device_spine(c: Checked) -> Iterator[Finding]:
    for i, j, label, half, path in _first_hits(c, spine_shapes):
        clear = c.lay.spine_half_width(path[j][1]) + half
        yield error(
            "device-spine",
            at(i, j) + label,
            f"the massager's head ({2 * half:g} cm wide) reaches the spine band at {fmt(path[j])}",
            f"keep the head's centre at least {clear:.1f} cm beside the midline",
        )


def device_kidney(c: Checked) -> Iterator[Finding]:
    for i, j, label, _, path in _first_hits(c, kidney_shapes):
        yield error(
            "device-kidney",
            at(i, j) + label,
            f"the massager's head comes over the kidney area at {fmt(path[j])}",
            "keep the massager below or above the kidney area (the bottom of the ribs); "
            "work it by hand, lightly",
        )


def device_neck(c: Checked) -> Iterator[Finding]:
    for i, j, label, _, path in _first_hits(c, neck_shapes):
        yield error(
            "device-neck",
            at(i, j) + label,
            f"the massager's head reaches the neck at {fmt(path[j])}",
            "keep the massager on the shoulder tops and below; the neck is done by hand",
        )


def device_area(c: Checked) -> Iterator[Finding]:
    """Only the large muscles; bone and the rest by hand (the spine, kidneys, neck and underarms have
    rules of their own)."""
    for i, step in _device_steps(c):
        for label, path in device_paths(step):
            j = _first_off_muscle(c.lay, path)
            if j is None:
                continue
            zone = c.lay.zone_at(*path[j])
            where = OFF_LIMITS.get(base_name(zone), "off the back") if zone else "off the back"
            yield error(
                "device-area",
                at(i, j) + label,
                f"the massager on {where} at {fmt(path[j])}" + (f" ({zone})" if zone else ""),
                "use the massager only on the large muscles: beside the spine, between the shoulder "
                "blades and the spine, the shoulder tops, the deltoids and the lower back",
            )


_OWN_RULE = frozenset({"spine", "kidney", "neck_base", "axilla"})


@lru_cache(maxsize=4096)
def _first_off_muscle(lay: Layout, path: tuple[tuple[float, float], ...]) -> int | None:
    """The first point of a path off the device's muscles (and off the places with rules of their own)."""
    for j, (x, y) in enumerate(path):
        zone = lay.zone_at(x, y)
        name = base_name(zone) if zone else None
        if name not in DEVICE_AREAS and name not in _OWN_RULE:
            return j
    return None


def device_spot(c: Checked) -> Iterator[Finding]:
    """Marked skin, painful places (even lightly) and the underarms, with the head's width as margin."""
    for i, step in _device_steps(c):
        half = head_half_width(step)
        shapes = [(a, grown(a.shape, half)) for a in c.areas]
        for label, path in device_paths(step):
            hit = _named_hit(path, [s for _, s in shapes])
            if hit is not None:
                j, shape = hit
                area = next(a for a, s in shapes if s is shape)
                yield error(
                    "device-spot",
                    at(i, j) + label,
                    f"the massager's head touches the {area.label}",
                    "keep the massager a head's width away from it; go round it by hand, or leave it out",
                )
                break


def device_condition(c: Checked) -> Iterator[Finding]:
    intake = c.intake
    why = [code.replace("_", " ") for code in intake.conditions if code in NO_DEVICE_CONDITIONS]
    if intake.goal == "comfort_care":
        why.append("a bed-rest comfort rub (skin care, by hand)")
    if intake.giver == "robot":
        why.append("a robot arm as giver")
    if not why:
        return
    for i, _ in _device_steps(c):
        yield error(
            "device-condition",
            at(i) + ".device",
            f"no massager with {', '.join(why)}",
            "do this step by hand, lightly; leave the device out of this massage",
        )


@lru_cache(maxsize=4096)
def area_seconds(lay: Layout, step: Step) -> tuple[tuple[str, float], ...]:
    """(zone, seconds) the head spends on each zone in a step, shared by path length (each side in full)."""
    out: dict[str, float] = {}
    for _, path in device_paths(step):
        weights: dict[str, float] = {}
        if len(path) == 1:
            weights[lay.zone_at(*path[0]) or "off"] = 1.0
        for a, b in pairwise(path):
            zone = lay.zone_at((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) or "off"
            weights[zone] = weights.get(zone, 0.0) + math.dist(a, b)
        total = sum(weights.values()) or 1.0
        for zone, w in weights.items():
            out[zone] = out.get(zone, 0.0) + step.seconds * w / total
    return tuple(out.items())


def device_time(c: Checked) -> Iterator[Finding]:
    used: dict[str, float] = {}
    for i, step in _device_steps(c):
        assert step.device is not None
        sides = 2 if step.side == "both" else 1
        each = step.seconds / sides
        if abs(step.device.seconds_per_area - each) > TIME_TOLERANCE_S:
            yield error(
                "device-time",
                at(i) + ".device.seconds_per_area",
                f"seconds_per_area says {step.device.seconds_per_area:g} s but the step gives "
                f"{each:.1f} s to each area",
                f"set seconds_per_area to {each:.1f}",
            )
        for zone, s in area_seconds(c.lay, step):
            before = used.get(zone, 0.0)
            used[zone] = before + s
            if before <= SECONDS_PER_AREA_CAP + TIME_TOLERANCE_S < used[zone]:
                yield error(
                    "device-time",
                    at(i) + ".seconds",
                    f"{used[zone]:.0f} s of massager on {zone} so far; about "
                    f"{SECONDS_PER_AREA_CAP:.0f} s is the most for one area in a session",
                    f"shorten this step, or do it by hand; the massager may have "
                    f"{max(SECONDS_PER_AREA_CAP - before, 0):.0f} s more there",
                )


def device_speed(c: Checked) -> Iterator[Finding]:
    profile: DeviceProfile | None = c.intake.device
    for i, step in _device_steps(c):
        settings = step.device
        assert settings is not None
        where = at(i) + ".device"
        if profile is None:
            yield error(
                "device-speed",
                where,
                "a step for a massager, but the intake names no device",
                "set the intake's device (backrub device list), or do this step by hand",
            )
            continue
        if settings.speed > profile.levels:
            yield error(
                "device-speed",
                where + ".speed",
                f"speed {settings.speed}, but the {profile.title.lower()} has {profile.levels} settings",
                f"choose a speed from 1 to {profile.levels}",
            )
        elif abs(profile.per_minute(settings.speed) - settings.per_minute) > 0.5:
            yield error(
                "device-speed",
                where + ".per_minute",
                f"speed {settings.speed} runs at {profile.per_minute(settings.speed):g} a minute, "
                f"not {settings.per_minute:g}",
                f"set per_minute to {profile.per_minute(settings.speed):g}",
            )
        elif settings.speed > 1 and _on_thin_tissue(c.lay, step):
            yield error(
                "device-speed",
                where + ".speed",
                f"speed {settings.speed} on the top of the shoulder, where the tissue over bone is thin",
                "use speed 1, the gentlest",
            )
        head = ATTACHMENTS[settings.attachment]
        if settings.attachment not in profile.attachments:
            yield error(
                "device-speed",
                where + ".attachment",
                f"{head.title} does not come with the {profile.title.lower()}",
                f"use one of its heads: {', '.join(profile.attachments)}",
            )
        elif not head.broad:
            yield error(
                "device-speed",
                where + ".attachment",
                f"{head.title} is for one small spot, not for gliding over a muscle",
                "use a broad head: round, flat or cushion",
            )
        if settings.heat and not profile.heat:
            yield error(
                "device-speed",
                where + ".heat",
                f"heat on, but the {profile.title.lower()} has no heat",
                "set heat to false",
            )


def _on_thin_tissue(lay: Layout, step: Step) -> bool:
    return _thin_on(lay, step.path)


@lru_cache(maxsize=4096)
def _thin_on(lay: Layout, path: tuple[tuple[float, float], ...]) -> bool:
    return any(
        DEVICE_AREAS[n].thin
        for x, y in path
        if (z := lay.zone_at(x, y)) and (n := base_name(z)) in DEVICE_AREAS
    )


def _device_steps(c: Checked) -> Iterator[tuple[int, Step]]:
    return ((i, s) for i, s in enumerate(c.steps) if s.device is not None)


CHECKS = (
    device_condition,
    device_spine,
    device_kidney,
    device_neck,
    device_area,
    device_spot,
    device_time,
    device_speed,
)
