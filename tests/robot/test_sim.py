"""MuJoCo runs: the force follows its target, and the safety monitor trips on both faults."""

from dataclasses import replace

import numpy as np
import pytest
from robot_routines import short_routine

from backrub.robot.compile import compile_routine
from backrub.robot.sim import simulate
from backrub.routine.model import parse_routine

pytestmark = pytest.mark.robot


@pytest.fixture(scope="module")
def medium_glides():
    raw = short_routine("medium")
    raw["steps"] = raw["steps"][1:3]  # a thumb glide and circles, medium pressure
    return compile_routine(parse_routine(raw), verify=False, rate_hz=100.0)


@pytest.fixture(scope="module")
def run(medium_glides):
    return simulate(medium_glides)


def test_force_follows_its_target_at_medium_pressure(run, medium_glides):
    report = run.report()
    assert set(report) >= {
        "duration_s",
        "wall_s",
        "real_time_factor",
        "peak_force_n",
        "force_rmse_n",
        "violations",
    }
    assert report["violations"] == [] and report["stopped"] is None
    assert report["duration_s"] == pytest.approx(medium_glides.duration_s, abs=0.01)
    assert run.force_rmse_n < 1.0
    steady = run.target_n == 8.0
    assert abs(np.median(run.measured_n[steady]) - 8.0) < 0.3
    assert run.peak_force_n < 10.0
    # By processor time: wall time on the shared machine stretches with its load (the figure is
    # measured in benchmarks/bench_robot.py).
    assert run.duration_s / run.cpu_s > 5.0


def test_probe_is_off_the_skin_between_paths(run):
    air = run.target_n == 0.0
    assert np.median(run.measured_n[air]) == 0.0


def test_monitor_stops_the_probe_when_force_passes_the_cap(medium_glides):
    too_hard = replace(medium_glides, force=np.minimum(medium_glides.force * 4.0, 32.0))
    result = simulate(too_hard)
    assert [e.kind for e in result.violations] == ["force_cap"]
    event = result.violations[0]
    assert "above the cap 25 N" in event.message
    # it stopped at the first tick over the cap, not later
    assert result.measured_n[-1] <= 25.0 + 1e-9
    assert event.t_s < too_hard.duration_s
    assert result.report()["stopped"]["kind"] == "force_cap"


def test_monitor_stops_the_probe_when_commands_go_silent(medium_glides):
    result = simulate(medium_glides, silent_after_s=5.0, heartbeat_s=0.05)
    assert [e.kind for e in result.violations] == ["heartbeat"]
    assert 5.05 <= result.violations[0].t_s <= 5.07
    assert result.duration_s == pytest.approx(result.violations[0].t_s, abs=0.003)
    assert "no command for" in result.violations[0].message


def test_picture_is_written(run, medium_glides, tmp_path):
    from backrub.robot.figure import draw_report

    out = tmp_path / "sim.png"
    draw_report(run, medium_glides.surface, out, cap_n=25.0)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
