"""How near the arm comes to what it must not touch: skin, upper arms, table and its own mount.

The reach check (`reach.py`) and the planner of a reconfiguration's joint move
(`airmove.py`) measure with these same functions: every link, the wrist sensor
and the tool's stick as capsules, and the tool ball itself, against the
modelled skin (distance along its normal), the receiver's upper arms, the
table top and the frame or pedestal holding the arm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backrub.robot import ur5e
from backrub.robot.arm_model import (
    arm_capsules_local,
    base_transform,
    mount_capsules,
    table_top_z,
    upper_arms,
)
from backrub.robot.surface import EDGE_FRACTION, SIDE_ALLOWANCE_M, BackSurface

CLEARANCE_M = 0.02
STICK_CLEARANCE_M = 0.005


@dataclass(frozen=True, slots=True, kw_only=True)
class ArmPlacement:
    """Where the arm's base stands in the body frame, and which way it faces."""

    base_m: tuple[float, float, float]
    yaw_deg: float
    tilt_deg: float = 0.0  # 0: upright on a pedestal; 180: hanging from a frame (arm_model.base_transform)


def link_clearance(
    q: np.ndarray, f: np.ndarray, surface: BackSurface, placement: ArmPlacement
) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: the smallest gap (m) of a link to skin, upper arms, table or mount; and if one is too near.

    The base housing (link 1) is bolted to the mount, so only the links beyond
    it are measured against the mount.
    """
    n = len(q)
    worst = np.full(n, np.inf)
    too_near = np.zeros(n, bool)
    u = np.linspace(0.0, 1.0, 6)
    segments: list[tuple[np.ndarray, np.ndarray, float, float, bool]] = []
    for link, a, b, r in arm_capsules_local():
        frame = f[:, link - 1] @ _rz(q[:, link - 1])
        pa = (frame @ np.array([*a, 1.0]))[:, :3]
        pb = (frame @ np.array([*b, 1.0]))[:, :3]
        segments.append((pa, pb, r, CLEARANCE_M, link > 1))
    flange = f[:, 6]
    z6, o6 = flange[:, :3, 2], flange[:, :3, 3]
    segments.append((o6, o6 + ur5e.SENSOR_LENGTH_M * z6, 0.035, CLEARANCE_M, True))
    stick_end = ur5e.SENSOR_LENGTH_M + ur5e.TOOL_STICK_M - 0.03 - 0.012
    segments.append((o6 + ur5e.SENSOR_LENGTH_M * z6, o6 + stick_end * z6, 0.012, STICK_CLEARANCE_M, True))
    table_z = table_top_z(surface)
    arms = upper_arms(surface)
    mount = mount_capsules(surface, placement.base_m, placement.yaw_deg, placement.tilt_deg)
    top = highest_skin(surface)
    for pa, pb, r, need, by_mount in segments:
        pts = (pa[:, None, :] + u[None, :, None] * (pb - pa)[:, None, :]).reshape(-1, 3)  # (n·6, 3)
        d = np.full(len(pts), np.inf)
        # Points well above the highest skin are clear of everything: measure only the low ones.
        low = np.flatnonzero(pts[:, 2] < top + r + need + 0.05)
        p = pts[low]
        x, y, z = p[:, 0], p[:, 1], p[:, 2]
        sp, sn = surface.points_and_normals(x, y)
        on_body = np.abs(x) < body_half_width(surface, y)
        near = np.where(on_body, np.einsum("ij,ij->i", p - sp, sn), np.inf)
        near = np.minimum(near, np.where(np.abs(x) < 0.35, z - table_z, np.inf))
        for arm in arms:
            near = np.minimum(near, segment_distance(p, np.array(arm.a), np.array(arm.b)) - arm.radius)
        d[low] = near
        if by_mount:
            for part in mount:
                d = np.minimum(d, segment_distance(pts, np.array(part.a), np.array(part.b)) - part.radius)
        gap = d.reshape(n, -1).min(axis=1) - r
        too_near |= gap < need
        if need == CLEARANCE_M:  # the figure reported is the links' (the stick is allowed nearer)
            worst = np.minimum(worst, gap)
    return worst, too_near


def highest_skin(surface: BackSurface) -> float:
    xs, ys = np.meshgrid(np.linspace(-0.4, 0.4, 41), np.linspace(-0.1, surface.back_length + 0.1, 61))
    return float(surface.height(xs, ys).max()) + 0.01


def body_half_width(surface: BackSurface, y: np.ndarray) -> np.ndarray:
    return EDGE_FRACTION * (surface.half_width(y) + SIDE_ALLOWANCE_M)


def segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(np.einsum("...i,i->...", p - a, ab) / float(ab @ ab), 0.0, 1.0)
    return np.asarray(np.linalg.norm(p - (a + t[..., None] * ab), axis=-1))


def _rz(angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    t = np.zeros((len(angle), 4, 4))
    t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1] = c, -s, s, c
    t[:, 2, 2] = t[:, 3, 3] = 1.0
    return t


def lift(p: np.ndarray, surface: BackSurface, *, beside: bool = False) -> np.ndarray:
    """Distance (m) of points from the skin along its normal (over the body), or from the table.

    With `beside`, the skin's height field counts beyond the body's edge too,
    where it is held level (as the simulated tissue has it): a stricter bar.
    """
    sp, sn = surface.points_and_normals(p[:, 0], p[:, 1])
    on_body = np.abs(p[:, 0]) < body_half_width(surface, p[:, 1])
    if beside:
        on_body[:] = True
    above_table = np.where(np.abs(p[:, 0]) < 0.35, p[:, 2] - table_top_z(surface), np.inf)
    return np.asarray(np.minimum(np.where(on_body, np.einsum("ij,ij->i", p - sp, sn), np.inf), above_table))


def ball_gap(q: np.ndarray, placement: ArmPlacement, surface: BackSurface, radius_m: float) -> np.ndarray:
    """The tool ball's gap (m) from skin, table and upper arms at joint angles q (n, 6).

    The skin here is the whole height field, beside the body too (held level
    there): the ball is what the simulated tissue pushes on, so it is kept
    clear of all of it.
    """
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    centre = (base @ ur5e.tool_pose(q))[:, :3, 3]
    gap = lift(centre, surface, beside=True)
    for arm in upper_arms(surface):
        gap = np.minimum(gap, segment_distance(centre, np.array(arm.a), np.array(arm.b)) - arm.radius)
    return np.asarray(gap - radius_m)
