// The back chart in SVG, in centimetres (seen from behind; y up is drawn up).

import { PRESSURE_COLOURS, zoneWords } from "./words.js";
import { VOCABULARY } from "./vocabulary.js";

const NS = "http://www.w3.org/2000/svg";

export function svgEl(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

const pts = (path) => path.map(([x, y]) => `${x},${-y}`).join(" ");

// Where along a path a fraction of its length lies, and the heading there (degrees).
export function pointAlong(path, lengths, total, f) {
  if (path.length === 1 || total === 0) return [path[0][0], path[0][1], 0];
  const target = Math.min(Math.max(f, 0), 1) * total;
  let i = 1;
  while (i < lengths.length - 1 && lengths[i] < target) i++;
  const seg = lengths[i] - lengths[i - 1] || 1;
  const t = (target - lengths[i - 1]) / seg;
  const [x0, y0] = path[i - 1], [x1, y1] = path[i];
  return [x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, Math.atan2(-(y1 - y0), x1 - x0) * 180 / Math.PI];
}

export function cumulative(path) {
  const out = [0];
  for (let i = 1; i < path.length; i++) {
    out.push(out[i - 1] + Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]));
  }
  return out;
}

export class BackMap {
  constructor(container, { label = "Back chart, seen from behind" } = {}) {
    this.svg = svgEl("svg", { class: "backmap", role: "img", "aria-label": label });
    container.appendChild(this.svg);
    const defs = svgEl("defs", {}, this.svg);
    const hatch = svgEl("pattern", { id: "hatch", width: 1.2, height: 1.2, patternUnits: "userSpaceOnUse",
      patternTransform: "rotate(45)" }, defs);
    svgEl("line", { x1: 0, y1: 0, x2: 0, y2: 1.2, stroke: "#c2372d", "stroke-width": 0.35 }, hatch);
    for (const [name, colour] of Object.entries(PRESSURE_COLOURS)) {
      const m = svgEl("marker", { id: `arrow-${name}`, viewBox: "0 0 10 10", refX: 6, refY: 5,
        markerWidth: 4, markerHeight: 4, orient: "auto-start-reverse" }, defs);
      svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }, m);
    }
    this.base = svgEl("g", { class: "zones" }, this.svg);
    this.noTouch = svgEl("g", { class: "no-touch" }, this.svg);
    this.paths = svgEl("g", { class: "paths" }, this.svg);
    this.marks = svgEl("g", { class: "marks" }, this.svg);
    this.container = container;
    this.hands = null;  // the moving hands live in a layer of their own (makeHands)
    this.overlay = null;
    this.map = null;
    this.live = null;  // the live view's step groups (drawLive)
  }

  setMap(map) {
    this.map = map;
    const e = map.extent;
    const top = Math.max(e.y_max, map.head ? map.head.cy + map.head.ry + 1 : 0);
    this.svg.setAttribute("viewBox", `${e.x_min} ${-top} ${e.x_max - e.x_min} ${top - e.y_min + 4}`);
    this.overlay?.setAttribute("viewBox", this.svg.getAttribute("viewBox"));
    this.base.replaceChildren();
    const L = map.body.back_length_cm;
    const hd = map.head;
    if (hd) svgEl("ellipse", { cx: hd.cx, cy: -hd.cy, rx: hd.rx, ry: hd.ry, class: "head" }, this.base);
    const clip = drawSilhouette(this.base, map);
    // Midline zones last, so the spine band and the neck sit on top, as on the planner's map.
    // Their edges stay inside the body's outline (a tap outside it still finds no zone).
    const order = [...map.zones].reverse();
    for (const z of order) {
      const cls = z.id === "spine" ? "zone spine" : z.id.startsWith("axilla") ? "zone axilla" : "zone";
      const poly = svgEl("polygon", { points: pts(z.outline), class: cls, "data-zone": z.id,
        ...(clip ? { "clip-path": `url(#${clip})` } : {}) }, this.base);
      svgEl("title", {}, poly).textContent = zoneWords(z.id);
    }
    drawSurface(this.base, map);
    svgEl("line", { x1: 0, y1: 2, x2: 0, y2: -(L + 8), class: "midline" }, this.base);
    const y = -e.y_min + 2.6;
    svgEl("text", { x: e.x_min + 1, y, class: "side-label" }, this.base).textContent = "Left";
    svgEl("text", { x: e.x_max - 1, y, class: "side-label", "text-anchor": "end" }, this.base).textContent = "Right";
    this.drawNoTouch(map.no_touch);
  }

  drawNoTouch(list) {
    this.noTouch.replaceChildren();
    for (const a of list || []) {
      const cls = a.rule === "broken-skin" ? "nt skin" : "nt pain";
      let node;
      if (a.circle) node = svgEl("circle", { cx: a.circle.x_cm, cy: -a.circle.y_cm, r: a.circle.r_cm, class: cls }, this.noTouch);
      else node = svgEl("rect", { x: a.box.x0, y: -a.box.y1, width: a.box.x1 - a.box.x0, height: a.box.y1 - a.box.y0, class: cls }, this.noTouch);
      svgEl("title", {}, node).textContent = `no touch: ${a.label}`;
    }
  }

  // Which zone lies under a point (the map's zones come in lookup order).
  zoneAt(x, y) {
    for (const z of this.map?.zones || []) if (inside(z.outline, x, y)) return z.id;
    return null;
  }

  toCm(event) {
    const p = this.svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    const q = p.matrixTransform(this.svg.getScreenCTM().inverse());
    return { x_cm: Math.round(q.x * 10) / 10, y_cm: Math.round(-q.y * 10) / 10 };
  }

  // Seed 001's reflex points, as an optional layer (null or [] clears it): numbered, each titled
  // with its organ. The page says beside it that this is a traditional claim.
  drawReflex(points) {
    this.reflex?.remove();
    this.reflex = null;
    if (!points?.length) return;
    this.reflex = svgEl("g", { class: "reflex" }, this.svg);
    for (const p of points) {
      const g = svgEl("g", { class: "reflex-point", "data-n": p.n }, this.reflex);
      svgEl("circle", { cx: p.at.x_cm, cy: -p.at.y_cm, r: 1.1 }, g);
      svgEl("text", { x: p.at.x_cm + 1.6, y: -p.at.y_cm + 0.5 }, g).textContent = String(p.n);
      svgEl("title", {}, g).textContent = `${p.n}: ${p.organ}`;
    }
  }

  // The steps' paths (all, or those whose indices `shown` lists), numbered in the routine's order and
  // coloured by pressure. Numbers never overlap: each slides along its path, then outward, to a free place.
  drawPlan(steps, shown = null) {
    this.paths.replaceChildren();
    this.live = null;
    const which = shown || steps.map((_, i) => i);
    which.forEach((i) => this._path(steps[i], { cls: "plan", arrow: true }));
    const R = 1.5, placed = [];
    const free = (x, y) => placed.every(([a, b]) => Math.hypot(a - x, b - y) >= 2 * R + 0.2);
    which.forEach((i) => {
      const s = steps[i];
      const lengths = cumulative(s.path), total = lengths.at(-1);
      let spot = null;
      for (const f of [0, 0.12, 0.24, 0.36, 0.5, 0.62, 0.76, 0.88, 1]) {
        const [x, y] = pointAlong(s.path, lengths, total, f);
        if (free(x, y)) { spot = [x, y]; break; }
      }
      for (let ring = 1; !spot && ring < 12; ring++) {
        const [x0, y0] = s.path[0];
        for (let k = 0; k < 8 && !spot; k++) {
          const x = x0 + Math.cos((k * Math.PI) / 4) * ring * R * 1.4, y = y0 + Math.sin((k * Math.PI) / 4) * ring * R * 1.4;
          if (free(x, y)) spot = [x, y];
        }
      }
      const [x, y] = spot || s.path[0];
      placed.push([x, y]);
      const g = svgEl("g", { class: "num", "data-step": i }, this.paths);
      svgEl("circle", { cx: x, cy: -y, r: R, fill: PRESSURE_COLOURS[s.pressure] }, g);
      svgEl("text", { x, y: -y + 0.55, "text-anchor": "middle" }, g).textContent = i + 1;
    });
  }

  // Live: steps done faint, the rest quiet, the current one bold with arrows along it (on top).
  // Called on every replan and every Softer: each step keeps its own group, redrawn only when that
  // step changed (a replan changes the steps behind the stroke, a Softer only the stroke), so the
  // page builds a handful of nodes instead of the whole plan's.
  drawLive(steps, current) {
    if (!this.live) {
      this.paths.replaceChildren();
      this.live = { slots: [], under: svgEl("g", { class: "live-steps" }, this.paths),
        top: svgEl("g", { class: "live-current" }, this.paths), key: null };
    }
    const { slots, under } = this.live;
    steps.forEach((s, i) => {
      const cls = i < current ? "done" : i === current ? null : "later";  // the current one is drawn on top
      let slot = slots[i];
      if (!slot) slot = slots[i] = { g: svgEl("g", {}, under), step: null, cls: undefined };
      if (slot.cls === cls && sameStroke(slot.step, s)) return;
      // The same line at another pressure (most of a replan): its colour set again, no nodes
      // made; anything else is drawn anew.
      if (cls && slot.cls === cls && sameLine(slot.step, s)) {
        for (const line of slot.g.children) line.setAttribute("stroke", PRESSURE_COLOURS[s.pressure]);
      } else {
        slot.g.replaceChildren();
        if (cls) this._path(s, { cls }, slot.g);
      }
      slot.step = s;
      slot.cls = cls;
    });
    for (const gone of slots.splice(steps.length)) gone.g.remove();
    const step = steps[current];
    const prev = steps[current - 1];
    const last = prev ? prev.path.at(-1) : null;
    const live = this.live;
    if (live.key && live.key.k === current && sameStroke(live.key.step, step) && samePoint(live.key.last, last)) return;
    live.key = { k: current, step, last };
    live.top.replaceChildren();
    if (!step) return;
    if (step.lead_in?.length) {
      const way = [...(last ? [last] : []), ...step.lead_in, step.path[0]];
      svgEl("polyline", { points: pts(way), class: "lead-in" }, live.top);
    }
    this._path(step, { cls: "current", arrow: true }, live.top);
    const hands = step.side === "both" ? [step.path, step.path.map(([x, y]) => [-x, y])] : [step.path];
    for (const path of hands) {
      const lengths = cumulative(path);
      const total = lengths.at(-1);
      for (const f of [0.3, 0.65]) {
        if (total < 2) break;
        const [x, y, deg] = pointAlong(path, lengths, total, f);
        svgEl("path", { d: "M-1,-0.8 L1,0 L-1,0.8 z", class: "dir-arrow", fill: PRESSURE_COLOURS[step.pressure],
          transform: `translate(${x} ${-y}) rotate(${deg})` }, live.top);
      }
    }
  }

  _path(step, { cls, arrow = false }, parent = this.paths) {
    const colour = PRESSURE_COLOURS[step.pressure];
    const hands = step.side === "both" ? [step.path, step.path.map(([x, y]) => [-x, y])] : [step.path];
    hands.forEach((path, k) => {
      svgEl("polyline", {
        points: pts(path), class: `step ${cls} ${k ? "mirror" : ""} ${step.technique === "skin_check" ? "check" : ""}`,
        stroke: colour, ...(arrow ? { "marker-end": `url(#arrow-${step.pressure})` } : {}),
      }, parent);
    });
  }

  drawMarks(spots, onPick) {
    this.marks.replaceChildren();
    (spots || []).forEach((s, i) => {
      if (!s.at) return;
      const g = svgEl("g", { class: `mark ${s.kind}`, "data-index": i }, this.marks);
      svgEl("circle", { cx: s.at.x_cm, cy: -s.at.y_cm, r: s.radius_cm || 3 }, g);
      svgEl("text", { x: s.at.x_cm, y: -s.at.y_cm + 0.7, "text-anchor": "middle" }, g).textContent = s.kind[0].toUpperCase();
      if (onPick) g.addEventListener("click", (ev) => { ev.stopPropagation(); onPick(i); });
    });
  }

  // Hand markers for the live view: returns the circles to move.
  // They are drawn on a transparent layer over the chart, composited apart, so moving them every
  // frame repaints two circles, not the whole back with every path on it.
  makeHands(n, technique = "stroking") {
    if (!this.overlay) {
      this.overlay = svgEl("svg", { class: "backmap hands-layer", "aria-hidden": "true" });
      this.overlay.setAttribute("viewBox", this.svg.getAttribute("viewBox") || "0 0 1 1");
      this.hands = svgEl("g", { class: "hands" }, this.overlay);
      this.container.classList.add("layered");
      this.container.appendChild(this.overlay);
    }
    this.hands.replaceChildren();
    return Array.from({ length: n }, (_, k) => handShape(this.hands, technique, k === 1));
  }
}

