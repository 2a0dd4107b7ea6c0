// Runs the page's breath estimator over traces: node benchmarks/breath_run.mjs < traces.jsonl
// Each input line: {"name", "samples": [[t_ms, x, y, z], ...]}; each output line: {"name",
// "estimates": [[t_ms, state, phase, rate_bpm, quality, breaths], ...]}.
import { createInterface } from "node:readline";
import { createEstimator, feed } from "../src/backrub/web/static/js/breath/estimator.js";

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const trace = JSON.parse(line);
  let st = createEstimator();
  const rows = [];
  const t0 = performance.now();
  for (const [t, x, y, z] of trace.samples) {
    let out;
    [st, out] = feed(st, { t, x, y, z });
    for (const e of out) rows.push([e.t, e.state, e.phase, e.rate_bpm, e.quality, e.breaths, e.rms]);
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ name: trace.name, estimates: rows, ms, samples: trace.samples.length }) + "\n");
}
