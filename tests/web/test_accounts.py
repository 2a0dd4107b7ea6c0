"""Accounts, against a real `backrub serve --accounts --cert --key` over HTTPS: signing in and out, the
cookie's flags, CSRF, throttled guessing, the WebSocket's checks, and the proof that no endpoint
shows one account's records to another: every operation of the OpenAPI document is walked."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.web.conftest import Coach, SecureCoach, free_port, wait_until

pytest.importorskip("matplotlib")
from backrub.records import comfort
from backrub.records.accounts import COOKIE, LOGIN_DAYS
from backrub.records.db import Database
from backrub.records.models import (
    AccountRow,
    CareScheduleRow,
    EventRow,
    IntakeRow,
    OutcomeRow,
    ProposalRow,
    RecipientRow,
    SessionRow,
    ShareRow,
    SkinCheckRow,
)
from backrub.records.recipients import Viewer, create_recipient
from backrub.records.sessions import learn_from_session
from tests.records.helpers import session_with

PASSWORDS = {"alice": "alice-passphrase-1", "bob": "bob-passphrase-22", "dave": "dave-passphrase-333"}
NAME, NOTES = "Zelda Quartermaine", "alice-only-notes-7f3a"
SKIN, OUTCOME = "alice-only-skin-91c2", "alice-felt-5d0e"
METHODS = ("get", "put", "post", "patch", "delete")
REFUSED = {401, 403, 404, 405, 422}
# Bodies a request may carry: at least one of them is valid for each operation, so the route reaches
# its records (and its viewer filter) instead of stopping at the body's check.
BODIES: list[Any] = [{}, {"confirm": True}, {"relaxation_after": 5, "notes": "bob"}, {"every_hours": 4},
                     {"marks": [], "notes": "bob"}, {"notes": "bob was here"}, {"name": "Bob's own"}]


# -- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def team(secure_coach: SecureCoach) -> SecureCoach:
    for name, password in PASSWORDS.items():
        made = secure_coach.add_account(name, password)
        assert made.returncode == 0, made.stderr
    return secure_coach


def signed_in(coach: SecureCoach, name: str) -> httpx.Client:
    """A client signed in as `name`, sending its CSRF token with every request."""
    client = coach.client()
    got = client.post("/api/auth/signin", json={"username": name, "password": PASSWORDS[name]})
    assert got.status_code == 200, got.text
    client.headers["X-CSRF-Token"] = got.json()["csrf"]
    return client


@pytest.fixture
def alice(team: SecureCoach) -> Iterator[httpx.Client]:
    client = signed_in(team, "alice")
    yield client
    client.close()


@pytest.fixture
def bob(team: SecureCoach) -> Iterator[httpx.Client]:
    client = signed_in(team, "bob")
    yield client
    client.close()


@pytest.fixture
def records(team: SecureCoach, alice: httpx.Client, intake_raw: dict[str, Any]) -> dict[str, Any]:
    """Alice's records, written by the records layer: a recipient with a session (pain, so a proposal),
    an outcome, a comfort-care schedule and a skin check; and a live session she started over HTTP."""
    db = Database(team.database_url)
    try:
        with db.session() as s:
            owner = Viewer(account_id=s.scalar(select(AccountRow.id).where(AccountRow.username == "alice")))
            who = create_recipient(s, owner, {"name": NAME, "notes": NOTES})
            sid = session_with(s, who.id, [("pain", {"x_cm": 7.0, "y_cm": 22.0})], viewer=owner,
                               outcome={"pain_before": 4, "pain_after": 2, "notes": OUTCOME})
            pending = learn_from_session(s, owner, sid)
            comfort.set_schedule(s, owner, who.id, {"every_hours": 4, "rub_minutes": 5})
            comfort.record_skin_check(s, owner, who.id, {
                "marks": [{"kind": "redness", "at": {"x_cm": 0, "y_cm": 4}, "radius_cm": 3}], "notes": SKIN})
    finally:
        db.close()
    assert pending, "the session's pain should have been proposed as a standing spot"
    started = alice.post("/api/sessions", json=intake_raw)
    assert started.status_code == 201, started.text
    return {"rid": who.id, "sid": sid, "live_sid": started.json()["id"], "pid": pending[0]["id"]}


def snapshot(coach: SecureCoach, rid: str, sids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every stored row about Alice's recipient and sessions, to see that nothing of hers changed."""
    tables: list[tuple[Any, Any]] = [
        (RecipientRow, RecipientRow.id == rid), (ShareRow, ShareRow.recipient_id == rid),
        (IntakeRow, IntakeRow.recipient_id == rid), (ProposalRow, ProposalRow.recipient_id == rid),
        (CareScheduleRow, CareScheduleRow.recipient_id == rid),
        (SkinCheckRow, SkinCheckRow.recipient_id == rid),
        (SessionRow, SessionRow.id.in_(sids)), (EventRow, EventRow.session_id.in_(sids)),
        (OutcomeRow, OutcomeRow.session_id.in_(sids))]
    db = Database(coach.database_url)
    try:
        with db.session() as s:
            return {model.__tablename__: [{c.name: getattr(row, c.key) for c in model.__mapper__.columns}
                                          for row in s.scalars(select(model).where(where))]
                    for model, where in tables}
    finally:
        db.close()


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(method, path template) of every operation in the API's description, /api/auth/* and the load
    balancer's /api/health (it holds no records) aside."""
    for template, item in spec["paths"].items():
        if not template.startswith("/api/auth/") and template != "/api/health":
            yield from ((method, template) for method in METHODS if method in item)


