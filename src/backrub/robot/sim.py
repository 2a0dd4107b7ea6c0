"""Run a trajectory in MuJoCo first: a compliant back, a probe under force control.

The back's force is `tissue.py`'s stated curve (4 mm under medium pressure),
the same the arm meets, applied to the ball; the height field is drawn only. The probe is
a ball on three slide joints, driven by motors: position control in the air
and across the skin, force control along the normal while pressing (the
commanded force plus a PI correction on the measured one, with damping). A
safety monitor runs in the same loop: the probe is stopped and pulled back if
the measured force passes the cap or if no command has arrived for longer than
the heartbeat allows.
"""

from __future__ import annotations

import time
from array import array
from dataclasses import dataclass, field

import mujoco
import numpy as np

from backrub.robot.profile import HARD_CAP_N
from backrub.robot.surface import BackSurface, surface_from_body
from backrub.robot.tissue import Tissue
from backrub.robot.trajectory import Trajectory

PHYSICS_HZ = 1000.0
CONTROL_HZ = 500.0
PROBE_MASS_KG = 1.0
GRID_M = 0.008  # height-field resolution: finer costs contacts, coarser bumps
GRAVITY = 9.81

# Controller gains.
KP, KD = 3000.0, 120.0  # position (N/m, N·s/m)
KF_P, KF_I = 0.6, 12.0  # force error (N/N, N/(N·s))
KD_NORMAL = 40.0  # damping along the normal while pressing (N·s/m)
RETREAT_M = 0.03
RETREAT_S = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class SimEvent:
    """Why and when the safety monitor stopped the probe."""

    kind: str  # force_cap | heartbeat
    t_s: float
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "t_s": round(self.t_s, 4), "message": self.message}


@dataclass(frozen=True, slots=True, kw_only=True)
class SimResult:
    """What happened: the report of DESIGN.md, and the traces behind it."""

    duration_s: float
    wall_s: float
    peak_force_n: float
    force_rmse_n: float
    violations: list[SimEvent]
    t: np.ndarray  # control ticks
    target_n: np.ndarray
    measured_n: np.ndarray
    probe: np.ndarray  # (n, 3) probe centre
    contact: np.ndarray  # (n, 3) commanded skin point
    controls: np.ndarray  # (n, 3) motor forces sent each tick, to replay without a controller
    physics_steps: int
    extra: dict[str, float] = field(default_factory=dict)
    cpu_s: float = 0.0  # processor time of the control loop (wall_s counts waiting too)
    pushes: np.ndarray | None = None  # (n, 3) the tissue's force on the ball each tick, for a replay

    @property
    def real_time_factor(self) -> float:
        return self.duration_s / self.wall_s if self.wall_s > 0 else float("inf")

    def report(self) -> dict[str, object]:
        """The JSON report: duration, speed, force figures and what the monitor did."""
        return {
            "duration_s": round(self.duration_s, 3),
            "wall_s": round(self.wall_s, 3),
            "real_time_factor": round(self.real_time_factor, 1),
            "peak_force_n": round(self.peak_force_n, 3),
            "force_rmse_n": round(self.force_rmse_n, 4),
            "violations": [v.to_dict() for v in self.violations],
            "stopped": self.violations[0].to_dict() if self.violations else None,
            "physics_steps": self.physics_steps,
            "control_hz": CONTROL_HZ,
            "physics_hz": PHYSICS_HZ,
            **{k: round(v, 4) for k, v in self.extra.items()},
        }


