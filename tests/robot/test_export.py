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
