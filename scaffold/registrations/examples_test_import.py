"""Flash's examples test imports the availability flag the task's entry is skipped by: its data type's topic flag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold import pyedit
from scaffold.errors import anchor_absent, anchor_repeated
from scaffold.importorder import member_key
from scaffold.registrations.base import Registration, require, write

EXAMPLES_TEST = "tests/examples/test_scripts.py"
IMPORT_FLAGS = "flash.core.utilities.imports"
# What the entries of template versions before topics were skipped by (their records still name it).
SKLEARN_FLAG = "_SKLEARN_AVAILABLE"


def _comma(line: str) -> str:
    """``line``, which holds one name of an import, with a comma after the name."""
    end = len(line.rstrip())
    return line[:end] + "," + line[end:]


@dataclass
class ExamplesTestImport(Registration):
    """``name`` in the parenthesised ``from <module> import (...)`` of the examples test, in sorted position.

    Placed last after a name without a comma, it gives that name one (``created``), as a formatter writes a list
    of one name per line; ``remove`` takes it back when the name is last again.
    """

    kind = "examples-test-import"
    legacy = ({"op": "import-name"},)
    element = ("module", "name")
    container = ("module", "name")

    module: str
    name: str

    @classmethod
    def for_task(cls, host, context, plan):
        if not host.is_flash:
            return []
        return [cls(EXAMPLES_TEST, module=IMPORT_FLAGS, name=context.get("topic_flag", SKLEARN_FLAG))]

    def _statement(self, text: str) -> tuple[list[str], pyedit.Span] | None:
        found = [(names, span) for module, names, span in pyedit.import_froms(text, self.file) if module == self.module]
        if len(found) > 1:
            raise anchor_repeated(self.file, f"an import from {self.module}", len(found))
        return found[0] if found else None

    def apply(self, plan):
        text = require(plan, self.file, f"the import of {self.name}")
        statement = self._statement(text)
        if statement is None:
            raise anchor_absent(self.file, f"an import from {self.module}")
        names, span = statement
        inserted = self.name not in names
        created = False
        if inserted:
            lines = text.splitlines(keepends=True)
            body = [i for i in range(span.start, span.end - 1) if lines[i].strip().rstrip(",") in names]
            if not body:
                raise anchor_absent(self.file, f"a parenthesised import from {self.module}, one name per line")
            after = max(
                [i for i in body if member_key(lines[i].strip().rstrip(",")) < member_key(self.name)],
                default=span.start - 1,
            )
            indent = lines[body[0]][: len(lines[body[0]]) - len(lines[body[0]].lstrip())]
            _, last_line, comma = pyedit.import_names(text, self.file, self.module)[-1]
            created = last_line == after + 1 and not comma
            if created:
                lines[after] = _comma(lines[after])
                text = "".join(lines)
            write(plan, self.file, pyedit.insert_lines(text, after + 1, f"{indent}{self.name},\n"))
        return replace(self, inserted=inserted, created=created)

    def present(self, text: str) -> bool:
        return any(m == self.module and self.name in n for m, n, _ in pyedit.import_froms(text, self.file))

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if not self.inserted or self.shared_by(others) or self.name in pyedit.names_used(text, self.file):
            return text
        statement = self._statement(text)
        if statement is None:  # the import is gone already
            return text
        _, span = statement
        names = pyedit.import_names(text, self.file, self.module)
        lines = text.splitlines(keepends=True)
        if [name for name, _, _ in names] == [self.name]:
            # The contributor took out every other name: an import of none is no Python, the statement goes.
            del lines[span.start - 1 : span.end]
            return "".join(lines)
        for index in range(span.start, span.end - 1):
            if lines[index].strip().rstrip(",") == self.name:
                del lines[index]
                # The comma it gave the name above it, now the last name again.
                if self.created and names[-1][1] == index + 1 and len(names) > 1 and names[-2][1] == index:
                    if lines[index - 1].strip() == names[-2][0] + ",":
                        lines[index - 1] = lines[index - 1].replace(",", "", 1)
                break
        return "".join(lines)

    def describe(self) -> str:
        return f"{self.file} does not import {self.name} from {self.module}"

    def check(self, where):
        for what, value, expected in (("file", self.file, EXAMPLES_TEST), ("module", self.module, IMPORT_FLAGS)):
            if value != expected:
                raise self.refuse(where, what)
        self.require(where, "name", self.name, rf"{SKLEARN_FLAG}|_TOPIC_[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_AVAILABLE")
