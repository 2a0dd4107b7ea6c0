// Calls to the coach's HTTP API. Errors come back as {status, detail, body}.

export class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.detail = Array.isArray(body?.detail) ? body.detail : [];
  }
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await res.json(); } catch { data = null; }
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
  if (err?.status === 409) return err.body?.reasons || ["No plan could be made."];
  if (!err?.detail?.length) return ["Something went wrong talking to the coach. Please try again."];
  return err.detail.map((d) => {
    const where = (d.loc || []).slice(1).join(".").replaceAll(".0", "[0]");
    return where ? `${where.replaceAll("_", " ")}: ${d.msg}` : d.msg;
  });
}
