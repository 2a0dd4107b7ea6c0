"""The coach's static files, served fast and safely cached.

Every file is read once at start-up (the intake's modules joined into one, bundle.py),
gzip-compressed once, and served under a version-stamped path (`/static/v/<hash>/...`, the hash
of every file's content): cached for a year, immutable,
because a new version has a new path. The pages are served with their links rewritten to that
path, never cached, so a reload always finds the current version. `/sw.js` is the offline
worker, with the version and the list of files it keeps.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from backrub.web.bundle import bundled
from backrub.web.errors import NotFound

STATIC = Path(__file__).parent / "static"
PAGES = {"/": "index.html", "/signin": "signin.html", "/recipients": "recipients.html"}
TEXT = (".js", ".css", ".html", ".json", ".webmanifest", ".svg")
YEAR = "public, max-age=31536000, immutable"
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@dataclass(frozen=True, slots=True, kw_only=True)
class Asset:
    """One file as sent: its bytes, the same gzip-compressed (when text), its media type."""

    body: bytes
    gzipped: bytes | None
    media_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Assets:
    version: str
    files: dict[str, Asset]
    pages: dict[str, Asset]


def _asset(body: bytes, name: str) -> Asset:
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media.startswith("text/") or media.endswith(("javascript", "json")):
        media += "; charset=utf-8"
    packed = gzip.compress(body, 9, mtime=0) if name.endswith(TEXT) else None
    return Asset(body=body, gzipped=packed if packed and len(packed) < len(body) else None, media_type=media)


def load_assets(root: Path = STATIC) -> Assets:
    """Every static file, its version stamp, and the pages with their links stamped."""
    raw = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    raw = dict(sorted(bundled(raw).items()))  # the intake's modules as one file (bundle.py)
    digest = hashlib.sha256()
    for name, body in raw.items():
        digest.update(name.encode() + b"\0" + body)
    version = digest.hexdigest()[:12]
    prefix = f"/static/v/{version}/"
    files = {name: _asset(body, name) for name, body in raw.items()}
    keep = [prefix + n for n in raw if n.endswith((".js", ".css", ".svg", ".png", ".webmanifest"))
            and n != "sw.js"]
    pages = {}
    for route, name in PAGES.items():
        text = raw[name].decode("utf-8").replace('"/static/', f'"{prefix}')
        pages[route] = _asset(text.encode("utf-8"), name)
    worker = raw["sw.js"].decode("utf-8").replace("__VERSION__", version).replace(
        "__FILES__", json.dumps([*PAGES, *keep]))
    pages["/sw.js"] = _asset(worker.encode("utf-8"), "sw.js")
    return Assets(version=version, files=files, pages=pages)


def _send(request: Request, asset: Asset, cache: str, extra: dict[str, str] | None = None) -> Response:
    headers = {"Cache-Control": cache, "Vary": "Accept-Encoding", **(extra or {})}
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def assets_router(assets: Assets) -> APIRouter:
    """The pages, the offline worker and the version-stamped files."""
    router = APIRouter(include_in_schema=False)

    def page(route: str) -> None:
        async def serve(request: Request) -> Response:
            return _send(request, assets.pages[route], "no-cache")
        router.add_api_route(route, serve, methods=["GET"])

    for route in PAGES:
        page(route)

    @router.get("/sw.js")
    async def worker(request: Request) -> Response:
        return _send(request, assets.pages["/sw.js"], "no-cache", {"Service-Worker-Allowed": "/"})

    @router.get("/static/v/{version}/{path:path}")
    async def stamped(request: Request, version: str, path: str) -> Response:
        asset = assets.files.get(path)
        if asset is None:
            raise NotFound("file")
        # An older page asking for an older version gets today's file, not kept for long.
        return _send(request, asset, YEAR if version == assets.version else "no-cache")

    return router
