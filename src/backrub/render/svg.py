"""The routine drawn on the back as SVG: zones, no-touch areas, every path in order."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from html import escape

from backrub.geometry import Box, Circle
from backrub.intake.model import Intake
from backrub.knowledge.devices import ATTACHMENTS
from backrub.knowledge.techniques import TECHNIQUES, hand_of
from backrub.knowledge.words import place_words
from backrub.knowledge.zones import SHAPES, ZONE_IDS, Layout, layout_for
from backrub.render.body import Point, blades, head, ribs, silhouette, smooth_closed
from backrub.render.hands import hand_svg
from backrub.render.palette import PRESSURE_COLOURS, drawn_no_touch
from backrub.routine.model import Routine

ZONE_FILL = "#f6e7da"
ZONE_LINE = "#d6b79d"
SKIN_LINE = "#b08d74"
SURFACE_LINE = "#a8927f"
DEVICE_COLOUR = "#1f8a70"
SCALE = 10.0  # pixels per centimetre


def routine_svg(routine: Routine, intake: Intake | None = None, title: str = "", reflex: bool = False) -> str:
    """An SVG picture of the routine on the receiver's back, seen from behind; `reflex` adds seed
    001's reflex points, labelled as a traditional claim (none inside a marked-off place)."""
    intake = intake or routine.intake or Intake()
    lay = layout_for(intake.body)
    x_reach = lay.hs + 10.0
    top, bottom = lay.L + 23.0, -4.0  # room for the head above the neck
    width = 2 * x_reach * SCALE
    kinds = _hands_used(routine)
    legend_h = (170.0 if any(s.device for s in routine.steps) else 150.0) + 24.0 * len(kinds)
    height = (top - bottom) * SCALE + legend_h

    def px(x: float, y: float) -> str:
        return f"{(x + x_reach) * SCALE:.1f},{(top - y) * SCALE:.1f}"

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" role="img">',
        f"<title>{escape(title or 'backrub routine')}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="6" refY="5" markerWidth="5" markerHeight="5" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>'
        '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#c2372d" stroke-width="2"/></pattern></defs>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    out += _back(lay, px)
    for area, colour in drawn_no_touch(intake):
        mark = area.shape
        if isinstance(mark, Circle):
            cx, cy = px(mark.cx, mark.cy).split(",")
            out.append(
                f'<circle cx="{cx}" cy="{cy}" r="{mark.r * SCALE:.1f}" fill="url(#hatch)" '
                f'stroke="{colour}" stroke-width="2">'
                f"<title>no touch: {escape(area.words or area.label)}</title></circle>"
            )
        elif isinstance(mark, Box):
            x0, y1 = px(mark.x0, mark.y1).split(",")
            out.append(
                f'<rect x="{x0}" y="{y1}" width="{(mark.x1 - mark.x0) * SCALE:.1f}" '
                f'height="{(mark.y1 - mark.y0) * SCALE:.1f}" fill="url(#hatch)" stroke="{colour}" '
                f'stroke-width="2"><title>no touch: {escape(area.words or area.label)}</title></rect>'
            )
    shown: set[str] = set()
    # Paths in order, each with its number at the start and an arrow at the end.
    for n, step in enumerate(routine.steps, start=1):
        colour = PRESSURE_COLOURS[step.pressure]
        hands = [step.path] + ([tuple((-x, y) for x, y in step.path)] if step.side == "both" else [])
        for k, path in enumerate(hands):
            points = " ".join(px(x, y) for x, y in path)
            if step.device is not None:  # the band the massager's head covers, as wide as the head
                head = ATTACHMENTS[step.device.attachment].width_cm * SCALE
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{DEVICE_COLOUR}" '
                    f'stroke-width="{head:.0f}" stroke-opacity="0.22" stroke-linecap="round" '
                    'stroke-linejoin="round" class="device"/>'
                )
            dash = ' stroke-dasharray="3 3"' if step.technique == "skin_check" else ""
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-opacity="{0.85 if k == 0 else 0.45}" stroke-linejoin="round"{dash} '
                f'marker-end="url(#arrow)"><title>{n}. {escape(step.cue)}</title></polyline>'
            )
        if step.device is None and step.technique not in shown:  # each technique's hand once
            shown.add(step.technique)
            out += _hands_on(step.technique, hands, colour, px)
        sx, sy = px(*step.path[0]).split(",")
        marker = (
            f'<rect x="{float(sx) - 8:.1f}" y="{float(sy) - 8:.1f}" width="16" height="16" '
            f'fill="{DEVICE_COLOUR}"/>'
            if step.device is not None  # a square number: the massager does this step
            else f'<circle cx="{sx}" cy="{sy}" r="8" fill="{colour}"/>'
        )
        out.append(
            marker
            + f'<text x="{sx}" y="{float(sy) + 4:.1f}" font-size="10" fill="#fff" '
            f'text-anchor="middle">{n}</text>'
        )
    if reflex:
        out += _reflex(intake, px, height - legend_h - 6)
    out += _legend(routine, height - legend_h + 10)
    out += _hand_legend(kinds, height - 24.0 * len(kinds) - 4)
    out.append("</svg>")
    return "\n".join(out)


