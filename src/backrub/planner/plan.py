"""plan_routine: intake in, verified-by-construction routine out."""

from __future__ import annotations

from functools import lru_cache

from backrub.geometry import Point, Shape, detour, first_hit
from backrub.intake.model import Intake
from backrub.intake.places import no_touch_areas
from backrub.intake.screening import Screening, screen
from backrub.knowledge.rules import RULES
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS
from backrub.knowledge.techniques import TECHNIQUES, is_strong, pressure_rank
from backrub.knowledge.zones import base_name
from backrub.planner import build
from backrub.planner.build import Context, Unit
from backrub.planner.cues import cue_for
from backrub.planner.templates import Draft
from backrub.planner.timing import Tempo, fit_times, rep_bounds, reps_bounds
from backrub.routine.model import Routine, Step

MAX_PASSES = 8
TOLERANCE = 0.05  # the routine fills the minutes asked for within 5%
_SHOULDER_ARM = frozenset({"neck_base", "upper_trapezius", "deltoid", "upper_arm"})


class NotPlanned(Exception):
    """No routine: screening said no, or nothing safe fills the time. Reasons are for people."""

    def __init__(self, screening: Screening, reasons: list[str]) -> None:
        self.screening = screening
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def plan_routine(intake: Intake) -> Routine:
    """Plan one massage for this intake; raise NotPlanned with reasons when none may be given."""
    screening = screen(intake)
    if not screening.may_plan:
        raise NotPlanned(screening, [r.message for r in screening.reasons])
    tempo = Tempo(breaths_per_minute=intake.breaths_per_minute, goal=intake.goal, giver=intake.giver)
    target = intake.minutes * 60.0
    for passes in range(1, MAX_PASSES + 1):
        for drop in range(0, 40 if passes == 1 else 1):
            drafts = _sequence(intake, screening, passes, drop)
            if drafts is None:
                break
            bounds = [rep_bounds(d.technique, d.path, tempo) for d in drafts]
            limits = [reps_bounds(d.technique) for d in drafts]
            if sum(r[0] * b[0] for r, b in zip(limits, bounds, strict=True)) > target * (1 + TOLERANCE):
                continue  # too long even at its quickest: leave something out
            times = fit_times(bounds, limits, target)
            if times is None:
                break  # too short even at its slowest: go round the back once more
            total = sum(r * s for r, s in times)
            if abs(total - target) <= TOLERANCE * target:
                steps = tuple(_step(intake, d, r, s, tempo) for d, (r, s) in zip(drafts, times, strict=True))
                return Routine(steps=steps, screening=screening, intake=intake)
    raise NotPlanned(screening, [
        f"No safe routine fills {intake.minutes:g} minutes with these marked places; "
        "try fewer minutes or check the marks on the chart."
    ])


def _sequence(intake: Intake, screening: Screening, passes: int, drop: int) -> list[Draft] | None:
    """The drafts in order, leaving out `drop` pieces (least asked-for first); None if none left."""
    halves = ("right", "left") if intake.position == "side_lying" else ("both",)
    out: list[Draft] = []
    for h, half in enumerate(halves):
        ctx = Context(intake=intake, screening=screening, half=half)
        head = build.opening(ctx)
        warm = build.warm_up(ctx)
        units: list[Unit] = build.knot_units(ctx) + build.focus_units(ctx, 0) + build.work_pass(ctx, 0)
        for variant in range(1, passes):
            units += build.work_pass(ctx, variant) + build.focus_units(ctx, variant)
        units, warm, with_loop, ok = _trim(units, warm, drop)
        if not ok:
            return None
        drafts = head + warm + [d for u in units for d in u.drafts] + build.closing(ctx, with_loop)
        drafts = _realize(ctx, drafts)
        drafts = _warm_and_gentle(intake, drafts)
        drafts = _alternate(ctx, drafts)
        if h == 1 and drafts:
            drafts[0] = drafts[0].with_changes(
                note="Help them turn onto their other side first. " + drafts[0].note)
        out += drafts
    return _lead_ins(intake, out)


def _trim(units: list[Unit], warm: list[Draft], drop: int) -> tuple[list[Unit], list[Draft], bool, bool]:
    """Leave out the last regular pieces first, then warm-ups, then the closing loop, then focus."""
    units, warm = list(units), list(warm)
    with_loop = True
    for _ in range(drop):
        regular = [i for i, u in enumerate(units) if u.priority == 1]
        if regular:
            units.pop(regular[-1])
        elif len(warm) > 1:
            warm.pop()
        elif with_loop:
            with_loop = False
        elif warm:
            warm.pop()
        elif units:
            units.pop()
        else:
            return units, warm, with_loop, False
    return units, warm, with_loop, True


