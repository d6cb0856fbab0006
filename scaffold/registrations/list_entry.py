"""An element of a Python list literal that a task adds to a shared file: the family of list registrations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from scaffold import pyedit
from scaffold.errors import anchor_absent, anchor_repeated
from scaffold.registrations.base import Registration, require, write

if TYPE_CHECKING:
    import libcst as cst


@dataclass
class ListEntry(Registration):
    """``text`` (whole lines) at the end of the list, unless an element starts with the strings ``key``.

    An element's key is the leading string arguments of a call (``pytest.param("a", "b.py", ...)``) or the
    string itself. A kind of list entry says which list (:meth:`lists`), how to name it and the entry for a user
    (``anchor``, ``what``).
    """

    anchor: ClassVar[str] = "the list"
    # What the entry is, for a user: "the task registers <what> there".
    what: ClassVar[str] = "an entry"
    element = ("key",)

    key: list[str]
    text: str

    @staticmethod
    def lists(module: cst.Module) -> list[cst.List]:
        """The list literals of ``module`` that may hold the entry (one is expected)."""
        raise NotImplementedError

    def _keys(self, elements) -> list[list[str]]:
        keys = [pyedit.call_string_args(node) or [pyedit.string_value(node)] for node, _ in elements]
        return [key[: len(self.key)] for key in keys]

    def _one(self, text: str):
        found = pyedit.lists(text, self.file, self.lists)
        if not found:
            raise anchor_absent(self.file, self.anchor)
        if len(found) > 1:
            raise anchor_repeated(self.file, self.anchor, len(found))
        return found[0]

    def locator(self) -> str:
        return json.dumps([self.kind, self.file, self.key])

    def apply(self, plan):
        text = require(plan, self.file, self.what)
        elements, span = self._one(text)
        inserted = self.key not in self._keys(elements)
        if inserted:
            write(plan, self.file, pyedit.insert_lines(text, span.end - 1, self.text))
        return replace(self, inserted=inserted)

    def present(self, text: str) -> bool:
        return any(self.key in self._keys(elements) for elements, _ in pyedit.lists(text, self.file, self.lists))

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if not self.inserted or self.shared_by(others):
            return text
        found = pyedit.lists(text, self.file, self.lists)
        if len(found) > 1:
            raise anchor_repeated(self.file, self.anchor, len(found))
        for elements, _ in found:
            for (_node, span), key in zip(elements, self._keys(elements), strict=True):
                if key == self.key:
                    text, _ = pyedit.remove_lines(text, span)
                    return text
        return text
