"""The intake contract of DESIGN.md: read permissively, validated into a frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from backrub.errors import Problems, describe, suggest
from backrub.knowledge.body import Body
from backrub.knowledge.screening_table import CONDITIONS, DEFAULT_SPOT_RADIUS_CM, SPOT_KINDS
from backrub.knowledge.techniques import PRESSURES
from backrub.knowledge.zones import GROUPS, ZONE_IDS, layout_for

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

    from backrub.knowledge.devices import DeviceProfile

GOALS = ("relax", "ease_tension", "energize", "comfort_care")
GIVERS = ("partner", "caregiver", "self", "robot")
POSITIONS = ("prone", "side_lying", "seated")
STYLES = ("upward", "breath_wave")
FULL_MINUTES = (15.0, 60.0)  # seed 002
COMFORT_MINUTES = (3.0, 10.0)  # a bed-rest comfort rub (domain)
BREATHS_RANGE = (4.0, 40.0)
# Size limits: a real back carries a few dozen marks at most, and planning stays well under a second
# at these sizes (benchmarks/bench_limits.py); longer lists are refused before they are read.
MAX_SPOTS = 24
MAX_NAMES = 32  # conditions, focus areas
FIELDS = (
    "minutes",
    "goal",
    "giver",
    "pressure",
    "position",
    "style",
    "breaths_per_minute",
    "conditions",
    "cleared_by_clinician",
    "spots",
    "focus",
    "body",
    "device",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Spot:
    """A place on the back: given by zone, or by a point and radius."""

    kind: str
    zone: str | None = None
    at: tuple[float, float] | None = None
    radius_cm: float = DEFAULT_SPOT_RADIUS_CM

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.zone is not None:
            out["zone"] = self.zone
        if self.at is not None:
            out["at"] = {"x_cm": self.at[0], "y_cm": self.at[1]}
            out["radius_cm"] = self.radius_cm
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Intake:
    """One person's request for one massage, validated."""

    minutes: float = 30.0
    goal: str = "relax"
    giver: str = "partner"
    pressure: str = "medium"
    position: str = "prone"
    style: str = "upward"
    breaths_per_minute: float = 12.0
    conditions: tuple[str, ...] = ()
    # True clears every condition of this intake; a tuple names the conditions a clinician cleared.
    cleared_by_clinician: bool | tuple[str, ...] = False
    spots: tuple[Spot, ...] = ()
    focus: tuple[str, ...] = ()
    body: Body = field(default_factory=Body)
    device: DeviceProfile | None = None  # the handheld massager used, if any

    @classmethod
    def from_dict(cls, raw: Any) -> Intake:
        return parse_intake(raw)

    def to_dict(self) -> dict[str, Any]:
        out = self._fields_dict()
        if self.device is not None:
            out["device"] = self.device.intake_value()
        return out

    def _fields_dict(self) -> dict[str, Any]:
        return {
            "minutes": self.minutes,
            "goal": self.goal,
            "giver": self.giver,
            "pressure": self.pressure,
            "position": self.position,
            "style": self.style,
            "breaths_per_minute": self.breaths_per_minute,
            "conditions": list(self.conditions),
            "cleared_by_clinician": (
                self.cleared_by_clinician
                if isinstance(self.cleared_by_clinician, bool)
                else list(self.cleared_by_clinician)
            ),
            "spots": [s.to_dict() for s in self.spots],
            "focus": list(self.focus),
            "body": self.body.to_dict(),
        }

    def cleared_for(self, condition: str) -> bool:
        """Whether a clinician's clearance covers this condition (never one it does not name)."""
        if isinstance(self.cleared_by_clinician, bool):
            return self.cleared_by_clinician
        return condition in self.cleared_by_clinician

    def with_changes(self, **changes: Any) -> Intake:
        """A copy with some fields changed (intakes never change in place)."""
        return replace(self, **changes)


