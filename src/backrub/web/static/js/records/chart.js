// The back chart for a recipient's record: their body's map, standing spots and skin-check marks.

import { api } from "../api.js";
import { BackMap } from "../backmap.js";
import { h } from "../dom.js";
import { zoneWords } from "../words.js";
import { SPOT_WORDS } from "./words.js";

// A spot as the intake reads it (a standing spot also carries its note and source).
export const plainSpot = ({ kind, zone, at, radius_cm }) => ({ kind, zone, at, radius_cm });

// The map for a body (a recipient's measurements), with the no-touch places of `spots`.
export async function loadMap(body, spots = []) {
  const intake = body && Object.keys(body).length ? { body } : {};
  try {
    return await api.map({ ...intake, spots: spots.map(plainSpot) });
  } catch {
    return api.map(intake);
  }
}

function centroid(outline) {
  const n = outline.length || 1;
  return { x_cm: outline.reduce((a, [x]) => a + x, 0) / n, y_cm: outline.reduce((a, [, y]) => a + y, 0) / n };
}

// Marks ready to draw: a spot given by zone is drawn at the middle of its zone.
export function drawable(spots, map) {
  return spots.map((s) => {
    if (s.at || !s.zone) return s;
    const zone = map.zones.find((z) => z.id === s.zone);
    return zone ? { ...s, at: centroid(zone.outline), radius_cm: 3 } : s;
  });
}

export function placeWords(spot, chart) {
  if (spot.zone) return zoneWords(spot.zone);
  return spot.at ? zoneWords(chart.zoneAt(spot.at.x_cm, spot.at.y_cm)) : "the back";
}

export function spotWords(spot, chart) {
  return `${SPOT_WORDS[spot.kind] || spot.kind} — ${placeWords(spot, chart)}`;
}

// A chart in `container` with the map drawn and `spots` marked.
export function chartWith(container, map, spots, { label } = {}) {
  const chart = new BackMap(container, { label });
  chart.setMap(map);
  chart.drawMarks(drawable(spots, map));
  return chart;
}

// A small, quiet chart of a skin check's marks, for the history.
export function thumbnail(map, marks, label) {
  const box = h("div", { class: "thumb", "aria-hidden": "true" });
  const chart = new BackMap(box, { label });
  chart.setMap({ ...map, no_touch: [] });
  chart.drawMarks(drawable(marks, map));
  return box;
}
