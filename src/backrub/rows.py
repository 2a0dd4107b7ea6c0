"""Rows of the declarative tables: techniques, zone shapes, rules, conditions, the method's script,
the commands.

A row is written once, where its table is built, and only read after. As a dataclass, each row
class would have an `__init__`, `__setattr__` and `__delattr__` generated and compiled at every
start of the program, about 3 M instructions a class; rows share the three below instead. The type
checker reads a row class as a frozen, keyword-only dataclass (PEP 681's `dataclass_transform`), so
a misspelt, missing or reassigned field is caught there, and at run time here.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    from typing import Any, ClassVar, Self

    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_options):
        return lambda cls: cls


@dataclass_transform(kw_only_default=True, frozen_default=True, eq_default=False)
class Row:
    """A read-only record of keyword fields: its annotated names, with the class's values as defaults.

    Rows compare and hash by identity, as table rows should: two rows are the same row or not.
    """

    _fields: ClassVar[frozenset[str]] = frozenset()
    _required: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        own = [name for name, kind in vars(cls).get("__annotations__", {}).items() if "ClassVar" not in kind]
        names = [*cls._required, *cls._defaults, *own]  # inherited fields first
        cls._defaults = {**cls._defaults, **{name: vars(cls)[name] for name in own if name in vars(cls)}}
        cls._required = tuple(dict.fromkeys(name for name in names if name not in cls._defaults))
        cls._fields = frozenset(names)

    def __init__(self, **values: Any) -> None:
        unknown = values.keys() - self._fields
        missing = [name for name in self._required if name not in values]
        if unknown or missing:
            what = f"no field {min(unknown)!r}" if unknown else f"{missing[0]!r} is required"
            raise TypeError(f"{type(self).__name__}: {what}")
        fields = vars(self)
        fields.update(self._defaults)
        fields.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def with_changes(self, **changes: Any) -> Self:
        """A copy of the row with these fields changed."""
        return type(self)(**{**vars(self), **changes})
