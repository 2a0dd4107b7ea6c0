"""Hypothesis strategies for raw intake dicts, kept in one place for every property test.

They draw only intakes the reader accepts: minutes in range for the goal, a
position the giver can work in, body sizes within the tape-measure limits and
spots on the back map.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from backrub.intake.model import GOALS, POSITIONS, STYLES
from backrub.knowledge.body import LIMITS
from backrub.knowledge.screening_table import CONDITIONS, SPOT_KINDS
from backrub.knowledge.techniques import PRESSURES
from backrub.knowledge.zones import GROUPS, ZONE_IDS

REFER = tuple(c for c, r in CONDITIONS.items() if r.decision == "refer")
CHECK_FIRST = tuple(c for c, r in CONDITIONS.items() if r.decision == "check_first")
ADAPT = tuple(c for c, r in CONDITIONS.items() if r.decision == "adapt")
FOCUS_NAMES = tuple(GROUPS) + tuple(z for z in ZONE_IDS if z != "spine" and not z.startswith("axilla"))

goals = st.sampled_from(GOALS)
givers = st.sampled_from(("partner", "caregiver", "self", "robot"))
pressures = st.sampled_from(PRESSURES)
styles = st.sampled_from(STYLES)


def positions_for(giver: str) -> st.SearchStrategy[str]:
    """Self may not lie prone; a robot works only on a prone receiver."""
    if giver == "self":
        return st.sampled_from(("seated", "side_lying"))
    if giver == "robot":
        return st.just("prone")
    return st.sampled_from(POSITIONS)


def minutes_for(goal: str) -> st.SearchStrategy[float]:
    """Whole or fractional minutes inside the range the goal allows."""
    low, high = (3, 10) if goal == "comfort_care" else (15, 60)
    return st.one_of(st.integers(low, high).map(float),
                     st.floats(low, high, allow_nan=False, allow_infinity=False))


@st.composite
def bodies(draw: st.DrawFn) -> dict[str, float]:
    """Tape-measure figures within the limits, waist at most 1.3 times the shoulders."""
    def size(key: str) -> float:
        return draw(_tenths(*LIMITS[key]))

    shoulders = size("shoulder_width_cm")
    back = size("back_length_cm")
    low, high = LIMITS["waist_width_cm"]
    waist = draw(_tenths(low, min(high, 1.3 * shoulders)))
    return {"back_length_cm": back, "shoulder_width_cm": shoulders, "waist_width_cm": waist}


conditions = st.lists(
    st.one_of(st.sampled_from(ADAPT), st.sampled_from(CHECK_FIRST), st.sampled_from(REFER)),
    max_size=3, unique=True,
)
# Most generated people have no conditions at all or only adapting ones, so most intakes plan.
mostly_plannable_conditions = st.one_of(
    st.just([]), st.just([]), st.lists(st.sampled_from(ADAPT), max_size=2, unique=True), conditions,
)


def _tenths(low: float, high: float) -> st.SearchStrategy[float]:
    """Numbers to a tenth of a centimetre, never rounded past either end."""
    return st.integers(math.ceil(low * 10), math.floor(high * 10)).map(lambda n: n / 10)


def spots_on(body: dict[str, float] | None) -> st.SearchStrategy[dict[str, Any]]:
    """A spot by zone or by point (radius 0.5-8 cm) somewhere on this body's back map."""
    b = body or {"back_length_cm": 50.0, "shoulder_width_cm": 42.0}
    reach = b["shoulder_width_cm"] / 2 + 8.0
    top = b["back_length_cm"] + 8.0
    kinds = st.sampled_from(SPOT_KINDS)
    by_zone = st.fixed_dictionaries({"kind": kinds, "zone": st.sampled_from(ZONE_IDS)})
    by_point = st.fixed_dictionaries({
        "kind": kinds,
        "at": st.fixed_dictionaries({
            "x_cm": _tenths(-reach, reach),
            "y_cm": _tenths(0.0, top),
        }),
        "radius_cm": _tenths(0.5, 8.0),
    })
    return st.one_of(by_zone, by_point)


@st.composite
def intakes(draw: st.DrawFn, *, max_spots: int = 3,
            condition_lists: st.SearchStrategy[list[str]] = mostly_plannable_conditions,
            ) -> dict[str, Any]:
    """A raw intake dict as a person (or another program) would send it.

    Every field is drawn; some are left out at random so defaults get exercised too.
    """
    goal = draw(goals)
    giver = draw(givers)
    body = draw(st.one_of(st.none(), bodies()))
    raw: dict[str, Any] = {
        "minutes": draw(minutes_for(goal)),
        "goal": goal,
        "giver": giver,
        "pressure": draw(pressures),
        "position": draw(positions_for(giver)),
        "style": draw(styles),
        "breaths_per_minute": draw(st.one_of(st.integers(6, 30), st.floats(6, 30, allow_nan=False))),
        "conditions": draw(condition_lists),
        "cleared_by_clinician": draw(st.booleans()),
        "spots": draw(st.lists(spots_on(body), max_size=max_spots)),
        "focus": draw(st.lists(st.sampled_from(FOCUS_NAMES), max_size=3, unique=True)),
    }
    if body is not None:
        raw["body"] = body
    # The body stays when drawn: the spots were placed on its map.
    optional = [k for k in raw if k not in ("goal", "giver", "minutes", "position", "body")]
    for key in draw(st.lists(st.sampled_from(optional), max_size=3, unique=True)):
        del raw[key]
    return raw

