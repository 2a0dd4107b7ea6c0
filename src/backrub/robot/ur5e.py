"""The UR5e arm: published facts, forward and inverse kinematics, the Jacobian.

Facts (docs/robot.md cites them): Denavit-Hartenberg parameters, link masses
and centres of mass from Universal Robots' "DH parameters for calculations of
kinematics and dynamics"; joint ranges (±360°, the elbow ±180° as the ROS
description limits it against self-collision) and top joint speed (180°/s)
from the UR5e technical specifications. UR states the UR5e's link inertias are
negligible; the model gives each link the inertia of a solid cylinder of its
housing instead (`LINK_SHAPES`).

All functions are vectorised: joint angles `q` have shape (..., 6), poses are
(..., 4, 4) homogeneous matrices in the arm's base frame (standard DH, z up).
"""

from __future__ import annotations

import numpy as np

# Standard DH: a (m), d (m), alpha (rad) for joints 1..6.
DH_A = np.array([0.0, -0.425, -0.3922, 0.0, 0.0, 0.0])
DH_D = np.array([0.1625, 0.0, 0.0, 0.1333, 0.0997, 0.0996])
DH_ALPHA = np.array([np.pi / 2, 0.0, 0.0, np.pi / 2, -np.pi / 2, 0.0])
LINK_MASS_KG = np.array([3.761, 8.058, 2.846, 1.37, 1.3, 0.365])
# Centre of mass of link i in DH frame i (m).
LINK_COM_M = np.array(
    [
        [0.0, -0.02561, 0.00193],
        [0.2125, 0.0, 0.11336],
        [0.15, 0.0, 0.0265],
        [0.0, -0.0018, 0.01634],
        [0.0, 0.0018, 0.01634],
        [0.0, 0.0, -0.001159],
    ]
)
JOINT_LIMIT_RAD = np.radians([360.0, 360.0, 180.0, 360.0, 360.0, 360.0])
JOINT_SPEED_RAD_S = np.radians([180.0] * 6)
REACH_M = 0.85
# Housing radius (m) of each link's capsule, and the sideways offsets of the
# upper arm (shoulder offset) and forearm along their joint axes.
LINK_RADIUS_M = np.array([0.060, 0.054, 0.045, 0.040, 0.040, 0.032])
SHOULDER_OFFSET_M = 0.138
ELBOW_OFFSET_M = 0.131

# The tool: a wrist 6-axis force/torque sensor on the flange, then a stick ending in a ball.
SENSOR_LENGTH_M = 0.04
SENSOR_MASS_KG = 0.30
TOOL_STICK_M = 0.09  # from the sensor's tool face to the ball centre
TOOL_MASS_KG = 0.20  # stick and ball, below the sensor: the payload it compensates
TOOL_LENGTH_M = SENSOR_LENGTH_M + TOOL_STICK_M  # flange to ball centre


def dh_transform(q: np.ndarray, i: int) -> np.ndarray:
    """The DH transform of joint i (0-based) at angles q (...,): Rz(q) Tz(d) Tx(a) Rx(alpha)."""
    q = np.asarray(q, np.float64)
    c, s = np.cos(q), np.sin(q)
    ca, sa = np.cos(DH_ALPHA[i]), np.sin(DH_ALPHA[i])
    t = np.zeros((*q.shape, 4, 4))
    t[..., 0, 0], t[..., 0, 1], t[..., 0, 2], t[..., 0, 3] = c, -s * ca, s * sa, DH_A[i] * c
    t[..., 1, 0], t[..., 1, 1], t[..., 1, 2], t[..., 1, 3] = s, c * ca, -c * sa, DH_A[i] * s
    t[..., 2, 1], t[..., 2, 2], t[..., 2, 3] = sa, ca, DH_D[i]
    t[..., 3, 3] = 1.0
    return t


def frames(q: np.ndarray) -> np.ndarray:
    """DH frames 0..6 in the base frame, shape (..., 7, 4, 4); frame 6 is the flange."""
    q = np.asarray(q, np.float64)
    out = np.empty((*q.shape[:-1], 7, 4, 4))
    out[..., 0, :, :] = np.eye(4)
    for i in range(6):
        out[..., i + 1, :, :] = out[..., i, :, :] @ dh_transform(q[..., i], i)
    return out


def flange_pose(q: np.ndarray) -> np.ndarray:
    """Forward kinematics: the flange pose (..., 4, 4)."""
    return frames(q)[..., 6, :, :]


