// The breath sensor page: a phone lying on the receiver's back reads its accelerometer, estimates
// the breath (estimator.js) and streams phase and rate to the live session ten times a second.
// It joins a session by the QR code's address (/sensor?s=ID) or the six-character code the coach
// shows. iOS asks for motion permission, which only a tap may request: hence the Start button.

import { h } from "../dom.js";
import { createEstimator, feed } from "./estimator.js";

const WORDS = {
  starting: ["Finding the breath…", "Keep the phone still on the lower back, screen up."],
  locked: ["Following the breath", "The coach's pacer follows this rate."],
  weak: ["Too little movement", "Is the phone lying on their back? Until then the coach uses the counted rate."],
  irregular: ["Breathing is irregular", "Talking or a cough? The coach keeps the last good rate."],
  moving: ["Moving…", "Someone moved the phone; it settles again in a few seconds."],
  unsupported: ["No motion sensor", "This browser gives no motion readings; the coach uses the counted rate."],
};
const NO_READINGS_MS = 3000;
const BACKOFF_MS = [300, 800, 1500, 2500];

const root = document.getElementById("sensor");
const params = new URLSearchParams(location.search);
const probe = (window.backrubSensor = { sent: 0, last: null, state: "idle" });

function start() {
  const sid = params.get("s");
  if (sid && /^[0-9a-f]{32}$/.test(sid)) ready(sid);
  else askCode();
}

function askCode(problem = "") {
  const input = h("input", { id: "code", inputmode: "text", autocomplete: "off", maxlength: "6", pattern: "[0-9a-fA-F]{6}",
    "aria-label": "Session code", placeholder: "a1b2c3" });
  const error = h("p", { class: "errors", hidden: !problem, role: "alert" }, problem);
  const go = h("button", { type: "submit", class: "primary" }, "Join");
  const form = h("form", { class: "sensor-code" }, input, go);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const code = input.value.trim().toLowerCase();
    if (!/^[0-9a-f]{6}$/.test(code)) return askCode("The code is six letters and digits, as the coach shows it.");
    const found = await fetch(`/api/sensor-session?code=${code}`, { credentials: "same-origin" });
    if (found.status === 401) { location.href = `/signin?next=${encodeURIComponent(location.pathname)}`; return; }
    if (!found.ok) return askCode("No live session has that code. Check it on the coach's screen.");
    const { id } = await found.json();
    history.replaceState(null, "", `/sensor?s=${id}`);
    ready(id);
  });
  root.replaceChildren(h("h1", {}, "Breath sensor"),
    h("p", { class: "lead" }, "Type the code the coach shows under “Breath sensor”, or scan its QR code."), form, error);
  input.focus();
}

function ready(sid) {
  const button = h("button", { type: "button", class: "primary big", id: "start" }, "Start sensing");
  root.replaceChildren(h("h1", {}, "Breath sensor"),
    h("ol", { class: "sensor-steps" },
      h("li", {}, "Lay this phone flat on the receiver's lower back, screen up (or on the towel there)."),
      h("li", {}, "Tap Start, allow motion access if asked, then leave it still."),
      h("li", {}, "The coach's breath pacer follows their breathing.")),
    button);
  button.addEventListener("click", () => begin(sid));
}

