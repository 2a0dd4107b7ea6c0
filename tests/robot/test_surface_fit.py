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
