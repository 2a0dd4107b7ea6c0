"""The robot performer: back surface, trajectories with contact force, physics, exports.

Needs the `robot` extra (numpy, scipy, mujoco, rosbags, matplotlib);
the core never imports this package. Frames and formats: docs/robot.md.
"""

from backrub.robot.capmap import CapMap, cap_map_for
from backrub.robot.check import Violation, check_trajectory
from backrub.robot.compile import TrajectoryCheckError, compile_routine, robot_problems
from backrub.robot.export import read_bag, write_bag, write_csv
from backrub.robot.fit import FitResult, fit_surface, synthetic_cloud
from backrub.robot.profile import HARD_CAP_N, RobotProfile
from backrub.robot.sim import SimResult, simulate
from backrub.robot.surface import BackSurface, surface_from_body
from backrub.robot.trajectory import Trajectory, load_trajectory

__all__ = [
    "HARD_CAP_N",
    "BackSurface",
    "CapMap",
    "FitResult",
    "RobotProfile",
    "SimResult",
    "Trajectory",
    "TrajectoryCheckError",
    "Violation",
    "cap_map_for",
    "check_trajectory",
    "compile_routine",
    "fit_surface",
    "load_trajectory",
    "read_bag",
    "robot_problems",
    "simulate",
    "surface_from_body",
    "synthetic_cloud",
    "write_bag",
    "write_csv",
]
