"""A 3D model of a prone back in the body frame, built from three measurements.

Body frame (metres): origin on the spine at the waistline, x toward the
receiver's right, y toward the head, z out of the back (up, for a person lying
prone). The back map's (x_cm, y_cm) is the projection on the x-y plane, so a
map point lies on the skin at ``(x_cm / 100, y_cm / 100, height(x, y))``.

The height is a sum of smooth terms, each one a feature a hand would feel:
the curve along the spine (lumbar lordosis low, thoracic kyphosis high), the
rounded sides, the groove over the spine and the two shoulder blades.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache

import numpy as np

# The sides fall away as an ellipse whose half-width is the torso's plus this
# allowance, so the shoulders and upper arms still have a finite slope.
SIDE_ALLOWANCE_M = 0.12
# Off the ellipse's reach the height is held, so numbers stay finite anywhere.
EDGE_FRACTION = 0.95
GROOVE_SIGMA_M = 0.018
# Samples are evaluated this many at a time, so every temporary stays in cache.
CHUNK = 8192


@dataclass(frozen=True, slots=True, kw_only=True)
class BackSurface:
    """Shape parameters of one back, all in metres."""

    back_length: float = 0.50
    shoulder_width: float = 0.42
    waist_width: float = 0.32
    kyphosis: float = 0.030  # height of the thoracic curve above the spine line
    lordosis: float = 0.025  # depth of the lumbar curve
    groove_depth: float = 0.008  # spinal groove between the paraspinal muscles
    scapula_height: float = 0.010  # how far each shoulder blade stands out
    torso_depth: float = 0.11  # vertical half-axis of the rounded sides

    def to_vector(self) -> np.ndarray:
        """The parameters as a float64 vector, in declaration order."""
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=np.float64)

    @classmethod
    def from_vector(cls, v: np.ndarray) -> BackSurface:
        """The inverse of `to_vector`."""
        return cls(**{f.name: float(x) for f, x in zip(fields(cls), v, strict=True)})

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def with_(self, **changes: float) -> BackSurface:
        """A copy with some parameters changed (the surface itself is frozen)."""
        return replace(self, **changes)

    # -- geometry -----------------------------------------------------------------
    def half_width(self, y: np.ndarray) -> np.ndarray:
        """Torso half-width at height y: waist, widening smoothly to the shoulders."""
        hw, hs = self.waist_width / 2, self.shoulder_width / 2
        u = np.clip(y / (0.75 * self.back_length), 0.0, 1.0)
        # smootherstep keeps the sides' curvature continuous, so motions stay jerk-free
        return hw + (hs - hw) * u**3 * (10.0 - 15.0 * u + 6.0 * u**2)

    def height(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Skin height z (m) over body-frame (x, y) in metres; 0 at the origin."""
        xf, yf, shape = _flat_pair(x, y)
        z = np.empty(xf.size)
        for sl in _chunks(xf.size):
            z[sl] = self._evaluate(xf[sl], yf[sl], slopes=False)[0]
        z -= self._origin_height()
        return z.reshape(shape)

    def gradient(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The analytic slopes (dh/dx, dh/dy), each shaped like x and y broadcast together."""
        xf, yf, shape = _flat_pair(x, y)
        hx, hy = np.empty(xf.size), np.empty(xf.size)
        for sl in _chunks(xf.size):
            _, hx[sl], hy[sl] = self._evaluate(xf[sl], yf[sl], slopes=True)
        return hx.reshape(shape), hy.reshape(shape)

    def normal(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Unit normals out of the skin (z component positive), shape (..., 3)."""
        return self.points_and_normals(x, y)[1]

    def points(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Skin points (..., 3) over body-frame (x, y) in metres."""
        xf, yf, shape = _flat_pair(x, y)
        pts = np.empty((xf.size, 3))
        pts[:, 0], pts[:, 1] = xf, yf
        z0 = self._origin_height()
        for sl in _chunks(xf.size):
            pts[sl, 2] = self._evaluate(xf[sl], yf[sl], slopes=False)[0] - z0
        return pts.reshape(*shape, 3)

    def points_and_normals(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Skin points and unit outward normals (..., 3) in one pass over the samples.

        The normal of z = h(x, y) is (-h_x, -h_y, 1) / sqrt(1 + h_x² + h_y²), with
        the slopes differentiated term by term (`_evaluate`), not by differences.
        """
        xf, yf, shape = _flat_pair(x, y)
        pts = np.empty((xf.size, 3))
        nrm = np.empty((xf.size, 3))
        pts[:, 0], pts[:, 1] = xf, yf
        z0 = self._origin_height()
        for sl in _chunks(xf.size):
            h, hx, hy = self._evaluate(xf[sl], yf[sl], slopes=True)
            pts[sl, 2] = h - z0
            inv = 1.0 / np.sqrt(1.0 + hx * hx + hy * hy)
            nrm[sl, 0] = -hx * inv
            nrm[sl, 1] = -hy * inv
            nrm[sl, 2] = inv
        return pts.reshape(*shape, 3), nrm.reshape(*shape, 3)

    def _origin_height(self) -> float:
        return _origin_height(self)

    def _evaluate(
        self, x: np.ndarray, y: np.ndarray, *, slopes: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Raw height (not yet shifted to 0 at the origin) and, if asked, its two slopes.

        x and y are 1-D and short (a chunk that fits in cache). Without `slopes`
        the last two entries are the height itself, unused.
        """
        L = self.back_length
        # Along the spine: kyphosis high at 0.68 L, lordosis low at 0.12 L.
        s1, s2 = 0.22 * L, 0.14 * L
        u1 = (y - 0.68 * L) / s1
        u2 = (y - 0.12 * L) / s2
        b1, b2 = _bell(u1), _bell(u2)
        b1 *= self.kyphosis
        b2 *= self.lordosis
        h = b1 - b2
        # The rounded sides: an ellipse whose half-width a(y) follows the torso.
        hw, hs = self.waist_width / 2, self.shoulder_width / 2
        span = 0.75 * L
        u = np.clip(y / span, 0.0, 1.0)
        a = hw + SIDE_ALLOWANCE_M + (hs - hw) * (u**3 * (10.0 - 15.0 * u + 6.0 * u * u))
        q = x / a
        r2 = np.minimum(q * q, EDGE_FRACTION**2)
        root = np.sqrt(1.0 - r2)
        h += self.torso_depth * (root - 1.0)
        # The spinal groove and the two shoulder blades.
        g = np.exp(-0.5 * (x / GROOVE_SIGMA_M) ** 2)
        g *= self.groove_depth
        h -= g
        sw, sb = 0.17 * hs, 0.10 * L
        v1 = (x - 0.55 * hs) / sw
        v2 = (x + 0.55 * hs) / sw
        c1, c2 = _bell(v1), _bell(v2)
        w = (y - 0.76 * L) / sb
        bw = _bell(w)
        bw *= self.scapula_height
        across = c1 + c2
        h += across * bw
        if not slopes:
            return h, h, h
        # d/dy of the spine line: bell'(u) = -u bell(u).
        hy = (u2 * b2) * (1.0 / s2) - (u1 * b1) * (1.0 / s1)
        # Sides: d/dr2 of T (sqrt(1 - r2) - 1) is -T / (2 root); held flat past the edge.
        k = self.torso_depth * q / (a * root)
        k[q * q >= EDGE_FRACTION**2] = 0.0
        da = (hs - hw) / span * 30.0 * (u * (1.0 - u)) ** 2  # zero where u is clipped
        hx = -k
        hy += k * q * da
        # Groove: d/dx of -G exp(-x²/2σ²) is G x/σ² exp(...).
        hx += g * x * (1.0 / GROOVE_SIGMA_M**2)
        # Blades: across(x) · B(y).
        hx -= (v1 * c1 + v2 * c2) * (bw / sw)
        hy -= across * (w * bw / sb)
        return h, hx, hy


def _bell(u: np.ndarray) -> np.ndarray:
    return np.asarray(np.exp(-0.5 * u * u))


@lru_cache(maxsize=64)
def _origin_height(surface: BackSurface) -> float:
    """The raw height at the origin, which `height` subtracts (the surface is frozen: cache it)."""
    return float(surface._evaluate(np.zeros(1), np.zeros(1), slopes=False)[0][0])


def _flat_pair(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """x and y broadcast together, as contiguous 1-D float64 arrays, and their common shape."""
    x, y = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
    return np.ascontiguousarray(x).ravel(), np.ascontiguousarray(y).ravel(), x.shape


def _chunks(n: int) -> list[slice]:
    return [slice(i, i + CHUNK) for i in range(0, n, CHUNK)]


def surface_from_body(
    back_length_cm: float = 50.0, shoulder_width_cm: float = 42.0, waist_width_cm: float = 32.0
) -> BackSurface:
    """The back of a person with these tape-measure figures (cm).

    Curves and features scale with the back length; an average adult's back
    (50 cm) has a 3 cm kyphosis and a 2.5 cm lordosis.
    """
    L = back_length_cm / 100.0
    return BackSurface(
        back_length=L,
        shoulder_width=shoulder_width_cm / 100.0,
        waist_width=waist_width_cm / 100.0,
        kyphosis=0.06 * L,
        lordosis=0.05 * L,
        groove_depth=0.016 * L,
        scapula_height=0.02 * L,
        torso_depth=0.34 * waist_width_cm / 100.0,
    )


def map_to_body(path_cm: np.ndarray) -> np.ndarray:
    """Back-map points (x_cm, y_cm) to body-frame (x, y) in metres."""
    return np.asarray(path_cm, dtype=np.float64) / 100.0
