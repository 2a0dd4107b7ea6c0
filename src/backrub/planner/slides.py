"""Slides between steps (rule `continuous`, seeds 000 and 004: the hands stay on the back and slide
to the next area): where a slide would cross a no-touch area, it is routed round it as the step's
lead-in, or the plan is refused.

Split from plan.py: the search calls lead_ins once per trim, with the memo of its planning call."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from backrub.geometry import Point, Shape, detour, first_hit, mirrored, path_cached, rounded, route
from backrub.intake.model import Intake
from backrub.intake.places import NoTouch, slide_shapes, slides_between
from backrub.planner.templates import Draft

TYPE_CHECKING = False  # typing is costly to import at start-up (about 3 ms); only the checker needs it
if TYPE_CHECKING:
    from backrub.planner.plan import _Memo


def lead_ins(intake: Intake, drafts: list[Draft], before: Draft | None, memo: _Memo) -> list[Draft] | None:
    """Where the slide to the next step would cross a no-touch area, route it round; None when
    some slide finds no way round (better no routine than one that slides over a wound).

    Each slide depends only on the step before it, so, as plan._staged does, a call goes on from the
    last one's output where the drafts agree from the start, and takes the last one's tail (or its
    failure) once a slide comes from the very same step where the drafts agree to the end."""
    if not drafts:
        return drafts
    n, p, s = len(drafts), 0, 0
    old: list[Draft] = []
    old_out: list[Draft] = []
    failed = n_old = 0
    if memo.led is not None:
        old, old_out, failed = memo.led  # failed: where the last call found no way round, else its length
        n_old = len(old)
        m = min(n, n_old)
        while p < m and drafts[p] is old[p]:
            p += 1
        if p > failed:  # the same slide as the last call's that found no way round
            return None
        while s < m - p and drafts[n - 1 - s] is old[n_old - 1 - s]:
            s += 1
    out = old_out[:p]
    if p == 0 and before is None:  # the first step has no slide before it
        out, p = [drafts[0]], 1
    previous = out[-1] if out else before
    assert previous is not None
    for i in range(p, n):
        j = i + n_old - n
        if i >= n - s and 1 <= j <= failed and old_out[j - 1] is previous:  # the same slide, the same tail
            out += old_out[j:failed]
            memo.led = (drafts, out, failed - j + i if failed < n_old else n)
            return None if failed < n_old else list(out)
        draft = drafts[i]
        if slides_between(intake.giver, previous.side, draft.side):
            key = (previous.path[-1], previous.side, id(draft))
            hit = memo.slid.get(key)
            if hit is None:
                hit = memo.slid[key] = (draft, led_in(memo.areas, previous, draft))
            if hit[1] is None:
                memo.led = (drafts, out, i)
                return None
            draft = hit[1]
        out.append(draft)
        previous = draft
    memo.led = (drafts, out, n)
    return list(out)


def led_in(areas: tuple[NoTouch, ...], previous: Draft, draft: Draft) -> Draft | None:
    """The draft with a lead_in round any no-touch area on the slide from `previous`; the draft
    itself when the straight slide is clear; None when there is no way round."""
    both = previous.side == "both" and draft.side == "both"
    way = _way(areas, previous.path[-1], draft.path[0], both)
    if way is None:
        return None
    return draft.with_changes(lead_in=way) if way else draft


@path_cached(0)  # by the areas tuple itself, the ends and hands by value: replans ask again
def _way(areas: tuple[NoTouch, ...], a: Point, b: Point, both: bool) -> tuple[Point, ...] | None:
    """The lead-in from a to b round the areas (for both hands when `both`): () when the straight
    slide is clear, None when there is no way round."""
    # Most slides are clear: say so from the areas near the straight slide (and near its mirror
    # image for the other hand), before building and hashing every shape for the memo.
    box = (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
    close = [s for _, s in slide_shapes(areas, a, b, box)]
    if both:
        mirror_box = (-box[2], box[1], -box[0], box[3])
        close += [mirrored(s) for _, s in slide_shapes(areas, a, b, mirror_box)]
    if not first_hit([a, b], close, box):
        return ()
    shapes = [s for _, s in slide_shapes(areas, a, b)]
    near = shapes + [mirrored(s) for s in shapes] if both else shapes
    way = _slide(a, b, tuple(near))
    if way is None and both:  # no way round for both hands together: the leading hand at least
        way = _slide(a, b, tuple(shapes))
    return way


@lru_cache(maxsize=4096)
def _slide(a: Point, b: Point, shapes: tuple[Shape, ...]) -> tuple[Point, ...] | None:
    """The way from a to b round any no-touch shape: empty when the straight slide is clear, None
    when there is no way round."""
    if not first_hit([a, b], shapes):
        return ()
    # Check the way as JSON will carry it: rounding must not nudge a corner into an area.
    for way in _ways_round(a, b, shapes):  # cheapest first; each only if the one before fails
        if way is not None and not first_hit([a, *rounded(way[1:-1]), b], shapes):
            return tuple(rounded(way[1:-1]))
    return None


def _ways_round(a: Point, b: Point, shapes: tuple[Shape, ...]) -> Iterator[list[Point] | None]:
    yield detour([a, b], shapes)
    yield route(a, b, shapes)
    yield route(a, b, shapes, clearance=1.0)
