"""Export, import, backup: JSON that round-trips through `backrub export`/`import`, CSV for spreadsheets,
consistent backups, and writes that are whole or absent."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backrub.errors import InputError
from backrub.records import comfort
from backrub.records.db import Database, open_database
from backrub.records.exchange import backup, dump, load, write_csv
from backrub.records.models import EventRow, SessionRow
from backrub.records.recipients import LOCAL
from backrub.records.sessions import decide_proposal, learn_from_session
from tests.records.helpers import recipient, session_with


def _fill(db: Database) -> None:
    with db.session() as s:
        rid = recipient(s, conditions=["fragile_skin"], spots=[{"kind": "pain", "zone": "lumbar_left"}]).id
        sid = session_with(
            s,
            rid,
            [("pain", {"x_cm": 7, "y_cm": 22}), ("softer", None)],
            outcome={"pain_before": 5, "pain_after": 2, "notes": "fine, ✓ ünïcode"},
        )
        decide_proposal(s, LOCAL, learn_from_session(s, LOCAL, sid)[0]["id"], confirm=True)
        comfort.set_schedule(s, LOCAL, rid, {"every_hours": 3})
        comfort.record_skin_check(
            s, LOCAL, rid, {"marks": [{"kind": "redness", "at": {"x_cm": 0, "y_cm": 4}}]}
        )
        recipient(s, name="Bo")


def _same(a: dict, b: dict) -> None:
    a, b = dict(a), dict(b)
    a.pop("exported_at"), b.pop("exported_at")
    assert a == b


def test_export_then_import_gives_the_same_records(db: Database, empty_url: str) -> None:
    _fill(db)
    with db.session() as s:
        first = dump(s, LOCAL)
    other = open_database(empty_url)
    with other.session() as s:
        counts = load(s, LOCAL, json.loads(json.dumps(first)))
    assert counts == {"recipients": 2, "sessions": 1, "events": 3, "skipped": 0, "accounts": 0,
                      "accounts_left_out": 0}
    with other.session() as s:
        _same(dump(s, LOCAL), first)
        again = load(s, LOCAL, first)  # importing twice adds nothing
    assert again == {"recipients": 0, "sessions": 0, "events": 0, "skipped": 3, "accounts": 0,
                     "accounts_left_out": 0}
    other.close()


def test_a_bad_import_names_every_field_and_stores_nothing(db: Database) -> None:
    _fill(db)
    with db.session() as s:
        data = dump(s, LOCAL)
    for r in data["recipients"]:
        r["id"] = r["id"][::-1]
    data["sessions"][0]["id"] = "f" * 32
    data["recipients"][1]["spots"] = [{"kind": "pain", "zone": "lumbar"}]
    data["sessions"][0]["events"][1]["seq"] = 0
    data["sessions"][0]["intake"]["pressure"] = "hard"
    with db.session() as s, pytest.raises(InputError) as err:
        load(s, LOCAL, data)
    paths = {p.path for p in err.value.problems}
    assert {
        "recipients[1].spots[0].zone",
        "sessions[0].events[1].seq",
        "sessions[0].intake.pressure",
        "sessions[0].recipient_id",
    } <= paths
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SessionRow)) == 1


def test_csv_export_has_a_row_per_record(db: Database, tmp_path: Path) -> None:
    _fill(db)
    with db.session() as s:
        files = write_csv(s, LOCAL, tmp_path / "csv")
    rows = {f.name: list(csv.DictReader(f.open(encoding="utf-8"))) for f in files}
    assert [r["name"] for r in rows["recipients.csv"]] == ["Ann", "Bo"]
    (session,) = rows["sessions.csv"]
    assert session["pain_before"] == "5" and session["pain_after"] == "2" and session["softer"] == "1"
    assert session["notes"] == "fine, ✓ ünïcode"
    assert [(r["kind"], r["x_cm"]) for r in rows["events.csv"]] == [("pain", "7"), ("softer", ""), ("", "")]
    assert len(rows["skin_checks.csv"]) == 1


def test_backup_is_consistent_while_sessions_are_written(
    db: Database, tmp_path: Path, empty_url: str
) -> None:
    _fill(db)
    with db.session() as s:
        sid = s.scalar(select(SessionRow.id))
    stop = threading.Event()

    def writer() -> None:
        seq = 100
        while not stop.is_set():
            with db.session() as s:
                s.add(EventRow(session_id=sid, seq=seq, elapsed_s=1.0, type="pause", payload="{}"))
            seq += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        dest = backup(db, tmp_path / ("b.db" if db.dialect == "sqlite" else "b.json"))
    finally:
        stop.set()
        thread.join()
    if db.dialect == "sqlite":
        conn = sqlite3.connect(dest)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE seq >= 100 ORDER BY seq")]
        conn.close()
        assert n >= 3 and seqs == list(range(100, 100 + len(seqs)))  # a prefix: no gap, nothing torn
        restored = open_database(f"sqlite:///{dest}")
    else:
        restored = open_database(empty_url)
        with restored.session() as s:
            load(s, LOCAL, json.loads(dest.read_text()), everything=True)
    with restored.session() as s:
        data = dump(s, LOCAL)
    restored.close()
    assert len(data["recipients"]) == 2 and data["recipients"][0]["skin_checks"]
    seqs = [e["seq"] for e in data["sessions"][0]["events"] if e["seq"] >= 100]
    assert seqs == list(range(100, 100 + len(seqs)))


def _cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKRUB_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "backrub", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_command_line_export_import_backup(db: Database, empty_url: str, tmp_path: Path) -> None:
    _fill(db)
    out = tmp_path / "all.json"
    done = _cli(db.url, "export", str(out))
    assert done.returncode == 0 and "2 recipients, 1 sessions" in done.stderr
    done = _cli(empty_url, "import", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported 2 recipients, 1 sessions, 3 events"
    again = _cli(empty_url, "export")
    _same(json.loads(again.stdout), json.loads(out.read_text()))
    done = _cli(db.url, "backup", str(tmp_path / "copy"))
    assert done.returncode == 0 and "backup of" in done.stdout and (tmp_path / "copy").stat().st_size > 1000
    bad = _cli(
        empty_url, "import", "-", stdin='{"format": "backrub.records/1", "recipients": {}, "sessions": []}'
    )
    assert bad.returncode == 2 and bad.stderr.strip() == "recipients: expected a list (got an object)"
    done = _cli(db.url, "export", str(tmp_path / "csv"), "--format", "csv")
    assert done.returncode == 0 and (tmp_path / "csv" / "events.csv").exists()


WRITER = """
import json, sys, time
from backrub.records.db import Database
from backrub.records.models import EventRow, SessionRow
db = Database(sys.argv[1])
with db.session() as s:
    s.add(SessionRow(id="d" * 32, intake="{}", planned_routine="{}", routine="{}", position=0, clock_wall=0.0,
                     clock_s=0.0, running=True))
    s.flush()
    for n in range(500):
        s.add(EventRow(session_id="d" * 32, seq=n, elapsed_s=n, type="pause", payload="{}"))
    s.flush()
    print("written, not committed", flush=True)
    time.sleep(60)
"""


def test_a_write_killed_before_commit_leaves_no_half_saved_session(db: Database) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, db.url], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("written")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with db.session() as s:
        assert s.get(SessionRow, "d" * 32) is None
        assert s.scalar(select(func.count()).select_from(EventRow)) == 0
        # and the database takes new writes at once (no lock left behind)
        s.add(
            SessionRow(
                id="e" * 32,
                intake="{}",
                planned_routine="{}",
                routine="{}",
                position=0,
                clock_wall=0.0,
                clock_s=0.0,
                running=True,
            )
        )


def test_an_error_inside_a_write_rolls_all_of_it_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(
            SessionRow(
                id="c" * 32,
                intake="{}",
                planned_routine="{}",
                routine="{}",
                position=0,
                clock_wall=0.0,
                clock_s=0.0,
                running=True,
            )
        )
        s.flush()
        s.add(EventRow(session_id="c" * 32, seq=1, elapsed_s=1.0, type="pause", payload="{}"))
        s.flush()
        raise RuntimeError("the power went")
    with db.session() as s:
        assert s.get(SessionRow, "c" * 32) is None
