"""Live changes sent through the journal together (on PostgreSQL: one pipeline, one round trip a batch):
each is still its own version-checked change. A change computed from an old version writes nothing
(Stale), a seq already stored fails alone, the rest commit; and the other workers are told of every
committed change once, with its new version, and of nothing else.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, wait
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from backrub.records import live
from backrub.records.clock import Clock
from backrub.records.db import Database
from backrub.records.journal import Journal

N = 24


def _change(journal: Journal, sid: str, seq: int, version: int) -> Future[int]:
    event = live.NewEvent(type="pause", elapsed_s=1.0, payload={"n": seq}, seq=seq)
    clock = Clock(wall=100.0 + seq, at_s=float(seq), running=seq % 2 == 1)
    return journal.submit(lambda conn: live.change(conn, sid, event, version=version, clock=clock,
                                                   notice={"w": "test", "t": "pause"}), pipelined=True)


def _listen(db: Database) -> Any:
    if db.dialect != "postgresql":
        return None
    import psycopg

    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"LISTEN {live.CHANNEL}")
    return conn


def _heard(listener: Any) -> list[dict[str, Any]]:
    if listener is None:
        return []
    heard = [json.loads(n.payload) for n in listener.notifies(timeout=2.0, stop_after=10 * N)]
    listener.close()
    return heard


def test_changes_sent_together_are_each_checked_applied_or_refused_alone(db: Database) -> None:
    journal = Journal(db.engine)
    clock = Clock(wall=100.0, at_s=0.0, running=True)
    sids = [journal.submit(lambda conn: live.create(conn, intake_json="{}", routine_json="{}", clock=clock,
                                                    owner_id=None)).result() for _ in range(N)]
    listener = _listen(db)
    first = [_change(journal, sid, 1, 0) for sid in sids]
    wait(first)
    assert [f.result() for f in first] == [1] * N
    # Now, all at once: a third go on (version 1 -> 2), a third computed from version 0 (stale: another
    # worker changed the session since), a third repeat seq 1 (already stored).
    second = [_change(journal, sid, 2, 1) if i % 3 == 0 else
              _change(journal, sid, 3, 0) if i % 3 == 1 else
              _change(journal, sid, 1, 1) for i, sid in enumerate(sids)]
    wait(second)
    journal.close()
    for i, f in enumerate(second):
        if i % 3 == 0:
            assert f.result() == 2
        elif i % 3 == 1:
            assert isinstance(f.exception(), live.Stale)
        else:
            assert isinstance(f.exception(), IntegrityError)
    with db.engine.connect() as conn:
        for i, sid in enumerate(sids):
            row = conn.execute(text("SELECT version, clock_s FROM sessions WHERE id = :s"), {"s": sid}).one()
            seqs = sorted(r[0] for r in conn.execute(text("SELECT seq FROM events WHERE session_id = :s"),
                                                     {"s": sid}))
            assert (row.version, row.clock_s, seqs) == ((2, 2.0, [1, 2]) if i % 3 == 0 else (1, 1.0, [1]))
    heard = _heard(listener)
    if db.dialect != "postgresql":
        return
    told = sorted((n["sid"], n["v"]) for n in heard)
    assert told == sorted([(sid, 1) for sid in sids] + [(sid, 2) for i, sid in enumerate(sids) if i % 3 == 0])
    assert all(n["w"] == "test" and n["t"] == "pause" for n in heard)


@pytest.mark.parametrize("version", [None, 0])
def test_a_change_with_no_version_or_the_right_one_is_stored(db: Database, version: int | None) -> None:
    journal = Journal(db.engine)
    clock = Clock(wall=100.0, at_s=0.0, running=True)
    sid = journal.submit(lambda conn: live.create(conn, intake_json="{}", routine_json="{}", clock=clock,
                                                  owner_id=None)).result()
    event = live.NewEvent(type="end", elapsed_s=3.0, payload={}, seq=7)
    stored = journal.submit(lambda conn: live.change(conn, sid, event, version=version, ended=True,
                                                     outcome={"notes": "fine"})).result()
    journal.close()
    assert stored == 1
    with db.engine.connect() as conn:
        row = {"s": sid}
        assert conn.execute(text("SELECT ended_at IS NOT NULL FROM sessions WHERE id = :s"), row).scalar()
        assert conn.execute(text("SELECT notes FROM outcomes WHERE session_id = :s"), row).scalar() == "fine"


def test_a_routine_rewritten_on_postgresql_is_stored_lz4_compressed_and_reads_back(db: Database) -> None:
    # Every replan rewrites the ~50 KB routine: compressed with lz4 (a third of pglz's CPU on the
    # server). Asked of the server itself, for a change sent in a pipeline and one sent alone.
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL only: SQLite does not compress")
    journal = Journal(db.engine)
    clock = Clock(wall=100.0, at_s=0.0, running=True)
    routine = json.dumps({"steps": [{"i": i, "zone": "upper_back", "seconds": 30 + i % 7,
                                     "cue": f"long slow strokes, step {i}"} for i in range(600)]})
    sid = journal.submit(lambda conn: live.create(conn, intake_json="{}", routine_json="{}", clock=clock,
                                                  owner_id=None)).result()
    found = []
    for n, pipelined in enumerate((True, False)):
        event = live.NewEvent(type="feedback", elapsed_s=1.0, payload={}, seq=n)
        new = routine.replace('"i": 0,', f'"i": {n},')
        version = journal.submit(lambda conn, e=event, r=new, v=n: live.change(
            conn, sid, e, version=v, routine_json=r), pipelined=pipelined).result()
        with db.engine.connect() as conn:
            found.append(conn.execute(text("SELECT pg_column_compression(routine), routine FROM sessions "
                                           "WHERE id = :s"), {"s": sid}).one())
        assert version == n + 1
        assert found[-1][1] == new
    journal.close()
    assert [f[0] for f in found] == ["lz4", "lz4"]
