"""Robot tests need the robot extra; without it they skip, and the core's tests still run.

Under CI (where scripts/test.sh always installs the extra) a missing module is an error,
so a broken install can never pass as a quiet skip.
"""

import importlib
import os

import pytest

for module in ("numpy", "scipy", "mujoco", "rosbags", "matplotlib"):
    if os.environ.get("CI"):
        importlib.import_module(module)
    else:
        pytest.importorskip(module)
