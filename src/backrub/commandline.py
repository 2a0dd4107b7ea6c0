"""What every `backrub` subcommand shares: the exit codes (defined here once) and the one JSON reader.

The top-level command (`backrub.cli`), the robot commands and the records commands import these;
none of them imports another's command module.
"""

from __future__ import annotations

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


MAX_INPUT = 8 * 2**20  # characters of one intake or routine file (a routine at its limits is ~1 MB)


def read_json(source: str, what: str) -> Any:
    """JSON from a file or '-' (standard input); problems come back as InputError naming `what`."""
    try:
        if source == "-":
            text = sys.stdin.read(MAX_INPUT + 1)
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read(MAX_INPUT + 1)
    except FileNotFoundError:
        raise InputError([Problem(path=what, message=f"no such file: {source}")]) from None
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise InputError([Problem(path=what, message=f"cannot read {source}: {reason}")]) from None
    if len(text) > MAX_INPUT:
        raise InputError([Problem(path=what, message=f"{source} is larger than {MAX_INPUT // 2**20} MiB, "
                                                     "far more than any intake or routine")])
    from backrub.jsonin import loads

    return loads(text, what)
