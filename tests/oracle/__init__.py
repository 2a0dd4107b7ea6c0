"""An independent oracle for routine JSON: it reads only the routine and the raw intake.

It does not import backrub's geometry, verifier or planner: it restates the rules from
DESIGN.md and the seeds with its own sampling, so a bug shared by the planner and the verifier
still shows. Its only dependency is the back map (knowledge.zones.zone_at), the spec of where each
zone lies, used to name the region a point lies in for the warm-up rule.
"""

from tests.oracle.check import Violation, violations

__all__ = ["Violation", "violations"]
