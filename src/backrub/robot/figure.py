"""The simulation's picture: force against its target, and where the probe pressed."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np

from backrub.robot.sim import SimResult
from backrub.robot.surface import BackSurface

ZOOM_S = 20.0


def draw_report(
    result: SimResult, surface: BackSurface, path: str | Path, cap_n: float | None = None
) -> None:
    """Write a PNG: the whole force trace, a close-up of its busiest stretch, a top view."""
    fig = plt.figure(figsize=(13, 7.5), dpi=110, layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.9, 1.0])
    whole = fig.add_subplot(grid[0, 0])
    close = fig.add_subplot(grid[1, 0])
    top = fig.add_subplot(grid[:, 1])
    t, target, measured = result.t, result.target_n, result.measured_n

    for ax, sl in ((whole, slice(None)), (close, _busiest(t, target))):
        ax.plot(t[sl], target[sl], color="#1f4e79", lw=1.2, label="target")
        ax.plot(t[sl], measured[sl], color="#e07b00", lw=0.9, alpha=0.85, label="measured")
        if cap_n is not None:
            ax.axhline(cap_n, color="#b00020", lw=0.8, ls="--", label=f"cap {cap_n:g} N")
        for event in result.violations:
            ax.axvline(event.t_s, color="#b00020", lw=1.5)
            ax.annotate(
                f"stopped: {event.kind}",
                (event.t_s, ax.get_ylim()[1] * 0.9),
                color="#b00020",
                ha="right",
                fontsize=9,
            )
        ax.set_ylabel("force (N)")
        ax.grid(alpha=0.3)
    whole.set_title(
        f"Contact force over the routine — RMSE {result.force_rmse_n:.2f} N, "
        f"peak {result.peak_force_n:.1f} N, {result.real_time_factor:.0f}× real time"
    )
    whole.legend(loc="upper right", fontsize=9)
    sl = _busiest(t, target)
    close.set_title(f"Close-up: {t[sl][0]:.0f}–{t[sl][-1]:.0f} s")
    close.set_xlabel("time (s)")

    _top_view(top, result, surface)
    fig.savefig(path)
    plt.close(fig)


def _busiest(t: np.ndarray, target: np.ndarray) -> slice:
    """The ZOOM_S window with the most change in target force, weighted toward the hardest work."""
    if t.size < 2 or t[-1] <= ZOOM_S:
        return slice(None)
    width = int(ZOOM_S / (t[1] - t[0]))
    change = np.abs(np.diff(target, prepend=target[0])) * target**2
    score = np.convolve(change, np.ones(width), mode="valid")
    start = int(np.argmax(score))
    return slice(start, start + width)


def _top_view(ax: plt.Axes, result: SimResult, surface: BackSurface) -> None:
    L = surface.back_length * 100
    ys = np.linspace(-2, L + 8, 100)
    w = surface.half_width(ys / 100) * 100
    ax.fill_betweenx(ys, -w, w, color="#f3e3d3", zorder=0)
    ax.plot(w, ys, color="#b89f88", lw=1)
    ax.plot(-w, ys, color="#b89f88", lw=1)
    ax.axvspan(-1.5, 1.5, color="#d9c6b4", zorder=0.5, label="spine band")
    pressing = result.measured_n > 0.2
    xy = result.contact[pressing, :2] * 100
    shade = ax.scatter(
        xy[:, 0],
        xy[:, 1],
        c=result.measured_n[pressing],
        cmap="magma_r",
        s=3,
        vmin=0,
        vmax=max(1.0, float(result.measured_n.max())),
        zorder=2,
    )
    plt.colorbar(shade, ax=ax, label="measured force (N)", shrink=0.8)
    ax.set_aspect("equal")
    ax.set_xlim(-surface.shoulder_width * 50 - 10, surface.shoulder_width * 50 + 10)
    ax.set_ylim(-4, L + 12)
    ax.set_xlabel("x (cm), receiver's right →")
    ax.set_ylabel("y (cm) above the waistline")
    ax.set_title("Top view: where and how hard it pressed")
    ax.legend(loc="lower right", fontsize=8)
