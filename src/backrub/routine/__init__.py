"""The routine: one JSON format for every performer."""

from backrub.routine.model import FORMAT, Routine, Step, parse_routine

__all__ = ["FORMAT", "Routine", "Step", "parse_routine"]
