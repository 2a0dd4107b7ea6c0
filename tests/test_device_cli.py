"""The device commands and `plan --device` through the real console script; the table and the SVG
mark device steps."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

BACKRUB = Path(sys.prefix) / "bin" / "backrub"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BACKRUB), *args], input=stdin, capture_output=True, text=True, timeout=60,
                          check=False)


def test_device_list_names_each_profile_by_what_it_is():
    done = run("device", "list")
    assert done.returncode == 0
    assert "percussion-small" in done.stdout and "Vibration massager with heat" in done.stdout
    listed = json.loads(run("device", "list", "--json").stdout)
    assert [p["id"] for p in listed] == ["percussion-small", "percussion-full", "vibration-heat"]
    assert all(p["speeds_per_minute"] and p["attachments"] for p in listed)


def test_device_show_gives_every_speed_and_an_unknown_id_exits_2():
    done = run("device", "show", "percussion-full")
    assert done.returncode == 0 and "13. 3,200" in done.stdout and "7" not in done.stderr
    assert json.loads(run("device", "show", "vibration-heat", "--json").stdout)["heat"] is True
    bad = run("device", "show", "vibration")
    assert bad.returncode == 2 and bad.stderr.startswith("ID: unknown device 'vibration'")
    assert "Traceback" not in bad.stderr


def test_plan_with_device_marks_device_steps_in_the_table_and_json(tmp_path):
    picture = tmp_path / "p.svg"
    done = run("plan", "-", "--device", "percussion-small", "--svg", str(picture), stdin='{"minutes": 20}')
    assert done.returncode == 0, done.stderr
    assert "· massager 1" in done.stdout and "speed 1 of 3" in done.stdout
    routine = json.loads(run("plan", "-", "--json", "--device", "percussion-small",
                             stdin='{"minutes": 20}').stdout)
    assert routine["intake"]["device"] == "percussion-small"
    on = [s for s in routine["steps"] if "device" in s]
    assert on and all(set(s["device"]) == {"speed", "per_minute", "attachment", "heat", "seconds_per_area"}
                      for s in on)
    # The picture: one wide band per device step, and a square number where it starts.
    root = ET.fromstring(picture.read_text())
    bands = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "device"]
    assert len(bands) == len(on)
    assert all(float(b.get("stroke-width")) >= 40 for b in bands)  # a 4.5 cm head at 10 px a cm
    # The routine checks clean as a file too.
    path = tmp_path / "r.json"
    path.write_text(json.dumps(routine))
    assert run("check", str(path)).returncode == 0


def test_a_bad_device_in_the_intake_exits_2_naming_the_field():
    raw = {"device": {"id": "mine", "kind": "sonic", "speeds_per_minute": [], "attachments": ["round"]}}
    done = run("plan", "-", stdin=json.dumps(raw))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert any(line.startswith("device.kind: unknown kind 'sonic'") for line in lines)
    assert any(line.startswith("device.speeds_per_minute:") for line in lines)
    flag = run("plan", "-", "--device", "percusion-full", stdin="{}")
    assert flag.returncode == 2 and "did you mean percussion-full" in flag.stderr


def test_plan_with_device_where_none_may_be_used_plans_by_hand():
    done = run("plan", "-", "--json", "--device", "percussion-full",
               stdin='{"minutes": 20, "conditions": ["blood_thinners"]}')
    assert done.returncode == 0
    assert not [s for s in json.loads(done.stdout)["steps"] if "device" in s]
