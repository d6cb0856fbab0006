"""A new data type's row in the test matrix of Flash's CI (``.github/workflows/ci-testing.yml``), so that CI
installs the topic's extra and runs ``tests/<data_type>``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import yaml

from scaffold import pyedit
from scaffold.errors import AnchorMissing, anchor_absent
from scaffold.registrations.base import SNAKE, Registration, require, write
from scaffold.registrations.topic import registers_topic

WORKFLOW = ".github/workflows/ci-testing.yml"
_ANCHOR = "a job whose strategy.matrix.include lists rows with a topic"


def _scalar(node: yaml.Node, key: str) -> str | None:
    """The value of ``key`` in the mapping ``node`` when it is a plain value."""
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key and isinstance(value, yaml.ScalarNode):
                return value.value
    return None


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key:
                return value
    return None


def matrix_rows(text: str, path: str) -> list[yaml.MappingNode] | None:
    """The rows of the test matrix (``jobs.<job>.strategy.matrix.include`` with a ``topic``); ``None``: none."""
    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise AnchorMissing(f"{path} is not YAML{at}: fix it, then run again") from None
    jobs = _child(document, "jobs")
    for _, job in jobs.value if isinstance(jobs, yaml.MappingNode) else []:
        include = _child(_child(_child(job, "strategy"), "matrix"), "include")
        if isinstance(include, yaml.SequenceNode):
            rows = [row for row in include.value if _scalar(row, "topic") is not None]
            if rows:
                return rows
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

    def _rows(self, text: str) -> list[yaml.MappingNode]:
        rows = matrix_rows(text, self.file)
        if rows is None:
            raise anchor_absent(self.file, _ANCHOR)
        return rows

    def _own(self, rows: list[yaml.MappingNode]) -> list[yaml.MappingNode]:
        return [row for row in rows if _scalar(row, "topic") == self.topic]

    def apply(self, plan):
        text = require(plan, self.file, f"the test matrix row of the topic {self.topic!r}")
        rows = self._rows(text)
        if self._own(rows):
            return replace(self, inserted=False)
        after = ([row for row in rows if _scalar(row, "requires") is None] or rows)[-1]
        line = after.start_mark.line  # 0-based: the row's own line
        if not after.flow_style or after.end_mark.line != line:
            raise anchor_absent(self.file, f"{_ANCHOR}, each written on one line as {{ os: ..., topic: ... }}")
        own = text.splitlines()[line]
        indent = own[: len(own) - len(own.lstrip())]
        os_name, python = _scalar(after, "os"), _scalar(after, "python-version")
        row = f"{indent}- {{ os: '{os_name}', python-version: {python}, topic: '{self.topic}', extra: [] }}\n"
        write(plan, self.file, pyedit.insert_lines(text, line + 1, row))
        return replace(self, inserted=True)

    def present(self, text: str) -> bool:
        rows = matrix_rows(text, self.file)
        return rows is not None and bool(self._own(rows))

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if not self.inserted or self.shared_by(others):
            return text
        rows = matrix_rows(text, self.file)
        for row in reversed(self._own(rows or [])):  # from the bottom, so that each row's lines stay where they are
            end = row.end_mark.line if row.end_mark.column > 0 else row.end_mark.line - 1
            text, _ = pyedit.remove_lines(text, pyedit.Span(row.start_mark.line + 1, end + 1))
        return text

    def describe(self) -> str:
        return f"{self.file} has no row of its test matrix for the topic {self.topic!r}: CI would not run its tests"

    def check(self, where):
        self.require(where, "file", self.file, re.escape(WORKFLOW))
        self.require(where, "topic", self.topic, SNAKE)
