"""Models for the OpenAPI description at /docs.

Requests are read by the core readers (`parse_intake`, `parse_routine`), which name every
bad field; these models describe the same contract for clients and tools. Only `Outcome`
validates requests itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel
from typing_extensions import TypedDict

from backrub.errors import whole
from backrub.intake.model import (
    BREATHS_RANGE,
    COMFORT_MINUTES,
    FULL_MINUTES,
    GIVERS,
    GOALS,
    MAX_NAMES,
    MAX_SPOTS,
    POSITIONS,
    STYLES,
)
from backrub.knowledge.body import LIMITS
from backrub.knowledge.devices import ATTACHMENTS, BUILTIN
from backrub.knowledge.rules import RULES
from backrub.knowledge.screening_table import CONDITIONS, SPOT_KINDS
from backrub.knowledge.techniques import PRESSURES, TECHNIQUES
from backrub.knowledge.zones import GROUPS, ZONE_IDS
from backrub.routine.model import (
    DECISIONS,
    DIRECTIONS,
    MAX_COORD_CM,
    MAX_MINUTES,
    MAX_PATH_CM,
    MAX_POINTS,
    MAX_REPS,
    MAX_STEPS,
    MAX_TEXT,
    MAX_TEXT_ITEMS,
    PHASES,
    SIDES,
)

# The choices are the core's own tuples; the checker sees plain strings (it cannot read a Literal
# built at run time).
if TYPE_CHECKING:
    Goal: TypeAlias = str
    Giver: TypeAlias = str
    Position: TypeAlias = str
    Style: TypeAlias = str
    Pressure: TypeAlias = str
    Condition: TypeAlias = str
    SpotKind: TypeAlias = str
    Zone: TypeAlias = str
    Area: TypeAlias = str
    BuiltinDevice: TypeAlias = str
else:
    Goal = Literal[GOALS]
    Giver = Literal[GIVERS]
    Position = Literal[POSITIONS]
    Style = Literal[STYLES]
    Pressure = Literal[PRESSURES]
    Condition = Literal[tuple(CONDITIONS)]
    SpotKind = Literal[SPOT_KINDS]
    Zone = Literal[ZONE_IDS]
    Area = Literal[tuple(a for a in (*GROUPS, *ZONE_IDS) if a != "spine" and not a.startswith("axilla"))]
    BuiltinDevice = Literal[tuple(BUILTIN)]
Rating = Annotated[int, Field(ge=0, le=10), BeforeValidator(whole)]  # Field first: minimum/maximum


NO_NUL = r"^[^\x00]*$"  # the edge reader (backrub.jsonin) refuses NUL in any text


def Text(max_length: int, min_length: int = 0) -> Any:
    """Free text as the readers take it: a length limit, and no NUL character."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)]


def _non_null(schema: dict[str, Any], *names: str) -> None:
    """An optional field that may be left out but is never null: drop the `null` branch pydantic adds
    for `X | None = None` (the reader refuses an explicit null there)."""
    for name in names:
        prop = schema["properties"][name]
        branches = [b for b in prop.pop("anyOf", []) if b.get("type") != "null"]
        if branches:
            prop.update(branches[0] if len(branches) == 1 else {"anyOf": branches})
        prop.pop("default", None)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Point(Strict):
    x_cm: float
    y_cm: float


def _spot_schema(schema: dict[str, Any]) -> None:
    _non_null(schema, "radius_cm")
    # By zone (no point, no radius: a zone spot covers its zone), or by point with an optional radius.
    # A null zone or point is the same as leaving it out.
    point = {"required": ["at"], "properties": {"at": {"type": "object"}}}
    zone = {"required": ["zone"], "properties": {"zone": {"type": "string"}}}
    schema["oneOf"] = [
        {**zone, "not": {"anyOf": [point, {"required": ["radius_cm"]}]}},
        {**point, "not": zone},
    ]


