"""The method's rules with their stable ids and sources (seed file numbers or 'domain')."""

from __future__ import annotations

from backrub.rows import Row


class Rule(Row):
    """One rule of the method that the verifier checks, with its source."""

    id: str
    text: str
    sources: tuple[str, ...]
    safety: bool  # a broken safety rule can hurt; the others make a poorer massage


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            id="spine-pressure",
            safety=True,
            sources=("000", "001"),
            text="Nothing beyond light gliding on the spine band; thumbs and kneading work beside it.",
        ),
        Rule(
            id="broken-skin",
            safety=True,
            sources=("000", "002", "domain"),
            text="No contact on wounds, rashes, infected or reddened skin, or bruises, with a margin.",
        ),
        Rule(
            id="pain-spot",
            safety=True,
            sources=("003", "004"),
            text="Where it hurts: skip it, or only very light, for the rest of the session.",
        ),
        Rule(
            id="axilla",
            safety=True,
            sources=("004", "001"),
            text="Underarms are never massaged; strokes move toward them, not onto them.",
        ),
        Rule(
            id="kidney-gentle",
            safety=True,
            sources=("004",),
            text="The kidney area gets light work only, and no patting harder than light.",
        ),
        Rule(
            id="zones-declared",
            safety=True,
            sources=("domain",),
            text="A step's zones are the ones its path passes through, no more and no fewer.",
        ),
        Rule(
            id="opening-light",
            safety=False,
            sources=("000", "002", "004"),
            text="Begin with light stroking: a long stroke over the whole back.",
        ),
        Rule(
            id="warmup-first",
            safety=True,
            sources=("002", "003", "004"),
            text="No medium or firm work on an area before it is warmed up.",
        ),
        Rule(
            id="direction",
            safety=False,
            sources=("000", "003", "004", "001"),
            text="Work from the lower back toward the shoulders, or up on the inhale and down on the exhale.",
        ),
        Rule(
            id="knots-clockwise",
            safety=False,
            sources=("000",),
            text="Knots and tense spots get small clockwise circles.",
        ),
        Rule(
            id="reps-range", safety=False, sources=("004",), text="Each technique is repeated 5 to 8 times."
        ),
        Rule(
            id="alternate",
            safety=False,
            sources=("004",),
            text="Alternate weaker and stronger techniques; never two strong ones back to back.",
        ),
        Rule(
            id="continuous",
            safety=False,
            sources=("000", "004"),
            text="No breaks: the hands stay on the back and slide to the next area.",
        ),
        Rule(
            id="tempo",
            safety=False,
            sources=("003", "004", "001", "domain"),
            text="Slow to calm, brisker to energize; strokes follow the breath.",
        ),
        Rule(
            id="shoulders-arms",
            safety=False,
            sources=("003", "000"),
            text="Include the base of the neck, shoulders, deltoids and upper arms; rotate each arm gently.",
        ),
        Rule(
            id="closing-light",
            safety=False,
            sources=("002", "004", "001"),
            text="Finish with the opening techniques, last strokes top to bottom, then a towel.",
        ),
        Rule(
            id="pressure-preference",
            safety=True,
            sources=("002", "003"),
            text="Never firmer than the receiver asked for.",
        ),
        Rule(
            id="screening",
            safety=True,
            sources=("001", "002", "domain"),
            text="Only a routine the screening allows: none after refer or an uncleared check, "
            "and adapt's changes (pressure cap, left-out techniques) kept.",
        ),
        Rule(
            id="duration",
            safety=False,
            sources=("002", "domain"),
            text="The routine fills the time asked for (15-60 min; a comfort rub 3-10 min).",
        ),
        # The handheld massager (seed 003 names the tools; the limits are the usual advice that comes
        # with percussion and vibration massagers, hence "domain").
        Rule(
            id="device-spine",
            safety=True,
            sources=("000", "001", "domain"),
            text="The massager never touches the spine band: its head stays its half-width clear of it.",
        ),
        Rule(
            id="device-area",
            safety=True,
            sources=("003", "domain"),
            text="The massager works only on the large muscles (beside the spine, between the shoulder "
            "blades and the spine, shoulder tops, deltoids, lower back), never on bone.",
        ),
        Rule(
            id="device-kidney",
            safety=True,
            sources=("004", "domain"),
            text="The massager's head never comes over the kidney area.",
        ),
        Rule(
            id="device-neck",
            safety=True,
            sources=("domain",),
            text="The massager never goes on the neck, back, side or front.",
        ),
        Rule(
            id="device-spot",
            safety=True,
            sources=("002", "003", "004"),
            text="The massager's head keeps off marked skin, painful places and the underarms.",
        ),
        Rule(
            id="device-condition",
            safety=True,
            sources=("002", "domain"),
            text="No massager with blood thinners, a bleeding disorder, osteoporosis or fragile skin, "
            "in a bed-rest comfort rub, or held by a robot.",
        ),
        Rule(
            id="device-time",
            safety=True,
            sources=("domain",),
            text="About two minutes of massager at most on each area in a session; the head keeps moving.",
        ),
        Rule(
            id="device-speed",
            safety=True,
            sources=("003", "domain"),
            text="Settings the device has (speed, head, heat), the gentlest speed where tissue is thin.",
        ),
    )
}
