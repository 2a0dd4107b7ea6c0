"""What the coach says for a step: hands, where, which way, how hard, how long, what to ask.

Written for a nervous first-time giver: plain words, never a zone id, the side of the back
named as a place (not as a position), and questions to the receiver said as questions (seeds
003 and 002: ask about pressure and pain). On one's own back the coach speaks to the person
doing it ("your").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from backrub.intake.model import Intake
from backrub.knowledge.techniques import TECHNIQUES, pressure_rank
from backrub.knowledge.zones import base_name, layout_for
from backrub.planner.templates import Draft

_ACTIONS = {
    "stroking": "glide",
    "thumb_glide": "glide your thumbs",
    "circular_friction": "rub small circles",
    "spiral_kneading": "knead little spirals with the fingertips",
    "kneading": "knead: lift, squeeze and let go",
    "sawing": "saw back and forth with the edges of your hands",
    "skin_rolling": "pick up a fold of skin and roll it upward",
    "patting": "pat with loose, cupped hands",
    "skin_check": "look and feel for red, warm or broken skin",
}

# On one's own back (seed 002): knuckles and fingertips, what one's own hands can do.
_SELF_CONTACT = {
    "circular_friction": "your fingertips or knuckles",
    "spiral_kneading": "your fingertips",
    "kneading": "the fingers and thumb of the other hand",
    "sawing": "the edges of your hands",
    "skin_rolling": "your thumb and forefinger",
    "stroking": "flat hands",
}

_DIRECTIONS = {
    "up": "working upward",
    "down": "from the top down to the waist",
    "up_down": "up as they breathe in, down as they breathe out",
    "outward": "from near the neck outward",
    "clockwise": "clockwise",
    "in_place": "in place",
}

_PRESSURES = {
    "light": "lightly, skin only",
    "medium": "with medium pressure, into the muscle",
    "firm": "firmly, deep into the muscle, if it still feels good",
}
# Kneading and sawing have a gentle form (seed 003: "knead gently").
_GENTLE = "gently, slowly, with no force"
# Skin rolling lifts the skin: it is never pressed into the muscle (seed 004).
_SKIN = "lifting only the skin, never pressing into the muscle"

_SIDES = {
    "both": "both hands, one each side of the spine",
    "right": "on the right side of their back",
    "left": "on the left side of their back",
    "center": "",
}
_SELF_SIDES = {
    "both": "both hands, one each side of your spine",
    "right": "on the right side of your back, reaching across with the left hand",
    "left": "on the left side of your back, reaching across with the right hand",
    "center": "",
}


@lru_cache(maxsize=2048)  # a pure function of short strings and numbers; rounds repeat their steps
def cue_for(
    *,
    technique: str,
    area: str,
    side: str,
    direction: str,
    pressure: str,
    reps: int,
    seconds: float,
    breath_seconds: float,
    note: str = "",
    giver: str = "partner",
    ask: str = "",
) -> str:
    """A plain-language instruction for one step; `ask` is a question for the receiver."""
    tech = TECHNIQUES[technique]
    alone = giver == "self"
    first = ""
    if note.startswith(("Help them turn", "Turn onto your")):  # said before anything else
        first, _, note = note.partition(". ")
        first += "."
    if technique == "arm_rotation":
        parts = [_arm_rotation(side)]
    else:
        contact = _SELF_CONTACT.get(technique, tech.contact) if alone else tech.contact
        sides = (_SELF_SIDES if alone else _SIDES)[side]
        parts = [f"{tech.title}. With {contact}"]
        if sides:
            parts[0] += f", {sides}"
        parts[0] += f", {_ACTIONS[technique]} over {area}"
        if technique == "skin_check":
            parts[0] += "; mark anything you find before going on."
        else:
            way = _DIRECTIONS[direction]
            if alone and direction == "up_down":
                way = "up as you breathe in, down as you breathe out"
            parts[0] += f", {way}, {_how_hard(technique, pressure)}."
    each = seconds / reps
    if technique == "skin_check":
        parts.append(f"About {seconds:.0f} seconds.")
    elif tech.breath_paced:
        breaths = each / breath_seconds
        pace = (
            "one stroke per breath"
            if abs(breaths - 1) < 0.05
            else (
                "two strokes per breath"
                if abs(breaths - 0.5) < 0.05
                else f"one stroke every {breaths:g} breaths"
            )
        )
        parts.append(f"{reps} times, {pace} ({seconds:.0f} s).")
    else:
        parts.append(f"{reps} times, about {each:.0f} s each ({seconds:.0f} s).")
    if note:
        parts.append(note)
    if ask:
        parts.append(ask)
    return " ".join([first, *parts] if first else parts)


def _how_hard(technique: str, pressure: str) -> str:
    if technique == "skin_rolling":
        return _SKIN
    if pressure == "light" and TECHNIQUES[technique].gentle_form:
        return _GENTLE
    return _PRESSURES[pressure]


def _arm_rotation(side: str) -> str:
    arm = {"right": "their right arm", "left": "their left arm"}.get(side, "one arm at a time")
    return (
        f"Arm rotation, {arm}. Hold the wrist with one hand and support the elbow from below with the "
        "other; lift the arm a hand's width off the table and turn it slowly in small circles from the "
        "shoulder, only as far as it goes easily. Do not press on the back."
    )


# Check-ins (seed 003, twice; seed 002): about pressure once the work is firmer than the warm-up,
# about pain at the start of the work, and again whenever a new region of the back starts.
ASK_PAIN = 'Ask: "Tell me at once if anything hurts. Does anything hurt now?"'
ASK_PRESSURE = 'Ask: "Is this pressure all right, or would you like it lighter or firmer?"'
ASK_REGION = 'Ask: "A new place now: how does the pressure feel here?"'
SELF_CHECK = "Notice how the pressure feels; ease off at once if anything hurts."
_REGIONS = {
    "lumbar": "lower back",
    "kidney": "lower back",
    "flank": "lower back",
    "paraspinal": "beside the spine",
    "mid_back": "middle back",
    "scapula": "shoulder blades",
    "interscapular": "shoulder blades",
    "neck_base": "neck and shoulders",
    "upper_trapezius": "neck and shoulders",
    "deltoid": "arms",
    "upper_arm": "arms",
}


def check_ins(intake: Intake, drafts: Sequence[Draft]) -> list[str]:
    """The question to say with each draft ('' for none)."""
    lay = layout_for(intake.body)
    out = [""] * len(drafts)
    asked_pain = asked_pressure = False
    region = ""
    for i, d in enumerate(drafts):
        if not TECHNIQUES[d.technique].massage or d.phase in ("prepare", "open", "close"):
            continue
        questions = []
        if not asked_pain:
            questions.append(ASK_PAIN)
            asked_pain = True
        # The first work firmer than the warm-up, or the first of the rounds when all stays light.
        pressed = pressure_rank(d.pressure) > 0 or d.phase in ("work", "focus")
        if pressed and not asked_pressure and d.phase != "warm_up":
            questions.append(ASK_PRESSURE)
            asked_pressure = True
        if d.phase in ("work", "focus") and d.technique not in ("stroking", "arm_rotation"):
            xs, ys = zip(*d.path, strict=True)
            zone = lay.zone_at(sum(xs) / len(xs), sum(ys) / len(ys)) or ""
            here = _REGIONS.get(base_name(zone), region)
            if here != region and region and not questions:
                questions.append(ASK_REGION)
            region = here
        if questions:
            out[i] = SELF_CHECK if intake.giver == "self" else " ".join(questions)
    return out


def cue_at_pressure(cue: str, old: str, new: str, technique: str = "") -> str:
    """The same instruction with its pressure words changed (the stroke goes on, only firmer or softer)."""
    if technique:
        return cue.replace(_how_hard(technique, old), _how_hard(technique, new), 1)
    return cue.replace(_PRESSURES[old], _PRESSURES[new], 1)
