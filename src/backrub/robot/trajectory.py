"""The robot trajectory of DESIGN.md and its `.npz` file.

Arrays (N samples at `rate_hz`): `t` (s), `position` (N×3, m, body frame),
`normal` (N×3, unit, out of the skin), `force` (N, newtons pressing along the
inward normal; 0 off the skin), `step` (N, routine step index, -1 while
travelling between steps). Scalars `rate_hz` and `cap_n`. Extra keys, which
readers may ignore: `surface` (the BackSurface vector the positions lie on)
`body_cm` (back length, shoulder and waist width), and `cap_grid_n` with
`cap_origin_cm` (the force caps the trajectory was checked against, so the
safety monitor watches the same zones while it runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from backrub.errors import InputError, Problem
from backrub.robot.capmap import CapMap
from backrub.robot.surface import BackSurface

REQUIRED = ("t", "position", "normal", "force", "step", "rate_hz", "cap_n")


@dataclass(frozen=True, slots=True, kw_only=True)
class Trajectory:
    """Time-stamped probe poses with a target contact force."""

    t: np.ndarray
    position: np.ndarray
    normal: np.ndarray
    force: np.ndarray
    step: np.ndarray
    rate_hz: float
    cap_n: float
    surface: BackSurface | None = None
    body_cm: tuple[float, float, float] | None = None
    caps: CapMap | None = None

    def __len__(self) -> int:
        return int(self.t.size)

    @property
    def duration_s(self) -> float:
        return float(self.t[-1] - self.t[0]) if self.t.size else 0.0

    def save(self, path: str | Path) -> None:
        """Write the `.npz` (uncompressed: it loads fast and memory-maps)."""
        extra: dict[str, np.ndarray] = {}
        if self.surface is not None:
            extra["surface"] = self.surface.to_vector()
        if self.body_cm is not None:
            extra["body_cm"] = np.asarray(self.body_cm, float)
        if self.caps is not None:
            extra["cap_grid_n"] = self.caps.cap_n
            extra["cap_reason"] = self.caps.reason
            extra["cap_origin_cm"] = np.array([self.caps.x0_cm, self.caps.y0_cm])
        arrays: dict[str, Any] = {
            "t": self.t,
            "position": self.position,
            "normal": self.normal,
            "force": self.force,
            "step": self.step,
            "rate_hz": np.float64(self.rate_hz),
            "cap_n": np.float64(self.cap_n),
            **extra,
        }
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)


def load_trajectory(path: str | Path) -> Trajectory:
    """Read a trajectory `.npz`; a missing or misshapen array is an InputError."""
    where = str(path)
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise InputError([Problem(path=where, message=f"not a readable .npz file ({err})")]) from None
    with data:
        missing = [k for k in REQUIRED if k not in data.files]
        if missing:
            raise InputError([Problem(path=where, message=f"missing arrays: {', '.join(missing)}")])
        arrays = {k: data[k] for k in data.files}
    n = arrays["t"].shape[0] if arrays["t"].ndim == 1 else -1
    problems = []
    shapes = {"t": (n,), "position": (n, 3), "normal": (n, 3), "force": (n,), "step": (n,)}
    for key, shape in shapes.items():
        if n < 2 or arrays[key].shape != shape:
            problems.append(
                Problem(
                    path=f"{where}:{key}",
                    message=f"expected shape {shape} (got {arrays[key].shape})",
                )
            )
    if problems:
        raise InputError(problems)
    surface = BackSurface.from_vector(arrays["surface"]) if "surface" in arrays else None
    body = tuple(float(v) for v in arrays["body_cm"]) if "body_cm" in arrays else None
    caps = None
    if {"cap_grid_n", "cap_reason", "cap_origin_cm"} <= arrays.keys() and arrays["cap_grid_n"].ndim == 2:
        caps = CapMap(
            x0_cm=float(arrays["cap_origin_cm"][0]),
            y0_cm=float(arrays["cap_origin_cm"][1]),
            cap_n=arrays["cap_grid_n"].astype(np.float64),
            reason=arrays["cap_reason"].astype(np.int8),
        )
    return Trajectory(
        t=arrays["t"].astype(np.float64),
        position=arrays["position"].astype(np.float64),
        normal=arrays["normal"].astype(np.float64),
        force=arrays["force"].astype(np.float64),
        step=arrays["step"].astype(np.int32),
        rate_hz=float(arrays["rate_hz"]),
        cap_n=float(arrays["cap_n"]),
        surface=surface,
        body_cm=body,  # type: ignore[arg-type]
        caps=caps,
    )
