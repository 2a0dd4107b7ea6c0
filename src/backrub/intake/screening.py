"""Screening: proceed, adapt, check first, or refer, each with its reasons and sources."""

from __future__ import annotations

from dataclasses import dataclass

from backrub.intake.model import Intake
from backrub.knowledge.screening_table import CONDITIONS, DECISIONS, NO_CONTACT_SPOTS
from backrub.knowledge.techniques import PRESSURES, pressure_rank
from backrub.knowledge.words import place_words, point_words

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One reason for a screening decision, in words for the giver."""

    code: str
    message: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "source": self.source}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One thing an 'adapt' decision changes in the plan."""

    code: str  # pressure_cap | no_technique | exclude_spot | avoid_pain
    value: str
    message: str
    because: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": self.value,
            "message": self.message,
            "because": list(self.because),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Screening:
    """The screening decision, its reasons and the changes it asks of the plan."""

    decision: str
    reasons: tuple[Reason, ...]
    changes: tuple[Change, ...]

    @property
    def may_plan(self) -> bool:
        return self.decision in ("proceed", "adapt")

    @property
    def pressure_cap(self) -> str:
        caps = [c.value for c in self.changes if c.code == "pressure_cap"]
        return min(caps, key=pressure_rank) if caps else PRESSURES[-1]

    @property
    def banned_techniques(self) -> frozenset[str]:
        return frozenset(c.value for c in self.changes if c.code == "no_technique")

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reasons": [r.to_dict() for r in self.reasons],
            "changes": [c.to_dict() for c in self.changes],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Screening:
        """Rebuild from JSON written by to_dict (trusted shape; routines are checked apart)."""
        return cls(
            decision=raw["decision"],
            reasons=tuple(Reason(**r) for r in raw.get("reasons", [])),
            changes=tuple(
                Change(
                    code=c["code"],
                    value=c["value"],
                    message=c["message"],
                    because=tuple(c.get("because", ())),
                )
                for c in raw.get("changes", [])
            ),
        )


def screen(intake: Intake) -> Screening:
    """Decide whether and how this person may be massaged, and say why."""
    reasons: list[Reason] = []
    changes: list[Change] = []
    decision = "proceed"

    def raise_to(level: str) -> None:
        nonlocal decision
        if DECISIONS.index(level) > DECISIONS.index(decision):
            decision = level

    marked = [s for s in intake.spots if s.kind in NO_CONTACT_SPOTS]
    for code in intake.conditions:
        rule = CONDITIONS[code]
        if code == "skin_infection" and not marked:
            reasons.append(
                Reason(
                    code=code,
                    source=rule.source,
                    message="A skin infection with no marked place: mark where it is on "
                    "the back chart, or ask a clinician first.",
                )
            )
            raise_to("check_first")
            continue
        if rule.decision == "check_first" and intake.cleared_for(code):
            reasons.append(
                Reason(
                    code=code,
                    source=rule.source,
                    message=rule.message + " Cleared by a clinician: no firm pressure.",
                )
            )
            changes.append(
                Change(
                    code="pressure_cap",
                    value="medium",
                    because=(code,),
                    message="Medium pressure at most after clearance.",
                )
            )
            raise_to("adapt")
            continue
        reasons.append(Reason(code=code, message=rule.message, source=rule.source))
        raise_to(rule.decision)
        if rule.cap_pressure:
            changes.append(
                Change(
                    code="pressure_cap",
                    value=rule.cap_pressure,
                    because=(code,),
                    message=f"{rule.cap_pressure.capitalize()} pressure only.",
                )
            )
        for technique in rule.no_techniques:
            changes.append(
                Change(
                    code="no_technique",
                    value=technique,
                    because=(code,),
                    message=f"No {technique.replace('_', ' ')}.",
                )
            )

    for i, spot in enumerate(intake.spots):
        # In words, never coordinates or zone ids (the giver reads this).
        place = place_words(spot.zone) if spot.at is None else point_words(intake.body, *spot.at)
        if spot.kind in NO_CONTACT_SPOTS:
            changes.append(
                Change(
                    code="exclude_spot",
                    value=f"spots[{i}]",
                    because=(spot.kind,),
                    message=f"No contact on the {spot.kind} ({place}), with a 2 cm margin.",
                )
            )
        elif spot.kind == "pain":
            changes.append(
                Change(
                    code="avoid_pain",
                    value=f"spots[{i}]",
                    because=("pain",),
                    message=f"The painful place ({place}) is left out.",
                )
            )
    if changes:
        raise_to("adapt")
        if not any(r.code in intake.conditions for r in reasons) and decision == "adapt":
            reasons.append(
                Reason(
                    code="local_spots",
                    source="003",
                    message="Marked places on the back are left out of the plan.",
                )
            )
    if decision == "proceed":
        reasons.append(
            Reason(
                code="no_concerns",
                source="002",
                message="Nothing in the answers stands against a back massage. Keep "
                "asking about pressure as you go.",
            )
        )
    # A referral or a check stops the plan, so nothing it would change is listed.
    if decision in ("check_first", "refer"):
        changes = []
    return Screening(decision=decision, reasons=tuple(reasons), changes=tuple(changes))
