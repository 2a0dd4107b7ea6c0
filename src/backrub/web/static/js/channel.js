// The live channel: a WebSocket that reconnects by itself and never drops what the user did.
// Every message gets a seq and waits in an outbox kept in localStorage until the server
// acknowledges it (it is stored then); after a reconnect the outbox is sent again. The browser sends
// the login cookie with the WebSocket's handshake (same origin), so nothing more is needed for accounts.

import { goSignIn } from "./api.js";

const BACKOFF_MS = [200, 400, 800, 1500, 2500];

export class Channel {
  constructor(sessionId, { onMessage, onOnline, resync }) {
    this.id = sessionId;
    this.onMessage = onMessage;
    this.onOnline = onOnline || (() => {});
    this.resync = resync || (async () => {});
    this.key = `backrub.outbox.${sessionId}`;
    this.outbox = JSON.parse(localStorage.getItem(this.key) || "[]");
    this.seq = Number(localStorage.getItem(`${this.key}.seq`) || 0);
    this.version = null;  // of the session as this page holds it: the server catches it up on connect
    this.ws = null;
    this.tries = 0;
    this.closed = false;
    this.online = false;
  }

  // The next seq starts past anything the server already holds (another tab, a cleared store).
  seenSeq(max) {
    if (max >= this.seq) this.seq = max + 1;
  }

  seenVersion(v) {
    if (Number.isInteger(v) && (this.version === null || v > this.version)) this.version = v;
  }

  start(needResync = false) {
    this._open(needResync);
  }

  stop() {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  send(message) {
    const item = { ...message, seq: this.seq++ };
    localStorage.setItem(`${this.key}.seq`, String(this.seq));
    this.outbox.push(item);
    this._save();
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(item));
    return item.seq;
  }

  pending() {
    return this.outbox.length;
  }

  _save() {
    localStorage.setItem(this.key, JSON.stringify(this.outbox));
  }

  _drop(seq) {
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((m) => m.seq !== seq);
    if (this.outbox.length !== before) this._save();
  }

  async _open(needResync) {
    if (this.closed) return;
    if (needResync) {
      try {
        await this.resync();
      } catch {
        return this._retry();  // the server is not back yet
      }
    }
    if (this.closed) return;
    // A replan comes as the routine's changed tail (`tail=1`): the page splices it onto its copy,
    // or reads the session back when its copy is not the one the change was made from (live.js).
    const since = this.version === null ? "" : `&version=${this.version}`;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/sessions/${this.id}/live?tail=1${since}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.tries = 0;
      this._setOnline(true);
      for (const item of this.outbox) ws.send(JSON.stringify(item));
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg.type === "ack" || (msg.type === "error" && msg.seq != null)) this._drop(msg.seq);
      this.seenVersion(msg.status?.version);
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this._setOnline(false);
      if (ev.code === 4404) { this.closed = true; this.onMessage({ type: "error", code: "not_found" }); return; }
      if (ev.code === 4401) { this.closed = true; goSignIn(); return; }  // the login ended: sign in, come back
      if (ev.code === 4403) { this.closed = true; this.onMessage({ type: "error", code: "forbidden",
        message: "The coach refused this page's connection: open the coach from its own address." }); return; }
      this._retry();
    };
  }

  _retry() {
    if (this.closed) return;
    const wait = BACKOFF_MS[Math.min(this.tries++, BACKOFF_MS.length - 1)];
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this._open(true), wait);
  }

  _setOnline(online) {
    if (this.online !== online) { this.online = online; this.onOnline(online); }
  }
}
