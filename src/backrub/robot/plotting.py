"""What the robot's two pictures share: the layout, the force traces, stops, and the back seen from above.

`figure.py` (the ball probe) and `arm_figure.py` (the arm in the loop) draw the
same left-hand panels, a whole run decimated to the plot's width over a close-up
of its busiest stretch, and differ only in their top view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from backrub.robot.surface import BackSurface

ZOOM_S = 20.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ForcePanels:
    """The figure, its three axes, and what the traces on them were drawn with."""

    fig: Figure
    whole: Axes
    close: Axes
    top: Axes
    unit: float  # seconds per unit of the whole trace's time axis (60: minutes)
    window: slice  # the close-up's samples
    peak: float  # the larger of target and measured peaks (N), at least 1


def force_panels(
    t: np.ndarray, target: np.ndarray, measured: np.ndarray, *, measured_label: str
) -> ForcePanels:
    """Lay out the figure and draw measured against target force, whole run and close-up."""
    fig = plt.figure(figsize=(13, 7.5), dpi=110, layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.9, 1.0])
    whole, close, top = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
    unit = 60.0 if t.size > 1 and t[-1] > 300.0 else 1.0
    window = busiest(t, target)
    peak = max(float(target.max(initial=0.0)), float(measured.max(initial=0.0)), 1.0)
    # The whole routine is min-max decimated to the plot's width, so an hour draws as fast as a minute.
    for ax, (tt, tg, ms) in (
        (whole, (envelope(t, t) / unit, envelope(t, target), envelope(t, measured))),
        (close, (t[window], target[window], measured[window])),
    ):
        ax.plot(tt, ms, color="#e8a04c", lw=1.6, label=measured_label)
        ax.plot(tt, tg, color="#1f4e79", lw=0.8, label="target")
        ax.set_ylabel("force (N)")
        ax.grid(alpha=0.3)
    whole.set_xlabel("time (min)" if unit == 60.0 else "time (s)")
    close.set_xlabel("time (s)")
    close.set_ylim(-0.3, 1.2 * peak)
    return ForcePanels(fig=fig, whole=whole, close=close, top=top, unit=unit, window=window, peak=peak)


def mark_stops(panels: ForcePanels, stops: Sequence[tuple[float, str]], label_y: float) -> None:
    """A red line and 'stopped: kind' at each stop (time in s), on both traces."""
    for t_s, kind in stops:
        for ax, scale in ((panels.whole, panels.unit), (panels.close, 1.0)):
            ax.axvline(t_s / scale, color="#b00020", lw=1.5)
            ax.annotate(f"stopped: {kind}", (t_s / scale, label_y), color="#b00020", ha="right", fontsize=9)


def show_cap(panels: ForcePanels, cap_n: float) -> None:
    """The cap as a dashed line on the whole trace, kept in view to show the margin."""
    panels.whole.axhline(cap_n, color="#b00020", lw=0.8, ls="--", label=f"cap {cap_n:g} N")
    panels.whole.set_ylim(-0.5, 1.08 * max(cap_n, panels.peak))


def close_up_title(panels: ForcePanels, t: np.ndarray, note: str = "") -> None:
    """Title the close-up with its span."""
    if t.size:
        tt = t[panels.window]
        span = f"{tt[-1] - tt[0]:.0f} s ({tt[0]:.0f}–{tt[-1]:.0f} s)"
        panels.close.set_title(f"Close-up of the busiest {span}{note}")


def back_outline(ax: Axes, surface: BackSurface) -> None:
    """The back from above (cm), filled, with axis labels and equal scales."""
    L = surface.back_length * 100
    ys = np.linspace(-2, L + 8, 100)
    w = surface.half_width(ys / 100) * 100
    ax.fill_betweenx(ys, -w, w, color="#f3e3d3", zorder=0)
    ax.plot(w, ys, color="#b89f88", lw=1)
    ax.plot(-w, ys, color="#b89f88", lw=1)
    ax.set_aspect("equal")
    ax.set_xlabel("x (cm), receiver's right →")
    ax.set_ylabel("y (cm) above the waistline")


def envelope(t: np.ndarray, y: np.ndarray, bins: int = 1500) -> np.ndarray:
    """y reduced to each bin's minimum and maximum, in time order: a line that looks like y."""
    if y.size <= 2 * bins:
        return y
    edges = np.linspace(0, y.size, bins + 1).astype(np.int64)
    lo = np.minimum.reduceat(y, edges[:-1])
    hi = np.maximum.reduceat(y, edges[:-1])
    if y is t:  # time itself: each bin's first and last instant
        lo, hi = t[edges[:-1]], t[edges[1:] - 1]
    return np.column_stack([lo, hi]).ravel()


def busiest(t: np.ndarray, target: np.ndarray) -> slice:
    """The ZOOM_S window with the most change in target force, weighted toward the hardest work."""
    if t.size < 2 or t[-1] <= ZOOM_S:
        return slice(None)
    width = int(ZOOM_S / (t[1] - t[0]))
    change = np.abs(np.diff(target, prepend=target[0])) * target**2
    score = np.convolve(change, np.ones(width), mode="valid")
    start = int(np.argmax(score))
    return slice(start, start + width)
