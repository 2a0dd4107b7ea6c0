"""What a receiver or giver would notice about a planned massage."""

from __future__ import annotations

import math

import pytest

from backrub.geometry import length, signed_area
from backrub.intake import parse_intake
from backrub.knowledge.techniques import TECHNIQUES
from backrub.knowledge.zones import base_name, zone_at
from backrub.planner import NotPlanned, plan_routine


def plan(**raw):
    return plan_routine(parse_intake(raw))


def massage_steps(routine):
    return [s for s in routine.steps if TECHNIQUES[s.technique].massage]


@pytest.mark.parametrize("raw", [{}, {"giver": "self"}, {"goal": "comfort_care", "giver": "caregiver"},
                                 {"giver": "robot", "minutes": 45}, {"position": "side_lying"},
                                 {"style": "breath_wave", "goal": "energize"}])
def test_it_opens_and_closes_with_light_stroking_and_the_last_strokes_go_down(raw):
    steps = massage_steps(plan(**raw))
    assert (steps[0].technique, steps[0].pressure) == ("stroking", "light")
    last = steps[-1]
    assert (last.technique, last.pressure, last.direction) == ("stroking", "light", "down")
    assert last.path[0][1] > last.path[-1][1] + 10  # from high on the back to low


def test_firm_pressure_only_when_asked_and_never_before_the_warm_up():
    assert not [s for s in plan(pressure="medium").steps if s.pressure == "firm"]
    steps = plan(pressure="firm").steps
    firm = [i for i, s in enumerate(steps) if s.pressure == "firm"]
    warm = [i for i, s in enumerate(steps) if s.phase == "warm_up"]
    assert firm and warm and min(firm) > max(warm)


def test_light_asked_means_light_everywhere():
    assert {s.pressure for s in plan(pressure="light").steps} == {"light"}


@pytest.mark.parametrize("minutes", [3, 6.5, 10])
def test_a_comfort_rub_by_a_caregiver_is_short_light_and_starts_with_a_skin_check(minutes):
    routine = plan(goal="comfort_care", giver="caregiver", minutes=minutes, pressure="firm")
    assert abs(routine.total_minutes - minutes) <= 0.05 * minutes
    assert routine.steps[0].technique == "skin_check"
    assert {s.pressure for s in routine.steps} == {"light"}
    assert not [s for s in routine.steps if s.technique in {"sawing", "patting", "skin_rolling"}]


@pytest.mark.parametrize("minutes", [6.5, 10])
def test_the_comfort_rub_is_seed_003s_shoulders_arms_and_gentle_kneading_with_questions(minutes):
    """Seed 003: the base of the neck, the shoulders, the deltoids and the upper arms; knead gently
    between the shoulder blades and the spine; ask about pressure and pain."""
    routine = plan(goal="comfort_care", giver="caregiver", minutes=minutes, pressure="firm")
    touched = {base_name(z) for s in routine.steps if s.technique != "skin_check" for z in s.zones}
    assert {"neck_base", "upper_trapezius", "deltoid", "upper_arm"} <= touched
    between = [s for s in routine.steps if s.technique == "kneading"
               and any(base_name(z) == "interscapular" for z in s.zones)]
    assert between and all(s.pressure == "light" for s in between)
    assert "gently" in between[0].cue
    cues = " ".join(s.cue for s in routine.steps)
    assert "pressure all right" in cues and "hurts" in cues


def test_someone_on_their_own_back_only_works_where_their_hands_reach():
    routine = plan(giver="self", minutes=20)
    assert not [s for s in routine.steps if s.technique == "arm_rotation"]
    body = routine.intake.body
    # Above the middle of the back only the shoulders and arms (and the skin just off the map
    # beside them) are within reach, and between the shoulder blades as far down as a hand reaches
    # over the other shoulder (seed 002: two thirds of the way up); the shoulder blades are not.
    reachable_high = {"neck_base", "upper_trapezius", "deltoid", "upper_arm", "spine", ""}
    for i, step in enumerate(routine.steps):
        for x, y in step.hand_paths()[0] + (step.hand_paths()[-1]):
            if y > 0.5 * body.back_length_cm:
                zone = base_name(zone_at(body, x, y) or "")
                over_the_shoulder = zone == "interscapular" and y >= 0.64 * body.back_length_cm
                assert zone in reachable_high or over_the_shoulder, (i, step.technique, (x, y), zone)


