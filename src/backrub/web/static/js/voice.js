// The coach's voice: cues spoken at each step change, a soft chime, one mute switch.

const KEY = "backrub.muted";
let audio = null;

export const voice = {
  get muted() { return localStorage.getItem(KEY) === "1"; },
  set muted(v) {
    localStorage.setItem(KEY, v ? "1" : "0");
    if (v) window.speechSynthesis?.cancel();
  },

  // Call from a click or key press: browsers allow sound only after the user did something.
  unlock() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
    } catch { audio = null; }
  },

  say(text) {
    if (this.muted || !("speechSynthesis" in window) || !text) return;
    const synth = window.speechSynthesis;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.rate = 0.92;
    u.pitch = 0.95;
    synth.speak(u);
  },

  chime() {
    if (this.muted || !audio || audio.state !== "running") return;
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
