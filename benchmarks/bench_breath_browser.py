"""Figure for issue 13, part 4, in real headless Chromium (Debian's, via Playwright): a breath
sensor page fed DeviceMotionEvents from a stored trace in real time, the coach's live page open
beside it, both on a real `backrub serve` over loopback.

Latency: from the motion event that completes a 10 Hz frame on the sensor page to that frame's
phase arriving on the coach page (estimator, WebSocket to the server, relay, WebSocket to the
coach): p95 <= 150 ms. Both pages stamp with performance.timeOrigin + now (one machine clock).
Baseline, same run: a WebSocket round trip to the server's bare echo from the sensor page.
Also reported: how closely the coach's pacer follows the receiver's true breath.

Run: .venv/bin/python benchmarks/bench_breath_browser.py [--seconds 40]   (exits 1 on a miss)
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from bench_live import Server, pct  # noqa: E402
from tests.web.breath.browser import FLAGS, play, wrapped  # noqa: E402
from tests.web.breath.corpus import load  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LATENCY_P95_MS = 150.0
ECHO = """async (n) => {
  const ws = new WebSocket(`ws://${location.host}/api/echo`);
  await new Promise((ok) => { ws.onopen = ok; });
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise((ok) => { ws.onmessage = ok; ws.send(JSON.stringify({ type: "breath", i })); });
    out.push(performance.now() - t0);
    await new Promise((ok) => setTimeout(ok, 20));
  }
  ws.close();
  return out;
}"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=40.0)
    args = ap.parse_args()
    trace = load("moves-and-talks-14bpm")
    with Server() as server, sync_playwright() as pw:
        import httpx

        sid = httpx.post(f"{server.url}/api/sessions", json={"minutes": 20, "breaths_per_minute": 14},
                         timeout=20).json()["id"]
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        screen = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        screen.goto(f"{server.url}/#/live/{sid}")
        screen.wait_for_selector(".hand")
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(f"{server.url}/sensor?s={sid}")
        phone.click("#start")
        phone.wait_for_selector("#state")
        run = play(screen, phone, trace, seconds=args.seconds)
        echo = phone.evaluate(ECHO, 200)
        browser.close()
    lat = [x for x in run.latencies_ms if x >= 0]
    locked = [s for s in run.samples
              if s.coach_locked and s.truth_phase is not None and s.coach_phase is not None]
    errors_ms = [abs(wrapped(s.coach_phase - s.truth_phase)) * 60000 / 14 for s in locked]
    p95 = pct(lat, 95)
    print(f"Breath sensor -> coach in headless Chromium ({args.seconds:g} s of trace "
          f"'moves-and-talks-14bpm', real server on loopback)")
    print(f"  motion event -> coach page  n={len(lat):<5} median {statistics.median(lat):6.1f} ms  "
          f"p95 {p95:6.1f} ms  max {max(lat):6.1f} ms   <= {LATENCY_P95_MS:g} ms p95  "
          f"{'ok' if p95 <= LATENCY_P95_MS else 'MISSED'}")
    print(f"  baseline: echo round trip   n={len(echo):<5} median {statistics.median(echo):6.1f} ms  "
          f"p95 {pct(echo, 95):6.1f} ms")
    print(f"  coach pacer vs true breath  {len(locked)} looks while locked: median |error| "
          f"{statistics.median(errors_ms):.0f} ms (about, at 14/min)")
    return 0 if p95 <= LATENCY_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
