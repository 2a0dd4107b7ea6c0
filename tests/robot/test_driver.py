"""The driver interface: the same loop drives the simulated arm; the RTDE arm never runs here."""

import sys
from dataclasses import replace

import numpy as np
import pytest
from robot_routines import short_routine

from backrub.robot.arm_model import arm_model
from backrub.robot.armsim import ArmOptions, _plan, simulate_arm
from backrub.robot.compile import compile_routine
from backrub.robot.driver import SimulatedArm, URArm, drive
from backrub.robot.reach import ArmPlacement, check_reach
from backrub.robot.tissue import Tissue
from backrub.routine.model import parse_routine

pytestmark = pytest.mark.robot
STATION = ArmPlacement(base_m=(0.26, -0.2, 0.1), yaw_deg=0.0)


@pytest.fixture(scope="module")
def traj():
    raw = short_routine("medium")
    raw["steps"] = raw["steps"][1:2]
    full = compile_routine(parse_routine(raw), verify=False, rate_hz=500.0)
    n = 6000  # 12 s: a landing and medium pressing
    return replace(
        full,
        t=full.t[:n],
        position=full.position[:n],
        normal=full.normal[:n],
        force=full.force[:n],
        step=full.step[:n],
    )


def test_the_generic_loop_on_the_simulated_arm_tracks_like_the_fast_loop(traj):
    surface = traj.surface
    reach = check_reach(traj, STATION, surface)
    plan = _plan(traj, surface, STATION, reach, traj.caps, 25.0, 8.0, 0.03)
    arm = SimulatedArm(arm_model(surface, STATION.base_m, 0.0), Tissue(surface), plan.q[0])
    result = drive(arm, plan, cap_n=25.0)
    assert result.trip is None and result.ticks == len(plan.target)
    skin = np.array(arm.skin_force_n)
    fast = simulate_arm(traj, surface, STATION, options=ArmOptions(breathing_mm=0.0), caps=traj.caps)
    pressing = plan.target_np > 0
    generic_rmse = float(np.sqrt(np.mean((skin[pressing] - plan.target_np[pressing]) ** 2)))
    assert generic_rmse < 0.5
    assert generic_rmse == pytest.approx(fast.force_rmse_n, abs=0.15)


def test_the_generic_loop_stops_on_a_trip_and_backs_off(traj):
    surface = traj.surface
    reach = check_reach(traj, STATION, surface)
    plan = _plan(traj, surface, STATION, reach, None, 25.0, 8.0, 0.03)
    arm = SimulatedArm(arm_model(surface, STATION.base_m, 0.0), Tissue(surface), plan.q[0])
    result = drive(arm, plan, cap_n=5.0)
    assert result.trip is not None and result.trip.kind == "force_cap"
    assert max(arm.skin_force_n[-50:]) == 0.0


def test_the_rtde_arm_says_what_it_needs_when_ur_rtde_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "rtde_control", None)  # as if not installed
    with pytest.raises(RuntimeError, match="pip install ur-rtde"):
        URArm("192.168.56.101", (0.26, -0.2, 0.1), 0.0)
