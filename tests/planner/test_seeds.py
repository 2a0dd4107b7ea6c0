"""The plan is recognisably the seeds' massage (issue 10): each test names the seed it holds the
plan against, and each failed on the planner before the method became a script."""

from __future__ import annotations

import pytest

from backrub.intake import parse_intake
from backrub.knowledge.method import METHOD
from backrub.knowledge.techniques import TECHNIQUES
from backrub.knowledge.zones import base_name
from backrub.planner import plan_routine
from backrub.routine import Routine


def plan(**raw) -> Routine:
    return plan_routine(parse_intake(raw))


def _order(routine: Routine, techniques: set[str]) -> list[str]:
    """The techniques in the order they first appear (sides of one technique merged)."""
    out: list[str] = []
    for s in routine.steps:
        if s.technique in techniques and (not out or out[-1] != s.technique):
            out.append(s.technique)
    return out


def test_seed_004s_order_on_the_lower_back():
    """Stroking, spiral kneading without effort, sawing right then left, stroking 3-4 times,
    skin rolling right then left, rubbing, light patting, the opening strokes, a towel."""
    steps = plan(minutes=30, pressure="firm").steps
    first = [s for s in steps if s.round in (None, 1)]
    names = [s.technique for s in first]
    spiral = names.index("spiral_kneading")
    saw = names.index("sawing")
    roll = names.index("skin_rolling")
    assert names[0] == "stroking" and spiral < saw < roll
    assert first[spiral].pressure == "light"  # "do not make any effort"
    assert [first[saw].side, first[saw + 1].side] == ["right", "left"]
    after = first[saw + 2]
    assert (after.technique, after.pressure) == ("stroking", "light") and 3 <= after.reps <= 4
    assert [first[roll].side, first[roll + 1].side] == ["right", "left"]
    assert first[roll + 2].technique == "circular_friction"  # "Afterwards, rub your back"
    pats = [i for i, s in enumerate(steps) if s.technique == "patting"]
    assert pats and all(steps[i].pressure == "light" for i in pats)
    closing = [s for s in steps if s.phase == "close"]
    assert closing[0].technique == "stroking" and "towel" in closing[-1].cue


def test_skin_rolling_is_a_skin_technique_in_the_cue():
    roll = next(s for s in plan(minutes=30, pressure="medium").steps if s.technique == "skin_rolling")
    assert "with medium pressure, into the muscle" not in roll.cue and "lifting only the skin" in roll.cue


def test_the_short_interlude_strokes_only_right_after_sawing():
    for routine in (plan(minutes=30), plan(minutes=60, pressure="firm"), plan(minutes=20, giver="robot")):
        steps = routine.steps
        for i, s in enumerate(steps):
            if TECHNIQUES[s.technique].massage and s.reps < 5:
                assert s.technique == "stroking" and 3 <= s.reps <= 4
                assert steps[i - 1].technique == "sawing"


@pytest.mark.parametrize("minutes", [30, 45, 60])
def test_seed_003_goes_around_the_back_twice_and_no_step_is_stretched(minutes):
    routine = plan(minutes=minutes, pressure="firm")
    rounds = {s.round for s in routine.steps if s.round is not None}
    assert max(rounds) >= 2
    for n in (1, 2):
        zones = {base_name(z) for s in routine.steps if s.round == n for z in s.zones}
        assert {"lumbar", "upper_trapezius", "deltoid"} <= zones, (n, zones)
    longest = max(s.seconds for s in routine.steps if TECHNIQUES[s.technique].massage)
    assert longest <= 185
    arms = sum(s.seconds for s in routine.steps if s.technique != "arm_rotation"
               and {base_name(z) for z in s.zones} <= {"deltoid", "upper_arm"})
    assert arms < 0.2 * minutes * 60
    # Open and close steps carry no round; every work step does.
    assert all(s.round is None for s in routine.steps if s.phase in ("open", "warm_up", "close"))
    assert all(s.round is not None for s in routine.steps if s.phase in ("work", "focus"))


@pytest.mark.parametrize("focus", [["neck"], ["shoulders"], ["neck", "shoulders"]])
def test_each_round_works_from_the_lower_back_up_even_with_a_neck_or_shoulder_focus(focus):
    routine = plan(minutes=30, pressure="medium", focus=focus)
    first_pressed = next(s for s in routine.steps if s.pressure != "light")
    assert {base_name(z) for z in first_pressed.zones} & {"lumbar", "flank", "paraspinal"}
    for n in {s.round for s in routine.steps if s.round}:
        work = [s for s in routine.steps if s.round == n and s.technique != "stroking"]
        heights = [min(y for _, y in s.path) for s in work]
        assert heights[0] < 0.3 * routine.intake.body.back_length_cm
    # The focus gets its extra time inside the rounds, at its place in the order.
    extra = [s for s in routine.steps if s.phase == "focus"]
    assert extra and all(s.round is not None for s in extra)


def test_light_pressure_keeps_kneading_and_sawing_done_gently():
    """Seed 003 kneads gently between the shoulder blades and the spine; light is not 'no kneading'."""
    routine = plan(minutes=30, pressure="light")
    kneads = [s for s in routine.steps if s.technique == "kneading"]
    saws = [s for s in routine.steps if s.technique == "sawing"]
    assert kneads and saws
    assert all(s.pressure == "light" and "gently" in s.cue for s in kneads + saws)
    assert any(base_name(z) == "interscapular" for s in kneads for z in s.zones)
    assert {t for t, tech in TECHNIQUES.items() if tech.gentle_form} == {"kneading", "sawing"}


