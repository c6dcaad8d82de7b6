"""Reading the starter content in `pmcohort/data/`: TOML files, checked as they load.

A mistake in a data file stops the app at start with a ContentError naming the file, the entry
and the field, rather than surfacing later as a wrong score or a 500 on some page.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TypeVar

DATA = files("pmcohort") / "data"
# Keys are stored in the database and typed by admins: one rule for both.
KEY_PATTERN = re.compile(r"[a-z0-9_]+\Z")
_MISSING = object()
T = TypeVar("T")


class ContentError(ValueError):
    """A data file that cannot be used; the message says where and what is wrong."""


def read_toml(folder: Traversable, path: str) -> Entry:
    """The whole file at `path` (slash-separated, under `folder`) as an Entry."""
    file = folder.joinpath(*path.split("/"))
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from None
    return Entry(path, data)


class Entry:
    """One table of a data file. Every accessor checks its field's type; `done()` refuses fields nobody read,
    so a misspelt field name is an error instead of a silently missing value."""

    def __init__(self, where: str, data: Mapping[str, object]):
        self.where = where
        self._data = data
        self._read: set[str] = set()

    def error(self, message: str) -> ContentError:
        return ContentError(f"{self.where}: {message}")

    def has(self, name: str) -> bool:
        return name in self._data

    def _get(self, name: str, default: object) -> object:
        self._read.add(name)
        if name in self._data:
            return self._data[name]
        if default is _MISSING:
            raise self.error(f"missing field {name!r}")
        return default

    def text(self, name: str, default: object = _MISSING) -> str:
        value = self._get(name, default)
        if not isinstance(value, str) or (not value.strip() and default is _MISSING):
            raise self.error(f"{name!r} must be a non-empty string")
        return value.strip()

    def text_fields(self, *names: str, default: object = _MISSING) -> dict[str, str]:
        """The text of each of `names`, as keyword arguments for a class whose fields the file names alike."""
        return {name: self.text(name, default) for name in names}

    def key(self, name: str = "key", *, max_length: int | None = None) -> str:
        return self.check_key(self.text(name), name, max_length)

    def check_key(self, value: str, name: str = "key", max_length: int | None = None) -> str:
        if not KEY_PATTERN.match(value):
            raise self.error(f"{name} {value!r} must be lowercase letters a-z, digits and underscores")
        if max_length is not None and len(value) > max_length:
            raise self.error(f"{name} {value!r} is longer than {max_length} characters")
        return value

    def one_of(self, name: str, allowed: Collection[str], what: str) -> str:
        value = self.text(name)
        if value not in allowed:
            raise self.error(f"unknown {what} {value!r}; expected one of {sorted(allowed)}")
        return value

    def texts(self, name: str, *, at_least: int = 0, at_most: int | None = None) -> tuple[str, ...]:
        value = self._get(name, _MISSING if at_least else [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise self.error(f"{name!r} must be a list of non-empty strings")
        self._count(repr(name), len(value), at_least, at_most)
        return tuple(item.strip() for item in value)

    def _count(self, what: str, count: int, at_least: int, at_most: int | None) -> None:
        if count < at_least or (at_most is not None and count > at_most):
            wanted = f"{at_least} to {at_most}" if at_most is not None else f"at least {at_least}"
            raise self.error(f"{what} needs {wanted} entries, has {count}")

    def integer(self, name: str, minimum: int, maximum: int | None = None) -> int:
        value = self._get(name, _MISSING)
        # bool is an int subclass: `true` is not a number.
        if type(value) is not int or value < minimum or (maximum is not None and value > maximum):
            bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
            raise self.error(f"{name!r} must be a whole number {bounds}, not {value!r}")
        return value

    def number(self, name: str, minimum: float, maximum: float) -> float:
        value = self._get(name, _MISSING)
        if type(value) not in (int, float) or not minimum <= value <= maximum:
            raise self.error(f"{name!r} must be a number from {minimum} to {maximum}, not {value!r}")
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self._get(name, default)
        if type(value) is not bool:
            raise self.error(f"{name!r} must be true or false")
        return value

    def table(self, name: str, what: str | None = None) -> Entry:
        """The table `name`, named in messages as `what` (default: its name; "" adds nothing)."""
        value = self._get(name, _MISSING)
        if not isinstance(value, dict):
            raise self.error(f"{name!r} must be a table")
        label = name if what is None else what
        return Entry(f"{self.where}, {label}" if label else self.where, value)

    def keyed(self, name: str, what: str) -> dict[str, Entry]:
        """A table of tables, one per key (such as `[rubric.<key>]`), each named in messages as `what 'key'`."""
        value = self._get(name, _MISSING)
        if not isinstance(value, dict) or not all(isinstance(item, dict) for item in value.values()):
            raise self.error(f"{name!r} must hold one table per key ([{name}.<key>])")
        return {key: Entry(f"{self.where}, {what} {key!r}", item) for key, item in value.items()}

    def tables(self, name: str, what: str, *, at_least: int = 1, at_most: int | None = None) -> list[Entry]:
        """An array of tables, each named in messages by its `key` (or its value, or its position)."""
        value = self._get(name, _MISSING if at_least else [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(f"{name!r} must be an array of tables ([[{name}]])")
        self._count(f"[[{name}]]", len(value), at_least, at_most)
        entries = []
        for position, item in enumerate(value, 1):
            label = item.get("key", item.get("value"))
            named = (
                f"{what} {label!r}"
                if isinstance(label, str | int) and not isinstance(label, bool)
                else f"{what} #{position}"
            )
            entries.append(Entry(f"{self.where}, {named}", item))
        return entries

    def names(self) -> list[str]:
        return list(self._data)

    def done(self, value: T = None) -> T:
        """`value` (what was built from this table), once the table is known to hold nothing else."""
        unknown = sorted(set(self._data) - self._read)
        if unknown:
            raise self.error(f"unknown field {unknown[0]!r}")
        return value


def unique(entries: Iterable[tuple[Entry, str]], what: str) -> None:
    """Refuse a key given twice; the message names the second entry."""
    seen: set[str] = set()
    for entry, key in entries:
        if key in seen:
            raise entry.error(f"duplicate {what} {key!r}")
        seen.add(key)
