// The breath sensor on the coach's live page: how to join (QR code, short code), what the sensor
// reads, and the sensed breath for the pacer (pacer.js) and the hands (wave.js). live.js hooks it
// in with a few lines: mount, pass on "breath" messages, ask beat() and handsOn() each frame.

import { h } from "../dom.js";
import { breathLock, locked, onReading, pacerPhase, retimeWanted, sensedAt } from "./pacer.js";
import { handsOn, pacedByBreath } from "./wave.js";

const SAID = {
  starting: "finding the breath…", weak: "too weak — pacing by the counted rate",
  irregular: "irregular — keeping the last good rate", moving: "moving…",
  unsupported: "no motion sensor — pacing by the counted rate",
};
const LATENCIES_KEPT = 2000;
const RATES_KEPT = 8;

/** Mount the sensor's button and panel in `bar`; `send` puts a message on the live channel. */
export function mountBreath(bar, sessionId, send) {
  if (!document.querySelector('link[href="/static/css/breath.css"]')) {
    document.head.append(h("link", { rel: "stylesheet", href: "/static/css/breath.css" }));
  }
  let lock = breathLock(), lastSaid = "", rates = [];
  const probe = (window.backrubBreath = { received: 0, latencies: [], locked: false, phase: null, retimes: [],
    breathsPerStroke: null });
  const chip = h("span", { class: "breath-chip", id: "breath-chip", hidden: true }, "");
  const code = sessionId.slice(0, 6);
  const qr = h("img", { alt: "QR code of the breath sensor's page", width: "220", height: "220" });
  const panel = h("div", { class: "card breath-panel", id: "breath-panel", hidden: true },
    h("h2", {}, "Breath sensor"),
    h("p", { class: "muted" }, "Lay a phone on their lower back, screen up, and open the sensor on it: scan this, or go to ",
      h("strong", {}, `${location.host}/sensor`), " and type the code."),
    qr, h("p", { class: "code", id: "breath-code" }, code),
    /^(127\.|localhost$|\[::1\]$)/.test(location.hostname)
      ? h("p", { class: "muted" }, "This coach is served for this computer only: a phone reaches it once it is "
        + "served for your network (backrub serve --host 0.0.0.0 with a certificate; everyone signs in).")
      : null,
    h("p", { class: "muted", id: "breath-said" }, "No sensor yet: the pacer follows the counted rate."),
    h("button", { type: "button", class: "link", id: "breath-close" }, "Close"));
  const button = h("button", { type: "button", class: "icon-button", id: "breath-open", "aria-expanded": "false" },
    h("span", { class: "wide" }, "Breath "), "sensor");
  const said = panel.querySelector("#breath-said");
  const toggle = (open) => {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open && !qr.src) qr.src = `/api/sessions/${sessionId}/sensor.svg`;
  };
  button.addEventListener("click", () => toggle(panel.hidden));
  panel.querySelector("#breath-close").addEventListener("click", () => toggle(false));
  bar.insertBefore(chip, bar.querySelector(".spacer"));
  bar.insertBefore(button, bar.querySelector(".spacer")?.nextSibling || null);
  bar.after(panel);

  function onMessage(msg) {
    const now = performance.now();
    probe.received++;
    if (msg.t) {
      probe.latencies.push(performance.timeOrigin + now - msg.t);
      if (probe.latencies.length > LATENCIES_KEPT) probe.latencies.shift();
    }
    lock = onReading(lock, msg, now);
    const text = msg.state === "locked" ? `${msg.rate_bpm?.toFixed(1)} breaths a minute, sensed` : SAID[msg.state] || "";
    if (text !== lastSaid) {
      lastSaid = text;
      said.textContent = `Sensor: ${text}`;
      chip.hidden = false;
      chip.textContent = msg.state === "locked" ? `Breath ${msg.rate_bpm?.toFixed(1)}/min` : `Breath: ${msg.state}`;
      chip.classList.toggle("locked", msg.state === "locked");
    }
  }

  /** The sensed breath for this frame: {p: pacer phase, phase, breaths}, or null. */
  function beat(routine) {
    const now = performance.now(), bpm = routine.intake?.breaths_per_minute || 12;
    let sensed, rate;
    [lock, sensed] = sensedAt(lock, now);
    probe.locked = sensed !== null;
    probe.phase = sensed?.phase ?? null;
    [lock, rate] = retimeWanted(lock, now, bpm);
    if (rate !== null) { probe.retimes.push(rate); send({ type: "retime", breaths_per_minute: rate }); }
    if (!sensed) {
      if (lock.reading && !locked(lock, now) && lock.reading.state === "locked") chip.textContent = "Breath: lost";
      return null;
    }
    return { p: pacerPhase(sensed.phase), phase: sensed.phase, breaths: sensed.breaths };
  }

  /** The hands on `step`, `t` s into it: wave.js's handsOn with the rates the routine was timed at. */
  function hands(routine, step, t, closed, sensed) {
    const bpm = routine.intake?.breaths_per_minute || 12;
    if (rates[0] !== bpm) rates = [bpm, ...rates.filter((r) => r !== bpm)].slice(0, RATES_KEPT);
    const at = handsOn({ path: step.path, closed, rep: step.seconds / step.reps, t, rates, sensed,
      paced: !step.device && pacedByBreath(step.cue) });
    probe.breathsPerStroke = at.n;
    return at;
  }

  return { onMessage, beat, hands };
}
