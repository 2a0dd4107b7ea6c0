"""Plain words a giver reads: places on the back, the health questions, condition names.

The one source for the coach's pages too: `backrub.web.vocabulary` writes them into
`static/js/vocabulary.js`, and a test pins that file to this module.
"""

from __future__ import annotations

from backrub.knowledge.body import Body
from backrub.knowledge.zones import ZONE_IDS, zone_at

# The receiver's side comes first: "right kidney area", as a giver standing behind says it.
_SIDED = {
    "upper_trapezius": "{side} shoulder top",
    "deltoid": "{side} shoulder cap",
    "upper_arm": "{side} upper arm",
    "axilla": "{side} armpit",
    "scapula": "{side} shoulder blade",
    "interscapular": "{side} side between the shoulder blades",
    "paraspinal": "{side} side of the spine",
    "mid_back": "{side} middle back",
    "kidney": "{side} kidney area",
    "lumbar": "{side} lower back",
    "flank": "{side} side of the waist",
}
_CENTRE = {"spine": "spine", "neck_base": "base of the neck"}


def _words(zone: str) -> str:
    if zone in _CENTRE:
        return _CENTRE[zone]
    base, _, side = zone.rpartition("_")
    return _SIDED[base].format(side=side)


PLACES: dict[str, str] = {z: _words(z) for z in ZONE_IDS}


def place_words(zone: str | None) -> str:
    """A zone id in words ('kidney_right' -> 'right kidney area'); 'the back' when unknown."""
    return PLACES.get(zone or "", "the back")


def point_words(body: Body, x_cm: float, y_cm: float) -> str:
    """The place under a point of the back in words (never coordinates)."""
    zone = zone_at(body, x_cm, y_cm)
    return place_words(zone) if zone else "edge of the back"


# The intake's health questions, one per condition code of DESIGN.md, in the order asked.
CONDITION_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("fever", "Do they have a fever today?"),
    ("infectious_illness", "Do they have an infectious illness, such as flu?"),
    ("dvt", "Could there be a blood clot in a leg? (one calf swollen, warm or painful)"),
    ("recent_surgery", "Have they had surgery in the last few months?"),
    ("pregnancy", "Are they pregnant?"),
    ("fracture", "A broken rib or vertebra that a doctor has not yet cleared?"),
    ("bone_disease", "A disease of the bones or the spine?"),
    ("joint_inflammation", "Swollen, inflamed joints right now?"),
    ("uncontrolled_hypertension", "High blood pressure that is not under control?"),
    ("injury", "An injury or another medical problem with the back?"),
    ("cancer", "Cancer, now or under treatment?"),
    ("heart_disease", "A heart condition?"),
    ("blood_thinners", "Do they take blood thinners?"),
    ("bleeding_disorder", "A bleeding disorder, or do they bruise very easily?"),
    ("osteoporosis", "Fragile bones (osteoporosis)?"),
    ("fragile_skin", "Thin skin that tears or bruises easily?"),
    ("skin_infection", "A skin infection on the back? (mark where on the chart)"),
)

# Condition names as a sentence uses them ("cleared for a heart condition").
CONDITION_NAMES: dict[str, str] = {
    "dvt": "a suspected blood clot",
    "fever": "a fever",
    "infectious_illness": "an infectious illness",
    "recent_surgery": "recent surgery",
    "joint_inflammation": "inflamed joints",
    "bone_disease": "a bone disease",
    "pregnancy": "pregnancy",
    "uncontrolled_hypertension": "uncontrolled high blood pressure",
    "fracture": "a broken rib or vertebra",
    "injury": "an injury or other medical problem",
    "cancer": "cancer",
    "heart_disease": "a heart condition",
    "blood_thinners": "blood thinners",
    "bleeding_disorder": "a bleeding disorder",
    "osteoporosis": "osteoporosis",
    "fragile_skin": "fragile skin",
    "skin_infection": "a skin infection",
}


# Standing conditions as a caregiver says them about the person on a record, those that stay true
# for months first (the record's form shows the first COMMON_STANDING as ticks, the rest folded).
STANDING_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("blood_thinners", "Takes blood thinners"),
    ("bleeding_disorder", "A bleeding disorder, or bruises very easily"),
    ("osteoporosis", "Fragile bones (osteoporosis)"),
    ("fragile_skin", "Thin skin that tears or bruises easily"),
    ("skin_infection", "A skin infection on the back"),
    ("heart_disease", "A heart condition"),
    ("cancer", "Cancer, now or under treatment"),
    ("injury", "An injury or another medical problem with the back"),
    ("bone_disease", "A disease of the bones or the spine"),
    ("joint_inflammation", "Swollen, inflamed joints"),
    ("uncontrolled_hypertension", "High blood pressure that is not under control"),
    ("fracture", "A broken rib or vertebra not yet cleared by a doctor"),
    ("recent_surgery", "Surgery in the last few months"),
    ("pregnancy", "Pregnant"),
    ("dvt", "A possible blood clot in a leg"),
    ("fever", "A fever"),
    ("infectious_illness", "An infectious illness, such as flu"),
)
COMMON_STANDING = 8
