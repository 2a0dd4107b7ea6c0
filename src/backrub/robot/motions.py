"""How each technique of the method moves a single round probe.

A table, so a reader can compare it with the method: skin speed (kept under
0.1 m/s while touching), and the force pattern on top of the pressure level.
`glide` holds the force; `knead` swells and eases it like a squeezing hand;
`pat` makes short periodic contacts, lifting a few millimetres in between.
A robot cannot rotate an arm, and a skin check is a look, not a touch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KNEAD_HZ = 0.8
KNEAD_DEPTH = 0.25  # force dips to 75 % of the level and returns
PAT_HZ = 1.5
PAT_CONTACT = 0.4  # share of each pat spent on the skin
PAT_LIFT_M = 0.004


@dataclass(frozen=True, slots=True, kw_only=True)
class Motion:
    """Skin speed range (m/s) and force pattern of one technique."""

    speed: tuple[float, float]
    pattern: str  # glide | knead | pat


MOTIONS: dict[str, Motion] = {
    "stroking": Motion(speed=(0.05, 0.10), pattern="glide"),
    "thumb_glide": Motion(speed=(0.03, 0.08), pattern="glide"),
    "circular_friction": Motion(speed=(0.02, 0.06), pattern="glide"),
    "sawing": Motion(speed=(0.04, 0.10), pattern="glide"),
    "spiral_kneading": Motion(speed=(0.02, 0.05), pattern="knead"),
    "kneading": Motion(speed=(0.015, 0.04), pattern="knead"),
    "skin_rolling": Motion(speed=(0.01, 0.03), pattern="knead"),
    "patting": Motion(speed=(0.02, 0.05), pattern="pat"),
}
SKIPPED = ("skin_check",)  # no contact: the probe does not perform it
REFUSED = ("arm_rotation",)


def force_pattern(pattern: str, t: np.ndarray) -> np.ndarray:
    """Multiplier of the pressure level over time t (s) from the start of a glide; peak 1."""
    if pattern == "knead":
        return 1.0 - KNEAD_DEPTH * 0.5 * (1.0 - np.cos(2 * np.pi * KNEAD_HZ * t))
    if pattern == "pat":
        phase = (t * PAT_HZ) % 1.0
        on = phase < PAT_CONTACT
        return np.where(on, np.sin(np.pi * np.minimum(phase / PAT_CONTACT, 1.0)), 0.0)
    return np.ones_like(t)


def pat_lift(t: np.ndarray) -> np.ndarray:
    """Height (m) off the skin between pats; sin⁴ keeps velocity and acceleration smooth."""
    phase = (t * PAT_HZ) % 1.0
    off = np.clip((phase - PAT_CONTACT) / (1.0 - PAT_CONTACT), 0.0, 1.0)
    return PAT_LIFT_M * np.sin(np.pi * off) ** 4
