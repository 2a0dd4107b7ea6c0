// The records hub (/recipients): comfort rubs due now, every recipient, and a form to add one.

import { card, h } from "../dom.js";
import { records } from "./api.js";
import { recipientForm } from "./recipient-form.js";
import { standingWords, lateness, when } from "./words.js";

const DRAFT = "backrub.recipient.draft";

export async function mountHub(root) {
  const [people, due] = await Promise.all([records.list(), records.due().catch(() => [])]);

  const dueCard = due.length ? h("section", { class: "card due", id: "due", "aria-labelledby": "due-title" },
    h("h2", { id: "due-title" }, "Due now"),
    h("p", { class: "muted" }, "Comfort rubs whose time has come, the longest waiting first."),
    h("ul", { class: "due-list" }, due.map((d) => h("li", { "data-recipient": d.recipient_id },
      h("div", { class: "due-who" },
        h("strong", {}, d.name),
        h("span", { class: d.overdue_min >= 30 ? "late" : "muted" },
          `${lateness(d.overdue_min)} · set for ${when(d.due_at)}`),
        h("span", { class: "muted" }, d.last_rub ? `last rub ${when(d.last_rub)}` : "no rub yet")),
      h("a", { class: "button primary", href: `#${d.recipient_id}/care` }, "Check skin and start"))))) : null;

  const list = people.length === 0
    ? h("p", { id: "none", class: "muted" }, "No recipients yet. Add the first one below.")
    : h("ul", { id: "recipients", class: "people" }, people.map((p) =>
      h("li", {},
        h("a", { href: `#${p.id}` }, p.name),
        p.shared ? h("span", { class: "tag" }, "shared with you") : null,
        p.conditions.length ? h("span", { class: "muted conds" }, p.conditions.map(standingWords).join(" · ")) : null)));

  const { form } = recipientForm({
    draftKey: DRAFT,
    submitLabel: "Add",
    onSave: async (body) => {
      const added = await records.add(body);
      location.hash = `#${added.id}`;
    },
  });

  root.replaceChildren(h("div", { class: "records" },
    h("h1", {}, "Recipients"),
    dueCard,
    h("div", { class: "rec-grid" },
      h("section", { class: "card", "aria-labelledby": "people-title" }, h("h2", { id: "people-title" }, "Everyone you look after"), list),
      card("Add a recipient", form))));
}
