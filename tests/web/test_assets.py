"""Static files: compressed, cached under version-stamped names, and a first load of the intake
well under 100 KB of JavaScript and CSS (issue 15, point 16); the app is installable (point 14)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import httpx

from backrub.web.assets import STATIC, load_assets

IMPORT = re.compile(r'^\s*import\s[^;]*?from\s+"(\.{1,2}/[^"]+)"|^\s*import\s+"(\.{1,2}/[^"]+)"', re.M)


def stamped_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/v/[^"]+)"', html)


def test_pages_link_version_stamped_files_cached_for_a_year_and_gzipped(http: httpx.Client) -> None:
    page = http.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-cache"
    assert page.headers["content-encoding"] == "gzip"
    links = stamped_links(page.text)
    assert any(link.endswith("/css/app.css") for link in links)
    assert any(link.endswith("/js/main.js") for link in links)
    assert '"/static/' not in page.text.replace('"/static/v/', "")  # every link carries the version
    for link in links:
        got = http.get(link, headers={"Accept-Encoding": "gzip"})
        assert got.status_code == 200, link
        assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
        if link.endswith((".js", ".css")):
            assert got.headers["content-encoding"] == "gzip"
    version = links[0].split("/")[3]
    assert len(version) == 12
    assert http.get(f"/static/v/{version}/js/nothing.js").status_code == 404
    assert http.get(f"/static/v/{version}/../app.py").status_code == 404


def test_a_changed_file_changes_the_version(tmp_path: Path) -> None:
    for p in STATIC.rglob("*"):
        if p.is_file():
            (tmp_path / p.relative_to(STATIC)).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / p.relative_to(STATIC)).write_bytes(p.read_bytes())
    before = load_assets(tmp_path).version
    (tmp_path / "css" / "app.css").write_text("body{}", encoding="utf-8")
    assert load_assets(tmp_path).version != before


def first_load(entries: list[str]) -> set[str]:
    """Every file the intake page loads at first: the entries and their static imports, as served
    (the intake's modules joined into js/app.js, web/bundle.py)."""
    served = load_assets().files
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name.endswith(".js"):
            text = served[name].body.decode("utf-8")
            for m in IMPORT.finditer(text):
                rel = m.group(1) or m.group(2)
                target = (STATIC / name).parent.joinpath(rel).resolve()
                todo.append(target.relative_to(STATIC.resolve()).as_posix())
    return seen


def test_the_intakes_first_load_stays_under_100_kb_of_js_and_css(http: httpx.Client) -> None:
    html = http.get("/").text
    entries = [link.split("/", 4)[4] for link in stamped_links(html) if link.endswith((".js", ".css"))]
    files = first_load([*entries, "js/app.js"])  # main.js fetches the intake's code on the first page
    served = load_assets().files
    raw = sum(len(served[f].body) for f in files)
    packed = sum(len(gzip.compress(served[f].body, 9)) for f in files)
    assert len(files) <= 6, sorted(files)  # one request per file: the intake's modules come as one
    assert "js/live.js" not in files and "js/records/care.js" not in files  # other pages load later
    assert raw < 100_000, (raw, sorted(files))
    assert packed < 40_000


def test_the_app_is_installable_with_a_worker_that_keeps_the_pages(http: httpx.Client) -> None:
    html = http.get("/").text
    manifest_link = next(link for link in stamped_links(html) if link.endswith(".webmanifest"))
    manifest = json.loads(http.get(manifest_link).text)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {i["sizes"] for i in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    base = manifest_link.rsplit("/", 1)[0]
    for icon in manifest["icons"]:
        assert http.get(f"{base}/{icon['src']}").status_code == 200
    worker = http.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["cache-control"] == "no-cache"
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", worker.text).group(1))
    assert "/" in files and any(f.endswith("/js/live.js") for f in files)
    assert "__VERSION__" not in worker.text
