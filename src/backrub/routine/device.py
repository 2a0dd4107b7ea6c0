"""A step's `device` settings: which speed, which head, heat, and how long on each area."""

from __future__ import annotations

from dataclasses import dataclass

from backrub.errors import Problems, between_zero_and, describe, suggest, whole
from backrub.knowledge.devices import ATTACHMENTS
from backrub.routine.model import MAX_SECONDS

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

FIELDS = ("speed", "per_minute", "attachment", "heat", "seconds_per_area")


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceSettings:
    """The massager's settings for one step (DESIGN.md, Additions): level, its figure, head, heat, time."""

    speed: int  # 1 = slowest setting of the profile
    per_minute: float
    attachment: str
    heat: bool
    seconds_per_area: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "speed": self.speed,
            "per_minute": int(self.per_minute) if float(self.per_minute).is_integer() else self.per_minute,
            "attachment": self.attachment,
            "heat": self.heat,
            "seconds_per_area": round(self.seconds_per_area, 1),
        }


def settings_from_dict(raw: Any, where: str, problems: Problems) -> DeviceSettings | None:
    """Read a step's `device` object; problems named under `where` (the profile is checked later)."""
    if not isinstance(raw, dict):
        problems.add(where, f"expected an object with {', '.join(FIELDS)} (got {describe(raw)})")
        return None
    before = len(problems.items)
    problems.unknown_keys(raw, FIELDS, where)
    speed = whole(raw.get("speed"))
    if isinstance(speed, bool) or not isinstance(speed, int) or not 1 <= speed <= 100:
        problems.add(
            f"{where}.speed", f"expected a speed level, a whole number from 1 (got {describe(speed)})"
        )
    per_minute = raw.get("per_minute")
    if not between_zero_and(per_minute, 100_000):
        problems.add(f"{where}.per_minute", f"expected strokes a minute (got {describe(per_minute)})")
    attachment = raw.get("attachment")
    if not isinstance(attachment, str) or attachment not in ATTACHMENTS:  # {} or [] is no name (no 500)
        shown = repr(attachment) if isinstance(attachment, str) else describe(attachment)
        problems.add(
            f"{where}.attachment", f"unknown attachment {shown}; {suggest(str(attachment), ATTACHMENTS)}"
        )
    heat = raw.get("heat", False)
    if not isinstance(heat, bool):
        problems.add(f"{where}.heat", f"expected true or false (got {describe(heat)})")
    seconds = raw.get("seconds_per_area")
    if not between_zero_and(seconds, MAX_SECONDS):
        problems.add(f"{where}.seconds_per_area", f"expected seconds above 0 (got {describe(seconds)})")
    if len(problems.items) > before:
        return None
    assert isinstance(speed, int) and isinstance(per_minute, int | float) and isinstance(seconds, int | float)
    return DeviceSettings(
        speed=speed,
        per_minute=float(per_minute),
        attachment=str(attachment),
        heat=bool(heat),
        seconds_per_area=float(seconds),
    )
