"""Colours shared by every drawing of the back (the plan's SVG and the PDF's map), so a firm stroke
or a wound reads the same in both."""

from __future__ import annotations

from collections.abc import Iterator

from backrub.intake.model import Intake
from backrub.intake.places import NoTouch, no_touch_areas

PRESSURE_COLOURS = {"light": "#3b82c4", "medium": "#e69b00", "firm": "#c2372d"}
BROKEN_SKIN = "#c2372d"
PAIN_PLACE = "#8e44ad"


def drawn_no_touch(intake: Intake) -> Iterator[tuple[NoTouch, str]]:
    """The no-touch areas a drawing shows, each with its outline colour. The underarms are left out:
    they are kept clear for every receiver, so marking them would only clutter the picture."""
    for area in no_touch_areas(intake):
        if area.rule != "axilla":
            yield area, BROKEN_SKIN if area.rule == "broken-skin" else PAIN_PLACE
