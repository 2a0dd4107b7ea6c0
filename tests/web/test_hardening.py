"""Issue 9 against a real server: no request freezes the coach, no stored value breaks a page, and
every refusal names what was wrong (422), says the body is too large (413), never answers 5xx."""

from __future__ import annotations

import json
import statistics
import threading
import time
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from backrub.intake.model import MAX_SPOTS
from backrub.planner.feedback import MAX_PAIN_PLACES
from backrub.web.limits import MAX_BODY
from tests.web.conftest import Coach

SURROGATE = '"note \\ud800 here"'  # JSON text as a client sends it: a lone surrogate escaped


def bad(template: str) -> str:
    """JSON text with the lone surrogate where the template says @S."""
    return template.replace("@S", SURROGATE)


def post_text(http: httpx.Client, url: str, text: str) -> httpx.Response:
    return http.post(url, content=text.encode(), headers={"content-type": "application/json"})


def spots_on_a_grid(n: int, radius: float = 1.0) -> list[dict[str, Any]]:
    """`n` small pain places spread over both sides of the back (none on the spine band)."""
    out = []
    for i in range(n):
        x = (4.0 + (i % 3) * 4.0) * (1 if i % 2 else -1)
        y = 6.0 + (i // 6) * 9.0
        out.append({"kind": "pain", "at": {"x_cm": x, "y_cm": y}, "radius_cm": radius})
    return out


# -- 2. size limits ------------------------------------------------------------------------------


def test_a_body_past_the_limit_is_413_before_it_is_read(http: httpx.Client) -> None:
    body = b'{"spots": [' + b'{"kind": "pain", "zone": "lumbar_left"},' * (MAX_BODY // 38) + b"{}]}"
    answer = http.post("/api/plan", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]


def test_a_body_sent_in_chunks_without_a_length_is_stopped_at_the_limit(http: httpx.Client) -> None:
    def chunks() -> Any:
        yield b'{"notes": "'
        for _ in range(MAX_BODY // 65536 + 4):
            yield b"x" * 65536
        yield b'"}'

    answer = http.post("/api/plan", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


@pytest.mark.parametrize("url", ["/api/screen", "/api/plan", "/api/sessions", "/api/recipients"])
def test_more_spots_than_a_back_carries_are_refused_naming_the_field(http: httpx.Client, url: str) -> None:
    spots = [{"kind": "pain", "zone": "lumbar_left"}] * (MAX_SPOTS + 1)
    body: dict[str, Any] = {"spots": spots}
    if url == "/api/recipients":
        body["name"] = "Many spots"
    answer = http.post(url, json=body)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "spots"]
    assert f"at most {MAX_SPOTS}" in problem["msg"]


def test_a_routine_of_thousands_of_bad_steps_gets_a_short_list_of_problems(http: httpx.Client) -> None:
    steps = [{"phase": "nope"}] * 80
    answer = http.post("/api/check", json={"routine": {"steps": steps}})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert len(detail) <= 51
    assert "more problems not shown" in detail[-1]["msg"]


def test_the_largest_accepted_intake_plans(http: httpx.Client) -> None:
    intake = {"minutes": 60, "spots": spots_on_a_grid(MAX_SPOTS), "focus": ["shoulders", "lower_back"],
              "conditions": ["blood_thinners"]}
    answer = http.post("/api/plan", json=intake)
    assert answer.status_code in (200, 409), answer.text


# -- 4. text that is not valid Unicode -----------------------------------------------------------


@pytest.mark.parametrize(("url", "text", "loc"), [
    ("/api/recipients", bad('{"name": "A", "spots": [{"kind": "pain", "zone": "lumbar_left", "note": @S}]}'),
     ["body", "spots", 0, "note"]),
    ("/api/recipients", '{"name": "A\\u0000B"}', ["body", "name"]),
    ("/api/recipients", bad('{"name": "A", "notes": @S}'), ["body", "notes"]),
    ("/api/plan", bad('{"goal": @S}'), ["body", "goal"]),
    ("/api/check", bad('{"routine": {"steps": [{"cue": @S}]}}'),
     ["body", "routine", "steps", 0, "cue"]),
])
def test_text_that_is_not_unicode_is_refused_naming_the_field(http: httpx.Client, url: str, text: str,
                                                              loc: list[Any]) -> None:
    answer = post_text(http, url, text)
    assert answer.status_code == 422, answer.text
    assert any(p["loc"] == loc for p in answer.json()["detail"]), answer.json()


def test_a_shared_note_with_a_lone_surrogate_never_breaks_the_owners_pages(http: httpx.Client) -> None:
    made = http.post("/api/recipients", json={"name": "Surrogate check"})
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    text = bad('{"spots": [{"kind": "pain", "zone": "lumbar_left", "note": @S}]}')
    patched = http.patch(f"/api/recipients/{rid}", content=text.encode(),
                         headers={"content-type": "application/json"})
    assert patched.status_code == 422
    for url in ("/api/recipients", f"/api/recipients/{rid}", f"/api/recipients/{rid}/record.pdf"):
        assert http.get(url).status_code == 200, url


def test_a_field_name_that_is_not_unicode_is_refused(http: httpx.Client) -> None:
    answer = post_text(http, "/api/screen", '{"\\udfff": 1}')
    assert answer.status_code == 422
    assert "field name" in answer.json()["detail"][0]["msg"]


# -- 5. crashes become refusals ------------------------------------------------------------------


CRASHERS = [
    ('{"conditions": [[]]}', ["body", "conditions", 0]),
    ('{"conditions": [{}]}', ["body", "conditions", 0]),
    ('{"spots": [{"kind": [], "zone": "lumbar_left"}]}', ["body", "spots", 0, "kind"]),
    ('{"spots": [{"kind": "pain", "zone": {}}]}', ["body", "spots", 0, "zone"]),
    ('{"minutes": ' + "9" * 5000 + "}", ["body"]),
    ('{"minutes": ' + "9" * 400 + "}", ["body", "minutes"]),
    ('{"minutes": 1e400}', ["body", "minutes"]),
    ('{"minutes": NaN}', ["body"]),
    ('{"focus": ' + "[" * 5000 + "]" * 5000 + "}", ["body"]),
    ('{"focus": ' + "[" * 40 + "]" * 40 + "}", ["body", "focus"]),
]


@pytest.fixture(scope="module")
def rid(coach: Coach) -> str:
    made = httpx.post(f"{coach.url}/api/recipients", json={"name": "Odd values"})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.mark.parametrize("url", ["/api/screen", "/api/plan", "/api/sessions", "/api/check", "/api/recipients",
                                 "/api/recipients/{rid}/next-intake", "/api/recipients/{rid}/sessions"])
@pytest.mark.parametrize(("text", "loc"), CRASHERS, ids=[f"crasher{i}" for i in range(len(CRASHERS))])
def test_odd_values_are_422_never_500(http: httpx.Client, rid: str, url: str, text: str,
                                      loc: list[Any]) -> None:
    url = url.format(rid=rid)
    if url == "/api/check":
        text = '{"intake": @I, "routine": {"steps": []}}'.replace("@I", text)
        loc = ["body", "intake", *loc[1:]] if len(loc) > 1 else loc
    answer = post_text(http, url, text)
    assert answer.status_code == 422, (answer.status_code, answer.text)
    if "/api/recipients" not in url:  # the recipient forms name their own fields
        locs = [p["loc"] for p in answer.json()["detail"]]
        assert any(found[: len(loc)] == loc for found in locs), locs


def _live(coach: Coach, http: httpx.Client, intake: dict[str, Any]) -> tuple[str, Any]:
    made = http.post("/api/sessions", json=intake)
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    return sid, connect(f"{coach.ws_url}/api/sessions/{sid}/live", open_timeout=10)


@pytest.mark.parametrize(("message", "field"), [
    ('{"type": "softer", "seq": 1000000000000000000000000000000}', "seq"),
    (bad('{"type": "end", "outcome": {"notes": @S}}'), "outcome.notes"),
    ('{"type": "end", "outcome": {"notes": "a\\u0000b"}}', "outcome.notes"),
    ('{"type": "skip", "seq": ' + "1" * 5000 + "}", ""),
    ('[' * 100000 + ']' * 100000, ""),
])
def test_odd_live_messages_get_an_error_and_the_socket_stays_open(coach: Coach, http: httpx.Client,
                                                                  message: str, field: str) -> None:
    _, ws = _live(coach, http, {"minutes": 15})
    with ws:
        ws.send(message)
        answer = json.loads(ws.recv(timeout=10))
        assert answer["type"] == "error", answer
        assert any(field in ".".join(str(p) for p in d["loc"]) for d in answer["detail"]), answer
        ws.send(json.dumps({"type": "pause", "seq": 7}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "ack", "seq": 7}


# -- 1. replanning never freezes the coach -------------------------------------------------------


def test_pain_reported_again_and_again_merges_and_is_capped(coach: Coach, http: httpx.Client) -> None:
    _, ws = _live(coach, http, {"minutes": 30})
    with ws:
        # The same sore place, reported ten times: one place, a little wider, not ten.
        for seq in range(10):
            ws.send(json.dumps({"type": "feedback", "kind": "pain", "at": {"x_cm": 6, "y_cm": 20 + seq * 0.3},
                                "seq": seq}))
            assert json.loads(ws.recv(timeout=30))["type"] == "ack"
            last = json.loads(ws.recv(timeout=30))
        assert last["type"] == "routine"
        pains = [s for s in last["routine"]["intake"]["spots"] if s["kind"] == "pain"]
        assert len(pains) == 1 and pains[0]["radius_cm"] <= 8.1
        # Places far apart each count, up to the cap; past it the giver is told to stop.
        answers = []
        apart = [(x, y) for y in (5, 13, 29, 37, 45) for x in (-14, -7, 7, 14)]  # 7 cm apart at least
        for seq, (x, y) in enumerate(apart[: MAX_PAIN_PLACES + 2], start=100):
            at = {"x_cm": x, "y_cm": y}
            ws.send(json.dumps({"type": "feedback", "kind": "pain", "at": at, "seq": seq}))
            assert json.loads(ws.recv(timeout=30))["type"] == "ack"
            answers.append(json.loads(ws.recv(timeout=30)))
        refused = [a for a in answers if a["type"] == "error"]
        assert refused and "Pain in this many places" in refused[-1]["message"], refused


@pytest.mark.slow
def test_another_clients_requests_go_on_while_one_floods_pain_reports(coach: Coach,
                                                                     http: httpx.Client) -> None:
    """One giver reports pain again and again (each a replan around many places); another's screening
    answers meanwhile as fast as on an idle coach, not after the replans."""
    start = {"minutes": 60, "spots": spots_on_a_grid(MAX_SPOTS - MAX_PAIN_PLACES, radius=0.5)}
    _, ws = _live(coach, http, start)
    done = threading.Event()

    def flood() -> None:
        with ws:
            for seq, spot in enumerate(spots_on_a_grid(40, radius=0.5)):
                spot["at"]["x_cm"] += 0.9 if seq % 2 else -0.9  # beside, not on, the places already marked
                ws.send(json.dumps({"type": "feedback", "kind": "pain", "at": spot["at"], "seq": seq}))
                answer = json.loads(ws.recv(timeout=60))
                if answer["type"] == "ack":  # then the new routine, or why there is none
                    json.loads(ws.recv(timeout=60))
        done.set()

    idle = []
    for _ in range(10):
        t = time.perf_counter()
        http.post("/api/screen", json={"minutes": 30})
        idle.append(time.perf_counter() - t)
    thread = threading.Thread(target=flood)
    thread.start()
    busy = []
    while not done.is_set() and len(busy) < 200:
        t = time.perf_counter()
        assert http.post("/api/screen", json={"minutes": 30}).status_code == 200
        busy.append(time.perf_counter() - t)
    thread.join(timeout=120)
    assert len(busy) >= 10
    assert statistics.median(busy) < max(0.05, 5 * statistics.median(idle)), (statistics.median(idle), busy)


# -- 10. smaller ones ----------------------------------------------------------------------------


def test_pages_carry_a_content_security_policy_that_allows_only_this_server(http: httpx.Client) -> None:
    for url in ("/", "/signin", "/recipients", "/openapi.json"):
        answer = http.get(url)
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in answer.headers  # plain http on loopback


def test_405_names_every_method_the_path_takes(http: httpx.Client) -> None:
    made = http.post("/api/recipients", json={"name": "Methods"})
    answer = http.put(f"/api/recipients/{made.json()['id']}", json={})
    assert answer.status_code == 405
    assert set(answer.headers["allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}


def test_a_whole_number_written_as_3_0_is_a_rating(http: httpx.Client, coach: Coach) -> None:
    sid, ws = _live(coach, http, {"minutes": 15})
    ws.close()
    answer = http.put(f"/api/sessions/{sid}/outcome", json={"pain_before": 3.0, "pain_after": 1})
    assert answer.status_code == 200, answer.text
    assert answer.json()["pain_before"] == 3
    assert http.put(f"/api/sessions/{sid}/outcome", json={"pain_before": 3.5}).status_code == 422