def parse_intake(raw: Any) -> Intake:
    """Validate a raw intake object; raise InputError naming every bad field."""
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add("", f"expected a JSON object with the intake fields (got {describe(raw)})")
        problems.raise_if_any()
    problems.unknown_keys(raw, FIELDS)

    goal = _choice(raw, "goal", GOALS, "relax", problems)
    giver = _choice(raw, "giver", GIVERS, "partner", problems)
    default_position = "seated" if giver == "self" else "prone"
    position = _choice(raw, "position", POSITIONS, default_position, problems)
    if giver == "self" and position == "prone":
        problems.add(
            "position",
            "someone massaging their own back sits or lies on their side (expected seated or side_lying)",
        )
    if giver == "robot" and position != "prone":
        problems.add("position", "a robot arm works only on a receiver lying prone (expected prone)")
    low, high = COMFORT_MINUTES if goal == "comfort_care" else FULL_MINUTES
    default_minutes = 8.0 if goal == "comfort_care" else 30.0
    minutes = _number(
        raw,
        "minutes",
        default_minutes,
        (low, high),
        problems,
        unit="minutes",
        why="for a comfort rub" if goal == "comfort_care" else "for a full massage",
    )
    breaths = _number(
        raw,
        "breaths_per_minute",
        12.0,
        BREATHS_RANGE,
        problems,
        unit="breaths a minute",
        why="(12-20 is usual at rest)",
    )
    body = Body.from_dict(raw.get("body"), problems)
    intake = Intake(
        minutes=minutes,
        goal=goal,
        giver=giver,
        pressure=_choice(raw, "pressure", PRESSURES, "medium", problems),
        position=position,
        style=_choice(raw, "style", STYLES, "upward", problems),
        breaths_per_minute=breaths,
        conditions=_conditions(raw.get("conditions", []), problems),
        cleared_by_clinician=_clearance(raw.get("cleared_by_clinician", False), problems),
        spots=_spots(raw.get("spots", []), body, problems),
        focus=_focus(raw.get("focus", []), problems),
        body=body,
        device=_device(raw, giver, problems),
    )
    problems.raise_if_any()
    return intake


def _device(raw: dict[str, Any], giver: str, problems: Problems) -> DeviceProfile | None:
    """The handheld massager (a built-in id or a profile object); a robot arm holds none."""
    value = raw.get("device")
    if value is None:
        return None
    if giver == "robot":
        problems.add("device", "a robot arm does not hold a handheld massager; leave device out")
        return None
    # The device table is read only when a massager is named: a plain plan has no use for it.
    from backrub.knowledge.devices import device_from_value

    return device_from_value(value, problems, "device")


def _choice(raw: dict[str, Any], key: str, options: tuple[str, ...], default: str, problems: Problems) -> str:
    value = raw.get(key, default)
    if value in options:
        return str(value)
    if isinstance(value, str):
        problems.add(key, f"unknown {key} {value!r}; {suggest(value, options)}")
    else:
        problems.add(key, f"expected one of {', '.join(options)} (got {describe(value)})")
    return default


def _number(
    raw: dict[str, Any],
    key: str,
    default: float,
    limits: tuple[float, float],
    problems: Problems,
    *,
    unit: str,
    why: str,
) -> float:
    value = raw.get(key, default)
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(key, f"expected a number of {unit} (got {describe(value)})")
        return default
    if not low <= value <= high:
        problems.add(key, f"expected {low:g} to {high:g} {unit} {why} (got {describe(value)})")
        return default
    return float(value)


