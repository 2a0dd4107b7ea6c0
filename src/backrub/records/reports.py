"""Reports for a clinician: one PDF page per session or recipient, and trend plots.

Drawn with matplotlib's object API (no pyplot, so it is safe in a server's threads). The back map
is the one the planner uses: zones, no-touch areas, and each step's path coloured by pressure.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from matplotlib.figure import Figure

from backrub.errors import InputError, Problem
from backrub.intake.model import Intake, Spot, parse_intake
from backrub.knowledge.screening_table import NO_CONTACT_SPOTS
from backrub.knowledge.techniques import TECHNIQUES
from backrub.knowledge.words import CONDITION_NAMES, place_words, point_words
from backrub.knowledge.zones import layout_for
from backrub.records.pdfmap import Mark, back_map
from backrub.records.recipients import Recipient
from backrub.records.sessions import Summary, performed_steps
from backrub.render.palette import PRESSURE_COLOURS

PRESSURE_LEVEL = {"light": 1, "medium": 2, "firm": 3}
A4 = (8.27, 11.69)


def _legend(fig: Figure, x: float, y: float) -> None:
    for k, (name, colour) in enumerate(PRESSURE_COLOURS.items()):
        fig.text(x + k * 0.075, y, "━ " + name, color=colour, fontsize=7)
    fig.text(x + 0.225, y, "▨ kept clear", color="#c2372d", fontsize=7)
    fig.text(x + 0.33, y, "① a mark, listed below", color="#555", fontsize=7)


def _page() -> Figure:
    fig = Figure(figsize=A4)
    fig.patch.set_facecolor("white")
    return fig


def _pdf(fig: Figure, title: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf", metadata={"Title": title, "Creator": "backrub"})
    return buf.getvalue()


def plural(n: int, word: str, many: str = "") -> str:
    """'1 step', '2 steps', '0 steps' (`many` for an irregular plural)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def time_zone(name: str | None) -> tzinfo:
    """The zone to print times in: an IANA name (`tz`, e.g. 'Europe/Berlin'), or this computer's own
    zone when none is given. An unknown name is an InputError naming `tz`."""
    if not name:
        return datetime.now().astimezone().tzinfo or UTC
    try:
        if len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise InputError([Problem(path="tz", message=(
            f"unknown time zone {name[:64]!r}; expected a name such as Europe/Berlin or America/New_York"))]
        ) from None


def _local(text: str, tz: tzinfo) -> datetime:
    when = datetime.fromisoformat(text)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(tz)


def _when(text: str | None, tz: tzinfo, *, zone_name: bool = False, day_of: str | None = None) -> str:
    """'Tue 1 Dec 2026, 21:03 CET' in the reader's zone (its name added with `zone_name`); only the
    time when it falls on the same day as `day_of`."""
    if not text:
        return "—"
    when = _local(text, tz)
    if day_of and _local(day_of, tz).date() == when.date():
        return f"{when:%H:%M}"
    out = f"{when:%a} {when.day} {when:%b %Y, %H:%M %Z}"
    key = getattr(tz, "key", "")
    return f"{out} ({key})" if zone_name and key and key != when.tzname() else out


def _clock(seconds: float) -> str:
    """Minutes and seconds into the massage, as the coach's clock showed them."""
    whole = int(max(seconds, 0.0))
    return f"{whole // 60}:{whole % 60:02d}"


def _block(
    fig: Figure, x: float, y: float, title: str, lines: Sequence[str], width: int = 95, size: float = 7.5
) -> float:
    """A heading and wrapped lines from (x, y) down; the y below it."""
    fig.text(x, y, title, fontsize=9.5, fontweight="bold")
    y -= 0.018
    for line in lines or ["—"]:
        for part in textwrap.wrap(line, width) or [""]:
            fig.text(x, y, part, fontsize=size)
            y -= 0.0018 * size  # about 1.5 lines' height on an A4 page
    return y - 0.009


@dataclass(frozen=True, slots=True, kw_only=True)
class Marked:
    """A numbered mark on the drawing with its place in words and its line in the list."""

    mark: Mark
    place: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"mark": self.mark.to_dict(), "place": self.place, "text": self.text}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Marked:
        return cls(mark=Mark.from_dict(raw["mark"]), place=str(raw["place"]), text=str(raw["text"]))


