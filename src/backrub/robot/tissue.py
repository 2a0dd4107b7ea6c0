"""Soft tissue over the back: a stated force-indentation curve, the same under any probe.

MuJoCo's soft contacts are defined through accelerations, so the same
`solref` indents a light ball more than a heavy arm; here the contact force is
computed from indentation instead and applied to the ball, so the tissue is a
property of the back alone. The curve is F(δ) = k1·δ + k2·δ² (δ in mm): 1.2 N/mm
stiffening by 0.2 N/mm², 4 mm under medium pressure (8 N), about 6 mm under
firm (15 N) and 8.6 mm at the 25 N cap, a 3 cm ball on relaxed back muscle.
It is chosen within the range in vivo macro-indentation of the trunk's soft
tissue reports (hemispherical indenter, relaxed muscles, nonlinear stiffening
over the first centimetre: Remus et al. 2024, Front. Bioeng. Biotechnol.
12:1384062); docs/robot.md says what is assumed. Damping (0.02 N·s/mm, a
fraction of the stiffness at a few hertz) keeps the tissue from ringing, and
oiled skin has a friction coefficient of 0.15.

Breathing lifts the back by a few millimetres at the breath rate, most over the
ribs and least over the lumbar spine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from backrub.robot.surface import BackSurface

K1_N_MM = 1.2
K2_N_MM2 = 0.2
DAMPING_N_S_MM = 0.02
FRICTION = 0.15
GRID_M = 0.004


@dataclass(frozen=True, slots=True, kw_only=True)
class Breathing:
    """Up-and-down motion of the back: amplitude (m) over the ribs and breaths per minute."""

    amplitude_m: float = 0.0
    per_minute: float = 12.0

    def lift(self, t: float, y_fraction: float) -> float:
        """Rise (m) at time t at a height along the back (0 waist, 1 neck)."""
        if self.amplitude_m == 0.0:
            return 0.0
        w = 0.3 + 0.7 * min(max(y_fraction, 0.0), 1.0)
        return self.amplitude_m * w * 0.5 * (1.0 - math.cos(2.0 * math.pi * self.per_minute / 60.0 * t))


def force_from_indentation(depth_mm: np.ndarray | float) -> np.ndarray:
    """Newtons pressing the skin at an indentation (mm); zero for none."""
    d = np.maximum(np.asarray(depth_mm, np.float64), 0.0)
    return K1_N_MM * d + K2_N_MM2 * d * d


def indentation_for(force_n: np.ndarray | float) -> np.ndarray:
    """The inverse: indentation (mm) that holds a force (N)."""
    f = np.maximum(np.asarray(force_n, np.float64), 0.0)
    return (-K1_N_MM + np.sqrt(K1_N_MM * K1_N_MM + 4.0 * K2_N_MM2 * f)) / (2.0 * K2_N_MM2)


class Tissue:
    """The skin as a lookup grid of height and normal, with the curve above; plain floats per call."""

    def __init__(
        self,
        surface: BackSurface,
        *,
        offset_m: float = 0.0,
        breathing: Breathing | None = None,
        stiffness_scale: float = 1.0,
    ) -> None:
        L = surface.back_length
        self.x0, self.y0 = -0.6, -0.4
        xs = np.arange(self.x0, 0.6 + 1e-9, GRID_M)
        ys = np.arange(self.y0, L + 0.5 + 1e-9, GRID_M)
        p, n = surface.points_and_normals(*np.meshgrid(xs, ys))
        self.nx_cells, self.ny_cells = xs.size, ys.size
        # One flat list per quantity: indexing Python lists is the quickest per-call lookup.
        self.h = (p[..., 2] + offset_m).ravel().tolist()
        self.gx = (-n[..., 0] / n[..., 2]).ravel().tolist()  # the slopes
        self.gy = (-n[..., 1] / n[..., 2]).ravel().tolist()
        self.length = L
        self.breathing = breathing or Breathing()
        self.scale = stiffness_scale

    def skin(self, x: float, y: float, t: float) -> tuple[float, float, float, float]:
        """Height and unit outward normal (z, nx, ny, nz) of the skin under (x, y) at time t."""
        u = (x - self.x0) / GRID_M
        v = (y - self.y0) / GRID_M
        i = min(max(int(u), 0), self.nx_cells - 2)
        j = min(max(int(v), 0), self.ny_cells - 2)
        fu, fv = min(max(u - i, 0.0), 1.0), min(max(v - j, 0.0), 1.0)
        k = j * self.nx_cells + i
        w00, w10, w01, w11 = (1 - fu) * (1 - fv), fu * (1 - fv), (1 - fu) * fv, fu * fv
        n1 = k + self.nx_cells
        h, gx, gy = self.h, self.gx, self.gy
        z = w00 * h[k] + w10 * h[k + 1] + w01 * h[n1] + w11 * h[n1 + 1]
        sx = w00 * gx[k] + w10 * gx[k + 1] + w01 * gx[n1] + w11 * gx[n1 + 1]
        sy = w00 * gy[k] + w10 * gy[k + 1] + w01 * gy[n1] + w11 * gy[n1 + 1]
        inv = 1.0 / math.sqrt(1.0 + sx * sx + sy * sy)
        z += self.breathing.lift(t, y / self.length)
        return z, -sx * inv, -sy * inv, inv

    def contact(
        self, c: tuple[float, float, float], v: tuple[float, float, float], radius: float, t: float
    ) -> tuple[float, float, float, float, float]:
        """Force on a ball at centre c moving at v: (fx, fy, fz, normal force N, indentation m)."""
        z, nx, ny, nz = self.skin(c[0], c[1], t)
        gap = (c[2] - z) * nz - radius  # distance of the ball's surface from the skin's tangent plane
        if gap >= 0.0:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        depth_mm = -1000.0 * gap
        vn = v[0] * nx + v[1] * ny + v[2] * nz
        fn = self.scale * (K1_N_MM * depth_mm + K2_N_MM2 * depth_mm * depth_mm) - DAMPING_N_S_MM * 1000.0 * vn
        if fn <= 0.0:
            return 0.0, 0.0, 0.0, 0.0, -gap
        # Friction opposes the sliding velocity, smoothed near rest so it never chatters.
        tx, ty, tz = v[0] - vn * nx, v[1] - vn * ny, v[2] - vn * nz
        speed = math.sqrt(tx * tx + ty * ty + tz * tz)
        k = -FRICTION * fn / max(speed, 0.005)
        return fn * nx + k * tx, fn * ny + k * ty, fn * nz + k * tz, fn, -gap
