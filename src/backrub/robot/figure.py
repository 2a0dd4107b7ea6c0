"""The simulation's picture: force against its target, and where the probe pressed."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

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
    in_minutes = t.size > 1 and t[-1] > 300.0
    unit = 60.0 if in_minutes else 1.0
    sl = _busiest(t, target)
    peak = max(float(target.max(initial=0.0)), float(measured.max(initial=0.0)), 1.0)

    # The whole routine: min-max decimated to the plot's width, so an hour draws as fast as a minute.
    for ax, (tt, tg, ms) in (
        (whole, (_envelope(t, t) / unit, _envelope(t, target), _envelope(t, measured))),
        (close, (t[sl], target[sl], measured[sl])),
    ):
        ax.plot(tt, ms, color="#e8a04c", lw=1.6, label="measured")
        ax.plot(tt, tg, color="#1f4e79", lw=0.8, label="target")
        ax.set_ylabel("force (N)")
        ax.grid(alpha=0.3)
    for event in result.violations:
        for ax, scale in ((whole, unit), (close, 1.0)):
            ax.axvline(event.t_s / scale, color="#b00020", lw=1.5)
            ax.annotate(
                f"stopped: {event.kind}",
                (event.t_s / scale, 0.92 * (cap_n or peak)),
                color="#b00020",
                ha="right",
                fontsize=9,
            )
    if cap_n is not None:  # the whole trace keeps the cap in view, to show the margin
        whole.axhline(cap_n, color="#b00020", lw=0.8, ls="--", label=f"cap {cap_n:g} N")
        whole.set_ylim(-0.5, 1.08 * max(cap_n, peak))
    close.set_ylim(-0.3, 1.2 * peak)
    whole.set_title(
        f"Contact force over the routine — RMSE {result.force_rmse_n:.2f} N, "
        f"peak {result.peak_force_n:.1f} N, {result.real_time_factor:.0f}× real time"
    )
    whole.set_xlabel("time (min)" if in_minutes else "time (s)")
    whole.legend(loc="center right", fontsize=9, ncols=3)
    if t.size:
        close.set_title(
            f"Close-up of the busiest {t[sl][-1] - t[sl][0]:.0f} s ({t[sl][0]:.0f}–{t[sl][-1]:.0f} s)"
            + (f"; cap {cap_n:g} N is off this scale" if cap_n is not None and cap_n > 1.2 * peak else "")
        )
    close.set_xlabel("time (s)")

    _top_view(top, result, surface)
    fig.savefig(path)
    plt.close(fig)


def _envelope(t: np.ndarray, y: np.ndarray, bins: int = 1500) -> np.ndarray:
    """y reduced to each bin's minimum and maximum, in time order: a line that looks like y."""
    if y.size <= 2 * bins:
        return y
    edges = np.linspace(0, y.size, bins + 1).astype(np.int64)
    lo = np.minimum.reduceat(y, edges[:-1])
    hi = np.maximum.reduceat(y, edges[:-1])
    if y is t:  # time itself: each bin's first and last instant
        lo, hi = t[edges[:-1]], t[edges[1:] - 1]
    return np.column_stack([lo, hi]).ravel()


def _busiest(t: np.ndarray, target: np.ndarray) -> slice:
    """The ZOOM_S window with the most change in target force, weighted toward the hardest work."""
    if t.size < 2 or t[-1] <= ZOOM_S:
        return slice(None)
    width = int(ZOOM_S / (t[1] - t[0]))
    change = np.abs(np.diff(target, prepend=target[0])) * target**2
    score = np.convolve(change, np.ones(width), mode="valid")
    start = int(np.argmax(score))
    return slice(start, start + width)


def _top_view(ax: Axes, result: SimResult, surface: BackSurface) -> None:
    L = surface.back_length * 100
    ys = np.linspace(-2, L + 8, 100)
    w = surface.half_width(ys / 100) * 100
    ax.fill_betweenx(ys, -w, w, color="#f3e3d3", zorder=0)
    ax.plot(w, ys, color="#b89f88", lw=1)
    ax.plot(-w, ys, color="#b89f88", lw=1)
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
    ax.set_aspect("equal")
    ax.set_xlim(-surface.shoulder_width * 50 - 10, surface.shoulder_width * 50 + 10)
    ax.set_ylim(-4, L + 12)
    ax.set_xlabel("x (cm), receiver's right →")
    ax.set_ylabel("y (cm) above the waistline")
    ax.set_title("Top view: where and how hard it pressed")
    ax.legend(loc="lower right", fontsize=8)