def _reflex(intake: Intake, px: Callable[[float, float], str], y_note: float) -> list[str]:
    """Seed 001's twelve points as small open rings with their numbers; a reflex point never
    overrides a no-touch place, so one inside such a place is not drawn."""
    from backrub.knowledge.reflex import CLAIM, reflex_points

    shapes = [a.shape for a, _ in drawn_no_touch(intake)]
    out = []
    for p in reflex_points(intake.body):
        if any(s.contains(p.x_cm, p.y_cm) for s in shapes):
            continue
        cx, cy = px(p.x_cm, p.y_cm).split(",")
        out.append(
            f'<circle cx="{cx}" cy="{cy}" r="5" fill="none" stroke="#1f6f8b" stroke-width="2">'
            f"<title>{p.n}. {p.organ} (traditional claim; touch: {p.touch})</title></circle>"
            f'<text x="{float(cx) + 7:.1f}" y="{float(cy) + 3:.1f}" font-size="9" fill="#1f6f8b">{p.n}</text>'
        )
    for k, line in enumerate(textwrap.wrap(CLAIM, 110)):
        out.append(
            f'<text x="8" y="{y_note - 12 * (1 - k):.1f}" font-size="9" fill="#1f6f8b">{escape(line)}</text>'
        )
    return out


def _legend(routine: Routine, y0: float) -> list[str]:
    phases: list[str] = []
    for step in routine.steps:
        if step.phase not in phases:
            phases.append(step.phase)
    rows = [
        f'<text x="16" y="{y0 + 14:.0f}" font-size="15" font-weight="bold">'
        f"{routine.total_minutes:.0f}-minute routine, {len(routine.steps)} steps</text>",
        f'<text x="16" y="{y0 + 32:.0f}" font-size="12" fill="#555">Seen from behind: the '
        "receiver's right is on the right.</text>",
    ]
    for k, (name, colour) in enumerate(PRESSURE_COLOURS.items()):
        x = 16 + k * 110
        rows.append(
            f'<line x1="{x}" y1="{y0 + 54}" x2="{x + 30}" y2="{y0 + 54}" stroke="{colour}" '
            f'stroke-width="4"/><text x="{x + 36}" y="{y0 + 58}" font-size="13">{name}</text>'
        )
    x = 16 + 3 * 110
    rows.append(
        f'<rect x="{x}" y="{y0 + 47}" width="18" height="14" fill="url(#hatch)" stroke="#c2372d"/>'
        f'<text x="{x + 24}" y="{y0 + 58}" font-size="13">no touch</text>'
    )
    rows.append(
        f'<text x="16" y="{y0 + 84}" font-size="12">Phases: '
        f"{escape(' → '.join(p.replace('_', ' ') for p in phases))}.</text>"
    )
    rows.append(
        f'<text x="16" y="{y0 + 102}" font-size="12">Numbers mark where each step starts; '
        "arrows show the way;</text>"
    )
    rows.append(f'<text x="16" y="{y0 + 118}" font-size="12">the faint path is the mirrored hand.</text>')
    if any(s.device for s in routine.steps):
        rows.append(
            f'<rect x="16" y="{y0 + 126}" width="14" height="14" fill="{DEVICE_COLOUR}"/>'
            f'<text x="36" y="{y0 + 138}" font-size="12">square number, wide band: the handheld massager '
            "(the band is as wide as its head)</text>"
        )
    return rows


