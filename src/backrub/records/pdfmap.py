"""The back as a clinician's PDF draws it (matplotlib): the body from behind, the steps' paths,
the places kept clear, and numbered marks for what was found on the skin and where pain was felt.

The outline, head, shoulder blades and ribs come from `render/body.py`, the same back the plan's
SVG and the coach's chart draw, so a clinician sees the picture the giver saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Circle as CirclePatch
from matplotlib.patches import Ellipse, Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path

from backrub.geometry import Box, Circle
from backrub.intake.model import Intake
from backrub.knowledge.zones import ZONE_IDS, Layout, layout_for
from backrub.render.body import Point, blades, head, ribs, silhouette, smooth_closed
from backrub.render.palette import PRESSURE_COLOURS, drawn_no_touch

SKIN = "#f6e7da"
SKIN_LINE = "#b08d74"
SURFACE = "#a8927f"
MARK_COLOURS = {"wound": "#c2372d", "rash": "#c2372d", "bruise": "#6b3fa0", "redness": "#d9480f",
                "pain": "#8e44ad", "knot": "#1f6f8b", "tension": "#1f6f8b"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    """A numbered place on the drawing: a skin finding, a marked spot or a pain report."""

    n: int
    kind: str
    x: float
    y: float
    radius: float  # cm; 0 for a point (a tap of "Pain here")

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "kind": self.kind, "x": self.x, "y": self.y, "radius": self.radius}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Mark:
        return cls(n=int(raw["n"]), kind=str(raw["kind"]), x=float(raw["x"]), y=float(raw["y"]),
                   radius=float(raw["radius"]))


def _curve(points: list[Point]) -> Path:
    verts: list[Point] = [points[0]]
    codes = [Path.MOVETO]
    for c1, c2, end in smooth_closed(points):
        verts += [c1, c2, end]
        codes += [Path.CURVE4] * 3
    return Path(verts, codes)


def _body(ax: Axes, lay: Layout) -> None:
    (hx, hy), rx, ry = head(lay)
    ax.add_patch(Ellipse((hx, hy), 2 * rx, 2 * ry, facecolor="#efdccb", edgecolor=SKIN_LINE, linewidth=0.6))
    body = PathPatch(_curve(silhouette(lay)), facecolor=SKIN, edgecolor=SKIN_LINE, linewidth=0.8)
    ax.add_patch(body)
    for zone in reversed(ZONE_IDS):  # faint zone edges inside the body: where the named places lie
        if zone == "spine":
            face = "#e2dcd6"
        elif zone.startswith("axilla"):
            face = "#f3d0d0"
        else:
            face = "none"
        patch = ax.add_patch(Polygon(lay.outline(zone), closed=True, facecolor=face, edgecolor="#d6b79d",
                                     linewidth=0.3, alpha=0.9))
        patch.set_clip_path(body)
    for blade in blades(lay):
        ax.add_patch(PathPatch(_curve(blade), facecolor="none", edgecolor=SURFACE, linewidth=0.6, alpha=0.8))
    for a, c, b in ribs(lay):
        ax.add_patch(PathPatch(Path([a, c, b], [Path.MOVETO, Path.CURVE3, Path.CURVE3]), facecolor="none",
                               edgecolor=SURFACE, linewidth=0.45, alpha=0.6))


def back_map(
    ax: Axes,
    intake: Intake,
    steps: Sequence[dict[str, Any]] = (),
    *,
    numbers: bool = True,
    marks: Sequence[Mark] = (),
) -> None:
    """The back seen from behind, its no-touch areas, the steps' paths in order and numbered marks."""
    lay = layout_for(intake.body)
    _body(ax, lay)
    for area, colour in drawn_no_touch(intake):
        shape = area.shape
        if isinstance(shape, Circle):
            patch: Patch = CirclePatch((shape.cx, shape.cy), shape.r)
        elif isinstance(shape, Box):
            patch = Rectangle((shape.x0, shape.y0), shape.x1 - shape.x0, shape.y1 - shape.y0)
        else:
            continue
        patch.set(facecolor="none", edgecolor=colour, hatch="////", linewidth=0.9)
        ax.add_patch(patch)
    for n, step in enumerate(steps, start=1):
        colour = PRESSURE_COLOURS.get(step.get("pressure", "light"), "#555")
        path = [tuple(p) for p in step.get("path", [])]
        if not path:
            continue
        hands = [path] + ([[(-x, y) for x, y in path]] if step.get("side") == "both" else [])
        for k, hand in enumerate(hands):
            xs, ys = zip(*hand, strict=True)
            ax.plot(xs, ys, color=colour, linewidth=0.6, alpha=0.6 if k == 0 else 0.3)
        if numbers:
            ax.text(path[0][0], path[0][1], str(n), fontsize=4, color="white", ha="center", va="center",
                    bbox={"boxstyle": "circle,pad=0.12", "facecolor": colour, "edgecolor": "none"})
    for m in marks:
        colour = MARK_COLOURS.get(m.kind, "#333")
        if m.radius > 0:
            ax.add_patch(CirclePatch((m.x, m.y), m.radius, facecolor=colour, alpha=0.25, edgecolor=colour,
                                     linewidth=1.0))
        else:
            ax.plot([m.x], [m.y], marker="X", markersize=8, color=colour, markeredgecolor="white")
        # The number sits beside the mark, outward from the spine, so it never hides the place.
        out = 1.0 if m.x >= 0 else -1.0
        ax.annotate(str(m.n), (m.x, m.y), xytext=(m.x + out * (m.radius + 3.2), m.y + 2.2), fontsize=7,
                    fontweight="bold", color="white", ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": colour, "edgecolor": "white"},
                    arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.7})
    reach = lay.hs + 9
    (_, hy), _, ry = head(lay)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-4, hy + ry + 1)
    ax.set_aspect("equal")
    ax.plot([0, 0], [-1, lay.L + 8], color="#888", linewidth=0.4, linestyle=(0, (3, 3)))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.text(-reach, -3.5, "receiver's left", fontsize=6, color="#555")
    ax.text(reach, -3.5, "receiver's right", fontsize=6, color="#555", ha="right")