def urls(template: str, values: dict[str, list[str]]) -> list[str]:
    names = re.findall(r"{(\w+)}", template)
    unknown = [n for n in names if n not in values]
    assert not unknown, f"{template}: say in this test which of Alice's records fill {unknown}"
    return [template.format(**dict(zip(names, combo, strict=True)))
            for combo in itertools.product(*(values[n] for n in names))]


def close_code(coach: SecureCoach, path: str, **options: Any) -> int | None:
    """The code the server closed a WebSocket with (after any messages it sent first)."""
    with connect(coach.ws_url + path, ssl=coach.ssl, open_timeout=10, **options) as ws:
        try:
            while True:
                ws.recv(timeout=10)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


def login_cookie(client: httpx.Client) -> str:
    token = client.cookies.get(COOKIE)
    assert token
    return f"{COOKIE}={token}"


# -- the key test -------------------------------------------------------------------------------------


def test_no_endpoint_leaks_another_accounts_data(team: SecureCoach, alice: httpx.Client, bob: httpx.Client,
                                                 records: dict[str, Any], intake_raw: dict[str, Any]) -> None:
    spec = bob.get("/openapi.json").json()
    rid, sid, live_sid = records["rid"], records["sid"], records["live_sid"]
    secrets = [NAME, NOTES, SKIN, OUTCOME, rid, sid, live_sid]
    values = {"rid": [rid], "sid": [sid, live_sid], "pid": [str(records["pid"])],
              "username": ["bob", "alice"]}
    before = snapshot(team, rid, [sid, live_sid])
    walked: dict[str, set[int]] = {}
    for method, template in operations(spec):
        for url in urls(template, values):
            for body in [None] if method in ("get", "delete") else [*BODIES, intake_raw]:
                got = bob.request(method.upper(), url, json=body)
                where = f"bob {method.upper()} {url} {body if body is not intake_raw else 'intake'}"
                assert got.status_code < 500, f"{where}: {got.status_code} {got.text[:300]}"
                for secret in secrets:
                    assert secret.encode() not in got.content, f"{where} shows Alice's {secret!r}"
                if "{" in template:
                    assert got.status_code in REFUSED, f"{where}: {got.status_code} {got.text[:300]}"
                walked.setdefault(f"{method.upper()} {template}", set()).add(got.status_code)
    # Each operation on Alice's ids reached its records and found nothing Bob may see: 404, not merely
    # a body refused before the records were asked.
    not_filtered = [op for op, codes in walked.items() if "{" in op and 404 not in codes]
    assert not not_filtered, f"never answered 404 to Bob: {not_filtered}"
    assert len(walked) >= 15
    assert snapshot(team, rid, [sid, live_sid]) == before, "Bob's requests changed Alice's records"
    # Her ids are real: the same GETs answer her.
    for method, template in operations(spec):
        if method == "get" and "{" in template:
            url = template.format(rid=rid, sid=sid, pid=records["pid"], username="bob")
            assert alice.get(url).status_code == 200, f"alice GET {url}"
    bobs = {r["id"]: r["name"] for r in bob.get("/api/recipients").json()}
    assert rid not in bobs and "Bob's own" in bobs.values()
    assert rid in {r["id"] for r in alice.get("/api/recipients").json()}


