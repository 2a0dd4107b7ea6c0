"""JSON read at the edge (files, request bodies, live messages, imports), before any reader sees it.

Python's `json` takes more than a stored record can give back: lone surrogates (`"\\ud800"`) and NUL
in text, which no UTF-8 page, PDF or database column can carry, numbers of thousands of digits,
`NaN`/`Infinity`, and nesting deep enough to exhaust the stack. Each is refused here with the
path of the field, so the readers behind (intake, routine, recipient, import) only meet values they
can store and answer with.
"""

from __future__ import annotations

import json
import math
import re

from backrub.errors import InputError, Problem, under

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 32  # an export nests about 8 deep; nothing backrub reads needs more
MAX_INT = 2**53  # past this a number is no longer exact in JSON or a browser
MAX_PROBLEMS = 20
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def loads(text: str | bytes, what: str = "") -> Any:
    """Parse JSON text and check every value in it; InputError names `what` or each bad field."""
    try:
        raw = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise InputError([Problem(path=what, message=f"not valid JSON at line {err.lineno}, column "
                                                     f"{err.colno}: {err.msg}")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(path=what, message="not valid JSON (UTF-8 text expected)")]) from None
    except RecursionError:
        raise InputError([Problem(path=what, message=f"nested more than {MAX_DEPTH} levels deep")]) from None
    except ValueError as err:  # numbers past Python's 4,300-digit limit, NaN and Infinity
        raise InputError([Problem(path=what, message=f"not valid JSON: {_short(err)}")]) from None
    check_values(raw)
    return raw


def check_values(raw: Any, root: str = "") -> None:
    """Refuse text that is not valid Unicode or holds NUL, numbers out of range, and deep nesting."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(raw, root, 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            message = text_problem(value)
            if message:
                problems.append(Problem(path=path, message=message))
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_INT:
                problems.append(Problem(path=path, message="number too large (at most 2**53 each way)"))
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append(Problem(path=path, message="expected a finite number"))
        elif depth >= MAX_DEPTH:
            problems.append(Problem(path=path, message=f"nested more than {MAX_DEPTH} levels deep"))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                shown = key if _BAD_TEXT.search(key) is None else ascii(key)
                message = text_problem(key)
                if message:
                    problems.append(Problem(path=under(path, shown) if path else shown,
                                            message=f"field name {message}"))
                    continue
                stack.append((item, under(path, key) if path else key, depth + 1))
        elif isinstance(value, list):
            for i in range(len(value) - 1, -1, -1):
                stack.append((value[i], f"{path}[{i}]", depth + 1))
    if problems:
        raise InputError(problems)


def text_problem(text: str) -> str:
    """Why this text cannot be stored and shown ("" when it can)."""
    found = _BAD_TEXT.search(text)
    if found is None:
        return ""
    if found.group() == "\x00":
        return "text may not contain NUL characters"
    shown = ascii(found.group())[1:-1]
    return f"not valid Unicode text (a lone surrogate {shown} at character {found.start()})"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _short(err: ValueError) -> str:
    text = str(err)
    if "integer string conversion" in text:
        return "a number with too many digits"
    return text.split(";")[0][:120]