def session_flags(view: dict[str, Any], marks: Sequence[Marked] = ()) -> list[str]:
    """What a clinician should notice about one session; places by their words and mark numbers."""
    flags = []
    screening = view["planned_routine"].get("screening") or {}
    if screening.get("decision") not in (None, "proceed"):
        for reason in screening.get("reasons", []):
            flags.append(
                f"Screening ({screening['decision'].replace('_', ' ')}): {reason.get('message', '')}"
            )
    for m in marks:
        if m.mark.kind in NO_CONTACT_SPOTS:
            flags.append(f"Skin: {m.mark.kind} ({m.place}, mark {m.mark.n}), kept clear.")
        elif m.mark.radius == 0:
            flags.append(f"Pain reported ({m.place}, mark {m.mark.n}).")
    for e in view["events"]:
        code = e["payload"].get("refused")
        if code:
            what = code.replace("_", " ")
            flags.append(f"A request at {_clock(e['elapsed_s'])} could not be applied ({what}).")
    if view["ended_at"] is None:
        flags.append("The session was not ended in the app.")
    return flags


def session_marks(
    view: dict[str, Any],
    recipient: Recipient | None = None,
    checks: Sequence[dict[str, Any]] = (),
    tz: tzinfo = UTC,
) -> list[Marked]:
    """Every place marked for this session, numbered as drawn, each with a line saying what it was,
    where (in words), how big, where the mark came from, and what the plan did about it; then each
    "Pain here" the giver tapped during the massage."""
    intake = parse_intake(view["intake"])
    from_check = {_spot_key(parse_intake({"spots": [m]}).spots[0]): c for c in checks for m in c["marks"]}
    standing = {_spot_key(s.spot): s for s in (recipient.spots if recipient else ())}
    out: list[Marked] = []
    for spot in intake.spots:
        mark, place, where = _spot_mark(len(out) + 1, spot, intake)
        key = _spot_key(spot)
        if key in from_check:
            seen = _when(from_check[key]["checked_at"], tz, day_of=view["created_at"])
            source = f"found at the skin check of {seen}"
        elif key in standing:
            kept = standing[key]
            why = kept.note or kept.source
            source = "on the standing record" + (f" ({why})" if why else "")
        else:
            source = "marked at the start"
        if spot.kind in NO_CONTACT_SPOTS:
            done = "kept clear with a 2 cm margin"
        elif spot.kind == "pain":
            done = "left out, light stroking only near it"
        else:
            done = "marked for attention"
        out.append(Marked(mark=mark, place=place, text=f"{where}: {source}; {done}."))
    for e in view["events"]:
        p = e["payload"]
        if p.get("kind") == "pain" and isinstance(p.get("at"), dict):
            x, y = float(p["at"]["x_cm"]), float(p["at"]["y_cm"])
            mark = Mark(n=len(out) + 1, kind="pain", x=x, y=y, radius=0.0)
            said = f" {p['message'].rstrip('.')}." if p.get("message") else ""
            place = point_words(intake.body, x, y)
            text = f"Pain here, {place}, at {_clock(e['elapsed_s'])} into the massage.{said}"
            out.append(Marked(mark=mark, place=place, text=text))
    return out


def _spot_mark(n: int, spot: Spot, intake: Intake) -> tuple[Mark, str, str]:
    """A marked spot as a numbered mark (at its point, or the middle of its area), its place in
    words and its description: 'Bruise, left kidney area, 4 cm across'."""
    if spot.at is not None:
        x, y = spot.at
        place = point_words(intake.body, x, y)
        mark = Mark(n=n, kind=spot.kind, x=x, y=y, radius=spot.radius_cm)
        return mark, place, f"{spot.kind.capitalize()}, {place}, {spot.radius_cm * 2:g} cm across"
    x, y = layout_for(intake.body).centre(spot.zone or "")
    place = place_words(spot.zone)
    mark = Mark(n=n, kind=spot.kind, x=x, y=y, radius=2.5)
    return mark, place, f"{spot.kind.capitalize()}, the whole {place}"


def _spot_key(spot: Spot) -> tuple[str, str | None, tuple[float, float] | None, float]:
    return (spot.kind, spot.zone, spot.at, spot.radius_cm)


