"""Placing drafts: clear of no-touch areas, on the side being worked, within the giver's reach."""

from __future__ import annotations

from functools import lru_cache

from backrub.geometry import (
    Point,
    Shape,
    detour,
    direction_problem,
    first_hit,
    grown,
    length,
    mirrored,
    path_box,
    path_cached,
    reach,
    rounded,
    segments_hit,
)
from backrub.intake.places import NoTouch
from backrub.knowledge.body import Body
from backrub.knowledge.techniques import contact_half_width
from backrub.knowledge.zones import zones_on_path
from backrub.planner.pieces import mirror_draft
from backrub.planner.templates import Draft


def hands(draft: Draft) -> tuple[tuple[Point, ...], ...]:
    if draft.side == "both":
        return (draft.path, _mirror(draft.path))
    return (draft.path,)


@path_cached(0)
def _mirror(path: tuple[Point, ...]) -> tuple[Point, ...]:
    # One object for the other hand's path of each path: many drafts share a path, and the checks
    # of a path already seen (its box, geometry.path_box) are then found by identity.
    return tuple((-x, y) for x, y in path)


@lru_cache(maxsize=4096)
def keep_clear(draft: Draft, areas: tuple[NoTouch, ...]) -> list[Draft]:
    """The draft with its hands off every no-touch area: rerouted, one side only, or dropped."""
    # The path is the contact's centre: keep the whole width of the hand off each area.
    width = contact_half_width(draft.technique)
    shapes = [grown(a.shape, width) if width else a.shape for a in areas]
    words = {id(s): a.words for a, s in zip(areas, shapes, strict=True)}
    if not any(first_hit(p, shapes) for p in hands(draft)):
        return [draft]
    light_glide = draft.technique in ("stroking", "thumb_glide", "skin_check") and draft.pressure == "light"
    if light_glide:
        both = shapes + [mirrored(s) for s in shapes] if draft.side == "both" else shapes
        rerouted = _rerouted(draft, both)
        if rerouted is not None:
            return [rerouted]
    if draft.side == "both":
        right = draft.with_changes(side="right")
        halves = (right, mirror_draft(right))
        if light_glide:  # each hand round on its own, one side after the other
            alone = [_rerouted(h, shapes) for h in halves]
            if all(a is not None for a in alone):
                return [a for a in alone if a is not None]
        return [d for half in halves for d in _clear_part(half, shapes, words)]
    return _clear_part(draft, shapes, words)


CLEARANCE = 0.3  # how far a rerouted stroke keeps from each area (detour's clearance)
_PATHS: dict[tuple[Point, ...], tuple[Point, ...]] = {}  # one object for each path value seen


def _rerouted(draft: Draft, shapes: list[Shape]) -> Draft | None:
    # Only the areas a bent stroke can reach decide its way (geometry.reach): remembered by those,
    # a live replan after another "pain here" reroutes only the strokes near the new place.
    return _rerouted_among(draft, reach(path_box(draft.path), shapes, 2 * CLEARANCE))


@lru_cache(maxsize=4096)
def _rerouted_among(draft: Draft, shapes: tuple[Shape, ...]) -> Draft | None:
    way = _way_round(draft.path, shapes, draft.direction)
    if way is None:
        return None
    return draft.with_changes(path=way, note=(draft.note + " Go round the marked places.").strip())


@lru_cache(maxsize=4096)
def _way_round(
    path: tuple[Point, ...], shapes: tuple[Shape, ...], direction: str
) -> tuple[Point, ...] | None:
    # Remembered by the path, not the draft: one plan strokes the same path in several drafts (the
    # opening, the interludes, the closing), and each detour of it costs about a millisecond.
    # The same stroke comes back as an equal but new path after a replan: detour knows a path
    # by its identity (what it gave up on), so each path is given as the first equal one seen.
    path = _PATHS.setdefault(path, path)
    if len(_PATHS) > 4096:
        _PATHS.clear()
    way = detour(path, shapes, CLEARANCE, keep_ends=False)  # a step may start and end anywhere clear
    if way is None:
        return None
    way = rounded(way)  # as JSON will carry it
    if len(way) < 2 or first_hit(way, shapes) or direction_problem(way, direction):
        return None
    return tuple(way)


def _clear_part(draft: Draft, shapes: list[Shape], words: dict[int, str]) -> list[Draft]:
    """The draft as is if clear; else its longest clear stretch, if that is still worth doing."""
    # Every test below is of the path or a part of it: only areas touching its box can answer.
    near = reach(path_box(draft.path), shapes, 0.0)
    return list(_clear_part_among(draft, tuple((s, words.get(id(s), "")) for s in near)))


@lru_cache(maxsize=4096)
def _clear_part_among(draft: Draft, named: tuple[tuple[Shape, str], ...]) -> tuple[Draft, ...]:
    shapes = [s for s, _ in named]
    words = {id(s): w for s, w in named}
    path = draft.path
    first = first_hit(path, shapes)
    if not first:
        return (draft,)
    what = words.get(id(first[1])) or "the marked place"
    best: tuple[int, int] = (0, 0)
    start = 0
    for j, hit in enumerate(segments_hit(path, shapes)):
        if hit:
            if j - start > best[1] - best[0]:
                best = (start, j)
            start = j + 1
    if len(path) - 1 - start > best[1] - best[0]:
        best = (start, len(path) - 1)
    piece = path[best[0] : best[1] + 1]
    if (
        len(piece) < 2
        or length(piece) < 0.3 * length(path)
        or first_hit(piece, shapes)
        or direction_problem(piece, draft.direction)
    ):
        return ()
    return (draft.with_changes(path=piece, note=(draft.note + f" Stop short of {what}.").strip()),)


def side_of_half(draft: Draft, half: str) -> Draft | None:
    """Side-lying: only the upper side is worked; 'both' becomes that side."""
    if half == "both" or draft.side == "center":
        return draft
    if draft.side == "both":
        return (
            draft.with_changes(side="right")
            if half == "right"
            else mirror_draft(draft.with_changes(side="right"))
        )
    return draft if draft.side == half else None


def self_reach(draft: Draft, L: float) -> list[Draft]:
    """On one's own back the hands reach the lower back and the shoulders, not between.

    Both hands work the lower back together; the shoulders one hand at a time,
    reaching across to the other side.
    """
    if max(y for _, y in draft.path) <= 0.45 * L or draft.side == "center":
        return [draft] if max(y for _, y in draft.path) <= 0.45 * L else []
    if draft.key not in _SELF_HIGH:
        return []
    if draft.side == "both":
        right = draft.with_changes(side="right")
        return [right, mirror_draft(right)]
    return [draft]


_SELF_HIGH = frozenset({"warm_shoulders", "reach_between", "rub_shoulders", "knead_shoulders", "knead_arms"})


def zones_touched(body: Body, draft: Draft) -> tuple[str, ...]:
    return zones_on_path(body, draft.path, draft.side == "both")
