"""The planner: a pure, deterministic function from an intake to a routine."""

from backrub.planner.plan import NotPlanned, plan_routine

__all__ = ["NotPlanned", "plan_routine"]
