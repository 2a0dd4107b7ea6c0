"""The simulation's picture: force against its target, and where the probe pressed."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from backrub.robot.plotting import back_outline, close_up_title, force_panels, mark_stops, show_cap
from backrub.robot.sim import SimResult
from backrub.robot.surface import BackSurface


def draw_report(
    result: SimResult, surface: BackSurface, path: str | Path, cap_n: float | None = None
) -> None:
    """Write a PNG: the whole force trace, a close-up of its busiest stretch, a top view."""
    t = result.t
    panels = force_panels(t, result.target_n, result.measured_n, measured_label="measured")
    stops = [(event.t_s, event.kind) for event in result.violations]
    mark_stops(panels, stops, 0.92 * (cap_n or panels.peak))
    if cap_n is not None:
        show_cap(panels, cap_n)
    panels.whole.set_title(
        f"Contact force over the routine — RMSE {result.force_rmse_n:.2f} N, "
        f"peak {result.peak_force_n:.1f} N, {result.real_time_factor:.0f}× real time"
    )
    panels.whole.legend(loc="center right", fontsize=9, ncols=3)
    off_scale = cap_n is not None and cap_n > 1.2 * panels.peak
    close_up_title(panels, t, f"; cap {cap_n:g} N is off this scale" if off_scale else "")
    _top_view(panels.top, result, surface)
    panels.fig.savefig(path)
    plt.close(panels.fig)


def _top_view(ax: Axes, result: SimResult, surface: BackSurface) -> None:
    back_outline(ax, surface)
    ax.axvspan(-1.5, 1.5, color="#d9c6b4", zorder=0.5, label="spine band")
    pressing = np.flatnonzero(result.measured_n > 0.2)
    pressing = pressing[:: max(1, pressing.size // 60_000)]  # enough dots for the eye
    pressing = pressing[np.argsort(result.measured_n[pressing], kind="stable")]  # hardest on top
    xy = result.contact[pressing, :2] * 100
    shade = ax.scatter(
        xy[:, 0],
        xy[:, 1],
        c=result.measured_n[pressing],
        cmap="magma_r",
        s=3,
        vmin=0,
        vmax=max(1.0, float(result.measured_n.max(initial=0.0))),
        zorder=2,
    )
    plt.colorbar(shade, ax=ax, label="measured force (N)", shrink=0.8)
    ax.set_xlim(-surface.shoulder_width * 50 - 10, surface.shoulder_width * 50 + 10)
    ax.set_ylim(-4, surface.back_length * 100 + 12)
    ax.set_title("Top view: where and how hard it pressed")
    ax.legend(loc="lower right", fontsize=8)
