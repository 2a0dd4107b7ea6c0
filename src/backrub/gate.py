"""One gate for every performer: plan (or read), verify, and hand over only a verified routine.

The command line, the web coach (new sessions and live replans), the handheld device path and the
robot all come through here, so "nothing unverified is performed" is written once (DESIGN.md: the
verifier is the gate, whoever wrote the routine).
"""

from __future__ import annotations

from dataclasses import replace

from backrub.intake.model import Intake
from backrub.planner import NotPlanned, plan_routine
from backrub.routine.model import Routine
from backrub.verifier import Report, check_routine

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from backrub.intake.screening import Screening
    from backrub.planner.feedback import Feedback, Replanned


class Unverified(NotPlanned):
    """A routine the verifier refused. It is also "not planned": whoever asked gets no routine."""

    def __init__(self, report: Report, screening: Screening) -> None:
        self.report = report
        reasons = [
            "The routine did not pass its safety check: "
            + "; ".join(f"{f.rule} at {f.where}: {f.message}" for f in report.errors)
        ]
        super().__init__(screening, reasons)


def planned(intake: Intake) -> Routine:
    """Plan for the intake (with its device, if any) and verify; raise NotPlanned or Unverified."""
    return verified(with_device(plan_routine(intake)), intake)


def with_device(routine: Routine, start: int = 0) -> Routine:
    """planner.device.with_device, loaded only when the intake names a massager (it changes
    nothing otherwise, and most massages are by hand)."""
    if routine.intake is None or routine.intake.device is None:
        return routine
    from backrub.planner.device import with_device as device_pass

    return device_pass(routine, start)


def verified(routine: Routine, intake: Intake | None = None, performed: int = 0) -> Routine:
    """The routine itself when the verifier finds no error (past `performed` steps), else Unverified."""
    report = check_routine(routine, intake, performed)
    if not report.ok:
        raise Unverified(report, routine.screening or _screening(intake or routine.intake))
    return routine


def replanned(
    routine: Routine, from_step: int, feedback: Feedback | None = None, verify_from: int | None = None
) -> Replanned:
    """The rest of a live session replanned for some feedback, the device pass run on the new steps,
    and verified from `verify_from` on (`from_step` unless a step before it was changed too, as a
    stroke under the hands going on softer); raises NotPlanned or Unverified."""
    from backrub.planner.feedback import replan

    new = replan(routine, from_step, feedback)
    new = replace(new, routine=with_device(new.routine, from_step))
    verified(new.routine, new.intake, performed=from_step if verify_from is None else verify_from)
    return new


def _screening(intake: Intake | None) -> Screening:
    from backrub.intake.screening import screen

    return screen(intake or Intake())
