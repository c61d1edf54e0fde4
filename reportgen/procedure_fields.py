"""Fields of procedure (lĩnh vực): the usual list, a workspace's own, and how a name is matched.

One-stop software exports a unit's figures by field of procedure (hộ tịch, chứng thực, đất đai,
...; bao-cao-2026.md §5). A figures row with ``linh_vuc`` is one field of its unit; the unit's
figures are the sum of its fields (:func:`reportgen.validate.check_figures`).

The usual fields ship with reportgen, in the order its tables list them (``linh-vuc.txt`` beside
this module); a workspace puts its own first, in its order, with ``[linh_vuc] thu_tu`` of
reportgen.toml. A name is matched as unit names are (:func:`reportgen.sources.workbook.name_key`:
case, spacing, tone-mark placement and dashes ignored) and written as the list writes it; a
name no list has is kept as written, after the known ones, in the order it first comes.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

from reportgen.sources.workbook import display, name_key

FIELDS_FILE = Path(__file__).with_name("linh-vuc.txt")
COLUMN = "linh_vuc"  # the figures column naming a row's field


@lru_cache(maxsize=1)
def shipped() -> tuple[str, ...]:
    """The usual fields, in order (``reportgen/linh-vuc.txt``; ``#`` lines are notes)."""
    lines = FIELDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


class FieldIndex:
    """The known fields of a workspace (its own first, then the shipped list) by matching key."""

    def __init__(self, own: list[str] | tuple[str, ...] = ()):
        self.known: dict[str, str] = {}  # key -> the name as the list writes it
        for name in (*own, *shipped()):
            self.known.setdefault(name_key(name), display(name))
        self.position = {key: i for i, key in enumerate(self.known)}
        self._found: dict[str, tuple[str, str | None]] = {}
        self._unknown: dict[str, int] = {}  # key of a name no list has -> its order after the known ones
        self._warned: set[str] = set()

    def find(self, text: str) -> tuple[str, str | None]:
        """(the field's name, None) for a known field, written as the list writes it; (the name as
        written, the closest known name or "") for an unknown one. Each spelling is matched once."""
        found = self._found.get(text)
        if found is None:
            key = name_key(text)
            if key in self.known:
                found = (self.known[key], None)
            else:
                close = difflib.get_close_matches(key, list(self.known), n=1, cutoff=0.6)
                found = (display(text), self.known[close[0]] if close else "")
                self._unknown.setdefault(key, len(self._unknown))
            self._found[text] = found
        return found

    def warned(self, name: str) -> bool:
        """True when an unknown field was already said; the first call for it says False."""
        key = name_key(name)
        if key in self._warned:
            return True
        self._warned.add(key)
        return False

    def order(self, name: str) -> int:
        """A field's place in the tables: the known ones in the lists' order, then the others as they came."""
        key = name_key(name)
        if key in self.position:
            return self.position[key]
        return len(self.position) + self._unknown.setdefault(key, len(self._unknown))
