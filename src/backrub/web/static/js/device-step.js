// The handheld massager during a live step: its setting in words, a timer for the area it is on, and,
// before the hands go back on, a reminder to switch it off and put it down. Hidden on hand steps.

import { h } from "./dom.js";
import { voice } from "./voice.js";
import { clock } from "./words.js";

const HEADS = { round: "round head", flat: "flat head", cushion: "soft cushion head", bullet: "pointed head",
  fork: "fork head", wedge: "wedge head" };
const SWITCH_OFF_S = 10;  // the reminder grows urgent in the last seconds of the last device step


export class DevicePanel {
  // Its look is in app.css: the pages' CSP refuses a <style> made by a script.
  constructor() {
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
