// What the user entered, kept in localStorage as they go, so nothing is lost on a reload.

const INTAKE = "backrub.intake";
// `health` holds each health question's answer ("yes"/"no"); none is answered for the user.
// `clearance` is a clinician's word: the conditions it covers and the day it was given.
export const DEFAULT_INTAKE = {
  minutes: 30, goal: "relax", giver: "partner", pressure: "medium", position: "prone",
  breaths_per_minute: 12, conditions: [], spots: [], focus: [], health: {}, clearance: null,
};

export function loadIntake() {
  let stored = {};
  try { stored = JSON.parse(localStorage.getItem(INTAKE) || "{}") || {}; } catch { stored = {}; }
  // An older page kept a bare yes for clearance, tied to no condition: never carried over.
  const { cleared_by_clinician: _old, ...rest } = stored;
  return { ...DEFAULT_INTAKE, ...rest };
}

// Every health question answered (yes or no) by the user.
export function healthAnswered(intake, codes) {
  return codes.every((c) => intake.health?.[c] === "yes" || intake.health?.[c] === "no");
}

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// The conditions today's clearance covers among those answered yes (none from another day).
export function clearedConditions(intake) {
  const c = intake.clearance;
  if (!c || c.day !== today()) return [];
  return (c.conditions || []).filter((code) => intake.conditions.includes(code));
}

export function saveIntake(intake) {
  localStorage.setItem(INTAKE, JSON.stringify(intake));
}

// The intake as sent: measurements only when given.
export function intakeToSend(intake) {
  const { health: _h, clearance: _c, ...out } = intake;
  const cleared = clearedConditions(intake);
  out.cleared_by_clinician = cleared.length ? cleared : false;
  const body = {};
  for (const [k, v] of Object.entries(intake.body || {})) if (v !== "" && v !== null && v !== undefined) body[k] = Number(v);
  if (Object.keys(body).length) out.body = body; else delete out.body;
  return out;
}

export const activeSession = {
  get: () => localStorage.getItem("backrub.session"),
  set: (id) => localStorage.setItem("backrub.session", id),
  clear: () => localStorage.removeItem("backrub.session"),
};

export function draft(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch { return fallback; }
}
export function keep(key, value) {
  localStorage.setItem(key, JSON.stringify(value));
}
