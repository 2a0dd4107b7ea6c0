"""The breath sensor with accounts: a phone signed in as someone else finds nothing by a code, and
the QR of another account's session is a 404 like everything else of theirs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import SecureCoach

PASSWORDS = {"erin": "erin-breathes-slowly-1", "frank": "frank-counts-breaths-2"}


@pytest.fixture(scope="module")
def pair(secure_coach: SecureCoach) -> Iterator[dict[str, Any]]:
    clients = {}
    for name, password in PASSWORDS.items():
        made = secure_coach.add_account(name, password)
        assert made.returncode == 0, made.stderr
        client = secure_coach.client()
        got = client.post("/api/auth/signin", json={"username": name, "password": password})
        assert got.status_code == 200, got.text
        client.headers["X-CSRF-Token"] = got.json()["csrf"]
        clients[name] = client
    yield {**clients, "coach": secure_coach}
    for client in clients.values():
        client.close()


def test_a_code_or_qr_of_anothers_session_is_not_found(pair: dict[str, Any],
                                                       intake_raw: dict[str, Any]) -> None:
    erin, frank = pair["erin"], pair["frank"]
    started = erin.post("/api/sessions", json=intake_raw)
    assert started.status_code == 201, started.text
    sid = started.json()["id"]
    assert erin.get("/api/sensor-session", params={"code": sid[:6]}).json() == {"id": sid}
    refused = frank.get("/api/sensor-session", params={"code": sid[:6]})
    assert refused.status_code == 404 and sid.encode() not in refused.content
    assert erin.get(f"/api/sessions/{sid}/sensor.svg").status_code == 200
    assert frank.get(f"/api/sessions/{sid}/sensor.svg").status_code == 404
    with pair["coach"].client() as anonymous:
        assert anonymous.get("/sensor").status_code == 200  # the page itself is public
        assert anonymous.get("/api/sensor-session", params={"code": sid[:6]}).status_code == 401
