"""What `backrub plan` loads at start-up, and that what it leaves out still works when asked for.

Each test runs a fresh interpreter: the test process has long since imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "intake.json"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_plan_leaves_inspect_and_typing_unloaded() -> None:
    # inspect (with ast, dis and tokenize) and typing are a large share of the start-up; a plan
    # needs neither, so importing one of them again on this path would show here.
    out = _run(
        "import contextlib, io, sys\n"
        "from backrub.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as plan:\n"
        f"    code = main(['plan', {str(EXAMPLE)!r}, '--json'])\n"
        "assert code == 0, code\n"
        "assert plan.getvalue().startswith('{')\n"
        "loaded = [m for m in ('ast', 'dis', 'tokenize', 'typing') if m in sys.modules]\n"
        "real = type(sys.modules['inspect']).__name__ == 'module'\n"
        "print(loaded, real)\n"
    )
    assert out.split("\n")[0] == "[] False"


def test_inspect_works_for_code_that_asks_for_it_after_backrub() -> None:
    out = _run(
        "import backrub.cli\n"
        "import inspect\n"
        "from inspect import isfunction\n"
        "from dataclasses import dataclass\n"
        "@dataclass\n"
        "class Undocumented:\n"
        "    a: int\n"
        "import sys\n"
        "print(inspect.signature(backrub.cli.main))\n"
        "print(isfunction(backrub.cli.main), Undocumented.__doc__)\n"
        "real = sys.modules['inspect']\n"
        "print(type(real).__name__, real.signature is inspect.signature)\n"
    )
    signature, facts, module = out.strip().split("\n")
    assert signature.startswith("(argv")
    # dataclasses reads inspect through the stand-in: a class without a docstring gets its signature
    assert facts == "True Undocumented(a: int)"
    assert module == "module True"


def test_the_plan_is_the_same_with_inspect_loaded_first() -> None:
    plain = subprocess.run(
        [sys.executable, "-m", "backrub.cli", "plan", str(EXAMPLE), "--json"], capture_output=True, text=True
    )
    eager = subprocess.run(
        [sys.executable, "-c", "import inspect, sys; from backrub.cli import main; sys.exit(main())",
         "plan", str(EXAMPLE), "--json"],
        capture_output=True, text=True,
    )
    assert plain.returncode == eager.returncode == 0, (plain.stderr, eager.stderr)
    assert json.loads(plain.stdout)["steps"]
    assert plain.stdout == eager.stdout
