"""The command line through the real console script: exit codes, stdin, JSON shapes, pictures, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BACKRUB = Path(sys.prefix) / "bin" / "backrub"
EXAMPLE = ROOT / "examples" / "intake.json"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BACKRUB), *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=60, check=False)


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_the_console_script_is_installed():
    assert BACKRUB.exists()


# -- screen ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("intake", "code", "decision"), [
    ({}, 0, "proceed"), ({"conditions": ["osteoporosis"]}, 0, "adapt"),
    ({"conditions": ["heart_disease"]}, 3, "check_first"), ({"conditions": ["fever"]}, 3, "refer"),
])
def test_screen_exits_by_decision(tmp_path, intake, code, decision):
    done = run("screen", write(tmp_path, "i.json", intake), "--json")
    assert done.returncode == code
    out = json.loads(done.stdout)
    assert out["decision"] == decision
    assert set(out) == {"decision", "reasons", "changes"}
    assert all(set(r) == {"code", "message", "source"} for r in out["reasons"])


def test_screen_reads_standard_input_and_prints_reasons_in_words():
    done = run("screen", "-", stdin=json.dumps({"conditions": ["pregnancy"]}))
    assert done.returncode == 3
    assert "Do not massage" in done.stdout and "pregnancy" in done.stdout


# -- plan --------------------------------------------------------------------------------------

def test_plan_prints_a_table_by_default():
    done = run("plan", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert "Total 30:00" in done.stdout and "Cues:" in done.stdout


def test_plan_json_is_a_routine_that_check_accepts(tmp_path):
    done = run("plan", str(EXAMPLE), "--json")
    assert done.returncode == 0
    routine = json.loads(done.stdout)
    assert routine["format"] == "backrub.routine/1"
    assert {"minutes", "screening", "steps"} <= set(routine)
    checked = run("check", write(tmp_path, "r.json", routine), "--json")
    assert checked.returncode == 0
    assert json.loads(checked.stdout) == {"ok": True, "findings": []}


def test_plan_from_standard_input_equals_plan_from_a_file():
    from_file = run("plan", str(EXAMPLE), "--json")
    from_stdin = run("plan", "-", "--json", stdin=EXAMPLE.read_text())
    assert from_stdin.returncode == 0 and from_stdin.stdout == from_file.stdout


def test_plan_that_screening_refuses_exits_3_with_reasons(tmp_path):
    path = write(tmp_path, "i.json", {"conditions": ["dvt"]})
    done = run("plan", path)
    assert done.returncode == 3 and "No routine was planned" in done.stdout and "blood clot" in done.stdout
    out = json.loads(run("plan", path, "--json").stdout)
    assert out["planned"] is False and out["reasons"] and out["screening"]["decision"] == "refer"


def test_plan_svg_writes_a_picture_with_one_polyline_per_hand_path(tmp_path):
    picture = tmp_path / "plan.svg"
    done = run("plan", str(EXAMPLE), "--json", "--svg", str(picture))
    assert done.returncode == 0
    routine = json.loads(done.stdout)
    root = ET.parse(picture).getroot()
    assert root.tag == f"{SVG}svg"
    hands = sum(2 if s["side"] == "both" else 1 for s in routine["steps"])
    assert len(root.findall(f".//{SVG}polyline")) == hands


def test_plan_svg_into_a_missing_folder_is_bad_input(tmp_path):
    done = run("plan", str(EXAMPLE), "--svg", str(tmp_path / "no" / "such" / "plan.svg"))
    assert done.returncode == 2
    assert done.stderr.startswith("--svg: cannot write") and "Traceback" not in done.stderr


# -- bad input ---------------------------------------------------------------------------------

def test_bad_input_prints_one_line_per_problem_and_writes_no_picture(tmp_path):
    picture = tmp_path / "plan.svg"
    bad = {"minutes": True, "pressure": "hard",
           "spots": [{"kind": "pain", "zone": "lumbar_left"}, {"kind": "pain", "zone": "lumbar"}]}
    done = run("plan", write(tmp_path, "i.json", bad), "--svg", str(picture))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 3
    assert "spots[1].zone: unknown zone 'lumbar'; did you mean lumbar_left or lumbar_right?" in lines
    assert any(line.startswith("minutes: ") and "got true" in line for line in lines)
    assert any(line.startswith("pressure: ") for line in lines)
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not picture.exists()


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "INTAKE: not valid JSON at line 1"),
    ("[1, 2]", "expected a JSON object"),
    ("", "INTAKE: not valid JSON"),
])
def test_unreadable_intakes_are_bad_input_without_a_traceback(tmp_path, content, expected):
    for command in ("screen", "plan"):
        done = run(command, write(tmp_path, "i.json", content))
        assert done.returncode == 2
        assert expected in done.stderr and "Traceback" not in done.stderr


def test_a_missing_file_is_bad_input():
    done = run("plan", "/no/such/intake.json")
    assert done.returncode == 2 and done.stderr.strip() == "INTAKE: no such file: /no/such/intake.json"


# -- check -------------------------------------------------------------------------------------

def _planned(tmp_path) -> dict[str, Any]:
    return json.loads(run("plan", str(EXAMPLE), "--json").stdout)


def test_check_on_a_broken_routine_prints_findings_and_exits_1(tmp_path):
    routine = _planned(tmp_path)
    medium = next(i for i, s in enumerate(routine["steps"])
                  if s["pressure"] == "medium" and len(s["path"]) > 5)
    routine["steps"][medium]["path"][3] = [0.0, routine["steps"][medium]["path"][3][1]]
    path = write(tmp_path, "r.json", routine)
    done = run("check", path)
    assert done.returncode == 1
    assert "spine-pressure" in done.stdout and f"steps[{medium}].path[3]" in done.stdout
    assert "fix:" in done.stdout
    out = json.loads(run("check", path, "--json").stdout)
    assert out["ok"] is False
    assert {"rule": "spine-pressure", "severity": "error", "where": f"steps[{medium}].path[3]"}.items() \
        <= next(f for f in out["findings"] if f["rule"] == "spine-pressure").items()


def test_check_reads_standard_input_and_judges_against_another_intake(tmp_path):
    routine = _planned(tmp_path)
    ok = run("check", "-", stdin=json.dumps(routine))
    assert ok.returncode == 0 and ok.stdout.startswith("OK")
    robot = write(tmp_path, "robot.json", {**json.loads(EXAMPLE.read_text()), "giver": "robot"})
    judged = run("check", "-", "--intake", robot, "--json", stdin=json.dumps(routine))
    assert judged.returncode == 1
    assert any(f["rule"] == "shoulders-arms" and f["severity"] == "error"
               for f in json.loads(judged.stdout)["findings"])


def test_check_on_garbage_is_bad_input_naming_each_field(tmp_path):
    routine = _planned(tmp_path)
    routine["steps"][2]["technique"] = "shiatsu"
    routine["steps"][4]["reps"] = "five"
    done = run("check", write(tmp_path, "r.json", routine))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("steps[2].technique: unknown technique 'shiatsu'")
    assert lines[1].startswith("steps[4].reps: ") and "Traceback" not in done.stderr


def test_usage_errors_exit_2():
    assert run().returncode == 2
    assert run("plan").returncode == 2