class Spot(Strict):
    """A marked place: by zone, or by point and radius (not both)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_spot_schema)
    kind: SpotKind
    zone: Zone | None = None
    at: Annotated[Point | None, Field(description="on the back map: x within half the shoulder width plus "
                                                   "8 cm of the spine, y from 0 (waist) to the back length "
                                                   "plus 8 cm")] = None
    radius_cm: Annotated[float, Field(ge=0.5, le=20)] | None = None


def _cm(name: str) -> Any:
    low, high = LIMITS[name]
    return Field(ge=low, le=high)


class BodyIn(Strict):
    """The receiver's back, in centimetres; the waist at most 1.3 times the shoulder width."""

    back_length_cm: Annotated[float, _cm("back_length_cm")] = 50
    shoulder_width_cm: Annotated[float, _cm("shoulder_width_cm")] = 42
    waist_width_cm: Annotated[float, _cm("waist_width_cm")] = 32


def _device_schema(schema: dict[str, Any]) -> None:
    _non_null(schema, "title")
    schema["properties"]["id"]["not"] = {"enum": list(BUILTIN)}  # a profile of your own has its own name


class DeviceIn(Strict):
    """A handheld massager's profile (`backrub device show ID --json` prints the built-in ones).

    Speed settings go from slowest to fastest; a JSON schema cannot say so, the reader does."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_device_schema)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,47}$",
                             description="your own name for it (not a built-in id)")]
    title: Text(80, 1) | None = None  # type: ignore[valid-type]
    kind: Literal["percussion", "vibration"]
    speeds_per_minute: Annotated[list[Annotated[float, Field(ge=300, le=6000)]],
                                 Field(min_length=1, max_length=30)]
    amplitude_mm: Annotated[float, Field(ge=1, le=25)] | None = None
    heat: bool = False
    attachments: Annotated[list[Literal["round", "flat", "cushion", "bullet", "fork", "wedge"]],
                           Field(min_length=1, max_length=12)]
    programs: Annotated[list[Text(40, 1)], Field(max_length=20)] = []  # type: ignore[valid-type]


class DeviceSettings(BaseModel):
    """What the massager is set to for a step, and the seconds it spends on each area."""

    speed: int
    per_minute: float
    attachment: str
    heat: bool
    seconds_per_area: float


def _intake_schema(schema: dict[str, Any], nullable: bool = False) -> None:
    """The rules between fields, as the reader applies them (`parse_intake`); `nullable` where null
    stands for the default (a recipient's preferences)."""
    null: list[None] = [None] if nullable else []

    def given(field: str, value: str) -> dict[str, Any]:
        return {"properties": {field: {"const": value}}, "required": [field]}

    schema["allOf"] = [
        {"if": given("goal", "comfort_care"),
         "then": {"properties": {"minutes": {"minimum": COMFORT_MINUTES[0], "maximum": COMFORT_MINUTES[1]}}},
         "else": {"properties": {"minutes": {"minimum": FULL_MINUTES[0], "maximum": FULL_MINUTES[1]}}}},
        # Someone working on their own back sits or lies on their side (seated when left out).
        {"if": given("giver", "self"),
         "then": {"properties": {"position": {"enum": ["seated", "side_lying", *null]}}}},
        # A robot arm works on a receiver lying prone, and holds no handheld massager.
        {"if": given("giver", "robot"),
         "then": {"properties": {"position": {"enum": ["prone", *null]}, "device": {"type": "null"}}}},
    ]


class Intake(Strict):
    """Who receives, what they want, where it hurts. Every field optional.

    Minutes: 15-60 for a full massage, 3-10 for `comfort_care`. Someone working on their own
    back sits or lies on their side; a robot works on a receiver lying prone.
    """

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_intake_schema)

    minutes: Annotated[float, Field(ge=3, le=60)] = 30
    goal: Goal = "relax"
    giver: Giver = "partner"
    pressure: Pressure = "medium"
    position: Position = "prone"
    style: Style = "upward"
    breaths_per_minute: Annotated[float, Field(ge=BREATHS_RANGE[0], le=BREATHS_RANGE[1])] = 12
    conditions: Annotated[list[Condition], Field(max_length=MAX_NAMES)] = []
    cleared_by_clinician: bool | Annotated[list[Condition], Field(max_length=len(CONDITIONS))] = Field(
        default=False, description="true, or the conditions a clinician cleared (no others)")
    spots: Annotated[list[Spot], Field(max_length=MAX_SPOTS)] = []
    focus: Annotated[list[Area], Field(max_length=MAX_NAMES)] = []
    body: Annotated[BodyIn | None, Field(description="null or left out: 50, 42 and 32 cm")] = None
    device: Annotated[BuiltinDevice | DeviceIn | None, Field(description="a built-in device id "
                                                   "(percussion-small, percussion-full, vibration-heat) "
                                                   "or your own device's profile")] = None


