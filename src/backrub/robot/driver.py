"""Toward a real robot: one control loop, an arm behind an interface, simulated or a UR over RTDE.

`drive` runs the plan of `armsim` (joint references, normals, targets) through
an `ArmDriver`: each period it reads the compensated force along the normal,
hands it to the safety monitor and to the force law (`control.py`), and
streams joint targets, the way `servoJ` drives a UR. `SimulatedArm` is the
MuJoCo arm of `arm_model.py` with the tissue of `tissue.py`; `URArm` talks to
a UR e-Series controller (or URSim) through `ur_rtde` (`pip install ur-rtde`,
not a dependency: it is imported only when a `URArm` is made). docs/robot.md
says how to run it against URSim. Nothing here ever runs against a robot in
the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import mujoco
import numpy as np

from backrub.robot import ur5e
from backrub.robot.arm_model import PHYSICS_HZ, base_transform
from backrub.robot.control import NormalForceLaw
from backrub.robot.monitor import SafetyMonitor, Trip
from backrub.robot.tissue import Tissue

RETREAT_M = 0.03
RETREAT_S = 0.5


class ArmDriver(Protocol):
    """What the loop needs from an arm. Forces and normals are in the body frame."""

    period_s: float

    def force_along(self, normal: Sequence[float]) -> float:
        """The compensated force the skin pushes the tool with, along the outward normal (N)."""

    def command(self, q: Sequence[float], qd: Sequence[float]) -> None:
        """Stream a joint target (rad) with its velocity (rad/s) for this period."""

    def wait(self) -> None:
        """Let one control period pass (real time on a robot, physics steps in simulation)."""

    def stop(self) -> None:
        """Stop streaming; the arm holds where it is."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DriveResult:
    """What the loop sent and saw."""

    sensed_n: np.ndarray
    ticks: int
    trip: Trip | None


def drive(
    arm: ArmDriver, plan: Any, *, cap_n: float, heartbeat_s: float = 0.05, feedback: bool = True
) -> DriveResult:
    """Run a plan (`armsim._plan`) on an arm; the monitor may stop it, and then the tool backs off."""
    dt = arm.period_s
    ticks = len(plan.target)
    law = NormalForceLaw(dt, plan.height[0], plan.feedforward[0], feedback=feedback)
    sensed: list[float] = []
    n_run = ticks
    with SafetyMonitor(ticks + 1, cap_n=cap_n, heartbeat_s=heartbeat_s) as mon:
        for k in range(ticks):
            normal = plan.normal[k]
            seen = arm.force_along(normal)
            sensed.append(seen)
            mon.publish(k, k * dt, seen, plan.zone_cap[k], k * dt)
            if mon.trip is not None:
                n_run = k
                break
            off, rate = law.step(seen, plan.target[k], plan.height[k], plan.feedforward[k], plan.zone_cap[k])
            q, qd, dn = plan.q[k], plan.qd[k], plan.dq_dn[k]
            arm.command([q[i] + off * dn[i] for i in range(6)], [qd[i] + rate * dn[i] for i in range(6)])
            arm.wait()
        trip = mon.trip
    if trip is not None:
        k = min(n_run, ticks - 1)
        q, dn = plan.q[k], plan.dq_dn[k]
        steps = int(RETREAT_S / dt)
        for i in range(steps):
            s = (i + 1) / steps
            off = law.h_cmd - plan.height[k] + RETREAT_M * (10 * s**3 - 15 * s**4 + 6 * s**5)
            arm.command([q[j] + off * dn[j] for j in range(6)], [0.0] * 6)
            arm.wait()
    arm.stop()
    return DriveResult(sensed_n=np.array(sensed), ticks=n_run, trip=trip)


