"""The planner: a pure, deterministic function from an intake to a routine."""

from backrub.planner.plan import NotPlanned, plan_routine
from backrub.planner.replan import FEEDBACK_KINDS, Feedback, Replanned, replan

__all__ = ["FEEDBACK_KINDS", "Feedback", "NotPlanned", "Replanned", "plan_routine", "replan"]
