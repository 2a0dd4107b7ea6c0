"""The method's order as a script: phases, the slots of a work round, interludes, sources.

Hold it against the seeds. Seed 004 gives the order on the lower back: light
stroking, spiral kneading with the fingertips without effort, sawing with the
palm edges right then left, stroking 3-4 times, skin rolling bottom to top
right then left, rubbing, light patting from the lower back to the shoulder
blades (gently over the kidneys), then the opening strokes again and a towel.
Seed 003 gives the rest of the round: thumbs up both sides of the spine to warm
up, then circles beside the spine more firmly, kneading between the shoulder
blades and the spine, the base of the neck, the shoulders, deltoids and upper
arms, "and work your way around the back twice". Seed 000 adds the arm
rotation and that the work goes from the lower back up.

The planner fills this script (where each slot's path lies, how long, what the
coach says); it does not decide the order. A variant (self-massage, a comfort
rub, a robot, light pressure, a handheld device) is a variation of the script
made with `without`, `only`, `replaced` and `with_slot`, never a new code path.
"""

from __future__ import annotations

from backrub.rows import Row

REPS_INTERLUDE = (3, 4)  # seed 004: "Afterwards, stroke 3-4 times" (after sawing only)


class Slot(Row):
    """One technique in its place: which, along which path, how hard at most, with which hands.

    `path` names a path maker (planner/templates.py); `hands` is `both` (one hand each side of
    the spine), `right_then_left` (one side, then the other, as seed 004 says for sawing and
    rolling) or `center`. `reps` other than None narrows the 5-8 repetitions (an interlude).
    `focus` names the areas (DESIGN.md groups) where this slot is repeated when asked for.
    """

    key: str
    technique: str
    path: str
    area: str
    self_area: str = ""  # the words on one's own back, where they differ (seed 002)
    direction: str = "up"
    wanted: str = "medium"
    hands: str = "both"
    reps: tuple[int, int] | None = None
    last_round_only: bool = False
    focus: tuple[str, ...] = ()
    note: str = ""
    sources: tuple[str, ...]


