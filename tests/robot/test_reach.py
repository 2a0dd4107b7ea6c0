"""The reach check: every rule can trip, and a good placement passes the whole routine."""

from dataclasses import replace

import numpy as np
import pytest
from forced_flip import air_gaps, flip_wrist_in_gap, gap_seconds
from robot_routines import short_routine

import backrub.robot.reach as reach
from backrub.robot import ur5e
from backrub.robot.compile import compile_routine
from backrub.robot.reach import ArmPlacement, auto_placement, bad_reconfigurations, check_reach
from backrub.routine.model import parse_routine

pytestmark = pytest.mark.robot
STATION = ArmPlacement(base_m=(0.26, -0.2, 0.1), yaw_deg=0.0)


@pytest.fixture(scope="module")
def traj():
    return compile_routine(parse_routine(short_routine("medium")), verify=False, rate_hz=100.0)


def _failing(result, rule):
    return int(result.bad[rule][result.pressing].sum())


def test_the_default_body_is_reached_everywhere_from_its_station(traj):
    result = check_reach(traj, STATION, traj.surface)
    assert result.reachable_fraction == 1.0
    assert result.reconfigurations == 0
    assert result.min_clearance_m >= reach.CLEARANCE_M
    # The kept solution really puts the ball on the sample, along the inward normal (FK oracle).
    base = np.eye(4)
    base[:3, 3] = STATION.base_m
    tool = base @ ur5e.tool_pose(result.q)
    want = traj.position[result.index] + 0.03 * traj.normal[result.index]
    assert np.abs(tool[:, :3, 3] - want).max() < 1e-6
    press = result.pressing
    axis_cos = np.einsum("ij,ij->i", tool[press, :3, 2], -traj.normal[result.index][press])
    assert axis_cos.min() > np.cos(np.radians(0.1))  # while touching, square to the skin


def test_auto_placement_picks_a_station_that_reaches_the_routine(traj):
    placement = auto_placement(traj, traj.surface)
    assert check_reach(traj, placement, traj.surface).reachable_fraction == 1.0


def test_unreachable_from_a_station_too_far_away(traj):
    result = check_reach(traj, ArmPlacement(base_m=(1.2, 0.3, 0.1), yaw_deg=0.0), traj.surface)
    assert _failing(result, "unreachable") > 0 and result.reachable_fraction < 0.5


def test_joint_limits_trip(traj, monkeypatch):
    monkeypatch.setattr(ur5e, "JOINT_LIMIT_RAD", np.radians([360.0, 360.0, 60.0, 360.0, 360.0, 360.0]))
    assert _failing(check_reach(traj, STATION, traj.surface), "joint-limit") > 0


def test_singularities_trip(traj, monkeypatch):
    monkeypatch.setattr(reach, "SIN_WRIST_MIN", np.sin(np.radians(89.0)))
    assert _failing(check_reach(traj, STATION, traj.surface), "singularity") > 0


def test_joint_speed_trips_when_the_same_path_is_run_ten_times_faster(traj):
    fast = replace(traj, t=traj.t / 10.0, rate_hz=traj.rate_hz * 10.0)
    result = check_reach(fast, STATION, traj.surface, hz=500.0)
    assert result.bad["joint-speed"].any()


def test_tool_axis_trips_when_the_solution_does_not_follow_the_normal(traj, monkeypatch):
    real = reach.tool_poses

    def tilted(position, normal, radius_m, axis=None):
        t = real(position, normal, radius_m, axis)
        a = np.radians(3.0)
        tilt = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(a), -np.sin(a)], [0.0, np.sin(a), np.cos(a)]])
        t[:, :3, :3] = t[:, :3, :3] @ tilt
        return t

    monkeypatch.setattr(reach, "tool_poses", tilted)
    assert _failing(check_reach(traj, STATION, traj.surface), "tool-axis") > 0


def test_clearance_trips_for_a_base_below_the_table_edge(traj):
    low = ArmPlacement(base_m=(0.3, 0.25, -0.35), yaw_deg=0.0)
    result = check_reach(traj, low, traj.surface)
    assert result.bad["clearance"].any()
    assert result.min_clearance_m < reach.CLEARANCE_M


def test_reconfigurations_only_once_and_only_in_the_air():
    pressing = np.array([0, 1, 1, 0, 0, 1, 1, 0, 0, 1], bool)
    once_in_air = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    assert not bad_reconfigurations(once_in_air, pressing).any()
    touching = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
    assert bad_reconfigurations(touching, pressing)[2]
    twice = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
    assert bad_reconfigurations(twice, pressing).sum() == 2


def test_failures_name_the_step_and_sample(traj):
    from backrub.robot.arm_cli import violations_of

    result = check_reach(traj, ArmPlacement(base_m=(1.2, 0.3, 0.1), yaw_deg=0.0), traj.surface)
    found = violations_of(result, traj)
    assert found and found[0].rule == "arm-unreachable"
    assert "sample" in str(found[0]) and (found[0].step >= 0 or "between steps" in str(found[0]))


