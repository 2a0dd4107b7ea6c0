"""The techniques of the method, as a table a reader can check against the seeds."""

from __future__ import annotations

from backrub.rows import Row

PRESSURES = ("light", "medium", "firm")


_RANK = {p: i for i, p in enumerate(PRESSURES)}


def pressure_rank(pressure: str) -> int:
    """0 light, 1 medium, 2 firm."""
    return _RANK[pressure]


class Technique(Row):
    """How one technique is done and where it may be used."""

    name: str
    title: str
    contact: str  # the part of the hand that touches, for cues
    strong: bool  # for the rule that alternates weaker and stronger work (seed 004)
    pressure_min: str
    pressure_max: str
    breath_paced: bool  # one repetition per breath (or half, to energize)
    speed_cm_s: tuple[float, float]  # hand speed along the path when calm; faster to energize
    zones: tuple[str, ...]  # zone base names it may work on
    warms_up: bool  # counts as warm-up for the zones it touches (seeds 002, 003, 004)
    massage: bool = True  # False for looking and checking, which has no repetitions
    # Half the width of what touches, across the path: the path is the contact's centre, so
    # clearances from the spine band and from marked places count this too.
    contact_half_width_cm: float
    # A gentle form exists (done at light pressure): light work keeps it, slower and softer (003).
    gentle_form: bool = False
    sources: tuple[str, ...]

    @property
    def lightest(self) -> str:
        """The lightest pressure it may be done at: light where a gentle form exists."""
        return "light" if self.gentle_form else self.pressure_min

    def allows(self, pressure: str) -> bool:
        return pressure_rank(self.lightest) <= pressure_rank(pressure) <= pressure_rank(self.pressure_max)


_BACK = ("paraspinal", "lumbar", "kidney", "flank", "mid_back", "interscapular", "scapula")
_TOP = ("neck_base", "upper_trapezius", "deltoid")

TECHNIQUES: dict[str, Technique] = {
    t.name: t
    for t in (
        Technique(
            name="stroking",
            title="Long stroking",
            contact="flat palms",
            strong=False,
            pressure_min="light",
            pressure_max="medium",
            breath_paced=True,
            speed_cm_s=(8.0, 30.0),
            zones=(*_BACK, *_TOP, "spine", "upper_arm"),
            warms_up=False,
            contact_half_width_cm=2.5,
            sources=("000", "002", "004"),
        ),
        Technique(
            name="thumb_glide",
            title="Thumb glide beside the spine",
            contact="both thumbs",
            strong=False,
            pressure_min="light",
            pressure_max="medium",
            breath_paced=True,
            speed_cm_s=(6.0, 25.0),
            zones=("paraspinal", "interscapular", "neck_base"),
            warms_up=True,
            contact_half_width_cm=1.0,
            sources=("003",),
        ),
        Technique(
            name="circular_friction",
            title="Circular rubbing",
            contact="thumb pads or fingertips",
            strong=False,
            pressure_min="light",
            pressure_max="firm",
            breath_paced=False,
            speed_cm_s=(3.0, 6.0),
            zones=(*_BACK, *_TOP, "upper_arm"),
            warms_up=True,
            contact_half_width_cm=1.0,
            sources=("000", "002", "003"),
        ),
        Technique(
            name="spiral_kneading",
            title="Spiral kneading",
            contact="fingertips",
            strong=False,
            pressure_min="light",
            pressure_max="medium",
            breath_paced=False,
            speed_cm_s=(3.0, 6.0),
            zones=_BACK,
            warms_up=True,
            contact_half_width_cm=0.8,
            sources=("004",),
        ),
        Technique(
            name="kneading",
            title="Kneading",
            contact="whole hands, lifting and squeezing",
            strong=True,
            pressure_min="medium",
            pressure_max="firm",
            breath_paced=False,
            speed_cm_s=(2.0, 4.0),
            zones=(
                "lumbar",
                "flank",
                "mid_back",
                "interscapular",
                "scapula",
                "upper_trapezius",
                "deltoid",
                "upper_arm",
            ),
            warms_up=False,
            contact_half_width_cm=1.5,
            gentle_form=True,
            sources=("003",),
        ),
        Technique(
            name="sawing",
            title="Sawing",
            contact="the edges of the palms",
            strong=True,
            pressure_min="medium",
            pressure_max="firm",
            breath_paced=False,
            speed_cm_s=(6.0, 12.0),
            zones=("lumbar", "flank", "mid_back", "scapula"),
            warms_up=False,
            contact_half_width_cm=1.0,
            gentle_form=True,
            sources=("004",),
        ),
        Technique(
            name="skin_rolling",
            title="Skin rolling",
            contact="thumb and forefinger",
            strong=True,
            pressure_min="light",
            pressure_max="medium",
            breath_paced=False,
            speed_cm_s=(1.5, 3.0),
            zones=("lumbar", "flank", "mid_back"),
            warms_up=False,
            contact_half_width_cm=1.5,
            sources=("004",),
        ),
        Technique(
            name="patting",
            title="Patting",
            contact="relaxed cupped hands",
            strong=True,
            pressure_min="light",
            pressure_max="medium",
            breath_paced=False,
            speed_cm_s=(6.0, 12.0),
            zones=("lumbar", "kidney", "flank", "mid_back", "scapula", "interscapular"),
            warms_up=False,
            contact_half_width_cm=2.5,
            sources=("004",),
        ),
        Technique(
            name="arm_rotation",
            title="Arm rotation",
            contact="one hand at the wrist, one at the elbow",
            strong=False,
            pressure_min="light",
            pressure_max="light",
            breath_paced=False,
            speed_cm_s=(2.0, 4.0),
            zones=("deltoid", "upper_arm"),
            warms_up=False,
            contact_half_width_cm=0.0,
            sources=("000",),
        ),
        Technique(
            name="skin_check",
            title="Skin check",
            contact="eyes and a light fingertip",
            strong=False,
            pressure_min="light",
            pressure_max="light",
            breath_paced=False,
            speed_cm_s=(4.0, 8.0),
            zones=(*_BACK, *_TOP, "spine", "upper_arm"),
            warms_up=False,
            massage=False,
            contact_half_width_cm=0.5,
            sources=("002",),
        ),
    )
}

