"""A breath sensor page and a coach page in real Chromium, the sensor fed motion events from a
stored trace in real time: shared by the browser test and benchmarks/bench_breath_browser.py."""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         # two pages side by side: neither may be slowed down as a background one
         "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
         "--disable-backgrounding-occluded-windows"]

# Plays samples [t_ms, x, y, z] as DeviceMotionEvents at their own times from now.
DISPATCH = """(samples) => {
  const start = performance.now();
  window.__trace = { epoch0: performance.timeOrigin + start, done: false, sent: 0 };
  let i = 0;
  function tick() {
    const now = performance.now() - start;
    while (i < samples.length && samples[i][0] <= now) {
      const [, x, y, z] = samples[i++];
      window.dispatchEvent(new DeviceMotionEvent("devicemotion",
        { accelerationIncludingGravity: { x, y, z }, interval: 16 }));
      window.__trace.sent++;
    }
    if (i < samples.length) setTimeout(tick, 4); else window.__trace.done = true;
  }
  tick();
}"""
COACH_READ = """() => ({ phase: window.backrubBreath.phase, locked: window.backrubBreath.locked,
  epoch: performance.timeOrigin + performance.now(), step: window.backrubLive?.step ?? -1,
  hand: document.querySelector('.hand')?.dataset.y ?? null,
  paced: window.backrubBreath.breathsPerStroke,
  word: document.querySelector('.pacer-word')?.textContent || '' })"""
SENSOR_READ = "() => ({ last: window.backrubSensor.last, state: window.backrubSensor.state })"


@dataclass(slots=True, kw_only=True)
class Sample:
    """One look at both pages: the coach's phase, the sensor's last reading, the truth then."""

    trace_s: float
    coach_phase: float | None
    coach_locked: bool
    word: str
    sensor_phase: float | None  # the sensor's last reading carried to the coach's moment
    truth_phase: float | None
    step: int = -1  # the coach's step then
    hand_y: float | None = None  # the first hand's height on the back (cm), as drawn
    paced: int | None = None  # breaths a stroke when the breath paces the hands, else None


@dataclass(slots=True, kw_only=True)
class Run:
    samples: list[Sample] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


def truth_phase(truth: dict[str, Any], t: float) -> float | None:
    """The receiver's phase at trace time t: 0 at an inhale onset, 1/2 at its top, 1 at the next."""
    onsets, peaks = truth["onsets_s"], truth["peaks_s"]
    k = bisect.bisect_right(onsets, t) - 1
    if k < 0 or k + 1 >= len(onsets):
        return None
    start, top, end = onsets[k], peaks[k], onsets[k + 1]
    return 0.5 * (t - start) / (top - start) if t < top else 0.5 + 0.5 * (t - top) / (end - top)


def wrapped(d: float) -> float:
    """A phase difference in cycles, -1/2 to 1/2."""
    return (d + 0.5) % 1.0 - 0.5


def play(coach_page: Any, sensor_page: Any, trace: dict[str, Any], seconds: float,
         every_s: float = 0.25, until: Callable[[], bool] | None = None) -> Run:
    """Feed the sensor the first `seconds` of the trace in real time, looking at both pages."""
    samples = [s for s in trace["samples"] if s[0] <= seconds * 1000]
    sensor_page.evaluate(DISPATCH, samples)
    epoch0 = sensor_page.evaluate("window.__trace.epoch0")
    run = Run()
    end = time.monotonic() + seconds + 1.0
    while time.monotonic() < end:
        time.sleep(every_s)
        coach = coach_page.evaluate(COACH_READ)
        last = sensor_page.evaluate(SENSOR_READ)["last"]
        at = (coach["epoch"] - epoch0) / 1000.0
        carried = None
        if last and last.get("phase") is not None and last.get("rate_bpm"):
            carried = (last["phase"] + last["rate_bpm"] / 60.0 * (coach["epoch"] - last["t"]) / 1000.0) % 1.0
        run.samples.append(Sample(trace_s=at, coach_phase=coach["phase"], coach_locked=coach["locked"],
                                  word=coach["word"], sensor_phase=carried,
                                  truth_phase=truth_phase(trace["truth"], at), step=coach["step"],
                                  hand_y=None if coach["hand"] is None else float(coach["hand"]),
                                  paced=coach["paced"]))
        if until is not None and until():
            break
    run.latencies_ms = coach_page.evaluate("window.backrubBreath.latencies")
    return run
