"""The arm in the loop: a UR5e in MuJoCo, driven at 500 Hz the way a UR is driven.

Each control tick: read the wrist force/torque sensor, take the tool's weight
off (payload compensation), add the sensor's noise and delay; the safety
monitor (its own thread) gets the reading; the admittance law moves the tool
along the normal so the measured force follows the target; the joint targets
(servo streaming) are the reference solution plus that offset mapped through
the Jacobian. Landing is guarded: below GUARD_M over the modelled skin, and
until contact is felt, the tool descends no faster than GUARD_SPEED_M_S, so a
skin that is not where the model says cannot be struck. The tissue is
`tissue.py`'s curve, applied as a force on the ball.

The same loop drives a real arm through `driver.py`'s interface; here the
simulated arm is the MuJoCo model of `arm_model.py`.
"""

from __future__ import annotations

import math
import time
from array import array
from dataclasses import dataclass, field

import mujoco
import numpy as np

from backrub.robot import ur5e
from backrub.robot.arm_model import PHYSICS_HZ, arm_model, base_transform
from backrub.robot.capmap import CapMap
from backrub.robot.control import NormalForceLaw
from backrub.robot.monitor import SafetyMonitor, Trip
from backrub.robot.reach import ArmPlacement, ReachResult, check_reach, joint_path, tool_axes
from backrub.robot.surface import BackSurface
from backrub.robot.tissue import Breathing, Tissue, indentation_for
from backrub.robot.trajectory import Trajectory

CONTROL_HZ = 500.0
RETREAT_M = 0.03
RETREAT_S = 0.5
MOVE_EASE_S = 0.2  # the normal offset fades out over this time as a reconfiguration's move starts, and back


@dataclass(frozen=True, slots=True, kw_only=True)
class ArmOptions:
    """What the run simulates: sensor faults, a misplaced or breathing back, control on or off."""

    sensor_noise_n: float = 0.0
    sensor_delay_ms: float = 0.0
    surface_offset_mm: float = 0.0
    breathing_mm: float = 2.0  # a person breathes: the back is never where the model froze it
    breaths_per_minute: float = 12.0
    force_feedback: bool = True  # off: position control with the model's indentation only
    tissue_scale: float = 1.0
    heartbeat_s: float = 0.05
    silent_after_s: float | None = None
    seed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ArmResult:
    """The report of an arm run and the traces behind it."""

    duration_s: float
    wall_s: float
    cpu_s: float
    bare_wall_s: float  # a bare mj_step loop of the same model over the same physics steps
    bare_cpu_s: float
    t: np.ndarray
    target_n: np.ndarray
    measured_n: np.ndarray  # true contact force along the normal (the figure)
    sensed_n: np.ndarray  # what the controller saw: compensated, noisy, delayed
    contact: np.ndarray  # (n, 3) commanded skin point
    in_air: np.ndarray  # (n,) the plan is off the skin here
    medium: np.ndarray  # (n,) tick belongs to a medium-pressure step
    trip: Trip | None
    reach: ReachResult
    placement: ArmPlacement
    physics_steps: int
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def real_time_factor(self) -> float:
        return self.duration_s / self.wall_s if self.wall_s > 0 else math.inf

    @property
    def peak_force_n(self) -> float:
        return float(self.measured_n.max(initial=0.0))

    @property
    def force_rmse_n(self) -> float:
        return _rmse(self.target_n, self.measured_n, (self.target_n > 0) | (self.measured_n > 0))

    def report(self) -> dict[str, object]:
        """DESIGN.md's report plus the arm's figures."""
        stop = [self.trip.to_dict()] if self.trip else []
        pressing = (self.target_n > 0) | (self.measured_n > 0)
        air = self.in_air & (self.target_n == 0)
        return {
            "arm": "ur5e",
            "duration_s": round(self.duration_s, 3),
            "wall_s": round(self.wall_s, 3),
            "real_time_factor": round(self.real_time_factor, 1),
            "bare_mj_step_real_time_factor": round(self.duration_s / max(self.bare_wall_s, 1e-9), 1),
            "overhead_vs_bare_mj_step": round(self.wall_s / max(self.bare_wall_s, 1e-9), 2),
            "cpu_real_time_factor": round(self.duration_s / max(self.cpu_s, 1e-9), 1),
            "cpu_overhead_vs_bare_mj_step": round(self.cpu_s / max(self.bare_cpu_s, 1e-9), 2),
            "peak_force_n": round(self.peak_force_n, 3),
            "force_rmse_n": round(self.force_rmse_n, 4),
            "force_rmse_medium_n": round(_rmse(self.target_n, self.measured_n, pressing & self.medium), 4),
            "peak_over_target_n": round(float((self.measured_n - self.target_n).max(initial=0.0)), 3),
            "peak_in_air_n": round(float(self.measured_n[air].max(initial=0.0)), 3),
            "reachable_fraction": round(self.reach.reachable_fraction, 5),
            "reconfigurations": self.reach.reconfigurations,
            "min_clearance_m": round(self.reach.min_clearance_m, 4),
            "base_m": [round(v, 3) for v in self.placement.base_m],
            "base_yaw_deg": self.placement.yaw_deg,
            "base_tilt_deg": self.placement.tilt_deg,
            "violations": stop,
            "stopped": stop[0] if stop else None,
            "physics_steps": self.physics_steps,
            "control_hz": CONTROL_HZ,
            "physics_hz": PHYSICS_HZ,
            **{k: round(v, 4) for k, v in self.extra.items()},
        }


