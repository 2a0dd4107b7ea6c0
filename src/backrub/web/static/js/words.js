// Plain words for the coach's screens: questions, names of places, techniques and phases.
// Places, questions and condition names come from backrub/knowledge (vocabulary.js, generated).

import { VOCABULARY } from "./vocabulary.js";

export const CONDITION_QUESTIONS = VOCABULARY.conditionQuestions;

// Conditions named in words (for clearance and screening notes).
export function conditionWords(code) {
  return VOCABULARY.conditionNames[code] || code.replaceAll("_", " ");
}
// What a clinician can clear (the "check first" conditions of the screening table).
export const CLEARABLE = new Set(VOCABULARY.clearable);

export const SPOT_KINDS = [
  ["pain", "Pain", "hurts there"],
  ["knot", "Knot", "a hard, tender knot"],
  ["tension", "Tension", "feels tight"],
  ["wound", "Wound", "cut or sore"],
  ["rash", "Rash", ""],
  ["bruise", "Bruise", ""],
  ["redness", "Redness", "red skin that stays red"],
];
export const NO_CONTACT = new Set(["wound", "rash", "bruise", "redness"]);

export const GOALS = [
  ["relax", "Relax", "slow and soothing"],
  ["ease_tension", "Ease tension", "more work on tight places"],
  ["energize", "Energize", "brisker strokes"],
  ["comfort_care", "Comfort rub", "a short rub for someone in bed, 3–10 min"],
];
export const GIVERS = [
  ["partner", "A partner or friend"],
  ["caregiver", "A caregiver"],
  ["self", "Myself, on my own back"],
];
export const POSITIONS = [
  ["prone", "Lying face down"],
  ["side_lying", "Lying on one side"],
  ["seated", "Sitting, leaning forward"],
];
export const PRESSURES = [
  ["light", "Light", "gliding on the skin"],
  ["medium", "Medium", "into the muscle, comfortable"],
  ["firm", "Firm", "deep, only where warmed up"],
];
export const FOCUS = [
  ["shoulders", "Shoulders"], ["neck", "Neck"], ["upper_back", "Upper back"],
  ["mid_back", "Middle back"], ["lower_back", "Lower back"], ["arms", "Arms"],
];
export const PHASES = {
  prepare: "Get ready", open: "Opening", warm_up: "Warm-up", work: "Main work",
  focus: "Focus", close: "Closing",
};
export const PHASE_COLOURS = {
  prepare: "#9aa5a0", open: "#7fb8a4", warm_up: "#e9c46a", work: "#e08e5a", focus: "#c8644b", close: "#6a9fc9",
};
export const PRESSURE_COLOURS = { light: "#3b82c4", medium: "#d98c00", firm: "#c2372d" };

// A place in words (from the vocabulary), never a zone id or coordinates.
export function zoneWords(zone) {
  if (!zone) return "off the back";
  return VOCABULARY.places[zone] || "the back";
}

export const DECISIONS = {
  proceed: ["Good to go", "Nothing in the answers stands in the way."],
  adapt: ["Yes, with some changes", "The plan takes care of what you told us:"],
  check_first: ["Check with a clinician first", "Before any massage, a doctor or nurse should say it is fine:"],
  refer: ["Not today", "A back massage is not the right thing just now. Here is why:"],
};

export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}
