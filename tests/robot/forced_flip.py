"""Force the reach check to change arm configuration once, in a chosen air gap (for tests).

The planned routines on the default body need no reconfiguration, so tests
that exercise one make it: `_choose` is replaced by one that keeps the first
branch and switches to the other wrist (branch ^ 2) in the middle of the
air gap picked by its order among the routine's gaps (which stays the same
when the compiler draws a gap out).
"""

from __future__ import annotations

import itertools

import numpy as np

import backrub.robot.reach as reach


def air_gaps(pressing: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) positions of each run of looked-at samples in the air between two touches."""
    edges = np.flatnonzero(np.diff(pressing.view(np.int8)))
    return [(int(a) + 1, int(z)) for a, z in itertools.pairwise(edges) if not pressing[a + 1]]


def gap_seconds(traj, result) -> list[float]:
    """How long each air gap lasts (s)."""
    return [float(traj.t[result.index[z]] - traj.t[result.index[a]]) for a, z in air_gaps(result.pressing)]


def flip_wrist_in_gap(monkeypatch, branch: int, which: int) -> None:
    """From now on the reach check keeps `branch`, and the other wrist after the middle of gap `which`."""

    def choose(fails, pressing):
        first, last = air_gaps(pressing)[which]
        out = np.full(fails.shape[1], branch)
        out[(first + last) // 2 :] = branch ^ 2  # the other wrist: θ5 negated, θ6 half a turn away
        return out

    monkeypatch.setattr(reach, "_choose", choose)
