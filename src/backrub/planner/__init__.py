"""The planner: a pure, deterministic function from an intake to a routine."""

from __future__ import annotations

from importlib import import_module

from backrub.planner.plan import NotPlanned, plan_routine

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

__all__ = ["FEEDBACK_KINDS", "Feedback", "NotPlanned", "Replanned", "plan_routine", "replan"]


def __getattr__(name: str) -> Any:
    # Live replanning loads on first use; a one-off `backrub plan` never needs it.
    if name in ("FEEDBACK_KINDS", "Feedback", "Replanned", "replan"):
        return getattr(import_module("backrub.planner.feedback"), name)
    raise AttributeError(f"module 'backrub.planner' has no attribute {name!r}")
