"""Input problems that carry where they are, collected and reported together."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with an input: where (`spots[1].zone`) and what was expected."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(ValueError):
    """Raised with every problem found in one input, never just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


MAX_PROBLEMS = 50  # enough to fix a file by; past it a reader stops keeping them (and says so)


class Problems:
    """A collector used while reading raw input in one pass."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.count = 0  # every problem added, kept or not: readers compare it to see if a part was bad

    def add(self, path: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(path=path, message=message))

    def add_under(self, root: str, err: InputError) -> None:
        """Take every problem of a nested input, its path re-rooted under `root`."""
        for p in err.problems:
            self.add(under(root, p.path), p.message)

    def unknown_keys(self, raw: dict[str, object], fields: Sequence[str], where: str = "") -> None:
        """One problem per key of `raw` that is not among `fields`, with the closest one offered."""
        for key in raw:
            if key not in fields:
                self.add(under(where, key) if where else key, f"unknown field; {suggest(key, fields)}")

    def raise_if_any(self) -> None:
        if self.items:
            more = self.count - len(self.items)
            tail = [Problem(path="", message=f"... and {more} more problems not shown")] if more > 0 else []
            raise InputError([*self.items, *tail])


def under(root: str, path: str) -> str:
    """A nested field's path seen from its parent: under('intake', 'spots[1].zone')."""
    if not path:
        return root
    return root + path if path.startswith("[") else f"{root}.{path}"


def print_problems(err: InputError) -> None:
    """One line per problem on standard error, as every command reports bad input."""
    import sys

    for problem in err.problems:
        print(str(problem), file=sys.stderr)


def suggest(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' tail for an unknown name, or an 'expected one of' list."""
    import difflib

    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=2, cutoff=0.6)
    prefixed = [c for c in options if c.startswith(word + "_")] if word else []
    hits = prefixed[:2] or close
    if hits:
        return "did you mean " + " or ".join(hits) + "?"
    return "expected one of " + ", ".join(options)


def whole(value: Any) -> Any:
    """3.0 is the whole number 3: JSON does not tell them apart, and some writers put every number so.
    Anything else is returned as it is, for the reader to judge."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def between_zero_and(value: Any, top: float) -> bool:
    """Whether a JSON value is a number above 0 and below `top`: not true or false (which Python
    counts as numbers), not NaN, and the bound tested first so a huge integer is never made a float."""
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and 0 < value < top
        and math.isfinite(value)
    )


def describe(value: object) -> str:
    """How a received value reads in an error message ('got ...')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, int) and abs(value) >= 10**15:
        return f"a number of about {round(value.bit_length() * 0.30103)} digits"  # too large for :g
    if isinstance(value, int | float):
        return f"{value:g}"
    return {"list": "a list", "dict": "an object"}.get(type(value).__name__, type(value).__name__)
