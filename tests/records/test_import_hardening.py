"""`backrub import` reads a file like any other input, and exports and backups keep to their owner.

A corpus of broken export files (hand-made cases from the audit and seeded mutations of a real
export) goes through the importer: each is stored whole or refused with field paths (exit 2),
never a traceback, never half-written. A routine the verifier refuses never comes in; accounts
come in only when asked for."""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from backrub.errors import InputError
from backrub.jsonin import loads
from backrub.records.db import Database, open_database
from backrub.records.exchange import dump, load
from backrub.records.models import AccountRow, RecipientRow, SessionRow
from backrub.records.recipients import LOCAL
from tests.records.helpers import recipient, session_with

MUTATIONS = 400
ODD: list[Any] = [None, True, -1, 0, 10**30, 1e308, "", "x" * 6000, "\ud800", "a\x00", [], {}, [[]], [{}],
                  "2026-13-40", "not a time", "\u202e", {"steps": []}, [None] * 3, 7.5]


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Any:
    path = tmp_path / "backrub.db"
    shutil.copyfile(sqlite_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.close()


def _filled(database: Database) -> dict[str, Any]:
    from backrub.records import comfort

    with database.session() as s:
        s.add(AccountRow(username="ann.carer", password_hash="$argon2id$v=19$m=65536,t=3,p=4$abc$def"))
        s.flush()
        rid = recipient(s, spots=[{"kind": "pain", "zone": "lumbar_left", "note": "old sprain"}]).id
        session_with(s, rid, [("pain", {"x_cm": 7, "y_cm": 22}), ("softer", None)],
                     outcome={"pain_before": 5, "pain_after": 2, "notes": "fine"})
        comfort.set_schedule(s, LOCAL, rid, {"every_hours": 3})
        mark = {"kind": "redness", "at": {"x_cm": 0, "y_cm": 4}}
        comfort.record_skin_check(s, LOCAL, rid, {"marks": [mark]})
    with database.session() as s:
        return json.loads(json.dumps(dump(s, LOCAL, everything=True, accounts=True)))


def _counts(database: Database) -> tuple[int, int, int]:
    with database.session() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(t)) or 0)  # type: ignore[return-value]
                     for t in (RecipientRow, SessionRow, AccountRow))


def _unverified(export: dict[str, Any]) -> dict[str, Any]:
    """The audit's file: a routine made to press firmly on the spine."""
    bad = copy.deepcopy(export)
    for key in ("routine", "planned_routine"):
        step = bad["sessions"][0][key]["steps"][3]
        step.update(pressure="firm", zones=["spine"], path=[[0, 10], [0, 30]])
    return bad


def hand_made(export: dict[str, Any]) -> list[tuple[str, Any]]:
    """The audit's cases, each with what makes it wrong."""
    def changed(path: str, value: Any) -> dict[str, Any]:
        out = copy.deepcopy(export)
        parent: Any = out
        parts = [int(p) if p.isdigit() else p for p in path.split(".")]
        for part in parts[:-1]:
            parent = parent[part]
        parent[parts[-1]] = value
        return out

    return [
        ("unverified routine", _unverified(export)),
        ("0-minute schedule", changed("recipients.0.care_schedule.every_minutes", 0)),
        ("negative schedule", changed("recipients.0.care_schedule.every_minutes", -5)),
        ("rub of an hour", changed("recipients.0.care_schedule.rub_minutes", 60)),
        ("hash not argon2", changed("accounts.0.password_hash", "plain-text")),
        ("username odd", changed("accounts.0.username", "Robert'); DROP")),
        ("position past the end", changed("sessions.0.position", 10**6)),
        ("position not a number", changed("sessions.0.position", "3")),
        ("clock text", changed("sessions.0.clock", {"wall": "x", "at_s": [], "running": 1})),
        ("outcome 11", changed("sessions.0.outcome.pain_after", 11)),
        ("outcome notes object", changed("sessions.0.outcome.notes", {})),
        ("event type odd", changed("sessions.0.events.0.type", "drop")),
        ("event payload list", changed("sessions.0.events.0.payload", [1])),
        ("event seq huge", changed("sessions.0.events.0.seq", 10**30)),
        ("proposal kind odd", changed("recipients.0.proposals",
                                      [{"kind": "x", "value": 1, "created_at": "x"}])),
        ("skin marks odd", changed("recipients.0.skin_checks.0.marks", [{"kind": "pain", "zone": []}])),
        ("session kind odd", changed("sessions.0.kind", "surgery")),
        ("intake spots", changed("sessions.0.intake.spots", [[]])),
        ("conditions nested", changed("recipients.0.conditions", [[]])),
        ("name surrogate", changed("recipients.0.name", "\ud800")),
        ("note NUL", changed("recipients.0.spots.0.note", "a\x00b")),
        ("steps not a list", changed("sessions.0.routine.steps", {})),
        ("routine a string", changed("sessions.0.routine", "firm, spine")),
        ("recipient twice", changed("recipients", [export["recipients"][0]] * 2)),
        ("ids odd", changed("recipients.0.id", "../../etc")),
        ("created_at odd", changed("sessions.0.created_at", 12)),
        ("owner odd", changed("recipients.0.owner", ["x"])),
        ("shared_with odd", changed("recipients.0.shared_with", "everyone")),
        ("changes odd", changed("sessions.0.changes", "many")),
        ("recipients object", changed("recipients", {})),
        ("no format", changed("format", None)),
        ("deep", {"format": "backrub.records/1", "recipients": json.loads("[" * 40 + "]" * 40),
                  "sessions": []}),
    ]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):
            out += _paths(item, (*path, i))
    return out