def back_model(surface: BackSurface, probe_radius_m: float = 0.03) -> mujoco.MjModel:
    """The MuJoCo model: the back as a soft height field, the probe as a driven ball."""
    L = surface.back_length
    x_half = 0.40
    y_lo, y_hi = -0.20, L + 0.30
    xs = np.arange(-x_half, x_half + 1e-9, GRID_M)
    ys = np.arange(y_lo, y_hi + 1e-9, GRID_M)
    z = surface.height(*np.meshgrid(xs, ys))  # rows run along y, as MuJoCo expects
    z_lo, z_hi = float(z.min()), float(z.max())
    x_r, y_r = (xs[-1] - xs[0]) / 2, (ys[-1] - ys[0]) / 2
    x_c, y_c = (xs[0] + xs[-1]) / 2, (ys[0] + ys[-1]) / 2
    xml = f"""
<mujoco model="backrub">
  <option timestep="{1 / PHYSICS_HZ}" gravity="0 0 {-GRAVITY}" integrator="implicitfast"/>
  <asset>
    <hfield name="back" nrow="{ys.size}" ncol="{xs.size}"
            size="{x_r} {y_r} {z_hi - z_lo} 0.05"/>
  </asset>
  <worldbody>
    <geom name="back" type="hfield" hfield="back" pos="{x_c} {y_c} {z_lo}" contype="0" conaffinity="0"/>
    <body name="probe" pos="0 0 0">
      <joint name="px" type="slide" axis="1 0 0" damping="1"/>
      <joint name="py" type="slide" axis="0 1 0" damping="1"/>
      <joint name="pz" type="slide" axis="0 0 1" damping="1"/>
      <geom name="ball" type="sphere" size="{probe_radius_m}" mass="{PROBE_MASS_KG}"
            contype="0" conaffinity="0"/>
    </body>
  </worldbody>
  <actuator>
    <motor joint="px" ctrlrange="-200 200"/>
    <motor joint="py" ctrlrange="-200 200"/>
    <motor joint="pz" ctrlrange="-200 200"/>
  </actuator>
</mujoco>"""
    model = mujoco.MjModel.from_xml_string(xml)
    model.hfield_data[:] = ((z - z_lo) / max(z_hi - z_lo, 1e-9)).ravel()
    return model