def test_a_shared_recipient_is_seen_by_the_one_it_is_shared_with(alice: httpx.Client, bob: httpx.Client,
                                                                 records: dict[str, Any]) -> None:
    rid, sid, live_sid = records["rid"], records["sid"], records["live_sid"]
    assert bob.get(f"/api/recipients/{rid}").status_code == 404
    assert alice.put(f"/api/recipients/{rid}/shares/bob").status_code == 204
    listed = {r["id"]: r for r in bob.get("/api/recipients").json()}
    assert listed[rid]["name"] == NAME and listed[rid]["shared"] is True
    assert bob.get(f"/api/recipients/{rid}").json()["recipient"]["notes"] == NOTES
    assert bob.get(f"/api/sessions/{sid}").json()["recipient_id"] == rid
    assert bob.get(f"/api/sessions/{live_sid}").status_code == 404  # hers alone: no recipient shared
    assert bob.delete(f"/api/recipients/{rid}").status_code == 404  # only the owner deletes
    assert bob.put(f"/api/recipients/{rid}/shares/dave").status_code == 404  # only the owner shares
    assert alice.delete(f"/api/recipients/{rid}/shares/bob").status_code == 204
    assert bob.get(f"/api/recipients/{rid}").status_code == 404
    assert bob.get(f"/api/sessions/{sid}").status_code == 404


def test_a_session_shows_its_recipient_kind_and_changes(alice: httpx.Client, records: dict[str, Any]) -> None:
    view = alice.get(f"/api/sessions/{records['sid']}").json()
    assert (view["recipient_id"], view["kind"]) == (records["rid"], "massage")
    assert isinstance(view["changes"], list)
    plain = alice.get(f"/api/sessions/{records['live_sid']}").json()
    assert (plain["recipient_id"], plain["kind"], plain["changes"]) == (None, "massage", [])


# -- signing in and out ------------------------------------------------------------------------------


def test_the_banner_says_how_to_add_the_first_account(secure_coach: SecureCoach) -> None:
    assert secure_coach.banner.startswith(f"backrub coach: open https://127.0.0.1:{secure_coach.port}/")
    assert "`backrub account add NAME`" in secure_coach.banner


def test_sign_in_and_out(team: SecureCoach) -> None:
    with team.client() as client:
        assert client.get("/api/auth/me").json() == {"accounts": True, "username": None, "csrf": None}
        got = client.post("/api/auth/signin", json={"username": "Alice ", "password": PASSWORDS["alice"]})
        assert got.status_code == 200 and got.json()["username"] == "alice"
        me = client.get("/api/auth/me").json()
        assert me == {"accounts": True, "username": "alice", "csrf": got.json()["csrf"]}
        cookie = login_cookie(client)
        assert client.post("/api/auth/signout").status_code == 403  # without the CSRF token
        out = client.post("/api/auth/signout", headers={"X-CSRF-Token": me["csrf"]})
        assert out.status_code == 204 and 'Max-Age=0' in out.headers["set-cookie"]
        assert client.get("/api/auth/me").json()["username"] is None
    with team.client() as stale:  # the old cookie kept by someone: the login is gone on the server too
        assert stale.get("/api/recipients", headers={"Cookie": cookie}).status_code == 401