def _realize(ctx: Context, drafts: list[Draft]) -> list[Draft]:
    areas = no_touch_areas(ctx.intake)
    out: list[Draft] = []
    for draft in drafts:
        placed = build.side_of_half(draft, ctx.half)
        if placed is None:
            continue
        reached = build.self_reach(placed, ctx.intake.body.back_length_cm) if ctx.intake.giver == "self" \
            else [placed]
        for d in reached:
            out += build.keep_clear(d, areas)
    return out


def _warm_and_gentle(intake: Intake, drafts: list[Draft]) -> list[Draft]:
    """Medium or firm only on warmed zones and never on the kidneys; else light, else left out."""
    warmed: set[str] = set()
    out: list[Draft] = []
    for draft in drafts:
        zones = build.zones_touched(intake.body, draft)
        if pressure_rank(draft.pressure) > 0:
            cold = any(z not in warmed for z in zones) or any(base_name(z) == "kidney" for z in zones)
            if cold:
                if not TECHNIQUES[draft.technique].allows("light"):
                    continue
                draft = draft.with_changes(pressure="light")
        if TECHNIQUES[draft.technique].warms_up:
            warmed.update(zones)
        out.append(draft)
    return out


def _alternate(ctx: Context, drafts: list[Draft]) -> list[Draft]:
    """Never two strong techniques back to back: put light strokes between (seed 004)."""
    out: list[Draft] = []
    last_strong: str | None = None  # technique of the strong block just done
    for draft in drafts:
        strong = is_strong(draft.technique, draft.pressure)
        if strong and last_strong is not None and last_strong != draft.technique:
            link = _realize(ctx, [build.link_stroke(ctx)])
            if not link:
                continue
            out += link
        out.append(draft)
        last_strong = draft.technique if strong else None
    return out


def _lead_ins(intake: Intake, drafts: list[Draft]) -> list[Draft]:
    """Where the slide to the next step would cross a no-touch area, route it round."""
    shapes = [a.shape for a in no_touch_areas(intake)]
    if not shapes:
        return drafts
    out = drafts[:1]
    for draft in drafts[1:]:
        a, b = out[-1].path[-1], draft.path[0]
        both = out[-1].side == "both" and draft.side == "both"
        near = shapes + [build.mirrored_shape(s) for s in shapes] if both else shapes
        way = _slide(a, b, tuple(near))
        if way:
            draft = draft.with_changes(lead_in=way)
        out.append(draft)
    return out


@lru_cache(maxsize=4096)
def _slide(a: Point, b: Point, shapes: tuple[Shape, ...]) -> tuple[Point, ...]:
    """The way from a to b round any no-touch shape (empty when the straight slide is clear)."""
    if not first_hit([a, b], shapes):
        return ()
    way = detour([a, b], shapes)
    return tuple(way[1:-1]) if way is not None else ()


def _step(intake: Intake, draft: Draft, reps: int, rep_s: float, tempo: Tempo) -> Step:
    seconds = round(reps * rep_s, 1)
    zones = build.zones_touched(intake.body, draft)
    return Step(
        phase=draft.phase, technique=draft.technique, zones=zones, side=draft.side,
        direction=draft.direction, pressure=draft.pressure, reps=reps, seconds=seconds,
        path=draft.path, lead_in=draft.lead_in,
        cue=cue_for(technique=draft.technique, area=draft.area, side=draft.side,
                    direction=draft.direction, pressure=draft.pressure, reps=reps, seconds=seconds,
                    breath_seconds=tempo.breath_seconds,
                    note=(draft.note + (" Go gently over the kidney area." if any(
                        base_name(z) == "kidney" for z in zones) and draft.technique != "skin_check"
                        else "")).strip()),
        rules=_rules_for(intake, draft, zones),
    )


def _rules_for(intake: Intake, draft: Draft, zones: tuple[str, ...]) -> tuple[str, ...]:
    ids = {"reps-range", "tempo", "continuous", "direction", "spine-pressure", "axilla",
           "pressure-preference", "duration", *draft.extra_rules}
    if draft.phase == "open" and draft.technique == "stroking":
        ids.add("opening-light")
    if draft.phase == "close":
        ids.add("closing-light")
    if pressure_rank(draft.pressure) > 0:
        ids.add("warmup-first")
    if TECHNIQUES[draft.technique].strong:
        ids.add("alternate")
    if any(base_name(z) == "kidney" for z in zones):
        ids.add("kidney-gentle")
    if draft.technique == "arm_rotation" or any(base_name(z) in _SHOULDER_ARM for z in zones):
        ids.add("shoulders-arms")
    if any(s.kind in NO_CONTACT_SPOTS for s in intake.spots):
        ids.add("broken-skin")
    if any(s.kind == "pain" for s in intake.spots):
        ids.add("pain-spot")
    return tuple(r for r in RULES if r in ids)
