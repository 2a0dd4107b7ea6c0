"""The command line over its whole grammar with broken input: never a traceback, always an exit code of
the design (0-3), and bad input (exit 2) says which field. 1,000 seeded cases, all reported together.

Cases start from valid intakes and routines and break them the ways users and attackers do: wrong
types, lists where names go, lone surrogates and NUL in text, numbers of thousands of digits,
NaN, nesting thousands deep, lists longer than any back, unknown fields, broken JSON, odd options.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest

from backrub.cli import main

CASES = 1000
SEED = 9
BIG, DEEP = "__BIG_NUMBER__", "__DEEP_NESTING__"
ODD: list[Any] = [None, True, 0, -1, 0.5, 1e308, 10**30, -(10**20), "", " ", "x" * 3000, "\ud800", "a\x00b",
                  "\udfff\ud800", [], {}, [[]], [{}], [None], {"": {}}, ["shoulders"] * 40,
                  [{"kind": "pain", "zone": "lumbar_left"}] * 30, BIG, DEEP, "NaN", "lumbar", "pain",
                  {"x_cm": "1", "y_cm": []}, {"x_cm": 1e400}, [1, 2, 3], [[1, 2]] * 400]
INTAKE_KEYS = ["minutes", "goal", "giver", "pressure", "position", "style", "breaths_per_minute",
               "conditions", "cleared_by_clinician", "spots", "focus", "body"]
STEP_KEYS = ["phase", "technique", "zones", "side", "direction", "pressure", "reps", "seconds", "path",
             "cue", "rules", "lead_in"]


def _intake(rng: random.Random) -> dict[str, Any]:
    raw: dict[str, Any] = {"minutes": rng.choice([15, 30, 45]), "pressure": rng.choice(["light", "medium"]),
                           "spots": [{"kind": "pain", "zone": "lumbar_left"},
                                     {"kind": "wound", "at": {"x_cm": 6, "y_cm": 30}, "radius_cm": 3}],
                           "focus": ["shoulders"], "conditions": ["blood_thinners"],
                           "body": {"back_length_cm": 50, "shoulder_width_cm": 42, "waist_width_cm": 32}}
    return raw


def _targets(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value that a mutation may replace."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _targets(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:6]):
            out += _targets(item, (*path, i))
    return out


def _mutated(value: Any, rng: random.Random, keys: list[str]) -> Any:
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_targets(value))
        odd = copy.deepcopy(rng.choice(ODD))
        if not path:
            if rng.random() < 0.2:
                value = odd
            elif isinstance(value, dict):
                value[rng.choice([*keys, "bogus", "\ud800"])] = odd
            continue
        parent = value
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and rng.random() < 0.15:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = odd
    return value


def _text(value: Any, rng: random.Random) -> str:
    text = json.dumps(value)
    text = text.replace(json.dumps(BIG), "9" * rng.choice([400, 4301, 20000]))
    text = text.replace(json.dumps(DEEP), "[" * 3000 + "]" * 3000)
    roll = rng.random()
    if roll < 0.05:
        text = text[: rng.randint(0, len(text))]  # cut short
    elif roll < 0.08:
        text = text.replace(":", "=", 1)
    elif roll < 0.1:
        return "\x00"  # not JSON at all
    return text


def _case(rng: random.Random, routine: dict[str, Any], folder: Path, n: int) -> tuple[list[str], str | None]:
    """argv and standard input for one case; files it names are written into `folder`."""
    kind = rng.choices(["screen", "plan", "check", "argv"], weights=[35, 20, 35, 10])[0]
    if kind == "argv":
        words = ["screen", "plan", "check", "-", "--json", "--svg", "--intake", "/proc/self/mem",
                 "/nonexistent", str(folder), "--help-me", "-x", "", "\udcff", "--svg=/proc/x.svg", "serve",
                 "--port", "99999999"]
        argv = [rng.choice(words) for _ in range(rng.randint(0, 5))]
        if argv and argv[0] == "serve":
            argv = ["serve", "--port", "not-a-port"]
        return argv, rng.choice([None, "{}", "[", ""])
    if kind == "check":
        text = _text(_mutated(json.loads(json.dumps(routine)), rng, STEP_KEYS), rng)
        argv = ["check", "-"] + (["--json"] if rng.random() < 0.5 else [])
        if rng.random() < 0.3:
            intake = folder / f"intake{n}.json"
            intake.write_text(_text(_mutated(_intake(rng), rng, INTAKE_KEYS), rng), encoding="utf-8",
                              errors="surrogatepass")
            argv += ["--intake", str(intake)]
        return argv, text
    text = _text(_mutated(_intake(rng), rng, INTAKE_KEYS), rng)
    argv = [kind, "-"] + (["--json"] if rng.random() < 0.5 else [])
    if kind == "plan" and rng.random() < 0.2:
        argv += ["--svg", rng.choice([str(folder / f"p{n}.svg"), "/proc/nope.svg", str(folder)])]
    return argv, text


def _run(argv: list[str], stdin: str | None) -> tuple[int | str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code: int | str = main(argv)
            except SystemExit as stop:  # argparse's usage errors
                code = stop.code if isinstance(stop.code, int) else 2
    except Exception:
        return "traceback", traceback.format_exc(limit=-3)
    finally:
        sys.stdin = old
    return code, err.getvalue()


@pytest.mark.slow
def test_a_thousand_broken_inputs_give_no_traceback(tmp_path: Path) -> None:
    from backrub.intake import parse_intake
    from backrub.planner import plan_routine

    routine = plan_routine(parse_intake({"minutes": 15})).to_dict()
    routine["steps"] = routine["steps"][:6]
    rng = random.Random(SEED)
    tracebacks, unnamed, codes = [], [], {}
    for n in range(CASES):
        argv, stdin = _case(rng, routine, tmp_path, n)
        code, err = _run(argv, stdin)
        codes[code] = codes.get(code, 0) + 1
        if code == "traceback" or code not in (0, 1, 2, 3):
            tracebacks.append((argv, (stdin or "")[:200], err))
        elif code == 2 and argv[:1] in (["screen"], ["plan"], ["check"]) and not err.strip():
            unnamed.append((argv, (stdin or "")[:200]))
    print(f"{CASES} cases: {codes}")
    assert not tracebacks, f"{len(tracebacks)} of {CASES} cases raised:\n" + "\n".join(
        f"{a} {s!r}\n{e}" for a, s, e in tracebacks[:5])
    assert not unnamed, unnamed[:5]
    assert codes.get(2, 0) > CASES // 3  # most cases really are broken
