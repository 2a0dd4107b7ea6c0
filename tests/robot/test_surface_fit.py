import numpy as np
import pytest

from backrub.robot.fit import fit_surface, surface_error_m, synthetic_cloud
from backrub.robot.surface import surface_from_body

pytestmark = pytest.mark.robot


def test_surface_passes_through_the_origin_with_unit_normals():
    back = surface_from_body(50, 42, 32)
    assert abs(back.height(np.array(0.0), np.array(0.0))) < 1e-12
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-0.2, 0.2, 500), rng.uniform(0.0, 0.5, 500)
    assert np.allclose(np.linalg.norm(back.normal(x, y), axis=1), 1.0)
    # The sides fall away and the normals there lean outward.
    assert back.height(np.array(0.15), np.array(0.3)) < back.height(np.array(0.05), np.array(0.3))
    assert back.normal(np.array([0.15]), np.array([0.3]))[0, 0] > 0.1


def test_features_a_hand_would_feel():
    back = surface_from_body(50, 42, 32)
    h = back.height
    # the groove over the spine, the thoracic curve above the lumbar one, the shoulder blades
    assert h(np.array(0.0), np.array(0.3)) < h(np.array(0.03), np.array(0.3))
    assert h(np.array(0.03), np.array(0.34)) > h(np.array(0.03), np.array(0.06)) + 0.02
    assert h(np.array(0.115), np.array(0.38)) > h(np.array(0.115), np.array(0.25))


@pytest.mark.parametrize("seed", [1, 2])
def test_fit_recovers_the_back_from_a_noisy_cloud_with_holes_and_outliers(seed):
    rng = np.random.default_rng(seed)
    truth = surface_from_body(56, 46, 35).with_(kyphosis=0.04, scapula_height=0.013)
    offset = np.array([0.015, -0.03, 0.62])
    cloud = synthetic_cloud(truth, rng, noise_m=0.002, holes=4, outlier_fraction=0.08, offset=tuple(offset))
    fit = fit_surface(cloud)
    size_error_mm = 1000 * np.abs(fit.surface.to_vector()[:3] - truth.to_vector()[:3])
    assert size_error_mm.max() < 10.0, size_error_mm
    assert np.abs(1000 * (fit.offset - offset)).max() < 5.0
    assert 1000 * surface_error_m(fit, truth, offset) < 1.0
    assert fit.inlier_fraction > 0.85


def test_fit_refuses_a_cloud_that_is_not_one():
    with pytest.raises(ValueError, match="at least 200 points"):
        fit_surface(np.zeros((10, 3)))


def _on_the_back(rng, back, n):
    """Random points over the back, clear of the far sides where the model is held flat."""
    y = rng.uniform(-0.05, 1.1 * back.back_length, n)
    x = rng.uniform(-0.9, 0.9, n) * (back.half_width(y) + 0.1)
    return x, y


@pytest.mark.parametrize("body", [(50, 42, 32), (40, 34, 26), (62, 50, 38)])
def test_analytic_slopes_match_finite_differences(body):
    back = surface_from_body(*body)
    rng = np.random.default_rng(sum(body))
    x, y = _on_the_back(rng, back, 5000)
    hx, hy = back.gradient(x, y)
    step = 1e-6
    fx = (back.height(x + step, y) - back.height(x - step, y)) / (2 * step)
    fy = (back.height(x, y + step) - back.height(x, y - step)) / (2 * step)
    assert np.abs(hx - fx).max() < 1e-7 and np.abs(hy - fy).max() < 1e-7
    # ...and the normals are those of the finite-difference slopes
    fd_normal = np.stack([-fx, -fy, np.ones_like(fx)], axis=-1)
    fd_normal /= np.linalg.norm(fd_normal, axis=-1, keepdims=True)
    assert np.abs(back.normal(x, y) - fd_normal).max() < 1e-7


def test_normals_are_unit_and_point_out_of_the_skin():
    back = surface_from_body(50, 42, 32)
    rng = np.random.default_rng(7)
    x, y = _on_the_back(rng, back, 5000)
    pts, n = back.points_and_normals(x, y)
    assert np.abs(np.linalg.norm(n, axis=1) - 1.0).max() < 1e-12
    assert (n[:, 2] > 0).all()  # z is out of the back
    # A millimetre out along the normal is above the skin; a millimetre in, below it.
    out, inside = pts + 0.001 * n, pts - 0.001 * n
    assert (out[:, 2] > back.height(out[:, 0], out[:, 1])).all()
    assert (inside[:, 2] < back.height(inside[:, 0], inside[:, 1])).all()
    # Square to the skin: perpendicular to both tangents (1, 0, h_x) and (0, 1, h_y).
    hx, hy = back.gradient(x, y)
    assert np.abs(n[:, 0] + n[:, 2] * hx).max() < 1e-12
    assert np.abs(n[:, 1] + n[:, 2] * hy).max() < 1e-12


def test_points_and_normals_agree_for_any_shape_and_length():
    from backrub.robot.surface import CHUNK

    back = surface_from_body(50, 42, 32)
    rng = np.random.default_rng(3)
    x, y = _on_the_back(rng, back, 2 * CHUNK + 5)  # spans three chunks
    pts, n = back.points_and_normals(x, y)
    assert np.array_equal(pts, back.points(x, y)) and np.array_equal(n, back.normal(x, y))
    assert np.array_equal(pts[:, 2], back.height(x, y)) and np.array_equal(
        pts[:, :2], np.column_stack([x, y])
    )
    one = back.normal(np.float64(x[5]), np.float64(y[5]))
    assert one.shape == (3,) and np.array_equal(one, n[5])
    grid = back.height(*np.meshgrid(x[:7], y[:4]))
    assert grid.shape == (4, 7) and grid[2, 3] == back.height(x[3], y[2])
    assert back.points(x[:3], 0.3).shape == (3, 3)  # broadcast
    assert back.height(np.array([]), np.array([])).shape == (0,)