async function begin(sid) {
  const state = h("p", { class: "sensor-state", id: "state", "aria-live": "polite" }, "");
  const note = h("p", { class: "muted", id: "note" }, "");
  const rate = h("p", { class: "sensor-rate", id: "rate" }, "–");
  const ring = h("div", { class: "breath-ring", "aria-hidden": "true" }, h("i"));
  const conn = h("p", { class: "muted", id: "conn" }, "Connecting…");
  const view = h("div", { class: "sensor-dim" }, state, rate, ring, note, conn);
  root.replaceChildren(h("h1", {}, "Breath sensor"), view);
  const socket = connect(sid, (online) => { conn.textContent = online ? "Connected to the coach" : "Reconnecting…"; });
  const show = (s, est = null) => {
    const [head, more] = WORDS[s];
    state.textContent = head;
    state.classList.toggle("bad", s === "weak" || s === "unsupported");
    note.textContent = more;
    view.classList.toggle("sensor-dim", s !== "locked");
    if (est?.rate_bpm) rate.replaceChildren(`${est.rate_bpm.toFixed(1)}`, h("small", {}, " breaths a minute"));
    probe.state = s;
  };
  show("starting");
  if (typeof DeviceMotionEvent === "undefined") {
    show("unsupported");
    socket.send({ type: "breath", state: "unsupported" });
    return;
  }
  if (typeof DeviceMotionEvent.requestPermission === "function") { // iOS 13+
    let answer = "denied";
    try { answer = await DeviceMotionEvent.requestPermission(); } catch { /* not from a tap */ }
    if (answer !== "granted") {
      show("unsupported");
      note.textContent = "Motion access was refused. Allow it in the browser's settings and reload.";
      socket.send({ type: "breath", state: "unsupported" });
      return;
    }
  }
  holdWake();
  let est = createEstimator(), readings = 0, shown = "";
  const t0 = performance.timeOrigin;
  window.addEventListener("devicemotion", (ev) => {
    const a = ev.accelerationIncludingGravity;
    if (!a || a.x === null || a.y === null || a.z === null) return;
    readings++;
    let out;
    [est, out] = feed(est, { t: ev.timeStamp, x: a.x, y: a.y, z: a.z });
    for (const e of out) {
      const msg = { type: "breath", state: e.state, phase: e.phase === null ? null : round(e.phase, 4),
        rate_bpm: e.rate_bpm !== null && e.rate_bpm >= 4 && e.rate_bpm <= 40 ? e.rate_bpm : null,
        quality: e.quality, t: round(t0 + e.t, 1) };
      if (e.state === "locked" && (msg.phase === null || msg.rate_bpm === null)) msg.state = "starting";
      socket.send(msg);
      probe.sent++;
      probe.last = msg;
      if (msg.state !== shown || msg.state === "locked") { shown = msg.state; show(msg.state, e); }
      if (e.phase !== null) {
        const inhale = e.phase < 0.5, x = inhale ? e.phase / 0.5 : 1 - (e.phase - 0.5) / 0.5;
        ring.firstChild.style.transform = `scale(${(0.55 + 0.45 * x).toFixed(3)})`;
        ring.classList.toggle("out", !inhale);
      }
    }
  });
  setTimeout(() => {
    if (readings === 0) { show("unsupported"); socket.send({ type: "breath", state: "unsupported" }); }
  }, NO_READINGS_MS);
}

// A plain WebSocket: breath readings are worth sending only now, so nothing is kept for later.
function connect(sid, onOnline) {
  let ws = null, tries = 0, closed = false;
  const open = () => {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/sessions/${sid}/live`;
    ws = new WebSocket(url);
    ws.onopen = () => { tries = 0; onOnline(true); };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg.type === "error" && msg.code === "not_found") { closed = true; askCode("That session is not live any more."); }
      if (msg.type === "state" && msg.status?.ended) { closed = true; ws.close(); onOnline(false); }
    };
    ws.onclose = (ev) => {
      onOnline(false);
      if (ev.code === 4401) { location.href = `/signin?next=${encodeURIComponent(location.pathname + location.search)}`; return; }
      if (ev.code === 4404 || ev.code === 4403) closed = true;
      if (!closed) setTimeout(open, BACKOFF_MS[Math.min(tries++, BACKOFF_MS.length - 1)]);
    };
  };
  open();
  return { send: (m) => { if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); } };
}

async function holdWake() {
  try { if ("wakeLock" in navigator) await navigator.wakeLock.request("screen"); } catch { /* not granted */ }
}

function round(x, digits) {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

start();
