"""The live page's tail answers (`?tail=1`) across two workers on one PostgreSQL: a client on the
worker that made the change gets the tail of the version it holds; a client on the other worker,
which builds its message from the fan-out notice, and a client catching up on connect, get the
whole routine. Spliced or whole, every client ends with the routine stored."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.web.cluster import HAPROXY
from tests.web.test_workers import (  # noqa: F401 (cluster: the module's fixture, started anew here)
    Running,
    _live,
    _ready,
    _until,
    cluster,
)

pytest.importorskip("websockets")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(HAPROXY is None, reason="Debian's haproxy (scripts/test.sh installs it)")]


def _routine_of(held: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    if "routine" in answer:
        return dict(answer["routine"])
    assert answer["base"] == held["status"]["version"], "a tail for a copy this client does not hold"
    return {**answer["head"], "steps": held["routine"]["steps"][:answer["tail_from"]] + answer["tail"]}


def test_the_changing_worker_sends_a_tail_and_the_other_the_whole_routine(cluster: Running) -> None:  # noqa: F811
    sid = cluster.start_session(cluster.worker(0))
    view = f"http://{cluster.worker(0)}/api/sessions/{sid}"
    held = httpx.get(view, timeout=30).json()
    with _live(cluster.worker(0), sid, "?tail=1") as here, _live(cluster.worker(1), sid, "?tail=1") as there:
        _ready(here, there)
        here.send(json.dumps({"type": "skip", "seq": 1}))  # from the first step: the whole routine
        assert "routine" in _until(here, "routine") and "routine" in _until(there, "routine")
        held = httpx.get(view, timeout=30).json()
        here.send(json.dumps({"type": "feedback", "kind": "softer", "seq": 2}))
        mine, theirs = _until(here, "routine"), _until(there, "routine")
        stored = httpx.get(f"http://{cluster.worker(1)}/api/sessions/{sid}", timeout=30).json()
        assert "tail" in mine and mine["tail_from"] >= 1
        assert "tail" not in theirs  # the other worker sends what it built from the notice: the whole
        assert _routine_of(held, mine) == _routine_of(held, theirs) == stored["routine"]
        assert mine["status"]["version"] == theirs["status"]["version"] == stored["status"]["version"]
        # And the other way round: a change through worker 1 reaches worker 0's page whole.
        there.send(json.dumps({"type": "feedback", "kind": "firmer", "seq": 3}))
        back, own = _until(here, "routine"), _until(there, "routine")
        stored_now = httpx.get(view, timeout=30).json()
        assert "tail" not in back and back["routine"] == stored_now["routine"] == _routine_of(stored, own)
    # A page that comes back naming an older version is caught up with the whole routine.
    with _live(cluster.worker(1), sid, f"?tail=1&version={held['status']['version']}") as again:
        caught = _until(again, "routine")
    assert caught["routine"] == stored_now["routine"]
