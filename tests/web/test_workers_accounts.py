"""Accounts behind a load balancer: whichever of two workers on one PostgreSQL answers, a login holds,
its CSRF token is good, failed sign-ins are counted together, and ending a login closes its live
socket on the other worker too. Two apps on one database stand for the two workers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from backrub.records.accounts import COOKIE, create_account
from backrub.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
HOST = "coach.example"


@pytest.fixture
def two_workers(pg_server: Any) -> Iterator[tuple[TestClient, TestClient]]:
    url = pg_server.create(f"backrub_accounts_{os.getpid()}", template=pg_server.template)
    first, second = create_app(url, accounts=True), create_app(url, accounts=True)
    with first.state.store.db.session(writes=True) as db:
        create_account(db, "ada", "a long enough password")
    with TestClient(first, base_url=f"http://{HOST}") as a, \
            TestClient(second, base_url=f"http://{HOST}") as b:
        yield a, b
    pg_server.drop(f"backrub_accounts_{os.getpid()}")


def test_a_login_its_csrf_token_and_the_throttle_hold_on_either_worker(
        two_workers: tuple[TestClient, TestClient]) -> None:
    a, b = two_workers
    signed = a.post("/api/auth/signin", json={"username": "ada", "password": "a long enough password"})
    assert signed.status_code == 200
    csrf = signed.json()["csrf"]
    b.cookies.set(COOKIE, signed.cookies[COOKIE])
    assert b.get("/api/auth/me").json()["username"] == "ada"  # the other worker knows the login
    intake = json.loads((ROOT / "examples" / "intake.json").read_text())
    assert b.post("/api/sessions", json=intake).status_code == 403  # a change without the token
    assert b.post("/api/sessions", json=intake, headers={"X-CSRF-Token": csrf}).status_code == 201
    # Failed sign-ins alternate between the workers and are counted together.
    for i in range(5):
        got = (a, b)[i % 2].post("/api/auth/signin", json={"username": "ada", "password": "wrong guess"})
        assert got.status_code == 422
    for worker in (a, b):
        held = worker.post("/api/auth/signin", json={"username": "ada", "password": "a long enough password"})
        assert held.status_code == 429, held.text


def test_signing_out_on_one_worker_closes_the_live_socket_on_the_other(
        two_workers: tuple[TestClient, TestClient]) -> None:
    a, b = two_workers
    signed = a.post("/api/auth/signin", json={"username": "ada", "password": "a long enough password"})
    csrf = signed.json()["csrf"]
    b.cookies.set(COOKIE, signed.cookies[COOKIE])
    intake = json.loads((ROOT / "examples" / "intake.json").read_text())
    sid = a.post("/api/sessions", json=intake, headers={"X-CSRF-Token": csrf}).json()["id"]
    # The test client's socket names its host `testserver`: the page's Origin says the same.
    with b.websocket_connect(f"/api/sessions/{sid}/live", headers={"Origin": "http://testserver"}) as ws:
        ws.send_text(json.dumps({"type": "pause", "seq": 1}))
        assert ws.receive_json()["type"] == "ack"
        ws.receive_json()  # the state
        assert a.post("/api/auth/signout", headers={"X-CSRF-Token": csrf}).status_code == 204
        told = ws.receive_json()  # pushed by the first worker through PostgreSQL, no message needed
        assert told["code"] == "revoked"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4401