def _clearance(value: Any, problems: Problems) -> bool | tuple[str, ...]:
    """True/false, or the condition names a clinician cleared (DESIGN.md Additions)."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, list):
        problems.add(
            "cleared_by_clinician",
            f"expected true or false, or a list of condition names (got {describe(value)})",
        )
        return False
    if len(value) > len(CONDITIONS):
        problems.add("cleared_by_clinician", f"expected at most {len(CONDITIONS)} condition names")
        return False
    found: list[str] = []
    for i, item in enumerate(value):
        where = f"cleared_by_clinician[{i}]"
        if isinstance(item, str) and item in CONDITIONS:
            if item not in found:
                found.append(item)
        elif isinstance(item, str):
            problems.add(where, f"unknown condition {item!r}; {suggest(item, CONDITIONS)}")
        else:
            problems.add(where, f"expected a condition name (got {describe(item)})")
    return tuple(found)


def _list(value: Any, key: str, problems: Problems, most: int = MAX_NAMES) -> list[Any]:
    if isinstance(value, list) and len(value) <= most:
        return value
    if isinstance(value, list):
        problems.add(key, f"expected at most {most} items (got {len(value)})")
    else:
        problems.add(key, f"expected a list (got {describe(value)})")
    return []


def _conditions(value: Any, problems: Problems) -> tuple[str, ...]:
    found: list[str] = []
    for i, item in enumerate(_list(value, "conditions", problems)):
        if isinstance(item, str) and item in CONDITIONS:
            if item not in found:
                found.append(item)
        elif isinstance(item, str):
            problems.add(f"conditions[{i}]", f"unknown condition {item!r}; {suggest(item, CONDITIONS)}")
        else:
            problems.add(f"conditions[{i}]", f"expected a condition name (got {describe(item)})")
    return tuple(found)


def _focus(value: Any, problems: Problems) -> tuple[str, ...]:
    names = (*GROUPS, *ZONE_IDS)
    found: list[str] = []
    for i, item in enumerate(_list(value, "focus", problems)):
        if (
            isinstance(item, str)
            and item in names
            and item not in ("spine",)
            and not item.startswith("axilla")
        ):
            if item not in found:
                found.append(item)
        elif isinstance(item, str) and (item == "spine" or item.startswith("axilla")):
            problems.add(f"focus[{i}]", f"{item!r} is never worked on; choose an area beside it")
        elif isinstance(item, str):
            problems.add(f"focus[{i}]", f"unknown area {item!r}; {suggest(item, names)}")
        else:
            problems.add(f"focus[{i}]", f"expected an area name such as shoulders (got {describe(item)})")
    return tuple(found)


def _spots(value: Any, body: Body, problems: Problems) -> tuple[Spot, ...]:
    spots: list[Spot] = []
    for i, item in enumerate(_list(value, "spots", problems, MAX_SPOTS)):
        where = f"spots[{i}]"
        if not isinstance(item, dict):
            problems.add(where, f"expected an object with kind and zone or at (got {describe(item)})")
            continue
        spot = _spot(item, where, body, problems)
        if spot is not None:
            spots.append(spot)
    return tuple(spots)


def _spot(item: dict[str, Any], where: str, body: Body, problems: Problems) -> Spot | None:
    before = problems.count
    problems.unknown_keys(item, ("kind", "zone", "at", "radius_cm"), where)
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in SPOT_KINDS:
        shown = f"unknown kind {kind!r}; " if isinstance(kind, str) else ""
        problems.add(
            f"{where}.kind",
            f"{shown}expected one of {', '.join(SPOT_KINDS)}"
            + ("" if isinstance(kind, str) else f" (got {describe(kind)})"),
        )
    zone, at = item.get("zone"), item.get("at")
    if zone is None and at is None:
        problems.add(where, "expected a zone (such as lumbar_left) or at: {x_cm, y_cm}")
    if zone is not None and at is not None:
        problems.add(where, "give zone or at, not both")
    if zone is not None and (not isinstance(zone, str) or zone not in ZONE_IDS):
        shown = repr(zone) if isinstance(zone, str) else describe(zone)
        problems.add(f"{where}.zone", f"unknown zone {shown}; {suggest(str(zone), ZONE_IDS)}")
    point = _point(at, f"{where}.at", body, problems) if at is not None else None
    radius = item.get("radius_cm", DEFAULT_SPOT_RADIUS_CM)
    if "radius_cm" in item and at is None:
        problems.add(f"{where}.radius_cm", "a radius goes with at; a zone spot covers its zone")
    elif isinstance(radius, bool) or not isinstance(radius, int | float):
        problems.add(f"{where}.radius_cm", f"expected a number of centimetres (got {describe(radius)})")
    elif not 0.5 <= radius <= 20:
        problems.add(f"{where}.radius_cm", f"expected 0.5 to 20 cm (got {describe(radius)})")
    if problems.count > before:
        return None
    return Spot(kind=str(kind), zone=zone, at=point, radius_cm=float(radius))


def _point(at: Any, where: str, body: Body, problems: Problems) -> tuple[float, float] | None:
    if not isinstance(at, dict):
        problems.add(where, f"expected an object {{x_cm, y_cm}} (got {describe(at)})")
        return None
    bad = False
    for key in at:
        if key not in ("x_cm", "y_cm"):
            problems.add(f"{where}.{key}", "unknown field; expected x_cm and y_cm")
            bad = True
    coords = []
    for key in ("x_cm", "y_cm"):
        v = at.get(key)
        if isinstance(v, bool) or not isinstance(v, int | float):
            problems.add(f"{where}.{key}", f"expected a number of centimetres (got {describe(v)})")
            bad = True
        else:
            coords.append(float(v))
    if bad:
        return None
    x, y = coords
    lay = layout_for(body)
    reach = lay.hs + 8.0
    if not (-reach <= x <= reach and -2.0 <= y <= lay.L + 8.0):
        problems.add(
            where,
            f"({x:g}, {y:g}) is off the back map; x within ±{reach:g} cm of the "
            f"spine, y from 0 (waist) to {lay.L + 8:g} cm",
        )
        return None
    return (x, y)