def test_check_ins_ask_about_pain_pressure_and_each_new_region():
    routine = plan(minutes=30, pressure="medium")
    asks = [(i, s) for i, s in enumerate(routine.steps) if "Ask:" in s.cue]
    assert asks and all("?" in s.cue for _, s in asks)
    text = [s.cue for _, s in asks]
    assert any("hurts" in t for t in text)
    first_pressed = next(i for i, s in enumerate(routine.steps) if s.pressure != "light")
    assert "pressure all right" in routine.steps[first_pressed].cue
    assert sum("new place" in t for t in text) >= 3  # lower back, beside the spine, shoulders, arms
    self_cues = " ".join(s.cue for s in plan(giver="self", position="seated", minutes=20).steps)
    assert "Ask:" not in self_cues and "ease off" in self_cues


def test_the_script_reads_against_the_seeds():
    """Every slot names its seed; the round follows seed 004 on the lower back, then seed 003 up."""
    keys = [s.key for s in METHOD.work_round]
    assert keys.index("saw_lumbar") < keys.index("roll_lumbar") < keys.index("knead_between")
    assert keys.index("knead_between") < keys.index("knead_shoulders") < keys.index("knead_arms")
    assert all(slot.sources for slot in METHOD.slots())
    # A variant is a variation of the script, not a new code path.
    robot = METHOD.without("roll_lumbar", "rotate_arm")
    assert "roll_lumbar" not in [s.key for s in robot.work_round]
    gentler = METHOD.replaced("knead_mid", wanted="light")
    assert next(s for s in gentler.work_round if s.key == "knead_mid").wanted == "light"


def test_breath_paced_work_follows_the_breath_and_the_cue_says_so():
    """Seed 001: up on the inhale, down on the exhale."""
    routine = plan(minutes=30, style="breath_wave")
    for s in routine.steps:
        if TECHNIQUES[s.technique].breath_paced and s.direction != "down":
            assert s.direction == "up_down" and "breathe in" in s.cue and "breathe out" in s.cue


def test_cues_a_nervous_first_time_giver_can_follow():
    from backrub.knowledge.zones import ZONE_IDS

    raws = [
        {"minutes": 30, "spots": [{"kind": "knot", "zone": "scapula_left"},
                                  {"kind": "wound", "at": {"x_cm": 9, "y_cm": 30}, "radius_cm": 2},
                                  {"kind": "rash", "zone": "deltoid_right"}]},
        {"minutes": 30, "position": "side_lying"},
        {"minutes": 20, "giver": "self", "position": "seated"},
    ]
    for raw in raws:
        routine = plan(**raw)
        for s in routine.steps:
            assert not [z for z in ZONE_IDS if "_" in z and z in s.cue], s.cue
            assert "marked place." not in s.cue  # "stop short of" says which
    rotation = next(s for s in plan(minutes=30).steps if s.technique == "arm_rotation")
    assert "elbow" in rotation.cue and "only as far as it goes easily" in rotation.cue
    assert "skin only" not in rotation.cue
    side = plan(minutes=30, position="side_lying").steps
    turn = next(s for s in side if s.side == "left")
    assert turn.cue.startswith("Help them turn onto their other side first.")
    assert not [s for s in side if "on their left side," in s.cue]
    own = plan(minutes=20, giver="self", position="seated").steps
    words = " ".join(s.cue for s in own)
    assert "their" not in words and "cover them" not in words and "your" in words
    assert "neck to waist" not in words


def test_preparation_advice_and_notes_come_with_the_plan():
    routine = plan(minutes=30, spots=[{"kind": "knot", "at": {"x_cm": 10, "y_cm": 30}},
                                      {"kind": "wound", "at": {"x_cm": 12, "y_cm": 30}, "radius_cm": 1}])
    items = " ".join(p.item for p in routine.preparation)
    for words in ("warm room", "oil", "towel", "pillow under the chest", "height", "shower"):
        assert words in items
    first = next(s for s in routine.steps if s.technique == "stroking")
    assert "one hand on the lower back and the other between the shoulder blades" in first.cue
    assert any("once a week" in a for a in routine.advice)
    assert [n.code for n in routine.notes] == ["knot_left_out"] and "wound" in routine.notes[0].message


@pytest.mark.parametrize("position", ["seated", "side_lying"])
def test_self_massage_reaches_between_the_shoulder_blades(position):
    """Seed 002 on one's own back: "pay particular attention to ... between the shoulder blades",
    with fingertips or knuckles, as far as one's own hand reaches over the shoulder."""
    routine = plan(minutes=30, giver="self", position=position)
    between = [s for s in routine.steps if any(base_name(z) == "interscapular" for z in s.zones)]
    assert between, "nothing between the shoulder blades on one's own back"
    sides = {s.side for s in between}
    assert sides <= {"left", "right"}  # one hand at a time, reaching over the other shoulder
    for s in between:
        assert "between your shoulder blades" in s.cue and "as far down as you reach" in s.cue
        assert "fingertips" in s.cue and "their" not in s.cue
    # In its place in the round: after the lower back, before the shoulders (lower to upper).
    names = [s.technique for s in routine.steps]
    first = routine.steps.index(between[0])
    assert names.index("sawing") < first
    shoulders = [i for i, s in enumerate(routine.steps)
                 if s.round == between[0].round and any(base_name(z) == "upper_trapezius" for z in s.zones)]
    assert all(first < i for i in shoulders)


def test_others_keep_their_own_slot_between_the_shoulder_blades():
    """The reaching slot is the self-massage variant's only: a partner kneads there instead."""
    steps = plan(minutes=30).steps
    assert not [s for s in steps if "as far down as you reach" in s.cue]
    assert [s for s in steps if s.technique == "kneading"
            and any(base_name(z) == "interscapular" for z in s.zones)]
