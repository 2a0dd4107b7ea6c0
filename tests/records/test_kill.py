"""Killing the coach with SIGKILL in the middle of a session loses no acknowledged event.

A real `backrub serve` process is killed 12 times, at random moments, while a client streams
messages with a `seq` and a window of them in flight. After each kill the server is started again
on the same database, the client sends again what was never acknowledged, and goes on. At the end
every seq the server ever acknowledged must be stored, exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.records.pg import free_port

pytest.importorskip("websockets")
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[2]
KILLS = 12  # each kill costs a server start (~4 s); 12 per database keeps CI in time
WINDOW = 8


def _start(url: str, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "BACKRUB_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "backrub", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    banner = proc.stdout.readline()
    assert "http://" in banner, banner + proc.stdout.read()
    return proc


def _stream(
    ws_url: str,
    sid: str,
    next_seq: int,
    unacked: set[int],
    acked: set[int],
    kill_after: int,
    proc: subprocess.Popen[str],
) -> int:
    """Send (again) what is unacknowledged, then new messages; SIGKILL the server after `kill_after` acks
    with messages still in flight. Returns the next new seq."""
    pending = sorted(unacked)
    got = 0
    with connect(f"{ws_url}/api/sessions/{sid}/live", open_timeout=10) as ws:
        try:
            while True:
                while len(unacked) < WINDOW or pending:
                    if pending:
                        seq = pending.pop(0)
                    else:
                        seq, next_seq = next_seq, next_seq + 1
                        unacked.add(seq)
                    ws.send(json.dumps({"type": "pause" if seq % 2 == 0 else "resume", "seq": seq}))
                message = json.loads(ws.recv(timeout=10))
                if message.get("type") == "ack":
                    acked.add(message["seq"])
                    unacked.discard(message["seq"])
                    got += 1
                    if got == kill_after:
                        proc.send_signal(
                            signal.SIGKILL
                        )  # mid-session: WINDOW - 1 messages still on their way
                        proc.wait()
                assert message.get("type") != "error", message
        except (ConnectionClosed, TimeoutError, OSError):
            assert proc.poll() is not None, "the connection dropped though the server was not killed"
    return next_seq


def _stored_seqs(url: str, sid: str) -> list[int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT seq FROM events WHERE session_id = :s AND seq IS NOT NULL"), {"s": sid}
        )
        seqs = [r[0] for r in rows]
    engine.dispose()
    return seqs


@pytest.mark.slow
def test_sigkill_twelve_times_loses_no_acknowledged_event(database_url: str) -> None:
    rng = random.Random(4)
    port = free_port()
    proc = _start(database_url, port)
    acked: set[int] = set()
    unacked: set[int] = set()
    next_seq = 0
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as http:
            sid = http.post(
                "/api/sessions", json=json.loads((ROOT / "examples" / "intake.json").read_text())
            ).json()["id"]
        for _ in range(KILLS):
            next_seq = _stream(
                f"ws://127.0.0.1:{port}", sid, next_seq, unacked, acked, rng.randint(3, 40), proc
            )
            assert proc.poll() is not None
            proc = _start(database_url, port)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    stored = _stored_seqs(database_url, sid)
    assert len(stored) == len(set(stored)), "a seq was stored twice"
    lost = acked - set(stored)
    assert not lost, f"acknowledged but not stored: {sorted(lost)[:10]}"
    assert len(acked) >= KILLS * 3
