// Plain words for the records pages: standing conditions, skin-check marks, times.

import { VOCABULARY } from "../vocabulary.js";

// Every condition of the screening table as a caregiver says it about someone, those that stay true
// for months first (COMMON): from backrub/knowledge/words.py, by way of vocabulary.js.
export const CONDITION_WORDS = VOCABULARY.standingConditions;
export const COMMON_CONDITIONS = VOCABULARY.commonStanding;
const CONDITION_TEXT = Object.fromEntries(CONDITION_WORDS);
export const standingWords = (code) => CONDITION_TEXT[code] || code.replaceAll("_", " ");

// What a skin check marks (the API's kinds; "broken" is stored as a wound).
export const MARK_KINDS = [
  ["redness", "Redness", "red skin that stays red when pressed"],
  ["broken", "Broken skin", "a sore, blister or open place"],
  ["rash", "Rash", ""],
  ["bruise", "Bruise", ""],
];
const MARK_TEXT = { redness: "Redness", broken: "Broken skin", wound: "Broken skin", rash: "Rash", bruise: "Bruise" };
export const markWords = (kind) => MARK_TEXT[kind] || kind;

export const SPOT_WORDS = { pain: "Painful place", knot: "Knot", tension: "Tight place", ...MARK_TEXT };

export const PREFERENCE_WORDS = {
  pressure: "Pressure", minutes: "Minutes", goal: "Goal", giver: "Given by", position: "Position",
  style: "Style", breaths_per_minute: "Breaths a minute", focus: "Extra time on", body: "Measurements",
};

export function when(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export function lateness(minutes) {
  if (minutes < 1) return "due now";
  if (minutes < 90) return `${minutes} min late`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min late`;
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
