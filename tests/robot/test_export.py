import numpy as np
import pytest
from robot_routines import patting_routine

from backrub.robot.compile import compile_routine
from backrub.robot.export import read_bag, tool_quaternions, write_bag, write_csv
from backrub.routine.model import parse_routine

pytestmark = pytest.mark.robot


@pytest.fixture(scope="module")
def traj():
    return compile_routine(parse_routine(patting_routine()), verify=False, rate_hz=25.0)


def test_csv_has_one_row_per_sample(traj, tmp_path):
    write_csv(traj, tmp_path / "t.csv")
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0] == "t_s,x_m,y_m,z_m,nx,ny,nz,force_n,step"
    table = np.loadtxt(tmp_path / "t.csv", delimiter=",", skiprows=1)
    assert table.shape == (len(traj), 9)
    assert np.allclose(table[:, 7], traj.force, atol=1e-3)


def test_bag_reads_back_with_poses_and_wrenches(traj, tmp_path):
    count = write_bag(traj, tmp_path / "bag")
    topics = read_bag(tmp_path / "bag")
    poses, wrenches = topics["/backrub/probe_pose"], topics["/backrub/probe_wrench"]
    assert count == 2 * len(traj) and len(poses) == len(wrenches) == len(traj)
    i = int(np.argmax(traj.force))
    pose, wrench = poses[i], wrenches[i]
    assert pose.header.frame_id == "backrub_body"
    stamp = pose.header.stamp.sec + pose.header.stamp.nanosec * 1e-9
    assert stamp == pytest.approx(traj.t[i], abs=1e-6)
    p = pose.pose.position
    assert np.allclose([p.x, p.y, p.z], traj.position[i])
    f = wrench.wrench.force
    # the probe pushes into the skin: against the outward normal, with the target magnitude
    assert np.allclose([f.x, f.y, f.z], -traj.force[i] * traj.normal[i])


def test_tool_z_axis_points_into_the_skin(traj):
    q = tool_quaternions(traj.normal[:50])
    x, y, z, w = q.T
    tool_z = np.column_stack([2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)])
    assert np.allclose(tool_z, -traj.normal[:50], atol=1e-9)


def test_joint_trajectory_exports_as_csv_and_a_jointstate_bag(tmp_path):
    from robot_routines import short_routine

    from backrub.robot import ur5e
    from backrub.robot.joint_export import JOINT_NAMES, joint_trajectory, write_joint_bag, write_joint_csv
    from backrub.robot.reach import ArmPlacement, check_reach

    traj = compile_routine(parse_routine(short_routine("medium")), verify=False, rate_hz=100.0)
    placement = ArmPlacement(base_m=(0.26, -0.2, 0.1), yaw_deg=0.0)
    joints = joint_trajectory(traj, placement, check_reach(traj, placement, traj.surface), rate_hz=50.0)
    # the angles put the ball on the trajectory (forward kinematics as the oracle)
    base = np.eye(4)
    base[:3, 3] = placement.base_m
    every = 2
    ball = (base @ ur5e.tool_pose(joints.q))[:, :3, 3]
    want = traj.position[::every] + 0.03 * traj.normal[::every]
    assert np.abs(ball - want).max() < 1e-6
    write_joint_csv(joints, tmp_path / "j.csv")
    table = np.loadtxt(tmp_path / "j.csv", delimiter=",", skiprows=1)
    assert table.shape == (len(joints.t), 13)
    count = write_joint_bag(joints, tmp_path / "jbag")
    states = read_bag(tmp_path / "jbag")["/backrub/joint_states"]
    assert count == len(states) == len(joints.t)
    assert list(states[5].name) == list(JOINT_NAMES)
    assert np.allclose(states[5].position, joints.q[5])
