"""Routine and Step values, and a reader that names every bad field of hand-edited JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import pairwise

from backrub.errors import InputError, Problems, between_zero_and, describe, suggest, whole
from backrub.geometry import hundredths
from backrub.intake.model import Intake, parse_intake
from backrub.intake.screening import Screening
from backrub.knowledge.rules import RULES
from backrub.knowledge.techniques import PRESSURES, TECHNIQUES
from backrub.knowledge.zones import ZONE_IDS

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

    from backrub.routine.device import DeviceSettings

FORMAT = "backrub.routine/1"
PHASES = ("prepare", "open", "warm_up", "work", "focus", "close")
SIDES = ("both", "left", "right", "center")
DIRECTIONS = ("up", "down", "up_down", "outward", "clockwise", "in_place")
STEP_FIELDS = (
    "phase",
    "technique",
    "zones",
    "side",
    "direction",
    "pressure",
    "reps",
    "seconds",
    "path",
    "cue",
    "rules",
    "lead_in",
    "device",
    "round",
)

ROUTINE_FIELDS = ("format", "minutes", "screening", "intake", "steps", "preparation", "notes", "advice")

Point = tuple[float, float]
# Size limits (the planner writes about 50 steps at most, paths of up to about 200 points): longer
# lists are refused before they are read, so no routine costs the verifier or a page more than a moment.
MAX_STEPS, MAX_POINTS, MAX_TEXT = 200, 300, 2000  # a planned hour side-lying on a small back: ~115 steps
MAX_COORD_CM, MAX_PATH_CM = 200, 1500  # the largest back chart spans under 100 cm
MAX_MINUTES, MAX_REPS = 24 * 60, 1000  # a routine's stated length; one step's passes (planned: under 20)
MAX_SECONDS = 7200  # one step, or a massager's stay on one area: under two hours


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One technique on one area: `path` is one repetition, done `reps` times in `seconds`.

    Side `both`: the path is the receiver's-right hand and the left hand mirrors it.
    `lead_in` (optional) is the way the hands slide here from the previous step.
    """

    phase: str
    technique: str
    zones: tuple[str, ...]
    side: str
    direction: str
    pressure: str
    reps: int
    seconds: float
    path: tuple[Point, ...]
    cue: str
    rules: tuple[str, ...]
    lead_in: tuple[Point, ...] = ()
    device: DeviceSettings | None = None  # set when the handheld massager does this step
    round: int | None = None  # 1, 2, ... for the work rounds round the back (seed 003)

    @property
    def rep_seconds(self) -> float:
        return self.seconds / self.reps if self.reps else 0.0

    def hand_paths(self) -> tuple[tuple[Point, ...], ...]:
        """The path of each hand on the skin (two for side `both`)."""
        if self.side == "both":
            return (self.path, tuple((-x, y) for x, y in self.path))
        return (self.path,)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "phase": self.phase,
            "technique": self.technique,
            "zones": list(self.zones),
            "side": self.side,
            "direction": self.direction,
            "pressure": self.pressure,
            "reps": self.reps,
            "seconds": round(self.seconds, 1),
            "path": [[hundredths(x), hundredths(y)] for x, y in self.path],
            "cue": self.cue,
            "rules": list(self.rules),
        }
        if self.lead_in:
            out["lead_in"] = [[hundredths(x), hundredths(y)] for x, y in self.lead_in]
        if self.device is not None:
            out["device"] = self.device.to_dict()
        if self.round is not None:
            out["round"] = self.round
        return out

    def with_changes(self, **changes: Any) -> Step:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class Preparation:
    """One thing to make ready before the first stroke, why, and the seed it comes from."""

    item: str
    why: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"item": self.item, "why": self.why, "source": self.source}


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """What the plan left out or changed, and why."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True, kw_only=True)
class Routine:
    """A planned massage: the screening it rests on, the intake it was made for, its steps."""

    steps: tuple[Step, ...]
    screening: Screening | None = None
    intake: Intake | None = None
    minutes: float | None = None  # as written; None means the sum of the steps
    preparation: tuple[Preparation, ...] = ()
    notes: tuple[Note, ...] = ()
    advice: tuple[str, ...] = ()

    @property
    def total_minutes(self) -> float:
        return sum(s.seconds for s in self.steps) / 60.0

    def header_dict(self) -> dict[str, Any]:
        """Everything but the steps (performers that cache step JSON add the steps themselves)."""
        out: dict[str, Any] = {
            "format": FORMAT,
            "minutes": round(self.total_minutes, 2),
            "screening": self.screening.to_dict() if self.screening else None,
        }
        if self.intake is not None:
            out["intake"] = self.intake.to_dict()
        if self.preparation:
            out["preparation"] = [p.to_dict() for p in self.preparation]
        if self.notes:
            out["notes"] = [n.to_dict() for n in self.notes]
        if self.advice:
            out["advice"] = list(self.advice)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {**self.header_dict(), "steps": [s.to_dict() for s in self.steps]}

    @classmethod
    def from_dict(cls, raw: Any) -> Routine:
        return parse_routine(raw)


def parse_routine(raw: Any) -> Routine:
    """Read routine JSON; raise InputError naming every field that is not of the format."""
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add("", f"expected a routine object with format, minutes, steps (got {describe(raw)})")
        problems.raise_if_any()
    problems.unknown_keys(raw, ROUTINE_FIELDS)
    if raw.get("format", FORMAT) != FORMAT:
        problems.add("format", f"expected {FORMAT!r} (got {describe(raw.get('format'))})")
    minutes = raw.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int | float)
                                or not 0 <= minutes <= MAX_MINUTES):
        problems.add("minutes", f"expected 0 to {MAX_MINUTES} minutes (got {describe(minutes)})")
        minutes = None
    intake = None
    if raw.get("intake") is not None:
        try:
            intake = parse_intake(raw["intake"])
        except InputError as err:
            problems.add_under("intake", err)
    screening = _screening(raw.get("screening"), problems)
    steps_raw = raw.get("steps")
    steps: list[Step] = []
    if not isinstance(steps_raw, list):
        problems.add("steps", f"expected a list of steps (got {describe(steps_raw)})")
    elif len(steps_raw) > MAX_STEPS:
        problems.add("steps", f"expected at most {MAX_STEPS} steps (got {len(steps_raw)})")
    else:
        for i, item in enumerate(steps_raw):
            step = _step(item, f"steps[{i}]", problems)
            if step is not None:
                steps.append(step)
    preparation = tuple(
        Preparation(item=d["item"], why=d["why"], source=d["source"])
        for d in _records(raw.get("preparation", []), "preparation", ("item", "why", "source"), problems)
    )
    notes = tuple(
        Note(code=d["code"], message=d["message"])
        for d in _records(raw.get("notes", []), "notes", ("code", "message"), problems)
    )
    advice = _texts(raw.get("advice", []), "advice", problems)
    problems.raise_if_any()
    return Routine(
        steps=tuple(steps),
        screening=screening,
        intake=intake,
        minutes=float(minutes) if minutes is not None else None,
        preparation=preparation,
        notes=notes,
        advice=advice,
    )


MAX_TEXT_ITEMS = 100  # preparation, notes and advice are short lists said aloud


def _records(value: Any, where: str, keys: tuple[str, ...], problems: Problems) -> list[dict[str, str]]:
    """A list of small objects whose fields are all text (preparation, notes); optional."""
    if not isinstance(value, list) or len(value) > MAX_TEXT_ITEMS:
        problems.add(where, f"expected a list of at most {MAX_TEXT_ITEMS} objects (got {describe(value)})")
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            problems.add(f"{where}[{i}]", f"expected an object with {', '.join(keys)} (got {describe(item)})")
            continue
        problems.unknown_keys(item, keys, f"{where}[{i}]")
        ok = True
        for key in keys:
            text = item.get(key)
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                problems.add(
                    f"{where}[{i}].{key}",
                    f"expected text of at most {MAX_TEXT} characters (got {describe(text)})",
                )
                ok = False
        if ok:
            out.append({k: str(item[k]) for k in keys})
    return out


def _texts(value: Any, where: str, problems: Problems) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_TEXT_ITEMS:
        problems.add(where, f"expected a list of at most {MAX_TEXT_ITEMS} texts (got {describe(value)})")
        return ()
    out = []
    for i, text in enumerate(value):
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            problems.add(
                f"{where}[{i}]",
                f"expected text of at most {MAX_TEXT} characters (got {describe(text)})",
            )
        else:
            out.append(text)
    return tuple(out)


DECISIONS = ("proceed", "adapt", "check_first", "refer")
SCREENING_SHAPE = {"": ("decision", "reasons", "changes"), "reasons": ("code", "message", "source"),
                   "changes": ("code", "value", "message", "because")}


def _screening(raw: Any, problems: Problems) -> Screening | None:
    """The screening a routine carries, read as strictly as any input (a client may write it)."""
    if raw is None:
        return None
    bad = "expected {decision, reasons, changes} as backrub screen writes it"
    if not isinstance(raw, dict) or set(raw) - set(SCREENING_SHAPE[""]) \
            or raw.get("decision") not in DECISIONS:
        problems.add("screening", bad)
        return None
    for key in ("reasons", "changes"):
        items = raw.get(key, [])
        fields = SCREENING_SHAPE[key]
        if not isinstance(items, list) or len(items) > MAX_TEXT_ITEMS or not all(
            isinstance(item, dict) and set(item) == set(fields) - ({"because"} - set(item))
            and all(isinstance(item[f], str) and len(item[f]) <= MAX_TEXT for f in fields if f != "because")
            and _short_texts(item.get("because", []))
            for item in items
        ):
            problems.add(f"screening.{key}", f"expected a list of at most {MAX_TEXT_ITEMS} objects with "
                                             f"{', '.join(fields)} as backrub screen writes them")
            return None
    return Screening.from_dict(raw)


def _short_texts(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= MAX_TEXT_ITEMS and all(
        isinstance(t, str) and len(t) <= MAX_TEXT for t in value)


def _step(item: Any, where: str, problems: Problems) -> Step | None:
    if not isinstance(item, dict):
        problems.add(where, f"expected a step object (got {describe(item)})")
        return None
    before = problems.count
    problems.unknown_keys(item, STEP_FIELDS, where)
    phase = _choice(item, "phase", PHASES, where, problems)
    technique = _choice(item, "technique", tuple(TECHNIQUES), where, problems)
    side = _choice(item, "side", SIDES, where, problems)
    direction = _choice(item, "direction", DIRECTIONS, where, problems)
    pressure = _choice(item, "pressure", PRESSURES, where, problems)
    zones = _names(item.get("zones", []), f"{where}.zones", ZONE_IDS, "zone", problems)
    rules = _names(item.get("rules", []), f"{where}.rules", tuple(RULES), "rule", problems)
    reps = whole(item.get("reps"))
    if isinstance(reps, bool) or not isinstance(reps, int) or not 1 <= reps <= MAX_REPS:
        problems.add(f"{where}.reps", f"expected a whole number from 1 to {MAX_REPS} (got {describe(reps)})")
    seconds = item.get("seconds")
    if not between_zero_and(seconds, MAX_SECONDS):
        problems.add(f"{where}.seconds", f"expected a number of seconds above 0 (got {describe(seconds)})")
    path = _path(item.get("path"), f"{where}.path", problems, required=True)
    lead_in = _path(item.get("lead_in", []), f"{where}.lead_in", problems, required=False)
    device = None
    if "device" in item:  # loaded only when a step names a massager: most routines have none
        from backrub.routine.device import settings_from_dict

        device = settings_from_dict(item["device"], f"{where}.device", problems)
    rnd = whole(item.get("round"))
    if rnd is not None and (isinstance(rnd, bool) or not isinstance(rnd, int) or not 1 <= rnd <= 99):
        problems.add(f"{where}.round", f"expected a round number from 1 to 99 (got {describe(rnd)})")
    cue = item.get("cue", "")
    if not isinstance(cue, str) or len(cue) > MAX_TEXT:
        problems.add(f"{where}.cue", f"expected text of at most {MAX_TEXT} characters (got {describe(cue)})")
    if problems.count > before:
        return None
    assert isinstance(reps, int) and isinstance(seconds, int | float)  # checked above
    return Step(
        phase=phase,
        technique=technique,
        zones=zones,
        side=side,
        direction=direction,
        pressure=pressure,
        reps=reps,
        seconds=float(seconds),
        path=path,
        cue=str(cue),
        rules=rules,
        lead_in=lead_in,
        device=device,
        round=rnd,
    )


def _choice(item: dict[str, Any], key: str, options: tuple[str, ...], where: str, problems: Problems) -> str:
    value = item.get(key)
    if value in options:
        return str(value)
    if value is None:
        problems.add(f"{where}.{key}", f"missing; expected one of {', '.join(options)}")
    elif isinstance(value, str):
        problems.add(f"{where}.{key}", f"unknown {key} {value!r}; {suggest(value, options)}")
    else:
        problems.add(f"{where}.{key}", f"expected one of {', '.join(options)} (got {describe(value)})")
    return options[0]


def _names(
    value: Any, where: str, options: tuple[str, ...], what: str, problems: Problems
) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > len(options):
        problems.add(where, f"expected a list of at most {len(options)} {what} names (got {describe(value)})")
        return ()
    out = []
    for i, name in enumerate(value):
        if isinstance(name, str) and name in options:
            out.append(name)
        else:
            shown = repr(name) if isinstance(name, str) else describe(name)
            problems.add(f"{where}[{i}]", f"unknown {what} {shown}; {suggest(str(name), options)}")
    return tuple(out)


def _path(value: Any, where: str, problems: Problems, *, required: bool) -> tuple[Point, ...]:
    if not isinstance(value, list) or (required and not value) or len(value) > MAX_POINTS:
        size = f"{len(value)} points" if isinstance(value, list) and value else describe(value)
        problems.add(where, f"expected a list of 1 to {MAX_POINTS} [x_cm, y_cm] points (got {size})")
        return ()
    points: list[Point] = []
    for i, pt in enumerate(value):
        ok = (
            isinstance(pt, list | tuple)
            and len(pt) == 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c)
                    and abs(c) <= MAX_COORD_CM for c in pt)
        )
        if not ok:
            problems.add(f"{where}[{i}]", f"expected [x_cm, y_cm], two numbers within ±{MAX_COORD_CM} cm "
                                          f"of the waistline's middle (got {describe(pt)})")
            continue
        points.append((float(pt[0]), float(pt[1])))
    # The checks sample every few millimetres along a path: its length bounds their cost.
    if sum(math.dist(a, b) for a, b in pairwise(points)) > MAX_PATH_CM:
        problems.add(where, f"expected a path at most {MAX_PATH_CM} cm long (planned ones are under 300 cm)")
        return ()
    return tuple(points)