class Reason(BaseModel):
    code: str
    message: str
    source: str


class ChangeOut(BaseModel):
    code: str
    value: str
    message: str
    because: list[str]


class Screening(BaseModel):
    decision: Literal["proceed", "adapt", "check_first", "refer"]
    reasons: list[Reason]
    changes: list[ChangeOut]


class Step(BaseModel):
    phase: Literal[PHASES]  # type: ignore[valid-type]
    technique: Literal[tuple(TECHNIQUES)]  # type: ignore[valid-type]
    zones: list[Zone]
    side: Literal[SIDES]  # type: ignore[valid-type]
    direction: Literal[DIRECTIONS]  # type: ignore[valid-type]
    pressure: Pressure
    reps: int
    seconds: float
    path: Annotated[list[tuple[float, float]], Field(min_length=1, max_length=MAX_POINTS)]
    cue: Annotated[str, Field(max_length=MAX_TEXT)]
    rules: list[str]
    lead_in: Annotated[list[tuple[float, float]], Field(max_length=MAX_POINTS)] | None = None
    device: DeviceSettings | None = None


class Routine(BaseModel):
    """backrub.routine/1"""

    format: Literal["backrub.routine/1"] = "backrub.routine/1"
    minutes: float
    screening: Screening | None = None
    intake: dict[str, Any] | None = None
    steps: Annotated[list[Step], Field(max_length=MAX_STEPS)]


# -- a routine as a client sends it to be checked: the routine reader's rules, field by field --------

Coord = Annotated[float, Field(ge=-MAX_COORD_CM, le=MAX_COORD_CM)]
PathIn = Annotated[list[Annotated[list[Coord], Field(min_length=2, max_length=2)]],
                   Field(max_length=MAX_POINTS, description=f"[x_cm, y_cm] points; at most {MAX_PATH_CM} cm "
                                                            "long in all")]
Seconds = Annotated[float, Field(gt=0, lt=7200)]


class DeviceSettingsIn(Strict):
    speed: Annotated[int, Field(ge=1, le=100)]
    per_minute: Annotated[float, Field(gt=0, lt=100_000)]
    attachment: Literal[tuple(ATTACHMENTS)]  # type: ignore[valid-type]
    heat: bool = False
    seconds_per_area: Seconds


class StepIn(Strict):
    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra=lambda s: _non_null(s, "device"))

    phase: Literal[PHASES]  # type: ignore[valid-type]
    technique: Literal[tuple(TECHNIQUES)]  # type: ignore[valid-type]
    side: Literal[SIDES]  # type: ignore[valid-type]
    direction: Literal[DIRECTIONS]  # type: ignore[valid-type]
    pressure: Pressure
    reps: Annotated[int, Field(ge=1, le=MAX_REPS)]
    seconds: Seconds
    path: Annotated[PathIn, Field(min_length=1)]
    zones: Annotated[list[Zone], Field(max_length=len(ZONE_IDS))] = []
    rules: Annotated[list[Literal[tuple(RULES)]], Field(max_length=len(RULES))] = []  # type: ignore[valid-type]
    lead_in: PathIn = []
    device: DeviceSettingsIn | None = None
    round: Annotated[int, Field(ge=1, le=99)] | None = None
    cue: Text(MAX_TEXT) = ""  # type: ignore[valid-type]


