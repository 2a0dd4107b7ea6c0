"""The intake's modules joined into one file at start-up (web/bundle.py): each module once, the
same names, and every other module importing the one shared copy."""

from __future__ import annotations

import posixpath
import re
import subprocess
from pathlib import Path

import pytest

from backrub.web.assets import STATIC, load_assets
from backrub.web.bundle import BUNDLE, LIBRARY, BundleError, bundled, join
from tests.web.breath.score import node

IMPORT_FROM = re.compile(r'^import\s*\{[^}]*\}\s*from\s*"([^"]+)"', re.M)


def sources() -> dict[str, str]:
    return {name: (STATIC / name).read_text(encoding="utf-8") for name in LIBRARY}


def test_the_bundle_holds_each_library_module_once_with_no_imports_left() -> None:
    text = load_assets().files[BUNDLE].body.decode("utf-8")
    assert not re.search(r"^\s*import\s", text, re.M)
    for name in LIBRARY:
        assert text.count(f"// -- {name} --") == 1
        # every exported name of every library module is exported by the bundle
        declared = r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+"
        for exported in re.findall(declared + r"(\w+)", sources()[name], re.M):
            assert re.search(declared + exported + r"\b", text, re.M), exported


def test_every_other_module_imports_the_shared_copy() -> None:
    """No page can hold two copies of a library module (two session caches, two chart id counters)."""
    files = load_assets().files
    rewritten = 0
    for name, asset in files.items():
        if not name.endswith(".js") or name in LIBRARY or name == BUNDLE or not name.startswith("js/"):
            continue
        text = asset.body.decode("utf-8")
        for spec in IMPORT_FROM.findall(text) + re.findall(r'import\("([^"]+)"\)', text):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), spec))
            assert resolved not in LIBRARY, (name, spec)
            assert resolved in files, (name, spec)  # every import names a file that is served
            rewritten += resolved == BUNDLE
    assert rewritten >= 20
    page = load_assets().pages["/"].body.decode("utf-8")
    assert "/js/app.js" in page and "/js/intake.js" not in page and "/js/dom.js" not in page


@pytest.mark.skipif(node() is None, reason="node is missing (scripts/test.sh installs Debian's nodejs)")
def test_the_bundle_is_a_module_node_can_parse(tmp_path: Path) -> None:
    out = tmp_path / "app.mjs"
    out.write_bytes(load_assets().files[BUNDLE].body)
    done = subprocess.run([node() or "node", "--check", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


def test_what_the_join_cannot_keep_exact_stops_it() -> None:
    good = sources()
    clash = {**good, "js/dom.js": good["js/dom.js"] + "\nexport const VOCABULARY = 1;\n"}
    with pytest.raises(BundleError, match=re.escape("'VOCABULARY' is declared in both js/vocabulary.js and")):
        join(clash)
    renamed = {**good, "js/state.js": 'import { h as make } from "./dom.js";\n' + good["js/state.js"]}
    with pytest.raises(BundleError, match=re.escape("js/state.js: a renamed import")):
        join(renamed)
    later = {**good, "js/words.js": 'import { api } from "./api.js";\n' + good["js/words.js"]}
    with pytest.raises(BundleError, match=re.escape("js/words.js imports js/api.js, which is not joined")):
        join(later)
    outside = {**good, "js/dom.js": 'import { voice } from "./voice.js";\n' + good["js/dom.js"]}
    with pytest.raises(BundleError, match=re.escape("js/dom.js imports js/voice.js")):
        join(outside)
    with pytest.raises(BundleError, match="made at start-up"):
        bundled({BUNDLE: b"", **{n: t.encode() for n, t in good.items()}})
