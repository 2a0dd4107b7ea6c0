"""The web coach: HTTP API, live WebSocket channel, pages and session records (`web` extra)."""

from backrub.web.app import create_app

__all__ = ["create_app"]