def mutated(export: dict[str, Any], n: int, seed: int = 9) -> list[tuple[str, Any]]:
    rng = random.Random(seed)
    targets = _paths(export)
    corpus = []
    for i in range(n):
        data = copy.deepcopy(export)
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(targets)
            parent: Any = data
            try:
                for part in path[:-1]:
                    parent = parent[part]
                if isinstance(parent, dict) and rng.random() < 0.2:
                    parent.pop(path[-1], None)
                else:
                    parent[path[-1]] = copy.deepcopy(rng.choice(ODD))
            except (KeyError, IndexError, TypeError):
                continue  # an earlier mutation replaced a parent
        corpus.append((f"mutation {i}", data))
    return corpus


def import_once(database: Database, data: Any, *, accounts: bool = False) -> str:
    """'stored', 'refused' (InputError, nothing written) or a traceback, as `backrub import` meets it."""
    before = _counts(database)
    try:
        text = json.dumps(data)  # the file as written, lone surrogates escaped
        with database.session(writes=True) as s:
            load(s, LOCAL, loads(text, "FILE"), everything=True, accounts_too=accounts)
    except InputError:
        return "refused" if _counts(database) == before else "refused, but something was written"
    except Exception:
        return traceback.format_exc(limit=-4)
    return "stored"


def test_the_audits_files_are_refused_and_nothing_is_written(sqlite_db: Database) -> None:
    export = _filled(sqlite_db)
    empty = sqlite_db.url.replace("backrub.db", "empty.db")
    target = open_database(empty)
    try:
        outcomes = {name: import_once(target, data, accounts=True) for name, data in hand_made(export)}
    finally:
        target.close()
    assert outcomes == {name: "refused" for name, _ in hand_made(export)}, outcomes


def test_a_routine_the_verifier_refuses_is_named_with_its_rule(sqlite_db: Database) -> None:
    export = _filled(sqlite_db)
    with pytest.raises(InputError) as refused, sqlite_db.session() as s:
        load(s, LOCAL, _unverified(export), everything=True)
    lines = [str(p) for p in refused.value.problems]
    assert any(line.startswith("sessions[0].routine.steps[3]") and "spine-pressure" in line for line in lines)


@pytest.mark.slow
def test_a_corpus_of_broken_exports_gives_no_traceback(sqlite_db: Database, tmp_path: Path) -> None:
    export = _filled(sqlite_db)
    target = open_database(f"sqlite:///{tmp_path / 'target.db'}")
    corpus = hand_made(export) + mutated(export, MUTATIONS)
    try:
        outcomes = [(name, import_once(target, data)) for name, data in corpus]
    finally:
        target.close()
    bad = [(name, out) for name, out in outcomes if out not in ("stored", "refused")]
    tally = {k: sum(1 for _, o in outcomes if o == k) for k in ("stored", "refused")}
    print(f"{len(corpus)} files: {tally}, {len(bad)} tracebacks")
    assert not bad, f"{len(bad)} of {len(corpus)}:\n" + "\n".join(f"{n}: {o}" for n, o in bad[:5])
    assert tally["refused"] > len(corpus) // 2


