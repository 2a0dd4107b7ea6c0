// Comfort care for one recipient: when rubs fall due, the skin check before each (reddened or
// broken places tapped on the chart become no-touch spots for the rub), the rub, the history.

import { BackMap } from "../backmap.js";
import { h } from "../dom.js";
import { records, detailText } from "./api.js";
import { drawable, placeWords, thumbnail } from "./chart.js";
import { checkbox, field, problemBox, showProblems, clearProblems } from "./form.js";
import { openLive, showRefusal } from "./session-start.js";
import { MARK_KINDS, markWords, plural, when } from "./words.js";

const FRESH_MS = 30 * 60 * 1000;  // a rub may start from a skin check this recent (records/comfort.py)

export function careSection(rid, { schedule, skin_checks: checks }, map, { open = false } = {}) {
  let latest = checks[0] || null;
  const root = h("section", { class: "card wide care", id: "care", "aria-labelledby": "care-title" },
    h("h2", { id: "care-title", tabindex: "-1" }, "Comfort care"),
    h("p", { class: "muted" }, "Short back rubs at set times for someone who spends the day in bed, with a look at the skin before each."));
  // Folded away for someone who does not have it, until asked for.
  const body = h("details", { class: "care-body", id: "care-body", open: open || Boolean(schedule) || checks.length > 0 },
    h("summary", {}, "Rubs, skin checks and their history"));
  root.append(body);

  // -- when rubs are due -------------------------------------------------------------------------
  const nextDue = h("p", { class: "next-due", id: "next-due" });
  const showDue = (s) => {
    if (!s) { nextDue.textContent = "No schedule yet."; return; }
    if (!s.active) { nextDue.textContent = "The schedule is paused."; return; }
    const late = s.next_due && new Date(s.next_due) <= new Date(Date.now() + 15 * 60 * 1000);
    nextDue.replaceChildren(late ? h("strong", { class: "late" }, "A rub is due now. ") : "",
      `Next rub: ${when(s.next_due)}, then every ${plural(s.every_hours, "hour")}.`);
  };
  const every = h("input", { type: "number", name: "every_hours", min: 1, max: 24, step: 0.5, inputmode: "decimal",
    value: schedule?.every_hours ?? 4 });
  const rubMinutes = h("input", { type: "number", name: "rub_minutes", min: 3, max: 10, step: 1, inputmode: "numeric",
    value: schedule?.rub_minutes ?? 8 });
  const startsAt = h("input", { type: "datetime-local", name: "starts_at", value: schedule ? localInput(schedule.starts_at) : "" });
  const active = checkbox("active", "Rubs are due (untick to pause)", schedule ? schedule.active : true);
  const saveSchedule = h("button", { type: "submit", id: "schedule-save" }, schedule ? "Save the schedule" : "Set the schedule");
  const scheduleForm = h("form", { class: "schedule-form", id: "schedule-form", novalidate: true },
    problemBox(),
    h("div", { class: "pair" },
      field("every_hours", "Every (hours)", every),
      field("rub_minutes", "Each rub (minutes)", rubMinutes)),
    field("starts_at", "Starting at", startsAt, { hint: "Empty: from now." }),
    h("div", { class: "field", "data-path": "active" }, active, h("p", { class: "field-error", role: "alert", hidden: true })),
    h("div", { class: "actions" }, saveSchedule));
  scheduleForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { every_hours: every.value === "" ? 4 : Number(every.value),
      rub_minutes: rubMinutes.value === "" ? 8 : Number(rubMinutes.value),
      active: active.querySelector("input").checked };
    if (startsAt.value) body.starts_at = new Date(startsAt.value).toISOString();
    saveSchedule.disabled = true;
    try {
      schedule = await records.setSchedule(rid, body);
      clearProblems(scheduleForm);
      saveSchedule.textContent = "Save the schedule";
      startsAt.value = localInput(schedule.starts_at);
      showDue(schedule);
    } catch (err) {
      showProblems(scheduleForm, err.detail, { fallback: err.detail?.length ? [] : [detailText(err)] });
    } finally {
      saveSchedule.disabled = false;
    }
  });

  // -- the skin check ------------------------------------------------------------------------------
  let kind = "redness";
  let marks = [];
  const kinds = h("div", { class: "chips kinds", role: "group", "aria-label": "What to mark" },
    MARK_KINDS.map(([id, title, note]) => h("button", {
      type: "button", class: `chip kind ${id === "broken" ? "wound" : id}`, "data-mark-kind": id,
      "aria-pressed": String(id === kind), title: note || null,
      onclick: () => { kind = id; kinds.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.markKind === id))); },
    }, title)));
  const chartBox = h("div", { class: "chart skin-chart" });
  const chart = new BackMap(chartBox, { label: "Skin check: tap where the skin is reddened or broken" });
  chart.setMap({ ...map, no_touch: [] });
  const markList = h("ul", { class: "spot-list", id: "skin-marks" });
  const drawMarks = () => {
    chart.drawMarks(drawable(marks.map((m) => ({ ...m, kind: m.kind === "broken" ? "wound" : m.kind })), map), removeMark);
    markList.replaceChildren(...marks.map((m, i) => h("li", {},
      h("span", { class: `dot ${m.kind === "broken" ? "wound" : m.kind}` }),
      h("span", { class: "grow" }, `${markWords(m.kind)} — ${placeWords(m, chart)}`),
      h("button", { type: "button", class: "link", onclick: () => removeMark(i) }, "remove"))));
    if (!marks.length) markList.append(h("li", { class: "muted" }, "Nothing marked: the skin looks fine."));
  };
  const removeMark = (i) => { marks = marks.filter((_, k) => k !== i); drawMarks(); };
  chart.svg.addEventListener("click", (ev) => {
    const at = chart.toCm(ev);
    if (!chart.zoneAt(at.x_cm, at.y_cm)) return;
    marks = [...marks, { kind, at, radius_cm: 3 }];
    drawMarks();
  });
  // The same without a pointer: a place from a list.
  const place = h("select", { id: "skin-place" }, h("option", { value: "" }, "Choose a place…"),
    map.zones.map((z) => h("option", { value: z.id }, placeWords({ zone: z.id }, chart))));
  const addPlace = h("button", { type: "button", onclick: () => {
    if (!place.value) return;
    marks = [...marks, { kind, zone: place.value }];
    place.value = "";
    drawMarks();
  } }, "Mark it");
  const notes = h("textarea", { rows: 2, placeholder: "How the skin looks, anything to tell the nurse" });
  const saveCheck = h("button", { type: "submit", class: "primary", id: "skin-save" }, "Save the skin check");
  const checked = h("p", { class: "saved left", id: "skin-saved", "aria-live": "polite" });
  const skinForm = h("form", { class: "skin-form", id: "skin-form", novalidate: true },
    problemBox(),
    h("p", { class: "muted" }, "Look at the whole back. Pick what you see, then tap the place. Tap a mark to remove it."),
    h("div", { "data-path": "marks" }, kinds, chartBox,
      h("div", { class: "place-pick" }, h("label", { for: "skin-place" }, "Or pick the place:"), place, addPlace),
      markList, h("p", { class: "field-error", role: "alert", hidden: true })),
    field("notes", "Notes", notes),
    h("div", { class: "actions" }, saveCheck), checked);
  skinForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    saveCheck.disabled = true;
    try {
      const check = await records.skinCheck(rid, { marks, notes: notes.value });
      clearProblems(skinForm);
      latest = check;
      checks = [check, ...checks];
      marks = [];
      notes.value = "";
      drawMarks();
      drawHistory();
      canRub();
      checked.textContent = `Skin checked at ${when(check.checked_at)}${check.marks.length
        ? `: ${plural(check.marks.length, "place")} left out of the rub.` : "."}`;
      startRub.focus();
    } catch (err) {
      showProblems(skinForm, err.detail, { fallback: err.detail?.length ? [] : [detailText(err)] });
    } finally {
      saveCheck.disabled = false;
    }
  });

  // -- the rub -------------------------------------------------------------------------------------
  const startRub = h("button", { type: "button", class: "primary big", id: "start-rub" }, "Start comfort rub");
  const rubNote = h("p", { class: "muted", id: "rub-note" });
  const rubProblem = h("div", { class: "kind-words", role: "alert", hidden: true, id: "rub-problem" });
  const canRub = () => {
    const fresh = latest && Date.now() - new Date(latest.checked_at).getTime() < FRESH_MS;
    startRub.disabled = !fresh;
    rubNote.textContent = fresh ? `From the skin check of ${when(latest.checked_at)}.` : "Check the skin first (above).";
  };
  startRub.addEventListener("click", async () => {
    startRub.disabled = true;
    rubProblem.hidden = true;
    try {
      const today = { goal: "comfort_care" };
      if (schedule) today.minutes = schedule.rub_minutes;
      openLive(await records.startSession(rid, today));
    } catch (err) {
      canRub();
      if (err.status === 409) { showRefusal(rubProblem, err); return; }
      rubProblem.hidden = false;
      rubProblem.replaceChildren(h("ul", {}, (err.detail?.length ? err.detail.map((d) => d.msg) : [detailText(err)])
        .map((m) => h("li", {}, m))));
    }
  });

  // -- history of skin checks ----------------------------------------------------------------------
  const history = h("ul", { class: "skin-history", id: "skin-history" });
  const drawHistory = () => {
    history.replaceChildren(...checks.map((c) => h("li", { "data-check": c.id },
      thumbnail(map, c.marks, "Marks of this skin check"),
      h("div", {},
        h("strong", {}, when(c.checked_at)),
        c.marks.length
          ? h("ul", { class: "plain" }, c.marks.map((m) => h("li", {}, h("span", { class: `dot ${m.kind}` }), ` ${markWords(m.kind)} — ${placeWords(m, chart)}`)))
          : h("p", { class: "muted" }, "Nothing marked."),
        c.notes ? h("p", { class: "check-notes" }, c.notes) : null))));
    if (!checks.length) history.append(h("li", { class: "muted" }, "No skin checks yet."));
  };

  const scheduleBox = h("details", { class: "edit", id: "schedule", open: !schedule },
    h("summary", {}, "When rubs are due"), scheduleForm);
  body.append(nextDue, scheduleBox, h("div", { class: "rec-grid inner" },
    h("div", {}, h("h3", {}, "Skin check"), skinForm, h("div", { class: "rub" }, startRub, rubNote, rubProblem)),
    h("div", {}, h("h3", {}, "Earlier skin checks"), history)));
  showDue(schedule);
  drawMarks();
  drawHistory();
  canRub();
  return root;
}

// An ISO time as a datetime-local input's value, in this computer's time.
function localInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