def test_the_login_cookie_is_secure_http_only_and_same_site(team: SecureCoach) -> None:
    with team.client() as client:
        got = client.post("/api/auth/signin", json={"username": "bob", "password": PASSWORDS["bob"]})
        flags = [part.strip().lower() for part in got.headers["set-cookie"].split(";")]
    assert flags[0].startswith(f"{COOKIE}=") and len(flags[0]) > len(COOKIE) + 40
    assert {"secure", "httponly", "samesite=strict", "path=/", f"max-age={LOGIN_DAYS * 86400}"} <= set(flags)


def test_a_wrong_password_or_unknown_name_is_one_answer(team: SecureCoach) -> None:
    with team.client() as client:
        wrong = client.post("/api/auth/signin", json={"username": "alice", "password": "not-her-password"})
        nobody = client.post("/api/auth/signin", json={"username": "mallory", "password": "whatever-at-all"})
        empty = client.post("/api/auth/signin", json={"username": "", "password": 5})
        assert client.post("/api/auth/signin", json={"username": "alice", "password": PASSWORDS["alice"]}) \
            .status_code == 200  # clears alice's failures
    assert wrong.status_code == nobody.status_code == 422
    assert wrong.json() == nobody.json() == {"detail": [{"loc": ["body", "password"], "type": "value_error",
                                                         "msg": "the username or password is wrong"}]}
    assert [d["loc"] for d in empty.json()["detail"]] == [["body", "username"], ["body", "password"]]
    assert COOKIE not in wrong.headers.get("set-cookie", "")


def test_repeated_failures_are_throttled(team: SecureCoach) -> None:
    with team.client() as client:
        for _ in range(5):
            got = client.post("/api/auth/signin", json={"username": "dave", "password": "a wrong guess"})
            assert got.status_code == 422
        held = client.post("/api/auth/signin", json={"username": "dave", "password": PASSWORDS["dave"]})
        assert held.status_code == 429 and 200 < int(held.headers["Retry-After"]) <= 300
        assert "try again in" in held.json()["detail"]
        other = client.post("/api/auth/signin", json={"username": "bob", "password": PASSWORDS["bob"]})
        assert other.status_code == 200  # someone else signs in as usual


def test_the_throttle_counts_per_name_and_per_client(tmp_path: Path) -> None:
    from backrub.web.auth import Throttle
    from backrub.web.store import Store

    store = Store(f"sqlite:///{tmp_path / 'throttle.db'}")
    try:
        throttle = Throttle(store, per_name=3, per_client=5, window_s=60)
        for t in range(3):
            assert throttle.wait_s("ann", "10.0.0.1", now=t) == 0
            throttle.failed("ann", "10.0.0.1", now=t)
        assert throttle.wait_s("ann", "10.0.0.1", now=10) == 50  # until the first failure is a minute old
        assert throttle.wait_s("ann", "10.0.0.2", now=10) == 0  # another client
        assert throttle.wait_s("ann", "10.0.0.1", now=61) == 0
        guessing = Throttle(store, per_name=3, per_client=5, window_s=60)
        for t, name in enumerate(["ann", "bo", "cy", "di", "ed"]):
            guessing.failed(name, "10.0.0.9", now=100 + t)
        assert guessing.wait_s("fay", "10.0.0.9", now=110) == 50  # five names guessed from one client
        guessing.failed("fay", "10.0.0.2", now=110)
        guessing.failed("fay", "10.0.0.2", now=110)
        guessing.succeeded("fay", "10.0.0.2")  # a right password: the name's failures forgotten
        assert guessing.wait_s("fay", "10.0.0.2", now=110) == 0
    finally:
        store.close()
    # Kept in the database: a restarted server (a new store on the same file) still holds the client.
    again = Store(f"sqlite:///{tmp_path / 'throttle.db'}")
    try:
        assert Throttle(again, per_name=3, per_client=5, window_s=60).wait_s("gus", "10.0.0.9", now=110) == 50
    finally:
        again.close()


