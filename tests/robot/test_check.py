"""Every check of the sample-level verifier, each tripped by a trajectory that breaks it."""

from dataclasses import replace

import numpy as np
import pytest
from robot_routines import short_routine

from backrub.robot.capmap import cap_map_for
from backrub.robot.check import check_trajectory
from backrub.robot.compile import compile_routine
from backrub.robot.profile import RobotProfile
from backrub.routine.model import parse_routine

pytestmark = pytest.mark.robot
PROFILE = RobotProfile()
SPOT = {"kind": "wound", "at": {"x_cm": -8.0, "y_cm": 8.0}, "radius_cm": 2.0}


@pytest.fixture(scope="module")
def base():
    routine = parse_routine(short_routine("medium"))
    traj = compile_routine(routine, verify=False, rate_hz=100.0)
    caps = cap_map_for(routine.intake.body, (), PROFILE)
    return traj, caps


def rules(traj, caps=None, profile=PROFILE):
    return {v.rule for v in check_trajectory(traj, profile, caps)}


def test_a_compiled_trajectory_passes(base):
    traj, caps = base
    assert rules(traj, caps) == set()


def test_force_cap(base):
    traj, caps = base
    force = traj.force.copy()
    force[np.argmax(force)] = 26.0
    found = check_trajectory(replace(traj, force=force), PROFILE, caps)
    hit = [v for v in found if v.rule == "force-cap"]
    assert hit and "26.0 N above the cap 25 N" in hit[0].message
    assert hit[0].first == int(np.argmax(force)) and hit[0].step >= 0


def test_zone_cap_spine_clearance_and_excluded_spot(base):
    traj, _ = base
    routine = parse_routine(short_routine("medium", spots=[SPOT]))
    caps = cap_map_for(routine.intake.body, routine.intake.spots, PROFILE)
    x, y = traj.position[:, 0].copy(), traj.position[:, 1].copy()
    pressing = np.flatnonzero(traj.force > 7.0)[:3]
    for i, (px, py) in zip(pressing, [(0.08, 0.17), (0.01, 0.30), (-0.08, 0.08)], strict=True):
        x[i], y[i] = px, py  # a kidney, beside the spine, on the wound
    moved = replace(traj, position=np.column_stack([x, y, traj.position[:, 2]]), surface=None)
    found = rules(moved, caps)
    assert {"zone-cap", "spine-clearance", "excluded-spot"} <= found


def test_speed_while_touching_and_in_the_air(base):
    traj, caps = base
    pos = traj.position.copy()
    i = np.flatnonzero(traj.force > 0)[500]
    pos[i:] += [0.0015, 0.0, 0.0]  # a 1.5 mm jump in 10 ms: 0.15 m/s on the skin
    assert "speed" in rules(replace(traj, position=pos, surface=None))
    slow_air = replace(PROFILE, air_speed_m_s=0.05)
    found = check_trajectory(traj, slow_air, caps)
    assert any(v.rule == "speed" and "while touching" not in v.message for v in found)


def test_acceleration_and_jerk(base):
    traj, _ = base
    assert "acceleration" in rules(traj, profile=replace(PROFILE, accel_m_s2=0.2))
    assert "jerk" in rules(traj, profile=replace(PROFILE, jerk_m_s3=2.0))


def test_workspace(base):
    traj, _ = base
    small = replace(PROFILE, workspace_m=((-0.1, 0.1), (-0.2, 1.0), (-0.25, 0.35)))
    found = check_trajectory(traj, small)
    assert any(v.rule == "workspace" and "outside the reachable box" in v.message for v in found)


@pytest.mark.parametrize("breakage", ["time", "normal", "nan", "force_jump", "off_skin", "negative"])
def test_continuity(base, breakage):
    traj, _ = base
    i = int(np.flatnonzero(traj.force > 7.0)[10])
    if breakage == "time":
        t = traj.t.copy()
        t[i:] += 0.05
        broken = replace(traj, t=t)
    elif breakage == "normal":
        n = traj.normal.copy()
        n[i] *= 1.1
        broken = replace(traj, normal=n)
    elif breakage == "nan":
        p = traj.position.copy()
        p[i, 0] = np.nan
        broken = replace(traj, position=p)
    elif breakage == "force_jump":
        f = traj.force.copy()
        f[i] = 0.0
        broken = replace(traj, force=f)
    elif breakage == "off_skin":
        p = traj.position.copy()
        p[i : i + 5, 2] += 0.005
        broken = replace(traj, position=p)
    else:
        f = traj.force.copy()
        f[:3] = -1.0
        broken = replace(traj, force=f)
    assert "continuity" in rules(broken)