# Calm goals take the slow end of each speed range, energize the fast end (seeds 003, 004).
GOAL_TEMPO: dict[str, float] = {"relax": 1.0, "comfort_care": 1.0, "ease_tension": 1.0, "energize": 1.5}
# Breaths per repetition of a breath-paced stroke: two strokes a breath to energize.
BREATHS_PER_REP: dict[str, float] = {"relax": 1.0, "comfort_care": 1.0, "ease_tension": 1.0, "energize": 0.5}
REPS_RANGE = (5, 8)  # seed 004
# A robot's probe never slides faster than this along the skin (issue: robot arm).
ROBOT_MAX_SPEED_CM_S = 10.0


def is_strong(technique: str, pressure: str) -> bool:
    """Stronger work for the alternation rule: a strong technique, or anything firm."""
    return TECHNIQUES[technique].strong or pressure == "firm"


def contact_half_width(technique: str) -> float:
    """Half the width of the hand's contact for a technique (cm)."""
    return TECHNIQUES[technique].contact_half_width_cm


# Between steps the hands slide on the fingertips, lightly (seed 000: slide from area to area).
SLIDE_HALF_WIDTH_CM = 1.0


# The part of the hand a picture shows for each technique, from its `contact` above: flat palms,
# the thumb pads, the fingertips, the edges of the palms, cupped hands. The SVG of a plan and the
# coach's live chart both draw it; a technique not listed is drawn as a flat palm.
HAND_SHAPES = ("palm", "thumbs", "fingertips", "edge", "cupped")
HAND_OF: dict[str, str] = {
    "stroking": "palm",
    "kneading": "palm",
    "arm_rotation": "palm",
    "thumb_glide": "thumbs",
    "circular_friction": "fingertips",
    "spiral_kneading": "fingertips",
    "skin_rolling": "fingertips",
    "skin_check": "fingertips",
    "sawing": "edge",
    "patting": "cupped",
}


def hand_of(technique: str) -> str:
    """How the hand is drawn for a technique (one of HAND_SHAPES)."""
    return HAND_OF.get(technique, "palm")