class ReasonIn(Strict):
    code: Text(MAX_TEXT)  # type: ignore[valid-type]
    message: Text(MAX_TEXT)  # type: ignore[valid-type]
    source: Text(MAX_TEXT)  # type: ignore[valid-type]


class ChangeIn(Strict):
    code: Text(MAX_TEXT)  # type: ignore[valid-type]
    value: Text(MAX_TEXT)  # type: ignore[valid-type]
    message: Text(MAX_TEXT)  # type: ignore[valid-type]
    because: Annotated[list[Text(MAX_TEXT)], Field(max_length=MAX_TEXT_ITEMS)] = []  # type: ignore[valid-type]


class ScreeningIn(Strict):
    decision: Literal[DECISIONS]  # type: ignore[valid-type]
    reasons: Annotated[list[ReasonIn], Field(max_length=MAX_TEXT_ITEMS)] = []
    changes: Annotated[list[ChangeIn], Field(max_length=MAX_TEXT_ITEMS)] = []


class PreparationIn(Strict):
    item: Text(MAX_TEXT)  # type: ignore[valid-type]
    why: Text(MAX_TEXT)  # type: ignore[valid-type]
    source: Text(MAX_TEXT)  # type: ignore[valid-type]


class NoteIn(Strict):
    code: Text(MAX_TEXT)  # type: ignore[valid-type]
    message: Text(MAX_TEXT)  # type: ignore[valid-type]


class RoutineIn(Strict):
    """A routine (backrub.routine/1) as `backrub plan` writes it."""

    format: Literal["backrub.routine/1"] = "backrub.routine/1"
    minutes: Annotated[float, Field(ge=0, le=MAX_MINUTES)] | None = None
    screening: ScreeningIn | None = None
    intake: Intake | None = None
    steps: Annotated[list[StepIn], Field(max_length=MAX_STEPS)]
    preparation: Annotated[list[PreparationIn], Field(max_length=MAX_TEXT_ITEMS)] = []
    notes: Annotated[list[NoteIn], Field(max_length=MAX_TEXT_ITEMS)] = []
    advice: Annotated[list[Text(MAX_TEXT)], Field(max_length=MAX_TEXT_ITEMS)] = []  # type: ignore[valid-type]


class CheckIn(Strict):
    routine: RoutineIn
    intake: Intake | None = Field(default=None, description="judge against this intake instead of the "
                                                            "routine's own")


class Finding(BaseModel):
    rule: str
    severity: Literal["error", "warning"]
    where: str
    message: str
    hint: str


class Report(BaseModel):
    ok: bool
    findings: list[Finding]


class NotPlannedOut(BaseModel):
    """No routine may be given: the screening and the reasons, in plain words."""

    planned: Literal[False] = False
    screening: Screening
    reasons: list[str]


class Outcome(Strict):
    """How the receiver felt (0-10) before and after, and notes. Fields left out stay as they were."""

    relaxation_before: Rating | None = None
    relaxation_after: Rating | None = None
    pain_before: Rating | None = None
    pain_after: Rating | None = None
    notes: Annotated[str, Field(max_length=5000)] | None = None


class SessionCreated(BaseModel):
    id: str
    routine: Routine


class Event(BaseModel):
    seq: int | None
    at: str
    elapsed_s: float
    type: str
    payload: dict[str, Any]


