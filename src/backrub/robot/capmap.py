"""Where on the back the probe may press, and how hard: a grid of force caps.

One grid serves the compiler (to shape the force and to hop over excluded
places) and the checker (to judge every sample), so the two always agree. The
cap under a point is the lowest of: the profile's cap, its per-zone caps, light
on the spine band widened by a clearance, and zero on the underarms and on
excluded spots widened by their clearance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import distance_transform_edt

from backrub.intake.model import Spot
from backrub.knowledge.body import Body
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS
from backrub.knowledge.zones import SHAPES, Layout, layout_for
from backrub.robot.profile import RobotProfile

CELL_CM = 0.5
# A robot keeps off a reported pain spot entirely (a person may touch it very lightly).
EXCLUDED_KINDS = (*NO_CONTACT_SPOTS, "pain")
NEVER_TOUCHED_ZONES = ("axilla_left", "axilla_right")  # rule `axilla`


@dataclass(frozen=True, slots=True, kw_only=True)
class CapMap:
    """Force caps (N) on a regular grid over the back map, plus why each cell is capped."""

    x0_cm: float
    y0_cm: float
    cap_n: np.ndarray  # (ny, nx)
    reason: np.ndarray  # (ny, nx) int codes into REASONS

    REASONS = ("cap", "zone", "spine", "excluded")

    def lookup(self, x_cm: np.ndarray, y_cm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cap (N) and reason code at map points; off the grid the nearest edge cell counts."""
        ny, nx = self.cap_n.shape
        flat = _cell(y_cm, self.y0_cm, ny)
        flat *= nx
        flat += _cell(x_cm, self.x0_cm, nx)
        return self.cap_n.ravel().take(flat), self.reason.ravel().take(flat)


def _cell(v_cm: np.ndarray, origin_cm: float, count: int) -> np.ndarray:
    """Grid indices along one axis, clamped to the grid (NaN counts as the first cell)."""
    u = np.array(v_cm, dtype=np.float64)  # a copy, worked on in place
    u -= origin_cm
    u *= 1.0 / CELL_CM
    np.fmax(u, 0.0, out=u)  # fmax, not maximum: NaN becomes 0, as before
    np.fmin(u, count - 1, out=u)
    return u.astype(np.intp)


def cap_map_for(body: Body, spots: Iterable[Spot], profile: RobotProfile) -> CapMap:
    """The caps for one person (body and spots) under one robot profile."""
    layout = layout_for(body)
    L = body.back_length_cm
    half = body.shoulder_width_cm / 2 + 15.0
    xs = np.arange(-half, half, CELL_CM) + CELL_CM / 2
    ys = np.arange(-15.0, L + 20.0, CELL_CM) + CELL_CM / 2
    cap = np.full((ys.size, xs.size), profile.cap_n)
    reason = np.zeros(cap.shape, np.int8)

    def lower(mask: np.ndarray, value: float, code: int) -> None:
        hit = mask & (value < cap)
        cap[hit] = value
        reason[hit] = code

    zone_grid = zone_grid_for(layout, xs, ys)
    for zone, zone_cap in profile.zone_caps_n.items():
        lower(zone_grid == zone, zone_cap, 1)
    band = np.array([layout.spine_half_width(float(y)) for y in ys])[:, None]
    lower(np.abs(xs)[None, :] < band + profile.spine_clearance_cm + CELL_CM, profile.light_n, 2)

    excluded = np.isin(zone_grid, NEVER_TOUCHED_ZONES)
    for spot in spots:
        if spot.kind not in EXCLUDED_KINDS:
            continue
        if spot.zone is not None:
            excluded |= zone_grid == spot.zone
        elif spot.at is not None:
            sx, sy = spot.at
            r = spot.radius_cm
            excluded |= (xs[None, :] - sx) ** 2 + (ys[:, None] - sy) ** 2 < r * r
    # Widen every excluded place by the clearance (the axilla too: strokes stop short of it).
    if excluded.any():
        far = distance_transform_edt(~excluded, sampling=CELL_CM)
        # One cell more than the clearance, so no point of a cell is nearer than promised.
        lower(far < profile.spot_clearance_cm + CELL_CM, 0.0, 3)
    return CapMap(
        x0_cm=float(xs[0] - CELL_CM / 2), y0_cm=float(ys[0] - CELL_CM / 2), cap_n=cap, reason=reason
    )


def zone_grid_for(layout: Layout, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Zone ids ('' off the map) at every (y, x) of a grid, as `Layout.zone_at` names them.

    The same shapes in the same priority order, a row at a time: tens of
    thousands of cells in milliseconds rather than a call per cell.
    """
    grid = np.full((ys.size, xs.size), "", dtype="<U24")
    ax, right = np.abs(xs), xs >= 0
    for row, y in zip(grid, ys.tolist(), strict=True):
        free = np.ones(xs.size, bool)
        for shape in SHAPES:
            if not layout.bound(shape.y_low, y) <= y < layout.bound(shape.y_high, y):
                continue
            hit = free & (ax >= layout.bound(shape.x_low, y)) & (ax < layout.bound(shape.x_high, y))
            if shape.sided:
                row[hit & right] = shape.name + "_right"
                row[hit & ~right] = shape.name + "_left"
            else:
                row[hit] = shape.name
            free &= ~hit
    return grid
