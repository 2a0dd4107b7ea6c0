"""An export file read like any other input before `backrub import` stores a byte of it.

Every part goes through the reader the API uses for it (intake, routine, recipient, schedule,
skin-check marks, outcome), every routine through the one verifier gate, and every problem is
reported with its path (`sessions[2].routine.steps[4].pressure`); then nothing is stored.
Accounts come in only when asked for, and then only with password hashes backrub itself makes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backrub.errors import InputError, Problem, Problems, describe, under
from backrub.intake.model import Intake, parse_intake
from backrub.records.accounts import USERNAME
from backrub.records.comfort import parse_marks, parse_schedule
from backrub.records.recipients import NOTES_MAX, parse_recipient
from backrub.records.sessions import RATINGS
from backrub.routine.model import parse_routine
from backrub.verifier import check_routine

FORMAT = "backrub.records/1"
SESSION_KINDS = ("massage", "comfort")
EVENT_TYPES = ("feedback", "pause", "resume", "skip", "end", "skin_check", "breath")
PROPOSAL_KINDS, PROPOSAL_STATUSES = ("spot", "pressure"), ("pending", "confirmed", "dismissed")
MAX_ITEMS = 100_000  # recipients, sessions, events of one session: far past any household's records


def check_export(data: Any, problems: Problems, *, accounts: bool) -> None:
    """Every problem in an export file, with its path; nothing may be stored while any remains."""
    if not isinstance(data, dict):
        problems.add("", f"expected a backrub export object (got {describe(data)})")
        return
    if data.get("format") != FORMAT:
        problems.add("format", f"expected {FORMAT!r} (got {describe(data.get('format'))})")
        return
    problems.unknown_keys(data, ("format", "exported_at", "recipients", "sessions", "accounts"))
    for key in ("recipients", "sessions"):
        _list_of(data.get(key), key, problems)
    if accounts:
        for i, a in enumerate(_list_of(data.get("accounts", []), "accounts", problems)):
            _account(a, f"accounts[{i}]", problems)
    if problems.count:
        return
    ids: set[str] = set()
    for i, r in enumerate(data["recipients"]):
        if isinstance(r, dict) and isinstance(r.get("id"), str):
            if r["id"] in ids:
                problems.add(f"recipients[{i}].id", f"id {r['id']!r} appears twice in this file")
            ids.add(r["id"])
        _recipient(r, f"recipients[{i}]", problems)
    seen: set[str] = set()
    for i, s in enumerate(data["sessions"]):
        if isinstance(s, dict) and isinstance(s.get("id"), str):
            if s["id"] in seen:
                problems.add(f"sessions[{i}].id", f"id {s['id']!r} appears twice in this file")
            seen.add(s["id"])
        _session(s, f"sessions[{i}]", ids, problems)


def _list_of(value: Any, where: str, problems: Problems) -> list[Any]:
    if not isinstance(value, list):
        problems.add(where, f"expected a list (got {describe(value)})")
        return []
    if len(value) > MAX_ITEMS:
        problems.add(where, f"expected at most {MAX_ITEMS} items (got {len(value)})")
        return []
    return value


def _object(value: Any, where: str, fields: tuple[str, ...], problems: Problems) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        problems.add(where, f"expected an object (got {describe(value)})")
        return None
    problems.unknown_keys(value, fields, where)
    return value


def _account(a: Any, where: str, problems: Problems) -> None:
    a = _object(a, where, ("username", "password_hash", "created_at"), problems)
    if a is None:
        return
    name = a.get("username")
    if not isinstance(name, str) or not USERNAME.match(name):
        problems.add(f"{where}.username", f"expected a username as `backrub account add` takes (got "
                                          f"{describe(name)})")
    hashed = a.get("password_hash")
    if not isinstance(hashed, str) or not hashed.startswith("$argon2id$") or len(hashed) > 200:
        problems.add(f"{where}.password_hash", "expected an argon2id hash as backrub makes them")
    _time(a.get("created_at"), f"{where}.created_at", problems)


def _recipient(r: Any, where: str, problems: Problems) -> None:
    fields = ("id", "name", "conditions", "cleared_by_clinician", "spots", "preferences", "reasons", "notes",
              "created_at", "updated_at", "care_schedule", "skin_checks", "proposals", "owner", "shared_with")
    r = _object(r, where, fields, problems)
    if r is None:
        return
    _id(r.get("id"), f"{where}.id", problems)
    try:
        parse_recipient({k: r[k] for k in ("name", "conditions", "cleared_by_clinician", "spots",
                                           "preferences", "notes") if k in r})
    except InputError as err:
        problems.add_under(where, err)
    reasons = r.get("reasons", {})
    if not isinstance(reasons, dict) or not all(isinstance(v, str) and len(v) <= NOTES_MAX
                                                for v in reasons.values()):
        problems.add(f"{where}.reasons", "expected an object of preference names to reasons (text)")
    for key in ("created_at", "updated_at"):
        _time(r.get(key), f"{where}.{key}", problems)
    _names(r, "owner", where, problems)
    shared = r.get("shared_with", [])
    if not isinstance(shared, list) or not all(isinstance(n, str) and USERNAME.match(n) for n in shared):
        problems.add(f"{where}.shared_with", "expected a list of usernames")
    if r.get("care_schedule") is not None:
        _schedule(r["care_schedule"], f"{where}.care_schedule", problems)
    for j, c in enumerate(_list_of(r.get("skin_checks", []), f"{where}.skin_checks", problems)):
        cw = f"{where}.skin_checks[{j}]"
        c = _object(c, cw, ("checked_at", "marks", "notes", "session_id"), problems)
        if c is None:
            continue
        _time(c.get("checked_at"), f"{cw}.checked_at", problems)
        try:
            parse_marks(c.get("marks"), "marks")
        except InputError as err:
            problems.add_under(cw, err)
        _text(c.get("notes", ""), f"{cw}.notes", problems)
        if c.get("session_id") is not None:
            _id(c["session_id"], f"{cw}.session_id", problems)
    for j, p in enumerate(_list_of(r.get("proposals", []), f"{where}.proposals", problems)):
        _proposal(p, f"{where}.proposals[{j}]", problems)


def _schedule(c: Any, where: str, problems: Problems) -> None:
    c = _object(c, where, ("every_minutes", "starts_at", "rub_minutes", "active"), problems)
    if c is None:
        return
    every = c.get("every_minutes")
    if isinstance(every, bool) or not isinstance(every, int):
        problems.add(f"{where}.every_minutes", f"expected whole minutes between rubs (got {describe(every)})")
        return
    if not isinstance(c.get("starts_at"), str):
        _time(c.get("starts_at"), f"{where}.starts_at", problems)
        return
    try:  # the schedule form's own reader: 1 to 24 hours apart, 3 to 10 minute rubs
        parse_schedule({"every_hours": every / 60, "starts_at": c["starts_at"],
                        "rub_minutes": c.get("rub_minutes"), "active": c.get("active")},
                       datetime.fromisoformat(c["starts_at"]) if _is_time(c["starts_at"])
                       else datetime.now(UTC))
    except InputError as err:
        for p in err.problems:
            name = {"every_hours": "every_minutes"}.get(p.path, p.path)
            problems.add(under(where, name), p.message.replace("1 to 24 hours", "60 to 1440 minutes"))


def _proposal(p: Any, where: str, problems: Problems) -> None:
    p = _object(p, where, ("session_id", "kind", "value", "reason", "status", "created_at", "decided_at"),
                problems)
    if p is None:
        return
    kind, value = p.get("kind"), p.get("value")
    if kind not in PROPOSAL_KINDS:
        problems.add(f"{where}.kind", f"expected one of {', '.join(PROPOSAL_KINDS)} (got {describe(kind)})")
    elif kind == "spot":
        try:
            parse_intake({"spots": [value]})
        except InputError as err:
            problems.add_under(f"{where}.value", InputError(
                [Problem(path=q.path.replace("spots[0]", "", 1).lstrip("."), message=q.message)
                 for q in err.problems]))
    elif not isinstance(value, dict) or not isinstance(value.get("pressure"), str):
        problems.add(f"{where}.value", "expected {pressure, from}")
    else:
        try:
            parse_intake({"pressure": value["pressure"]})
        except InputError as err:
            problems.add_under(f"{where}.value", err)
    if p.get("status", "pending") not in PROPOSAL_STATUSES:
        problems.add(f"{where}.status", f"expected one of {', '.join(PROPOSAL_STATUSES)}")
    _text(p.get("reason", ""), f"{where}.reason", problems)
    _time(p.get("created_at"), f"{where}.created_at", problems)
    if p.get("decided_at") is not None:
        _time(p["decided_at"], f"{where}.decided_at", problems)
    if p.get("session_id") is not None:
        _id(p["session_id"], f"{where}.session_id", problems)


def _session(s: Any, where: str, recipients: set[str], problems: Problems) -> None:
    fields = ("id", "kind", "created_at", "ended_at", "intake", "planned_routine", "routine", "position",
              "clock", "changes", "events", "outcome", "recipient_id", "owner")
    s = _object(s, where, fields, problems)
    if s is None:
        return
    _id(s.get("id"), f"{where}.id", problems)
    if s.get("kind", "massage") not in SESSION_KINDS:
        problems.add(f"{where}.kind", f"expected one of {', '.join(SESSION_KINDS)} "
                                      f"(got {describe(s['kind'])})")
    _time(s.get("created_at"), f"{where}.created_at", problems)
    if s.get("ended_at") is not None:
        _time(s["ended_at"], f"{where}.ended_at", problems)
    _names(s, "owner", where, problems)
    intake: Intake | None = None
    try:
        intake = parse_intake(s.get("intake"))
    except InputError as err:
        problems.add_under(f"{where}.intake", err)
    steps = 0
    for key in ("planned_routine", "routine"):
        steps = _routine(s.get(key), f"{where}.{key}", intake, s.get("position") if key == "routine" else 0,
                         problems)
    position = s.get("position")
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= steps:
        problems.add(f"{where}.position", f"expected a step number from 0 to {steps} "
                                          f"(got {describe(position)})")
    clock = _object(s.get("clock"), f"{where}.clock", ("wall", "at_s", "running"), problems)
    if clock is not None:
        for key in ("wall", "at_s"):
            value = clock.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.add(f"{where}.clock.{key}", f"expected seconds, 0 or more (got {describe(value)})")
        if not isinstance(clock.get("running"), bool):
            problems.add(f"{where}.clock.running", "expected true or false")
    changes = s.get("changes")
    if changes is not None and (not isinstance(changes, list) or len(changes) > 1000
                                or not all(isinstance(c, dict) for c in changes)):
        problems.add(f"{where}.changes", "expected a list of changes or null")
    _events(s.get("events"), f"{where}.events", problems)
    if s.get("outcome") is not None:
        _outcome(s["outcome"], f"{where}.outcome", problems)
    rid = s.get("recipient_id")
    if rid is not None and (not isinstance(rid, str) or rid not in recipients):
        problems.add(f"{where}.recipient_id", f"no recipient {describe(rid)} in this file")


def _routine(raw: Any, where: str, intake: Intake | None, performed: Any, problems: Problems) -> int:
    """Read a routine and pass it through the verifier; the number of its steps (0 when unreadable)."""
    try:
        routine = parse_routine(raw)
    except InputError as err:
        problems.add_under(where, err)
        return 0
    done = performed if isinstance(performed, int) and not isinstance(performed, bool) else 0
    report = check_routine(routine, routine.intake or intake, performed=max(done, 0))
    for finding in report.errors:
        problems.add(under(where, finding.where),
                     f"fails the safety check ({finding.rule}): {finding.message}")
    return len(routine.steps)


def _events(value: Any, where: str, problems: Problems) -> None:
    seqs: set[int] = set()
    for j, e in enumerate(_list_of(value, where, problems)):
        ew = f"{where}[{j}]"
        e = _object(e, ew, ("seq", "at", "elapsed_s", "type", "payload"), problems)
        if e is None:
            continue
        seq = e.get("seq")
        if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**53):
            problems.add(f"{ew}.seq", f"expected a whole number of 0 or more, or null (got {describe(seq)})")
        elif seq is not None and seq in seqs:
            problems.add(f"{ew}.seq", f"seq {seq} appears twice in this session")
        elif seq is not None:
            seqs.add(seq)
        if e.get("type") not in EVENT_TYPES:
            problems.add(f"{ew}.type", f"expected one of {', '.join(EVENT_TYPES)} "
                                       f"(got {describe(e.get('type'))})")
        elapsed = e.get("elapsed_s")
        if isinstance(elapsed, bool) or not isinstance(elapsed, int | float) or elapsed < 0:
            problems.add(f"{ew}.elapsed_s", f"expected seconds, 0 or more (got {describe(elapsed)})")
        if not isinstance(e.get("payload", {}), dict):
            problems.add(f"{ew}.payload", f"expected an object (got {describe(e.get('payload'))})")
        _time(e.get("at"), f"{ew}.at", problems)


def _outcome(o: Any, where: str, problems: Problems) -> None:
    o = _object(o, where, (*RATINGS, "notes", "recorded_at"), problems)
    if o is None:
        return
    for key in RATINGS:
        value = o.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 0 <= value <= 10):
            problems.add(f"{where}.{key}", f"expected a whole number from 0 to 10, or null "
                                           f"(got {describe(value)})")
    _text(o.get("notes", ""), f"{where}.notes", problems)
    if o.get("recorded_at") is not None:
        _time(o["recorded_at"], f"{where}.recorded_at", problems)


def _names(item: dict[str, Any], key: str, where: str, problems: Problems) -> None:
    value = item.get(key)
    if value is not None and (not isinstance(value, str) or not USERNAME.match(value)):
        problems.add(f"{where}.{key}", f"expected a username or null (got {describe(value)})")


def _text(value: Any, where: str, problems: Problems) -> None:
    if not isinstance(value, str) or len(value) > NOTES_MAX:
        problems.add(where, f"expected text of at most {NOTES_MAX} characters (got {describe(value)})")


def _id(value: Any, where: str, problems: Problems) -> None:
    if not (isinstance(value, str) and 1 <= len(value) <= 32 and value.isascii() and value.isprintable()):
        problems.add(where, f"expected an id of up to 32 characters (got {describe(value)})")


def _is_time(value: Any) -> bool:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _time(value: Any, where: str, problems: Problems) -> None:
    if not _is_time(value):
        problems.add(where, f"expected an ISO date and time (got {describe(value)})")
