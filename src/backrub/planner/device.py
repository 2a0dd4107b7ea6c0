"""Planning with a handheld massager: a pass over the planned steps that hands suitable ones to the device.

The device replaces the hands for rubbing and kneading the large muscles (seed 003's order of work:
beside the spine, between the shoulder blades and the spine, the shoulder tops, the deltoids, the
lower back). The opening and closing strokes, the warm-up, the glides, the arm rotation and the
small clockwise circles on knots stay by hand. A device step keeps the time of the step it
replaces, follows a slow glide along a track on its muscle (one side at a time: it is one device),
names its settings, and is kept only when the verifier's device checks find nothing; the time on
each area is capped for the whole session. A step the device could have taken but did not, and a
device the intake names but that is not used at all, leave a note in the routine saying why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from backrub.geometry import Point, Shape, first_hit, mirrored, route
from backrub.intake.model import Intake
from backrub.intake.places import NoTouch, no_touch_areas, slide_shapes, slides_between
from backrub.knowledge.devices import (
    ATTACHMENTS,
    DEVICE_AREAS,
    DEVICE_PHASES,
    DEVICE_TECHNIQUES,
    GLIDE_CM_S,
    NO_DEVICE_CONDITIONS,
    SECONDS_PER_AREA_CAP,
    DeviceProfile,
)
from backrub.knowledge.rules import RULES
from backrub.knowledge.techniques import REPS_RANGE, TECHNIQUES, pressure_rank
from backrub.knowledge.zones import SHOULDER_ARM_ZONES, Layout, base_name, layout_for, zones_on_path
from backrub.planner.timing import Tempo
from backrub.routine.device import DeviceSettings
from backrub.routine.model import Note, Routine, Step
from backrub.verifier import device as checks
from backrub.verifier.context import Checked

DEVICE_RULES = tuple(r for r in RULES if r.startswith("device-"))
_MARGIN = 0.6  # cm kept beyond every clearance, so rounding to hundredths never touches a limit
_PITCH = 2.0  # cm along the track for one side-to-side swing of the glide
SWITCH_OFF = "Then switch it off and put it down before the hands go on."


@dataclass(frozen=True, slots=True, kw_only=True)
class Track:
    """Where the head glides on one muscle (receiver's right side): from `start` to `end`, swinging
    up to `swing` cm across toward `across` (a unit vector), in the step direction `direction`."""

    area: str  # a DEVICE_AREAS key
    start: Point
    end: Point
    across: Point
    swing: float
    direction: str


def device_refusal(intake: Intake) -> str:
    """Why no device may be used for this intake ('' when it may)."""
    named = [c.replace("_", " ") for c in intake.conditions if c in NO_DEVICE_CONDITIONS]
    if named:
        return f"no massager with {', '.join(named)}: the hands do everything, lightly"
    if intake.goal == "comfort_care":
        return "a bed-rest comfort rub is done by hand"
    if intake.giver == "robot":
        return "a robot arm holds no handheld massager"
    return ""


def with_device(routine: Routine, start: int = 0) -> Routine:
    """The routine with suitable steps from `start` on done by the intake's device (unchanged if
    none), and a note for each place the device was kept off, and why."""
    intake = routine.intake
    if intake is None or intake.device is None:
        return routine
    refusal = device_refusal(intake)
    if not refusal and _head(intake.device, thin=False) is None:
        refusal = "it has only pointed heads, and gliding over a muscle needs a broad one"
    if refusal:
        note = Note(code="device_not_used", message=f"The massager is not used: {refusal}.")
        return _noted(routine, [note])
    lay = layout_for(intake.body)
    used: dict[str, float] = {}
    for s in routine.steps[:start]:
        if s.device is not None:
            for zone, sec in checks.area_seconds(lay, s):
                used[zone] = used.get(zone, 0.0) + sec
    warmed = _warmed(intake, routine.steps[:start])
    out: list[Step] = list(routine.steps[:start])
    notes: list[Note] = []
    steps = list(routine.steps)
    for k in range(start, len(steps)):
        step = steps[k]
        made, why = _device_steps(intake, lay, step, warmed, used)
        if made and _loses_shoulder_arm_work(step, made, [*out, *steps[k + 1 :]]):
            why = "the hands also work the base of the neck or the upper arm there, and no other step does"
            made = []
        after = steps[k + 1] if k + 1 < len(steps) else None
        routed = _routed(intake, out[-1] if out else None, made, after) if made else None
        if made and routed is None:
            why = "the hands could not reach it and come back without crossing marked skin"
        if why:
            notes.append(_left_out(lay, step, why))
        if routed is None:
            made = [step]
        else:
            made, after = routed
            if after is not None:
                steps[k + 1] = after  # its way in from the device's last place, round any no-touch area
        for s in made:
            if s.device is not None:
                for zone, sec in checks.area_seconds(lay, s):
                    used[zone] = used.get(zone, 0.0) + sec
            if TECHNIQUES[s.technique].warms_up:  # as the verifier counts it: what this step touches
                warmed.update(zones_on_path(intake.body, s.path, s.side == "both"))
        out += made
    # Steps already done keep their words.
    return _noted(replace(routine, steps=(*out[:start], *_switch_off_cues(out[start:]))), notes)


def _loses_shoulder_arm_work(step: Step, made: list[Step], others: list[Step]) -> bool:
    """Whether handing `step` to the device leaves a shoulder-and-arm area (seed 003: every massage
    works them) that the hand step touched and that no other step touches: the device keeps off the
    neck, so its glide may cover less than the hands did."""
    def bases(steps: list[Step]) -> set[str]:
        return {base_name(z) for s in steps for z in s.zones}

    lost = (bases([step]) - bases(made)) & set(SHOULDER_ARM_ZONES)
    return bool(lost - bases(others))


def _left_out(lay: Layout, step: Step, why: str) -> Note:
    area = _area_of(lay, step)
    where = DEVICE_AREAS[area].title if area else "this place"
    return Note(code="device_left_out", message=f"By hand, not with the massager, on {where}: {why}.")


def _noted(routine: Routine, notes: list[Note]) -> Routine:
    """The routine with these notes added after its own, each once (a replan adds them again)."""
    have = set(routine.notes)
    new = [n for n in dict.fromkeys(notes) if n not in have]
    return replace(routine, notes=(*routine.notes, *new)) if new else routine


def _warmed(intake: Intake, done: tuple[Step, ...]) -> set[str]:
    warmed: set[str] = set()
    for s in done:
        if TECHNIQUES[s.technique].warms_up:
            warmed.update(zones_on_path(intake.body, s.path, s.side == "both"))
    return warmed


def _device_steps(
    intake: Intake,
    lay: Layout,
    step: Step,
    warmed: set[str],
    used: dict[str, float],
) -> tuple[list[Step], str]:
    """The device steps that replace `step` (one per side), or [] and why a step the device could
    have taken stays by hand (no track on its muscle, refused by the device checks, over the cap);
    ([], '') for a step that is the hands' work anyway."""
    if step.device is not None or step.phase not in DEVICE_PHASES or step.technique not in DEVICE_TECHNIQUES:
        return [], ""
    if step.direction == "clockwise":
        return [], ""  # small clockwise circles on a knot are the fingers' work (seed 000)
    made, why = _candidate(intake, step, lighten=False)
    if made and pressure_rank(step.pressure) > 0 and any(z not in warmed for s in made for z in s.zones):
        made, why = _candidate(intake, step, lighten=True)  # the hands warm an area before anything firmer
    if made and TECHNIQUES[step.technique].warms_up:
        # Later work counts on what this step warms: the device must warm all of it too.
        needed = set(zones_on_path(intake.body, step.path, step.side == "both")) - warmed - {"spine"}
        if needed - {z for s in made for z in s.zones}:
            return [], "it warms more of the back than the massager's glide would, and later work needs that"
    trial = dict(used)
    for s in made:
        for zone, sec in checks.area_seconds(lay, s):
            trial[zone] = trial.get(zone, 0.0) + sec
            if trial[zone] > SECONDS_PER_AREA_CAP:  # this area has had its time with the device
                return [], f"that muscle has had its {SECONDS_PER_AREA_CAP:g} s with the massager"
    return list(made), why


