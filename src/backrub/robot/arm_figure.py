"""The arm run's picture: measured force against its target, and the reach map."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from backrub.robot.armsim import ArmResult
from backrub.robot.plotting import back_outline, close_up_title, force_panels, mark_stops, show_cap
from backrub.robot.surface import BackSurface
from backrub.robot.trajectory import Trajectory


def draw_arm_report(
    result: ArmResult, traj: Trajectory, surface: BackSurface, path: str | Path, *, cap_n: float
) -> None:
    """Write a PNG: force over the run and a close-up; where the arm reaches, seen from above."""
    panels = force_panels(result.t, result.target_n, result.measured_n, measured_label="measured (skin)")
    if result.trip is not None:
        mark_stops(panels, [(result.trip.t_s, result.trip.kind)], 0.92 * cap_n)
    show_cap(panels, cap_n)
    panels.whole.set_title(
        f"UR5e arm, wrist F/T sensor, admittance — RMSE {result.force_rmse_n:.2f} N, "
        f"peak {result.peak_force_n:.1f} N, {result.real_time_factor:.0f}× real time"
    )
    panels.whole.legend(loc="center right", fontsize=9, ncols=3)
    close_up_title(panels, result.t)
    _reach_map(panels.top, result, traj, surface)
    panels.fig.savefig(path)
    plt.close(panels.fig)


def _reach_map(ax: Axes, result: ArmResult, traj: Trajectory, surface: BackSurface) -> None:
    back_outline(ax, surface)
    reach = result.reach
    fail = np.zeros(reach.index.size, bool)
    for mask in reach.bad.values():
        fail |= mask
    xy = traj.position[reach.index, :2] * 100
    press = reach.pressing
    ax.scatter(xy[press & ~fail, 0], xy[press & ~fail, 1], s=2, color="#2a7f3f", label="reached", zorder=2)
    if (press & fail).any():
        ax.scatter(
            xy[press & fail, 0], xy[press & fail, 1], s=6, color="#b00020", label="not reachable", zorder=3
        )
    bx, by, _ = result.placement.base_m
    hung = "hung from its frame" if abs(result.placement.tilt_deg) > 90.0 else "on its pedestal"
    ax.plot([bx * 100], [by * 100], marker="s", ms=10, color="#333", ls="none", label=f"arm base ({hung})")
    L = surface.back_length * 100
    span = max(surface.shoulder_width * 50 + 12, abs(bx) * 100 + 8)
    ax.set_xlim(-span, span)
    ax.set_ylim(min(-6, by * 100 - 8), max(L + 12, by * 100 + 8))
    ax.set_title(
        f"Reach: {100 * reach.reachable_fraction:.1f}% of pressing samples,"
        f" {reach.reconfigurations} reconfig."
    )
    ax.legend(loc="lower right", fontsize=8)
