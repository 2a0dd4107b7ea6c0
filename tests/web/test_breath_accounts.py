"""The breath sensor with accounts: a phone signed in as someone else finds nothing by a code, and
the QR of another account's session is a 404 like everything else of theirs."""

from __future__ import annotations

from typing import Any

import httpx

from tests.web.test_accounts import alice, bob, records, team  # noqa: F401  (their fixtures)


def test_a_code_or_qr_of_anothers_session_is_not_found(alice: httpx.Client, bob: httpx.Client,  # noqa: F811
                                                       records: dict[str, Any]) -> None:  # noqa: F811
    live_sid = records["live_sid"]
    assert alice.get("/api/sensor-session", params={"code": live_sid[:6]}).json() == {"id": live_sid}
    assert bob.get("/api/sensor-session", params={"code": live_sid[:6]}).status_code == 404
    assert alice.get(f"/api/sessions/{live_sid}/sensor.svg").status_code == 200
    refused = bob.get(f"/api/sessions/{live_sid}/sensor.svg")
    assert refused.status_code == 404 and live_sid.encode() not in refused.content