def _done(steps: Sequence[dict[str, Any]]) -> list[str]:
    """What the hands did, one line per technique in the order first used: pressures, time, places."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for s in steps:
        groups.setdefault(s["technique"], []).append(s)
    lines = []
    for technique, group in groups.items():
        title = TECHNIQUES[technique].title if technique in TECHNIQUES else technique.replace("_", " ")
        pressures = sorted({s["pressure"] for s in group}, key=lambda p: PRESSURE_LEVEL.get(p, 0))
        places = list(dict.fromkeys(place_words(z) for s in group for z in s.get("zones", [])))
        minutes = sum(float(s.get("seconds", 0.0)) for s in group) / 60
        shown = ", ".join(places[:4])
        if len(places) > 4:
            shown += f" and {plural(len(places) - 4, 'other place')}"
        lines.append(f"{title} ({' and '.join(pressures)}), {plural(len(group), 'step')}, "
                     f"{minutes:.1f} min: {shown or 'the back'}.")
    return lines


def _timeline(view: dict[str, Any], body: Any) -> list[str]:
    """What happened during the massage, at the coach's clock (the breath sensor's readings left out)."""
    words = {"softer": "Softer asked", "firmer": "Firmer asked", "pain": "Pain here", "skip": "Step skipped",
             "pause": "Paused", "resume": "Went on", "end": "Ended"}
    out = []
    for e in view["events"]:
        if e["type"] not in ("feedback", "skip", "pause", "resume", "end"):
            continue
        p = e["payload"]
        what = words.get(p.get("kind") or e["type"], str(p.get("kind") or e["type"]).replace("_", " "))
        if p.get("kind") == "pain" and isinstance(p.get("at"), dict):
            what += f" ({point_words(body, p['at']['x_cm'], p['at']['y_cm'])})"
        if p.get("refused"):
            what += ": could not be applied"
        elif p.get("message"):
            what += f": {p['message']}"
        out.append(f"{_clock(e['elapsed_s'])}  {what}")
    return out


def session_pdf(
    view: dict[str, Any],
    recipient: Recipient | None = None,
    *,
    checks: Sequence[dict[str, Any]] = (),
    tz: tzinfo | None = None,
) -> bytes:
    """One A4 page for a clinician: who, when (in the reader's zone), the back with what was done and
    every mark numbered, ratings, what the hands did, the session's events, flags and notes.
    `checks` are the skin checks the session was planned from."""
    tz = tz or time_zone(None)
    intake = parse_intake(view["intake"])
    routine = view["routine"]
    performed_s = float(view["clock"]["at_s"])
    steps = performed_steps(routine, performed_s)
    marks = session_marks(view, recipient, checks, tz)
    fig = _page()
    who = recipient.name if recipient else "(no recipient on record)"
    fig.text(0.06, 0.958, f"Massage session — {who}", fontsize=15, fontweight="bold")
    fig.text(0.06, 0.938, _when(view["created_at"], tz, zone_name=True)
             + (f", ended {_local(view['ended_at'], tz):%H:%M}" if view.get("ended_at") else ""),
             fontsize=9, color="#222")
    position = {"prone": "lying face down", "side_lying": "lying on the side", "seated": "seated"}
    fig.text(0.06, 0.922,
             f"{'Comfort rub' if view.get('kind') == 'comfort' else 'Massage'} given by the {intake.giver}, "
             f"{position.get(intake.position, intake.position)}; goal: {intake.goal.replace('_', ' ')}. "
             + ("Conditions: " + ", ".join(CONDITION_NAMES.get(c, c) for c in intake.conditions) + "."
                if intake.conditions else "No health conditions given."),
             fontsize=8.5, color="#333")
    ax = fig.add_axes((0.01, 0.385, 0.53, 0.53))
    back_map(ax, parse_intake(routine.get("intake") or view["intake"]), steps, marks=[m.mark for m in marks])
    ax.apply_aspect()  # the drawing keeps its proportions: the legend goes right under what it takes
    under = ax.get_position().y0
    _legend(fig, 0.06, under - 0.012)
    planned = float(view["planned_routine"].get("minutes", 0.0))
    o = view.get("outcome") or {}

    def rating(key: str) -> str:
        return "not given" if o.get(key) is None else f"{o[key]}/10"

    right, wide = 0.56, 56
    y = _block(fig, right, 0.895, "Ratings by the receiver (0–10)", [
        f"Pain:  before {rating('pain_before')},  after {rating('pain_after')}",
        f"Relaxation:  before {rating('relaxation_before')},  after {rating('relaxation_after')}",
    ], width=wide, size=8)
    pressure_end = (routine.get("intake") or {}).get("pressure", intake.pressure)
    total = len(routine.get("steps", []))
    done = _done(steps)
    y = _block(fig, right, y, "What was done", [
        f"{performed_s / 60:.1f} of {planned:.0f} planned minutes, {len(steps)} of {plural(total, 'step')}.",
        f"Pressure asked: {intake.pressure}"
        + (f", then {pressure_end}" if pressure_end != intake.pressure else "")
        + f"; firmest used: {_firmest(steps)}.",
        *done[:8],
        *([f"… and {plural(len(done) - 8, 'other technique')}"] if len(done) > 8 else []),
    ], width=wide, size=7.6)
    shown = marks[:8]
    y = _block(fig, right, y, "Marks on the back",
               [f"{m.mark.n}.  {m.text}" for m in shown]
               + ([f"… and {plural(len(marks) - 8, 'more mark')}"] if len(marks) > 8 else [])
               or ["None marked."], width=wide, size=7.6)
    y = min(y, under - 0.04)
    timeline = _timeline(view, intake.body)
    rows = timeline[:20]
    if len(timeline) > 20:
        rows.append(f"… and {plural(len(timeline) - 20, 'more event')}")
    columns = (rows,) if len(rows) <= 8 else (rows[: (len(rows) + 1) // 2], rows[(len(rows) + 1) // 2:])
    fig.text(0.06, y, "During the massage (minutes:seconds into it)", fontsize=9.5, fontweight="bold")
    low = y - 0.018
    for col, chunk in enumerate(columns):
        yy = y - 0.018
        for line in chunk or ["Nothing was asked."]:
            for part in textwrap.wrap(line, 62) or [""]:
                fig.text(0.06 + 0.45 * col, yy, part, fontsize=8)
                yy -= 0.0145
        low = min(low, yy)
    y = low - 0.008
    y = _block(fig, 0.06, y, "Flags", session_flags(view, marks) or ["None."], width=112, size=8)
    changes = [f"{c['what'].replace('_', ' ')} — {c['why']}" for c in view.get("changes") or []]
    if changes:
        y = _block(fig, 0.06, y, "Changed since the last session", changes[:8], width=112, size=8)
    notes = [f"Session: {o['notes']}" if o.get("notes") else "Session: none written."]
    notes += [f"Skin check at {_when(c['checked_at'], tz, day_of=view['created_at'])}: {c['notes']}"
              for c in checks if c.get("notes")]
    if recipient and recipient.notes:
        notes.append(f"On the record: {recipient.notes}")
    _block(fig, 0.06, y, "Notes", notes, width=112, size=8)
    fig.text(0.06, 0.022,
             f"backrub · session {view['id']} · seen from behind: the receiver's right is on the right · "
             f"times in {getattr(tz, 'key', '') or _local(view['created_at'], tz).tzname()}",
             fontsize=6, color="#666")
    return _pdf(fig, f"backrub session {view['id']}")


def trends_figure(
    summaries: Sequence[Summary],
    fig: Figure | None = None,
    rect: tuple[float, float, float, float] = (0.08, 0.08, 0.9, 0.86),
    tz: tzinfo = UTC,
) -> Figure:
    """Four small plots over the sessions: pain and relaxation before/after, length, pressure."""
    fig = fig or Figure(figsize=(8, 5.5))
    left, bottom, width, height = rect
    grid = fig.add_gridspec(
        2, 2, left=left, bottom=bottom, right=left + width, top=bottom + height, hspace=0.55, wspace=0.25
    )
    xs = list(range(1, len(summaries) + 1))
    starts = [s.started_at.astimezone(tz) for s in summaries]
    days = [f"{d.day} {d:%b}" for d in starts]
    labels = (
        days if len(set(days)) == len(days) else [f"{d.day} {d:%b}\n{d:%H:%M}" for d in starts]
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
    tz: tzinfo | None = None,
) -> bytes:
    """One page about a recipient: standing spots and the last skin check's marks numbered on the
    back, standing conditions, trends, recent sessions (in the reader's zone), flags."""
    tz = tz or time_zone(None)
    fig = _page()
    fig.text(0.06, 0.958, f"Massage record — {recipient.name}", fontsize=15, fontweight="bold")
    days = [s.started_at.astimezone(tz) for s in summaries]
    span = "No sessions yet"
    if days:
        first, last_day = (f"{d.day} {d:%b %Y}" for d in (days[0], days[-1]))
        dates = first if first == last_day else f"{first} to {last_day}"
        span = f"{plural(len(days), 'session')}, {dates}"
    zone = getattr(tz, "key", "") or datetime.now(tz).tzname()
    fig.text(0.06, 0.938, f"{span} · times in {zone}", fontsize=9, color="#222")
    intake = parse_intake(
        {
            "spots": [s.spot.to_dict() for s in recipient.spots],
            **{k: v for k, v in recipient.preferences.items() if k == "body"},
        }
    )
    marks: list[Marked] = []
    for kept in recipient.spots:
        mark, place, where = _spot_mark(len(marks) + 1, kept.spot, intake)
        why = kept.note or kept.source
        text = f"{where}: standing spot" + (f" ({why})" if why else "") + ", in every plan."
        marks.append(Marked(mark=mark, place=place, text=text))
    last = checks[0] if checks else None
    for raw in last["marks"] if last else []:
        mark, place, where = _spot_mark(len(marks) + 1, parse_intake({"spots": [raw]}).spots[0], intake)
        seen = _when(last["checked_at"] if last else None, tz)
        marks.append(Marked(mark=mark, place=place, text=f"{where}: found at the skin check of {seen}."))
    ax = fig.add_axes((0.02, 0.56, 0.40, 0.37))
    back_map(ax, intake, marks=[m.mark for m in marks])
    prefs = [
        f"{k.replace('_', ' ')}: {v}" + (f" ({recipient.reasons[k]})" if k in recipient.reasons else "")
        for k, v in recipient.preferences.items()
        if k != "body"
    ]
    cleared = recipient.cleared_by_clinician
    y = _block(fig, 0.45, 0.905, "Standing conditions", [
        ", ".join(CONDITION_NAMES.get(c, c.replace("_", " ")) for c in recipient.conditions)
        + (" (cleared by a clinician)" if cleared else "")
    ] if recipient.conditions else ["None."], width=62, size=8)
    y = _block(fig, 0.45, y, "Preferences", prefs or ["None recorded."], width=62, size=8)
    y = _block(fig, 0.45, y, "Marks on the back (numbered on the drawing)",
               [f"{m.mark.n}.  {m.text}" for m in marks[:9]]
               + ([f"… and {plural(len(marks) - 9, 'more mark')}"] if len(marks) > 9 else [])
               or ["None."], width=62, size=7.5)
    if last is not None:
        y = _block(fig, 0.45, y, "Last skin check", [
            f"{_when(last['checked_at'], tz)}: {plural(len(last['marks']), 'marked place')}."
            + (f" {last['notes']}" if last.get("notes") else "")
        ], width=62, size=7.5)
    if recipient.notes:
        _block(fig, 0.45, y, "Notes", [recipient.notes], width=62, size=7.5)
    if summaries:
        trends_figure(summaries, fig, rect=(0.08, 0.30, 0.86, 0.22), tz=tz)
    rows = [
        f"{s.started_at.astimezone(tz):%d %b %H:%M}  {s.kind:<8} {s.performed_min:>5.1f} of "
        f"{s.planned_min:.0f} min  pressure {s.pressure_start}"
        + (f" → {s.pressure_end}" if s.pressure_end != s.pressure_start else "")
        + f"  pain {_r(s.ratings['pain_before'])} → {_r(s.ratings['pain_after'])}"
        f"  relaxation {_r(s.ratings['relaxation_before'])} → {_r(s.ratings['relaxation_after'])}"
        for s in summaries[-8:]
    ]
    y = _block(fig, 0.06, 0.25, "Recent sessions" + (f" (the last 8 of {len(summaries)})"
                                                   if len(summaries) > 8 else ""),
               rows or ["None."], width=120, size=7.3)
    flags = [f"Pending: {p['reason']}" for p in proposals]
    worse = [
        s
        for s in summaries
        if s.ratings["pain_after"] is not None
        and s.ratings["pain_before"] is not None
        and s.ratings["pain_after"] > s.ratings["pain_before"]
    ]
    flags += [f"Pain higher after than before on {s.started_at.astimezone(tz):%d %b}." for s in worse[-3:]]
    _block(fig, 0.06, y, "Flags", flags or ["None."], width=120, size=7.5)
    fig.text(0.06, 0.022, f"backrub · recipient {recipient.id} · seen from behind: the receiver's right "
             "is on the right", fontsize=6, color="#666")
    return _pdf(fig, f"backrub record {recipient.name}")


def _firmest(steps: Sequence[dict[str, Any]]) -> str:
    used = [s.get("pressure", "light") for s in steps]
    return max(used, key=lambda p: PRESSURE_LEVEL.get(p, 0)) if used else "none"


def _r(value: int | None) -> str:
    return "–" if value is None else str(value)
