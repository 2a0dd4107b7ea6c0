"""The arm run's picture: measured force against its target, and the reach map."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from backrub.robot.armsim import ArmResult
from backrub.robot.figure import _busiest, _envelope
from backrub.robot.surface import BackSurface
from backrub.robot.trajectory import Trajectory


def draw_arm_report(
    result: ArmResult, traj: Trajectory, surface: BackSurface, path: str | Path, *, cap_n: float
) -> None:
    """Write a PNG: force over the run and a close-up; where the arm reaches, seen from above."""
    fig = plt.figure(figsize=(13, 7.5), dpi=110, layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.9, 1.0])
    whole, close, top = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
    t, target, measured = result.t, result.target_n, result.measured_n
    unit = 60.0 if t.size > 1 and t[-1] > 300.0 else 1.0
    sl = _busiest(t, target)
    peak = max(float(target.max(initial=0.0)), float(measured.max(initial=0.0)), 1.0)
    for ax, (tt, tg, ms) in (
        (whole, (_envelope(t, t) / unit, _envelope(t, target), _envelope(t, measured))),
        (close, (t[sl], target[sl], measured[sl])),
    ):
        ax.plot(tt, ms, color="#e8a04c", lw=1.6, label="measured (skin)")
        ax.plot(tt, tg, color="#1f4e79", lw=0.8, label="target")
        ax.set_ylabel("force (N)")
        ax.grid(alpha=0.3)
    if result.trip is not None:
        for ax, scale in ((whole, unit), (close, 1.0)):
            ax.axvline(result.trip.t_s / scale, color="#b00020", lw=1.5)
            ax.annotate(
                f"stopped: {result.trip.kind}",
                (result.trip.t_s / scale, 0.92 * cap_n),
                color="#b00020",
                ha="right",
                fontsize=9,
            )
    whole.axhline(cap_n, color="#b00020", lw=0.8, ls="--", label=f"cap {cap_n:g} N")
    whole.set_ylim(-0.5, 1.08 * max(cap_n, peak))
    whole.set_title(
        f"UR5e arm, wrist F/T sensor, admittance — RMSE {result.force_rmse_n:.2f} N, "
        f"peak {result.peak_force_n:.1f} N, {result.real_time_factor:.0f}× real time"
    )
    whole.set_xlabel("time (min)" if unit == 60.0 else "time (s)")
    whole.legend(loc="center right", fontsize=9, ncols=3)
    close.set_ylim(-0.3, 1.2 * peak)
    if t.size:
        close.set_title(
            f"Close-up of the busiest {t[sl][-1] - t[sl][0]:.0f} s ({t[sl][0]:.0f}–{t[sl][-1]:.0f} s)"
        )
    close.set_xlabel("time (s)")
    _reach_map(top, result, traj, surface)
    fig.savefig(path)
    plt.close(fig)


def _reach_map(ax: Axes, result: ArmResult, traj: Trajectory, surface: BackSurface) -> None:
    L = surface.back_length * 100
    ys = np.linspace(-2, L + 8, 100)
    w = surface.half_width(ys / 100) * 100
    ax.fill_betweenx(ys, -w, w, color="#f3e3d3", zorder=0)
    ax.plot(w, ys, color="#b89f88", lw=1)
    ax.plot(-w, ys, color="#b89f88", lw=1)
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
    ax.plot([bx * 100], [by * 100], marker="s", ms=10, color="#333", ls="none", label="arm base")
    ax.set_aspect("equal")
    span = max(surface.shoulder_width * 50 + 12, abs(bx) * 100 + 8)
    ax.set_xlim(-span, span)
    ax.set_ylim(min(-6, by * 100 - 8), max(L + 12, by * 100 + 8))
    ax.set_xlabel("x (cm), receiver's right →")
    ax.set_ylabel("y (cm) above the waistline")
    ax.set_title(
        f"Reach: {100 * reach.reachable_fraction:.1f}% of pressing samples,"
        f" {reach.reconfigurations} reconfig."
    )
    ax.legend(loc="lower right", fontsize=8)
