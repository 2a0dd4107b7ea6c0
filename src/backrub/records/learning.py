"""Learning from sessions, as pure functions: what a session suggests, and the next intake.

"Pain here" in a session is proposed as a standing spot; softer or firmer asked again and again
is proposed as a new pressure preference. Nothing changes until the giver confirms it. The next
intake starts from the recipient's record, and says what changed since the last one and why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backrub.intake.model import Intake, Spot, parse_intake
from backrub.intake.screening import screen
from backrub.knowledge.body import Body
from backrub.knowledge.techniques import PRESSURES, pressure_rank
from backrub.knowledge.words import place_words, point_words
from backrub.knowledge.zones import zone_at
from backrub.records.recipients import Recipient, StandingSpot

PAIN_RADIUS_CM = 3.0
SAME_PLACE_CM = 4.0  # two reports closer than this are one place
RECENT_SESSIONS = 3
PRESSURE_NET = 2  # requests one way, less the other way, before a change is proposed


@dataclass(frozen=True, slots=True, kw_only=True)
class Feedback:
    """One softer/firmer/pain request from a stored session event."""

    kind: str
    at: tuple[float, float] | None = None
    elapsed_s: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionFacts:
    """What learning needs from one stored session."""

    id: str
    started_at: datetime
    pressure: str  # the pressure it started at
    feedback: tuple[Feedback, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Proposal:
    """A change to a recipient's record, waiting for confirmation: a standing `spot` or a `pressure`."""

    kind: str
    value: dict[str, Any]
    reason: str
    session_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One way the new intake differs from the last one, and why."""

    field: str
    what: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "what": self.what, "why": self.why}


def feedback_from_events(events: Iterable[tuple[str, dict[str, Any], float]]) -> tuple[Feedback, ...]:
    """(type, payload, elapsed_s) of stored events → the feedback among them (refused ones too:
    a 'firmer' the screening capped was still asked for)."""
    out = []
    for kind, payload, elapsed in events:
        if kind != "feedback" or payload.get("kind") not in ("softer", "firmer", "pain"):
            continue
        at = payload.get("at")
        point = (float(at["x_cm"]), float(at["y_cm"])) if isinstance(at, dict) else None
        out.append(Feedback(kind=payload["kind"], at=point, elapsed_s=float(elapsed)))
    return tuple(out)


def spot_proposals(
    recipient: Recipient, session: SessionFacts, intake: Intake | None = None
) -> list[Proposal]:
    """Each place that hurt in this session and is not yet a standing spot, once."""
    body = (intake or Intake()).body
    known = [s.spot for s in recipient.spots if s.spot.at is not None]
    proposals: list[Proposal] = []
    for fb in session.feedback:
        if fb.kind != "pain" or fb.at is None:
            continue
        if any(_near(fb.at, s.at, s.radius_cm + 1.0) for s in known if s.at is not None):
            continue
        if any(_near(fb.at, _point(p.value), SAME_PLACE_CM) for p in proposals):
            continue
        zone = zone_at(body, *fb.at)
        where = place_words(zone) if zone else "the edge of the back"  # in words, never coordinates
        minute = int(fb.elapsed_s // 60)
        proposals.append(
            Proposal(
                kind="spot",
                session_id=session.id,
                value={
                    "kind": "pain",
                    "at": {"x_cm": fb.at[0], "y_cm": fb.at[1]},
                    "radius_cm": PAIN_RADIUS_CM,
                },
                reason=f"'Pain here' on the {where}, {minute} min into the session of "
                f"{_day(session.started_at)}.",
            )
        )
    return proposals


def pressure_proposal(recipient: Recipient, recent: Sequence[SessionFacts]) -> Proposal | None:
    """A pressure one level softer or firmer, when the recent sessions at today's preference kept
    asking for it (net two or more, from two sessions or more)."""
    current = str(recipient.preferences.get("pressure", "medium"))
    at_current = [s for s in sorted(recent, key=lambda s: s.started_at) if s.pressure == current]
    at_current = at_current[-RECENT_SESSIONS:]
    softer = [(s, sum(f.kind == "softer" for f in s.feedback)) for s in at_current]
    firmer = [(s, sum(f.kind == "firmer" for f in s.feedback)) for s in at_current]
    n_soft, n_firm = sum(n for _, n in softer), sum(n for _, n in firmer)
    net = n_firm - n_soft
    direction = "firmer" if net > 0 else "softer"
    asked_in = [s for s, n in (firmer if net > 0 else softer) if n]
    if abs(net) < PRESSURE_NET or len(asked_in) < 2:
        return None
    rank = pressure_rank(current) + (1 if net > 0 else -1)
    if not 0 <= rank < len(PRESSURES):
        return None
    new = PRESSURES[rank]
    cap = screen(_intake_of(recipient, {})).pressure_cap
    if pressure_rank(new) > pressure_rank(cap):
        return None
    other = n_soft if net > 0 else n_firm
    days = ", ".join(_day(s.started_at) for s in asked_in)
    reason = (
        f"Asked for {direction} {max(n_soft, n_firm)} times in {len(asked_in)} sessions ({days})"
        + (f", {other} the other way" if other else "")
        + f": {current} → {new}."
    )
    return Proposal(
        kind="pressure", value={"pressure": new, "from": current}, reason=reason, session_id=at_current[-1].id
    )


def apply_proposal(
    spots: list[dict[str, Any]], preferences: dict[str, Any], reasons: dict[str, Any], proposal: Proposal
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """The recipient's spots, preferences and reasons once a proposal is confirmed (new copies)."""
    if proposal.kind == "spot":
        return [*spots, {**proposal.value, "source": proposal.reason}], dict(preferences), dict(reasons)
    if proposal.kind == "pressure":
        return (
            list(spots),
            {**preferences, "pressure": proposal.value["pressure"]},
            {**reasons, "pressure": proposal.reason},
        )
    raise ValueError(f"unknown proposal kind {proposal.kind!r}")