def _rmse(target: np.ndarray, measured: np.ndarray, mask: np.ndarray) -> float:
    return float(np.sqrt(np.mean((measured[mask] - target[mask]) ** 2))) if mask.any() else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    """Per-tick references, all precomputed with NumPy before the loop."""

    q: list[list[float]]
    qd: list[list[float]]
    dq_dn: list[list[float]]  # joint motion per metre along the normal
    normal: list[list[float]]
    height: list[float]  # plan's height of the ball above the modelled skin (0 touching)
    target: list[float]
    feedforward: list[float]  # indentation (m) the tissue curve expects at the target
    zone_cap: list[float]
    contact: np.ndarray
    target_np: np.ndarray
    medium: np.ndarray


def simulate_arm(
    traj: Trajectory,
    surface: BackSurface,
    placement: ArmPlacement,
    *,
    options: ArmOptions | None = None,
    caps: CapMap | None = None,
    cap_n: float | None = None,
    medium_n: float = 8.0,
    radius_m: float = 0.03,
) -> ArmResult:
    """Run the trajectory on the simulated UR5e; the monitor may stop it (see `ArmResult.trip`)."""
    opt = options or ArmOptions()
    cap = min(cap_n if cap_n is not None else traj.cap_n, traj.cap_n)
    reach = check_reach(traj, placement, surface, radius_m=radius_m)
    plan = _plan(traj, surface, placement, reach, caps, cap, medium_n, radius_m)
    model = arm_model(
        surface,
        placement.base_m,
        placement.yaw_deg,
        base_tilt_deg=placement.tilt_deg,
        probe_radius_m=radius_m,
    )
    data = mujoco.MjData(model)
    data.qpos[:] = plan.q[0]
    data.ctrl[:] = plan.q[0]  # the servos hold the first pose (not zero) before the first command
    mujoco.mj_forward(model, data)
    tissue = Tissue(
        surface,
        offset_m=opt.surface_offset_mm / 1000.0,
        breathing=Breathing(amplitude_m=opt.breathing_mm / 1000.0, per_minute=opt.breaths_per_minute),
        stiffness_scale=opt.tissue_scale,
    )
    ticks = len(plan.target)
    with SafetyMonitor(
        ticks + int(RETREAT_S * CONTROL_HZ) + 1, cap_n=cap, heartbeat_s=opt.heartbeat_s
    ) as mon:
        logs, wall, cpu, n_run, retreat_ticks = _loop(model, data, plan, tissue, mon, opt, radius_m)
    trip = mon.trip
    bare, bare_cpu = _bare_steps(model, plan.q[0], (n_run + retreat_ticks) * round(PHYSICS_HZ / CONTROL_HZ))
    measured, sensed, _ = logs
    n_all = len(measured)
    idx = np.minimum(np.arange(n_all), ticks - 1)
    in_air = np.array(plan.height)[idx] > 0.001
    target = plan.target_np[idx].copy()
    if n_all > n_run:  # after a trip nothing is asked of the skin
        target[n_run:] = 0.0
    return ArmResult(
        duration_s=n_all / CONTROL_HZ,
        wall_s=wall,
        cpu_s=cpu,
        bare_wall_s=bare,
        bare_cpu_s=bare_cpu,
        t=np.arange(n_all) / CONTROL_HZ,
        target_n=target,
        measured_n=np.frombuffer(measured, np.float64).copy(),
        sensed_n=np.frombuffer(sensed, np.float64).copy(),
        contact=plan.contact[idx],
        in_air=in_air,
        medium=plan.medium[idx],
        trip=trip,
        reach=reach,
        placement=placement,
        physics_steps=n_all * round(PHYSICS_HZ / CONTROL_HZ),
    )