def test_every_api_route_needs_a_login(team: SecureCoach, records: dict[str, Any]) -> None:
    values = {"rid": [records["rid"]], "sid": [records["sid"]], "pid": [str(records["pid"])],
              "username": ["bob"]}
    with team.client() as anonymous:
        spec = anonymous.get("/openapi.json").json()
        seen = 0
        for method, template in operations(spec):
            for url in urls(template, values):
                got = anonymous.request(method.upper(), url, json=None if method in ("get", "delete") else {})
                assert (got.status_code, got.json()) == (401, {"detail": "sign in first"}), f"{method} {url}"
                seen += 1
        assert seen >= 20
        assert anonymous.get("/api/not-a-route").status_code == 401  # deny by default
        # One process on SQLite: no other workers to hear (null), and still healthy.
        health = anonymous.get("/api/health").json()
        assert health == {"ok": True, "database": "sqlite", "hears_other_workers": None}
        for page in ("/", "/recipients", "/signin", "/static/js/api.js"):
            assert anonymous.get(page).status_code == 200  # pages hold no records


def test_changes_need_the_csrf_token_of_the_login(alice: httpx.Client, bob: httpx.Client,
                                                  records: dict[str, Any], intake_raw: Any) -> None:
    token = alice.headers.pop("X-CSRF-Token")
    assert alice.post("/api/sessions", json=intake_raw).status_code == 403
    for wrong in ("0" * 64, bob.headers["X-CSRF-Token"], ""):
        got = alice.post("/api/sessions", json=intake_raw, headers={"X-CSRF-Token": wrong})
        assert got.status_code == 403 and "X-CSRF-Token" in got.json()["detail"]
    outcome = alice.put(f"/api/sessions/{records['sid']}/outcome", json={"relaxation_after": 9})
    assert outcome.status_code == 403
    assert alice.delete(f"/api/recipients/{records['rid']}").status_code == 403
    assert alice.get(f"/api/recipients/{records['rid']}").status_code == 200  # reading needs no token
    assert alice.post("/api/sessions", json=intake_raw, headers={"X-CSRF-Token": token}).status_code == 201


def test_the_live_channel_checks_login_origin_and_owner(team: SecureCoach, alice: httpx.Client,
                                                        bob: httpx.Client, records: dict[str, Any]) -> None:
    live = f"/api/sessions/{records['live_sid']}/live"
    origin = team.url
    assert close_code(team, live, origin=origin) == 4401
    made_up = {"Cookie": f"{COOKIE}=made-up"}
    assert close_code(team, live, origin=origin, additional_headers=made_up) == 4401
    assert close_code(team, live, origin="https://evil.example",
                      additional_headers={"Cookie": login_cookie(alice)}) == 4403
    assert close_code(team, live, additional_headers={"Cookie": login_cookie(alice)}) == 4403  # no Origin
    assert close_code(team, live, origin=origin, additional_headers={"Cookie": login_cookie(bob)}) == 4404
    with connect(team.ws_url + live, ssl=team.ssl, origin=origin,
                 additional_headers={"Cookie": login_cookie(alice)}) as ws:
        ws.send('{"type": "pause", "seq": 0}')
        assert '"ack"' in ws.recv(timeout=10)


def test_logins_outlive_a_restart(team: SecureCoach, alice: httpx.Client, intake_raw: dict[str, Any]) -> None:
    team.restart()
    assert wait_until(lambda: alice.get("/api/auth/me").json()["username"] == "alice")
    assert alice.post("/api/sessions", json=intake_raw).status_code == 201  # the CSRF secret was kept


