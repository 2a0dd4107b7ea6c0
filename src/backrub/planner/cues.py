"""What the coach says for a step: hands, where, which way, how hard, how long."""

from __future__ import annotations

from backrub.knowledge.techniques import TECHNIQUES

_ACTIONS = {
    "stroking": "glide",
    "thumb_glide": "glide your thumbs",
    "circular_friction": "rub small circles",
    "spiral_kneading": "knead little spirals with the fingertips",
    "kneading": "knead: lift, squeeze and let go",
    "sawing": "saw back and forth with the edges of your hands",
    "skin_rolling": "pick up a fold of skin and roll it upward",
    "patting": "pat with loose, cupped hands",
    "arm_rotation": "lift the arm a little and turn it slowly in the shoulder",
    "skin_check": "look and feel for red, warm or broken skin",
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

_SIDES = {
    "both": "both hands, one each side of the spine",
    "right": "on their right side",
    "left": "on their left side",
    "center": "",
}


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
) -> str:
    """A plain-language instruction for one step."""
    tech = TECHNIQUES[technique]
    parts = [f"{tech.title}. With {tech.contact}"]
    if _SIDES[side]:
        parts[0] += f", {_SIDES[side]}"
    parts[0] += f", {_ACTIONS[technique]} over {area}"
    if technique != "skin_check":
        parts[0] += f", {_DIRECTIONS[direction]}, {_PRESSURES[pressure]}."
    else:
        parts[0] += "; mark anything you find before going on."
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
    return " ".join(parts)


def cue_at_pressure(cue: str, old: str, new: str) -> str:
    """The same instruction with its pressure words changed (the stroke goes on, only firmer or softer)."""
    return cue.replace(_PRESSURES[old], _PRESSURES[new], 1)