// Whether two steps draw the same line, whatever its colour: same path, side and kind of line.
function sameLine(a, b) {
  return a.side === b.side && (a.technique === "skin_check") === (b.technique === "skin_check")
    && samePoints(a.path, b.path);
}

// Whether two steps draw the same: same path, pressure, side, technique and lead-in.
function sameStroke(a, b) {
  if (a === b) return true;
  if (!a || !b || a.pressure !== b.pressure || a.side !== b.side || a.technique !== b.technique) return false;
  return samePoints(a.path, b.path) && samePoints(a.lead_in || [], b.lead_in || []);
}

function samePoints(p, q) {
  if (p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) if (!samePoint(p[i], q[i])) return false;
  return true;
}

function samePoint(a, b) {
  return a === b || (!!a && !!b && a[0] === b[0] && a[1] === b[1]);
}

function inside(poly, x, y) {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

// -- a back that looks like a back ------------------------------------------------------------

// The body's outline (waist, ribs, shoulders, upper arms, neck), computed by the server from the
// zones the planner uses (render/body.py) and sent with the map; here it is only smoothed.
let clips = 0;
function drawSilhouette(parent, map) {
  if ((map.silhouette || []).length < 3) return null;
  const d = smoothClosed(map.silhouette);
  svgEl("path", { d, class: "silhouette" }, parent);
  const id = `body-clip-${++clips}`;  // one per chart: a page may hold several
  svgEl("path", { d }, svgEl("clipPath", { id }, parent));
  return id;
}

// Shoulder blades and the lower ribs, as soft lines over the zones.
function drawSurface(parent, map) {
  const zones = map.zones;
  for (const side of [1, -1]) {
    const blade = zones.find((z) => z.id === `scapula_${side > 0 ? "right" : "left"}`);
    if (blade) svgEl("path", { d: smoothClosed(shrink(blade.outline, 0.82)), class: "blade" }, parent);
  }
  const L = map.body.back_length_cm;
  for (const f of [0.38, 0.5, 0.62]) {  // the lower ribs, curving down and out from the spine
    const y = L * f;
    for (const side of [1, -1]) {
      svgEl("path", { class: "rib", d: `M${side * 2.2},${-y} Q${side * 8},${-(y + 1.2)} ${side * 13},${-(y - 2.4)}` }, parent);
    }
  }
}

function shrink(outline, k) {
  const cx = outline.reduce((a, [x]) => a + x, 0) / outline.length;
  const cy = outline.reduce((a, [, y]) => a + y, 0) / outline.length;
  return outline.map(([x, y]) => [cx + (x - cx) * k, cy + (y - cy) * k]);
}

// A closed Catmull-Rom curve through the points, as cubic Béziers (y drawn up).
function smoothClosed(points) {
  const p = points.map(([x, y]) => [x, -y]);
  const n = p.length;
  let d = `M${p[0][0].toFixed(2)},${p[0][1].toFixed(2)}`;
  for (let i = 0; i < n; i++) {
    const a = p[(i - 1 + n) % n], b = p[i], c = p[(i + 1) % n], e = p[(i + 2) % n];
    const c1 = [b[0] + (c[0] - a[0]) / 6, b[1] + (c[1] - a[1]) / 6];
    const c2 = [c[0] - (e[0] - b[0]) / 6, c[1] - (e[1] - b[1]) / 6];
    d += ` C${c1[0].toFixed(2)},${c1[1].toFixed(2)} ${c2[0].toFixed(2)},${c2[1].toFixed(2)} ${c[0].toFixed(2)},${c[1].toFixed(2)}`;
  }
  return `${d} Z`;
}

// What touches the skin, drawn as the technique's hand (cm, centred on the contact point): flat
// palms, thumb pads, palm edges, fingertips, cupped hands. Which hand and its parts come from the
// server's knowledge (vocabulary.js), the same the plan's SVG draws. `mirror` for the left hand.
export function handKind(technique) {
  return VOCABULARY.hands[technique] || "palm";
}

function handShape(parent, technique, mirror) {
  const kind = handKind(technique);
  const g = svgEl("g", { class: `hand hand-${kind}`, "data-kind": kind }, parent);
  for (const [tag, attrs] of VOCABULARY.handParts[kind][mirror ? 1 : 0]) svgEl(tag, attrs, g);
  return g;
}

// Place a hand (made by makeHands) at a point of the back.
// Written only when it moved: every attribute written costs the frame a style pass and a repaint.
export function placeHand(hand, x, y) {
  const at = `translate(${x.toFixed(2)} ${(-y).toFixed(2)})`;
  if (hand.getAttribute("transform") === at) return;
  hand.setAttribute("transform", at);
  hand.dataset.x = x.toFixed(2);
  hand.dataset.y = y.toFixed(2);
}
