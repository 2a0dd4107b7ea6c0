"""The web coach keeps its sessions in the records database: one schema, migrated by Alembic at
start-up, events written through the journal in batches (group commit), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from concurrent.futures import wait

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, inspect

pytest.importorskip("fastapi")

from backrub.records.db import Database
from backrub.records.migrate import current_revision, head_revision
from backrub.records.models import Base
from backrub.records.recipients import LOCAL
from backrub.records.sessions import session_view
from backrub.web.store import Clock, NewEvent, Store


def test_the_coach_migrates_an_empty_database_to_the_records_schema(empty_url: str) -> None:
    store = Store(empty_url)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        tables = set(inspect(store.engine).get_table_names())
        assert {"recipients", "sessions", "events", "outcomes"} <= tables
    finally:
        store.close()


def test_what_the_coach_stores_the_records_read(database_url: str) -> None:
    store = Store(database_url)
    try:
        sid, clock = store.create_session(json.dumps({"minutes": 30}), json.dumps({"steps": []}))
        paused = Clock(wall=clock.wall + 5, at_s=5.0, running=False)
        assert store.record(sid, NewEvent(type="pause", elapsed_s=5.0, payload={}, seq=0), clock=paused)
        again = NewEvent(type="pause", elapsed_s=5.0, payload={}, seq=0)
        assert store.record(sid, again) is None  # a seq already stored: nothing written
        assert store.record(sid, NewEvent(type="end", elapsed_s=5.0, payload={}, seq=1), ended=True,
                            outcome={"pain_before": 4, "pain_after": 2, "notes": None})
        assert store.save_outcome(sid, {"relaxation_after": 8}) and not store.save_outcome("0" * 32, {})
        coach_view = store.view(sid)
        assert coach_view is not None and coach_view["ended_at"] is not None
        assert coach_view["outcome"] == {"relaxation_before": None, "relaxation_after": 8, "pain_before": 4,
                                         "pain_after": 2, "notes": ""}
        record = store.load(sid)
        assert record is not None and record.seqs == {0, 1} and record.clock == paused
    finally:
        store.close()
    db = Database(database_url)  # the records layer, on its own connection
    try:
        with db.session() as s:
            view = session_view(s, LOCAL, sid)
        assert view["kind"] == "massage" and [e["seq"] for e in view["events"]] == [0, 1]
        assert view["events"] == coach_view["events"] and view["clock"] == coach_view["clock"]
    finally:
        db.close()


def test_concurrent_sessions_are_committed_in_batches(database_url: str) -> None:
    store = Store(database_url)
    commits = 0
    lock = threading.Lock()

    def counted(_conn: object) -> None:
        nonlocal commits
        with lock:
            commits += 1

    try:
        sids = [store.create_session("{}", "{}")[0] for _ in range(20)]
        event.listen(store.engine, "commit", counted)
        futures = [store.submit_record(sid, NewEvent(type="pause", elapsed_s=0.0, payload={}, seq=n))
                   for n in range(15) for sid in sids]
        wait(futures)
        event.remove(store.engine, "commit", counted)
        assert all(f.result() == 0 for f in futures)  # events alone: the version stays
        assert 1 <= commits < len(futures) // 4, f"{commits} commits for {len(futures)} events"
        for sid in sids:
            record = store.load(sid)
            assert record is not None and record.seqs == set(range(15))
    finally:
        store.close()


def test_serve_names_a_database_it_cannot_reach_in_one_line(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from tests.records.pg import free_port

    url = f"postgresql://nobody@127.0.0.1:{free_port()}/none"
    done = subprocess.run([sys.executable, "-m", "backrub", "serve", "--port", str(free_port())],
                          env={**os.environ, "BACKRUB_DATABASE_URL": url}, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("backrub serve: cannot use the database postgresql+psycopg://nobody@")
    assert len(done.stderr.strip().splitlines()) == 1
