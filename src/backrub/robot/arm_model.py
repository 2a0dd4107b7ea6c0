"""The MuJoCo scene of the arm in the loop: table, receiver, pedestal, UR5e, wrist sensor, ball tool.

Written here from the facts in `ur5e.py` (no model is downloaded). Every link
is a capsule, the same capsules the reach check measures clearances with. The
skin is not a MuJoCo contact: `tissue.py` computes the contact force from a
stated stiffness curve and applies it to the ball, so the tissue does not
depend on the probe's mass. The back's height field and the upper arms are
drawn for the eye and for clearances; nothing in MuJoCo collides.

Body frame = world frame: origin on the spine at the waistline, x to the
receiver's right, y toward the head, z up (docs/robot.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np

from backrub.robot import ur5e
from backrub.robot.surface import BackSurface

PHYSICS_HZ = 1000.0
GRAVITY = 9.81
SERVO_HZ = 12.0  # bandwidth of each joint's position servo (a UR tracks servoj targets tightly)
# Reflected motor inertia at each joint (kg·m²); not published, a harmonic drive's usual order.
ARMATURE = (0.12, 0.12, 0.06, 0.02, 0.02, 0.02)
TABLE_GAP_M = 0.10  # table top this far below the lowest modelled skin at the sides (the trunk's depth)
UPPER_ARM_RADIUS_M = 0.045
UPPER_ARM_LENGTH_M = 0.30
# The frame a hanging arm is bolted to: an adapter plate behind the base, a bracket up to a
# cross-beam, and two posts standing on the floor clear of the table and the receiver's arms.
PLATE_RADIUS_M = 0.09  # a little wider than the UR5e's 149 mm base flange
PLATE_DEPTH_M = 0.12  # from the base's mounting face back to the bracket
FRAME_RADIUS_M = 0.04  # 80 mm aluminium profile, as a capsule
FRAME_ABOVE_M = 0.25  # the cross-beam this far above the base
FRAME_HALF_SPAN_M = 0.75  # posts at x = ±0.75 m
PEDESTAL_RADIUS_M = 0.09
FLOOR_BELOW_TABLE_M = 0.70


@dataclass(frozen=True, slots=True, kw_only=True)
class Capsule:
    """A capsule in the world: segment ends (m) and radius (m)."""

    a: tuple[float, float, float]
    b: tuple[float, float, float]
    radius: float


def base_transform(base_m: tuple[float, float, float], yaw_deg: float, tilt_deg: float = 0.0) -> np.ndarray:
    """The arm base's pose in the body frame (4×4): tilted about the body's y axis, then turned by yaw.

    Tilt 0 stands the arm upright on a pedestal; 180 hangs it upside down from
    a frame; between, the base's axis leans toward +x (yaw 0) or toward the
    head (yaw 90). Yaw turns the whole mount about the vertical.
    """
    t = np.eye(4)
    c, s = np.cos(np.radians(yaw_deg)), np.sin(np.radians(yaw_deg))
    ct, st = np.cos(np.radians(tilt_deg)), np.sin(np.radians(tilt_deg))
    yaw = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    tilt = np.array([[ct, 0.0, st], [0.0, 1.0, 0.0], [-st, 0.0, ct]])
    t[:3, :3] = yaw @ tilt
    t[:3, 3] = base_m
    return t


def hanging(tilt_deg: float) -> bool:
    """Whether a base tilted this much hangs from a frame (rather than standing on a pedestal)."""
    return abs(((tilt_deg + 180.0) % 360.0) - 180.0) > 90.0


def mount_capsules(
    surface: BackSurface, base_m: tuple[float, float, float], yaw_deg: float, tilt_deg: float
) -> list[Capsule]:
    """What holds the arm: a pedestal under an upright base; plate, bracket, beam and posts for a hanging one.

    The reach check keeps the arm's links (beyond the base housing) 2 cm from
    these, as from the skin and the table.
    """
    base = np.asarray(base_m, dtype=np.float64)
    floor_z = table_top_z(surface) - FLOOR_BELOW_TABLE_M
    # Capsules have round ends: each stops a radius short of the base's face, so its cap is flush with it.
    if not hanging(tilt_deg):
        x, y, z = base_m
        return [Capsule(a=(x, y, floor_z), b=(x, y, z - PEDESTAL_RADIUS_M), radius=PEDESTAL_RADIUS_M)]
    axis = base_transform(base_m, yaw_deg, tilt_deg)[:3, 2]
    plate_a = base - PLATE_RADIUS_M * axis
    back = base - (PLATE_RADIUS_M + PLATE_DEPTH_M) * axis
    beam_z = base[2] + FRAME_ABOVE_M
    top = np.array([back[0], back[1], beam_z])
    span = FRAME_HALF_SPAN_M
    return [
        Capsule(a=tuple(plate_a), b=tuple(back), radius=PLATE_RADIUS_M),
        Capsule(a=tuple(back), b=tuple(top), radius=FRAME_RADIUS_M),
        Capsule(a=(-span, back[1], beam_z), b=(span, back[1], beam_z), radius=FRAME_RADIUS_M),
        Capsule(a=(-span, back[1], floor_z), b=(-span, back[1], beam_z), radius=FRAME_RADIUS_M),
        Capsule(a=(span, back[1], floor_z), b=(span, back[1], beam_z), radius=FRAME_RADIUS_M),
    ]


def table_top_z(surface: BackSurface) -> float:
    """Height (m) of the table top in the body frame."""
    return -(surface.torso_depth + TABLE_GAP_M)


def upper_arms(surface: BackSurface) -> list[Capsule]:
    """The receiver's upper arms lying beside the torso, their tops meeting the modelled skin."""
    L, hs = surface.back_length, surface.shoulder_width / 2
    out = []
    for side in (1.0, -1.0):
        x = side * (hs + 0.5 * UPPER_ARM_RADIUS_M)
        y_top, y_low = 0.92 * L, 0.92 * L - UPPER_ARM_LENGTH_M
        z = float(surface.height(np.array([x]), np.array([0.85 * L]))[0]) - UPPER_ARM_RADIUS_M
        out.append(Capsule(a=(x, y_top, z), b=(x, y_low, z), radius=UPPER_ARM_RADIUS_M))
    return out


