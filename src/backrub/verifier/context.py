"""What every check needs, worked out once: the body, each step's hands and zones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from backrub.geometry import Point
from backrub.intake.model import Intake
from backrub.intake.places import NoTouch, no_touch_areas
from backrub.intake.screening import Screening, screen
from backrub.knowledge.zones import Layout, layout_for, zones_on_path
from backrub.planner.timing import Tempo
from backrub.routine.model import Routine, Step
from backrub.verifier.report import Finding


# Never compared, hashed or printed (found by name or held by one owner): no __eq__, __hash__ or
# __repr__ is generated for it, each an exec-compile when `backrub plan` starts.
@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Hand:
    """One hand's path in a step; `label` says which in messages."""

    path: tuple[Point, ...]
    label: str  # "" for the written path, " (left hand, mirrored)" for the mirror


class Checked:
    """A routine under check, with the intake it is judged against (if any)."""

    def __init__(self, routine: Routine, intake: Intake | None) -> None:
        self.routine = routine
        self.known = intake is not None or routine.intake is not None
        self.intake: Intake = intake or routine.intake or Intake()
        self.steps: tuple[Step, ...] = routine.steps
        self.lay: Layout = layout_for(self.intake.body)
        self._hands: dict[int, tuple[Hand, ...]] = {}
        self._entries: list[dict[StepCheck, _Found | None] | None] | None = None

    @cached_property
    def tempo(self) -> Tempo:
        i = self.intake
        return Tempo(breaths_per_minute=i.breaths_per_minute, goal=i.goal, giver=i.giver)

    def each(self, check: StepCheck) -> Iterator[Finding]:
        """`check` on every step in order, its findings remembered across routines (_STEP_MEMO)."""
        if self._entries is None:
            table = _table(self.intake, self.known)
            self._entries = [_entry(table, step) for step in self.steps]
        for i, step in enumerate(self.steps):
            entry = self._entries[i]
            if entry is None:  # a step the memo cannot key exactly: judged afresh
                yield from check(self, i, step)
                continue
            found = entry.get(check)
            if found is None:
                made = tuple(check(self, i, step))
                head = at(i)
                if not all(f.where.startswith(head) for f in made):  # pragma: no cover - no check does
                    yield from made
                    continue
                found = entry[check] = tuple(
                    (f.rule, f.severity, f.where[len(head):], f.message, f.hint) for f in made
                )
                yield from made
                continue
            for rule, severity, where, message, hint in found:
                yield Finding(rule=rule, severity=severity, where=at(i) + where, message=message, hint=hint)

    @cached_property
    def areas(self) -> tuple[NoTouch, ...]:
        return no_touch_areas(self.intake)

    @cached_property
    def screening(self) -> Screening:
        return screen(self.intake)

    @cached_property
    def zones(self) -> tuple[tuple[str, ...], ...]:
        body = self.intake.body
        return tuple(zones_on_path(body, s.path, s.side == "both") for s in self.steps)

    def hands(self, step: Step) -> tuple[Hand, ...]:
        """The hands of a step (worked out once per step)."""
        key = id(step)
        if key not in self._hands:
            self._hands[key] = self._make_hands(step)
        return self._hands[key]

    @staticmethod
    def _make_hands(step: Step) -> tuple[Hand, ...]:
        if step.side == "both":
            return (
                Hand(path=step.path, label=""),
                Hand(path=tuple((-x, y) for x, y in step.path), label=" (left hand, mirrored)"),
            )
        return (Hand(path=step.path, label=""),)


# A check of one step: its findings, all placed at that step (`steps[i]...`), with messages that do
# not name the index. What it may read: the step's fields in _step_key (its path by identity),
# and the intake (Checked.intake, .known and what follows from them: lay, areas, screening, tempo).
StepCheck = Callable[["Checked", int, Step], Iterator[Finding]]
_Found = tuple[tuple[str, str, str, str, str], ...]  # rule, severity, where after steps[i], message, hint
_StepKey = tuple[object, ...]

# What the per-step checks found, for each intake: a live session re-verifies after every change the
# steps it verified before (the planner hands back steps equal to earlier ones, on the same paths).
_Entry = tuple[tuple[Point, ...], dict[StepCheck, _Found | None]]  # the path held, what each check found
_STEP_MEMO: dict[tuple[Intake, bool], dict[_StepKey, _Entry]] = {}
_CONTEXTS = 32  # intakes; at most 32 x 4096 steps remembered (tens of MB at the very most)
_STEPS = 4096


def _table(intake: Intake, known: bool) -> dict[_StepKey, _Entry]:
    """The memo for one intake judged against. Keyed by the Intake's value: the per-step checks
    read its words, numbers and spots' kinds and zones, never a signed zero a value match hides."""
    key = (intake, known)
    table = _STEP_MEMO.get(key)
    if table is None:
        if len(_STEP_MEMO) >= _CONTEXTS:
            _STEP_MEMO.clear()
        table = _STEP_MEMO[key] = {}
    elif len(table) >= _STEPS:
        table.clear()
    return table


def _entry(table: dict[_StepKey, _Entry], step: Step) -> dict[StepCheck, _Found | None] | None:
    """What the per-step checks found for a step like this one, or None when no key is exact.

    The key is every field of a step that a per-step check reads: the path by identity (held in
    the entry, so its id stays its own while remembered; equal floats such as 0.0 and -0.0 print
    apart, so a value match would not do) and the others by value. Seconds must be > 0 for the
    same reason (-0.0 s would print apart from 0.0 s)."""
    if not step.seconds > 0:
        return None
    key = (id(step.path), step.phase, step.technique, step.side, step.direction, step.pressure,
           step.reps, step.seconds, step.zones, step.device is None)
    got = table.get(key)
    if got is None or got[0] is not step.path:
        got = table[key] = (step.path, {})
    return got[1]


def at(i: int, j: int | None = None, part: str = "path") -> str:
    return f"steps[{i}]" if j is None else f"steps[{i}].{part}[{j}]"


def fmt(point: Point) -> str:
    return f"({point[0]:.1f}, {point[1]:.1f}) cm"