@lru_cache(maxsize=4096)
def _candidate(intake: Intake, step: Step, lighten: bool) -> tuple[tuple[Step, ...], str]:
    """The device steps for one hand step (pure, so remembered) and '', or () and why the device
    cannot take it ('' when the step is on no muscle the device works)."""
    profile = intake.device
    assert profile is not None
    lay = layout_for(intake.body)
    area = _area_of(lay, step)
    if area is None:
        return (), ""
    thin = DEVICE_AREAS[area].thin
    head = _head(profile, thin)
    if head is None:
        return (), "the massager has no head for it"
    track = _track(lay, area, ATTACHMENTS[head].width_cm / 2.0)
    if track is None:
        return (), "the muscle is too small on this body for the head to glide on"
    sides = ("right", "left") if step.side == "both" else (step.side,)
    seconds = round(step.seconds / len(sides), 1)
    if seconds > SECONDS_PER_AREA_CAP:
        return (), f"the step is longer than the {SECONDS_PER_AREA_CAP:g} s a muscle may have with it"
    tempo = Tempo(breaths_per_minute=intake.breaths_per_minute, goal=intake.goal, giver=intake.giver)
    reps, path = _glide(track, step.technique, seconds, tempo)
    pressure = "light" if lighten else step.pressure
    level = _speed(profile, pressure, thin)
    settings = DeviceSettings(
        speed=level,
        per_minute=profile.per_minute(level),
        attachment=head,
        heat=profile.heat and intake.goal in ("relax", "ease_tension"),
        seconds_per_area=seconds,
    )
    rules = tuple(r for r in RULES if r in step.rules or r in DEVICE_RULES)
    out: list[Step] = []
    for side in sides:
        sign = -1.0 if side == "left" else 1.0
        side_path = tuple((round(sign * x, 2), round(y, 2)) for x, y in path)
        out.append(
            Step(
                phase=step.phase,
                technique=step.technique,
                zones=zones_on_path(intake.body, side_path, False),
                side=side,
                direction=track.direction,
                pressure=pressure,
                reps=reps,
                seconds=seconds,
                path=side_path,
                cue=_cue(profile, settings, area, side, track.direction, seconds),
                rules=rules,
                device=settings,
            )
        )
    refused = _refusal(intake, tuple(out))
    return ((), f"a rule keeps the massager off it ({refused})") if refused else (tuple(out), "")


