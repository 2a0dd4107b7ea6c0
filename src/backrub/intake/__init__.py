"""Intake (who receives, what they want, where it hurts) and screening."""

from backrub.intake.model import Intake, Spot, parse_intake
from backrub.intake.screening import Change, Reason, Screening, screen

__all__ = ["Change", "Intake", "Reason", "Screening", "Spot", "parse_intake", "screen"]
