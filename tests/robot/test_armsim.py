"""The arm in the loop: force tracking with a noisy, late sensor; a misplaced skin; the monitor."""

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from robot_routines import short_routine

from backrub.robot.armsim import ArmOptions, simulate_arm
from backrub.robot.compile import compile_routine
from backrub.robot.profile import RobotProfile
from backrub.robot.reach import ArmPlacement
from backrub.routine.model import parse_routine

pytestmark = pytest.mark.robot
STATION = ArmPlacement(base_m=(0.26, -0.2, 0.1), yaw_deg=0.0)
FAULTY_SENSOR = {"sensor_noise_n": 0.5, "sensor_delay_ms": 4.0}


def _medium_glides(profile=None):
    raw = short_routine("medium")
    raw["steps"] = raw["steps"][1:3]  # a thumb glide and circles, medium pressure
    return compile_routine(parse_routine(raw), verify=False, rate_hz=500.0, profile=profile)


@pytest.fixture(scope="module")
def traj():
    return _medium_glides()


def _run(traj, **options):
    return simulate_arm(traj, traj.surface, STATION, options=ArmOptions(**options), caps=traj.caps)


@pytest.mark.slow
def test_force_tracks_at_medium_with_a_noisy_late_sensor_and_breathing(traj):
    report = _run(traj, breathing_mm=2.0, **FAULTY_SENSOR).report()
    assert report["stopped"] is None
    assert report["force_rmse_medium_n"] <= 0.5
    assert report["peak_over_target_n"] <= 2.0
    assert report["peak_in_air_n"] <= 0.5
    assert report["reachable_fraction"] == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("offset_mm", [10.0, -10.0])
def test_a_skin_ten_millimetres_off_the_model_is_never_struck(traj, offset_mm):
    report = _run(traj, surface_offset_mm=offset_mm, **FAULTY_SENSOR).report()
    assert report["stopped"] is None
    assert report["peak_force_n"] <= 12.0


@pytest.mark.slow
def test_without_force_feedback_the_force_follows_much_worse(traj):
    """The admittance is what tracks the force: switched off, a breathing back shows it."""
    on = _run(traj, breathing_mm=2.0, **FAULTY_SENSOR)
    off = _run(traj, breathing_mm=2.0, force_feedback=False, **FAULTY_SENSOR)
    assert off.force_rmse_n > 2.5 * on.force_rmse_n


def test_the_monitor_stops_the_arm_above_the_cap_and_the_peak_includes_the_trip(traj):
    short = _slice(traj, 12.0)
    result = simulate_arm(short, short.surface, STATION, cap_n=5.0)
    assert result.trip is not None and result.trip.kind == "force_cap"
    assert result.peak_force_n >= result.trip.force_n - 1e-9
    assert result.report()["stopped"]["kind"] == "force_cap"
    # after the trip the arm backs off: the last half second presses nothing
    assert result.measured_n[-50:].max() == 0.0


def test_the_monitor_watches_zone_caps_while_running():
    """Kidneys pressed at medium (a profile that allows it) under the default profile's zone caps."""
    loose = RobotProfile(zone_caps_n={})
    raw = short_routine("medium")
    raw["steps"] = [raw["steps"][3]]  # kneading over the left lumbar region and kidney
    raw["steps"][0]["path"] = [[-8.0, 14.0 + 0.5 * i] for i in range(12)]
    raw["steps"][0]["zones"] = ["kidney_left"]
    pressing_kidney = compile_routine(parse_routine(raw), verify=False, rate_hz=500.0, profile=loose)
    default_caps = compile_routine(parse_routine(raw), verify=False, rate_hz=500.0).caps
    result = simulate_arm(pressing_kidney, pressing_kidney.surface, STATION, caps=default_caps)
    assert result.trip is not None and result.trip.kind == "zone_cap"


def test_the_monitor_stops_the_arm_when_commands_stop(traj):
    short = _slice(traj, 6.0)
    result = simulate_arm(short, short.surface, STATION, options=ArmOptions(silent_after_s=2.0))
    assert result.trip is not None and result.trip.kind == "heartbeat"
    assert result.trip.t_s == pytest.approx(2.05, abs=0.01)


@pytest.mark.slow
def test_cli_simulate_with_the_arm_writes_the_report_and_the_picture(traj, tmp_path):
    path = tmp_path / "m.npz"
    _slice(traj, 8.0).save(path)
    png = tmp_path / "m.png"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "backrub",
            "robot",
            "simulate",
            str(path),
            "--arm",
            "ur5e",
            "--json",
            "--png",
            str(png),
            "--sensor-noise-n",
            "0.5",
            "--sensor-delay-ms",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["arm"] == "ur5e" and report["reachable_fraction"] == 1.0
    assert report["real_time_factor"] > 0 and report["bare_mj_step_real_time_factor"] > 0
    assert png.stat().st_size > 20_000
    bad = subprocess.run(
        [sys.executable, "-m", "backrub", "robot", "simulate", str(path), "--sensor-noise-n", "0.5"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--sensor-noise-n" in bad.stderr


def _slice(traj, seconds):
    n = int(seconds * traj.rate_hz)
    return replace(
        traj,
        t=traj.t[:n],
        position=traj.position[:n],
        normal=traj.normal[:n],
        force=traj.force[:n],
        step=traj.step[:n],
    )


@pytest.mark.slow
def test_a_reconfiguration_through_a_singular_pose_runs_without_a_kick(monkeypatch):
    """The arm simulation follows a wrist flip whose move passes θ5 = 0 (the wrist's singular pose).

    There the Jacobian cannot turn a normal offset into joint angles; the
    force law's offset is faded out for the move, so the servos follow the
    planned angles and the wrist sensor reads no kick (switched off, it reads
    thousands of newtons and the monitor stops the arm).
    """
    import numpy as np
    from forced_flip import flip_wrist_in_gap, gap_seconds

    import backrub.robot.reach as reach
    from backrub.robot import airmove
    from backrub.robot.arm_cli import fit_to_arm

    traj = compile_routine(parse_routine(short_routine("medium")), verify=False, rate_hz=100.0)
    placement = reach.frame_mount(traj.surface)
    kept = reach.check_reach(traj, placement, traj.surface)
    flip_wrist_in_gap(monkeypatch, int(kept.branch[0]), int(np.argmax(gap_seconds(traj, kept))))
    planned = airmove.plan

    def through_the_singular_wrist(before, after, t, lifts, placement, surface, radius_m):
        lo, hi, _ = planned(before, after, t, lifts, placement, surface, radius_m)
        up0, up1 = lifts[-1]  # the tool lifted furthest, on each branch
        straight = up0.copy()
        straight[4] = 0.0
        return lo, hi, np.array([before[-1] + lo, up0 + lo, straight + lo, up1 + hi, after[0] + hi])

    monkeypatch.setattr(airmove, "plan", through_the_singular_wrist)
    traj = fit_to_arm(traj, RobotProfile())  # draws the gap out until the move fits at 180°/s
    result = simulate_arm(traj, traj.surface, placement, options=ArmOptions(**FAULTY_SENSOR), caps=traj.caps)
    assert result.reach.reconfigurations == 1
    a, z = result.reach.move
    assert np.min(np.abs(np.sin(result.reach.q[a : z + 1, 4]))) < 0.01  # it passes the singular wrist
    assert not any(m.any() for m in result.reach.bad.values())
    report = result.report()
    assert report["stopped"] is None
    assert report["peak_in_air_n"] <= 0.5