def _area_of(lay: Layout, step: Step) -> str | None:
    """The device area most of the step's path lies on (low paraspinal work counts as lower back)."""
    counts: dict[str, int] = {}
    for x, y in step.path:
        zone = lay.zone_at(x, y)
        if zone is None:
            continue
        name = base_name(zone)
        if name == "paraspinal" and y < 0.34 * lay.L:
            name = "lumbar"
        if name in DEVICE_AREAS:
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    return next(a for a in DEVICE_AREAS if counts.get(a) == best)


@lru_cache(maxsize=256)
def _track(lay: Layout, area: str, half: float) -> Track | None:
    """The glide for one area on the right side, clear of the spine band, kidneys, neck and underarm."""
    L, hs, m = lay.L, lay.hs, _MARGIN
    band = lay.spine_half_width(0.0)
    ps = band + 3.5 * lay.k  # outer edge of the strip beside the spine
    if area == "lumbar":
        outer = 0.68 * lay.torso_half_width(0.0)
        x = max(band + half + m, (ps + outer) / 2)
        track = Track(
            area=area,
            start=(x, half + m),
            end=(x, 0.26 * L - half - m),
            across=(1.0, 0.0),
            swing=max(0.0, outer - x - 0.3),
            direction="up",
        )
    elif area in ("paraspinal", "interscapular"):
        x = band + half + m
        track = Track(
            area=area,
            start=(x, 0.42 * L + half + m),
            end=(x, 0.9 * L - half - m),
            across=(1.0, 0.0),
            swing=max(0.0, ps - x - 0.3),
            direction="up",
        )
    elif area == "upper_trapezius":
        y = (0.9 * L + L + checks.NECK_RISE_CM) / 2
        y = min(y, L + checks.NECK_RISE_CM - half - m)
        x0 = max(0.22 * hs, lay.spine_half_width(L)) + half + m
        track = Track(
            area=area,
            start=(x0, y),
            end=(0.74 * hs - 0.5, y),
            across=(0.0, -1.0),
            swing=max(0.0, y - half - m - 0.9 * L),
            direction="outward",
        )
    elif area == "deltoid":
        y = max((0.82 * L + L + 3.0) / 2, 0.82 * L + half + m)
        y = min(y, L + checks.NECK_RISE_CM - half - m)
        track = Track(
            area=area,
            start=(0.74 * hs + 1.0, y),
            end=(hs + 2.0, y),
            across=(0.0, 1.0),
            swing=1.0,
            direction="outward",
        )
    else:
        return None
    if math.dist(track.start, track.end) < 3.0:
        return None  # too small a body for the head to glide on this muscle
    return track


@lru_cache(maxsize=2048)
def _glide(track: Track, technique: str, seconds: float, tempo: Tempo) -> tuple[int, tuple[Point, ...]]:
    """Repetitions and the path of one: a slow glide along the track, swinging across it as much as
    needed (and allowed) to keep the head moving at about an inch a second."""
    low_v, high_v = tempo.speed_range(technique)
    speed = min(max(GLIDE_CM_S, low_v), high_v * 0.9)
    span = math.dist(track.start, track.end)
    low_r, high_r = REPS_RANGE
    reps = min(max(round(seconds * speed / span), low_r), high_r)
    rep_s = seconds / reps
    want = speed * rep_s
    end = track.end
    if want < span:  # even a straight glide would be too quick: glide over part of the track
        f = want / span
        end = (track.start[0] + (end[0] - track.start[0]) * f, track.start[1] + (end[1] - track.start[1]) * f)
        span = want
    swing = 0.0
    if want > span:
        swing = min(track.swing, (_PITCH / 2) * math.sqrt((want / span) ** 2 - 1))
    n = max(2, math.ceil(span / (_PITCH / 2)))
    ax, ay = track.across
    path: list[Point] = []
    for i in range(n + 1):
        f = i / n
        off = swing if i % 2 else 0.0
        path.append(
            (
                track.start[0] + (end[0] - track.start[0]) * f + ax * off,
                track.start[1] + (end[1] - track.start[1]) * f + ay * off,
            )
        )
    return reps, tuple(path)