def tool_pose(q: np.ndarray) -> np.ndarray:
    """The ball centre's pose: the flange moved TOOL_LENGTH_M along its z axis."""
    t = flange_pose(q)
    t[..., :3, 3] += TOOL_LENGTH_M * t[..., :3, 2]
    return t


def flange_from_tool(tool: np.ndarray) -> np.ndarray:
    """The flange pose that puts the ball centre at `tool` (same orientation)."""
    t = np.array(tool, np.float64)
    t[..., :3, 3] -= TOOL_LENGTH_M * t[..., :3, 2]
    return t


def inverse(flange: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All eight analytic solutions for flange poses (..., 4, 4).

    Returns (q, ok): q (..., 8, 6) in (-π, π], ok (..., 8) where the branch exists.
    Branch b: bit 0 picks the shoulder (θ1), bit 1 the wrist (θ5), bit 2 the elbow (θ3).
    """
    flange = np.asarray(flange, np.float64)
    shape = flange.shape[:-2]
    r, p = flange[..., :3, :3], flange[..., :3, 3]
    _d1, d4, d6 = DH_D[0], DH_D[3], DH_D[5]
    a2, a3 = DH_A[1], DH_A[2]
    p5 = p - d6 * r[..., :, 2]
    rad = np.hypot(p5[..., 0], p5[..., 1])
    ok1 = rad > d4
    phi = np.arccos(np.clip(d4 / np.maximum(rad, 1e-12), -1.0, 1.0))
    base = np.arctan2(p5[..., 1], p5[..., 0]) + np.pi / 2
    q = np.zeros((*shape, 8, 6))
    ok = np.zeros((*shape, 8), bool)
    for b in range(8):
        t1 = base + (phi if b & 1 == 0 else -phi)
        s1, c1 = np.sin(t1), np.cos(t1)
        c5 = (p[..., 0] * s1 - p[..., 1] * c1 - d4) / d6
        ok5 = np.abs(c5) <= 1.0
        t5 = np.arccos(np.clip(c5, -1.0, 1.0)) * (1.0 if b & 2 == 0 else -1.0)
        s5 = np.sin(t5)
        safe = np.where(np.abs(s5) < 1e-9, 1e-9, s5)
        t6 = np.arctan2(
            (-r[..., 0, 1] * s1 + r[..., 1, 1] * c1) / safe,
            (r[..., 0, 0] * s1 - r[..., 1, 0] * c1) / safe,
        )
        # The three parallel joints: T14 = A1⁻¹ T06 A6⁻¹ A5⁻¹ is a planar two-link chain.
        t14 = _inv(dh_transform(t1, 0)) @ flange @ _inv(dh_transform(t6, 5)) @ _inv(dh_transform(t5, 4))
        x, y = t14[..., 0, 3], t14[..., 1, 3]
        c3 = (x * x + y * y - a2 * a2 - a3 * a3) / (2 * a2 * a3)
        ok3 = np.abs(c3) <= 1.0
        t3 = np.arccos(np.clip(c3, -1.0, 1.0)) * (1.0 if b & 4 == 0 else -1.0)
        t2 = np.arctan2(y, x) - np.arctan2(a3 * np.sin(t3), a2 + a3 * np.cos(t3))
        t4 = np.arctan2(t14[..., 1, 0], t14[..., 0, 0]) - t2 - t3
        q[..., b, :] = np.stack([t1, t2, t3, t4, t5, t6], axis=-1)
        ok[..., b] = ok1 & ok5 & ok3
    return _wrap(q), ok


def jacobian(q: np.ndarray) -> np.ndarray:
    """Geometric Jacobian (..., 6, 6) of the ball centre: rows vx vy vz wx wy wz."""
    f = frames(q)
    tip = f[..., 6, :3, 3] + TOOL_LENGTH_M * f[..., 6, :3, 2]
    z = f[..., :6, :3, 2]
    o = f[..., :6, :3, 3]
    j = np.empty((*np.shape(q)[:-1], 6, 6))
    j[..., :3, :] = np.swapaxes(np.cross(z, tip[..., None, :] - o), -1, -2)
    j[..., 3:, :] = np.swapaxes(z, -1, -2)
    return j


def _inv(t: np.ndarray) -> np.ndarray:
    out = np.zeros_like(t)
    rt = np.swapaxes(t[..., :3, :3], -1, -2)
    out[..., :3, :3] = rt
    out[..., :3, 3] = -(rt @ t[..., :3, 3:4])[..., 0]
    out[..., 3, 3] = 1.0
    return out


def _wrap(q: np.ndarray) -> np.ndarray:
    return np.pi - np.mod(np.pi - q, 2 * np.pi)
