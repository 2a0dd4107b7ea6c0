"""The local slow-down: the same path and forces, run more slowly where asked, nowhere faster."""

import numpy as np
import pytest

from backrub.robot.slowdown import stretch
from backrub.robot.trajectory import Trajectory

pytestmark = pytest.mark.robot


def _line(seconds: float = 6.0, rate: float = 100.0) -> Trajectory:
    """A straight 10 cm/s glide along x at a steady 4 N, starting and ending at rest in the air."""
    n = int(seconds * rate) + 1
    t = np.arange(n) / rate
    x = 0.1 * t
    force = np.where((t > 0.5) & (t < seconds - 0.5), 4.0, 0.0)
    return Trajectory(
        t=t,
        position=np.column_stack([x, np.zeros(n), np.zeros(n)]),
        normal=np.tile([0.0, 0.0, 1.0], (n, 1)),
        force=force,
        step=np.where(force > 0, 0, -1).astype(np.int32),
        rate_hz=rate,
        cap_n=25.0,
    )


def test_a_stretch_slows_only_where_asked_and_keeps_the_path_and_force():
    traj = _line()
    factor = np.ones(len(traj) - 1)
    factor[250:350] = 2.0  # 1 s of the glide (2.5 s to 3.5 s) twice as slow
    slow = stretch(traj, factor)
    speed = np.linalg.norm(np.diff(slow.position, axis=0), axis=1) * slow.rate_hz
    assert slow.duration_s >= traj.duration_s + 1.0  # at least the second asked for (eased: a bit more)
    assert slow.duration_s <= traj.duration_s + 1.0 + 0.7
    assert speed.max() <= 0.1 + 1e-6  # nowhere faster than before
    middle = (slow.position[:-1, 0] > 0.27) & (slow.position[:-1, 0] < 0.33)
    assert speed[middle].max() <= 0.05 + 1e-6  # half speed in the stretched part
    np.testing.assert_allclose(slow.position[[0, -1]], traj.position[[0, -1]], atol=1e-9)  # same ends
    assert np.all(np.abs(slow.position[:, 1:]) < 1e-12)  # still on the line
    assert slow.force.max() <= 4.0 and np.count_nonzero(slow.force) > np.count_nonzero(traj.force)
    assert slow.t[1] - slow.t[0] == pytest.approx(1 / traj.rate_hz)  # same sample rate
    np.testing.assert_allclose(np.linalg.norm(slow.normal, axis=1), 1.0)


def test_no_stretch_changes_nothing():
    traj = _line()
    same = stretch(traj, np.ones(len(traj) - 1))
    assert len(same) == len(traj)
    np.testing.assert_allclose(same.position, traj.position, atol=1e-12)
    np.testing.assert_allclose(same.force, traj.force)