def simulate(
    traj: Trajectory,
    *,
    cap_n: float | None = None,
    heartbeat_s: float = 0.05,
    silent_after_s: float | None = None,
    probe_radius_m: float = 0.03,
) -> SimResult:
    """Follow a trajectory in physics; `silent_after_s` cuts the command stream (a fault drill)."""
    surface = traj.surface or surface_from_body(*(traj.body_cm or (50.0, 42.0, 32.0)))
    model = back_model(surface, probe_radius_m)
    data = mujoco.MjData(model)
    cap = min(cap_n if cap_n is not None else traj.cap_n, HARD_CAP_N)
    centre = traj.position + probe_radius_m * traj.normal
    velocity = np.gradient(centre, 1.0 / traj.rate_hz, axis=0)
    data.qpos[:] = centre[0]
    mujoco.mj_forward(model, data)

    ticks = int(np.floor(traj.duration_s * CONTROL_HZ)) + 1
    tick_t = np.arange(ticks) / CONTROL_HZ
    index = np.minimum(np.round(tick_t * traj.rate_hz).astype(np.int64), len(traj) - 1)
    # Per-tick commands as one list of plain tuples: Python floats are quicker than NumPy scalars.
    commands = np.column_stack(
        [centre[index], velocity[index], traj.normal[index], traj.force[index]]
    ).tolist()
    sent_until = silent_after_s if silent_after_s is not None else np.inf

    # What each tick saw and sent, appended as raw doubles (no NumPy call per tick).
    measured_log = array("d")
    probe_log = array("d")
    control_log = array("d")
    push_log = array("d")
    dt = 1.0 / CONTROL_HZ
    substeps = round(PHYSICS_HZ / CONTROL_HZ)
    weight = PROBE_MASS_KG * GRAVITY
    qpos, qvel, ctrl = data.qpos, data.qvel, data.ctrl
    tissue = Tissue(surface)
    push_back = data.xfrc_applied[model.body("probe").id]
    step, get_q, get_v = mujoco.mj_step, qpos.tolist, qvel.tolist
    integral = 0.0
    last_command_t = 0.0
    events: list[SimEvent] = []
    stop_tick = ticks
    held: list[float] = []  # the last command received, kept while the stream is silent
    start, cpu = time.perf_counter(), time.process_time()
    for k in range(ticks):
        now = k * dt
        q0, q1, q2 = q = get_q()
        v0, v1, v2 = get_v()
        # The skin's force on the ball: the tissue curve (tissue.py), the same under the arm's tool.
        fx, fy, fz, f_meas, _ = tissue.contact((q0, q1, q2), (v0, v1, v2), probe_radius_m, now)
        push_back[0], push_back[1], push_back[2] = fx, fy, fz
        measured_log.append(f_meas)
        probe_log.extend(q)
        if now <= sent_until:
            last_command_t = now
            held = commands[k]
        # -- safety monitor: it runs before the controller sees the command ----------
        if f_meas > cap:
            events.append(
                SimEvent(
                    kind="force_cap",
                    t_s=now,
                    message=f"measured {f_meas:.1f} N above the cap {cap:g} N",
                )
            )
        elif now - last_command_t > heartbeat_s:
            events.append(
                SimEvent(
                    kind="heartbeat",
                    t_s=now,
                    message=f"no command for {1000 * (now - last_command_t):.0f} ms"
                    f" (allowed {1000 * heartbeat_s:.0f} ms)",
                )
            )
        if events:
            stop_tick = k
            break
        c0, c1, c2, w0, w1, w2, n0, n1, n2, f_t = held
        e0, e1, e2 = c0 - q0, c1 - q1, c2 - q2
        d0, d1, d2 = w0 - v0, w1 - v1, w2 - v2
        if f_t > 0.0:
            # Across the skin: position; along the normal: force.
            en = e0 * n0 + e1 * n1 + e2 * n2
            dn = d0 * n0 + d1 * n1 + d2 * n2
            vn = v0 * n0 + v1 * n1 + v2 * n2
            err = f_t - f_meas
            integral = min(max(integral + err * dt, -0.5), 0.5)
            push = f_t + KF_P * err + KF_I * integral
            a = -push - KD_NORMAL * vn
            u0 = KP * (e0 - en * n0) + KD * (d0 - dn * n0) + a * n0
            u1 = KP * (e1 - en * n1) + KD * (d1 - dn * n1) + a * n1
            u2 = KP * (e2 - en * n2) + KD * (d2 - dn * n2) + a * n2
        else:
            integral = 0.0
            u0, u1, u2 = KP * e0 + KD * d0, KP * e1 + KD * d1, KP * e2 + KD * d2
        u = (u0, u1, u2 + weight)
        ctrl[:] = u
        control_log.extend(u)
        push_log.extend((fx, fy, fz))
        step(model, data, substeps)

    if events:  # pull back along the last normal and hold there
        n_last = np.array(held[6:9]) if held else np.array([0.0, 0.0, 1.0])
        target = np.array(qpos) + RETREAT_M * n_last
        for i in range(int(RETREAT_S * CONTROL_HZ)):
            c, v = qpos.tolist(), qvel.tolist()
            push_back[:3] = tissue.contact(
                (c[0], c[1], c[2]), (v[0], v[1], v[2]), probe_radius_m, (stop_tick + i) * dt
            )[:3]
            u = KP * (target - qpos) - KD * qvel
            ctrl[:] = u + np.array([0.0, 0.0, weight])
            mujoco.mj_step(model, data, substeps)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu

    n_run = stop_tick if events else ticks
    target_n = traj.force[index[:n_run]]
    meas = np.frombuffer(measured_log, np.float64)[:n_run].copy()
    probe = np.frombuffer(probe_log, np.float64).reshape(-1, 3)[:n_run].copy()
    controls = np.frombuffer(control_log, np.float64).reshape(-1, 3)[:n_run].copy()
    pushes = np.frombuffer(push_log, np.float64).reshape(-1, 3)[:n_run].copy()
    pressing = (target_n > 0) | (meas > 0)
    contact = traj.position[index[:n_run]]
    normal = traj.normal[index[:n_run]]
    depth = probe_radius_m - np.einsum("ij,ij->i", probe[:n_run] - contact, normal)
    rmse = float(np.sqrt(np.mean((meas[pressing] - target_n[pressing]) ** 2))) if pressing.any() else 0.0
    return SimResult(
        duration_s=n_run * dt,
        wall_s=wall,
        cpu_s=cpu,
        peak_force_n=float(meas.max(initial=0.0)),
        force_rmse_n=rmse,
        violations=events,
        t=tick_t[:n_run],
        target_n=target_n,
        measured_n=meas,
        probe=probe[:n_run],
        contact=contact,
        controls=controls[:n_run],
        pushes=pushes,
        physics_steps=int(n_run * substeps),
        extra={"mean_indentation_mm": 1000 * float(depth[meas > 1.0].mean()) if (meas > 1.0).any() else 0.0},
    )