def arm_capsules_local() -> list[tuple[int, tuple[float, ...], tuple[float, ...], float]]:
    """Each link's capsules as (link 1..6, from, to, radius) in that link's body frame."""
    d1, a2, a3, d4, d5, d6 = 0.1625, -0.425, -0.3922, 0.1333, 0.0997, 0.0996
    so, eo = ur5e.SHOULDER_OFFSET_M, ur5e.SHOULDER_OFFSET_M - ur5e.ELBOW_OFFSET_M
    r = ur5e.LINK_RADIUS_M
    return [
        (1, (0, 0, 0), (0, 0, d1), r[0]),
        (2, (0, 0, 0), (0, 0, so), r[1]),
        (2, (0, 0, so), (a2, 0, so), r[1]),
        (3, (0, 0, eo), (0, 0, so), r[2]),
        (3, (0, 0, eo), (a3, 0, eo), r[2]),
        (4, (0, 0, eo), (0, 0, d4), r[3]),
        (5, (0, 0, 0), (0, 0, d5), r[4]),
        (6, (0, 0, -0.01), (0, 0, d6), r[5]),
    ]


def arm_model(
    surface: BackSurface,
    base_m: tuple[float, float, float],
    base_yaw_deg: float,
    *,
    base_tilt_deg: float = 0.0,
    probe_radius_m: float = 0.03,
) -> mujoco.MjModel:
    """The scene as an MjModel, with servo gains set from the arm's own inertia."""
    t_base = base_transform(base_m, base_yaw_deg, base_tilt_deg)
    q_base = np.zeros(4)
    mujoco.mju_mat2Quat(q_base, t_base[:3, :3].ravel())
    table_z = table_top_z(surface)
    L = surface.back_length
    links = arm_capsules_local()
    parts: list[str] = []
    closing: list[str] = []
    for i in range(6):
        if i == 0:
            pos, quat = t_base[:3, 3], q_base
        else:
            pos = np.array([ur5e.DH_A[i - 1], 0.0, ur5e.DH_D[i - 1]])
            quat = _quat_x(ur5e.DH_ALPHA[i - 1])
        com = _rot_x(ur5e.DH_ALPHA[i]) @ ur5e.LINK_COM_M[i] + [ur5e.DH_A[i], 0.0, ur5e.DH_D[i]]
        m = ur5e.LINK_MASS_KG[i]
        length = max(abs(ur5e.DH_A[i]), abs(ur5e.DH_D[i]), 0.1)
        rad = ur5e.LINK_RADIUS_M[i]
        # A solid cylinder's inertia (UR calls the UR5e's own negligible and does not publish it).
        ia = 0.5 * m * rad**2
        ib = m * (3 * rad**2 + length**2) / 12
        geoms = "".join(
            f'<geom type="capsule" fromto="{_v(a)} {_v(b)}" size="{r:.4f}" rgba="0.6 0.65 0.7 1"/>'
            for link, a, b, r in links
            if link == i + 1
        )
        limit = ur5e.JOINT_LIMIT_RAD[i]
        parts.append(
            f'<body name="link{i + 1}" pos="{_v(pos)}" quat="{_v(quat)}" gravcomp="1">'
            f'<joint name="j{i + 1}" axis="0 0 1" range="{-limit:.5f} {limit:.5f}"'
            f' armature="{ARMATURE[i]}" damping="0.5"/>'
            f'<inertial pos="{_v(com)}" mass="{m}" diaginertia="{ib:.5f} {ib:.5f} {ia:.5f}"/>'
            f"{geoms}"
        )
        closing.append("</body>")
    s_len, stick = ur5e.SENSOR_LENGTH_M, ur5e.TOOL_STICK_M
    parts.append(
        f'<body name="ft_sensor" pos="0 0 {ur5e.DH_D[5]}" gravcomp="1">'
        f'<inertial pos="0 0 {s_len / 2}" mass="{ur5e.SENSOR_MASS_KG}" diaginertia="2e-4 2e-4 2e-4"/>'
        f'<geom type="cylinder" fromto="0 0 0 0 0 {s_len}" size="0.035" rgba="0.2 0.2 0.2 1"/>'
        f'<body name="tool" pos="0 0 {s_len}">'
        f'<inertial pos="0 0 {0.75 * stick:.4f}" mass="{ur5e.TOOL_MASS_KG}" diaginertia="2e-4 2e-4 1e-4"/>'
        f'<site name="ft" pos="0 0 0"/>'
        f'<geom type="capsule" fromto="0 0 0 0 0 {stick - probe_radius_m:.4f}" size="0.012"'
        f' rgba="0.8 0.8 0.8 1"/>'
        f'<geom type="sphere" pos="0 0 {stick}" size="{probe_radius_m}" rgba="0.95 0.9 0.8 1"/>'
        f'<site name="ball" pos="0 0 {stick}"/>'
        "</body></body>"
    )
    arms = "".join(
        f'<geom type="capsule" fromto="{_v(c.a)} {_v(c.b)}" size="{c.radius}" rgba="0.93 0.8 0.7 1"/>'
        for c in upper_arms(surface)
    )
    pedestal = "".join(
        f'<geom type="capsule" fromto="{_v(c.a)} {_v(c.b)}" size="{c.radius}" rgba="0.3 0.3 0.35 1"/>'
        for c in mount_capsules(surface, base_m, base_yaw_deg, base_tilt_deg)
    )
    table = (
        f'<geom type="box" pos="0 {L / 2} {table_z - 0.03}" size="0.35 {0.5 * L + 0.6} 0.03"'
        ' rgba="0.55 0.45 0.35 1"/>'
    )
    actuators = "".join(f'<position joint="j{i + 1}" kp="100" kv="10"/>' for i in range(6))
    xml = f"""
<mujoco model="backrub_ur5e">
  <compiler angle="radian"/>
  <option timestep="{1 / PHYSICS_HZ}" gravity="0 0 {-GRAVITY}" integrator="implicitfast">
    <flag contact="disable"/>
  </option>
  <worldbody>
    {table}{pedestal}{arms}
    {"".join(parts)}{"".join(closing)}
  </worldbody>
  <actuator>{actuators}</actuator>
  <sensor><force name="ft_force" site="ft"/><torque name="ft_torque" site="ft"/></sensor>
</mujoco>"""
    model = mujoco.MjModel.from_xml_string(xml)
    _set_servo_gains(model)
    return model


def _set_servo_gains(model: mujoco.MjModel) -> None:
    """PD gains from each joint's inertia at a working pose: a critically damped SERVO_HZ servo."""
    data = mujoco.MjData(model)
    data.qpos[:] = [0.0, -1.6, 1.6, -1.6, -1.6, 0.0]
    mujoco.mj_forward(model, data)
    full = np.zeros((model.nv, model.nv))
    mujoco.mj_fullM(model, data, full)
    w = 2 * np.pi * SERVO_HZ
    for i in range(6):
        inertia = full[i, i]
        kp, kv = inertia * w * w, 2.0 * inertia * w
        model.actuator_gainprm[i, 0] = kp
        model.actuator_biasprm[i, 1:3] = (-kp, -kv)


def _rot_x(alpha: float) -> np.ndarray:
    c, s = np.cos(alpha), np.sin(alpha)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def _quat_x(alpha: float) -> np.ndarray:
    return np.array([np.cos(alpha / 2), np.sin(alpha / 2), 0.0, 0.0])


def _v(v: object) -> str:
    return " ".join(f"{float(x):.6f}" for x in np.asarray(v, dtype=np.float64).ravel())
