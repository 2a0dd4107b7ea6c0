"""A full disk: the coach answers 503 with a clear message, keeps live sockets open with an error,
stores nothing half-way, and carries on once there is space again. The records live on a small
tmpfs filled up by the test (needs root to mount it; skipped where mounting is not allowed)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from tests.web.conftest import Coach


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_is_503_and_an_error_on_the_socket_then_recovers(small_disk: Path) -> None:
    coach = Coach(small_disk / "backrub.db")
    coach.start()
    try:
        with httpx.Client(base_url=coach.url, timeout=20) as http:
            made = http.post("/api/sessions", json={"minutes": 15})
            assert made.status_code == 201
            sid = made.json()["id"]
            with connect(f"{coach.ws_url}/api/sessions/{sid}/live", open_timeout=10) as ws:
                filler = _fill(small_disk)
                for _ in range(3):  # the first writes may still find a free page
                    answer = http.post("/api/recipients", json={"name": "x" * 100, "notes": "y" * 4000})
                    if answer.status_code != 201:
                        break
                assert answer.status_code == 503, answer.text
                assert answer.headers["content-type"] == "application/json"
                assert "disk" in answer.json()["detail"] and "full" in answer.json()["detail"]
                ws.send(json.dumps({"type": "end", "seq": 5, "outcome": {"notes": "z" * 4000}}))
                error = json.loads(ws.recv(timeout=20))
                assert error["type"] == "error" and error["code"] == "disk_full" and error["seq"] == 5
                filler.unlink()  # space again: the same message goes through, on the same socket
                ws.send(json.dumps({"type": "end", "seq": 5, "outcome": {"notes": "z" * 4000}}))
                assert json.loads(ws.recv(timeout=20)) == {"type": "ack", "seq": 5}
            assert http.post("/api/recipients", json={"name": "after"}).status_code == 201
            assert [e["seq"] for e in http.get(f"/api/sessions/{sid}").json()["events"]] == [5]
    finally:
        coach.stop()
