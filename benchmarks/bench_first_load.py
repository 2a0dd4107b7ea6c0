"""Figures for issue 15, point 16: the intake's first load in headless Chromium (Debian's), cold
cache, with the CPU slowed 4x (CDP Emulation.setCPUThrottlingRate) and at normal speed.

- bytes of JavaScript and CSS sent (compressed, as transferred) and their size unpacked, target
  < 100 KB;
- time from navigation to a usable intake (its first step shown) and to the back chart drawn,
  target <= 1 s slowed 4x. Baseline, same run and same slowdown: a blank page with one small
  script (the floor the browser itself costs).

Run: .venv/bin/python benchmarks/bench_first_load.py [--runs 7]   (exits 1 when a target is missed)
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from bench_live import Server
from bench_live_browser import CHROMIUM, FLAGS

BYTES_MAX, CHART_MS_MAX = 100_000, 1000.0
READY = """() => new Promise((done) => {
  const t = {};
  const look = () => {
    if (!t.usable && document.querySelector('#step-heading')?.textContent) t.usable = performance.now();
    if (!t.chart && document.querySelector('.chart .zone')) t.chart = performance.now();
    if (t.usable && t.chart) done(t); else requestAnimationFrame(look);
  };
  look();
})"""
BYTES = """() => performance.getEntriesByType('resource').filter((e) => /\\.(js|css)$/.test(e.name))
  .reduce((a, e) => [a[0] + e.transferSize, a[1] + e.decodedBodySize, a[2] + 1], [0, 0, 0])"""


def one(browser, url: str, rate: int) -> dict[str, float]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})  # a fresh profile: cold cache
    page = ctx.new_page()
    ctx.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    page.goto(url + "/", wait_until="commit")
    times = page.evaluate(READY)
    sent, unpacked, files = page.evaluate(BYTES)
    blank = ctx.new_page()
    ctx.new_cdp_session(blank).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    blank.goto(url + "/static/icons/icon.svg", wait_until="commit")  # the same server, no app code
    base = blank.evaluate("() => new Promise((r) => requestAnimationFrame(() => r(performance.now())))")
    ctx.close()
    return {"usable": times["usable"], "chart": times["chart"], "sent": sent, "unpacked": unpacked,
            "files": files, "base": base}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    ok = True
    with Server() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        print("The intake's first load in headless Chromium (phone size, cold cache, real server)")
        for rate in (1, 4):
            runs = [one(browser, server.url, rate) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            label = "normal" if rate == 1 else f"slowed {rate}x"
            print(f" CPU {label}: JS+CSS {med['sent'] / 1000:.1f} KB sent "
                  f"({med['unpacked'] / 1000:.1f} KB unpacked, {med['files']:.0f} files; "
                  f"target < {BYTES_MAX / 1000:g} KB)")
            print(f"  usable intake {med['usable']:6.0f} ms   chart drawn {med['chart']:6.0f} ms  "
                  f"(median of {args.runs}{'; target <= 1000 ms' if rate == 4 else ''});  "
                  f"baseline, a page with no app code: {med['base']:5.0f} ms")
            ok = ok and med["unpacked"] < BYTES_MAX and (rate != 4 or med["chart"] <= CHART_MS_MAX)
        browser.close()
    print(f"  -> {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