def test_a_hanging_mount_points_the_base_down_and_leans_it_toward_the_feet():
    from backrub.robot.arm_model import base_transform, hanging
    from backrub.robot.surface import surface_from_body

    straight_down = base_transform((0.0, 0.0, 1.0), 0.0, 180.0)
    assert np.allclose(straight_down[:3, 2], [0.0, 0.0, -1.0])
    p = reach.frame_mount(surface_from_body())
    mount = base_transform(p.base_m, p.yaw_deg, p.tilt_deg)
    lean = np.radians(reach.FRAME_LEAN_DEG)  # from straight down, toward -y (the feet)
    assert np.allclose(mount[:3, 2], [0.0, -np.sin(lean), -np.cos(lean)])
    assert np.allclose(mount[:3, :3] @ mount[:3, :3].T, np.eye(3))
    assert hanging(p.tilt_deg) and not hanging(0.0) and not hanging(30.0)
    # A longer or broader back gets a lower mount (a lifted table), within the two measured heights.
    assert p.base_m[2] == pytest.approx(reach.FRAME_HIGH_M)
    for body in ((80.0, 28.0, 20.0), (30.0, 65.0, 60.0), (80.0, 65.0, 60.0)):
        assert reach.frame_mount(surface_from_body(*body)).base_m[2] == pytest.approx(reach.FRAME_LOW_M)


def test_the_frame_is_kept_clear_like_the_skin(traj, monkeypatch):
    import backrub.robot.arm_model as arm_model

    mount = reach.frame_mount(traj.surface)
    assert not check_reach(traj, mount, traj.surface).bad["clearance"].any()
    # The frame's cross-beam hung low, 30 cm over the shoulders: the arm's links now pass it.
    monkeypatch.setattr(arm_model, "FRAME_ABOVE_M", -0.6)
    assert check_reach(traj, mount, traj.surface).bad["clearance"].any()


@pytest.mark.slow
@pytest.mark.parametrize("body", [(50.0, 42.0, 32.0), (80.0, 65.0, 60.0)])
def test_the_frame_mount_reaches_planned_routines_on_the_default_and_the_largest_back(body):
    from backrub.intake.model import parse_intake
    from backrub.planner import plan_routine

    names = ("back_length_cm", "shoulder_width_cm", "waist_width_cm")
    intake = {"giver": "robot", "minutes": 15, "body": dict(zip(names, body, strict=True))}
    traj = compile_routine(plan_routine(parse_intake(intake)), verify=False, rate_hz=20.0)
    result = check_reach(traj, reach.frame_mount(traj.surface), traj.surface)
    assert result.reachable_fraction >= 0.99  # issue 12's figure, with the default placement
    assert result.min_clearance_m >= reach.CLEARANCE_M
    if body == (50.0, 42.0, 32.0):  # the default body: every sample, one configuration
        assert result.reachable_fraction == 1.0 and result.reconfigurations == 0


def test_a_reconfiguration_in_an_air_gap_too_short_for_the_move_is_refused(traj, monkeypatch):
    """Force a wrist flip (θ6 turns half a turn) in the shortest air gap: at 180°/s it needs 1.875 s."""
    from backrub.robot.arm_cli import violations_of

    placement = reach.frame_mount(traj.surface)
    kept = check_reach(traj, placement, traj.surface)
    assert kept.reconfigurations == 0
    spans = gap_seconds(traj, kept)
    which = int(np.argmin(spans))
    assert 0 < spans[which] < 1.875  # a rest-to-rest half turn at 180°/s takes 1.875 s
    first, last = air_gaps(kept.pressing)[which]
    switch = (first + last) // 2
    flip_wrist_in_gap(monkeypatch, int(kept.branch[0]), which)
    result = check_reach(traj, placement, traj.surface)
    assert result.reconfigurations == 1
    assert result.bad["reconfiguration"][switch]
    found = [v for v in violations_of(result, traj) if v.rule == "arm-reconfiguration"]
    assert found and found[0].first <= int(kept.index[switch]) <= found[0].last
    assert "sample" in str(found[0])


