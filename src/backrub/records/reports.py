"""Reports for a clinician: one PDF page per session or recipient, and trend plots.

Drawn with matplotlib's object API (no pyplot, so it is safe in a server's threads). The back map
is the one the planner uses: zones, no-touch areas, and each step's path coloured by pressure.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle as CirclePatch
from matplotlib.patches import Polygon, Rectangle

from backrub.geometry import Box, Circle
from backrub.intake.model import Intake, parse_intake
from backrub.intake.places import no_touch_areas
from backrub.knowledge.words import place_words, point_words
from backrub.knowledge.zones import ZONE_IDS, layout_for
from backrub.records.recipients import Recipient
from backrub.records.sessions import Summary, performed_steps

PRESSURE_COLOURS = {"light": "#3b82c4", "medium": "#e69b00", "firm": "#c2372d"}
PRESSURE_LEVEL = {"light": 1, "medium": 2, "firm": 3}
A4 = (8.27, 11.69)


def back_map(ax: Axes, intake: Intake, steps: Sequence[dict[str, Any]] = (), *, numbers: bool = True) -> None:
    """The back seen from behind, its no-touch areas, and the steps' paths in order."""
    lay = layout_for(intake.body)
    for zone in ZONE_IDS:
        fill = "#d9d9d9" if zone == "spine" else ("#f3d0d0" if zone.startswith("axilla") else "#f6e7da")
        ax.add_patch(
            Polygon(lay.outline(zone), closed=True, facecolor=fill, edgecolor="#b08d74", linewidth=0.4)
        )
    for area in no_touch_areas(intake):
        if area.rule == "axilla":
            continue
        colour = "#c2372d" if area.rule == "broken-skin" else "#8e44ad"
        shape = area.shape
        if isinstance(shape, Circle):
            ax.add_patch(
                CirclePatch(
                    (shape.cx, shape.cy),
                    shape.r,
                    facecolor="none",
                    edgecolor=colour,
                    hatch="///",
                    linewidth=1.2,
                )
            )
        elif isinstance(shape, Box):
            ax.add_patch(
                Rectangle(
                    (shape.x0, shape.y0),
                    shape.x1 - shape.x0,
                    shape.y1 - shape.y0,
                    facecolor="none",
                    edgecolor=colour,
                    hatch="///",
                    linewidth=1.2,
                )
            )
    for n, step in enumerate(steps, start=1):
        colour = PRESSURE_COLOURS.get(step.get("pressure", "light"), "#555")
        path = [tuple(p) for p in step.get("path", [])]
        if not path:
            continue
        hands = [path] + ([[(-x, y) for x, y in path]] if step.get("side") == "both" else [])
        for k, hand in enumerate(hands):
            xs, ys = zip(*hand, strict=True)
            ax.plot(xs, ys, color=colour, linewidth=0.9, alpha=0.85 if k == 0 else 0.4)
        if numbers:
            ax.text(
                path[0][0],
                path[0][1],
                str(n),
                fontsize=4.5,
                color="white",
                ha="center",
                va="center",
                bbox={"boxstyle": "circle,pad=0.15", "facecolor": colour, "edgecolor": "none"},
            )
    reach = lay.hs + 8
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-4, lay.L + 10)
    ax.set_aspect("equal")
    ax.axvline(0, color="#888", linewidth=0.5, linestyle="--")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.text(-reach, -3.5, "left", fontsize=6, color="#666")
    ax.text(reach, -3.5, "right", fontsize=6, color="#666", ha="right")


def _legend(fig: Figure, x: float, y: float) -> None:
    for k, (name, colour) in enumerate(PRESSURE_COLOURS.items()):
        fig.text(x + k * 0.09, y, "━ " + name, color=colour, fontsize=7)
    fig.text(x + 0.27, y, "▨ no touch", color="#c2372d", fontsize=7)
    fig.text(x + 0.37, y, "✕ pain reported", color="#8e44ad", fontsize=7)


def _page() -> Figure:
    fig = Figure(figsize=A4)
    fig.patch.set_facecolor("white")
    return fig


