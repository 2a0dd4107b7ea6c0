"""`backrub robot ...` through the installed console script, as a newcomer runs it from the README."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.robot

SCRIPT = Path(sys.executable).with_name("backrub")
FIELD_LINE = re.compile(r"^[A-Za-z_][\w.\[\]-]*: \S")  # `steps[3].technique: ...`


def backrub(*args, cwd, stdin=None):
    if not SCRIPT.exists():
        pytest.skip("the backrub console script is not installed next to this Python")
    return subprocess.run(
        [str(SCRIPT), *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """`backrub plan - --json > routine.json` for a robot, as the README shows."""
    where = tmp_path_factory.mktemp("newcomer")
    done = backrub("plan", "-", "--json", cwd=where, stdin=json.dumps({"giver": "robot", "minutes": 15}))
    assert done.returncode == 0, done.stderr
    (where / "routine.json").write_text(done.stdout)
    return where, json.loads(done.stdout)


def test_compile_then_simulate_as_the_readme_shows(planned, tmp_path):
    where, routine = planned
    done = backrub(
        "robot", "compile", str(where / "routine.json"), "--out", "m.npz", "--rate", "100", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "checked sample by sample" in done.stdout and (tmp_path / "m.npz").exists()
    data = np.load(tmp_path / "m.npz")
    assert data["position"].shape == (data["t"].size, 3) and float(data["rate_hz"]) == 100.0

    # Simulating only the opening step keeps this quick (a cut routine would fail the method's
    # own check, so it is compiled here directly); `simulate` is the same command either way.
    from backrub.robot.compile import compile_routine
    from backrub.routine.model import parse_routine

    one = parse_routine(dict(routine, steps=routine["steps"][:1]))
    compile_routine(one, verify=False, rate_hz=100.0).save(tmp_path / "one.npz")
    done = backrub("robot", "simulate", "one.npz", "--json", "--png", "one.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["violations"] == [] and report["force_rmse_n"] < 1.0
    assert report["real_time_factor"] > 1.0 and (tmp_path / "one.png").stat().st_size > 10_000


def _refused(where, raw, tmp_path, *extra):
    (tmp_path / "bad.json").write_text(json.dumps(raw))
    done = backrub(
        "robot", "compile", "bad.json", "--out", "never.npz", "--csv", "never.csv", *extra, cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    assert not (tmp_path / "never.npz").exists() and not (tmp_path / "never.csv").exists()
    lines = done.stderr.splitlines()
    assert lines and all(FIELD_LINE.match(line) for line in lines), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    return lines


def test_unknown_technique_exits_2_naming_the_field(planned, tmp_path):
    where, routine = planned
    raw = json.loads(json.dumps(routine))
    raw["steps"][3]["technique"] = "elbow_drop"
    lines = _refused(where, raw, tmp_path)
    assert lines[0].startswith("steps[3].technique: ") and "elbow_drop" in lines[0]


def test_impossible_body_exits_2_naming_the_field(planned, tmp_path):
    where, routine = planned
    raw = json.loads(json.dumps(routine))
    raw["intake"]["body"]["back_length_cm"] = 250
    lines = _refused(where, raw, tmp_path)
    assert any(line.startswith("intake.body.back_length_cm: ") for line in lines)


def test_routine_failing_the_method_verifier_exits_2_naming_the_step(planned, tmp_path):
    where, routine = planned
    raw = json.loads(json.dumps(routine))
    raw["steps"][0]["pressure"] = "firm"  # firm before any warm-up, and above what was asked
    lines = _refused(where, raw, tmp_path)
    assert all(line.startswith("steps[0]") for line in lines) and len(lines) >= 2


def test_a_partner_routine_is_refused_for_the_robot(tmp_path):
    done = backrub("plan", "-", "--json", cwd=tmp_path, stdin=json.dumps({"giver": "partner", "minutes": 30}))
    raw = json.loads(done.stdout)
    if not any(s["technique"] == "arm_rotation" for s in raw["steps"]):
        pytest.skip("this plan has no arm rotation")
    lines = _refused(tmp_path, raw, tmp_path)
    assert any(".technique: a robot cannot perform 'arm_rotation'" in line for line in lines)
