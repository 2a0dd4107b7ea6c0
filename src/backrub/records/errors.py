"""Errors of the records layer; the web maps them to HTTP in one place, the command line to exit codes."""

from __future__ import annotations


class NotFound(LookupError):
    """No such record for this viewer: missing, or another account's (the two look the same)."""

    def __init__(self, what: str, key: str = "") -> None:
        self.what = what
        self.key = key
        super().__init__(f"no such {what}" + (f": {key}" if key else ""))


class Conflict(ValueError):
    """The request clashes with what is stored (a taken username, a proposal already decided)."""
