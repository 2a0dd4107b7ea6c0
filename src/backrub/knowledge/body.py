"""Body size from three tape-measure figures; every zone scales with them."""

from __future__ import annotations

from dataclasses import dataclass

from backrub.errors import Problems
from backrub.errors import describe as _kind

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

# Plausible adult ranges (cm); outside them the map would not fit a real back.
LIMITS = {
    "back_length_cm": (30.0, 80.0),
    "shoulder_width_cm": (28.0, 65.0),
    "waist_width_cm": (20.0, 60.0),
}
DEFAULTS = {"back_length_cm": 50.0, "shoulder_width_cm": 42.0, "waist_width_cm": 32.0}


@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """Waist to C7, shoulder width and waist width, in centimetres."""

    back_length_cm: float = 50.0
    shoulder_width_cm: float = 42.0
    waist_width_cm: float = 32.0

    @classmethod
    def from_dict(cls, raw: Any, problems: Problems, where: str = "body") -> Body:
        """Read a body object; problems are collected, defaults fill the gaps."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            problems.add(where, f"expected an object with {', '.join(DEFAULTS)} (got {_kind(raw)})")
            return cls()
        values = dict(DEFAULTS)
        for key in raw:
            if key not in DEFAULTS:
                problems.add(f"{where}.{key}", f"unknown field; expected one of {', '.join(DEFAULTS)}")
        for key, (low, high) in LIMITS.items():
            if key not in raw:
                continue
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.add(f"{where}.{key}", f"expected a number of centimetres (got {_kind(value)})")
            elif not low <= value <= high:
                problems.add(f"{where}.{key}", f"expected {low:g} to {high:g} cm (got {value:g})")
            else:
                values[key] = float(value)
        if values["waist_width_cm"] > 1.3 * values["shoulder_width_cm"]:
            problems.add(
                f"{where}.waist_width_cm",
                "expected at most 1.3 times the shoulder width; check the two measurements",
            )
        return cls(**values)

    def to_dict(self) -> dict[str, float]:
        return {
            "back_length_cm": self.back_length_cm,
            "shoulder_width_cm": self.shoulder_width_cm,
            "waist_width_cm": self.waist_width_cm,
        }
