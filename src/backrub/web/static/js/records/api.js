// The records API (recipients, learning, comfort care, accounts), on js/api.js's `call`.

import { call, whoami } from "../api.js";

const enc = encodeURIComponent;

export const records = {
  me: () => whoami(),
  list: () => call("GET", "/api/recipients"),
  add: (body) => call("POST", "/api/recipients", body),
  get: (rid) => call("GET", `/api/recipients/${rid}`),
  update: (rid, body) => call("PATCH", `/api/recipients/${rid}`, body),
  remove: (rid) => call("DELETE", `/api/recipients/${rid}`),
  share: (rid, username) => call("PUT", `/api/recipients/${rid}/shares/${enc(username)}`),
  unshare: (rid, username) => call("DELETE", `/api/recipients/${rid}/shares/${enc(username)}`),
  nextIntake: (rid, today) => call("POST", `/api/recipients/${rid}/next-intake`, today),
  startSession: (rid, today) => call("POST", `/api/recipients/${rid}/sessions`, today),
  due: () => call("GET", "/api/care/due"),
  setSchedule: (rid, body) => call("PUT", `/api/recipients/${rid}/schedule`, body),
  skinCheck: (rid, body) => call("POST", `/api/recipients/${rid}/skin-checks`, body),
  learn: (sid) => call("POST", `/api/sessions/${sid}/learn`),
  decide: (pid, confirm) => call("POST", `/api/proposals/${pid}`, { confirm }),
};

// The message of an error answer whose detail is one line (404, 409), or a fallback.
export function detailText(err, fallback = "Something went wrong talking to the coach. Please try again.") {
  const d = err?.body?.detail;
  return typeof d === "string" ? d : fallback;
}