# -- the command line ----------------------------------------------------------------------------


def _cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKRUB_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "backrub", *args], env=env, capture_output=True, text=True,
                          input=stdin, timeout=120)


@pytest.mark.slow  # several `backrub` processes
def test_export_leaves_accounts_out_and_is_readable_by_its_owner_only(sqlite_db: Database,
                                                                      tmp_path: Path) -> None:
    _filled(sqlite_db)
    out = tmp_path / "export.json"
    done = _cli(sqlite_db.url, "export", str(out))
    assert done.returncode == 0, done.stderr
    assert "password_hash" not in out.read_text() and "accounts" not in json.loads(out.read_text())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = _cli(sqlite_db.url, "export", str(out))
    assert again.returncode == 2 and again.stderr.strip().endswith("pass --force to replace it")
    forced = _cli(sqlite_db.url, "export", str(out), "--force", "--with-accounts")
    assert forced.returncode == 0 and "1 accounts with password hashes" in forced.stderr
    assert json.loads(out.read_text())["accounts"][0]["username"] == "ann.carer"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.slow  # several `backrub` processes
def test_import_says_which_accounts_it_left_out(sqlite_db: Database, tmp_path: Path) -> None:
    export = _filled(sqlite_db)
    fresh = tmp_path / "fresh.db"
    url = f"sqlite:///{fresh}"
    text = json.dumps(export)
    done = _cli(url, "import", "-", stdin=text)
    assert done.returncode == 0, done.stderr
    assert "1 accounts in the file left out (--with-accounts brings them in)" in done.stdout
    target = open_database(url)
    assert _counts(target)[2] == 0
    target.close()
    fresh.unlink()
    asked = _cli(url, "import", "-", "--with-accounts", stdin=text)
    assert asked.returncode == 0 and "1 accounts made, with the file's password hashes" in asked.stdout


@pytest.mark.slow  # several `backrub` processes
def test_import_of_a_broken_file_exits_2_naming_fields_and_writes_nothing(sqlite_db: Database,
                                                                          tmp_path: Path) -> None:
    export = _filled(sqlite_db)
    url = f"sqlite:///{tmp_path / 'other.db'}"
    bad = dict(hand_made(export))["0-minute schedule"]
    done = _cli(url, "import", "-", stdin=json.dumps(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("recipients[0].care_schedule.every_minutes:"), done.stderr
    target = open_database(url)
    assert _counts(target) == (0, 0, 0)
    target.close()


@pytest.mark.slow
@pytest.mark.parametrize("dest", ["missing-folder/copy.db", "/proc/backrub.db", "exists.db", "."])
def test_backup_to_a_bad_destination_exits_2_in_one_line(sqlite_db: Database, tmp_path: Path,
                                                         dest: str) -> None:
    (tmp_path / "exists.db").write_text("keep me")
    target = dest if dest.startswith("/") else str(tmp_path / dest)
    done = _cli(sqlite_db.url, "backup", target)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("DEST:"), done.stderr
    assert (tmp_path / "exists.db").read_text() == "keep me"
    assert not (tmp_path / "missing-folder").exists()
    assert not [p for p in tmp_path.rglob("*.part")]


@pytest.mark.slow  # several `backrub` processes
def test_backup_is_private_and_replaces_only_with_force(sqlite_db: Database, tmp_path: Path) -> None:
    copy_path = tmp_path / "copy.db"
    assert _cli(sqlite_db.url, "backup", str(copy_path)).returncode == 0
    assert stat.S_IMODE(copy_path.stat().st_mode) == 0o600
    assert _cli(sqlite_db.url, "backup", str(copy_path)).returncode == 2
    assert _cli(sqlite_db.url, "backup", str(copy_path), "--force").returncode == 0
