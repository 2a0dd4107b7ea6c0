"""Robot tests need the robot extra; without it they skip, and the core's tests still run."""

import pytest

for module in ("numpy", "scipy", "mujoco", "toppra", "rosbags", "matplotlib"):
    pytest.importorskip(module)
