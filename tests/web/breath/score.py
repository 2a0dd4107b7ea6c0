"""Scoring the page's breath estimator against a trace's truth, with nothing shared with it.

The estimator runs in Node (the same ES modules the sensor page loads); this side knows only the
truth the generator kept: inhale onsets, movement and talking spans.

- rate error: |estimated - true| breaths/min for every estimate the sensor calls locked, after it
  first locked; the true rate at t is 60 / the mean length of the last 3 breaths completed by t.
- phase error: at each true inhale onset after lock, where the sensor put the breath then (its
  latest estimate carried forward at its rate), as ms early (-) or late (+) within the cycle.
- time to lock: the first locked estimate within 2 breaths/min of the truth, in seconds from the
  first sample and in breaths begun by then.
"""

from __future__ import annotations

import bisect
import json
import math
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
RUNNER = ROOT / "benchmarks" / "breath_run.mjs"
LOCK_TOLERANCE_BPM = 2.0


def node() -> str | None:
    """The Node binary, when there is one."""
    return shutil.which("node") or shutil.which("nodejs")


def run_estimator(traces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The estimator's output for each trace ({name, samples}), in order."""
    binary = node()
    if binary is None:
        raise RuntimeError("node is needed to run the page's estimator (Debian: nodejs)")
    text = "".join(json.dumps({"name": t["name"], "samples": t["samples"]}) + "\n" for t in traces)
    done = subprocess.run([binary, str(RUNNER)], input=text, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@dataclass(slots=True, kw_only=True)
class Score:
    """One trace's figures."""

    name: str
    rate_errors: list[float] = field(default_factory=list)
    phase_errors_ms: list[float] = field(default_factory=list)
    lock_s: float | None = None
    lock_breaths: int | None = None
    locked_share: float = 0.0  # of the estimates after first lock
    moving_flagged: float | None = None  # share of movement time called moving
    talking_rate_errors: list[float] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)


def _in(spans: list[list[float]], t: float) -> bool:
    return any(a <= t < b for a, b in spans)


def true_rate(onsets: list[float], t: float) -> float | None:
    """60 / the mean length of the last three breaths completed by t (seconds)."""
    k = bisect.bisect_right(onsets, t) - 1  # onsets[k] <= t: breaths k-1 -> k completed
    if k < 1:
        return None
    first = max(0, k - 3)
    return 60.0 * (k - first) / (onsets[k] - onsets[first])


def score(trace: dict[str, Any], result: dict[str, Any]) -> Score:
    """Compare one run of the estimator with the trace's truth."""
    truth = trace["truth"]
    onsets: list[float] = truth["onsets_s"]
    moving: list[list[float]] = truth["moving"]
    talking: list[list[float]] = truth["talking"]
    rows = [(r[0] / 1000.0, r[1], r[2], r[3]) for r in result["estimates"]]
    out = Score(name=trace["name"])
    for _, state, _, _ in rows:
        out.states[state] = out.states.get(state, 0) + 1
    settled = [a[1] + 2.0 for a in moving]  # the filters start again after a movement
    for t, state, _, rate in rows:
        truth_rate = true_rate(onsets, t)
        if state == "locked" and rate is not None and truth_rate is not None \
                and abs(rate - truth_rate) <= LOCK_TOLERANCE_BPM:
            out.lock_s = t - rows[0][0]
            out.lock_breaths = bisect.bisect_right(onsets, t)
            break
    if out.lock_s is None:
        return out
    lock_t = rows[0][0] + out.lock_s
    after = [r for r in rows if r[0] >= lock_t]
    out.locked_share = sum(1 for r in after if r[1] == "locked") / max(1, len(after))
    for t, state, _, rate in after:
        truth_rate = true_rate(onsets, t)
        if state != "locked" or rate is None or truth_rate is None:
            continue
        if _in(talking, t):
            out.talking_rate_errors.append(abs(rate - truth_rate))
        elif not _in(moving, t) and not any(a[0] <= t < s for a, s in zip(moving, settled, strict=True)):
            out.rate_errors.append(abs(rate - truth_rate))
    times = [r[0] for r in rows]
    for k, onset in enumerate(onsets):
        if onset < lock_t or k == 0 or _in(talking, onset) or _in(moving, onset):
            continue
        i = bisect.bisect_right(times, onset) - 1
        if i < 0:
            continue
        t, state, phase, rate = rows[i]
        if state != "locked" or phase is None or not rate:
            continue
        at = phase + rate / 60.0 * (onset - t)
        err = (at + 0.5) % 1.0 - 0.5  # cycles past the onset (+: the sensor thinks it began earlier)
        cycle_s = onsets[k] - onsets[k - 1]
        out.phase_errors_ms.append(-err * cycle_s * 1000.0)  # +: the sensor is late
    if moving:
        during = [r for r in rows if _in(moving, r[0])]
        out.moving_flagged = sum(1 for r in during if r[1] == "moving") / max(1, len(during))
    return out


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1), linear between points; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary(scores: list[Score]) -> dict[str, Any]:
    """The corpus's figures (phones on the back only)."""
    rate = [e for s in scores for e in s.rate_errors]
    phase = [abs(e) for s in scores for e in s.phase_errors_ms]
    signed = [e for s in scores for e in s.phase_errors_ms]
    talk = [e for s in scores for e in s.talking_rate_errors]
    locked = [s for s in scores if s.lock_s is not None]
    flagged = [s.moving_flagged for s in scores if s.moving_flagged is not None]
    return {
        "traces": len(scores), "locked_traces": len(locked),
        "rate_error_median": statistics.median(rate) if rate else math.nan, "rate_error_p90": pct(rate, 0.9),
        "phase_error_ms_median": statistics.median(phase) if phase else math.nan,
        "phase_error_ms_p90": pct(phase, 0.9),
        "phase_bias_ms": statistics.median(signed) if signed else math.nan,
        "lock_s_median": pct([s.lock_s or 0.0 for s in locked], 0.5),
        "lock_breaths_median": pct([float(s.lock_breaths or 0) for s in locked], 0.5),
        "lock_breaths_max": max((s.lock_breaths or 0 for s in locked), default=0),
        "locked_share": statistics.mean(s.locked_share for s in locked) if locked else 0.0,
        "talking_rate_error_median": statistics.median(talk) if talk else math.nan,
        "moving_flagged": statistics.mean(flagged) if flagged else math.nan,
    }
