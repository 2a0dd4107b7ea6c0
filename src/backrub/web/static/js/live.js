// The live session: the current step's path with hands moving at the planned pace, a breath
// pacer the strokes follow, the cue in large type and spoken, and big feedback targets.
// The server replans the rest on feedback; the page redraws what it sends.

import { api } from "./api.js";
import { BackMap, cumulative, placeHand, pointAlong } from "./backmap.js";
import { mountBreath } from "./breath/coach.js";
import { Channel } from "./channel.js";
import { DevicePanel } from "./device-step.js";
import { h } from "./dom.js";
import { activeSession } from "./state.js";
import { themeButton } from "./theme.js";
import { voice } from "./voice.js";
import { PHASES, PRESSURE_COLOURS, clock, zoneWords } from "./words.js";
import { breathAt, elapsedAt, initialState, pacerAt, positionAt, replanned, routineOf, shownStep, softerAtOnce,
  stateSeen, stepAt, withClock, withPicking, withRoutine } from "./live-state.js";

export function mountLive(root, { go, params }) {
  const id = params[0];
  const reduced = matchMedia("(prefers-reduced-motion: reduce)");
  // The page's state, replaced (never edited) by the pure functions of live-state.js.
  let state = initialState();
  // What is drawn and held, not state: the hands' elements and their paths, the frame, the screen lock.
  let hands = [], handsKey = "", geometry = [], lastSecond = -1, frame = 0, stopped = false, wake = null;
  const written = new Map();  // the transforms last set on the pacer and the bars
  // What tests and benchmarks read; exposed only to a browser driven by automation, never to a user.
  const probe = { version: 0, step: -1, redrawnAt: 0, frames: 0, readBack: 0, routine: () => state.routine };
  if (navigator.webdriver) window.backrubLive = probe;

  // -- the page ------------------------------------------------------------------------------
  const chartBox = h("div", { class: "chart live-chart" });
  const map = new BackMap(chartBox, { label: "The back, with the current stroke" });
  // Above the chart, never on it: the shoulders and the base of the neck stay tappable.
  // Or by name, for a keyboard or a screen reader: the places of the back in words.
  const placeSelect = h("select", { id: "pain-zone", "aria-label": "Where it hurts" });
  const placeGo = h("button", { type: "button", class: "link", id: "pain-zone-go" }, "That place");
  const prompt = h("div", { class: "pick-prompt", id: "pick-prompt", hidden: true, role: "status" },
    h("span", {}, "Tap where it hurts"),
    h("button", { type: "button", class: "link", onclick: () => setPicking(false) }, "Cancel"),
    h("span", { class: "pick-by-name" }, "or ", placeSelect, placeGo));
  // What the coach changed, said in the page's flow (a floating notice would cover the stroke).
  const notice = h("p", { class: "live-notice", id: "live-notice", "aria-live": "polite" });
  const phase = h("p", { class: "phase-name", id: "phase" });
  const title = h("h1", { class: "cue-title", id: "cue-title", tabindex: "-1" });
  const cue = h("p", { class: "cue folded", id: "cue", "aria-live": "polite" });
  // On a phone a long cue is folded to three lines, so the pacer and the timers stay above the
  // buttons; "More" unfolds it (the whole cue is still read out and spoken).
  const cueMore = h("button", { type: "button", class: "link cue-more", id: "cue-more", "aria-controls": "cue",
    "aria-expanded": "false", hidden: true }, "More");
  const device = new DevicePanel();  // the massager's setting and area timer on device steps
  const stepLeft = h("span", { id: "step-left" });
  const allLeft = h("span", { id: "all-left" });
  const stepBar = h("i"), allBar = h("i");
  const pacerDot = h("div", { class: "pacer-dot" });
  const pacerWord = h("span", { class: "pacer-word" }, "");
  const pacer = h("div", { class: "pacer", "aria-hidden": "true" }, h("div", { class: "pacer-ring" }, pacerDot), pacerWord);
  // On a phone the connection shows as a dot while all is well (its words are read out), and in
  // words when it is lost; the buttons keep the first word of their labels (see .wide in app.css).
  const connText = h("span", { class: "conn-text" }, "Connecting…");
  const conn = h("span", { class: "conn", id: "conn" }, connText);
  const muteState = h("span", { class: "wide" }, voice.muted ? " off" : " on");
  const mute = h("button", { type: "button", class: "icon-button", id: "mute", "aria-pressed": String(voice.muted) },
    "Sound", muteState);
  const pauseB = bigButton("pause", "Pause", "Space");
  const buttons = h("div", { class: "feedback" },
    bigButton("softer", "Softer", "S"), bigButton("firmer", "Firmer", "F"), bigButton("pain", "Pain here", "P"),
    pauseB, bigButton("skip", "Skip", "N"));
  // The pain button sits between softer/firmer and pause/skip on every screen size.
  const finish = h("a", { href: `#/end/${id}`, class: "link", id: "finish" }, "Finish now");

  const page = h("div", { class: "live", id: "live" },
    h("div", { class: "live-top" }, conn, h("span", { class: "spacer" }), themeButton(), mute, finish),
    h("div", { class: "live-grid" },
      h("div", { class: "stage" }, prompt, chartBox),
      h("div", { class: "side" }, phase, title, cue, cueMore, notice, device.el,
        h("div", { class: "meta" }, pacer, h("div", { class: "timers" },
          h("div", { class: "bar" }, stepBar), stepLeft, h("div", { class: "bar" }, allBar), allLeft)),
        buttons)));
  root.replaceChildren(page);
  const sensor = mountBreath(page.querySelector(".live-top"), id, (m) => channel.send(m));  // a phone on their back

  // Fold the cue again and offer "More" only when it is cut; measured at the next frame, when the
  // page lays itself out anyway (a measure now would force a second layout).
  function fold() {
    cue.classList.add("folded");
    cueMore.setAttribute("aria-expanded", "false");
    cueMore.textContent = "More";
    requestAnimationFrame(() => { cueMore.hidden = cue.scrollHeight <= cue.clientHeight + 1; });
  }
  cueMore.addEventListener("click", () => {
    const open = cue.classList.toggle("folded") === false;
    cueMore.setAttribute("aria-expanded", String(open));
    cueMore.textContent = open ? "Less" : "More";
  });
  const narrow = matchMedia("(max-width: 759px)");
  narrow.addEventListener?.("change", fold);  // a phone turned on its side: no fold needed there

  function say(text, warn = false) {
    notice.textContent = text;
    notice.classList.toggle("warn", warn);
  }

  function bigButton(name, label, key) {
    return h("button", { type: "button", class: `fb fb-${name}`, id: `fb-${name}`, "data-action": name },
      h("span", { class: "fb-label" }, label), h("kbd", {}, key));
  }

  // -- the clock ------------------------------------------------------------------------------
  const elapsed = () => elapsedAt(state, performance.now());
  function setClock(status) {
    state = withClock(state, status, performance.now());
    pauseB.querySelector(".fb-label").textContent = state.running ? "Pause" : "Resume";
    page.classList.toggle("paused", !state.running);
  }

  function setRoutine(next, version) {
    state = withRoutine(state, next, version);
    if (state.mapStale) {
      api.map(next.intake).then((m) => { map.setMap(m); state = { ...state, shown: -1 }; render(); }).catch(() => {});
    }
  }

  // -- drawing -------------------------------------------------------------------------------
  function showStep(k) {
    probe.step = k;
    page.dataset.step = String(k);
    if (!map.map) return;
    const steps = state.routine.steps;
    map.drawLive(steps, k);
    const step = steps[k];
    device.show(steps, k);
    if (!step) return;
    const paths = step.side === "both" ? [step.path, step.path.map(([x, y]) => [-x, y])] : [step.path];
    geometry = paths.map((p) => { const l = cumulative(p); return { path: p, lengths: l, total: l.at(-1) }; });
    const closed = Math.hypot(step.path[0][0] - step.path.at(-1)[0], step.path[0][1] - step.path.at(-1)[1]) < 1;
    geometry.closed = closed;
    // The technique's hand (palm, thumbs, ...), made again only when the technique or the sides changed.
    const key = `${paths.length} ${step.technique}`;
    if (key !== handsKey || !hands.length) { hands = map.makeHands(paths.length, step.technique); handsKey = key; }
    hands.forEach((c) => c.setAttribute("fill", PRESSURE_COLOURS[step.pressure]));
    // Progress as the phase and round of the massage (stable when the rest is replanned), not a step count.
    setText(phase, [PHASES[step.phase] || step.phase, step.round ? `round ${step.round}` : null,
      `${step.pressure} pressure`].filter(Boolean).join(" · "));
    const [head, rest] = splitCue(step.cue);
    setText(title, head || (step.device ? "With the massager" : ""));  // the page's heading is never empty
    if (setText(cue, rest)) fold();
    probe.redrawnAt = performance.now();
  }

  // Each step is announced once, the first one too: a chime, then its cue spoken.
  function onStepChange(k) {
    let announce;
    [state, announce] = shownStep(state, k);
    showStep(k);
    if (k >= state.routine.steps.length) return finished();
    if (announce) { voice.chime(); voice.say(state.routine.steps[k].cue); }
  }

  function finished() {
    if (stopped) return;
    go(`#/end/${id}`);
  }

  function render() {
    const at = positionAt(state, performance.now());
    if (!at) return;
    const { e, k, step, t, rep } = at;
    if (k !== state.shown) onStepChange(k);
    if (!step || !map.map) return;
    const { routine, running, total } = state;
    device.tick(t);
    const sensed = running ? sensor.beat(routine) : null;  // the receiver's own breath, when sensed
    // Where the hands are within the repetition (breath-paced strokes rise on the inhale): wave.js.
    let { along, faint } = sensor.hands(routine, step, t, geometry.closed, sensed);
    if (reduced.matches) { along = 0; faint = false; }
    geometry.forEach((g, i) => {
      const [x, y] = pointAlong(g.path, g.lengths, g.total, along);
      if (!hands[i]) return;
      placeHand(hands[i], x, y);
      hands[i].classList.toggle("faint", faint);
    });
    // The breath follows the repetitions: one or more whole breaths per repetition.
    const p = sensed ? sensed.p : breathAt(t, rep, routine.intake?.breaths_per_minute || 12);
    const { inhale, size } = pacerAt(p);
    setStyle(pacerDot, reduced.matches ? "" : `scale(${size.toFixed(3)})`);
    pacer.classList.toggle("in", inhale);
    const word = running ? (inhale ? "Breathe in" : "Breathe out") : "Paused";
    if (pacerWord.textContent !== word) pacerWord.textContent = word;
    const second = Math.floor(e);
    if (second !== lastSecond) {
      lastSecond = second;
      stepLeft.textContent = `${clock(step.seconds - t)} left in this step`;
      allLeft.textContent = `${clock(e)} of ${clock(total)} · ${clock(total - e)} left`;
    }
    // Transforms, not widths: the bars move without a layout every frame (and are written only
    // when they moved by a thousandth, under half a pixel: each write costs the frame a style pass).
    setStyle(stepBar, `scaleX(${Math.min(1, t / step.seconds).toFixed(3)})`);
    setStyle(allBar, `scaleX(${Math.min(1, e / total).toFixed(3)})`);
  }

  // An element's transform, written only when it changed (what the last write set is kept, since
  // reading style.transform back would give the browser's own spelling of it).
  function setStyle(node, transform) {
    if (written.get(node) === transform) return;
    written.set(node, transform);
    node.style.transform = transform;
  }

  function loop() {
    if (stopped) return;
    probe.frames++;
    render();
    frame = requestAnimationFrame(loop);
  }

  // -- the channel ----------------------------------------------------------------------------
  async function resync() {
    const s = await api.session(id);
    if (stopped) return;
    channel.seenSeq(Math.max(-1, ...s.events.map((ev) => ev.seq ?? -1)));
    channel.seenVersion(s.status.version);
    setRoutine(s.routine, s.status.version);
    setClock(s.status);
    if (s.status.ended) { go(`#/end/${id}`); return; }
    state = { ...state, shown: -1 };
    render();
  }

  const channel = new Channel(id, {
    resync,
    onOnline: (online) => {
      page.dataset.online = String(online);
      connText.textContent = online ? "Connected" : "Reconnecting… what you tap is kept";
      conn.classList.toggle("offline", !online);
    },
    onMessage: (msg) => {
      if (msg.type === "breath") return sensor.onMessage(msg);
      if (msg.type === "routine") {
        probe.messageAt = performance.now();
        const next = routineOf(state, msg);
        if (next) showChange(next, msg);
        else readBack(msg);
      } else if (msg.type === "state") {
        state = stateSeen(state, msg.status.version);
        setClock(msg.status);
        if (msg.status.ended) go(`#/end/${id}`);
      } else if (msg.type === "error") {
        buttons.querySelectorAll(".busy").forEach((b) => b.classList.remove("busy"));
        if (msg.code === "not_found") {
          activeSession.clear();
          cue.textContent = "This session could not be found.";
        } else if (msg.code === "finished") {
          finished();
        } else {
          say(msg.message || "That did not work.", true);
        }
      }
    },
  });

  // A tail that cannot be spliced (this copy is not the one it was made from): the whole session
  // is read back, and the change shown with it. A newer copy already held is never replaced.
  function readBack(msg) {
    probe.readBack++;
    api.session(id).then((s) => {
      if (stopped || (state.held !== null && s.status.version <= state.held)) return;
      showChange(s.routine, { ...msg, status: s.status });
    }).catch(() => { if (!stopped) setTimeout(() => readBack(msg), 1000); });  // the server is not back yet
  }

  function showChange(routine, msg) {
    setRoutine(routine, msg.status.version);
    setClock(msg.status);
    state = replanned(state, stepAt(state, elapsed()));  // the step's cue is said below, with the change
    probe.version = state.version;
    page.dataset.version = String(state.version);
    buttons.querySelectorAll(".busy").forEach((b) => b.classList.remove("busy"));
    showStep(state.shown);
    say(msg.message);
    // The sound after the new map is painted: the eye first, the ear a frame later.
    const words = `${msg.message} ${state.routine.steps[state.shown]?.cue || ""}`;
    requestAnimationFrame(() => setTimeout(() => { if (!stopped) { voice.chime(); voice.say(words); } }));
  }

  // -- feedback ---------------------------------------------------------------------------------
  function act(action) {
    voice.unlock();
    if (!state.routine) return;
    if (action === "pain") return setPicking(!state.picking);
    if (action === "pause") {
      if (state.running) { channel.send({ type: "pause", at_s: Math.round(elapsed() * 100) / 100 }); setClock({ elapsed_s: elapsed(), paused: true }); }
      else { channel.send({ type: "resume" }); setClock({ elapsed_s: elapsed(), paused: false }); }
      return;
    }
    const b = buttons.querySelector(`[data-action="${action}"]`);
    b?.classList.add("busy");
    if (action === "skip") channel.send({ type: "skip" });
    else channel.send({ type: "feedback", kind: action });
    if (action === "softer") drawSofterAtOnce();
    if (!channel.online) say("Kept; it is sent when the connection is back.");
  }

  // Softer is certain for the stroke under the hands (one level lighter, never below light), so
  // it is drawn at once; the server's answer then redraws the steps it replanned behind it.
  // Firmer waits for the server, which checks it against the rules first.
  function drawSofterAtOnce() {
    const lighter = softerAtOnce(state);
    if (!lighter || !map.map) return;
    map.drawLive(lighter.steps, state.shown);
    hands.forEach((c) => c.setAttribute("fill", PRESSURE_COLOURS[lighter.pressure]));
    phase.textContent = phase.textContent.replace(`${lighter.was} pressure`, `${lighter.pressure} pressure`);
    probe.predictedAt = performance.now();
  }

  function setPicking(on) {
    state = withPicking(state, on);
    if (on && map.map && !placeSelect.options.length) {
      placeSelect.replaceChildren(...map.map.zones.filter((z) => z.id !== "spine" && !z.id.startsWith("axilla"))
        .map((z) => h("option", { value: z.id }, zoneWords(z.id))));
    }
    prompt.hidden = !on;
    page.classList.toggle("picking", on);
    buttons.querySelector('[data-action="pain"]').setAttribute("aria-pressed", String(on));
  }

  placeGo.addEventListener("click", () => {
    const zone = map.map?.zones.find((z) => z.id === placeSelect.value);
    if (!state.picking || !zone) return;
    // The middle of the named place, as a tap there would give.
    const n = zone.outline.length;
    const at = { x_cm: Math.round((zone.outline.reduce((a, [x]) => a + x, 0) / n) * 10) / 10,
      y_cm: Math.round((zone.outline.reduce((a, [, y]) => a + y, 0) / n) * 10) / 10 };
    setPicking(false);
    const pain = buttons.querySelector('[data-action="pain"]');
    pain.classList.add("busy");
    pain.focus();  // the prompt is gone: keep the keyboard where it was
    channel.send({ type: "feedback", kind: "pain", at });
  });

  map.svg.addEventListener("click", (ev) => {
    if (!state.picking) return;
    const at = map.toCm(ev);
    if (!map.zoneAt(at.x_cm, at.y_cm)) { say("Tap on the back itself.", true); return; }
    setPicking(false);
    buttons.querySelector('[data-action="pain"]').classList.add("busy");
    channel.send({ type: "feedback", kind: "pain", at });
  });
  buttons.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-action]");
    if (b) act(b.dataset.action);
  });
  mute.addEventListener("click", () => {
    voice.unlock();
    voice.muted = !voice.muted;
    mute.setAttribute("aria-pressed", String(voice.muted));
    muteState.textContent = voice.muted ? " off" : " on";
  });
  const keys = { s: "softer", f: "firmer", p: "pain", " ": "pause", n: "skip", arrowright: "skip" };
  function onKey(ev) {
    if (ev.target.closest?.("input, textarea, select") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key.toLowerCase();
    if (k === "escape") return setPicking(false);
    if (k === "m") return mute.click();
    if (keys[k]) { ev.preventDefault(); act(keys[k]); }
  }
  document.addEventListener("keydown", onKey);

  // -- keep the screen awake ---------------------------------------------------------------------
  async function holdWake() {
    try { if ("wakeLock" in navigator && document.visibilityState === "visible") wake = await navigator.wakeLock.request("screen"); }
    catch { wake = null; }
  }
  const onVisible = () => { if (document.visibilityState === "visible") holdWake(); };
  document.addEventListener("visibilitychange", onVisible);
  holdWake();

  activeSession.set(id);
  const cached = sessionStorage.getItem(`backrub.routine.${id}`);
  if (cached) { setRoutine(JSON.parse(cached)); sessionStorage.removeItem(`backrub.routine.${id}`); }
  channel.start(true);
  frame = requestAnimationFrame(loop);

  return () => {
    stopped = true;
    cancelAnimationFrame(frame);
    channel.stop();
    document.removeEventListener("keydown", onKey);
    document.removeEventListener("visibilitychange", onVisible);
    narrow.removeEventListener?.("change", fold);
    wake?.release?.().catch(() => {});
    window.speechSynthesis?.cancel();
  };
}

// Text set only when it changed: setting the same text again still costs the page a layout.
function setText(node, text) {
  if (node.textContent === text) return false;
  node.textContent = text;
  return true;
}

// "Long stroking. With flat palms, ..." -> the technique as a headline, then how to do it.
function splitCue(text) {
  const m = text.match(/^([^.!?]{2,60}[.!?])\s+(.*)$/s);
  return m ? [m[1].replace(/[.]$/, ""), m[2]] : ["", text];
}