def _pdf(fig: Figure, title: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf", metadata={"Title": title, "Creator": "backrub"})
    return buf.getvalue()


def _when(text: str | None) -> str:
    if not text:
        return "—"
    return datetime.fromisoformat(text).strftime("%d %b %Y, %H:%M UTC")


def _block(
    fig: Figure, x: float, y: float, title: str, lines: Sequence[str], width: int = 95, size: float = 7.5
) -> float:
    """A heading and wrapped lines from (x, y) down; the y below it."""
    fig.text(x, y, title, fontsize=9, fontweight="bold")
    y -= 0.018
    for line in lines or ["—"]:
        for part in textwrap.wrap(line, width) or [""]:
            fig.text(x, y, part, fontsize=size)
            y -= 0.0135
    return y - 0.008


def session_flags(view: dict[str, Any]) -> list[str]:
    """What a clinician should notice about one session."""
    flags = []
    body = parse_intake({"body": view["intake"]["body"]} if view["intake"].get("body") else {}).body
    screening = view["planned_routine"].get("screening") or {}
    if screening.get("decision") not in (None, "proceed"):
        for reason in screening.get("reasons", []):
            flags.append(
                f"Screening ({screening['decision'].replace('_', ' ')}): {reason.get('message', '')}"
            )
    for e in view["events"]:
        p = e["payload"]
        minute = int(e["elapsed_s"] // 60)
        if p.get("kind") == "pain" and isinstance(p.get("at"), dict):
            where = point_words(body, p["at"]["x_cm"], p["at"]["y_cm"])
            flags.append(f"Pain reported ({where}), minute {minute}.")
        if p.get("refused"):
            flags.append(f"A request at minute {minute} could not be applied ({p['refused']}).")
    for spot in view["intake"].get("spots", []):
        if spot.get("kind") in ("wound", "rash", "bruise", "redness"):
            where = place_words(spot["zone"]) if spot.get("zone") else \
                point_words(body, spot["at"]["x_cm"], spot["at"]["y_cm"])
            flags.append(f"Skin: {spot['kind']} ({where}), kept clear.")
    if view["ended_at"] is None:
        flags.append("The session was not ended in the app.")
    return flags


def session_pdf(view: dict[str, Any], recipient: Recipient | None = None) -> bytes:
    """One page: who, when, what was done drawn on the back, ratings, notes, flags."""
    intake = parse_intake(view["intake"])
    routine = view["routine"]
    performed_s = view["clock"]["at_s"]
    steps = performed_steps(routine, performed_s)
    fig = _page()
    who = recipient.name if recipient else "(no recipient on record)"
    fig.text(0.06, 0.955, f"Massage session — {who}", fontsize=15, fontweight="bold")
    fig.text(
        0.06,
        0.935,
        f"{_when(view['created_at'])}   ·   {view.get('kind', 'massage')}   ·   given by "
        f"{intake.giver}, {intake.position.replace('_', ' ')}   ·   goal {intake.goal.replace('_', ' ')}",
        fontsize=8.5,
        color="#333",
    )
    ax = fig.add_axes((0.04, 0.42, 0.46, 0.49))
    back_map(ax, parse_intake(routine.get("intake") or view["intake"]), steps)
    for e in view["events"]:
        at = e["payload"].get("at")
        if e["payload"].get("kind") == "pain" and isinstance(at, dict):
            ax.plot(
                [at["x_cm"]], [at["y_cm"]], marker="X", markersize=9, color="#8e44ad", markeredgecolor="white"
            )
            ax.annotate(
                "pain",
                (at["x_cm"], at["y_cm"]),
                xytext=(5, 5),
                textcoords="offset points",
                fontsize=6,
                color="#8e44ad",
            )
    _legend(fig, 0.06, 0.405)
    planned = float(view["planned_routine"].get("minutes", 0.0))
    o = view.get("outcome") or {}

    def rating(key: str) -> str:
        return "—" if o.get(key) is None else f"{o[key]}/10"

    y = _block(
        fig,
        0.53,
        0.90,
        "Ratings (0–10)",
        [
            f"Pain:        before {rating('pain_before')}   after {rating('pain_after')}",
            f"Relaxation:  before {rating('relaxation_before')}   after {rating('relaxation_after')}",
        ],
        width=48,
    )
    pressure_end = (routine.get("intake") or {}).get("pressure", intake.pressure)
    y = _block(
        fig,
        0.53,
        y,
        "What was done",
        [
            f"{performed_s / 60:.1f} of {planned:.0f} planned minutes, "
            f"{len(steps)} of {len(routine.get('steps', []))} steps.",
            f"Pressure asked: {intake.pressure}"
            + (f" → {pressure_end}" if pressure_end != intake.pressure else "")
            + f"; firmest used: {_firmest(steps)}.",
            *[
                f"{n}. {s['technique'].replace('_', ' ')}, {s['pressure']}, "
                f"{', '.join(place_words(z) for z in s.get('zones', [])[:2])}"
                for n, s in enumerate(steps[:14], 1)
            ],
            *([f"… and {len(steps) - 14} more steps"] if len(steps) > 14 else []),
        ],
        width=52,
        size=6.8,
    )
    feedback = [
        f"min {int(e['elapsed_s'] // 60)}: {e['payload'].get('kind') or e['type']}"
        + (f" — {e['payload']['message']}" if e["payload"].get("message") else "")
        for e in view["events"]
        if e["type"] in ("feedback", "skip", "pause", "resume", "end")
    ]
    y = min(y, 0.40)
    y = _block(
        fig,
        0.06,
        0.38,
        "During the session",
        feedback[:10] + ([f"… {len(feedback) - 10} more"] if len(feedback) > 10 else []),
    )
    y = _block(fig, 0.06, y, "Flags", session_flags(view))
    changes = [f"{c['what']} — {c['why']}" for c in view.get("changes") or []]
    if changes:
        y = _block(fig, 0.06, y, "Changed since the last session", changes[:6])
    _block(fig, 0.06, y, "Notes", [o.get("notes") or "—"])
    fig.text(
        0.06,
        0.025,
        f"backrub · session {view['id']} · seen from behind: the receiver's right is on the right",
        fontsize=6,
        color="#777",
    )
    return _pdf(fig, f"backrub session {view['id']}")


def trends_figure(
    summaries: Sequence[Summary],
    fig: Figure | None = None,
    rect: tuple[float, float, float, float] = (0.08, 0.08, 0.9, 0.86),
) -> Figure:
    """Four small plots over the sessions: pain and relaxation before/after, length, pressure."""
    fig = fig or Figure(figsize=(8, 5.5))
    left, bottom, width, height = rect
    grid = fig.add_gridspec(
        2, 2, left=left, bottom=bottom, right=left + width, top=bottom + height, hspace=0.55, wspace=0.25
    )
    xs = list(range(1, len(summaries) + 1))
    days = [s.started_at.strftime("%d %b") for s in summaries]
    labels = (
        days if len(set(days)) == len(days) else [s.started_at.strftime("%d %b\n%H:%M") for s in summaries]
    )

    def panel(
        row: int, col: int, title: str, series: list[tuple[str, list[Any], str]], ylim: tuple[float, float]
    ) -> None:
        ax = fig.add_subplot(grid[row, col])
        for name, values, colour in series:
            pts = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
            if pts:
                ax.plot(
                    [p[0] for p in pts],
                    [p[1] for p in pts],
                    marker="o",
                    markersize=3,
                    color=colour,
                    label=name,
                    linewidth=1.2,
                )
        ax.set_title(title, fontsize=9)
        ax.set_ylim(*ylim)
        ax.set_xticks(xs, labels, fontsize=6, rotation=45 if len(xs) > 6 else 0)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(alpha=0.3)
        if any(v is not None for _, vals, _ in series for v in vals):
            ax.legend(fontsize=6, loc="best")
        else:
            ax.text(0.5, 0.5, "no ratings yet", transform=ax.transAxes, ha="center", fontsize=8, color="#888")

    panel(
        0,
        0,
        "Pain (0–10)",
        [
            ("before", [s.ratings["pain_before"] for s in summaries], "#8e44ad"),
            ("after", [s.ratings["pain_after"] for s in summaries], "#3b82c4"),
        ],
        (-0.5, 10.5),
    )
    panel(
        0,
        1,
        "Relaxation (0–10)",
        [
            ("before", [s.ratings["relaxation_before"] for s in summaries], "#e69b00"),
            ("after", [s.ratings["relaxation_after"] for s in summaries], "#2e8b57"),
        ],
        (-0.5, 10.5),
    )
    longest = max([s.planned_min for s in summaries] + [s.performed_min for s in summaries] + [10.0])
    panel(
        1,
        0,
        "Length (minutes)",
        [
            ("planned", [s.planned_min for s in summaries], "#999"),
            ("performed", [s.performed_min for s in summaries], "#333"),
        ],
        (0, longest * 1.15),
    )
    panel(
        1,
        1,
        "Pressure (1 light · 2 medium · 3 firm)",
        [
            ("asked at the start", [PRESSURE_LEVEL.get(s.pressure_start) for s in summaries], "#e69b00"),
            ("asked at the end", [PRESSURE_LEVEL.get(s.pressure_end) for s in summaries], "#c2372d"),
            ("firmest used", [PRESSURE_LEVEL.get(s.pressure_used) for s in summaries], "#3b82c4"),
        ],
        (0.5, 3.5),
    )
    return fig


def trends_png(summaries: Sequence[Summary]) -> bytes:
    """The trend plots as a PNG for the recipient page."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = trends_figure(summaries)
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def recipient_pdf(
    recipient: Recipient,
    summaries: Sequence[Summary],
    *,
    checks: Sequence[dict[str, Any]] = (),
    proposals: Sequence[dict[str, Any]] = (),
) -> bytes:
    """One page about a recipient: standing spots on the back, trends, recent sessions, flags."""
    fig = _page()
    fig.text(0.06, 0.955, f"Massage record — {recipient.name}", fontsize=15, fontweight="bold")
    span = (
        f"{len(summaries)} sessions, {summaries[0].started_at:%d %b %Y} "
        f"to {summaries[-1].started_at:%d %b %Y}"
        if summaries
        else "no sessions yet"
    )
    fig.text(0.06, 0.935, span, fontsize=8.5, color="#333")
    intake = parse_intake(
        {
            "spots": [s.spot.to_dict() for s in recipient.spots],
            **{k: v for k, v in recipient.preferences.items() if k == "body"},
        }
    )
    ax = fig.add_axes((0.04, 0.58, 0.34, 0.34))
    back_map(ax, intake)
    fig.text(0.06, 0.57, "Standing spots (hatched): kept clear in every plan.", fontsize=6.5, color="#555")
    prefs = [
        f"{k.replace('_', ' ')}: {v}" + (f" ({recipient.reasons[k]})" if k in recipient.reasons else "")
        for k, v in recipient.preferences.items()
        if k != "body"
    ]
    y = _block(
        fig,
        0.42,
        0.90,
        "Standing conditions",
        [
            ", ".join(c.replace("_", " ") for c in recipient.conditions)
            + (" (cleared by a clinician)" if recipient.cleared_by_clinician else "")
        ]
        if recipient.conditions
        else ["none"],
        width=60,
    )
    y = _block(fig, 0.42, y, "Preferences", prefs or ["none recorded"], width=60)
    y = _block(
        fig,
        0.42,
        y,
        "Standing spots",
        [
            f"{s.spot.kind} "
            + (
                f"({place_words(s.spot.zone)})"
                if s.spot.zone
                else f"({point_words(intake.body, *s.spot.at)})"
                if s.spot.at
                else ""
            )
            + (f" — {s.source or s.note}" if s.source or s.note else "")
            for s in recipient.spots
        ]
        or ["none"],
        width=60,
    )
    if summaries:
        trends_figure(summaries, fig, rect=(0.08, 0.30, 0.86, 0.22))
    rows = [
        f"{s.started_at:%d %b %H:%M}  {s.kind:<8} {s.performed_min:>5.1f}/{s.planned_min:<4.0f} min  "
        f"{s.pressure_start}→{s.pressure_end}  "
        f"pain {_r(s.ratings['pain_before'])}→{_r(s.ratings['pain_after'])}  "
        f"relax {_r(s.ratings['relaxation_before'])}→{_r(s.ratings['relaxation_after'])}"
        for s in summaries[-8:]
    ]
    y = _block(fig, 0.06, 0.25, "Recent sessions", rows or ["none"], width=110, size=6.8)
    flags = [f"Pending: {p['reason']}" for p in proposals]
    for c in checks[:1]:
        flags += [
            f"Last skin check {_when(c['checked_at'])}: {len(c['marks'])} marked place(s). "
            f"{c['notes']}".strip()
        ]
    worse = [
        s
        for s in summaries
        if s.ratings["pain_after"] is not None
        and s.ratings["pain_before"] is not None
        and s.ratings["pain_after"] > s.ratings["pain_before"]
    ]
    flags += [f"Pain higher after than before on {s.started_at:%d %b}." for s in worse[-3:]]
    _block(fig, 0.06, y, "Flags", flags or ["none"], width=110)
    fig.text(0.06, 0.025, f"backrub · recipient {recipient.id}", fontsize=6, color="#777")
    return _pdf(fig, f"backrub record {recipient.name}")


def _firmest(steps: Sequence[dict[str, Any]]) -> str:
    used = [s.get("pressure", "light") for s in steps]
    return max(used, key=lambda p: PRESSURE_LEVEL.get(p, 0)) if used else "none"


def _r(value: int | None) -> str:
    return "–" if value is None else str(value)
