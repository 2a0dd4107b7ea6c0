"""What every check needs, worked out once: the body, each step's hands and zones."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from backrub.geometry import Point
from backrub.intake.model import Intake
from backrub.intake.places import NoTouch, no_touch_areas
from backrub.intake.screening import Screening, screen
from backrub.knowledge.zones import Layout, layout_for, zones_on_path
from backrub.routine.model import Routine, Step


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


def at(i: int, j: int | None = None, part: str = "path") -> str:
    return f"steps[{i}]" if j is None else f"steps[{i}].{part}[{j}]"


def fmt(point: Point) -> str:
    return f"({point[0]:.1f}, {point[1]:.1f}) cm"
