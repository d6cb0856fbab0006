"""A new data type's row in the test matrix of Flash's CI (``.github/workflows/ci-testing.yml``), so that CI
installs the topic's extra and runs ``tests/<data_type>``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold import pyedit
from scaffold.errors import AnchorMissing, anchor_absent
from scaffold.registrations.base import SNAKE, Registration, require, write
from scaffold.registrations.topic import registers_topic

WORKFLOW = ".github/workflows/ci-testing.yml"
_ANCHOR = "a job whose strategy.matrix.include lists rows with a topic"


@dataclass(frozen=True)
class Row:
    """A row of the test matrix: its plain values, each as written, and where it stands (0-based lines, its last one
    included)."""

    values: dict[str, str]
    written: dict[str, str]
    start: int
    end: int
    column: int
    one_line: bool


def matrix_rows(text: str, path: str) -> list[Row] | None:
    """The rows of the test matrix (``jobs.<job>.strategy.matrix.include`` with a ``topic``); ``None``: none."""
    import yaml  # only the edits of a workflow need it (maintainer.release imports the registrations without it)

    def child(node, key: str):
        if isinstance(node, yaml.MappingNode):
            for name, value in node.value:
                if isinstance(name, yaml.ScalarNode) and name.value == key:
                    return value
        return None

    def row(node) -> Row:
        scalars = [
            (name.value, value)
            for name, value in node.value
            if isinstance(name, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
        ]
        values = {name: value.value for name, value in scalars}
        written = {name: text[value.start_mark.index : value.end_mark.index] for name, value in scalars}
        # A block collection ends where the next item starts: its last line is its last value's.
        last = node
        while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and not last.flow_style and last.value:
            last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
        end = last.end_mark.line if last.end_mark.column > 0 else last.end_mark.line - 1
        one_line = bool(node.flow_style) and node.end_mark.line == node.start_mark.line
        return Row(values, written, node.start_mark.line, end, node.start_mark.column, one_line)

    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise AnchorMissing(f"{path} is not YAML{at}: fix it, then run again") from None
    jobs = child(document, "jobs")
    for _, job in jobs.value if isinstance(jobs, yaml.MappingNode) else []:
        include = child(child(child(job, "strategy"), "matrix"), "include")
        if isinstance(include, yaml.SequenceNode):
            rows = [row(node) for node in include.value if isinstance(node, yaml.MappingNode)]
            if any("topic" in found.values for found in rows):
                return [found for found in rows if "topic" in found.values]
    return None


@dataclass
class CiMatrixRow(Registration):
    """``- { os: ..., python-version: ..., topic: '<data_type>', extra: [] }`` after the matrix's last row that
    tests the latest requirements (its os and Python), unless a row runs the topic already. Removed with the last
    task of the topic, as the contributor may have reworded it: its tests are gone."""

    kind = "ci-matrix-row"
    element = ("topic",)

    topic: str

    @classmethod
    def for_task(cls, host, context, plan):
        if not registers_topic(host, context):
            return []
        return [cls(WORKFLOW, topic=context["data_type"])]

    def _rows(self, text: str) -> list[Row]:
        rows = matrix_rows(text, self.file)
        if rows is None:
            raise anchor_absent(self.file, _ANCHOR)
        return rows

    def _own(self, rows: list[Row]) -> list[Row]:
        return [row for row in rows if row.values["topic"] == self.topic]

    def apply(self, plan):
        text = require(plan, self.file, f"the test matrix row of the topic {self.topic!r}")
        rows = self._rows(text)
        if self._own(rows):
            return replace(self, inserted=False)
        after = ([row for row in rows if "requires" not in row.values] or rows)[-1]
        if not after.one_line:
            raise anchor_absent(self.file, f"{_ANCHOR}, each written on one line as {{ os: ..., topic: ... }}")
        own = text.splitlines()[after.start]
        indent = own[: len(own) - len(own.lstrip())]
        # Its os and Python as written: a quoted '3.10' is not the number 3.1.
        os_name, python = after.written.get("os"), after.written.get("python-version")
        row = f"{indent}- {{ os: {os_name}, python-version: {python}, topic: '{self.topic}', extra: [] }}\n"
        write(plan, self.file, pyedit.insert_lines(text, after.start + 1, row))
        return replace(self, inserted=True)

    def present(self, text: str) -> bool:
        rows = matrix_rows(text, self.file)
        return rows is not None and bool(self._own(rows))

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if not self.inserted or self.shared_by(others):
            return text
        rows = matrix_rows(text, self.file)
        for row in reversed(self._own(rows or [])):  # from the bottom, so that each row's lines stay where they are
            text, _ = pyedit.remove_lines(text, pyedit.Span(row.start + 1, row.end + 1))
        return text

    def describe(self) -> str:
        return f"{self.file} has no row of its test matrix for the topic {self.topic!r}: CI would not run its tests"

    def check(self, where):
        self.require(where, "file", self.file, re.escape(WORKFLOW))
        self.require(where, "topic", self.topic, SNAKE)
