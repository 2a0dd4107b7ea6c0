"""Fit the back model to a depth point cloud of a person lying prone.

The cloud is expected in a frame aligned with the body frame up to a shift
(a camera above the table, calibrated to it) and cropped to the back, waist to
C7. Robust least squares (soft-L1 loss) shrugs off outliers; holes simply
leave fewer points. `synthetic_cloud` makes test clouds from the model itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from backrub.robot.surface import BackSurface, surface_from_body

# Plausible bounds (m) for each shape parameter, in BackSurface order.
_LOWER = np.array([0.30, 0.28, 0.20, 0.0, 0.0, 0.0, 0.0, 0.04])
_UPPER = np.array([0.80, 0.65, 0.60, 0.10, 0.08, 0.03, 0.04, 0.25])
_SHIFT_LIMIT_M = 0.10


@dataclass(frozen=True, slots=True, kw_only=True)
class FitResult:
    """The fitted back, where it lies in the cloud's frame, and how well it fits."""

    surface: BackSurface
    offset: np.ndarray  # (3,) body-frame origin in the cloud's frame, metres
    rms_residual_m: float  # over inliers
    inlier_fraction: float

    def height_in_cloud(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The fitted skin height at cloud-frame (x, y)."""
        dx, dy, dz = self.offset
        return np.asarray(self.surface.height(x - dx, y - dy) + dz)


def synthetic_cloud(
    surface: BackSurface,
    rng: np.random.Generator,
    *,
    n_points: int = 20_000,
    noise_m: float = 0.002,
    holes: int = 3,
    hole_radius_m: float = 0.04,
    outlier_fraction: float = 0.05,
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> np.ndarray:
    """A depth cloud (N, 3) of the back with sensor noise, holes and outliers.

    Outliers stand 2–15 cm off the skin, like folds of a towel or a stray hand.
    """
    L = surface.back_length
    y = rng.uniform(0.0, L, n_points)
    x = rng.uniform(-1.0, 1.0, n_points) * surface.half_width(y)
    keep = np.ones(n_points, bool)
    for _ in range(holes):
        cy = rng.uniform(0.1 * L, 0.9 * L)
        cx = rng.uniform(-0.6, 0.6) * surface.half_width(np.array(cy))
        keep &= (x - cx) ** 2 + (y - cy) ** 2 > hole_radius_m**2
    x, y = x[keep], y[keep]
    z = surface.height(x, y) + rng.normal(0.0, noise_m, x.size)
    bad = rng.random(x.size) < outlier_fraction
    z[bad] += rng.choice([-1.0, 1.0], bad.sum()) * rng.uniform(0.02, 0.15, bad.sum())
    return np.asarray(np.stack([x, y, z], axis=1) + np.asarray(offset, float))


def fit_surface(cloud: np.ndarray, *, inlier_m: float = 0.01) -> FitResult:
    """Least-squares fit of shape and position to a cloud (N, 3) in metres."""
    pts = np.asarray(cloud, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) < 200:
        raise ValueError(f"expected a cloud of at least 200 points, shape (N, 3) (got {pts.shape})")
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    x, y, z = pts.T
    start = _initial_guess(x, y, z)
    lower = np.concatenate([_LOWER, [-np.inf] * 3])
    upper = np.concatenate([_UPPER, [np.inf] * 3])
    lower[8:10] = start[8:10] - _SHIFT_LIMIT_M
    upper[8:10] = start[8:10] + _SHIFT_LIMIT_M
    start = np.clip(start, lower + 1e-9, upper - 1e-9)

    def residuals(p: np.ndarray) -> np.ndarray:
        surface = BackSurface.from_vector(p[:8])
        return np.asarray(z - surface.height(x - p[8], y - p[9]) - p[10])

    sol = least_squares(residuals, start, bounds=(lower, upper), loss="soft_l1", f_scale=0.003, x_scale="jac")
    res = residuals(sol.x)
    inliers = np.abs(res) < inlier_m
    return FitResult(
        surface=BackSurface.from_vector(sol.x[:8]),
        offset=sol.x[8:11].copy(),
        rms_residual_m=float(np.sqrt(np.mean(res[inliers] ** 2))) if inliers.any() else np.inf,
        inlier_fraction=float(inliers.mean()),
    )


def _initial_guess(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Size and shift read off the cloud's extent, shape from an average back."""
    y0, y1 = np.percentile(y, [0.2, 99.8])
    length = float(np.clip(y1 - y0, _LOWER[0], _UPPER[0]))
    x_mid = float(np.median(x))
    low = (y - y0) < 0.1 * length
    high = (y1 - y) < 0.1 * length
    waist = 2 * float(np.percentile(np.abs(x[low] - x_mid), 99)) if low.any() else 0.32
    shoulders = 2 * float(np.percentile(np.abs(x[high] - x_mid), 99)) if high.any() else 0.42
    shape = surface_from_body(
        100 * length,
        100 * float(np.clip(shoulders, _LOWER[1], _UPPER[1])),
        100 * float(np.clip(waist, _LOWER[2], _UPPER[2])),
    )
    near_origin = low & (np.abs(x - x_mid) < 0.03)
    dz = float(np.median(z[near_origin])) if near_origin.any() else float(np.median(z))
    return np.concatenate([shape.to_vector(), [x_mid, y0, dz]])


def surface_error_m(fit: FitResult, truth: BackSurface, offset: np.ndarray) -> float:
    """RMS height difference (m) between a fit and the true back, over the back."""
    L = truth.back_length
    ys = np.linspace(0.03 * L, 0.97 * L, 60)
    u = np.linspace(-0.9, 0.9, 41)
    yy, uu = np.meshgrid(ys, u, indexing="ij")
    xx = uu * truth.half_width(yy)
    dx, dy, dz = offset
    true_z = truth.height(xx, yy) + dz
    fit_z = fit.height_in_cloud(xx + dx, yy + dy)
    return float(np.sqrt(np.mean((fit_z - true_z) ** 2)))