class SimulatedArm:
    """The MuJoCo UR5e with a wrist sensor on a back of `tissue.py`: the simulated side of the interface."""

    def __init__(
        self,
        model: mujoco.MjModel,
        tissue: Tissue,
        q0: Sequence[float],
        *,
        period_s: float = 0.002,
        radius_m: float = 0.03,
    ) -> None:
        self.model, self.tissue, self.period_s, self.radius = model, tissue, period_s, radius_m
        self.data = mujoco.MjData(model)
        self.data.qpos[:] = q0
        self.data.ctrl[:] = q0
        mujoco.mj_forward(model, self.data)
        self.lead = [float(-model.actuator_biasprm[i, 2] / model.actuator_gainprm[i, 0]) for i in range(6)]
        self.ball, self.ft, self.tool = model.site("ball").id, model.site("ft").id, model.body("tool").id
        self.substeps = round(PHYSICS_HZ * period_s)
        self.t = 0.0
        x, y, z = (float(v) for v in self.data.site_xpos[self.ball])
        self.c_prev = (x, y, z)
        self.skin_force_n: list[float] = []

    def force_along(self, normal: Sequence[float]) -> float:
        r = self.data.site_xmat[self.ft].reshape(3, 3)
        world = r @ self.data.sensordata[:3]
        world[2] -= ur5e.TOOL_MASS_KG * 9.81  # payload compensation
        return -float(world @ np.asarray(normal))

    def command(self, q: Sequence[float], qd: Sequence[float]) -> None:
        self.data.ctrl[:] = [q[i] + self.lead[i] * qd[i] for i in range(6)]

    def wait(self) -> None:
        x, y, z = (float(v) for v in self.data.site_xpos[self.ball])
        c = (x, y, z)
        dt = self.period_s
        v = ((c[0] - self.c_prev[0]) / dt, (c[1] - self.c_prev[1]) / dt, (c[2] - self.c_prev[2]) / dt)
        self.c_prev = c
        fx, fy, fz, fn, _ = self.tissue.contact(c, v, self.radius, self.t)
        self.skin_force_n.append(fn)
        row = self.data.xfrc_applied[self.tool]
        row[:3] = (fx, fy, fz)
        norm = math.sqrt(fx * fx + fy * fy + fz * fz)
        if norm > 0.0:
            p = np.asarray(c) - self.radius * np.array([fx, fy, fz]) / norm - self.data.xipos[self.tool]
            row[3:] = np.cross(p, [fx, fy, fz])
        else:
            row[3:] = 0.0
        mujoco.mj_step(self.model, self.data, self.substeps)
        self.t += dt

    def stop(self) -> None:
        self.data.ctrl[:] = self.data.qpos


class URArm:
    """A UR e-Series arm (or URSim) over RTDE, streaming `servoJ` at 500 Hz.

    The base placement maps the body frame to the robot's base frame; set the
    tool's payload and TCP on the teach pendant (or with `setPayload`) so the
    controller's `getActualTCPForce` is compensated, and zero the sensor in the
    air before a session (`zero_sensor`).
    """

    def __init__(
        self,
        host: str,
        base_m: tuple[float, float, float],
        base_yaw_deg: float,
        *,
        base_tilt_deg: float = 0.0,
        period_s: float = 0.002,
        lookahead_s: float = 0.03,
        gain: float = 300.0,
    ) -> None:
        try:
            import rtde_control
            import rtde_receive
        except ImportError as err:  # an optional part: say how to get it
            raise RuntimeError("URArm needs ur_rtde: pip install ur-rtde") from err
        self.control: Any = rtde_control.RTDEControlInterface(host, 1.0 / period_s)
        self.receive: Any = rtde_receive.RTDEReceiveInterface(host, 1.0 / period_s)
        self.period_s, self.lookahead, self.gain = period_s, lookahead_s, gain
        self.body_from_base = base_transform(base_m, base_yaw_deg, base_tilt_deg)[:3, :3]
        self._period_start = self.control.initPeriod()

    def zero_sensor(self) -> None:
        """Zero the wrist sensor (the tool in the air, at rest)."""
        self.control.zeroFtSensor()

    def force_along(self, normal: Sequence[float]) -> float:
        # The wrench the environment puts on the TCP, in the base frame, payload compensated
        # by the controller; check its sign once by pushing the tool by hand (URSim has no sensor).
        wrench = np.asarray(self.receive.getActualTCPForce()[:3])
        return float((self.body_from_base @ wrench) @ np.asarray(normal))

    def command(self, q: Sequence[float], qd: Sequence[float]) -> None:
        self.control.servoJ(list(q), 0.0, 0.0, self.period_s, self.lookahead, self.gain)

    def wait(self) -> None:
        self.control.waitPeriod(self._period_start)
        self._period_start = self.control.initPeriod()

    def stop(self) -> None:
        self.control.servoStop()
        self.control.stopScript()