def test_a_robot_never_rotates_an_arm_and_never_slides_faster_than_ten_cm_a_second():
    routine = plan(giver="robot", minutes=40, goal="energize")
    assert not [s for s in routine.steps if s.technique == "arm_rotation"]
    for step in routine.steps:
        assert length(step.path) / step.rep_seconds <= 10.0 * 1.05, step.technique


def _seconds_on(routine, bases):
    return sum(s.seconds for s in routine.steps if any(base_name(z) in bases for z in s.zones))


@pytest.mark.parametrize(("focus", "bases"), [("shoulders", {"upper_trapezius", "deltoid"}),
                                              ("lower_back", {"lumbar"}),
                                              ("upper_back", {"scapula", "interscapular"})])
def test_a_focus_area_gets_more_time_than_without_the_focus(focus, bases):
    plain = plan(minutes=30)
    focused = plan(minutes=30, focus=[focus])
    assert _seconds_on(focused, bases) > _seconds_on(plain, bases) * 1.05


def test_a_knot_gets_small_clockwise_circles_on_it():
    routine = plan(spots=[{"kind": "knot", "at": {"x_cm": -8, "y_cm": 30}}])
    near = [s for s in routine.steps
            if math.dist((sum(x for x, _ in s.path) / len(s.path), sum(y for _, y in s.path) / len(s.path)),
                         (-8, 30)) < 3 and s.direction == "clockwise"]
    assert near
    for step in near:
        xs = [x for x, _ in step.path]
        assert max(xs) - min(xs) < 6  # small circles, not a long stroke
        assert signed_area(step.path) < 0  # clockwise as seen from behind


def test_side_lying_works_one_side_then_the_other():
    sides = [s.side for s in plan(position="side_lying").steps if s.side != "center"]
    assert "both" not in sides
    switch = sides.index("left")
    assert set(sides[:switch]) == {"right"} and set(sides[switch:]) == {"left"}


@pytest.mark.parametrize("breaths", [6, 12, 20])
def test_breath_wave_paces_each_stroke_to_whole_breaths_up_then_down(breaths):
    routine = plan(style="breath_wave", breaths_per_minute=breaths)
    breath = 60 / breaths
    paced = [s for s in routine.steps if TECHNIQUES[s.technique].breath_paced]
    assert paced
    for step in paced:
        ratio = step.rep_seconds / breath
        assert abs(ratio - round(ratio)) < 0.05 and round(ratio) >= 1
        if step.phase != "close" or step.direction != "down":
            assert step.direction == "up_down"


def test_energize_is_brisker_than_relax():
    def mean_speed(routine):
        moving = [s for s in routine.steps if s.technique != "arm_rotation"]
        return sum(length(s.path) / s.rep_seconds for s in moving) / len(moving)

    relax, energize = plan(goal="relax"), plan(goal="energize")
    assert mean_speed(energize) > 1.2 * mean_speed(relax)
    strokes = [s for s in energize.steps if s.technique == "stroking"]
    assert all(abs(s.rep_seconds - 2.5) < 0.1 for s in strokes)  # two strokes per 5 s breath


def test_the_minutes_asked_are_filled():
    for minutes in (15, 22.5, 45, 60):
        assert abs(plan(minutes=minutes).total_minutes - minutes) <= 0.05 * minutes


@pytest.mark.parametrize("conditions", [["dvt"], ["pregnancy", "osteoporosis"], ["cancer"]])
def test_no_plan_when_screening_says_no_and_the_reasons_say_why(conditions):
    with pytest.raises(NotPlanned) as caught:
        plan(conditions=conditions)
    assert caught.value.screening.decision in ("refer", "check_first")
    assert caught.value.reasons and all(caught.value.reasons)


def test_blood_thinners_give_a_light_plan_without_patting():
    routine = plan(conditions=["blood_thinners"], pressure="firm")
    assert {s.pressure for s in routine.steps} == {"light"}
    assert not [s for s in routine.steps if s.technique in ("patting", "skin_rolling")]
    assert routine.screening.decision == "adapt"


def test_a_wound_by_zone_is_never_touched_and_the_plan_still_fills_the_time():
    routine = plan(minutes=30, spots=[{"kind": "wound", "zone": "scapula_right"}])
    body = routine.intake.body
    for step in routine.steps:
        for path in step.hand_paths():
            assert not [p for p in path if zone_at(body, *p) == "scapula_right"], step.technique
    assert abs(routine.total_minutes - 30) <= 1.5


def test_every_step_says_what_to_do_in_words():
    for step in plan(spots=[{"kind": "knot", "zone": "scapula_left"}]).steps:
        assert (len(step.cue) > 40 and f"{step.reps} times" in step.cue) or step.technique == "skin_check"
