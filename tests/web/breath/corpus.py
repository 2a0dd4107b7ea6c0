"""Synthetic accelerometer traces of a phone lying on a breathing back, with their ground truth.

Every trace here is generated; none was recorded on a real phone (none was at hand). The accuracy
figures (benchmarks/bench_breath.py) are therefore figures on this model of a breath.

The model, in the phone's frame (what `DeviceMotionEvent.accelerationIncludingGravity` reports):

- Breathing tilts the lower back: the phone rocks about an axis in its own plane by a fraction of
  a degree as the lungs fill, and rises a few millimetres. Each breath has its own length (rate
  with a slow drift, e.g. a receiver relaxing, and 5-10 % breath-to-breath variation), a quick
  inhale (a third to under half of the cycle) and a slower, decaying exhale that ends in a pause.
- A heartbeat ripple (ballistocardiogram, 55-90 beats/min), sensor noise, quantisation, bias
  drift, a slow change of posture, and a sampling clock that jitters (50 or 60 Hz nominal).
- Movement bursts (1-3 s of shaking and a new posture) and a receiver who talks for a while
  (quick gasps, long irregular exhales, voice buzz).
- "On the table": the phone beside the receiver feels nearly nothing (tilt 100x smaller).

The truth is kept apart from the samples: inhale onsets, ends of inhale, the moving and talking
spans. Pure Python (no numpy) so the web tests need nothing more. `python -m tests.web.breath.corpus`
writes the stored traces in `traces/`.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

G = 9.80665
FINE_HZ = 200.0  # the physical signal is built on this grid, then sampled like a phone would
TRACES = Path(__file__).parent / "traces"


@dataclass(frozen=True, slots=True, kw_only=True)
class Spec:
    """One trace to make: who breathes how, and what goes wrong."""

    name: str
    seed: int
    seconds: float = 120.0
    rate_bpm: float = 12.0
    drift: float = 0.0  # relative change of the rate over the trace (-0.25: slows by a quarter)
    variability: float = 0.07  # breath-to-breath spread of cycle length (relative, one sigma)
    tilt_deg: float = 0.4  # tilt at a full breath
    noise: float = 0.015  # sensor white noise, m/s^2 per axis
    heart_bpm: float = 70.0
    heart_amp: float = 0.01
    bursts: tuple[float, ...] = ()  # start times of movement bursts
    talk: tuple[float, float] | None = None  # a span of talking
    table: bool = False  # the phone lies beside the receiver
    fs_hz: float = 60.0


@dataclass(slots=True, kw_only=True)
class Trace:
    """Samples [t_ms, ax, ay, az] and the truth."""

    spec: Spec
    samples: list[list[float]] = field(default_factory=list)
    onsets_s: list[float] = field(default_factory=list)
    peaks_s: list[float] = field(default_factory=list)
    moving: list[list[float]] = field(default_factory=list)
    talking: list[list[float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        s = self.spec
        return {"name": s.name, "seed": s.seed, "rate_bpm": s.rate_bpm, "drift": s.drift,
                "tilt_deg": s.tilt_deg, "table": s.table, "fs_hz": s.fs_hz,
                "samples": self.samples,
                "truth": {"onsets_s": [round(t, 3) for t in self.onsets_s],
                          "peaks_s": [round(t, 3) for t in self.peaks_s],
                          "moving": self.moving, "talking": self.talking}}


def _rate_at(spec: Spec, t: float) -> float:
    return spec.rate_bpm * (1.0 + spec.drift * t / spec.seconds)


def _breaths(spec: Spec, rng: random.Random) -> tuple[list[float], list[float], list[float]]:
    """Volume (0..~1) on the fine grid, the inhale onsets and the ends of inhale."""
    n = int(spec.seconds * FINE_HZ) + 1
    volume = [0.0] * n
    onsets: list[float] = []
    peaks: list[float] = []
    t = rng.uniform(0.0, 60.0 / spec.rate_bpm)  # the trace starts somewhere in a breath
    level = 0.0
    # the breath before the trace: an exhale decaying from a full breath
    first = min(n, (math.ceil(t * FINE_HZ)))
    for i in range(first):
        volume[i] = math.exp(-(i / FINE_HZ) / max(0.4, 0.15 * 60.0 / spec.rate_bpm))
    level = volume[first - 1] if first else 0.0
    while t < spec.seconds:
        talking = spec.talk is not None and spec.talk[0] <= t < spec.talk[1]
        if talking:  # a gasp, then a long, uneven exhale carrying the words
            cycle = rng.uniform(2.5, 6.5)
            inhale = rng.uniform(0.4, 0.7)
            depth = rng.uniform(0.5, 1.2)
        else:
            cycle = 60.0 / _rate_at(spec, t) * max(0.7, 1.0 + spec.variability * rng.gauss(0.0, 1.0))
            inhale = cycle * rng.uniform(0.33, 0.45)
            depth = max(0.5, 1.0 + 0.15 * rng.gauss(0.0, 1.0))
        onsets.append(t)
        peaks.append(t + inhale)
        start, top = level, depth
        exhale = cycle - inhale
        decay = exhale / (2.5 if talking else 4.5)
        i0, i1 = (math.ceil(t * FINE_HZ)), (math.ceil((t + cycle) * FINE_HZ))
        for i in range(i0, min(i1, n)):
            tau = i / FINE_HZ - t
            if tau < inhale:
                v = start + (top - start) * 0.5 * (1.0 - math.cos(math.pi * tau / inhale))
            elif talking:  # speech lets the air out almost linearly, then a short drop
                left = max(0.0, 1.0 - 0.8 * (tau - inhale) / exhale)
                v = top * left * math.exp(-(tau - inhale) / (3 * decay))
            else:
                v = top * math.exp(-(tau - inhale) / decay)
            volume[i] = v
        level = volume[min(i1, n) - 1]
        t += cycle
    return volume, onsets, peaks


def _rotate(v: tuple[float, float, float], axis: tuple[float, float, float], angle: float
            ) -> tuple[float, float, float]:
    """Rodrigues: v turned by `angle` (rad) about the unit `axis`."""
    c, s = math.cos(angle), math.sin(angle)
    kx, ky, kz = axis
    vx, vy, vz = v
    dot = kx * vx + ky * vy + kz * vz
    cx, cy, cz = ky * vz - kz * vy, kz * vx - kx * vz, kx * vy - ky * vx
    return (vx * c + cx * s + kx * dot * (1 - c), vy * c + cy * s + ky * dot * (1 - c),
            vz * c + cz * s + kz * dot * (1 - c))


def make_trace(spec: Spec) -> Trace:
    """The samples a phone would report for `spec`, and the truth."""
    rng = random.Random(spec.seed)
    volume, onsets, peaks = _breaths(spec, rng)
    n = len(volume)
    # tissue and clothes round off the turns: the height follows the volume smoothed over ~0.3 s
    height = _smooth(_smooth(volume, int(0.15 * FINE_HZ)), int(0.15 * FINE_HZ))
    tilt = math.radians(spec.tilt_deg / (100.0 if spec.table else 1.0))
    lift_m = 0.005 * (0.01 if spec.table else 1.0)
    a = rng.uniform(0, 2 * math.pi)
    axis = (math.cos(a), math.sin(a), 0.0)  # the back rocks about a line in the phone's plane
    # resting posture: a few degrees off flat, face up (screen towards the ceiling)
    pitch, roll = math.radians(rng.uniform(-6, 6)), math.radians(rng.uniform(-6, 6))
    drift_axis_a = rng.uniform(0, 2 * math.pi)
    drift_axis = (math.cos(drift_axis_a), math.sin(drift_axis_a), 0.0)
    drift_deg = rng.uniform(0.5, 2.0)
    heart_period = 60.0 / spec.heart_bpm
    heart_dir = _unit((rng.gauss(0, 0.3), rng.gauss(0, 0.3), 1.0))
    bias = [0.0, 0.0, 0.0]
    bias_step = 0.02 / math.sqrt(60.0 * FINE_HZ)  # ~0.02 m/s^2 of wander a minute
    burst_spans = [(b, b + rng.uniform(1.0, 3.0)) for b in spec.bursts]
    posture_steps = [(b1, math.radians(rng.uniform(2, 8)), _unit((rng.gauss(0, 1), rng.gauss(0, 1), 0.0)))
                     for _, b1 in burst_spans]
    shake = [(rng.uniform(1.5, 7.0), rng.uniform(0, 6.3), rng.uniform(0.4, 2.5)) for _ in range(9)]
    quant = rng.choice((0.0, 0.001, 0.0024))
    fine: list[tuple[float, float, float]] = []
    for i in range(n):
        t = i / FINE_HZ
        gx, gy, gz = 0.0, 0.0, G
        gx, gy, gz = _rotate((gx, gy, gz), (1.0, 0.0, 0.0), pitch)
        gx, gy, gz = _rotate((gx, gy, gz), (0.0, 1.0, 0.0), roll)
        gx, gy, gz = _rotate((gx, gy, gz), drift_axis, math.radians(drift_deg) * t / spec.seconds)
        for b1, ang, ax_ in posture_steps:
            if t >= b1:
                gx, gy, gz = _rotate((gx, gy, gz), ax_, ang)
        gx, gy, gz = _rotate((gx, gy, gz), axis, tilt * volume[i])
        # the lift: second derivative of the height, from the volume on the grid
        lo, hi = max(i - 1, 0), min(i + 1, n - 1)
        lift = lift_m * (height[hi] - 2 * height[i] + height[lo]) * FINE_HZ * FINE_HZ if hi - lo == 2 else 0.0
        # heartbeat: a sharp double wavelet each beat
        ph = (t % heart_period) / heart_period
        beat = spec.heart_amp * (math.exp(-(((ph - 0.1) / 0.03) ** 2))
                                 - 0.6 * math.exp(-(((ph - 0.2) / 0.05) ** 2)))
        x = gx + beat * heart_dir[0]
        y = gy + beat * heart_dir[1]
        z = gz + lift + beat * heart_dir[2]
        for k in range(3):
            bias[k] += bias_step * rng.gauss(0.0, 1.0)
        for b0, b1 in burst_spans:
            if b0 <= t < b1:
                env = math.sin(math.pi * (t - b0) / (b1 - b0))
                x += env * sum(m * math.sin(2 * math.pi * f * t + p) for f, p, m in shake[0:3])
                y += env * sum(m * math.sin(2 * math.pi * f * t + p) for f, p, m in shake[3:6])
                z += env * sum(m * math.sin(2 * math.pi * f * t + p) for f, p, m in shake[6:9])
        if spec.talk is not None and spec.talk[0] <= t < spec.talk[1]:
            buzz = 0.03 * math.sin(2 * math.pi * 4.3 * t) * math.sin(2 * math.pi * 0.9 * t)
            x, y, z = x + buzz, y - buzz, z + 0.5 * buzz
        fine.append((x + bias[0], y + bias[1], z + bias[2]))
    trace = Trace(spec=spec, onsets_s=onsets, peaks_s=peaks,
                  moving=[[round(a0, 3), round(a1, 3)] for a0, a1 in burst_spans],
                  talking=[list(spec.talk)] if spec.talk else [])
    # sample like a phone: a jittery clock, values read from the grid, noise and quantisation
    t, dt = 0.0, 1.0 / spec.fs_hz
    while t < spec.seconds - 0.01:
        i = min(int(t * FINE_HZ), n - 1)
        talking = spec.talk is not None and spec.talk[0] <= t < spec.talk[1]
        sigma = spec.noise + (0.02 if talking else 0.0)
        row = [round(t * 1000.0, 1)]
        for value in fine[i]:
            v = value + rng.gauss(0.0, sigma)
            if quant:
                v = round(v / quant) * quant
            row.append(round(v, 4))
        trace.samples.append(row)
        t += dt * rng.uniform(0.8, 1.2)
        if rng.random() < 0.002:  # the browser was busy: a gap of a few hundred ms
            t += rng.uniform(0.1, 0.4)
    return trace


def _smooth(xs: list[float], half: int) -> list[float]:
    """A centred moving average over 2 * half + 1 points (shorter at the ends)."""
    sums = [0.0]
    for x in xs:
        sums.append(sums[-1] + x)
    n = len(xs)
    return [(sums[min(n, i + half + 1)] - sums[max(0, i - half)]) / (min(n, i + half + 1) - max(0, i - half))
            for i in range(n)]


def _unit(v: tuple[float, float, float]) -> tuple[float, float, float]:
    norm = math.sqrt(sum(c * c for c in v)) or 1.0
    return (v[0] / norm, v[1] / norm, v[2] / norm)


def corpus(count: int = 36, seconds: float = 120.0, seed: int = 2026) -> list[Spec]:
    """The benchmark corpus: rates spread over 6-24 breaths/min, a third with movement, a quarter
    talking, some relaxing, two phones on the table."""
    rng = random.Random(seed)
    specs: list[Spec] = []
    for k in range(count):
        rate = 6.0 + 18.0 * (k + rng.random()) / count
        bursts = tuple(sorted(rng.uniform(30.0, seconds - 15.0) for _ in range(rng.choice((1, 2)))))
        talk_at = rng.uniform(35.0, seconds - 30.0)
        specs.append(Spec(
            name=f"c{k:02d}-{rate:.0f}bpm", seed=seed * 1000 + k, seconds=seconds, rate_bpm=round(rate, 2),
            drift=rng.choice((0.0, 0.0, -0.15, -0.25, 0.1)),
            variability=rng.uniform(0.04, 0.1), tilt_deg=rng.uniform(0.15, 0.8),
            noise=rng.uniform(0.008, 0.03), heart_bpm=rng.uniform(55, 90), heart_amp=rng.uniform(0.005, 0.02),
            bursts=bursts if k % 3 == 1 else (),
            talk=(talk_at, talk_at + rng.uniform(12.0, 20.0)) if k % 4 == 2 else None,
            fs_hz=rng.choice((50.0, 60.0))))
    specs.append(Spec(name="table-12bpm", seed=seed + 7, seconds=60.0, rate_bpm=12.0, table=True))
    specs.append(Spec(name="table-20bpm", seed=seed + 8, seconds=60.0, rate_bpm=20.0, table=True, fs_hz=50.0))
    return specs


STORED = (
    Spec(name="calm-12bpm", seed=11, seconds=60.0, rate_bpm=12.0, tilt_deg=0.35),
    Spec(name="slow-6bpm-relaxing", seed=12, seconds=90.0, rate_bpm=8.0, drift=-0.25, tilt_deg=0.5),
    Spec(name="fast-24bpm", seed=13, seconds=45.0, rate_bpm=24.0, tilt_deg=0.3, fs_hz=50.0),
    Spec(name="moves-and-talks-14bpm", seed=14, seconds=90.0, rate_bpm=14.0, bursts=(30.0,),
         talk=(55.0, 70.0)),
    Spec(name="on-the-table", seed=15, seconds=40.0, rate_bpm=12.0, table=True),
)


def load(name: str) -> dict[str, Any]:
    """A stored trace by name."""
    data: dict[str, Any] = json.loads((TRACES / f"{name}.json").read_text())
    return data


def main() -> None:
    TRACES.mkdir(exist_ok=True)
    for spec in STORED:
        text = json.dumps(make_trace(spec).to_dict(), separators=(",", ":"))
        (TRACES / f"{spec.name}.json").write_text(text + "\n")
        print(f"{spec.name}: {len(text) // 1024} KiB")


if __name__ == "__main__":
    main()
