"""The UR5e's kinematics: analytic IK against forward kinematics, and against MuJoCo's own."""

import mujoco
import numpy as np
import pytest

from backrub.robot import ur5e
from backrub.robot.arm_model import arm_model
from backrub.robot.surface import surface_from_body

pytestmark = pytest.mark.robot


def test_published_facts_are_the_manufacturers():
    # UR's DH table for the UR5e: d1, a2, a3, d4, d5, d6 and the link masses.
    assert ur5e.DH_D.tolist() == [0.1625, 0.0, 0.0, 0.1333, 0.0997, 0.0996]
    assert ur5e.DH_A.tolist() == [0.0, -0.425, -0.3922, 0.0, 0.0, 0.0]
    assert ur5e.LINK_MASS_KG.sum() == pytest.approx(17.7, abs=0.05)
    assert np.degrees(ur5e.JOINT_SPEED_RAD_S).tolist() == [180.0] * 6


def test_every_branch_it_returns_reaches_the_pose_and_the_original_is_among_them():
    rng = np.random.default_rng(7)
    q = rng.uniform(-np.pi, np.pi, (500, 6))
    pose = ur5e.flange_pose(q)
    sols, ok = ur5e.inverse(pose)
    err = np.abs(ur5e.flange_pose(sols) - pose[:, None]).max(axis=(-1, -2))
    assert ok.mean() > 0.8
    assert err[ok].max() < 1e-8
    gap = np.abs(np.angle(np.exp(1j * (sols - q[:, None])))).max(axis=-1)
    assert (gap.min(axis=1) < 1e-6).all()


def test_forward_kinematics_agrees_with_mujoco_on_the_written_model():
    """The MJCF is built from the same table; MuJoCo's own kinematics is the independent oracle."""
    model = arm_model(surface_from_body(), (0.3, 0.6, 0.2), 30.0)
    data = mujoco.MjData(model)
    rng = np.random.default_rng(3)
    base = np.eye(4)
    c, s = np.cos(np.radians(30.0)), np.sin(np.radians(30.0))
    base[:2, :2] = [[c, -s], [s, c]]
    base[:3, 3] = (0.3, 0.6, 0.2)
    for q in rng.uniform(-2.5, 2.5, (20, 6)):
        data.qpos[:] = q
        mujoco.mj_kinematics(model, data)
        ball = data.site_xpos[model.site("ball").id]
        expect = (base @ ur5e.tool_pose(q))[:3, 3]
        assert np.allclose(ball, expect, atol=1e-9)


def test_jacobian_matches_finite_differences():
    q = np.array([0.3, -1.2, 1.4, -1.8, -1.5, 0.4])
    jac = ur5e.jacobian(q)
    for k in range(6):
        dq = np.zeros(6)
        dq[k] = 1e-6
        num = (ur5e.tool_pose(q + dq)[:3, 3] - ur5e.tool_pose(q - dq)[:3, 3]) / 2e-6
        assert np.allclose(num, jac[:3, k], atol=1e-7)
