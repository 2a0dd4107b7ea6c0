// The coach's voice: each step's cue spoken (the first one too), a soft chime at each new step,
// and the giver's choices: voice and chime, chime only, or silence; which voice; how fast.

import { h } from "./dom.js";

const KEY = "backrub.sound";
const DEFAULTS = { mode: "voice", voice: "", rate: 0.92, last: "voice" };
let audio = null;

function settings() {
  try { return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) || "{}") }; } catch { return { ...DEFAULTS }; }
}
function store(next) { localStorage.setItem(KEY, JSON.stringify({ ...settings(), ...next })); }

export const voice = {
  get settings() { return settings(); },
  set(next) { store(next); if (next.mode && next.mode !== "voice") window.speechSynthesis?.cancel(); },
  get muted() { return settings().mode === "off"; },
  set muted(v) {
    const s = settings();
    if (v) this.set({ mode: "off", last: s.mode === "off" ? s.last : s.mode });
    else this.set({ mode: s.last && s.last !== "off" ? s.last : "voice" });
  },

  // Call from a click or key press: browsers allow sound only after the user did something.
  unlock() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
    } catch { audio = null; }
  },

  say(text) {
    const s = settings();
    if (s.mode !== "voice" || !("speechSynthesis" in window) || !text) return;
    const synth = window.speechSynthesis;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.rate = s.rate;
    u.pitch = 0.95;
    const chosen = s.voice && synth.getVoices().find((v) => v.voiceURI === s.voice);
    if (chosen) u.voice = chosen;
    synth.speak(u);
  },

  chime() {
    if (settings().mode === "off" || !audio || audio.state !== "running") return;
    const t = audio.currentTime;
    for (const [freq, level] of [[528, 0.08], [792, 0.03]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(level, t + 0.04);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 1.6);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + 1.7);
    }
  },
};

const MODES = [["voice", "Voice and chime"], ["chime", "Chime only"], ["off", "Silent"]];

// The sound choices, as a form part: mode, voice, speed, and a "try it" button.
export function soundChoices() {
  const s = settings();
  const group = h("div", { class: "choices sound-modes", role: "radiogroup", "aria-label": "Sound" },
    MODES.map(([id, title]) => {
      const input = h("input", { type: "radio", name: "sound-mode", value: id, id: `sound-${id}`, checked: s.mode === id });
      input.addEventListener("change", () => { voice.set({ mode: id, last: id === "off" ? settings().last : id }); sync(); });
      return h("label", { class: "choice", for: `sound-${id}` }, input, h("span", { class: "choice-title" }, title));
    }));
  const voices = h("select", { id: "sound-voice" });
  const fillVoices = () => {
    const list = window.speechSynthesis?.getVoices() || [];
    voices.replaceChildren(h("option", { value: "" }, "The device's usual voice"),
      ...list.map((v) => h("option", { value: v.voiceURI, selected: v.voiceURI === settings().voice }, `${v.name} (${v.lang})`)));
  };
  fillVoices();
  window.speechSynthesis?.addEventListener?.("voiceschanged", fillVoices);
  voices.addEventListener("change", () => voice.set({ voice: voices.value }));
  const rate = h("input", { type: "range", id: "sound-rate", min: 0.6, max: 1.4, step: 0.05, value: s.rate });
  const rateOut = h("output", { for: "sound-rate" }, `${Math.round(s.rate * 100)}%`);
  rate.addEventListener("input", () => { voice.set({ rate: Number(rate.value) }); rateOut.textContent = `${Math.round(rate.value * 100)}%`; });
  const tryIt = h("button", { type: "button", class: "button", id: "sound-try" }, "Try it");
  tryIt.addEventListener("click", () => { voice.unlock(); voice.chime(); voice.say("Long stroking. With flat palms, glide up the back."); });
  const voiceRows = h("div", { class: "sound-voice" },
    h("label", { class: "field" }, h("span", {}, "Voice"), voices),
    h("label", { class: "field" }, h("span", {}, "Speed"), h("div", { class: "range" }, rate, rateOut)));
  const sync = () => { voiceRows.hidden = settings().mode !== "voice"; };
  sync();
  return h("div", { class: "sound" }, group, voiceRows, tryIt);
}