def _plan(
    traj: Trajectory,
    surface: BackSurface,
    placement: ArmPlacement,
    reach: ReachResult,
    caps: CapMap | None,
    cap: float,
    medium_n: float,
    radius_m: float,
) -> _Plan:
    ticks = int(np.floor(traj.duration_s * CONTROL_HZ)) + 1
    index = np.minimum(np.round(np.arange(ticks) / CONTROL_HZ * traj.rate_hz).astype(np.int64), len(traj) - 1)
    pos, nrm, force = traj.position[index], traj.normal[index], traj.force[index]
    skin = surface.points(pos[:, 0], pos[:, 1])
    height = np.maximum(np.einsum("ij,ij->i", pos - skin, nrm), 0.0)
    clock = np.arange(ticks) / CONTROL_HZ * traj.rate_hz  # the ticks in (fractional) samples
    q = joint_path(pos, nrm, placement, reach, index, radius_m, tool_axes(traj)[index], clock)
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    qd = np.gradient(q, 1.0 / CONTROL_HZ, axis=0)
    n_base = nrm @ base[:3, :3]  # normals in the arm's base frame
    twist = np.zeros((ticks, 6))
    twist[:, :3] = n_base
    jac = ur5e.jacobian(q)
    dq_dn = np.linalg.solve(jac + 1e-9 * np.eye(6), twist[..., None])[..., 0]
    dq_dn *= _off_the_path(traj, reach, index)[:, None]
    if caps is not None:
        zone, _ = caps.lookup(100 * pos[:, 0], 100 * pos[:, 1])
        zone = np.minimum(zone, cap)
    else:
        zone = np.full(ticks, cap)
    steps = traj.step[index]
    medium = np.zeros(ticks, bool)
    for s in np.unique(steps[steps >= 0]):
        mask = steps == s
        if abs(float(force[mask].max()) - medium_n) < 0.05:
            medium |= mask
    return _Plan(
        q=q.tolist(),
        qd=qd.tolist(),
        dq_dn=dq_dn.tolist(),
        normal=nrm.tolist(),
        height=height.tolist(),
        target=force.tolist(),
        feedforward=(indentation_for(force) / 1000.0).tolist(),
        zone_cap=zone.tolist(),
        contact=pos,
        target_np=force,
        medium=medium,
    )


def _off_the_path(traj: Trajectory, reach: ReachResult, index: np.ndarray) -> np.ndarray:
    """Per tick, how much the force law's offset along the normal applies: 0 inside a reconfiguration.

    The reconfiguration's joint move leaves the tool's path and may pass a
    singular pose, where the Jacobian's inverse (offset → joints) blows up; the
    offset means nothing there anyway (nothing is touched). It fades out over
    MOVE_EASE_S as the move starts and back in as it ends, where the move is
    still near the path and the Jacobian is well away from singular.
    """
    weight = np.ones(len(index))
    if reach.move is None:
        return weight
    t0, t1 = (float(traj.t[reach.index[k]]) for k in reach.move)
    t = traj.t[index]
    u = np.clip(np.minimum(t - t0, t1 - t) / MOVE_EASE_S, 0.0, 1.0)
    inside = (t > t0) & (t < t1)
    weight[inside] = 1.0 - u[inside] ** 3 * (10.0 - 15.0 * u[inside] + 6.0 * u[inside] ** 2)
    return weight


