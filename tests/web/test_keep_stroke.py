"""Softer and firmer keep the stroke under the hands (issue 15, point 5): it goes on at the new
pressure with the time it had left, the clock does not jump, and only the steps after it are
replanned. Pure: the session functions with a hand-set clock, no server."""

from __future__ import annotations

from typing import Any

import pytest

from backrub.intake import parse_intake
from backrub.knowledge.techniques import pressure_rank
from backrub.planner import Feedback, plan_routine
from backrub.web import session
from backrub.web.encode import routine_json
from backrub.web.session import Live, adapt
from backrub.web.store import Clock


def live_at(raw: dict[str, Any], elapsed: float) -> Live:
    routine = plan_routine(parse_intake(raw))
    return Live(id="x" * 32, routine=routine, routine_json=routine_json(routine),
                clock=Clock(wall=1000.0, at_s=elapsed, running=True), ended=False)


def first_step(live: Live, pressure: str) -> tuple[int, float]:
    """The middle of the first step at this pressure: (index, session seconds)."""
    start = 0.0
    for i, s in enumerate(live.routine.steps):
        if s.pressure == pressure and s.seconds > 20:
            return i, start + s.seconds / 2
        start += s.seconds
    raise AssertionError(f"no {pressure} step")


@pytest.mark.parametrize(("ask", "pressure", "to"),
                         [("softer", "medium", "light"), ("firmer", "medium", "firm")])
def test_the_stroke_in_progress_goes_on_at_the_new_pressure(ask: str, pressure: str, to: str) -> None:
    raw = {"minutes": 30, "pressure": "medium"}  # firmer: the receiver may go up to firm from here
    index, at = first_step(live_at(raw, 0), pressure)
    live = live_at(raw, at)
    now = 1000.0
    change = adapt(live, Feedback(kind=ask), now)
    before, after = live.routine.steps, change.live.routine.steps
    assert change.from_step == index
    assert after[:index] == before[:index]
    kept, was = after[index], before[index]
    # The same stroke: technique, place, path, repetitions and its time, so nothing under the hands moves.
    assert (kept.technique, kept.path, kept.reps, kept.seconds, kept.side) == \
           (was.technique, was.path, was.reps, was.seconds, was.side)
    assert change.live.clock.elapsed(now) == pytest.approx(at)
    assert change.live.where(now)[0] == index
    if ask == "softer":
        assert kept.pressure == to and ("lightly" in kept.cue or "gently" in kept.cue)
        assert all(pressure_rank(s.pressure) <= pressure_rank("light") for s in after[index:])
    else:
        assert pressure_rank(kept.pressure) >= pressure_rank(was.pressure)
        assert "This stroke" in change.message
    total_before = sum(s.seconds for s in before)
    total_after = sum(s.seconds for s in after)
    assert abs(total_after - total_before) <= 0.05 * total_before  # the end time holds


def test_softer_on_a_light_stroke_says_so_and_keeps_the_technique() -> None:
    live = live_at({"minutes": 20, "pressure": "medium"}, 5.0)  # the opening stroke, light
    step = live.routine.steps[0]
    assert step.pressure == "light"
    change = adapt(live, Feedback(kind="softer"), 1000.0)
    kept = change.live.routine.steps[0]
    assert kept == step
    assert "already light" in change.message
    assert change.live.where(1000.0)[:2] == (0, pytest.approx(5.0))


def test_firmer_never_goes_past_what_the_receiver_asked_for() -> None:
    live = live_at({"minutes": 20, "pressure": "light"}, 0)
    index, at = first_step(live, "light")
    live = live_at({"minutes": 20, "pressure": "light"}, at)
    change = adapt(live, Feedback(kind="firmer"), 1000.0)
    steps = change.live.routine.steps
    # light asked → firmer moves the intake to medium at most; nothing goes firm
    assert all(s.pressure in ("light", "medium") for s in steps)
    assert steps[index].technique == live.routine.steps[index].technique


def test_many_taps_keep_the_same_stroke_and_the_count_of_steps_before_it() -> None:
    live = live_at({"minutes": 30, "pressure": "firm"}, 0)
    index, at = first_step(live, "medium")
    live = live_at({"minutes": 30, "pressure": "firm"}, at)
    technique = live.routine.steps[index].technique
    for kind in ("softer", "firmer", "softer", "softer", "firmer"):
        live = adapt(live, Feedback(kind=kind), 1000.0).live
        index_at = live.where(1000.0)[0]
        assert index_at == index and live.routine.steps[index].technique == technique


def test_firmer_past_the_screening_cap_plans_once_and_keeps_the_stroke(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Osteoporosis caps pressure at light: a Firmer on a light stroke cannot make it medium, so the
    session replans the rest once (not once for the firmer stroke and again without it)."""
    raw = {"minutes": 20, "pressure": "light", "conditions": ["osteoporosis"]}
    index, at = first_step(live_at(raw, 0), "light")
    live = live_at(raw, at)
    calls: list[int] = []
    real = session.replanned

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "replanned", counted)
    change = adapt(live, Feedback(kind="firmer"), 1000.0)
    assert len(calls) == 1
    assert change.live.routine.steps[index] == live.routine.steps[index]
    assert all(s.pressure == "light" for s in change.live.routine.steps)
    assert "stays light" in change.message
