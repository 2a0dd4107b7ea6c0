"""`backrub serve`: the coach on uvicorn, printing its address once it listens."""

from __future__ import annotations

import gc
import ssl
import sys
from typing import Any

import uvicorn
from sqlalchemy.engine import make_url

from backrub.records.accounts import needs_accounts
from backrub.web.app import create_app
from backrub.web.limits import MAX_MESSAGE


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, banner: str) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            print(self.banner, flush=True)


def serve(host: str = "127.0.0.1", port: int = 8000, *, accounts: bool = False, cert: str | None = None,
          key: str | None = None, behind_proxy: bool = False) -> int:
    """Run the coach until interrupted; 1 when it cannot listen on host:port, 2 for unsafe or bad options.

    Served beyond loopback (or behind a reverse proxy) everyone signs in, and only over TLS: this
    server's own (`cert`, `key`) or the proxy's.
    """
    problem = _tls_problem(host, cert, key, behind_proxy)
    if problem:
        print(f"backrub serve: {problem}", file=sys.stderr)
        return 2
    accounts = accounts or behind_proxy or needs_accounts(host)
    # The store's threads (the journal's writer, the readers) and the event loop share the
    # interpreter: hand it over sooner than the default 5 ms, so a message never waits long behind
    # a database write.
    sys.setswitchinterval(0.001)
    from backrub.records.db import DatabaseUnavailable

    try:
        app = create_app(accounts=accounts)
        accounts_made = _accounts_made(app) if accounts else 0
    except DatabaseUnavailable as err:
        print(f"backrub serve: {err}", file=sys.stderr)
        return 1
    # Everything loaded so far lives as long as the server: keep it out of the collector's passes.
    gc.collect()
    gc.freeze()
    # A worker holding many live sessions keeps every routine it planned: with the default
    # thresholds the collector walked that whole heap every few seconds under load, 80-240 ms a
    # pass with the GIL held, and those passes were the live feedback's p99 (bench_workers, gc
    # callbacks). Young passes stay cheap at 50,000; a full pass comes some 500 times rarer.
    gc.set_threshold(50_000, 20, 100)
    where = make_url(app.state.store.url).render_as_string(hide_password=True)
    shown = f"[{host}]" if ":" in host else host
    scheme = "https" if cert else "http"
    banner = (f"backrub coach: open {scheme}://{shown}:{port}/ in a browser  (records: {where}; "
              + ("accounts: everyone signs in; " if accounts else "")
              + ("no accounts yet: add one with `backrub account add NAME`; "
                 if accounts and not accounts_made else "")
              + ("behind a reverse proxy that serves https; " if behind_proxy else "")
              + "Ctrl+C stops)")
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", ws_ping_interval=20,
                            ws_max_size=4 * MAX_MESSAGE,  # past MAX_MESSAGE the coach answers an error
                            # No per-message deflate: compressing each ~50 KB routine for each client
                            # took over a quarter of the event loop's time under load (bench_workers);
                            # the loop is what every client waits on, and on a LAN the bytes are free.
                            ws_per_message_deflate=False,
                            timeout_graceful_shutdown=2, ssl_certfile=cert, ssl_keyfile=key,
                            # X-Forwarded-Proto/-For are believed only from a proxy on this computer.
                            proxy_headers=behind_proxy, forwarded_allow_ips="127.0.0.1,::1")
    try:
        _Server(config, banner).run()
    except SystemExit as stop:  # uvicorn exits when the address is taken
        if stop.code:
            print(f"backrub serve: cannot listen on {host}:{port} (is another server running there? "
                  "try --port)", file=sys.stderr)
            return 1
    return 0


def _tls_problem(host: str, cert: str | None, key: str | None, behind_proxy: bool) -> str:
    """Why these options may not be served (one line), or ""."""
    if (cert is None) != (key is None):
        return "--cert and --key go together: pass both (the certificate and its private key, PEM files)"
    if cert is not None and key is not None:
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
        except (OSError, ssl.SSLError) as err:
            return f"cannot use --cert {cert} --key {key}: {getattr(err, 'strerror', None) or err}"
        return ""
    if needs_accounts(host) and not behind_proxy:
        return (f"serving beyond this computer (--host {host}) needs TLS: pass --cert FILE --key FILE, "
                "or --behind-proxy when a reverse proxy on this computer serves https")
    return ""


def _accounts_made(app: Any) -> int:
    from sqlalchemy import func, select

    from backrub.records.models import AccountRow

    with app.state.store.db.session() as db:
        return int(db.scalar(select(func.count()).select_from(AccountRow)) or 0)
