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

import numpy as np

# The sides fall away as an ellipse whose half-width is the torso's plus this
# allowance, so the shoulders and upper arms still have a finite slope.
SIDE_ALLOWANCE_M = 0.12
# Off the ellipse's reach the height is held, so numbers stay finite anywhere.
EDGE_FRACTION = 0.95
GROOVE_SIGMA_M = 0.018
# Central differences for normals; the model is smooth, so this is exact enough.
_H = 1e-5


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

    def _raw_height(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        L = self.back_length
        spine_line = self.kyphosis * _bell((y - 0.68 * L) / (0.22 * L)) - self.lordosis * _bell(
            (y - 0.12 * L) / (0.14 * L)
        )
        a = self.half_width(y) + SIDE_ALLOWANCE_M
        r2 = np.minimum((x / a) ** 2, EDGE_FRACTION**2)
        sides = -self.torso_depth * (1.0 - np.sqrt(1.0 - r2))
        groove = -self.groove_depth * np.exp(-0.5 * (x / GROOVE_SIGMA_M) ** 2)
        hs = self.shoulder_width / 2
        across = _bell((x - 0.55 * hs) / (0.17 * hs)) + _bell((x + 0.55 * hs) / (0.17 * hs))
        blades = self.scapula_height * across * _bell((y - 0.76 * L) / (0.10 * L))
        return spine_line + sides + groove + blades

    def height(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Skin height z (m) over body-frame (x, y) in metres; 0 at the origin."""
        zero = np.zeros(1)
        return self._raw_height(np.asarray(x, float), np.asarray(y, float)) - self._raw_height(zero, zero)[0]

    def normal(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Unit normals out of the skin, shape (..., 3)."""
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        hx = (self._raw_height(x + _H, y) - self._raw_height(x - _H, y)) / (2 * _H)
        hy = (self._raw_height(x, y + _H) - self._raw_height(x, y - _H)) / (2 * _H)
        n = np.stack([-hx, -hy, np.ones_like(hx)], axis=-1)
        return n / np.linalg.norm(n, axis=-1, keepdims=True)

    def points(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Skin points (..., 3) over body-frame (x, y) in metres."""
        x = np.asarray(x, float)
        y = np.asarray(y, float)
        return np.stack([x, y, self.height(x, y)], axis=-1)


def _bell(u: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * u * u)


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
