"""Exports for real robots: CSV, and a ROS 2 bag written with `rosbags`.

Both use the body frame (`backrub_body`: origin on the spine at the
waistline, x to the receiver's right, y toward the head, z out of the back).
In the bag, `/backrub/probe_pose` (geometry_msgs/msg/PoseStamped) puts the
tool frame at the skin point with its z axis pointing into the skin (along
-normal) and its x axis as close to body x as that allows;
`/backrub/probe_wrench` (geometry_msgs/msg/WrenchStamped) is the force the
probe applies to the skin, in newtons, expressed in the body frame. Stamps
are trajectory time from zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backrub.robot.trajectory import Trajectory

FRAME = "backrub_body"
POSE_TOPIC = "/backrub/probe_pose"
WRENCH_TOPIC = "/backrub/probe_wrench"
CSV_HEADER = "t_s,x_m,y_m,z_m,nx,ny,nz,force_n,step"


def write_csv(traj: Trajectory, path: str | Path) -> None:
    """One row per sample: time, skin point, outward normal, target force, step index."""
    table = np.column_stack([traj.t, traj.position, traj.normal, traj.force, traj.step])
    fmt = ["%.4f"] + ["%.6f"] * 6 + ["%.3f", "%d"]
    np.savetxt(path, table, fmt=fmt, delimiter=",", header=CSV_HEADER, comments="")


def tool_quaternions(normal: np.ndarray) -> np.ndarray:
    """Quaternions (N, 4) as x, y, z, w of a tool frame whose z axis is -normal."""
    z = -normal
    x = np.array([1.0, 0.0, 0.0]) - z[:, :1] * z  # body x, made square to z
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.cross(z, x)
    rot = np.stack([x, y, z], axis=2)  # columns are the tool axes in the body frame
    return _quaternion_from_matrix(rot)


def _quaternion_from_matrix(r: np.ndarray) -> np.ndarray:
    """Rotation matrices (N, 3, 3) to unit quaternions (x, y, z, w), w >= 0."""
    w = 0.5 * np.sqrt(np.maximum(1.0 + r[:, 0, 0] + r[:, 1, 1] + r[:, 2, 2], 0.0))
    x = 0.5 * np.sqrt(np.maximum(1.0 + r[:, 0, 0] - r[:, 1, 1] - r[:, 2, 2], 0.0))
    y = 0.5 * np.sqrt(np.maximum(1.0 - r[:, 0, 0] + r[:, 1, 1] - r[:, 2, 2], 0.0))
    z = 0.5 * np.sqrt(np.maximum(1.0 - r[:, 0, 0] - r[:, 1, 1] + r[:, 2, 2], 0.0))
    x = np.copysign(x, r[:, 2, 1] - r[:, 1, 2])
    y = np.copysign(y, r[:, 0, 2] - r[:, 2, 0])
    z = np.copysign(z, r[:, 1, 0] - r[:, 0, 1])
    q = np.stack([x, y, z, w], axis=1)
    return np.asarray(q / np.linalg.norm(q, axis=1, keepdims=True))


def write_bag(traj: Trajectory, path: str | Path, *, rate_hz: float | None = None) -> int:
    """Write a ROS 2 bag (SQLite, version 8) at `rate_hz` (default: every sample).

    Returns the number of messages written.
    """
    from rosbags.rosbag2 import Writer
    from rosbags.typesys import Stores, get_typestore

    store = get_typestore(Stores.ROS2_HUMBLE)
    msgs = store.types
    Header, Time = msgs["std_msgs/msg/Header"], msgs["builtin_interfaces/msg/Time"]
    Pose, Point, Quat = (
        msgs["geometry_msgs/msg/Pose"],
        msgs["geometry_msgs/msg/Point"],
        msgs["geometry_msgs/msg/Quaternion"],
    )
    Wrench, Vector3 = msgs["geometry_msgs/msg/Wrench"], msgs["geometry_msgs/msg/Vector3"]
    PoseStamped = msgs["geometry_msgs/msg/PoseStamped"]
    WrenchStamped = msgs["geometry_msgs/msg/WrenchStamped"]

    every = max(1, round(traj.rate_hz / rate_hz)) if rate_hz else 1
    idx = np.arange(0, len(traj), every)
    quats = tool_quaternions(traj.normal[idx]).tolist()
    pos = traj.position[idx].tolist()
    push = (-traj.normal[idx] * traj.force[idx, None]).tolist()
    stamps = np.round(traj.t[idx] * 1e9).astype(np.int64).tolist()
    zero = Vector3(x=0.0, y=0.0, z=0.0)
    with Writer(Path(path), version=8) as writer:
        pose_conn = writer.add_connection(POSE_TOPIC, PoseStamped.__msgtype__, typestore=store)
        wrench_conn = writer.add_connection(WRENCH_TOPIC, WrenchStamped.__msgtype__, typestore=store)
        for ns, p, q, f in zip(stamps, pos, quats, push, strict=True):
            header = Header(stamp=Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000), frame_id=FRAME)
            pose = PoseStamped(
                header=header,
                pose=Pose(
                    position=Point(x=p[0], y=p[1], z=p[2]),
                    orientation=Quat(x=q[0], y=q[1], z=q[2], w=q[3]),
                ),
            )
            wrench = WrenchStamped(
                header=header, wrench=Wrench(force=Vector3(x=f[0], y=f[1], z=f[2]), torque=zero)
            )
            writer.write(pose_conn, ns, store.serialize_cdr(pose, PoseStamped.__msgtype__))
            writer.write(wrench_conn, ns, store.serialize_cdr(wrench, WrenchStamped.__msgtype__))
    return 2 * len(idx)


def read_bag(path: str | Path) -> dict[str, list[object]]:
    """Messages of a bag by topic, read back with the rosbags reader (for tests and tools)."""
    from rosbags.rosbag2 import Reader
    from rosbags.typesys import Stores, get_typestore

    store = get_typestore(Stores.ROS2_HUMBLE)
    out: dict[str, list[object]] = {}
    with Reader(Path(path)) as reader:
        for conn, _, raw in reader.messages():
            out.setdefault(conn.topic, []).append(store.deserialize_cdr(raw, conn.msgtype))
    return out
