"""backrub: plan, verify and perform back massages.

The public names load on first use, so `backrub plan` imports only what it needs.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any
__all__ = [
    "Feedback",
    "InputError",
    "Intake",
    "NotPlanned",
    "Report",
    "Routine",
    "Screening",
    "Step",
    "check_routine",
    "parse_intake",
    "parse_routine",
    "plan_routine",
    "replan",
    "screen",
]

_HOMES = {
    "Feedback": "backrub.planner",
    "InputError": "backrub.errors",
    "Intake": "backrub.intake",
    "NotPlanned": "backrub.planner",
    "Report": "backrub.verifier",
    "Routine": "backrub.routine",
    "Screening": "backrub.intake",
    "Step": "backrub.routine",
    "check_routine": "backrub.verifier",
    "parse_intake": "backrub.intake",
    "parse_routine": "backrub.routine",
    "plan_routine": "backrub.planner",
    "replan": "backrub.planner",
    "screen": "backrub.intake",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'backrub' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