class Script(Row):
    """The whole method: an opening, a warm-up, a work round done one or more times, a closing."""

    opening: tuple[Slot, ...]
    warm_up: tuple[Slot, ...]
    work_round: tuple[Slot, ...]
    closing: tuple[Slot, ...]
    between_rounds: Slot  # the long stroke that carries the hands back to the waist (seed 000)
    rounds_from_minutes: float = 30.0  # a full massage this long goes round the back twice (003)

    def slots(self) -> tuple[Slot, ...]:
        return (*self.opening, *self.warm_up, *self.work_round, *self.closing, self.between_rounds)

    def without(self, *keys: str) -> Script:
        """The script with these slots left out, wherever they are."""
        drop = set(keys)
        return self.with_changes(
            opening=tuple(s for s in self.opening if s.key not in drop),
            warm_up=tuple(s for s in self.warm_up if s.key not in drop),
            work_round=tuple(s for s in self.work_round if s.key not in drop),
            closing=tuple(s for s in self.closing if s.key not in drop),
        )

    def only(self, *keys: str) -> Script:
        """A shorter script: of the warm-up and the round only these slots (opening and closing stay)."""
        keep = set(keys)
        return self.with_changes(
            warm_up=tuple(s for s in self.warm_up if s.key in keep),
            work_round=tuple(s for s in self.work_round if s.key in keep),
        )

    def replaced(self, key: str, **changes: object) -> Script:
        """The script with one slot changed (its technique, pressure, hands, ...)."""

        def swap(slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
            return tuple(s.with_changes(**changes) if s.key == key else s for s in slots)

        return self.with_changes(
            opening=swap(self.opening),
            warm_up=swap(self.warm_up),
            work_round=swap(self.work_round),
            closing=swap(self.closing),
        )

    def with_slot(self, slot: Slot, after: str) -> Script:
        """The script with a new slot in the round (or warm-up) right after the slot `after`."""

        def add(slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
            out: list[Slot] = []
            for s in slots:
                out.append(s)
                if s.key == after:
                    out.append(slot)
            return tuple(out)

        return self.with_changes(warm_up=add(self.warm_up), work_round=add(self.work_round))


_LONG_STROKE = Slot(
    key="link_stroke",
    technique="stroking",
    path="whole_back_loop",
    area="the whole back",
    self_area="your lower back",
    wanted="light",
    note="Long soothing strokes; they bring your hands back to the waist.",
    sources=("000", "004"),
)

METHOD = Script(
    opening=(
        Slot(
            key="open_stroke",
            technique="stroking",
            path="whole_back_loop",
            area="the whole back",
            wanted="light",
            note="Spread the oil; keep your hands on the back from here to the end.",
            sources=("000", "002", "004"),
        ),
    ),
    warm_up=(
        Slot(
            key="warm_thumbs",
            technique="thumb_glide",
            path="thumb_glide",
            area="both sides of the spine, waist to neck",
            wanted="light",
            sources=("003",),
        ),
        Slot(
            key="warm_spiral",
            technique="spiral_kneading",
            path="spiral_lumbar",
            area="the lower back",
            self_area="the base of your spine, moving up",
            wanted="light",
            note="Without effort: the skin is not warm yet.",
            sources=("004",),
        ),
        Slot(
            key="warm_lower",
            technique="circular_friction",
            path="circles_lower",
            area="the lower back",
            self_area="your lower back",
            wanted="light",
            sources=("002",),
        ),
        Slot(
            key="warm_flank",
            technique="circular_friction",
            path="circles_flank",
            area="the sides of the waist",
            self_area="the sides of your waist",
            wanted="light",
            sources=("002",),
        ),
        Slot(
            key="warm_upper",
            technique="circular_friction",
            path="circles_upper",
            area="the middle back and shoulder blades",
            wanted="light",
            sources=("002", "003"),
        ),
        Slot(
            key="warm_shoulders",
            technique="circular_friction",
            path="circles_shoulders",
            area="the tops of the shoulders and the upper arms",
            self_area="the top of your shoulder and your upper arm",
            direction="outward",
            wanted="light",
            note="Keep out of the armpit: work the back of the arm only.",
            sources=("002", "003"),
        ),
    ),
    work_round=(
        # Seed 004 on the lower back.
        Slot(
            key="saw_lumbar",
            technique="sawing",
            path="saw_lumbar",
            area="the lower back",
            self_area="your lower back",
            wanted="firm",
            hands="right_then_left",
            focus=("lower_back",),
            sources=("004",),
        ),
        Slot(
            key="stroke_after_saw",
            technique="stroking",
            path="whole_back_loop",
            area="the whole back",
            self_area="your lower back",
            wanted="light",
            reps=REPS_INTERLUDE,
            note="A few soothing strokes after the sawing.",
            sources=("004",),
        ),
        Slot(
            key="roll_lumbar",
            technique="skin_rolling",
            path="roll_lumbar",
            area="the lower back",
            self_area="your lower back",
            hands="right_then_left",
            sources=("004",),
        ),
        Slot(
            key="rub_lower",
            technique="circular_friction",
            path="circles_lower",
            area="the lower back",
            self_area="your lower back",
            focus=("lower_back",),
            sources=("004",),
        ),
        # Seed 003 up the back: beside the spine, the middle back, between the shoulder blades.
        Slot(
            key="rub_paraspinal",
            technique="circular_friction",
            path="circles_paraspinal",
            area="the muscles beside the spine",
            note="Thumbs just beside the spine, never on the bones.",
            focus=("mid_back", "lower_back"),
            sources=("003",),
        ),
        Slot(
            key="knead_mid",
            technique="kneading",
            path="knead_mid",
            area="the middle back",
            wanted="firm",
            focus=("mid_back",),
            sources=("003",),
        ),
        Slot(
            key="glide_thumbs",
            technique="thumb_glide",
            path="thumb_glide",
            area="both sides of the spine",
            note="Thumbs on the muscle beside the spine, never on the bones.",
            sources=("003",),
        ),
        Slot(
            key="rub_scapula",
            technique="circular_friction",
            path="circles_scapula",
            area="the shoulder blades",
            focus=("upper_back",),
            sources=("003",),
        ),
        Slot(
            key="knead_between",
            technique="kneading",
            path="knead_interscapular",
            area="the muscles between the shoulder blades and the spine",
            wanted="firm",
            focus=("upper_back",),
            sources=("003",),
        ),
        # Seed 003: the base of the neck, the shoulders, the deltoids and the upper arms.
        Slot(
            key="rub_shoulders",
            technique="circular_friction",
            path="shoulder_arm_circles",
            area="the shoulders and upper arms",
            self_area="your shoulder and upper arm",
            direction="outward",
            focus=("shoulders", "arms"),
            note="Keep out of the armpit: work the back of the arm only.",
            sources=("003",),
        ),
        Slot(
            key="knead_shoulders",
            technique="kneading",
            path="knead_trapezius",
            area="the base of the neck and the tops of the shoulders",
            self_area="the base of your neck and the top of your shoulder",
            direction="outward",
            wanted="firm",
            focus=("shoulders", "neck"),
            sources=("003",),
        ),
        Slot(
            key="rotate_arm",
            technique="arm_rotation",
            path="arm_rotation",
            area="the arm",
            direction="in_place",
            wanted="light",
            hands="right_then_left",
            sources=("000",),
        ),
        Slot(
            key="knead_arms",
            technique="kneading",
            path="knead_arm_line",
            area="the deltoids and upper arms",
            self_area="your shoulder and upper arm",
            direction="outward",
            wanted="firm",
            focus=("arms", "shoulders"),
            note="Keep out of the armpit: work the back of the arm only.",
            sources=("003",),
        ),
        # Seed 004, step 5: once, at the end of the work.
        Slot(
            key="pat",
            technique="patting",
            path="pat_up",
            area="the back, from the waist to the shoulder blades",
            wanted="light",
            last_round_only=True,
            note="Relax your hands.",
            sources=("004",),
        ),
    ),
    closing=(
        Slot(
            key="close_stroke",
            technique="stroking",
            path="whole_back_loop",
            area="the whole back",
            self_area="your lower back",
            wanted="light",
            note="The same long strokes you began with.",
            sources=("004",),
        ),
        Slot(
            key="close_down",
            technique="stroking",
            path="closing_down",
            area="the back, from the base of the neck to the waist",
            self_area="your lower back, from as high as you reach down to the waist",
            direction="down",
            wanted="light",
            sources=("001", "002", "004"),
        ),
    ),
    between_rounds=_LONG_STROKE,
)

# Seed 002 on one's own back: "pay particular attention to ... between the shoulder blades", with
# fingertips or knuckles. One's own hand reaches there only over the other shoulder, from the top,
# and only so far down: its own slot in the self-massage variant, in the round's place for that
# part of the back (after the middle back, before the shoulders).
SELF_BETWEEN = Slot(
    key="reach_between",
    technique="circular_friction",
    path="reach_between",
    area="between the shoulder blades",
    self_area="the muscles between your shoulder blades, beside the spine, as far down as you reach",
    focus=("upper_back",),
    note="Reach over the opposite shoulder; fingertips beside the spine, never on the bones. "
    "Go only as far down as you reach comfortably.",
    sources=("002",),
)

# Seed 003's comfort rub for someone in bed: the base of the neck, the shoulders, the deltoids
# and upper arms, gentle kneading between the shoulder blades and the spine; seed 003 also says it
# brings blood to the skin of someone who stays in bed, so the lower back, where a bed presses, is
# rubbed too. Nursing practice adds the skin check first (planner) and keeps it light.
COMFORT_KEYS = (
    "warm_thumbs",  # light work needs no more warming up than this
    "rub_lower",
    "knead_between",
    "rub_shoulders",
    "knead_shoulders",
    "knead_arms",
)


_ALL_GIVERS = ("partner", "caregiver", "self", "robot")
_HANDS = ("partner", "caregiver")
_ALL_POSITIONS = ("prone", "side_lying", "seated")
_ALL_GOALS = ("relax", "ease_tension", "energize", "comfort_care")


class Prep(Row):
    """One thing to make ready before the first stroke, for whom it applies, and its seed."""

    item: str
    why: str
    source: str
    givers: tuple[str, ...] = _ALL_GIVERS
    positions: tuple[str, ...] = _ALL_POSITIONS
    goals: tuple[str, ...] = _ALL_GOALS


PREPARATION = (
    Prep(
        item="A warm room with the light dimmed (candles or calm music if they like them).",
        why="Warm muscles let go; a cold room undoes the massage.",
        source="002, 004",
    ),
    Prep(
        item="Massage oil, warmed between your hands before it touches the skin.",
        why="The hands glide without pulling the skin.",
        source="004, 002",
    ),
    Prep(
        item="A towel over the rest of the body, and another ready for the end.",
        why="Warmth and privacy; the warmed muscles are covered again at once.",
        source="001, 004",
        givers=("partner", "caregiver", "robot"),
    ),
    Prep(
        item="A pillow under the chest.",
        why="The back lies flat and the neck rests.",
        source="004",
        positions=("prone",),
    ),
    Prep(
        item="A pillow under the head and one between the knees.",
        why="Lying on the side stays comfortable while one side of the back is worked.",
        source="domain",
        positions=("side_lying",),
    ),
    Prep(
        item="The table or bed at a height where you reach every part of the back without straining; "
        "stand beside it.",
        why="A giver who strains cannot keep the strokes slow and even.",
        source="000, 004",
        givers=_HANDS,
    ),
    Prep(
        item="Cushions or blankets so your body is supported at a comfortable height, and warm hands "
        "(rub them together).",
        why="On your own back you reach further when you are supported and relaxed.",
        source="002",
        givers=("self",),
    ),
    Prep(
        item="A shower before, if possible.",
        why="Clean, warm skin; the massage works better.",
        source="004",
        goals=("relax", "ease_tension", "energize"),
    ),
    Prep(
        item="Look over the skin first where a bed presses: shoulder blades, spine, lower back.",
        why="Nothing is rubbed on reddened or broken skin.",
        source="002; domain",
        goals=("comfort_care",),
    ),
)
