"""A new data type is a Flash topic: its availability flag in ``flash.core.utilities.imports``, and its entry in
the mapping of Flash's extras there (``_EXTRAS_AVAILABLE``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold import pyedit
from scaffold.errors import AnchorMissing, anchor_absent
from scaffold.registrations.base import PACKAGE_DIR, SNAKE, Registration, require, write

IMPORTS_MODULE = "core/utilities/imports.py"
TOPIC_FLAG_PREFIX = "_TOPIC_"
TOPICS_MAPPING = "_EXTRAS_AVAILABLE"
# What a generated task needs beyond Flash's base requirements: scikit-learn (its sklearn input and its example's
# data); requirements/datatype_<data_type>.txt lists the same.
TOPIC_NEEDS = "_SKLEARN_AVAILABLE"
_FLAG = r"_TOPIC_[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_AVAILABLE"


def registers_topic(host, context: dict) -> bool:
    """Whether the task registers its data type as a Flash topic: in a Flash checkout, from the template version
    on that names the topic's flag (earlier versions registered no topic)."""
    return host.is_flash and "topic_flag" in context


def _imports_path(host) -> str:
    return f"{host.package_dir}/{IMPORTS_MODULE}"


@dataclass
class TopicFlag(Registration):
    """``_TOPIC_<DATA_TYPE>_AVAILABLE = all([...])`` after the last topic flag, unless the data type has one."""

    kind = "topic-flag"
    element = ("name",)

    name: str
    text: str

    @classmethod
    def for_task(cls, host, context, plan):
        if not registers_topic(host, context):
            return []
        flag = context["topic_flag"]
        return [cls(_imports_path(host), name=flag, text=f"{flag} = all([{TOPIC_NEEDS}])\n")]

    def _assigned(self, text: str) -> list[tuple[str, pyedit.Span]]:
        return pyedit.assignments(text, self.file)

    def apply(self, plan):
        text = require(plan, self.file, f"the topic flag {self.name}")
        assigned = self._assigned(text)
        inserted = self.name not in [name for name, _ in assigned]
        if inserted:
            flags = [span for name, span in assigned if name.startswith(TOPIC_FLAG_PREFIX)]
            if not flags:
                raise anchor_absent(self.file, f"the assignments of the {TOPIC_FLAG_PREFIX}*_AVAILABLE flags")
            write(plan, self.file, pyedit.insert_lines(text, flags[-1].end, self.text))
        return replace(self, inserted=inserted)

    def present(self, text: str) -> bool:
        return self.name in [name for name, _ in self._assigned(text)]

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if self.inserted and not self.shared_by(others):
            for name, span in self._assigned(text):
                if name == self.name:
                    text, _ = pyedit.remove_lines(text, span)
                    break
        return text

    def describe(self) -> str:
        return f"{self.file} does not define the topic flag {self.name}"

    def check(self, where):
        self.require(where, "file", self.file, rf"{PACKAGE_DIR}/{re.escape(IMPORTS_MODULE)}")
        self.require(where, "name", self.name, _FLAG)
        if self.text != f"{self.name} = all([{TOPIC_NEEDS}])\n":
            raise self.refuse(where, "text")


@dataclass
class TopicExtra(Registration):
    """``"<data_type>": _TOPIC_<DATA_TYPE>_AVAILABLE,`` at the end of ``_EXTRAS_AVAILABLE``, unless it is there."""

    kind = "topic-extra"
    element = ("key",)

    key: str
    text: str

    @classmethod
    def for_task(cls, host, context, plan):
        if not registers_topic(host, context):
            return []
        data_type = context["data_type"]
        return [cls(_imports_path(host), key=data_type, text=f'    "{data_type}": {context["topic_flag"]},\n')]

    def _entries(self, text: str) -> tuple[list[tuple[str | None, pyedit.Span]], pyedit.Span] | None:
        return pyedit.dict_entries(text, self.file, TOPICS_MAPPING)

    def apply(self, plan):
        text = require(plan, self.file, f"the extra {self.key!r} in {TOPICS_MAPPING}")
        found = self._entries(text)
        if found is None:
            raise anchor_absent(self.file, f"a dict literal assigned to {TOPICS_MAPPING}")
        entries, span = found
        inserted = self.key not in [key for key, _ in entries]
        if inserted:
            edited = pyedit.insert_lines(text, span.end - 1, self.text)  # on the line before the closing brace
            try:
                placed = self.present(edited)
            except AnchorMissing:  # not Python: the brace closes the last entry's line, which has no comma
                placed = False
            if not placed:
                raise anchor_absent(
                    self.file,
                    f"a dict literal assigned to {TOPICS_MAPPING} written one entry a line, each with its comma",
                )
            write(plan, self.file, edited)
        return replace(self, inserted=inserted)

    def present(self, text: str) -> bool:
        found = self._entries(text)
        return found is not None and self.key in [key for key, _ in found[0]]

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        found = self._entries(text)
        if self.inserted and not self.shared_by(others) and found is not None:
            for key, span in found[0]:
                if key == self.key:
                    text, _ = pyedit.remove_lines(text, span)
                    break
        return text

    def describe(self) -> str:
        return f"{self.file} does not list the extra {self.key!r} in {TOPICS_MAPPING}"

    def check(self, where):
        self.require(where, "file", self.file, rf"{PACKAGE_DIR}/{re.escape(IMPORTS_MODULE)}")
        self.require(where, "key", self.key, SNAKE)
        self.require(where, "text", self.text, rf'    "{self.key}": {_FLAG},\n')
