"""The verifier: every routine, from anywhere, is checked against every rule before it is performed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from backrub.intake.model import Intake
from backrub.routine.model import Routine
from backrub.verifier import method, safety
from backrub.verifier.context import Checked
from backrub.verifier.report import Finding, Report

__all__ = ["Finding", "Report", "check_routine", "stroke_errors"]


def check_routine(routine: Routine, intake: Intake | None = None, performed: int = 0) -> Report:
    """Every finding for this routine, judged against `intake` or the one it carries.

    `performed` steps are already done in a live session: what they did cannot
    change, so findings placed in them are left out.
    """
    checked = Checked(routine, intake)
    checks: tuple[Callable[[Checked], Iterator[Finding]], ...] = (*safety.CHECKS, *method.CHECKS)
    if any(step.device is not None for step in routine.steps):
        # Every massager check looks only at steps done with the massager: loaded when there are any.
        from backrub.verifier import device

        checks += device.CHECKS
    every = (f for check in checks for f in check(checked))
    findings = [f for f in every if _step_index(f.where) >= performed]
    return Report(findings=tuple(findings))


def stroke_errors(routine: Routine, intake: Intake, index: int) -> tuple[Finding, ...]:
    """Errors that `check_routine(r, intake)` places at `steps[index]` for EVERY routine `r` whose
    steps begin with `routine.steps[: index + 1]`, whatever follows: the ones from the checks that
    read only a step and those before it (UP_TO_STEP). A live replan asks before planning the rest
    for a changed stroke that would be refused anyway. Massager steps are not judged here (empty).
    """
    steps = routine.steps[: index + 1]
    if intake.device is not None or any(step.device is not None for step in steps):
        return ()
    checked = Checked(Routine(steps=steps), intake)
    every = (f for check in (*safety.UP_TO_STEP, *method.UP_TO_STEP) for f in check(checked))
    return tuple(f for f in every if f.severity == "error" and _step_index(f.where) == index)


def _step_index(where: str) -> int:
    """The step a finding is placed in; findings about the whole routine count as the last."""
    match = _STEP.match(where)
    return int(match.group(1)) if match else 1 << 30


_STEP = re.compile(r"steps\[(\d+)\]")