def test_many_bad_runs_are_summarised(base):
    traj, _ = base
    found = check_trajectory(traj, replace(PROFILE, jerk_m_s3=0.5))
    jerk = [v for v in found if v.rule == "jerk"]
    assert len(jerk) == 5 and "more runs" in jerk[-1].message


def _reference_bad_samples(traj, profile, caps):
    """Each rule's bad samples, computed over whole arrays in the plainest way."""
    from backrub.robot.timing import finite_kinematics

    force, pos, dt = traj.force, traj.position, 1.0 / traj.rate_hz
    here, why = caps.lookup(100 * pos[:, 0], 100 * pos[:, 1])
    over = force > here + 1e-6
    speed, accel, jerk = finite_kinematics(pos, traj.rate_hz)
    touching = (force[1:] > 0) | (force[:-1] > 0)
    lo = np.array([b[0] for b in profile.workspace_m])
    hi = np.array([b[1] for b in profile.workspace_m])
    gap = pos[:, 2] - traj.surface.height(pos[:, 0], pos[:, 1])
    return {
        "force-cap": force > min(traj.cap_n, profile.cap_n) + 1e-6,
        "zone-cap": over & (why == 1),
        "spine-clearance": over & (why == 2),
        "excluded-spot": over & (why == 3),
        "speed": speed > np.where(touching, profile.contact_speed_m_s, profile.air_speed_m_s) * (1 + 1e-6),
        "acceleration": accel > profile.accel_m_s2 * (1 + 1e-6),
        "jerk": jerk > profile.jerk_m_s3 * (1 + 1e-6),
        "workspace": ((pos < lo) | (pos > hi)).any(axis=1),
        "continuity": [  # one rule, several checks, each reporting its own runs
            force < -1e-6,
            np.abs(np.diff(traj.t) - dt) > 1e-6 * max(1.0, traj.t[-1]),
            np.abs(np.linalg.norm(traj.normal, axis=1) - 1.0) > 1e-6,
            np.abs(np.diff(force)) / dt > profile.force_rate_n_s * (1 + 1e-6),
            (force > 0) & (np.abs(gap) > 0.002),
        ],
    }


def _run_starts(bad):
    """First samples of the first five runs of True."""
    idx = np.flatnonzero(bad)
    return [int(i) for k, i in enumerate(idx) if k == 0 or idx[k - 1] != i - 1][:5]


def test_block_by_block_check_marks_the_same_samples_as_whole_arrays(base, monkeypatch):
    """Breakages placed across block edges: every block size finds the same runs as a plain check."""
    import backrub.robot.check as check

    traj, _ = base
    routine = parse_routine(short_routine("medium", spots=[SPOT]))
    caps = cap_map_for(routine.intake.body, routine.intake.spots, PROFILE)
    pos, nrm, force, t = (traj.position.copy(), traj.normal.copy(), traj.force.copy(), traj.t.copy())
    pressing = np.flatnonzero(force > 7.0)
    edge = 64  # the block size used below; breakages sit on and beside multiples of it
    a, b, c, d = (int(pressing[k]) // edge * edge for k in (40, 400, 900, 1500))
    pos[a - 1 : a + 2] += [0.002, 0.0, 0.0]  # speed, acceleration, jerk across an edge
    force[b - 1] = 26.0  # force cap and force rate, just before an edge
    nrm[b + 64] *= 1.01  # not a unit normal, on an edge
    t[c:] += 0.01  # a time step, on an edge
    pos[d - 2 : d + 3, 2] += 0.004  # off the skin, across an edge
    pos[-2:, 0] = 0.9  # outside the workspace, in the last (short) block
    force[-5] = -1.0  # negative force near the end
    pos[pressing[2000], :2] = (0.01, 0.30)  # pressing beside the spine
    broken = replace(traj, position=pos, normal=nrm, force=force, t=t)
    loose = replace(PROFILE, jerk_m_s3=100.0)  # fewer jerk runs, so none is summarised away

    found = {}
    for size in (edge, 1000, 1 << 20):
        monkeypatch.setattr(check, "CHUNK", size)
        found[size] = [str(v) for v in check.check_trajectory(broken, loose, caps)]
    assert found[edge] == found[1000] == found[1 << 20]

    runs = check_trajectory(broken, loose, caps)
    reference = _reference_bad_samples(broken, loose, caps)
    for rule, bad in reference.items():
        starts = sorted(v.first for v in runs if v.rule == rule)
        masks = bad if isinstance(bad, list) else [bad]
        assert starts == sorted(i for m in masks for i in _run_starts(m)), rule
    assert {"speed", "force-cap", "continuity", "workspace", "spine-clearance"} <= {v.rule for v in runs}
