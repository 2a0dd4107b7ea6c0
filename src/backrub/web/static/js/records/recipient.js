// One recipient (/recipients#<id>): who they are (conditions, standing spots on the back, preferences
// and why), what the last sessions taught, starting a session, comfort care, history, upkeep.

import { h } from "../dom.js";
import { GOALS } from "../words.js";
import { records } from "./api.js";
import { careSection } from "./care.js";
import { chartWith, loadMap, spotWords } from "./chart.js";
import { historySection, manageSection } from "./history.js";
import { proposalList } from "./proposals.js";
import { sessionStarter } from "./session-start.js";
import { PREFERENCE_WORDS, standingWords } from "./words.js";

export async function mountRecipient(root, rid, { focus = null } = {}) {
  const [data, me] = await Promise.all([records.get(rid), records.me()]);
  let recipient = data.recipient;
  let map = await loadMap(recipient.preferences.body, recipient.spots);
  document.title = `${recipient.name} · backrub`;

  const title = h("h1", {}, recipient.name);
  const about = h("section", { class: "card about", id: "about", "aria-label": "About them" });
  const starter = sessionStarter(rid);
  const drawAbout = () => about.replaceChildren(...aboutParts(recipient, map).filter(Boolean));

  // After the record changed (a proposal confirmed, the form saved): redraw what shows it.
  const reread = async () => {
    const fresh = await records.get(rid);
    recipient = fresh.recipient;
    map = await loadMap(recipient.preferences.body, recipient.spots);
    title.textContent = recipient.name;
    drawAbout();
    starter.setRecipient(recipient);
    const next = makeManage();
    manage.replaceWith(next);
    manage = next;
  };

  const learned = data.proposals.length ? h("section", { class: "card wide taught", id: "taught", "aria-labelledby": "taught-title" },
    h("h2", { id: "taught-title" }, "What the last sessions taught"),
    h("p", { class: "muted" }, "Nothing changes on the record until you confirm."),
    proposalList(data.proposals, { onDecided: (p) => { if (p.status === "confirmed") reread(); } })) : null;

  // The edit form starts from the record as it is now: rebuilt whenever the record changes.
  const makeManage = () => manageSection(recipient, { accounts: Boolean(me?.accounts), onSaved: reread });
  let manage = makeManage();

  root.replaceChildren(h("div", { class: "records one", "data-recipient": rid },
    h("p", {}, h("a", { href: "#", class: "link" }, "← All recipients")),
    h("div", { class: "title-row" }, title, recipient.shared ? h("span", { class: "tag" }, "shared with you") : null),
    learned,
    h("div", { class: "rec-grid" },
      about,
      h("section", { class: "card", id: "start", "aria-labelledby": "start-title" },
        h("h2", { id: "start-title" }, "Start a session"), starter.node)),
    careSection(rid, data, map, { open: focus === "care" }),
    historySection(recipient, data.sessions),
    manage));
  drawAbout();
  starter.setRecipient(recipient);
  if (focus === "care") {
    const care = document.getElementById("care-title");
    care.scrollIntoView({ block: "start" });
    care.focus({ preventScroll: true });
  }
}

function aboutParts(r, map) {
  const chartBox = h("div", { class: "chart about-chart" });
  const chart = chartWith(chartBox, map, r.spots, { label: `${r.name}'s back, with the places marked on the record` });
  const prefs = Object.entries(r.preferences).filter(([k]) => k !== "body");
  return [
    h("h2", {}, "About them"),
    r.conditions.length
      ? h("ul", { class: "conditions", id: "conditions" }, r.conditions.map((c) => h("li", { "data-condition": c }, standingWords(c))))
      : h("p", { class: "muted", id: "conditions" }, "No standing conditions."),
    r.cleared_by_clinician ? h("p", { class: "cleared" }, "A clinician has cleared gentle back massage.") : null,
    r.notes ? h("p", { class: "record-notes" }, r.notes) : null,
    h("h3", {}, "Preferences"),
    prefs.length
      ? h("ul", { class: "prefs", id: "prefs" }, prefs.map(([k, v]) => h("li", { "data-pref": k },
        h("strong", {}, `${PREFERENCE_WORDS[k] || k}: ${shown(k, v)}`),
        h("span", { class: "why" }, ` — ${r.reasons[k] || "set on the record"}`))))
      : h("p", { class: "muted", id: "prefs" }, "None yet: the coach's defaults apply."),
    h("h3", {}, "Places on the back"),
    chartBox,
    r.spots.length
      ? h("ul", { class: "spot-list", id: "standing-spots" }, r.spots.map((s) => h("li", {},
        h("span", { class: `dot ${s.kind}` }), h("span", { class: "grow" }, spotWords(s, chart),
          s.source || s.note ? h("span", { class: "muted block" }, s.source || s.note) : null))))
      : h("p", { class: "muted", id: "standing-spots" }, "None marked."),
  ];
}

function shown(key, value) {
  if (key === "goal") return (GOALS.find(([g]) => g === value)?.[1] || value).toLowerCase();
  if (Array.isArray(value)) return value.map((v) => String(v).replaceAll("_", " ")).join(", ");
  return String(value).replaceAll("_", " ");
}
