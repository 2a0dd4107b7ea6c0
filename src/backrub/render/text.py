"""Readable text for the terminal: screening, the routine table, verifier findings."""

from __future__ import annotations

import textwrap
from typing import Any

from backrub.intake.screening import Screening
from backrub.knowledge.devices import ATTACHMENTS, DeviceProfile
from backrub.routine.model import Routine
from backrub.verifier.report import Report

_DECISIONS = {
    "proceed": "Proceed",
    "adapt": "Proceed, adapted",
    "check_first": "Check with a clinician first",
    "refer": "Do not massage; see a professional",
}


def screening_text(s: Screening) -> str:
    lines = [f"Screening: {_DECISIONS[s.decision]} ({s.decision})"]
    lines += [f"  - {r.message} [{r.code}; source {r.source}]" for r in s.reasons]
    if s.changes:
        lines.append("What the plan changes:")
        lines += [f"  - {c.message}" for c in s.changes]
    return "\n".join(lines)


def not_planned_text(s: Screening, reasons: list[str]) -> str:
    lines = [screening_text(s), "", "No routine was planned:"]
    lines += [f"  - {r}" for r in reasons]
    return "\n".join(lines)


def routine_table(routine: Routine) -> str:
    rows = [("#", "phase", "technique", "side", "pressure", "reps", "time", "where")]
    for n, step in enumerate(routine.steps, start=1):
        rows.append(
            (
                str(n),
                step.phase.replace("_", " ") + (f" {step.round}" if step.round else ""),
                step.technique.replace("_", " ")
                + (f" · massager {step.device.speed}" if step.device else ""),
                step.side,
                step.pressure,
                str(step.reps),
                _mmss(step.seconds),
                _areas(step.zones),
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]) - 1)]
    out = []
    if routine.screening:
        out += [screening_text(routine.screening), ""]
    for k, row in enumerate(rows):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1])
        if k == 0:
            out.append("-" * (sum(widths) + 2 * len(widths) + 20))
    out.append(f"\nTotal {_mmss(routine.total_minutes * 60)} in {len(routine.steps)} steps.")
    if any(s.device for s in routine.steps):
        out.append("· massager N: the handheld massager does the step at speed N (the cue names its head).")
    if routine.preparation:
        out.append("\nBefore you begin:")
        out += [_item(f"{p.item} ({p.why} Source: {p.source}.)") for p in routine.preparation]
    out.append("\nCues:")
    for n, step in enumerate(routine.steps, start=1):
        out.append(textwrap.fill(step.cue, width=100, initial_indent=f"{n:>3}. ", subsequent_indent="     "))
    if routine.notes:
        out.append("\nWhat the plan left out or changed:")
        out += [_item(n.message) for n in routine.notes]
    if routine.advice:
        out.append("\nAfterwards:")
        out += [_item(a) for a in routine.advice]
    return "\n".join(out)


def _item(text: str) -> str:
    return textwrap.fill(text, width=100, initial_indent="  - ", subsequent_indent="    ")


def report_text(report: Report, steps: int) -> str:
    if not report.findings:
        return f"OK: all {steps} steps pass every rule."
    lines = []
    for f in report.findings:
        lines.append(f"{f.severity:<7} {f.rule:<19} {f.where}: {f.message}")
        lines.append(f"{'':<28}fix: {f.hint}")
    errors = len(report.errors)
    lines.append(f"\n{errors} error(s), {len(report.findings) - errors} warning(s) in {steps} steps.")
    return "\n".join(lines)


def _mmss(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def _areas(zones: tuple[str, ...]) -> str:
    names: list[str] = []
    for z in zones:
        base = z.removesuffix("_left").removesuffix("_right").replace("_", " ")
        if base not in names and base != "spine":
            names.append(base)
    return ", ".join(names[:4]) + (" …" if len(names) > 4 else "")


def device_table(profiles: tuple[DeviceProfile, ...]) -> str:
    """The built-in device profiles, one a line: id, kind, speeds, heat, name."""
    rows = [("id", "kind", "speeds", "per minute", "heat", "name")]
    for p in profiles:
        rows.append((p.id, p.kind, str(p.levels), _per_minute_range(p), "yes" if p.heat else "no", p.title))
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("\nbackrub device show ID for one; backrub plan INTAKE --device ID to plan with it.")
    return "\n".join(lines)


def device_text(p: DeviceProfile) -> str:
    """One device profile in words: its speed settings, heads, heat and programs."""
    amplitude = f", {p.amplitude_mm:g} mm travel" if p.amplitude_mm else ""
    lines = [f"{p.title} ({p.id}): {p.kind}{amplitude}", "Speeds (per minute):"]
    lines += [f"  {n:>2}. {v:,.0f}" for n, v in enumerate(p.speeds_per_minute, start=1)]
    lines.append("Heads: " + ", ".join(f"{a} ({ATTACHMENTS[a].width_cm:g} cm)" for a in p.attachments))
    lines.append(f"Heat: {'yes' if p.heat else 'no'}")
    lines.append("Programs: " + (", ".join(p.programs) if p.programs else "none")
                 + " (the planner uses steady speeds, never a program)")
    return "\n".join(lines)


def _per_minute_range(p: DeviceProfile) -> str:
    low, high = p.speeds_per_minute[0], p.speeds_per_minute[-1]
    return f"{low:,.0f}" if low == high else f"{low:,.0f}-{high:,.0f}"


def reflex_text(layer: dict[str, Any]) -> str:
    """Seed 001's reflex points as lines, under the claim they rest on."""
    lines = [textwrap.fill(str(layer["claim"]), width=100), ""]
    for p in layer["points"]:
        at = p["at"]
        lines.append(
            f"{p['n']:>3}. {p['organ']:<8} at ({at['x_cm']:g}, {at['y_cm']:g}) cm   touch: {p['touch']}"
            f"   [source {p['source']}]"
        )
    return "\n".join(lines)
