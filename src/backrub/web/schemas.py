"""Models for the OpenAPI description at /docs.

Requests are read by the core readers (`parse_intake`, `parse_routine`), which name every
bad field; these models describe the same contract for clients and tools. Only `Outcome`
validates requests itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel
from typing_extensions import TypedDict

from backrub.intake.model import BREATHS_RANGE, GIVERS, GOALS, MAX_NAMES, MAX_SPOTS, POSITIONS, STYLES
from backrub.knowledge.body import LIMITS
from backrub.knowledge.screening_table import CONDITIONS, SPOT_KINDS
from backrub.knowledge.techniques import PRESSURES, TECHNIQUES
from backrub.knowledge.zones import GROUPS, ZONE_IDS
from backrub.routine.model import DIRECTIONS, MAX_POINTS, MAX_STEPS, MAX_TEXT, PHASES, SIDES

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
def _whole(value: Any) -> Any:
    """3.0 is the rating 3 (JSON does not tell them apart; some clients write every number so)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Rating = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Point(Strict):
    x_cm: float
    y_cm: float


class Spot(Strict):
    """A marked place: by zone, or by point and radius (not both)."""

    kind: SpotKind
    zone: Zone | None = None
    at: Point | None = None
    radius_cm: Annotated[float, Field(ge=0.5, le=20)] | None = None


def _cm(name: str) -> Any:
    low, high = LIMITS[name]
    return Field(ge=low, le=high)


class BodyIn(Strict):
    back_length_cm: Annotated[float, _cm("back_length_cm")] = 50
    shoulder_width_cm: Annotated[float, _cm("shoulder_width_cm")] = 42
    waist_width_cm: Annotated[float, _cm("waist_width_cm")] = 32


class DeviceIn(Strict):
    """A handheld massager's profile (`backrub device show ID --json` prints the built-in ones)."""

    id: str
    title: str | None = None
    kind: Literal["percussion", "vibration"]
    speeds_per_minute: Annotated[list[Annotated[float, Field(ge=300, le=6000)]],
                                 Field(min_length=1, max_length=30)]
    amplitude_mm: Annotated[float, Field(ge=1, le=25)] | None = None
    heat: bool = False
    attachments: Annotated[list[Literal["round", "flat", "cushion", "bullet", "fork", "wedge"]],
                           Field(min_length=1, max_length=12)]
    programs: Annotated[list[str], Field(max_length=20)] = []


class DeviceSettings(BaseModel):
    """What the massager is set to for a step, and the seconds it spends on each area."""

    speed: int
    per_minute: float
    attachment: str
    heat: bool
    seconds_per_area: float


class Intake(Strict):
    """Who receives, what they want, where it hurts. Every field optional.

    Minutes: 15-60 for a full massage, 3-10 for `comfort_care`. Someone working on their own
    back sits or lies on their side; a robot works on a receiver lying prone.
    """

    minutes: Annotated[float, Field(ge=3, le=60)] = 30
    goal: Goal = "relax"
    giver: Giver = "partner"
    pressure: Pressure = "medium"
    position: Position = "prone"
    style: Style = "upward"
    breaths_per_minute: Annotated[float, Field(ge=BREATHS_RANGE[0], le=BREATHS_RANGE[1])] = 12
    conditions: Annotated[list[Condition], Field(max_length=MAX_NAMES)] = []
    cleared_by_clinician: bool | Annotated[list[Condition], Field(max_length=MAX_NAMES)] = Field(
        default=False, description="true, or the conditions a clinician cleared (no others)")
    spots: Annotated[list[Spot], Field(max_length=MAX_SPOTS)] = []
    focus: Annotated[list[Area], Field(max_length=MAX_NAMES)] = []
    body: BodyIn = BodyIn()
    device: Annotated[str | DeviceIn | None, Field(description="a built-in device id "
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


class CheckIn(BaseModel):
    routine: dict[str, Any] = Field(description="a routine (backrub.routine/1)")
    intake: dict[str, Any] | None = Field(default=None, description="judge against this intake instead of "
                                                                    "the routine's own")


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
                                               "ended, at this moment")
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


class Preferences(IntakeChoices, total=False):
    """Intake fields kept as a recipient's preferences; each one optional."""

    body: BodyIn


class Today(IntakeChoices, total=False):
    """Today's choices for the next session (`{}` keeps the recipient's preferences)."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]


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
    at: Point | None = None
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
