"""Files the records are written into (exports, backups): readable by their owner only, written
whole or not at all, never over an existing file unless asked, and never into a folder that is not
there. Every refusal is an InputError naming the argument, in one line."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from backrub.errors import InputError, Problem

PRIVATE = 0o600  # health records and password hashes: the owner's eyes only


def check_destination(dest: Path, what: str, *, force: bool) -> None:
    """Refuse a destination that exists (without `force`), is a folder, or whose folder is missing."""
    if dest.is_dir():
        raise _problem(what, f"{dest} is a folder; name a file in it")
    if dest.exists() and not force:
        raise _problem(what, f"{dest} exists already; pass --force to replace it")
    if not dest.parent.is_dir():
        raise _problem(what, f"no folder {dest.parent}; make it first")


@contextlib.contextmanager
def private_file(dest: Path, what: str, *, force: bool) -> Iterator[Path]:
    """A temporary path beside `dest`, created 0600, for the caller to fill; moved onto `dest` at the
    end, removed if anything fails. OSError becomes a one-line InputError."""
    check_destination(dest, what, force=force)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as err:
        raise _problem(what, f"cannot write {dest}: {_reason(err)}") from None
    os.close(handle)  # mkstemp makes it 0600 already
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, PRIVATE)
        with open(tmp, "rb+") as synced:
            os.fsync(synced.fileno())
        os.replace(tmp, dest)
    except OSError as err:
        raise _problem(what, f"cannot write {dest}: {_reason(err)}") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_private(dest: Path, text: str, what: str, *, force: bool) -> None:
    """Write `text` to `dest` as a whole, readable by its owner only."""
    with private_file(dest, what, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _reason(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "the disk is full"
    return err.strerror or str(err)


def _problem(what: str, message: str) -> InputError:
    return InputError([Problem(path=what, message=message)])
