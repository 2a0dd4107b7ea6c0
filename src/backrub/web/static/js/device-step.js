// The handheld massager during a live step: its setting in words, a timer for the area it is on, and,
// before the hands go back on, a reminder to switch it off and put it down. Hidden on hand steps.

import { h } from "./dom.js";
import { voice } from "./voice.js";
import { clock } from "./words.js";

const HEADS = { round: "round head", flat: "flat head", cushion: "soft cushion head", bullet: "pointed head",
  fork: "fork head", wedge: "wedge head" };
const SWITCH_OFF_S = 10;  // the reminder grows urgent in the last seconds of the last device step

const STYLE = `
.device-panel { border: 2px solid #1f8a70; border-radius: 12px; padding: 10px 12px; margin: 8px 0;
  background: #eef8f4; color: #123; }
.device-panel[hidden] { display: none; }
.device-panel .device-setting { font-size: 1.25rem; font-weight: 700; margin: 0 0 4px; }
.device-panel .device-timer { display: flex; align-items: center; gap: 8px; font-variant-numeric: tabular-nums; }
.device-panel .device-bar { flex: 1; height: 10px; background: #cde9df; border-radius: 5px; overflow: hidden; }
.device-panel .device-bar i { display: block; height: 100%; width: 0; background: #1f8a70; }
.device-panel .device-detail { margin: 6px 0 0; font-size: 0.95rem; }
.device-panel .device-off { margin: 0 0 8px; padding: 6px 8px; border-radius: 8px; background: #fff3cd;
  font-weight: 600; }
.device-panel .device-off.now { background: #c2372d; color: #fff; }
`;

export class DevicePanel {
  constructor() {
    if (!document.getElementById("device-step-style")) {
      document.head.append(h("style", { id: "device-step-style" }, STYLE));
    }
    this.setting = h("p", { class: "device-setting", id: "device-setting" });
    this.detail = h("p", { class: "device-detail", id: "device-detail" });
    this.left = h("span", { id: "device-left" });
    this.bar = h("i");
    this.off = h("p", { class: "device-off", id: "device-off", hidden: true, role: "alert" },
      "Next the hands go on: switch the massager off and put it down first.");
    // The reminder comes first: on a phone the feedback buttons cover the bottom of the page.
    this.el = h("div", { class: "device-panel", id: "device-panel", hidden: true, "aria-live": "polite" },
      this.off, this.setting,
      h("div", { class: "device-timer" }, h("div", { class: "device-bar" }, this.bar), this.left),
      this.detail);
    this.step = null;
    this.last = false;
    this.shownSecond = -1;
  }

  // Show the device step k of `steps` (or hide the panel on a hand step).
  show(steps, k) {
    const step = steps[k];
    const d = step && step.device;
    this.step = d ? step : null;
    this.el.hidden = !d;
    this.shownSecond = -1;
    if (!d) return;
    const next = steps[k + 1];
    this.last = !next || !next.device;
    this.setting.textContent = `Massager: speed ${d.speed} · ${Math.round(d.per_minute).toLocaleString("en")}/min`;
    this.detail.textContent = `${HEADS[d.attachment] || d.attachment}, heat ${d.heat ? "on" : "off"}, ` +
      `${step.side} side. Keep it moving; never on the spine or bone.`;
    this.off.hidden = !this.last;
    this.off.classList.remove("now");
    this.tick(0);
  }

  // Seconds `t` into the current step: the per-area countdown, and the switch-off reminder.
  tick(t) {
    const step = this.step;
    if (!step) return;
    const area = step.device.seconds_per_area;
    const spent = Math.min(Math.max(t, 0), area);
    this.bar.style.width = `${((100 * spent) / area).toFixed(1)}%`;
    const second = Math.floor(spent);
    if (second === this.shownSecond) return;
    this.shownSecond = second;
    this.left.textContent = `${clock(area - spent)} left on this area`;
    if (!this.last) return;
    const urgent = area - spent <= SWITCH_OFF_S;
    if (urgent && !this.off.classList.contains("now")) voice.say("Switch the massager off and put it down.");
    this.off.classList.toggle("now", urgent);
  }
}