@pytest.mark.parametrize("where", ["over the back", "beside the body"])
def test_the_tool_ball_swung_toward_the_skin_during_a_reconfiguration_is_refused(traj, monkeypatch, where):
    """A reconfiguration's move that dips the ball to ~0.5 cm over the skin mid-gap trips `clearance`.

    Beside the body too: there the skin's height field is held level, and the
    simulated tissue pushes on a ball that comes down onto it. Oracle: MuJoCo's
    own kinematics of the arm model (the `ball` site) and the skin's height
    straight below it (never less than the distance along the normal): every
    sample of the move where that gap is under 1.5 cm must be refused. The
    links stay clear there, so only the ball rule can catch it.
    """
    import mujoco

    from backrub.robot import airmove
    from backrub.robot.arm_model import arm_model, base_transform
    from backrub.robot.clearance import body_half_width, link_clearance

    placement = reach.frame_mount(traj.surface)
    kept = check_reach(traj, placement, traj.surface)
    which = int(np.argmax(gap_seconds(traj, kept)))
    first, last = air_gaps(kept.pressing)[which]
    b = int(kept.branch[0])
    mid = int(kept.index[(first + last) // 2])
    if where == "over the back":
        low, up = traj.position[mid] - 0.015 * traj.normal[mid], traj.normal[mid]  # 2 cm up: 0.5 cm left
    else:  # 5 cm beyond the body's edge (the side the tool is over), 0.5 cm over the skin's level there
        x0, y = traj.position[mid, :2]
        x = np.sign(x0) * (float(body_half_width(traj.surface, np.array([y]))[0]) + 0.05)
        low = np.array([x, y, float(traj.surface.height(np.array([x]), np.array([y]))[0]) + 0.005])
        up = np.array([0.0, 0.0, 1.0])
    sols, ok = reach.solve_branches(low[None], up[None], placement, 0.03)
    assert ok[0, b]

    def dipping_move(before, after, t, lifts, placement, surface, radius_m):
        q0, q1 = before[-1], after[0]
        dip = sols[0, b] - 2 * np.pi * np.round((sols[0, b] - q0) / (2 * np.pi))
        return np.zeros(6), np.zeros(6), np.array([q0, dip, q1])

    flip_wrist_in_gap(monkeypatch, b, which)
    monkeypatch.setattr(airmove, "plan", dipping_move)
    result = check_reach(traj, placement, traj.surface)
    assert result.reconfigurations == 1 and result.move is not None
    a, z = result.move
    q = result.q[a : z + 1]
    model = arm_model(traj.surface, placement.base_m, placement.yaw_deg, base_tilt_deg=placement.tilt_deg)
    data = mujoco.MjData(model)
    gap = np.empty(len(q))
    for k, angles in enumerate(q):
        data.qpos[:6] = angles
        mujoco.mj_kinematics(model, data)
        x, y, zc = data.site("ball").xpos
        gap[k] = zc - float(traj.surface.height(np.array([x]), np.array([y]))[0]) - 0.03
    assert gap.min() < 0.01  # the dip is real
    dipped = gap < 0.015
    base = base_transform(placement.base_m, placement.yaw_deg, placement.tilt_deg)
    _, links_near = link_clearance(q, base @ ur5e.frames(q), traj.surface, placement)
    assert not links_near[dipped].any()  # the links are clear where the ball dips
    assert result.bad["clearance"][a : z + 1][dipped].all()


def test_an_air_gap_too_short_for_the_reconfiguration_is_drawn_out_until_its_move_fits(traj, monkeypatch):
    """`compile --arm` slows the tool's air path in that gap (only there) so the wrist flip fits at 180°/s."""
    from backrub.robot.arm_cli import fit_to_arm
    from backrub.robot.profile import RobotProfile

    placement = reach.frame_mount(traj.surface)
    kept = check_reach(traj, placement, traj.surface)
    spans = gap_seconds(traj, kept)
    which = int(np.argmin(spans))  # the shortest air gap, found again by its order after any slowing
    assert 0 < spans[which] < 1.875  # a rest-to-rest half turn of θ6 at 180°/s takes 1.875 s
    flip_wrist_in_gap(monkeypatch, int(kept.branch[0]), which)
    assert check_reach(traj, placement, traj.surface).bad["reconfiguration"].any()
    fitted = fit_to_arm(traj, RobotProfile())
    result = check_reach(fitted, placement, fitted.surface)
    assert result.reconfigurations == 1 and result.move is not None
    assert not any(m.any() for m in result.bad.values())
    a, z = result.move
    span = fitted.t[result.index[z]] - fitted.t[result.index[a]]
    assert span >= 1.875  # the hand oracle: θ6 turns at least half a turn inside the move
    rate = np.abs(np.diff(result.q[a : z + 1], axis=0)) / np.diff(fitted.t[result.index[a : z + 1]])[:, None]
    assert rate.max() <= np.radians(180.0)

    # only that gap was drawn out (eased over 0.6 s): each touch starts when it did before the gap,
    # one fixed delay later after it
    def touches(t):
        return t.t[np.flatnonzero(np.diff((t.force > 0).view(np.int8)) == 1) + 1]

    before, after = touches(traj), touches(fitted)
    assert before.size == after.size
    gap_start, gap_end = (traj.t[kept.index[k]] for k in air_gaps(kept.pressing)[which])
    shift = after - before
    delay = fitted.duration_s - traj.duration_s
    assert np.abs(shift[before < gap_start - 1.0]).max() < 0.015
    assert np.abs(shift[before > gap_end + 1.0] - delay).max() < 0.015
    assert delay > 1.875 - spans[which]
