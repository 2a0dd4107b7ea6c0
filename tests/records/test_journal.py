"""Group commit: many writers, one transaction per batch, each write acknowledged only once committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import wait

import pytest
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from backrub.records.db import Database
from backrub.records.journal import Journal
from backrub.records.models import EventRow, SessionRow


def _session(db: Database, sid: str) -> None:
    with db.session() as s:
        s.add(
            SessionRow(
                id=sid,
                intake="{}",
                planned_routine="{}",
                routine="{}",
                position=0,
                clock_wall=0.0,
                clock_s=0.0,
                running=True,
            )
        )


def _event(sid: str, seq: int) -> Callable[[Connection], int]:
    def write(conn: Connection) -> int:
        conn.execute(
            insert(EventRow),
            {"session_id": sid, "seq": seq, "elapsed_s": 0.0, "type": "pause", "payload": "{}"},
        )
        return seq

    return write


def test_every_acknowledged_write_is_visible_to_another_connection(db: Database) -> None:
    _session(db, "a" * 32)
    journal = Journal(db.engine)
    seen_missing = []

    def check(seq: int) -> None:
        with db.engine.connect() as conn:  # a reader of its own, as after a crash
            found = conn.scalar(select(func.count()).select_from(EventRow).where(EventRow.seq == seq))
        if found != 1:
            seen_missing.append(seq)

    futures = [journal.submit(_event("a" * 32, n)) for n in range(300)]
    threads = []
    for f in futures:
        f.add_done_callback(lambda f: threads.append(threading.Thread(target=check, args=(f.result(),))))
    wait(futures)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    journal.close()
    assert seen_missing == [] and [f.result() for f in futures] == list(range(300))


def test_a_bad_write_fails_alone_and_its_batch_commits(db: Database) -> None:
    _session(db, "b" * 32)
    journal = Journal(db.engine)
    futures = [journal.submit(_event("b" * 32, n % 50)) for n in range(100)]  # the second 50 repeat a seq
    wait(futures)
    journal.close()
    ok = [f for f in futures if f.exception() is None]
    assert len(ok) == 50
    assert all(isinstance(f.exception(), IntegrityError) for f in futures[50:])
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(EventRow)) == 50


def test_a_failed_commit_fails_every_write_of_the_batch(db: Database) -> None:
    journal = Journal(db.engine, on_fault=lambda err: RuntimeError("database gone"))

    def boom(conn: Connection) -> None:
        raise KeyboardInterrupt  # not an ordinary error: the whole transaction goes

    futures = [journal.submit(boom)]
    wait(futures)
    journal.close()
    with pytest.raises(RuntimeError, match="database gone"):
        futures[0].result()
