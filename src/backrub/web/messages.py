"""Client messages on the live channel, read strictly: every problem named by its field."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from backrub.errors import Problems, describe, suggest, whole
from backrub.jsonin import loads
from backrub.web.breath import BREATH_FIELDS, parse_breath, parse_rate

TYPES = ("feedback", "pause", "resume", "skip", "end", "breath", "retime")
FEEDBACK = ("softer", "firmer", "pain", "skip")
RATINGS = ("relaxation_before", "relaxation_after", "pain_before", "pain_after")
NOTES_MAX = 5000
_FIELDS = {
    "feedback": ("type", "seq", "kind", "at"),
    "pause": ("type", "seq", "at_s"),
    "resume": ("type", "seq"),
    "skip": ("type", "seq"),
    "end": ("type", "seq", "outcome"),
    "breath": BREATH_FIELDS,  # relayed, never stored one by one: no seq
    "retime": ("type", "seq", "breaths_per_minute"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """A valid client message. `kind` is the feedback kind ('skip' for a skip message)."""

    type: str
    seq: int | None = None
    kind: str | None = None
    at: tuple[float, float] | None = None
    at_s: float | None = None
    outcome: dict[str, Any] | None = None
    breath: dict[str, Any] | None = None  # a breath sensor's reading (web/breath.py)
    rate_bpm: float | None = None  # retime: the breath to time the rest to

    def payload(self) -> dict[str, Any]:
        """What is stored with the event (the message less its type and seq)."""
        out: dict[str, Any] = {}
        if self.kind is not None and self.type == "feedback":
            out["kind"] = self.kind
        if self.at is not None:
            out["at"] = {"x_cm": self.at[0], "y_cm": self.at[1]}
        if self.at_s is not None:
            out["at_s"] = self.at_s
        if self.outcome is not None:
            out["outcome"] = self.outcome
        if self.rate_bpm is not None:
            out["breaths_per_minute"] = self.rate_bpm
        return out


def seq_of(raw: Any) -> int | None:
    """The seq of a message, when it has a usable one (so even a bad message can be answered by it)."""
    if isinstance(raw, dict):
        seq = raw.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0:
            return seq
    return None


def parse_text(text: str) -> tuple[Any, Message]:
    """The raw JSON and the message it holds; raises InputError naming each bad field."""
    raw = loads(text)
    return raw, parse_message(raw)


def parse_message(raw: Any) -> Message:
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add("", f"expected a JSON object with a type (got {describe(raw)})")
        problems.raise_if_any()
    kind = raw.get("type")
    if kind not in TYPES:
        shown = f"unknown type {kind!r}; {suggest(kind, TYPES)}" if isinstance(kind, str) else \
            f"expected a type, one of {', '.join(TYPES)} (got {describe(kind)})"
        problems.add("type", shown)
        problems.raise_if_any()
    for key in raw:
        if key not in _FIELDS[kind]:
            problems.add(key, f"unknown field for a {kind} message; expected {', '.join(_FIELDS[kind][1:])}")
    seq = raw.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        problems.add("seq", f"expected a whole number of 0 or more (got {describe(seq)})")
    message = Message(type=kind, seq=seq if isinstance(seq, int) else None)
    if kind == "feedback":
        message = _feedback(raw, message, problems)
    elif kind == "skip":
        message = Message(type=kind, seq=message.seq, kind="skip")
    elif kind == "pause" and "at_s" in raw:
        at_s = raw["at_s"]
        if not _number(at_s) or at_s < 0:
            problems.add("at_s", f"expected seconds into the session, 0 or more (got {describe(at_s)})")
        else:
            message = Message(type=kind, seq=message.seq, at_s=float(at_s))
    elif kind == "breath":
        message = Message(type=kind, breath=parse_breath(raw, problems))
    elif kind == "retime":
        message = Message(type=kind, seq=message.seq, rate_bpm=parse_rate(raw, problems))
    elif kind == "end" and raw.get("outcome") is not None:
        message = Message(type=kind, seq=message.seq, outcome=_outcome(raw["outcome"], problems))
    problems.raise_if_any()
    return message


def _feedback(raw: dict[str, Any], message: Message, problems: Problems) -> Message:
    kind = raw.get("kind")
    if kind not in FEEDBACK:
        shown = f"unknown kind {kind!r}; {suggest(kind, FEEDBACK)}" if isinstance(kind, str) else \
            f"expected one of {', '.join(FEEDBACK)} (got {describe(kind)})"
        problems.add("kind", shown)
    at = raw.get("at")
    point = None
    if at is not None:
        if not isinstance(at, dict):
            problems.add("at", f"expected an object {{x_cm, y_cm}} (got {describe(at)})")
        else:
            for key in at:
                if key not in ("x_cm", "y_cm"):
                    problems.add(f"at.{key}", "unknown field; expected x_cm and y_cm")
            for key in ("x_cm", "y_cm"):
                if not _number(at.get(key)):
                    got = describe(at.get(key))
                    problems.add(f"at.{key}", f"expected a number of centimetres (got {got})")
            if all(_number(at.get(k)) for k in ("x_cm", "y_cm")):
                point = (float(at["x_cm"]), float(at["y_cm"]))
    elif kind == "pain":
        problems.add("at", "say where it hurts: {x_cm, y_cm}")
    return Message(type="feedback", seq=message.seq, kind=kind if isinstance(kind, str) else None, at=point)


def _outcome(raw: Any, problems: Problems) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.add("outcome", f"expected an object with ratings and notes (got {describe(raw)})")
        return None
    out: dict[str, Any] = {}
    for key, given in raw.items():
        where = f"outcome.{key}"
        value = whole(given) if key in RATINGS else given
        if key in RATINGS:
            if value is None:
                out[key] = None
            elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
                problems.add(where, f"expected a whole number from 0 to 10 (got {describe(value)})")
            else:
                out[key] = value
        elif key == "notes":
            if not isinstance(value, str) or len(value) > NOTES_MAX:
                problems.add(where, f"expected text of at most {NOTES_MAX} characters "
                                    f"(got {describe(value)})")
            else:
                out[key] = value
        else:
            problems.add(where, f"unknown field; {suggest(key, (*RATINGS, 'notes'))}")
    return out


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)