def intake_for_recipient(
    recipient: Recipient,
    *,
    last: Intake | None = None,
    today: dict[str, Any] | None = None,
    skin_marks: Sequence[Spot] = (),
    skin_checked: str = "",
) -> tuple[Intake, list[Change]]:
    """The next intake, from the record (preferences, standing conditions and spots), today's choices
    and the latest skin check; with every change since the `last` intake and its reason."""
    intake = _intake_of(recipient, today or {}, skin_marks)
    return intake, changes_since(last, intake, recipient, today or {}, skin_marks, skin_checked)


def _intake_of(recipient: Recipient, today: dict[str, Any], skin_marks: Sequence[Spot] = ()) -> Intake:
    raw: dict[str, Any] = {**recipient.preferences, **today}
    raw["conditions"] = list(recipient.conditions)
    raw["cleared_by_clinician"] = recipient.cleared_by_clinician
    raw["spots"] = [s.spot.to_dict() for s in recipient.spots] + [s.to_dict() for s in skin_marks]
    if (
        today.get("goal") == "comfort_care"
        and "minutes" not in today
        and recipient.preferences.get("goal") != "comfort_care"
    ):
        raw.pop("minutes", None)  # a comfort rub has its own default length
    return parse_intake(raw)


def changes_since(
    last: Intake | None,
    new: Intake,
    recipient: Recipient,
    today: dict[str, Any],
    skin_marks: Sequence[Spot] = (),
    skin_checked: str = "",
) -> list[Change]:
    """What differs between two intakes, each with the reason the record gives."""
    base = last or Intake()
    first = last is None
    changes: list[Change] = []
    for name in ("pressure", "minutes", "goal", "giver", "position", "style", "breaths_per_minute"):
        old, value = getattr(base, name), getattr(new, name)
        if old == value:
            continue
        why = (
            "chosen for today"
            if name in today
            else str(
                recipient.reasons.get(name)
                or (
                    "the recipient's preference"
                    if name in recipient.preferences
                    else "the default for this kind of session"
                )
            )
        )
        what = (
            f"{name.replace('_', ' ')}: {_shown(value)}"
            if first
            else f"{name.replace('_', ' ')}: {_shown(old)} → {_shown(value)}"
        )
        changes.append(Change(field=name, what=what, why=why))
    for code in new.conditions:
        if code not in base.conditions:
            changes.append(
                Change(
                    field="conditions",
                    what=f"condition: {code.replace('_', ' ')}",
                    why="a standing condition on the recipient's record",
                )
            )
    for code in base.conditions:
        if code not in new.conditions:
            changes.append(
                Change(
                    field="conditions",
                    what=f"no longer: {code.replace('_', ' ')}",
                    why="removed from the recipient's record",
                )
            )
    body = new.body
    sources = {_key(s.spot): s for s in recipient.spots}
    marks = {_key(s) for s in skin_marks}
    old_keys = {_key(s) for s in base.spots}
    for spot in new.spots:
        key = _key(spot)
        if key in old_keys:
            continue
        if key in marks:
            why = f"marked at the skin check{' of ' + skin_checked if skin_checked else ''}: no touch there"
        else:
            standing: StandingSpot | None = sources.get(key)
            why = (
                (standing.source or standing.note or "a standing spot on the recipient's record")
                if standing
                else "on the record"
            )
        changes.append(Change(field="spots", what=f"new spot: {_spot_words(spot, body)}", why=why))
    new_keys = {_key(s) for s in new.spots}
    for spot in base.spots:
        if _key(spot) not in new_keys:
            changes.append(
                Change(
                    field="spots",
                    what=f"no longer marked: {_spot_words(spot, body)}",
                    why="not on the record now (removed, or the last skin check did not find it)",
                )
            )
    return changes


def _key(spot: Spot) -> tuple[Any, ...]:
    at = None if spot.at is None else (round(spot.at[0], 1), round(spot.at[1], 1))
    return (spot.kind, spot.zone, at, round(spot.radius_cm, 1) if at else None)


def _spot_words(spot: Spot, body: Body) -> str:
    if spot.at is not None:
        return f"{spot.kind}, {point_words(body, *spot.at)}"
    return f"{spot.kind}, {place_words(spot.zone)}"


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _near(a: tuple[float, float], b: tuple[float, float] | None, distance: float) -> bool:
    return b is not None and math.dist(a, b) <= distance


def _point(value: dict[str, Any]) -> tuple[float, float] | None:
    at = value.get("at")
    return (float(at["x_cm"]), float(at["y_cm"])) if isinstance(at, dict) else None


def _day(when: datetime) -> str:
    return f"{when.day} {when.strftime('%b %Y')}"
