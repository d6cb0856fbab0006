"""The data type's tests folder is a package (``tests/<data_type>/__init__.py``), as Flash's are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold.registrations.base import SNAKE, Registration, read, write


@dataclass
class TestsPackage(Registration):
    """An empty ``tests/<data_type>/__init__.py`` when there is none; removed with the last task that needs it."""

    __test__ = False  # a class named Test... that pytest must not collect
    kind = "tests-package"
    legacy = ({"op": "ensure-file"},)
    container = ()

    @classmethod
    def for_task(cls, host, context, plan):
        return [cls(f"tests/{context['data_type']}/__init__.py")]

    def apply(self, plan):
        created = read(plan, self.file) is None
        if created:
            write(plan, self.file, "")
        return replace(self, created=created)

    def present(self, text: str) -> bool:
        return True  # the file is there: that is all

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if self.created and not text.strip() and not self.file_used_by(others):
            return None
        return text

    def describe(self) -> str:
        return f"{self.file} is missing: the data type's tests folder is no package without it"

    def check(self, where):
        self.require(where, "file", self.file, rf"tests/{SNAKE}/__init__\.py")
