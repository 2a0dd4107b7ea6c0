// Calls to the coach's HTTP API. Errors come back as {status, detail, body}.
// When the coach has accounts: every change carries the CSRF token of the login (X-CSRF-Token), and
// an answer 401 ("sign in first") sends the browser to /signin, then back here.

export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.detail = Array.isArray(body?.detail) ? body.detail : [];
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const NOBODY = { accounts: false, username: null, csrf: null };
let me = null;

// Who is signed in here: {accounts, username, csrf}, asked once per page.
export function whoami({ fresh = false } = {}) {
  if (fresh || me === null) {
    me = fetch("/api/auth/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((res) => (res.ok ? res.json() : NOBODY))
      .catch(() => NOBODY);
  }
  return me;
}

// The sign-in page, coming back to `next` (this page by default) once signed in.
export function signInUrl(next = location.pathname + location.search + location.hash) {
  return `/signin?next=${encodeURIComponent(next)}`;
}

export function goSignIn() {
  location.assign(signInUrl());
}

async function send(method, url, body) {
  const headers = body === undefined ? {} : { "Content-Type": "application/json" };
  if (!SAFE.has(method)) {
    const { csrf } = await whoami();
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  return fetch(url, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// Any call: the JSON answer (null when there is none), or an ApiError.
export async function call(method, url, body) {
  let res = await send(method, url, body);
  if (res.status === 403 && !SAFE.has(method)) {
    // The login may have changed in another tab since this page asked: ask again, try once more.
    const before = (await whoami()).csrf;
    const after = (await whoami({ fresh: true })).csrf;
    if (after && after !== before) res = await send(method, url, body);
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (res.status === 401) goSignIn();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  screen: (intake) => call("POST", "/api/screen", intake),
  plan: (intake) => call("POST", "/api/plan", intake),
  map: (intake) => call("POST", "/api/map", intake),
  startSession: (intake) => call("POST", "/api/sessions", intake),
  session: (id) => call("GET", `/api/sessions/${id}`),
};

// A message per problem, with the field in plain words.
export function problemLines(err) {
  if (err instanceof TypeError) {  // fetch could not reach the server at all
    return ["The coach's server cannot be reached just now. Check the connection and try again; your answers are kept."];
  }
  if (err?.status === 409) return err.body?.reasons || ["No plan could be made."];
  if (err?.status === 401) return ["Please sign in first."];
  if (typeof err?.body?.detail === "string") return [err.body.detail];
  if (!err?.detail?.length) return ["Something went wrong talking to the coach. Please try again."];
  return err.detail.map((d) => {
    const where = (d.loc || []).slice(1).join(".").replaceAll(".0", "[0]");
    return where ? `${where.replaceAll("_", " ")}: ${d.msg}` : d.msg;
  });
}
