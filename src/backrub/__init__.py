"""backrub: plan, verify and perform back massages.

The public names load on first use, so `backrub plan` imports only what it needs.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType

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


class _OnFirstUse(ModuleType):
    """Stands in for a standard module until one of its names is first read, then imports it.

    The real module takes the stand-in's place in `sys.modules`; the stand-in keeps a copy of its
    names, so a module that imported the stand-in reads them directly from then on.
    """

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = import_module(self.__name__)
        vars(self).update(vars(real))
        return getattr(real, name)


# `dataclasses` imports `inspect` (and with it ast, dis and tokenize: 26 M instructions, a sixth of
# what `backrub plan` imports) only to write a signature into a class that has no docstring. Every
# backrub class has one, so `inspect` is loaded when something first reads from it.
if "inspect" not in sys.modules and "dataclasses" not in sys.modules:
    sys.modules["inspect"] = _OnFirstUse("inspect")


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'backrub' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
