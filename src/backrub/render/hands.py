"""The technique's hand as drawing parts: what touches the skin, centred on the contact point.

Parts are SVG elements in centimetres with y drawn down (fingers point up the back). The plan's
SVG draws them here; the coach's pages receive the same parts in `vocabulary.js`, so the web and
the command line show one hand. A left hand is the right one with its thumb on the other side.
"""

from __future__ import annotations

from html import escape

from backrub.knowledge.techniques import HAND_SHAPES

Part = tuple[str, dict[str, float | str]]

# Finger columns of a flat palm: (x of the finger's middle, its length), little finger outermost.
_FINGERS = ((-1.5, 2.2), (-0.5, 2.6), (0.5, 2.5), (1.4, 2.0))
_TIPS = ((-1.2, 0.3), (-0.4, -0.3), (0.4, -0.3), (1.2, 0.3))  # four fingertip pads


def hand_parts(kind: str, mirror: bool = False) -> list[Part]:
    """The parts of one hand of a kind in HAND_SHAPES; `mirror` for the left hand."""
    return [(tag, {k: round(v, 3) if isinstance(v, float) else v for k, v in attrs.items()})
            for tag, attrs in _parts(kind, mirror)]


def _parts(kind: str, mirror: bool) -> list[Part]:
    s = -1.0 if mirror else 1.0
    if kind == "palm":
        fingers: list[Part] = [
            ("rect", {"x": x - 0.42, "y": -2.1 - n, "width": 0.84, "height": n + 0.6, "rx": 0.42})
            for x, n in _FINGERS
        ]
        return [
            ("ellipse", {"cx": 0, "cy": 0.6, "rx": 2.3, "ry": 2.7}),
            *fingers,
            ("ellipse", {"cx": s * 2.5, "cy": 0.2, "rx": 0.6, "ry": 1.5,
                         "transform": f"rotate({s * 35:g} {s * 2.5:g} 0.2)"}),
        ]
    if kind == "thumbs":
        return [
            ("ellipse", {"cx": 0, "cy": 0, "rx": 0.9, "ry": 1.3}),
            ("path", {"d": f"M{s * 0.6:g},1 Q{s * 3:g},2.5 {s * 4:g},5", "class": "hand-line"}),
        ]
    if kind == "fingertips":
        return [("circle", {"cx": x, "cy": y, "r": 0.55}) for x, y in _TIPS]
    if kind == "edge":
        return [("rect", {"x": -0.5, "y": -3, "width": 1, "height": 6, "rx": 0.5})]
    if kind == "cupped":
        return [("path", {"d": "M-2.2,0.8 A2.4,2.4 0 1 1 2.2,0.8 L1.4,0.5 A1.6,1.6 0 1 0 -1.4,0.5 Z"})]
    raise ValueError(f"unknown hand shape {kind!r}; expected one of {', '.join(HAND_SHAPES)}")


def all_hand_parts() -> dict[str, list[list[Part]]]:
    """Every kind's parts, right hand then left, for the pages."""
    return {kind: [hand_parts(kind), hand_parts(kind, mirror=True)] for kind in HAND_SHAPES}


def hand_svg(kind: str, mirror: bool, transform: str, fill: str) -> str:
    """One hand as an SVG group placed by `transform` (which also scales cm to the picture)."""
    out = [f'<g class="hand hand-{kind}" transform="{transform}" fill="{fill}" stroke="#fff" '
           'stroke-width="0.25">']
    for tag, attrs in hand_parts(kind, mirror):
        if attrs.get("class") == "hand-line":
            attrs = {**attrs, "fill": "none", "stroke": fill, "stroke-width": 0.45, "stroke-linecap": "round"}
        text = " ".join(f'{k}="{escape(_num(v))}"' for k, v in attrs.items())
        out.append(f"<{tag} {text}/>")
    out.append("</g>")
    return "".join(out)


def _num(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.2f}".rstrip("0").rstrip(".")