def _head(profile: DeviceProfile, thin: bool) -> str | None:
    """The broad head to use: soft where tissue is thin, else round, flat, soft in that order."""
    order = ("cushion", "round", "flat") if thin else ("round", "flat", "cushion")
    return next((h for h in order if h in profile.attachments), None)


def _speed(profile: DeviceProfile, pressure: str, thin: bool) -> int:
    """The speed level: the gentlest where tissue is thin or the touch is light, a middle one for
    medium, a higher (never the top) one for firm."""
    n = profile.levels
    if thin or pressure == "light" or n == 1:
        return 1
    share = 0.4 if pressure == "medium" else 0.7
    return max(1, min(n - 1, round(n * share)))


def _cue(
    profile: DeviceProfile, s: DeviceSettings, area: str, side: str, direction: str, seconds: float
) -> str:
    where = DEVICE_AREAS[area].title
    how = "from low to high" if direction == "up" else "from near the neck outward"
    heat = ", heat on" if s.heat else ""
    kind = "massager" if profile.kind == "percussion" else "vibration massager"
    return (
        f"The {kind} on {where}, {side} side: speed {s.speed} of {profile.levels} "
        f"({s.per_minute:,.0f} a minute), {ATTACHMENTS[s.attachment].title}{heat}. "
        f"Let it rest on the muscle by its own weight and glide slowly {how}, keep it moving, "
        f"never on the spine or bone. {seconds:g} s on this side."
    )


def _switch_off_cues(steps: list[Step]) -> list[Step]:
    """The last device step before hand work ends with switching the device off and putting it down."""
    out = list(steps)
    for i, s in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else None
        if s.device is not None and (nxt is None or nxt.device is None) and not s.cue.endswith(SWITCH_OFF):
            out[i] = s.with_changes(cue=f"{s.cue} {SWITCH_OFF}")
    return out


def _refusal(intake: Intake, made: tuple[Step, ...]) -> str:
    """What the verifier's device checks (place, spots, settings) find first in these steps, or ''."""
    probe = Checked(Routine(steps=made, intake=intake), intake)
    for check in (
        checks.device_spine,
        checks.device_kidney,
        checks.device_neck,
        checks.device_area,
        checks.device_spot,
        checks.device_speed,
    ):
        found = next(iter(check(probe)), None)
        if found is not None:
            return found.message
    return ""


def _routed(
    intake: Intake, before: Step | None, made: list[Step], after: Step | None
) -> tuple[list[Step], Step | None] | None:
    """The device steps and the step after them with the hands' ways between them going round marked
    skin and the underarms, as the planner routes its own slides (the verifier's `no_touch` checks
    them); None when there is no way."""
    areas = no_touch_areas(intake)
    out: list[Step] = []
    previous = before
    for s in [*made, *([after] if after is not None else [])]:
        if previous is not None:
            way = _slide_for(intake, areas, previous, s)
            if way is None:
                return None
            s = s.with_changes(lead_in=way)
        out.append(s)
        previous = s
    return (out[:-1], out[-1]) if after is not None else (out, None)


def _slide_for(intake: Intake, areas: tuple[NoTouch, ...], a: Step, b: Step) -> tuple[Point, ...] | None:
    """The slide from step a's end to step b's start: () when straight is clear or the hands do not
    slide (one's own back, hand to hand), a way round, or None."""
    if not slides_between(intake.giver, a.side, b.side):
        return ()
    start, end = a.path[-1], b.path[0]
    shapes = [shape for _, shape in slide_shapes(areas, start, end)]
    both = a.side == "both" and b.side == "both"
    way = _way(start, end, tuple(shapes + [mirrored(x) for x in shapes] if both else shapes))
    if way is None and both:  # no way round for both hands together: the leading hand at least
        way = _way(start, end, tuple(shapes))
    return way


@lru_cache(maxsize=1024)
def _way(a: Point, b: Point, shapes: tuple[Shape, ...]) -> tuple[Point, ...] | None:
    """The slide from a to b: () when straight is clear, the corners of a way round, or None."""
    if first_hit([a, b], shapes) is None:
        return ()
    for clearance in (0.4, 1.0):
        way = route(a, b, shapes, clearance=clearance)
        if way is not None:
            inner = tuple((round(x, 2), round(y, 2)) for x, y in way[1:-1])
            if first_hit([a, *inner, b], shapes) is None:
                return inner
    return None
