"""The force law along the normal, tick by tick: guarded landing and admittance."""

import numpy as np
import pytest

from backrub.robot.control import ADMITTANCE_M_S_N, GUARD_M, GUARD_SPEED_M_S, NormalForceLaw

pytestmark = pytest.mark.robot
DT = 0.002


def _descend(zone_cap):
    """The plan drops from 20 mm to the skin at 0.12 m/s; nothing is felt. Commanded heights."""
    law = NormalForceLaw(DT, 0.02, 0.0)
    heights = np.maximum(0.02 - 0.12 * DT * np.arange(500), 0.0)
    out = []
    for h in heights:
        off, _ = law.step(0.0, 0.0, float(h), 0.0, zone_cap)
        out.append(h + off)
    return np.array(out)


@pytest.mark.parametrize(("zone_cap", "speed"), [(25.0, GUARD_SPEED_M_S), (3.0, 3.0 * ADMITTANCE_M_S_N)])
def test_below_the_guard_height_the_tool_descends_slowly_until_it_feels_the_skin(zone_cap, speed):
    cmd = _descend(zone_cap)
    rate = -np.diff(cmd) / DT
    low = cmd[1:] < GUARD_M - 0.001
    assert low.any()
    assert rate[low].max() <= speed + 1e-9
    assert cmd[-1] == pytest.approx(0.0, abs=1e-3)  # it still gets there (within a millimetre)


def test_touching_it_backs_off_when_pressing_too_hard_and_leans_in_when_too_light():
    law = NormalForceLaw(DT, 0.0, 0.004)
    for _ in range(20):  # felt contact at the target
        law.step(8.0, 8.0, 0.0, 0.004, 25.0)
    _, out = law.step(12.0, 8.0, 0.0, 0.004, 25.0)
    assert out > 0.0
    for _ in range(20):
        law.step(8.0, 8.0, 0.0, 0.004, 25.0)
    _, into = law.step(5.0, 8.0, 0.0, 0.004, 25.0)
    assert into < 0.0


def test_without_feedback_the_offset_is_the_feedforward_only():
    law = NormalForceLaw(DT, 0.0, 0.004, feedback=False)
    for seen in (0.0, 30.0, 2.0):
        off, _ = law.step(seen, 8.0, 0.0, 0.004, 25.0)
        assert off == pytest.approx(-0.004)
