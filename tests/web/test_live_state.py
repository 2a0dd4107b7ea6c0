"""The live page's state object (static/js/live-state.js) under Node: its pure update functions,
tested without a browser (tests/web/live/*.test.mjs)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.web.breath.score import node

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(node() is None and not os.environ.get("CI"),
                                reason="node is missing (scripts/test.sh installs Debian's nodejs)")


def test_the_live_state_passes_its_own_tests_under_node() -> None:
    files = sorted(str(f.relative_to(ROOT)) for f in (ROOT / "tests" / "web" / "live").glob("*.test.mjs"))
    assert files
    done = subprocess.run([node() or "node", "--test", *files], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout


def test_the_live_page_keeps_no_state_of_its_own() -> None:
    """live.js holds one `state` binding; the routine, clock, step and picking live in it."""
    text = (ROOT / "src/backrub/web/static/js/live.js").read_text(encoding="utf-8")
    for gone in ("let routine", "let e0", "running = ", "shown = ", "spoken = ", "picking = ", "version++"):
        assert gone not in text, gone
    assert "let state = initialState();" in text
