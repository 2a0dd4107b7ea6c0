"""The verifier: every routine, from anywhere, is checked against every rule before it is performed."""

from __future__ import annotations

from backrub.intake.model import Intake
from backrub.routine.model import Routine
from backrub.verifier import method, safety
from backrub.verifier.context import Checked
from backrub.verifier.report import Finding, Report

__all__ = ["Finding", "Report", "check_routine"]


def check_routine(routine: Routine, intake: Intake | None = None) -> Report:
    """Every finding for this routine, judged against `intake` or the one it carries."""
    checked = Checked(routine, intake)
    findings = [f for check in (*safety.CHECKS, *method.CHECKS) for f in check(checked)]
    return Report(findings=tuple(findings))
