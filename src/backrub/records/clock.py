"""Massage time, as a pure value: the live session's clock (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Clock:
    """Massage time: `at_s` seconds at wall time `wall`, counting on while `running`."""

    wall: float
    at_s: float
    running: bool

    def elapsed(self, now: float) -> float:
        """Massage seconds at wall time `now`."""
        return self.at_s + (now - self.wall if self.running else 0.0)

    def set(self, now: float, at_s: float, running: bool) -> Clock:
        """The clock restarted at `now` from `at_s` seconds, running or stopped."""
        return Clock(wall=now, at_s=at_s, running=running)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Clock:
        return cls(wall=float(raw["wall"]), at_s=float(raw["at_s"]), running=bool(raw["running"]))

    def to_dict(self) -> dict[str, Any]:
        return {"wall": self.wall, "at_s": self.at_s, "running": self.running}
