"""The time-parameterisation's vectorised parts against the plain loops they replace."""

import numpy as np
import pytest

from backrub.robot.timing import _fastest_speed, finite_kinematics, kinematic_peaks, squared_differences

pytestmark = pytest.mark.robot


def _fastest_speed_by_loops(s, points, cruise, accel):
    """The forward and backward passes written out, sample by sample."""
    tangent = np.gradient(points, s, axis=0)
    curvature = np.linalg.norm(np.gradient(tangent, s, axis=0), axis=1)
    cap = np.minimum(cruise, np.sqrt(0.5 * accel / np.maximum(curvature, 1e-9)))
    two_a_ds = accel * np.diff(s)
    v = np.zeros(len(cap))
    for i in range(1, len(v)):
        v[i] = min(cap[i], (v[i - 1] ** 2 + two_a_ds[i - 1]) ** 0.5)
    v[-1] = 0.0
    for i in range(len(v) - 2, -1, -1):
        v[i] = min(v[i], (v[i + 1] ** 2 + two_a_ds[i]) ** 0.5)
    v[0] = 0.0
    return v


@pytest.mark.parametrize("seed", range(6))
def test_fastest_speed_equals_the_forward_and_backward_loops(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(4, 2500))
    ds = rng.uniform(1e-4, 3e-3, m - 1)
    s = np.concatenate([[0.0], np.cumsum(ds)])
    heading = np.cumsum(rng.normal(0.0, 0.3, m))  # a wandering path with tight turns
    step = np.concatenate([[0.0], ds])
    points = np.column_stack(
        [np.cumsum(np.cos(heading) * step), np.cumsum(np.sin(heading) * step), rng.normal(0, 1e-4, m)]
    )
    cruise, accel = rng.uniform(0.02, 0.1), rng.uniform(0.5, 1.5)
    fast = _fastest_speed(s, points, cruise, accel)
    assert np.abs(fast - _fastest_speed_by_loops(s, points, cruise, accel)).max() < 1e-12
    assert fast[0] == 0.0 and fast[-1] == 0.0 and fast.max() <= cruise + 1e-12


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 50])
def test_differences_and_peaks_for_any_length(n):
    rng = np.random.default_rng(n)
    pos = rng.normal(size=(n, 3))
    v2, a2, j2 = squared_differences(pos)
    assert (v2.size, a2.size, j2.size) == (max(n - 1, 0), max(n - 2, 0), max(n - 3, 0))
    v, a, j = finite_kinematics(pos, 100.0)
    expected = [np.linalg.norm(np.diff(pos, k, axis=0), axis=1) * 100.0**k for k in (1, 2, 3)]
    for got, want in zip((v, a, j), expected, strict=True):
        assert np.allclose(got, want, rtol=1e-12, atol=0)
    peaks = kinematic_peaks(pos, 100.0)
    assert np.allclose(peaks, [w.max(initial=0.0) for w in expected], rtol=1e-12, atol=0)
