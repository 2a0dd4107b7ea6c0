"""Several workers on one PostgreSQL behind Debian's HAProxy, started for real: a throwaway PostgreSQL,
`backrub serve --workers 2`, and HAProxy with the config `scripts/haproxy.sh config` writes.

What a care home would notice: a change made on one device reaches a device served by another
worker; feedback sent through two workers at once ends in one routine and one event list; kill -9
of a worker loses nothing acknowledged, and its clients go on through another; a PostgreSQL outage
gives 503s with a clear message, and everything recovers by itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.records.pg import Throwaway
from tests.web.cluster import HAPROXY, ROOT, Cluster, wait_healthy

pytest.importorskip("websockets")
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(HAPROXY is None, reason="Debian's haproxy (scripts/test.sh installs it)")]
WORKERS = 2
INTAKE = json.loads((ROOT / "examples" / "intake.json").read_text())


@dataclass(slots=True)
class Running:
    """The PostgreSQL server (its own: the outage test stops it) and the workers behind HAProxy."""

    pg: Throwaway
    group: Cluster

    @property
    def url(self) -> str:
        return self.group.url

    @property
    def lb(self) -> str:
        return self.group.front

    def worker(self, i: int) -> str:
        return self.group.worker(i)

    def worker_pid(self, i: int) -> int:
        return self.group.worker_pid(i)

    def start_session(self, where: str) -> str:
        return self.group.start_session(where, INTAKE)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Running]:
    pg = Throwaway()
    try:
        pg.start()
        group = Cluster(pg.url(), WORKERS)
        try:
            yield Running(pg=pg, group=group)
        finally:
            group.close()
    finally:
        pg.stop()


def _live(where: str, sid: str, query: str = "") -> ClientConnection:
    return connect(f"ws://{where}/api/sessions/{sid}/live{query}", open_timeout=20, close_timeout=1)


def _ready(*sockets: ClientConnection) -> None:
    """Wait until each socket's worker holds the session (it answers a message): from then on it hears
    every change to it."""
    for ws in sockets:
        ws.send("{}")
        assert _until(ws, "error")["code"] == "invalid"


def _until(ws: ClientConnection, kind: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if message.get("type") == kind:
            return message


def test_a_change_through_one_worker_reaches_a_client_on_another(cluster: Running) -> None:
    sid = cluster.start_session(cluster.worker(0))
    with _live(cluster.worker(0), sid) as here, _live(cluster.worker(1), sid) as there:
        _ready(here, there)
        here.send(json.dumps({"type": "pause", "seq": 1}))
        assert _until(here, "ack")["seq"] == 1
        sent = time.monotonic()
        state = _until(there, "state")
        assert state["status"]["paused"] is True and state["message"] == "Paused."
        assert time.monotonic() - sent < 2.0  # the benchmark measures it properly (p95)
        here.send(json.dumps({"type": "feedback", "kind": "softer", "seq": 2}))
        mine = _until(here, "routine")
        theirs = _until(there, "routine")
        assert theirs["routine"] == mine["routine"] and theirs["from_step"] == mine["from_step"]
        # And the other way round: the second worker's change reaches the first worker's client.
        there.send(json.dumps({"type": "resume", "seq": 3}))
        assert _until(there, "ack")["seq"] == 3
        assert _until(here, "state")["status"]["paused"] is False


def test_a_client_connecting_during_another_workers_change_is_caught_up(cluster: Running) -> None:
    sid = cluster.start_session(cluster.worker(0))
    with _live(cluster.worker(1), sid) as keeper:  # worker 1 holds the session: it must hear the change
        _ready(keeper)
        held = httpx.get(f"http://{cluster.worker(1)}/api/sessions/{sid}", timeout=30).json()  # page loads
        with _live(cluster.worker(0), sid) as here:  # meanwhile another device changes it on worker 0
            here.send(json.dumps({"type": "feedback", "kind": "firmer", "seq": 1}))
            mine = _until(here, "routine")
        assert _until(keeper, "routine")["routine"] == mine["routine"]
        # The page's socket opens on worker 1 only now, naming the version it read: it gets the change.
        with _live(cluster.worker(1), sid, f"?version={held['status']['version']}") as there:
            caught = _until(there, "routine")
    assert caught["routine"] == mine["routine"]
    assert caught["status"]["version"] == mine["status"]["version"] > held["status"]["version"]


def test_breath_readings_reach_a_client_on_another_worker(cluster: Running) -> None:
    sid = cluster.start_session(cluster.worker(0))
    with _live(cluster.worker(0), sid) as sensor, _live(cluster.worker(1), sid) as page:
        _ready(sensor, page)
        sent = []
        for i in range(5):
            reading = {"type": "breath", "state": "locked", "phase": round(0.1 * i, 2), "rate_bpm": 11.5,
                       "quality": 0.9, "t": 1000.0 + i}
            sensor.send(json.dumps(reading))
            sent.append(reading)
            time.sleep(0.1)  # a sensor reads ten times a second
        heard = [_until(page, "breath") for _ in range(3)]
    assert all(h in sent for h in heard) and heard[0]["rate_bpm"] == 11.5


def test_health_on_postgresql_says_each_worker_hears_the_others(cluster: Running) -> None:
    for i in range(WORKERS):
        got = httpx.get(f"http://{cluster.worker(i)}/api/health", timeout=30)
        assert got.status_code == 200
        assert got.json() == {"ok": True, "database": "postgresql", "hears_other_workers": True}


def test_feedback_through_two_workers_at_once_ends_in_one_routine_and_one_event_list(
        cluster: Running) -> None:
    sid = cluster.start_session(cluster.worker(0))
    last: dict[str, Any] = {}
    acked: dict[str, set[int]] = {"a": set(), "b": set()}
    with _live(cluster.worker(0), sid) as a, _live(cluster.worker(1), sid) as b:
        _ready(a, b)
        a.send(json.dumps({"type": "pause", "seq": 1}))  # stopped: only skips move it on a step
        assert _until(a, "ack")["seq"] == 1
        assert _until(b, "state")["status"]["paused"] is True
        for i in range(6):  # sent without waiting: both workers replan the same session at once
            a.send(json.dumps(_mixed(i, 10 + i)))
            b.send(json.dumps(_mixed(i + 1, 20 + i)))
        deadline = time.monotonic() + 60
        for name, ws in (("a", a), ("b", b)):
            while len(acked[name]) < 6 and time.monotonic() < deadline:
                message = json.loads(ws.recv(timeout=30))
                if message["type"] == "ack":
                    acked[name].add(message["seq"])
                elif message["type"] == "routine":
                    last[name] = message["routine"]
        # Anything still on its way to either client (the other's last changes) arrives within a second.
        for name, ws in (("a", a), ("b", b)):
            try:
                while True:
                    message = json.loads(ws.recv(timeout=1.5))
                    if message["type"] == "routine":
                        last[name] = message["routine"]
            except TimeoutError:
                pass
    assert acked == {"a": set(range(10, 16)), "b": set(range(20, 26))}
    view = httpx.get(f"http://{cluster.lb}/api/sessions/{sid}", timeout=30).json()
    seqs = [e["seq"] for e in view["events"] if e.get("seq") is not None]
    assert sorted(seqs) == [1, *range(10, 16), *range(20, 26)]  # every acknowledged message, once
    # Each skip the session took moved it on one step, whichever worker took it: a skip applied to a
    # stale copy (a lost update) would leave the session a step behind.
    skips = [e for e in view["events"] if e["type"] == "skip" and "refused" not in e.get("payload", {})]
    assert len(skips) >= 3 and view["status"]["step"] == len(skips)
    # Both clients end on the routine stored: one routine, whichever worker they were on.
    assert last["a"] == view["routine"] and last["b"] == view["routine"]
    engine = create_engine(cluster.url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version FROM sessions WHERE id = :s"), {"s": sid}).scalar_one()
    engine.dispose()
    changed = [e for e in view["events"]
               if e.get("seq") is not None and "refused" not in e.get("payload", {})]
    assert version == len(changed)  # each change applied once, to the state before it, none lost


def _mixed(i: int, seq: int) -> dict[str, Any]:
    """Skip every third message, else softer or firmer."""
    if i % 3 == 0:
        return {"type": "skip", "seq": seq}
    return {"type": "feedback", "kind": "softer" if i % 2 else "firmer", "seq": seq}


@dataclass(slots=True)
class Giver:
    """One client streaming pause/resume with seqs through the load balancer, reconnecting when cut."""

    lb: str
    sid: str
    ws: ClientConnection | None = None
    next_seq: int = 0
    unacked: set[int] = field(default_factory=set)
    acked: set[int] = field(default_factory=set)
    reconnects: int = 0

    def connect(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                self.ws = _live(self.lb, self.sid).__enter__()  # closed in `close`
                for seq in sorted(self.unacked):  # again what was never acknowledged
                    self.ws.send(json.dumps({"type": "pause" if seq % 2 == 0 else "resume", "seq": seq}))
                return
            except (OSError, ConnectionClosed, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def send(self, n: int) -> None:
        assert self.ws is not None
        for _ in range(n):
            seq, self.next_seq = self.next_seq, self.next_seq + 1
            self.unacked.add(seq)
            with contextlib.suppress(OSError, ConnectionClosed):  # else sent again after reconnecting
                self.ws.send(json.dumps({"type": "pause" if seq % 2 == 0 else "resume", "seq": seq}))

    def settle(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.unacked and time.monotonic() < deadline:
            try:
                assert self.ws is not None
                message = json.loads(self.ws.recv(timeout=5))
            except (OSError, ConnectionClosed, TimeoutError):
                self.reconnects += 1
                self.connect()
                continue
            assert message["type"] != "error", message
            if message["type"] == "ack":
                self.acked.add(message["seq"])
                self.unacked.discard(message["seq"])
        assert not self.unacked, f"never acknowledged: {sorted(self.unacked)}"

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()


def test_kill_9_of_a_worker_loses_nothing_acknowledged_and_the_sessions_go_on(cluster: Running) -> None:
    givers = [Giver(lb=cluster.lb, sid=cluster.start_session(cluster.lb)) for _ in range(4)]
    for giver in givers:  # one after another through round robin: both workers serve some
        giver.connect()
        giver.send(6)
    for giver in givers:
        giver.settle()
    for giver in givers:
        giver.send(8)  # in flight when the worker dies
    os.kill(cluster.worker_pid(0), signal.SIGKILL)
    for giver in givers:
        giver.settle()
        giver.send(6)  # and the session goes on
        giver.settle()
    for giver in givers:
        giver.close()
    assert sum(g.reconnects for g in givers) >= 1, "no client was on the killed worker"
    engine = create_engine(cluster.url)
    with engine.connect() as conn:
        for giver in givers:
            seqs = [r[0] for r in conn.execute(text("SELECT seq FROM events WHERE session_id = :s "
                                                    "AND seq IS NOT NULL ORDER BY id"), {"s": giver.sid})]
            assert len(seqs) == len(set(seqs)), "a seq stored twice"
            assert giver.acked <= set(seqs), f"acknowledged, not stored: {sorted(giver.acked - set(seqs))}"
            # No half-applied change: the session's clock agrees with the last event stored.
            row = {"s": giver.sid}
            running = conn.execute(text("SELECT running FROM sessions WHERE id = :s"), row).scalar()
            last = conn.execute(text("SELECT type FROM events WHERE session_id = :s "
                                     "ORDER BY id DESC LIMIT 1"), row).scalar()
            assert running == (last == "resume")
    engine.dispose()
    wait_healthy(cluster.worker(0))  # the killed worker was started again


def test_a_postgresql_outage_gives_503_with_a_clear_message_and_recovers(cluster: Running) -> None:
    sid = cluster.start_session(cluster.worker(1))
    with _live(cluster.worker(1), sid) as ws:
        ws.send(json.dumps({"type": "pause", "seq": 1}))
        assert _until(ws, "ack")["seq"] == 1
        cluster.pg.pause()
        try:
            direct = httpx.get(f"http://{cluster.worker(1)}/api/sessions/{sid}", timeout=30)
            assert direct.status_code == 503, direct.text
            assert "database cannot be reached" in direct.json()["detail"] and direct.headers["retry-after"]
            assert httpx.get(f"http://{cluster.worker(0)}/api/health", timeout=30).status_code == 503
            time.sleep(2.5)  # HAProxy's checks take the workers out of rotation
            through = httpx.get(f"http://{cluster.lb}/api/sessions/{sid}", timeout=30)
            assert through.status_code == 503 and "database cannot be reached" in through.json()["detail"]
            ws.send(json.dumps({"type": "resume", "seq": 2}))  # not stored, so not acknowledged
            error = _until(ws, "error", timeout=30)
            assert error["code"] == "unavailable" and error["seq"] == 2
        finally:
            cluster.pg.resume()
        deadline = time.monotonic() + 30
        while httpx.get(f"http://{cluster.lb}/api/sessions/{sid}", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the workers did not recover"
            time.sleep(0.3)
        ws.send(json.dumps({"type": "resume", "seq": 2}))  # the same message again, once it is back
        assert _until(ws, "ack", timeout=30)["seq"] == 2
    view = httpx.get(f"http://{cluster.lb}/api/sessions/{sid}", timeout=30).json()
    assert [e["seq"] for e in view["events"]] == [1, 2] and view["status"]["paused"] is False