class SessionOut(BaseModel):
    id: str
    kind: str = Field(description="massage, or comfort (a comfort-care rub)")
    recipient_id: str | None = Field(description="whose session it is; null for one without a recipient")
    changes: list[dict[str, Any]] = Field(description="what the intake changed since the recipient's last "
                                                      "session and why: {field, what, why}")
    created_at: str
    ended_at: str | None
    intake: dict[str, Any]
    planned_routine: Routine
    routine: Routine
    position: int
    status: dict[str, Any] = Field(description="step, step_elapsed_s, elapsed_s, total_s, paused, finished, "
                                               "ended, at this moment; version: of the live state (give it "
                                               "to the live channel as ?version= to be caught up)")
    events: list[Event]
    outcome: dict[str, Any] | None


class ZoneOut(BaseModel):
    id: str
    outline: list[tuple[float, float]]


class NoTouchOut(BaseModel):
    rule: str
    label: str
    circle: dict[str, float] | None = None
    box: dict[str, float] | None = None


class BackMap(BaseModel):
    """Zone outlines (cm) for this body, and the places the hands keep off."""

    body: dict[str, float]
    extent: dict[str, float]
    zones: list[ZoneOut]
    silhouette: list[tuple[float, float]] = Field(
        description="the body's outline from behind (cm), clockwise from the right hip; draw it smoothed")
    head: dict[str, float] = Field(description="the head above the neck: cx, cy, rx, ry (cm)")
    no_touch: list[NoTouchOut]


class Problem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problems(BaseModel):
    detail: list[Problem]


# -- records: recipients, learning, comfort care ---------------------------------------------------


class IntakeChoices(TypedDict, total=False):
    """The intake fields a recipient's record and today's choices share; each one optional."""

    minutes: Annotated[float, Field(ge=3, le=60)]
    goal: Goal
    giver: Giver
    pressure: Pressure
    position: Position
    style: Style
    breaths_per_minute: Annotated[float, Field(ge=BREATHS_RANGE[0], le=BREATHS_RANGE[1])]
    focus: list[Area]


def _preferences_schema(schema: dict[str, Any]) -> None:
    _intake_schema(schema, nullable=True)
    for name, prop in schema["properties"].items():  # null un-sets a preference: the default applies
        if name != "body":
            schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}


class Preferences(IntakeChoices, total=False):
    """Intake fields kept as a recipient's preferences; each one optional; null un-sets one."""

    __pydantic_config__ = ConfigDict(extra="forbid", json_schema_extra=_preferences_schema)  # type: ignore[misc]

    body: BodyIn | None


class Today(IntakeChoices, total=False):
    """Today's choices for the next session (`{}` keeps the recipient's preferences)."""

    __pydantic_config__ = ConfigDict(extra="forbid", json_schema_extra=_intake_schema)  # type: ignore[misc]


class StandingSpot(Spot):
    """A spot kept between sessions, with a note and where it came from."""

    note: Annotated[str, Field(max_length=500)] = ""
    source: Annotated[str, Field(max_length=500)] = ""


class RecipientFields(TypedDict, total=False):
    """A recipient's fields; PATCH sends only those that change."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    name: Annotated[str, Field(min_length=1, max_length=120)]
    conditions: list[Condition]
    cleared_by_clinician: bool
    spots: list[StandingSpot]
    preferences: Preferences
    notes: Annotated[str, Field(max_length=5000)]


class RecipientIn(Strict):
    """A new recipient: a name or alias, and what stays true about them."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    conditions: Annotated[list[Condition], Field(max_length=MAX_NAMES)] = []
    cleared_by_clinician: bool = False
    spots: Annotated[list[StandingSpot], Field(max_length=MAX_SPOTS)] = []
    preferences: Preferences = {}
    notes: Annotated[str, Field(max_length=5000)] = ""


class RecipientPatch(RootModel[RecipientFields]):
    """Some of a recipient's fields; those left out stay as they were."""


class TodayIn(RootModel[Today]):
    """Today's choices for the next session: any of the intake fields below, or none."""


class Decision(Strict):
    """Confirm a proposal (the record changes) or dismiss it."""

    confirm: bool


