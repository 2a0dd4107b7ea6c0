"""A robot profile: newtons for each pressure level, motion limits, clearances.

Defaults are a cautious starting point for a collaborative arm with a round
probe. Every force stays under the hard cap of 25 N, whatever a profile says.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from backrub.errors import Problems, describe

HARD_CAP_N = 25.0
PRESSURES = ("light", "medium", "firm")


@dataclass(frozen=True, slots=True, kw_only=True)
class RobotProfile:
    """How a routine becomes motion and force for one robot."""

    light_n: float = 3.0
    medium_n: float = 8.0
    firm_n: float = 15.0
    cap_n: float = HARD_CAP_N
    # Zones held to a lower force (kidneys: light only).
    zone_caps_n: dict[str, float] = field(default_factory=lambda: {"kidney_left": 3.0, "kidney_right": 3.0})
    contact_speed_m_s: float = 0.10  # never faster while touching the skin
    air_speed_m_s: float = 0.25
    accel_m_s2: float = 1.5
    jerk_m_s3: float = 60.0
    force_rate_n_s: float = 200.0  # how fast the target force may change
    lift_m: float = 0.02  # height of the hop between separate paths
    spine_clearance_cm: float = 1.0  # beyond the spine band, light only
    spot_clearance_cm: float = 2.0  # beyond an excluded spot, no contact
    probe_radius_m: float = 0.03
    # Reachable box in the body frame (m): x, y, z lower and upper bounds.
    workspace_m: tuple[tuple[float, float], ...] = ((-0.45, 0.45), (-0.20, 1.00), (-0.25, 0.35))
    # The arm's base in the body frame (m) and its orientation (arm_model.base_transform: tilt 0
    # stands it on a pedestal, 180 hangs it). None (the default): hung from the frame over the
    # table as `reach.frame_mount` places it for this body (docs/robot.md, "Base placement").
    arm_base_m: tuple[float, float, float] | None = None
    arm_base_yaw_deg: float = 0.0
    arm_base_tilt_deg: float = 0.0

    def force_for(self, pressure: str) -> float:
        """Newtons for a pressure level."""
        return {"light": self.light_n, "medium": self.medium_n, "firm": self.firm_n}[pressure]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["workspace_m"] = [list(b) for b in self.workspace_m]
        d["arm_base_m"] = list(self.arm_base_m) if self.arm_base_m is not None else None
        return d

    @classmethod
    def from_dict(cls, raw: Any, where: str = "profile") -> RobotProfile:
        """Read a profile; unknown fields and out-of-range values are input problems."""
        problems = Problems()
        if not isinstance(raw, dict):
            problems.add(where, f"expected an object (got {describe(raw)})")
            problems.raise_if_any()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            path = f"{where}.{key}"
            if key not in known:
                problems.add(path, f"unknown field; expected one of {', '.join(sorted(known))}")
            elif key == "zone_caps_n":
                if not isinstance(value, dict) or not all(_is_number(v) for v in value.values()):
                    problems.add(path, "expected an object of zone id to newtons")
                else:
                    values[key] = {str(k): float(v) for k, v in value.items()}
            elif key == "arm_base_m":
                if value is not None and not (
                    isinstance(value, list | tuple) and len(value) == 3 and all(map(_is_number, value))
                ):
                    problems.add(
                        path, "expected [x, y, z] in metres (body frame), or null to choose per body"
                    )
                else:
                    values[key] = None if value is None else tuple(float(v) for v in value)
            elif key in ("arm_base_yaw_deg", "arm_base_tilt_deg"):
                if not _is_number(value) or not -360.0 <= value <= 360.0:
                    problems.add(path, f"expected degrees from -360 to 360 (got {describe(value)})")
                else:
                    values[key] = float(value)
            elif key == "workspace_m":
                if not _is_box(value):
                    problems.add(path, "expected [[xmin, xmax], [ymin, ymax], [zmin, zmax]] in metres")
                else:
                    values[key] = tuple((float(lo), float(hi)) for lo, hi in value)
            elif not _is_number(value) or value < 0:
                problems.add(path, f"expected a non-negative number (got {describe(value)})")
            else:
                values[key] = float(value)
        profile = replace(cls(), **values)
        for key in ("light_n", "medium_n", "firm_n", "cap_n"):
            if getattr(profile, key) > HARD_CAP_N:
                problems.add(
                    f"{where}.{key}",
                    f"must be at most the hard cap {HARD_CAP_N:g} N (got {getattr(profile, key):g})",
                )
        for zone, cap in profile.zone_caps_n.items():
            if cap > HARD_CAP_N:
                problems.add(f"{where}.zone_caps_n.{zone}", f"must be at most {HARD_CAP_N:g} N")
        if not profile.light_n <= profile.medium_n <= profile.firm_n <= profile.cap_n:
            problems.add(where, "expected light_n <= medium_n <= firm_n <= cap_n")
        if profile.contact_speed_m_s > 0.1:
            problems.add(f"{where}.contact_speed_m_s", "must be at most 0.1 m/s while touching")
        for key in (
            "contact_speed_m_s",
            "air_speed_m_s",
            "accel_m_s2",
            "jerk_m_s3",
            "force_rate_n_s",
            "lift_m",
        ):
            if getattr(profile, key) <= 0:
                problems.add(f"{where}.{key}", "must be positive")
        problems.raise_if_any()
        return profile


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_box(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 3
        and all(
            isinstance(b, list | tuple) and len(b) == 2 and all(map(_is_number, b)) and b[0] < b[1]
            for b in value
        )
    )
