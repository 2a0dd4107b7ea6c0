"""The arm's joint trajectory: CSV, and a ROS 2 bag of `sensor_msgs/msg/JointState`.

Joint names are those of the ROS UR driver (`ur_robot_driver`), so a bag can be
replayed against its `joint_states` or fed to a trajectory controller. Angles
are radians, velocities rad/s (central differences), stamps trajectory time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backrub.robot.reach import ArmPlacement, ReachResult, joint_path, tool_axes
from backrub.robot.trajectory import Trajectory

JOINT_NAMES = (
    "shoulder_pan_joint",
    "shoulder_lift_joint",
    "elbow_joint",
    "wrist_1_joint",
    "wrist_2_joint",
    "wrist_3_joint",
)
JOINT_TOPIC = "/backrub/joint_states"


@dataclass(frozen=True, slots=True, kw_only=True)
class JointTrajectory:
    """Joint angles over time for one arm placement."""

    t: np.ndarray  # (n,)
    q: np.ndarray  # (n, 6) rad
    qd: np.ndarray  # (n, 6) rad/s


def joint_trajectory(
    traj: Trajectory, placement: ArmPlacement, reach: ReachResult, *, rate_hz: float = 125.0
) -> JointTrajectory:
    """The joint trajectory at `rate_hz` (125 Hz: a UR's classic servo rate; at most the trajectory's)."""
    every = max(1, round(traj.rate_hz / rate_hz))
    sample = np.arange(0, len(traj), every)
    axis = tool_axes(traj)[sample]
    q = joint_path(traj.position[sample], traj.normal[sample], placement, reach, sample, axis=axis)
    t = traj.t[sample]
    qd = np.gradient(q, t, axis=0) if len(t) > 1 else np.zeros_like(q)
    return JointTrajectory(t=t, q=q, qd=qd)


def write_joint_csv(joints: JointTrajectory, path: str | Path) -> None:
    """One row per sample: time, six angles, six speeds."""
    header = (
        "t_s," + ",".join(f"{n}_rad" for n in JOINT_NAMES) + "," + ",".join(f"{n}_rad_s" for n in JOINT_NAMES)
    )
    table = np.column_stack([joints.t, joints.q, joints.qd])
    np.savetxt(path, table, fmt="%.6f", delimiter=",", header=header, comments="")


def write_joint_bag(joints: JointTrajectory, path: str | Path) -> int:
    """A ROS 2 bag (SQLite, version 8) of JointState messages; returns how many."""
    from rosbags.rosbag2 import Writer
    from rosbags.typesys import Stores, get_typestore

    store = get_typestore(Stores.ROS2_HUMBLE)
    msgs = store.types
    Header, Time = msgs["std_msgs/msg/Header"], msgs["builtin_interfaces/msg/Time"]
    JointState = msgs["sensor_msgs/msg/JointState"]
    stamps = np.round(joints.t * 1e9).astype(np.int64).tolist()
    empty = np.zeros(0, np.float64)
    with Writer(Path(path), version=8) as writer:
        conn = writer.add_connection(JOINT_TOPIC, JointState.__msgtype__, typestore=store)
        for ns, q, qd in zip(stamps, joints.q, joints.qd, strict=True):
            msg = JointState(
                header=Header(stamp=Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000), frame_id=""),
                name=list(JOINT_NAMES),
                position=np.ascontiguousarray(q, np.float64),
                velocity=np.ascontiguousarray(qd, np.float64),
                effort=empty,
            )
            writer.write(conn, ns, store.serialize_cdr(msg, JointState.__msgtype__))
    return len(stamps)