def _loop(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    plan: _Plan,
    tissue: Tissue,
    mon: SafetyMonitor,
    opt: ArmOptions,
    radius: float,
) -> tuple[tuple[array[float], array[float], array[float]], float, float, int, int]:
    dt = 1.0 / CONTROL_HZ
    substeps = round(PHYSICS_HZ / CONTROL_HZ)
    ticks = len(plan.target)
    lead = [float(-model.actuator_biasprm[i, 2] / model.actuator_gainprm[i, 0]) for i in range(6)]
    tool = model.body("tool").id
    ball = model.site("ball").id
    ft = model.site("ft").id
    payload = ur5e.TOOL_MASS_KG * 9.81
    rng = np.random.default_rng(opt.seed)
    noise = (rng.standard_normal(ticks + 1) * opt.sensor_noise_n).tolist() if opt.sensor_noise_n else None
    delay = max(0, round(opt.sensor_delay_ms / 1000.0 * CONTROL_HZ))
    pipe = [0.0] * delay  # the sensor's delay line: a reading comes out `delay` ticks later
    sent_until = opt.silent_after_s if opt.silent_after_s is not None else math.inf
    measured, sensed, offset_log = array("d"), array("d"), array("d")
    step, ctrl, sdata, xfrc = mujoco.mj_step, data.ctrl, data.sensordata, data.xfrc_applied
    site_xpos, site_xmat, xipos = data.site_xpos, data.site_xmat, data.xipos
    law = NormalForceLaw(dt, plan.height[0], plan.feedforward[0], feedback=opt.force_feedback)
    law_step = law.step
    last_cmd_t = 0.0
    k_held = 0
    c_prev = tuple(site_xpos[ball])
    n_run = ticks
    start, cpu0 = time.perf_counter(), time.process_time()
    for k in range(ticks):
        now = k * dt
        if now <= sent_until:
            last_cmd_t, k_held = now, k
        kk = k_held
        n0, n1, n2 = plan.normal[kk]
        # -- sensor: force the tool's parent exerts on it, in the world, minus the tool's weight ---
        r = site_xmat[ft]
        f0, f1, f2 = sdata[0], sdata[1], sdata[2]
        wx = r[0] * f0 + r[1] * f1 + r[2] * f2
        wy = r[3] * f0 + r[4] * f1 + r[5] * f2
        wz = r[6] * f0 + r[7] * f1 + r[8] * f2 - payload
        true_f = -(wx * n0 + wy * n1 + wz * n2)  # the skin pushes out along n, the flange holds it in
        pipe.append(true_f + (noise[k] if noise is not None else 0.0))
        seen = pipe.pop(0)
        # -- the watchdog gets the stream ------------------------------------------------------
        mon.publish(k, now, seen, plan.zone_cap[kk], last_cmd_t)
        if mon.trip is not None:
            n_run = k
            break
        # -- admittance along the normal, guarded landing (control.py) -------------------------
        target = plan.target[kk]
        off, off_rate = law_step(seen, target, plan.height[kk], plan.feedforward[kk], plan.zone_cap[kk])
        q, qd, dn = plan.q[kk], plan.qd[kk], plan.dq_dn[kk]
        ctrl[0] = q[0] + off * dn[0] + lead[0] * (qd[0] + off_rate * dn[0])
        ctrl[1] = q[1] + off * dn[1] + lead[1] * (qd[1] + off_rate * dn[1])
        ctrl[2] = q[2] + off * dn[2] + lead[2] * (qd[2] + off_rate * dn[2])
        ctrl[3] = q[3] + off * dn[3] + lead[3] * (qd[3] + off_rate * dn[3])
        ctrl[4] = q[4] + off * dn[4] + lead[4] * (qd[4] + off_rate * dn[4])
        ctrl[5] = q[5] + off * dn[5] + lead[5] * (qd[5] + off_rate * dn[5])
        # -- the tissue pushes back on the ball ------------------------------------------------
        c = site_xpos[ball]
        c0, c1, c2 = c[0], c[1], c[2]
        v = ((c0 - c_prev[0]) / dt, (c1 - c_prev[1]) / dt, (c2 - c_prev[2]) / dt)
        c_prev = (c0, c1, c2)
        fx, fy, fz, fn, _ = tissue.contact((c0, c1, c2), v, radius, now)
        measured.append(fn)
        sensed.append(seen)
        offset_log.append(law.adm)
        _apply(xfrc, xipos, tool, (c0, c1, c2), (fx, fy, fz), radius)
        step(model, data, substeps)
    retreat = 0
    if mon.trip is not None:  # back off along the normal, still measuring
        retreat = _retreat(model, data, plan, tissue, n_run, measured, sensed, radius, substeps, law.h_cmd)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    return (measured, sensed, offset_log), wall, cpu, n_run, retreat


