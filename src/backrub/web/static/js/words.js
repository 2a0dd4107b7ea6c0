// Plain words for the coach's screens: questions, names of places, techniques and phases.

export const CONDITION_QUESTIONS = [
  ["fever", "Do they have a fever today?"],
  ["infectious_illness", "Do they have an infectious illness, such as flu?"],
  ["dvt", "Could there be a blood clot in a leg? (one calf swollen, warm or painful)"],
  ["recent_surgery", "Have they had surgery in the last few months?"],
  ["pregnancy", "Are they pregnant?"],
  ["fracture", "A broken rib or vertebra that a doctor has not yet cleared?"],
  ["bone_disease", "A disease of the bones or the spine?"],
  ["joint_inflammation", "Swollen, inflamed joints right now?"],
  ["uncontrolled_hypertension", "High blood pressure that is not under control?"],
  ["injury", "An injury or another medical problem with the back?"],
  ["cancer", "Cancer, now or under treatment?"],
  ["heart_disease", "A heart condition?"],
  ["blood_thinners", "Do they take blood thinners?"],
  ["bleeding_disorder", "A bleeding disorder, or do they bruise very easily?"],
  ["osteoporosis", "Fragile bones (osteoporosis)?"],
  ["fragile_skin", "Thin skin that tears or bruises easily?"],
  ["skin_infection", "A skin infection on the back? (mark where on the chart)"],
];

// Conditions named in words (for clearance and screening notes).
const CONDITION_WORDS = {
  injury: "an injury or other medical problem", cancer: "cancer", heart_disease: "a heart condition",
  skin_infection: "a skin infection",
};
export function conditionWords(code) {
  return CONDITION_WORDS[code] || code.replaceAll("_", " ");
}
// What a clinician can clear (seed 003; DESIGN.md "check first"); an unmarked skin infection needs its place.
export const CLEARABLE = new Set(["injury", "cancer", "heart_disease"]);

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

const ZONE_WORDS = {
  spine: "the spine", neck_base: "the base of the neck", upper_trapezius: "the top of the shoulder",
  deltoid: "the shoulder cap", upper_arm: "the upper arm", axilla: "the armpit",
  scapula: "the shoulder blade", interscapular: "between the shoulder blades", paraspinal: "beside the spine",
  mid_back: "the middle back", kidney: "the kidney area", lumbar: "the lower back", flank: "the side of the waist",
};

export function zoneWords(zone) {
  if (!zone) return "off the back";
  const m = zone.match(/^(.*)_(left|right)$/);
  if (!m) return ZONE_WORDS[zone] || zone.replaceAll("_", " ");
  return `${ZONE_WORDS[m[1]] || m[1].replaceAll("_", " ")}, ${m[2]}`;
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
