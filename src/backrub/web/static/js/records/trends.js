// Trends drawn in the page (not a shrunk picture): pain and relaxation, before and after, one point
// per session, readable at phone width. A rating not given is a gap, never a made-up value.

import { svgEl } from "../backmap.js";
import { h } from "../dom.js";

const SERIES = [
  ["pain_before", "Pain before", "var(--firm)", "4 3"], ["pain_after", "Pain after", "var(--firm)", ""],
  ["relaxation_before", "Relaxed before", "var(--accent)", "4 3"], ["relaxation_after", "Relaxed after", "var(--accent)", ""],
];

export function trendsChart(sessions, name) {
  const list = [...sessions].sort((a, b) => (a.started_at < b.started_at ? -1 : 1));
  const W = 320, H = 150, L = 26, B = 18, T = 8, R = 8;
  const x = (i) => L + (list.length < 2 ? (W - L - R) / 2 : (i * (W - L - R)) / (list.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / 10);
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "trends", id: "trends", role: "img",
    "aria-label": `Trends of ${name}'s sessions: pain and relaxation, before and after, 0 to 10` });
  for (const v of [0, 5, 10]) {
    svgEl("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }, svg);
    svgEl("text", { x: L - 5, y: y(v) + 3.5, "text-anchor": "end", class: "tick" }, svg).textContent = String(v);
  }
  for (const [key, , colour, dash] of SERIES) {
    let run = [];
    const flush = () => {
      if (run.length > 1) svgEl("polyline", { points: run.join(" "), stroke: colour, "stroke-dasharray": dash, class: "series", "data-series": key }, svg);
      run = [];
    };
    list.forEach((s, i) => {
      const v = s[key];
      if (v === null || v === undefined) { flush(); return; }  // not given: a gap
      run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      svgEl("circle", { cx: x(i), cy: y(v), r: 2.6, fill: dash ? "var(--card)" : colour, stroke: colour, class: "point", "data-series": key }, svg);
    });
    flush();
  }
  const legend = h("p", { class: "trend-legend" }, SERIES.map(([, label, colour, dash]) =>
    h("span", {}, h("i", { class: dash ? "dashed" : "", style: `--c:${colour}` }), label)));
  return h("figure", { class: "trends-figure" }, svg, legend,
    h("figcaption", { class: "muted" }, `${list.length} session${list.length === 1 ? "" : "s"}, oldest on the left. A rating not given is left out.`));
}
