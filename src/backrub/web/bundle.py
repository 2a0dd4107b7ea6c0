"""The intake's modules as one file, joined at start-up (no build tool, no network).

A cold first load fetched 13 files; on a slow phone each response costs the page's main thread a
few milliseconds before any script runs, so the intake's chart waited on requests more than on
code. The modules the intake needs (LIBRARY, in dependency order) are joined into `js/app.js`:
their imports of each other are dropped (they share one scope now) and their exports stay. Every
other module that imports one of them is rewritten to import the same name from `js/app.js`, so
each module still exists once per page (one `api.js` session cache, one set of chart ids), and the
sources stay as they are for the Node tests. Anything the join cannot keep exact (a renamed import,
an import of a module outside the library, two top-level names alike) stops the server from
starting, and a test builds the bundle on every run.
"""

from __future__ import annotations

import posixpath
import re

BUNDLE = "js/app.js"
LIBRARY = ("js/vocabulary.js", "js/words.js", "js/dom.js", "js/state.js", "js/api.js", "js/backmap.js",
           "js/records/words.js", "js/records/chart.js", "js/intake.js")

# `import { a, b } from "./x.js";` (the braces may span lines), and `import("./x.js")`.
STATIC_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";[ \t]*\n?', re.M)
DYNAMIC_IMPORT = re.compile(r'import\("([^"]+)"\)')
OTHER_IMPORT = re.compile(r"^\s*(import\s+[\w*]|export\s*\{|export\s+\*|export\s+default)", re.M)
TOP_NAME = re.compile(r"^(?:export\s+)?(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)",
                      re.M)


class BundleError(ValueError):
    """The modules cannot be joined without changing what they mean."""


def _target(importer: str, spec: str) -> str:
    if not spec.startswith("."):
        raise BundleError(f"{importer}: only relative imports can be joined ({spec!r})")
    return posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))


def _relative(importer: str, target: str) -> str:
    rel = posixpath.relpath(target, posixpath.dirname(importer))
    return rel if rel.startswith(".") else f"./{rel}"


def join(sources: dict[str, str]) -> str:
    """The library's modules as one module: each once, in order, their imports of each other dropped."""
    seen: set[str] = set()
    names: dict[str, str] = {}
    parts = ["// The intake's modules, joined when the server starts (backrub/web/bundle.py): edit the\n"
             "// files named below, never this one.\n"]
    for name in LIBRARY:
        text = sources[name]
        if OTHER_IMPORT.search(text):
            raise BundleError(f"{name}: only `import {{ ... }} from` and exported declarations can be joined")
        for match in STATIC_IMPORT.finditer(text):
            target = _target(name, match.group(2))
            if target not in seen:
                raise BundleError(f"{name} imports {target}, which is not joined before it")
            if " as " in match.group(1):
                raise BundleError(f"{name}: a renamed import cannot be joined")
        if DYNAMIC_IMPORT.search(text):
            raise BundleError(f"{name}: a module loaded later cannot be joined")
        for top in TOP_NAME.findall(text):
            if top in names:
                raise BundleError(f"{top!r} is declared in both {names[top]} and {name}")
            names[top] = name
        parts.append(f"\n// -- {name} --\n{STATIC_IMPORT.sub('', text)}")
        seen.add(name)
    return "".join(parts)


def rewrite(name: str, text: str) -> str:
    """A module outside the library, its imports of library modules pointing at the bundle."""
    here = _relative(name, BUNDLE)

    def static(match: re.Match[str]) -> str:
        if not match.group(2).startswith(".") or _target(name, match.group(2)) not in LIBRARY:
            return match.group(0)
        return match.group(0).replace(f'"{match.group(2)}"', f'"{here}"')

    def dynamic(match: re.Match[str]) -> str:
        spec = match.group(1)
        joined = spec.startswith(".") and _target(name, spec) in LIBRARY
        return f'import("{here}")' if joined else match.group(0)

    return DYNAMIC_IMPORT.sub(dynamic, STATIC_IMPORT.sub(static, text))


def bundled(raw: dict[str, bytes]) -> dict[str, bytes]:
    """The static files with the bundle added and every other module's imports pointed at it."""
    if BUNDLE in raw:
        raise BundleError(f"{BUNDLE} is made at start-up; a file of that name would be hidden")
    sources = {n: raw[n].decode("utf-8") for n in LIBRARY}
    out = dict(raw)
    out[BUNDLE] = join(sources).encode("utf-8")
    for name, body in raw.items():
        if name.endswith(".js") and name.startswith("js/") and name not in LIBRARY:
            out[name] = rewrite(name, body.decode("utf-8")).encode("utf-8")
    return out
