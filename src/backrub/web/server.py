"""`backrub serve`: the coach on uvicorn, printing its address once it listens."""

from __future__ import annotations

import gc
import sys
from typing import Any

import uvicorn
from sqlalchemy.engine import make_url

from backrub.web.app import create_app


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, banner: str) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            print(self.banner, flush=True)


def serve(host: str = "127.0.0.1", port: int = 8000) -> int:
    """Run the coach until interrupted; 1 when it cannot listen on host:port."""
    # The store's threads (the journal's writer, the readers) and the event loop share the
    # interpreter: hand it over sooner than the default 5 ms, so a message never waits long behind
    # a database write.
    sys.setswitchinterval(0.001)
    from backrub.records.db import DatabaseUnavailable

    try:
        app = create_app()
    except DatabaseUnavailable as err:
        print(f"backrub serve: {err}", file=sys.stderr)
        return 1
    # Everything loaded so far lives as long as the server: keep it out of the collector's passes.
    gc.collect()
    gc.freeze()
    where = make_url(app.state.store.url).render_as_string(hide_password=True)
    shown = f"[{host}]" if ":" in host else host
    banner = (f"backrub coach: open http://{shown}:{port}/ in a browser  (records: {where}; "
              "Ctrl+C stops)")
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", ws_ping_interval=20,
                            timeout_graceful_shutdown=2)
    try:
        _Server(config, banner).run()
    except SystemExit as stop:  # uvicorn exits when the address is taken
        if stop.code:
            print(f"backrub serve: cannot listen on {host}:{port} (is another server running there? "
                  "try --port)", file=sys.stderr)
            return 1
    return 0