# -- serving ---------------------------------------------------------------------------------------------


def test_a_local_coach_has_no_accounts(coach: Coach, http: httpx.Client) -> None:
    assert http.get("/api/auth/me").json() == {"accounts": False, "username": None, "csrf": None}
    got = http.post("/api/auth/signin", json={"username": "alice", "password": PASSWORDS["alice"]})
    assert got.status_code == 404 and "served on this computer only" in got.json()["detail"]


def _serve(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKRUB_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"}
    return subprocess.run([sys.executable, "-m", "backrub", "serve", "--port", str(free_port()), *args],
                          env=env, capture_output=True, text=True, timeout=60)


def test_serving_beyond_loopback_needs_tls(tmp_path: Path, secure_coach: SecureCoach) -> None:
    bare = _serve("--host", "0.0.0.0", tmp_path=tmp_path)
    assert bare.returncode == 2 and bare.stdout == ""
    lines = bare.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs TLS: pass --cert FILE --key FILE, or --behind-proxy" in lines[0]
    half = _serve("--cert", str(secure_coach.cert), tmp_path=tmp_path)
    assert half.returncode == 2 and "--cert and --key go together" in half.stderr
    missing = _serve("--cert", str(tmp_path / "no.pem"), "--key", str(tmp_path / "no.key"), tmp_path=tmp_path)
    assert missing.returncode == 2 and "cannot use --cert" in missing.stderr


# -- in the browser ---------------------------------------------------------------------------------------


CHROMIUM = os.environ.get("BACKRUB_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page(team: SecureCoach) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 390, "height": 844})
        opened = context.new_page()
        opened.errors = []
        opened.on("pageerror", lambda err: opened.errors.append(str(err)))
        opened.set_default_timeout(15000)
        yield opened
        context.close()
        browser.close()


def test_signing_in_in_the_browser(team: SecureCoach, page: Any, artifacts: Path) -> None:
    page.goto(team.url + "/")  # signed out: the coach sends the browser to sign in, then back
    page.wait_for_url(re.compile(r"/signin\?next=%2F"))
    page.goto(team.url + "/signin?next=%2Frecipients")
    page.fill("#username", "alice")
    page.fill("#password", "not her password")
    page.click("#go")
    page.wait_for_selector("#password-error:has-text('the username or password is wrong')")
    assert page.get_attribute("#password", "aria-invalid") == "true"
    page.screenshot(path=artifacts / "signin.png", full_page=True)
    page.fill("#password", PASSWORDS["alice"])
    page.click("#go")
    page.wait_for_url(team.url + "/recipients")
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    page.goto(team.url + "/")
    page.wait_for_selector("#signed-in-as:has-text('alice')")
    page.screenshot(path=artifacts / "signed-in.png")
    page.click("#signout")
    page.wait_for_url(team.url + "/signin")
    assert not any(c["name"] == COOKIE for c in page.context.cookies())
    # After signing in, only a path on this coach: never another site.
    page.goto(team.url + "/signin?next=https%3A%2F%2Fevil.example%2F")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORDS["alice"])
    page.click("#go")
    page.wait_for_url(team.url + "/")
    assert page.errors == []


def test_withdrawn_access_closes_the_live_socket(team: SecureCoach, alice: httpx.Client,
                                                  records: dict[str, Any]) -> None:
    """Unsharing, and signing out, end what an open socket may do: it is closed, and what it sends on
    a socket still open (a race) is refused, never written into the session."""
    rid = records["rid"]
    bob = signed_in(team, "bob")
    try:
        assert alice.put(f"/api/recipients/{rid}/shares/bob").status_code == 204
        made = alice.post(f"/api/recipients/{rid}/sessions", json={})
        assert made.status_code == 201, made.text
        sid = made.json()["id"]
        live = f"{team.ws_url}/api/sessions/{sid}/live"
        with connect(live, ssl=team.ssl, origin=team.url,
                     additional_headers={"Cookie": login_cookie(bob)}) as ws:
            ws.send('{"type": "pause", "seq": 1}')
            assert '"ack"' in ws.recv(timeout=10)
            ws.recv(timeout=10)  # the state
            assert alice.delete(f"/api/recipients/{rid}/shares/bob").status_code == 204
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    assert '"ack"' not in ws.recv(timeout=10)
                    ws.send('{"type": "resume", "seq": 2}')
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        events = alice.get(f"/api/sessions/{sid}").json()["events"]
        assert [e["seq"] for e in events] == [1]
        # Signing out closes the sockets of that login.
        live_own = f"{team.ws_url}/api/sessions/{records['live_sid']}/live"
        with connect(live_own, ssl=team.ssl, origin=team.url,
                     additional_headers={"Cookie": login_cookie(alice)}) as ws:
            ws.send('{"type": "resume", "seq": 900}')
            assert '"ack"' in ws.recv(timeout=10)
            ws.recv(timeout=10)
            assert alice.post("/api/auth/signout").status_code == 204
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    finally:
        bob.close()


def test_https_answers_carry_hsts(team: SecureCoach) -> None:
    with team.client() as client:
        answer = client.get("/signin")
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_sharing_answers_the_same_whether_or_not_the_name_is_an_account(
        team: SecureCoach, alice: httpx.Client, bob: httpx.Client) -> None:
    """Any account may share its own record; if the answer told an account from a free name, sharing
    would list the coach's usernames. Status, headers, body and time must not tell them apart."""
    import statistics
    import time

    rid = alice.post("/api/recipients", json={"name": "Shared both ways"}).json()["id"]

    def share(name: str) -> tuple[httpx.Response, float]:
        started = time.perf_counter()
        got = alice.put(f"/api/recipients/{rid}/shares/{name}")
        took = time.perf_counter() - started
        assert alice.delete(f"/api/recipients/{rid}/shares/{name}").status_code == 204
        return got, took

    def shape(got: httpx.Response) -> tuple[int, bytes, list[tuple[str, str]]]:
        return got.status_code, got.content, sorted((k, v) for k, v in got.headers.items() if k != "date")

    known, free = share("bob"), share("zed.nobody")
    assert shape(known[0]) == shape(free[0])
    assert known[0].status_code == 204
    times: dict[str, list[float]] = {"bob": [], "zed.nobody": []}
    for _ in range(15):  # interleaved, so the machine's load falls on both alike
        for name in times:
            times[name].append(share(name)[1])
    ratio = statistics.median(times["bob"]) / statistics.median(times["zed.nobody"])
    assert 0.5 < ratio < 2.0, f"median share time, account / free name: {ratio:.2f}"

    # The owner sees every name it is shared with, account or not; the account sees the record now,
    # and a name without an account gets it when that account is made.
    for name in ("bob", "late.carer"):
        assert alice.put(f"/api/recipients/{rid}/shares/{name}").status_code == 204
    assert alice.get(f"/api/recipients/{rid}").json()["recipient"]["shared_with"] == ["bob", "late.carer"]
    assert bob.get(f"/api/recipients/{rid}").json()["recipient"]["shared_with"] == []  # the owner's to know
    assert team.add_account("late.carer", "late-carer-passphrase").returncode == 0
    late = team.client()
    got = late.post("/api/auth/signin", json={"username": "late.carer", "password": "late-carer-passphrase"})
    assert got.status_code == 200, got.text
    assert rid in {r["id"] for r in late.get("/api/recipients").json()}
    late.close()
    # A name no account could have is refused by its form alone, the same for everyone.
    refused = alice.put(f"/api/recipients/{rid}/shares/No%20Body")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["path", "username"]
