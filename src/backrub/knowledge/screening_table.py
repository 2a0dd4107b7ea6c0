"""Conditions and what each means for a massage, with the reason shown to the user."""

from __future__ import annotations

from backrub.rows import Row

# Strongest first: a refer outweighs a check_first, which outweighs an adapt.
DECISIONS = ("proceed", "adapt", "check_first", "refer")


class ConditionRule(Row):
    """What screening decides for one condition, and what the plan must change for it."""

    code: str
    decision: str
    message: str
    source: str
    cap_pressure: str | None = None
    no_techniques: tuple[str, ...] = ()


CONDITIONS: dict[str, ConditionRule] = {
    c.code: c
    for c in (
        ConditionRule(
            code="dvt",
            decision="refer",
            source="002",
            message="A suspected blood clot (deep vein thrombosis) could be moved by massage; "
            "see a doctor first.",
        ),
        ConditionRule(
            code="fever",
            decision="refer",
            source="domain",
            message="With a fever the body needs rest, not massage; wait until it has passed.",
        ),
        ConditionRule(
            code="infectious_illness",
            decision="refer",
            source="domain",
            message="An infectious illness can spread by close contact; wait until it has passed.",
        ),
        ConditionRule(
            code="recent_surgery",
            decision="refer",
            source="002",
            message="After recent surgery, ask the surgeon or a physiotherapist when massage is safe.",
        ),
        ConditionRule(
            code="joint_inflammation",
            decision="refer",
            source="001",
            message="Inflamed joints should not be massaged; a physiotherapist can advise.",
        ),
        ConditionRule(
            code="bone_disease",
            decision="refer",
            source="001",
            message="Diseases of the bones or skeleton need a professional's hands.",
        ),
        ConditionRule(
            code="pregnancy",
            decision="refer",
            source="002",
            message="During pregnancy, back massage belongs with a therapist trained for it.",
        ),
        ConditionRule(
            code="uncontrolled_hypertension",
            decision="refer",
            source="domain",
            message="Blood pressure that is not under control should be seen by a doctor first.",
        ),
        ConditionRule(
            code="fracture",
            decision="refer",
            source="domain",
            message="A broken rib or vertebra must heal and be cleared by a doctor.",
        ),
        ConditionRule(
            code="injury",
            decision="check_first",
            source="002",
            message="An injury or other medical problem: check with a clinician before massaging.",
        ),
        ConditionRule(
            code="cancer",
            decision="check_first",
            source="domain",
            message="With cancer, gentle massage is often welcome, but ask the care team first.",
        ),
        ConditionRule(
            code="heart_disease",
            decision="check_first",
            source="domain",
            message="With heart disease, ask a clinician whether massage is right now.",
        ),
        ConditionRule(
            code="blood_thinners",
            decision="adapt",
            source="domain",
            cap_pressure="light",
            no_techniques=("patting", "skin_rolling", "kneading", "sawing"),
            message="Blood thinners bruise easily: light gliding and rubbing only; no kneading, sawing, "
            "patting or skin rolling.",
        ),
        ConditionRule(
            code="bleeding_disorder",
            decision="adapt",
            source="domain",
            cap_pressure="light",
            no_techniques=("patting", "skin_rolling", "kneading", "sawing"),
            message="A bleeding disorder bruises easily: light gliding and rubbing only; no kneading, "
            "sawing, patting or skin rolling.",
        ),
        ConditionRule(
            code="osteoporosis",
            decision="adapt",
            source="domain",
            cap_pressure="light",
            no_techniques=("patting",),
            message="Fragile bones: light pressure only and no patting.",
        ),
        ConditionRule(
            code="fragile_skin",
            decision="adapt",
            source="domain",
            cap_pressure="light",
            no_techniques=("patting", "skin_rolling", "kneading", "sawing"),
            message="Fragile skin tears and bruises: light gliding only; no kneading, sawing, patting or "
            "skin rolling.",
        ),
        ConditionRule(
            code="skin_infection",
            decision="adapt",
            source="000",
            message="Infected skin is never touched; the marked places are left out.",
        ),
    )
}

# Spot kinds: which keep the hands off, which ask for extra attention.
NO_CONTACT_SPOTS = ("wound", "rash", "bruise", "redness")
SPOT_KINDS = (*NO_CONTACT_SPOTS, "pain", "knot", "tension")
SPOT_MARGIN_CM = 2.0  # kept clear around every excluded spot
DEFAULT_SPOT_RADIUS_CM = 3.0
