"""plan_routine: intake in, verified-by-construction routine out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from backrub.geometry import Point
from backrub.intake.model import Intake
from backrub.intake.places import NoTouch, no_touch_areas, spot_centre
from backrub.intake.screening import Screening, screen
from backrub.knowledge.method import METHOD
from backrub.knowledge.rules import RULES
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS
from backrub.knowledge.techniques import (
    TECHNIQUES,
    contact_half_width,
    is_strong,
    pressure_rank,
)
from backrub.knowledge.zones import SHOULDER_ARM_ZONES, base_name, kidney_segment, spine_gap
from backrub.planner import advice, pieces, placement
from backrub.planner.cues import check_ins, cue_for
from backrub.planner.pieces import Context, Unit
from backrub.planner.slides import lead_ins
from backrub.planner.templates import Draft
from backrub.planner.timing import Tempo, fit_times, fit_whole_breaths, rep_bounds, reps_bounds
from backrub.routine.model import Routine, Step

MAX_ROUNDS = 16  # a small back reached by one's own hands needs many rounds to fill an hour
STEP_MAX_S = 180.0  # issue 10: no massage step longer than about 3 minutes; more rounds instead
ROUNDS_FROM_MINUTES = METHOD.rounds_from_minutes
TOLERANCE = 0.045  # within 5% (the rule) less a margin for rounding seconds to tenths
_SHOULDER_ARM = frozenset(SHOULDER_ARM_ZONES)


class NotPlanned(Exception):
    """No routine: screening said no, or nothing safe fills the time. Reasons are for people."""

    def __init__(self, screening: Screening, reasons: list[str]) -> None:
        self.screening = screening
        self.reasons = reasons
        super().__init__("; ".join(reasons))


# Never compared, hashed or printed (found by name or held by one owner): no __eq__, __hash__ or
# __repr__ is generated for it, each an exec-compile when `backrub plan` starts.
@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Start:
    """Where planning begins: from nothing, or after the steps already done in a session."""

    opened: bool = False
    warmed: frozenset[str] = frozenset()
    last: Draft | None = None  # the last step done, for alternation and the slide onward
    halves_done: int = 0  # side-lying: halves already finished
    rounds_done: int = 0  # work rounds already begun; new ones are numbered after them


_Trimmed = tuple[list[Unit], list[Draft], bool, bool]  # units, warm-up, closing loop kept, ok


class _Memo:
    """What one planning call works out once while it tries trim after trim.

    Every trim rebuilds the sequence from the same pieces, so each piece is made, placed, judged
    and slid to only once. Answers are keyed by the draft objects themselves (their ids; each
    draft is held in its entry, so its id cannot be reused while the memo lives): equal answers
    to what the stages would work out again, without hashing long paths on every trim.
    """

    __slots__ = (
        "areas",
        "bounds",
        "changed",
        "facts",
        "led",
        "passes",
        "pieces",
        "quick",
        "realized",
        "slid",
        "trims",
        "units",
    )

    def __init__(self, intake: Intake) -> None:
        self.areas = no_touch_areas(intake)
        self.pieces: dict[tuple[str, str, bool], list[Draft]] = {}
        self.units: dict[tuple[str, int], list[Unit]] = {}
        self.realized: dict[tuple[int, str], tuple[Draft, list[Draft]]] = {}
        self.facts: dict[int, tuple[Draft, tuple[str, ...], bool, bool]] = {}
        self.changed: dict[tuple[int, str], tuple[Draft, Draft]] = {}
        self.slid: dict[tuple[Point, str, int], tuple[Draft, Draft | None]] = {}
        self.bounds: dict[int, tuple[Draft, tuple[float, float]]] = {}
        # By half: the last pass through the stages: its inputs, the state and the number of drafts
        # out before each, the drafts out.
        self.passes: dict[str, tuple[list[Draft], list[_Mark], list[int], list[Draft]]] = {}
        # The last call of slides.lead_ins: its drafts, what it made of them, where it failed (or its length).
        self.led: tuple[list[Draft], list[Draft], int] | None = None
        # By draft: its fewest reps, its quickest rep, and their product (its quickest time).
        self.quick: dict[int, tuple[Draft, int, float, float]] = {}
        # By units list and order of leaving out: that list, the warm-up given, the trims so far.
        self.trims: dict[tuple[int, bool], tuple[list[Unit], list[Draft], list[_Trimmed]]] = {}

    def rep_bounds(self, draft: Draft, tempo: Tempo) -> tuple[float, float]:
        """rep_bounds for a draft (one tempo per planning call)."""
        hit = self.bounds.get(id(draft))
        if hit is None:
            hit = self.bounds[id(draft)] = (draft, rep_bounds(draft.technique, draft.path, tempo))
        return hit[1]

    def quickest(self, draft: Draft, tempo: Tempo) -> tuple[Draft, int, float, float]:
        """The draft, its fewest reps, its quickest rep and its quickest time (one tempo per call)."""
        hit = self.quick.get(id(draft))
        if hit is None:
            reps = _reps_limits(draft)[0]
            rep = self.rep_bounds(draft, tempo)[0]
            hit = self.quick[id(draft)] = (draft, reps, rep, reps * rep)
        return hit

    def changed_once(self, draft: Draft, what: str, **changes: object) -> Draft:
        """draft.with_changes(**changes), the same object each time for the same draft and `what`."""
        hit = self.changed.get((id(draft), what))
        if hit is None:
            hit = self.changed[(id(draft), what)] = (draft, draft.with_changes(**changes))
        return hit[1]


def plan_routine(intake: Intake) -> Routine:
    """Plan one massage for this intake; raise NotPlanned with reasons when none may be given."""
    screening = screen(intake)
    if not screening.may_plan:
        raise NotPlanned(screening, [r.message for r in screening.reasons])
    steps = plan_steps(intake, screening, intake.minutes * 60.0, Start())
    if steps is None:
        why = (
            f"No safe routine fills {intake.minutes:g} minutes around these marked places (the long "
            "opening and closing strokes need a clear way, and the time must be filled); "
            "try fewer minutes or check the marks on the chart."
            if intake.spots
            else f"No routine of {intake.minutes:g} minutes can be made from the strokes that can be given "
            "here (each is repeated 5 to 8 times, in whole breaths); try a few minutes more or less."
        )
        raise NotPlanned(screening, [why])
    return Routine(
        steps=steps,
        screening=screening,
        intake=intake,
        preparation=advice.preparation_for(intake),
        notes=advice.notes_for(intake, steps),
        advice=advice.advice_for(intake),
    )


def plan_steps(
    intake: Intake, screening: Screening, target: float, start: Start, lenient: bool = False
) -> tuple[Step, ...] | None:
    """Steps that fill `target` seconds from `start`, or None when nothing safe fits.

    Lenient (for replanning a live session): when nothing lands within 5%, the
    closest fit is taken, so a session near its end still gets its closing strokes.
    """
    steps = _plan_steps(intake, screening, target, start, lenient, compact=False)
    if steps is None and intake.position == "side_lying":
        # Short on time: one opening and one closing for the whole, turning in between.
        steps = _plan_steps(intake, screening, target, start, lenient, compact=True)
    return steps


def _plan_steps(
    intake: Intake, screening: Screening, target: float, start: Start, lenient: bool, compact: bool
) -> tuple[Step, ...] | None:
    tempo = tempo_of(intake)
    closest: tuple[float, list[Draft], list[tuple[int, float]]] | None = None
    memo = _Memo(intake)
    rounds = min_rounds(intake, target, start)
    while rounds <= MAX_ROUNDS:
        grow = False
        # Leave out the quickest pieces first, so the time falls in small steps; if that skips past
        # the time asked (a short rub whose long pieces remain), the longest first.
        for longest in (False, True):
            drop = 0 if not longest else 1
            while drop < 60:
                drafts = _sequence(intake, screening, rounds, drop, start, compact, longest, memo)
                if drafts is None:
                    break
                quick = [memo.quickest(d, tempo) for d in drafts]
                least = [q[3] for q in quick]
                total = sum(least)  # what _miss sums for these (reps, rep): the same products
                skip = _too_long(least, total, target)
                if skip:  # too long even at its quickest: leave out more, several at a time if far off
                    if closest is None or closest[0] > abs(total - target):  # as _closer, lazily
                        closest = (abs(total - target), drafts, [q[1:3] for q in quick])
                    drop += skip
                    continue
                drop += 1
                times, bounds, limits = _fit(drafts, target, tempo, drop > 1, memo)
                if times is None:  # too short even at its slowest: another round
                    slowest = [(r[1], b[1]) for r, b in zip(limits, bounds, strict=True)]
                    closest = _closer(closest, target, drafts, slowest)
                    grow = grow or drop == 1
                    break
                closest = _closer(closest, target, drafts, times)
                if _miss(times, target) <= TOLERANCE * target:
                    return _steps(intake, drafts, times, tempo)
            if grow:
                break
        if not grow:
            break
        rounds += 1
    if lenient and closest is not None:
        return _steps(intake, closest[1], closest[2], tempo)
    return None


def _too_long(quickest: list[float], total: float, target: float) -> int:
    """0 when drafts of these quickest times (`total` in all) may fit `target`; else how many
    pieces surely must still go (at least 1).

    One piece left out takes at most three drafts (sawing right, left and its interlude), each of
    which keeping clear may split in two; skipping fewer than the excess over six times the
    longest draft skips no fitting trim.
    """
    excess = total - (1 + TOLERANCE) * target
    if excess <= 0:
        return 0
    return max(1, int(excess // (6 * max(quickest))))


def _fit(
    drafts: list[Draft], target: float, tempo: Tempo, exact: bool, memo: _Memo
) -> tuple[list[tuple[int, float]] | None, list[tuple[float, float]], list[tuple[int, int]]]:
    """Reps and seconds for each draft to fill `target`, with the bounds they were chosen in."""
    limits = [_reps_limits(d) for d in drafts]
    bounds = [_capped(memo.rep_bounds(d, tempo), lim) for d, lim in zip(drafts, limits, strict=True)]
    times = fit_times(bounds, limits, target)
    if exact and (times is None or _miss(times, target) > TOLERANCE * target):
        # Short routines: whole breaths chosen exactly may land where growing reps overshot.
        stretched = _stretched(drafts, bounds, limits, target, tempo)
        if (
            stretched is not None
            and (times is None or _miss(stretched, target) < _miss(times, target))
            and _within_cap(stretched)
        ):
            times = stretched
    return times, bounds, limits


def min_rounds(intake: Intake, target: float, start: Start) -> int:
    """Seed 003: "work your way around the back twice" in a full massage of half an hour or more."""
    fresh = not start.opened and start.last is None
    full = intake.goal != "comfort_care" and fresh and target >= ROUNDS_FROM_MINUTES * 60.0
    return 2 if full else 1


def _reps_limits(draft: Draft) -> tuple[int, int]:
    return draft.reps if draft.reps is not None else reps_bounds(draft.technique)


def _capped(bounds: tuple[float, float], limits: tuple[int, int]) -> tuple[float, float]:
    """No step longer than about three minutes: time goes into rounds, not into one long step."""
    low, high = bounds
    return low, max(low, min(high, STEP_MAX_S / limits[1]))


def _within_cap(times: list[tuple[int, float]]) -> bool:
    return all(r * t <= STEP_MAX_S + 1e-6 for r, t in times)


def _miss(times: list[tuple[int, float]], target: float) -> float:
    return abs(sum(r * t for r, t in times) - target)


def _closer(
    best: tuple[float, list[Draft], list[tuple[int, float]]] | None,
    target: float,
    drafts: list[Draft],
    times: list[tuple[int, float]],
) -> tuple[float, list[Draft], list[tuple[int, float]]]:
    miss = _miss(times, target)
    return best if best is not None and best[0] <= miss else (miss, drafts, times)


def _steps(
    intake: Intake, drafts: list[Draft], times: list[tuple[int, float]], tempo: Tempo
) -> tuple[Step, ...]:
    asks = check_ins(intake, drafts)
    return tuple(
        _step(intake, d, r, t, tempo, ask) for d, (r, t), ask in zip(drafts, times, asks, strict=True)
    )


def _stretched(
    drafts: list[Draft],
    bounds: list[tuple[float, float]],
    limits: list[tuple[int, int]],
    target: float,
    tempo: Tempo,
) -> list[tuple[int, float]] | None:
    """Short routines: let strokes take two breaths each when nothing shorter fits the time."""
    paced = [TECHNIQUES[d.technique].breath_paced for d in drafts]
    return fit_whole_breaths(paced, bounds, limits, tempo.breath_unit, target)


def _sequence(
    intake: Intake,
    screening: Screening,
    rounds: int,
    drop: int,
    start: Start,
    compact: bool = False,
    longest: bool = False,
    memo: _Memo | None = None,
) -> list[Draft] | None:
    """The drafts in the script's order, leaving out `drop` pieces (least asked-for first); None if
    none left. `compact` (side-lying only): the first half keeps no closing and the second no opening.
    `memo` carries what earlier calls for the same intake and start worked out.
    """
    memo = memo if memo is not None else _Memo(intake)
    halves = ("right", "left") if intake.position == "side_lying" else ("both",)
    tempo = tempo_of(intake)
    out: list[Draft] = []
    for h, half in enumerate(halves):
        if h < start.halves_done:
            continue
        resuming = h == start.halves_done and (start.opened or start.last is not None)
        ctx = Context(intake=intake, screening=screening, half=half)
        head = [] if resuming and start.opened else _pieces(memo, ctx, "open", False)
        warm = _pieces(memo, ctx, "warm", False)
        if resuming:  # only the warm-ups that reach a zone not yet warmed: the same for every trim
            if (half, "warm left", False) not in memo.pieces:
                memo.pieces[(half, "warm left", False)] = [
                    w for w in warm if set(placement.zones_touched(intake.body, w)) - start.warmed
                ]
            warm = list(memo.pieces[(half, "warm left", False)])
        key = (half, rounds)
        if key not in memo.units:
            memo.units[key] = _round_units(ctx, rounds, start.rounds_done)
        units, warm, with_loop, ok = _trim(memo.units[key], warm, drop, tempo, longest, memo)
        if not ok:
            return None
        if compact and h == 1:
            head = []
        tail = [] if compact and h == 0 else _pieces(memo, ctx, "close", with_loop)
        drafts = head + warm + [d for u in units for d in u.drafts] + tail
        warmed, before = (start.warmed, start.last) if resuming else (frozenset[str](), None)
        drafts = _staged(ctx, drafts, warmed, before, memo)
        if h == 1 and drafts and not resuming:
            turn = "Turn onto your other side first. " if intake.giver == "self" else TURN
            drafts[0] = memo.changed_once(drafts[0], "turn", note=turn + drafts[0].note)
        out += drafts
    if not _opens_and_closes(out, start):
        return None  # marked places leave no clear way for the opening or closing strokes
    return lead_ins(intake, out, start.last, memo)


def _pieces(memo: _Memo, ctx: Context, which: str, flag: bool) -> list[Draft]:
    """The opening, warm-up or closing (with or without its loop) of this half, made once."""
    key = (ctx.half, which, flag)
    if key not in memo.pieces:
        if which == "open":
            made = pieces.opening(ctx)
        elif which == "warm":
            made = pieces.warm_up(ctx)
        else:
            made = pieces.closing(ctx, flag)
        memo.pieces[key] = made
    return list(memo.pieces[key])


TURN = "Help them turn onto their other side first. "


def _round_units(ctx: Context, rounds: int, done: int) -> list[Unit]:
    """The work rounds in order, each from the lower back up; knots go into the first round at
    their height, after the warm-up, so the order stays lower to upper (seeds 000, 003)."""
    units: list[Unit] = []
    for n in range(done + 1, done + rounds + 1):
        if n > done + 1:
            link = pieces.between_rounds(ctx, n)
            units.append(Unit(drafts=link.drafts, round=n, priority=0))
        work = [
            Unit(drafts=u.drafts, priority=u.priority, round=n)
            for u in pieces.work_round(ctx, n, n == done + rounds)
        ]
        if n == done + 1:
            for spot in sorted(pieces.knots(ctx), key=lambda s: spot_centre(ctx.intake.body, s)[1]):
                knot = pieces.knot_draft(ctx, spot, n)
                if knot is None:
                    continue
                at = next((k for k, u in enumerate(work) if u.drafts[0].path[0][1] > knot.knot[1]), len(work))  # type: ignore[index]
                work.insert(at, Unit(drafts=(knot,), priority=2, round=n))
        units += work
    return units


def _opens_and_closes(drafts: list[Draft], start: Start) -> bool:
    first = next((d for d in drafts if TECHNIQUES[d.technique].massage), None)
    if first is None:
        return False
    opens = start.opened or (first.technique == "stroking" and first.pressure == "light")
    last = next(d for d in reversed(drafts) if TECHNIQUES[d.technique].massage)
    return opens and last.technique == "stroking" and last.direction == "down"


def tempo_of(intake: Intake) -> Tempo:
    return Tempo(breaths_per_minute=intake.breaths_per_minute, goal=intake.goal, giver=intake.giver)


def _trim(
    units: list[Unit], warm: list[Draft], drop: int, tempo: Tempo, longest: bool, memo: _Memo
) -> tuple[list[Unit], list[Draft], bool, bool]:
    """Leave out regular pieces first (from the last round, the shortest first, so the time falls
    in small steps), then warm-ups, then the closing loop, then what was asked for. A round left
    with no work loses the stroke that led into it.

    The search asks for one piece more each time: each trim goes on from the one before it
    (remembered per units list and order of leaving out), the same steps as starting over."""
    key = (id(units), longest)
    known = memo.trims.get(key)
    if known is None or known[0] is not units or known[1] != warm:
        known = memo.trims[key] = (units, list(warm), [(list(units), list(warm), True, True)])
    states = known[2]
    while len(states) <= drop:
        states.append(_trim_one(*states[-1], tempo, longest, memo))
    left, kept, with_loop, ok = states[drop]
    return list(left), list(kept), with_loop, ok


def _trim_one(
    units: list[Unit], warm: list[Draft], with_loop: bool, ok: bool, tempo: Tempo, longest: bool, memo: _Memo
) -> tuple[list[Unit], list[Draft], bool, bool]:
    """The trim after `units`, `warm` and the loop: one piece more left out (or not ok)."""
    if not ok:
        return units, warm, with_loop, ok
    units, warm = list(units), list(warm)

    def quickest(unit: Unit) -> float:
        return sum(memo.rep_bounds(d, tempo)[0] for d in unit.drafts)

    regular = [i for i, u in enumerate(units) if u.priority == 1]
    if regular:
        last = max(units[i].round for i in regular)
        pick = max if longest else min
        units.pop(
            pick(reversed([i for i in regular if units[i].round == last]), key=lambda i: quickest(units[i]))
        )
    elif len(warm) > 1:
        warm.pop()
    elif with_loop:
        with_loop = False
    elif warm:
        warm.pop()
    elif [u for u in units if u.priority > 0]:
        units.pop(max(i for i, u in enumerate(units) if u.priority > 0))
    else:
        return units, warm, with_loop, False
    worked = {u.round for u in units if u.priority > 0}
    units = [u for u in units if u.priority > 0 or u.round in worked]
    return units, warm, with_loop, True


def _realize(ctx: Context, drafts: list[Draft], memo: _Memo) -> list[Draft]:
    """Each draft placed for this half, within reach, and clear of the no-touch areas (each
    draft worked out once per planning call)."""
    out: list[Draft] = []
    for draft in drafts:
        out += _realized_once(ctx, draft, memo)
    return out


def _realized_once(ctx: Context, draft: Draft, memo: _Memo) -> list[Draft]:
    """One draft realized for this half, worked out once per planning call (not to be changed)."""
    hit = memo.realized.get((id(draft), ctx.half))
    if hit is None:
        hit = memo.realized[(id(draft), ctx.half)] = (draft, _realized(ctx, draft, memo.areas))
    return hit[1]


def _realized(ctx: Context, draft: Draft, areas: tuple[NoTouch, ...]) -> list[Draft]:
    placed = placement.side_of_half(draft, ctx.half)
    if placed is None:
        return []
    alone = ctx.intake.giver == "self"
    reached = placement.self_reach(placed, ctx.intake.body.back_length_cm) if alone else [placed]
    out: list[Draft] = []
    for d in reached:
        kept = placement.keep_clear(d, areas)
        for fallback in d.fallbacks:
            if kept:
                break
            kept = [k for f in _placed(ctx, fallback) for k in placement.keep_clear(f, areas)]
        out += kept
    return out


def _placed(ctx: Context, draft: Draft) -> list[Draft]:
    """A fallback placed for this half of a side-lying session (or as is)."""
    placed = placement.side_of_half(draft, ctx.half)
    return [] if placed is None else [placed]


# Before one input of a pass: zones warmed, the strong technique just done (for _staged's
# alternation), and whether the last draft out was strong (for its interludes).
_Mark = tuple[frozenset[str], str | None, bool]


def _staged(
    ctx: Context, items: list[Draft], warmed: frozenset[str], before: Draft | None, memo: _Memo
) -> list[Draft]:
    """The drafts of one half placed (_realize), then made safe and gentle in turn, in one pass:
    - medium or firm only on warmed zones, never on the kidneys, and with the whole contact clear
      of the spine band; else light, else left out;
    - never two strong techniques back to back: light link strokes between (seed 004);
    - the 3-4 strokes of an interlude only right after strong work (seed 004); elsewhere 5-8.

    Each of these reads the drafts in order, keeping only a little state (the zones warmed, the
    strong technique just done, whether the last draft was strong), so what comes out up to an
    input depends on the inputs before it alone. The search asks again with one piece more left
    out, so a pass goes on from the last one's output where the inputs agree from the start, and
    takes the last one's tail as it was once its state is the same again where they agree to the
    end: the same drafts (the same objects) as a pass made afresh.
    """
    strong_before = before.technique if before and is_strong(before.technique, before.pressure) else None
    first: _Mark = (warmed, strong_before, strong_before is not None)
    last = memo.passes.get(ctx.half)
    n, p, s = len(items), 0, 0
    if last is not None and last[1][0] == first:
        old_items, old_marks, old_lens, old_out = last
        n_old = len(old_items)
        m = min(n, n_old)
        while p < m and items[p] is old_items[p]:
            p += 1
        while s < m - p and items[n - 1 - s] is old_items[n_old - 1 - s]:
            s += 1
        marks, lens = old_marks[: p + 1], old_lens[: p + 1]
        out = old_out[: lens[p]]
    else:
        old_marks, old_lens, old_out, n_old = [], [], [], n
        marks, lens, out = [first], [0], []
    warmed, last_strong, prev_strong = marks[p]
    for i in range(p, n):
        j = i + n_old - n
        if i >= n - s and old_marks[j] == (warmed, last_strong, prev_strong):
            shift = len(out) - old_lens[j]
            marks += old_marks[j + 1 :]
            lens += old_lens[j + 1 :] if shift == 0 else [k + shift for k in old_lens[j + 1 :]]
            out += old_out[old_lens[j] :]
            break
        for draft in _realized_once(ctx, items[i], memo):
            hit = memo.facts.get(id(draft))
            if hit is None:
                hit = memo.facts[id(draft)] = (draft, *_pressure_facts(ctx.intake, draft))
            _, zones, unsafe, has_light = hit
            if pressure_rank(draft.pressure) > 0 and (unsafe or any(z not in warmed for z in zones)):
                if not has_light:
                    continue
                draft = memo.changed_once(draft, "light", pressure="light")
            if TECHNIQUES[draft.technique].warms_up and not warmed.issuperset(zones):
                warmed = warmed.union(zones)
            strong = is_strong(draft.technique, draft.pressure)
            ahead = [draft]
            if strong and last_strong is not None and last_strong != draft.technique:
                link = _realize(ctx, [_link(memo, ctx, draft.round)], memo)
                if not link:
                    continue
                ahead = link + ahead
            last_strong = draft.technique if strong else None
            for d in ahead:
                if d.reps is not None and not prev_strong:
                    d = memo.changed_once(d, "reps", reps=None)
                out.append(d)
                prev_strong = is_strong(d.technique, d.pressure)
        marks.append((warmed, last_strong, prev_strong))
        lens.append(len(out))
    memo.passes[ctx.half] = (items, marks, lens, out)
    return list(out)


def _pressure_facts(intake: Intake, draft: Draft) -> tuple[tuple[str, ...], bool, bool]:
    """A draft's zones; whether, pressed, it would touch the kidneys or put the contact on the spine
    band wherever it comes; and whether its technique has a light form.

    A light draft that warms nothing gets no zones here (): _staged reads them only to judge
    pressure and to warm zones, and a draft of a trim the search then drops (a third of the drafts
    staged for a half-hour rub) would pay for a zone look-up of its path for nothing; a kept one's
    step looks its zones up (_step)."""
    if pressure_rank(draft.pressure) == 0:
        if not TECHNIQUES[draft.technique].warms_up:
            return (), False, False
        return placement.zones_touched(intake.body, draft), False, False
    zones = placement.zones_touched(intake.body, draft)
    # Both kidney areas are checked, so the written path answers for its mirrored hand too.
    unsafe = (
        any(base_name(z) == "kidney" for z in zones)
        or kidney_segment(intake.body, draft.path) is not None
        or spine_gap(intake.body, draft.path, contact_half_width(draft.technique)) < 0
    )
    return zones, unsafe, TECHNIQUES[draft.technique].allows("light")


def _link(memo: _Memo, ctx: Context, rnd: int | None) -> Draft:
    """The light link strokes for a round, made once per planning call."""
    key = (ctx.half, "link", False)
    if key not in memo.pieces:
        memo.pieces[key] = [pieces.link_stroke(ctx)]
    return memo.changed_once(memo.pieces[key][0], f"round {rnd}", round=rnd)


def _step(intake: Intake, draft: Draft, reps: int, rep_s: float, tempo: Tempo, ask: str = "") -> Step:
    seconds = round(reps * rep_s, 1)
    zones = placement.zones_touched(intake.body, draft)
    return Step(
        round=draft.round,
        phase=draft.phase,
        technique=draft.technique,
        zones=zones,
        side=draft.side,
        direction=draft.direction,
        pressure=draft.pressure,
        reps=reps,
        seconds=seconds,
        path=draft.path,
        lead_in=draft.lead_in,
        cue=cue_for(
            technique=draft.technique,
            area=draft.area,
            side=draft.side,
            direction=draft.direction,
            pressure=draft.pressure,
            reps=reps,
            seconds=seconds,
            breath_seconds=tempo.breath_seconds,
            note=_note(draft, zones),
            giver=intake.giver,
            ask=ask,
        ),
        rules=_rules_for(intake, draft, zones),
    )


def _note(draft: Draft, zones: tuple[str, ...]) -> str:
    """The draft's own note, and seed 004's word of care when patting over the kidneys."""
    kidneys = draft.technique == "patting" and any(base_name(z) == "kidney" for z in zones)
    return (draft.note + (" Go gently over the kidney area." if kidneys else "")).strip()


def _rules_for(intake: Intake, draft: Draft, zones: tuple[str, ...]) -> tuple[str, ...]:
    skin = any(s.kind in NO_CONTACT_SPOTS for s in intake.spots)
    pain = any(s.kind == "pain" for s in intake.spots)
    return _rules(draft.phase, draft.technique, draft.pressure, draft.extra_rules, zones, skin, pain)


@lru_cache(maxsize=1024)  # a few dozen different answers per routine; every step asks
def _rules(
    phase: str,
    technique: str,
    pressure: str,
    extra_rules: tuple[str, ...],
    zones: tuple[str, ...],
    skin: bool,
    pain: bool,
) -> tuple[str, ...]:
    ids = {
        "reps-range",
        "tempo",
        "continuous",
        "direction",
        "spine-pressure",
        "axilla",
        "pressure-preference",
        "duration",
        *extra_rules,
    }
    if phase == "open" and technique == "stroking":
        ids.add("opening-light")
    if phase == "close":
        ids.add("closing-light")
    if pressure_rank(pressure) > 0:
        ids.add("warmup-first")
    if TECHNIQUES[technique].strong:
        ids.add("alternate")
    if any(base_name(z) == "kidney" for z in zones):
        ids.add("kidney-gentle")
    if technique == "arm_rotation" or any(base_name(z) in _SHOULDER_ARM for z in zones):
        ids.add("shoulders-arms")
    if skin:
        ids.add("broken-skin")
    if pain:
        ids.add("pain-spot")
    return tuple(r for r in RULES if r in ids)
