// What the user entered, kept in localStorage as they go, so nothing is lost on a reload.

const INTAKE = "backrub.intake";
export const DEFAULT_INTAKE = {
  minutes: 30, goal: "relax", giver: "partner", pressure: "medium", position: "prone",
  breaths_per_minute: 12, conditions: [], cleared_by_clinician: false, spots: [], focus: [],
};

export function loadIntake() {
  try {
    return { ...DEFAULT_INTAKE, ...JSON.parse(localStorage.getItem(INTAKE) || "{}") };
  } catch {
    return { ...DEFAULT_INTAKE };
  }
}

export function saveIntake(intake) {
  localStorage.setItem(INTAKE, JSON.stringify(intake));
}

// The intake as sent: measurements only when given.
export function intakeToSend(intake) {
  const out = { ...intake };
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