def _apply(
    xfrc: np.ndarray,
    xipos: np.ndarray,
    body: int,
    c: tuple[float, float, float],
    f: tuple[float, float, float],
    radius: float,
) -> None:
    """Put the skin's force on the tool body, with its moment about the body's centre of mass."""
    fx, fy, fz = f
    row = xfrc[body]
    row[0], row[1], row[2] = fx, fy, fz
    norm = math.sqrt(fx * fx + fy * fy + fz * fz)
    if norm == 0.0:
        row[3] = row[4] = row[5] = 0.0
        return
    com = xipos[body]
    # contact point: the ball's surface toward the force's origin (the skin)
    px = c[0] - radius * fx / norm - com[0]
    py = c[1] - radius * fy / norm - com[1]
    pz = c[2] - radius * fz / norm - com[2]
    row[3], row[4], row[5] = py * fz - pz * fy, pz * fx - px * fz, px * fy - py * fx


def _retreat(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    plan: _Plan,
    tissue: Tissue,
    k0: int,
    measured: array[float],
    sensed: array[float],
    radius: float,
    substeps: int,
    h_cmd: float,
) -> int:
    dt = 1.0 / CONTROL_HZ
    kk = min(k0, len(plan.q) - 1)
    q, dn = plan.q[kk], plan.dq_dn[kk]
    ball, tool = model.site("ball").id, model.body("tool").id
    ticks = int(RETREAT_S * CONTROL_HZ)
    c_prev = tuple(data.site_xpos[ball])
    for i in range(ticks):
        s = (i + 1) / ticks
        off = h_cmd - plan.height[kk] + RETREAT_M * (10 * s**3 - 15 * s**4 + 6 * s**5)
        data.ctrl[:] = [q[j] + off * dn[j] for j in range(6)]
        c = tuple(data.site_xpos[ball])
        v = tuple((c[j] - c_prev[j]) / dt for j in range(3))
        c_prev = c
        fx, fy, fz, fn, _ = tissue.contact(c, v, radius, (k0 + i) * dt)
        measured.append(fn)
        sensed.append(fn)
        _apply(data.xfrc_applied, data.xipos, tool, c, (fx, fy, fz), radius)
        mujoco.mj_step(model, data, substeps)
    return ticks


def _bare_steps(model: mujoco.MjModel, q0: list[float], steps: int) -> tuple[float, float]:
    """Wall and processor time of plain mj_step over the same number of physics steps (the baseline)."""
    data = mujoco.MjData(model)
    data.qpos[:] = q0
    data.ctrl[:] = q0
    mujoco.mj_forward(model, data)
    step = mujoco.mj_step
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps // 2):
        step(model, data, 2)
    return time.perf_counter() - start, time.process_time() - cpu