def _back(lay: Layout, px: Callable[[float, float], str]) -> list[str]:
    """The body from behind: the smooth outline and the head, the zones drawn faintly on the skin
    (each titled in words), the spine band, the shoulder blades and the lower ribs."""

    def curve(points: list[Point]) -> str:
        d = [f"M{px(*points[0])}"]
        d += [f"C{px(*c1)} {px(*c2)} {px(*end)}" for c1, c2, end in smooth_closed(points)]
        return " ".join(d) + " Z"

    (hx, hy), rx, ry = head(lay)
    cx, cy = px(hx, hy).split(",")
    out = [
        f'<ellipse cx="{cx}" cy="{cy}" rx="{rx * SCALE:.1f}" ry="{ry * SCALE:.1f}" fill="#efdccb" '
        f'stroke="{SKIN_LINE}" stroke-width="1.5" class="head"/>',
        f'<path d="{curve(silhouette(lay))}" fill="{ZONE_FILL}" stroke="{SKIN_LINE}" stroke-width="2" '
        'class="silhouette"><title>the back, seen from behind</title></path>',
    ]
    # Zones, drawn lowest priority first so the map's own precedence shows on top.
    for shape in reversed(SHAPES):
        ids = [z for z in ZONE_IDS if z == shape.name or z.rsplit("_", 1)[0] == shape.name]
        for zone in ids:
            points = " ".join(px(x, y) for x, y in lay.outline(zone))
            fill = (
                "#dcd6d0" if zone == "spine" else ("url(#hatch)" if zone.startswith("axilla") else ZONE_FILL)
            )
            opacity = ' fill-opacity="0.35"' if zone.startswith("axilla") else ""
            out.append(
                f'<polygon points="{points}" fill="{fill}"{opacity} stroke="{ZONE_LINE}" '
                'stroke-width="0.8" stroke-opacity="0.6" '
                f'data-zone="{zone}"><title>{escape(place_words(zone))}</title></polygon>'
            )
    for blade in blades(lay):
        out.append(f'<path d="{curve(blade)}" fill="none" stroke="{SURFACE_LINE}" stroke-width="2" '
                   'stroke-opacity="0.8" class="blade"/>')
    for (a, c, b) in ribs(lay):
        out.append(f'<path d="M{px(*a)} Q{px(*c)} {px(*b)}" fill="none" stroke="{SURFACE_LINE}" '
                   'stroke-width="1.5" stroke-opacity="0.55" class="rib"/>')
    return out


def _hands_used(routine: Routine) -> list[tuple[str, str]]:
    """(hand shape, technique) for each technique in the routine, in order of first use."""
    seen: dict[str, str] = {}
    for step in routine.steps:
        if step.device is None:
            seen.setdefault(step.technique, hand_of(step.technique))
    return [(kind, technique) for technique, kind in seen.items()]


def _hands_on(
    technique: str, paths: list[tuple[Point, ...]], colour: str, px: Callable[[float, float], str]
) -> list[str]:
    """The technique's hand at the middle of each hand's path: the right hand, and the left on the
    mirrored path."""
    out = []
    for k, path in enumerate(paths):
        mid = path[len(path) // 2]
        x, y = px(*mid).split(",")
        out.append(hand_svg(hand_of(technique), k == 1, f"translate({x} {y}) scale({SCALE:g})", colour)
                   .replace('<g class="hand', f'<g fill-opacity="{0.75 if k == 0 else 0.4}" class="hand', 1))
    return out


def _hand_legend(kinds: list[tuple[str, str]], y0: float) -> list[str]:
    """Each technique of the routine beside the part of the hand it uses, one to a row."""
    out = []
    for i, (kind, technique) in enumerate(kinds):
        x, y = 30, y0 + 24 * i
        t = TECHNIQUES[technique]
        out.append(hand_svg(kind, False, f"translate({x} {y + 2}) scale(2.6)", "#6b5a4e"))
        out.append(f'<text x="{x + 18}" y="{y + 6}" font-size="12">{escape(t.title)}: '
                   f"{escape(t.contact)}</text>")
    return out
