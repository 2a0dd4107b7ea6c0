"""The breath sensor's estimator (the page's own ES modules, run by Node) on accelerometer traces
whose truth is known: the stored traces in tests/web/breath/traces and a small fresh corpus.
The oracle is the generator's truth (inhale onsets, movement), scored in tests/web/breath/score.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.web.breath import score as sc
from tests.web.breath.corpus import STORED, corpus, load, make_trace

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sc.node() is None and not os.environ.get("CI"),
                                reason="node is missing (scripts/test.sh installs Debian's nodejs)")


def test_the_estimator_modules_pass_their_own_tests_under_node():
    files = sorted(str(f.relative_to(ROOT)) for f in (ROOT / "tests" / "web" / "breath").glob("*.test.mjs"))
    assert len(files) >= 2
    # the files by name: what a directory argument means has changed between Node versions
    done = subprocess.run([sc.node() or "node", "--test", *files], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_stored_traces_are_what_the_generator_makes():
    for spec in STORED[:2]:
        assert load(spec.name)["samples"][:50] == make_trace(spec).to_dict()["samples"][:50]


@pytest.fixture(scope="module")
def stored():
    traces = [load(spec.name) for spec in STORED]
    runs = sc.run_estimator(traces)
    return {t["name"]: (t, sc.score(t, r), r["estimates"]) for t, r in zip(traces, runs, strict=True)}


@pytest.mark.parametrize("name", ["calm-12bpm", "slow-6bpm-relaxing", "fast-24bpm", "moves-and-talks-14bpm"])
def test_a_phone_on_the_back_locks_within_3_breaths_and_reads_the_rate(stored, name):
    _, s, _ = stored[name]
    assert s.lock_breaths is not None and s.lock_breaths <= 3, s.lock_breaths
    assert sc.pct(s.rate_errors, 0.5) <= 1.0 and sc.pct(s.rate_errors, 0.9) <= 2.0, s.rate_errors
    assert s.locked_share > 0.8


def test_a_relaxing_receiver_is_seen_slowing(stored):
    _, _, run = stored["slow-6bpm-relaxing"]
    early = [e[3] for e in run if 20_000 < e[0] < 35_000 and e[1] == "locked"]
    late = [e[3] for e in run if e[0] > 75_000 and e[1] == "locked"]
    assert early and late and sc.pct(late, 0.5) < sc.pct(early, 0.5) - 0.5


def test_movement_is_flagged_and_the_phone_on_the_table_is_weak(stored):
    _, moved, _ = stored["moves-and-talks-14bpm"]
    assert moved.moving_flagged is not None and moved.moving_flagged > 0.8
    _, _, table = stored["on-the-table"]
    states = [e[1] for e in table if e[0] > 10_000]
    assert states.count("weak") > 0.9 * len(states)
    assert states.count("locked") < 0.05 * len(states)


def test_over_a_fresh_corpus_the_rate_is_within_1_median_and_2_at_p90():
    specs = [s for s in corpus(12, seconds=75.0, seed=77) if not s.table]
    traces = [make_trace(s).to_dict() for s in specs]
    summary = sc.summary([sc.score(t, r) for t, r in zip(traces, sc.run_estimator(traces), strict=True)])
    assert summary["locked_traces"] == len(specs)
    assert summary["rate_error_median"] <= 1.0 and summary["rate_error_p90"] <= 2.0, summary
    assert summary["lock_breaths_median"] <= 3, summary
