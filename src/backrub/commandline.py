"""What every `backrub` subcommand shares: the exit codes (defined here once) and the one JSON reader.

The top-level command (`backrub.cli`), the robot commands and the records commands import these;
none of them imports another's command module.
"""

from __future__ import annotations

import json
import sys

from backrub.errors import InputError, Problem

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1  # check: the verifier found errors; robot: the trajectory check or the monitor stopped it
EXIT_BAD_INPUT = 2  # one line per problem, naming the field; nothing written
EXIT_NOT_PLANNED = 3  # screening said check first or refer, or nothing safe fills the time
EXIT_DATABASE = 4  # the records database cannot be reached or used


def read_json(source: str, what: str) -> Any:
    """JSON from a file or '-' (standard input); problems come back as InputError naming `what`."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except FileNotFoundError:
        raise InputError([Problem(path=what, message=f"no such file: {source}")]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as err:
        raise InputError([Problem(path=what, message=f"cannot read {source}: {err}")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        message = f"not valid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        raise InputError([Problem(path=what, message=message)]) from None