class ScheduleIn(Strict):
    """Comfort care: a back rub every few hours from a start time."""

    every_hours: Annotated[float, Field(ge=1, le=24)] = 4
    starts_at: str | None = Field(default=None, description="ISO date and time; now when left out")
    rub_minutes: Annotated[float, Field(ge=3, le=10)] = 8
    active: bool = True


class Mark(Strict):
    """A reddened or broken place seen at a skin check: a point and radius (cm), or a zone."""

    kind: Literal["redness", "broken", "wound", "rash", "bruise"]
    zone: Zone | None = None
    at: Annotated[Point | None, Field(description="on the back map: x within half the shoulder width plus "
                                                   "8 cm of the spine, y from 0 (waist) to the back length "
                                                   "plus 8 cm")] = None
    radius_cm: Annotated[float, Field(ge=0.5, le=20)] | None = None


class SkinCheckIn(Strict):
    marks: Annotated[list[Mark], Field(max_length=MAX_SPOTS)] = []
    notes: Annotated[str, Field(max_length=5000)] = ""


class Detail(BaseModel):
    detail: str


class RecipientOut(BaseModel):
    id: str
    name: str
    conditions: list[str]
    cleared_by_clinician: bool
    spots: list[dict[str, Any]]
    preferences: dict[str, Any]
    reasons: dict[str, str] = Field(description="why each preference is what it is")
    notes: str
    created_at: str
    updated_at: str
    shared: bool = Field(description="seen through a share, not owned")


class ProposalOut(BaseModel):
    """Something a session taught, waiting for confirmation (or decided)."""

    id: int
    recipient_id: str
    session_id: str | None
    kind: Literal["spot", "pressure"]
    value: dict[str, Any]
    reason: str
    status: Literal["pending", "confirmed", "dismissed"]


class ScheduleOut(BaseModel):
    every_hours: float
    starts_at: str
    rub_minutes: float
    active: bool
    next_due: str | None


class SkinCheckOut(BaseModel):
    id: int
    recipient_id: str
    checked_at: str
    marks: list[dict[str, Any]] = Field(description="as no-touch spots (broken is stored as wound)")
    notes: str
    session_id: str | None


class RecipientShown(RecipientOut):
    shared_with: list[str] = Field(description="the owner's view: every name it is shared with, whether "
                                               "or not that account exists yet (empty for anyone else)")


class RecipientDetail(BaseModel):
    recipient: RecipientShown
    sessions: list[dict[str, Any]] = Field(description="a summary of each session, oldest first")
    proposals: list[ProposalOut] = Field(description="pending proposals")
    schedule: ScheduleOut | None
    skin_checks: list[SkinCheckOut] = Field(description="newest first, at most 20")


class IntakeChange(BaseModel):
    field: str
    what: str
    why: str


class NextIntakeOut(BaseModel):
    """What the next session would start from, and what changed since the last one and why."""

    intake: dict[str, Any]
    changes: list[IntakeChange]
    kind: Literal["massage", "comfort"]
    screening: Screening
    skin_check: SkinCheckOut | None = Field(description="the fresh skin check whose marks are no-touch")
    skin_check_needed: bool = Field(description="comfort care without a skin check of the last 30 minutes")


class RecipientSessionCreated(BaseModel):
    id: str
    routine: Routine
    intake: dict[str, Any]
    changes: list[IntakeChange]


class LearnOut(BaseModel):
    recipient_id: str | None
    proposals: list[ProposalOut] = Field(description="every pending proposal for the recipient")


class DueOut(BaseModel):
    recipient_id: str
    name: str
    due_at: str
    overdue_min: int
    last_rub: str | None


DOC_MODELS: tuple[type[BaseModel], ...] = (Intake, CheckIn, Outcome, RecipientIn, RecipientPatch, TodayIn,
                                           Decision, ScheduleIn, SkinCheckIn)
