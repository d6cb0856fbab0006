"""The data type's tests folder is a package (``tests/<data_type>/__init__.py``), as Flash's are."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.registrations.base import SNAKE
from scaffold.registrations.created_file import CreatedFile


@dataclass
class TestsPackage(CreatedFile):
    """An empty ``tests/<data_type>/__init__.py`` when there is none; removed with the last task that needs it."""

    __test__ = False  # a class named Test... that pytest must not collect
    kind = "tests-package"
    legacy = ({"op": "ensure-file"},)

    @classmethod
    def for_task(cls, host, context, plan):
        return [cls(f"tests/{context['data_type']}/__init__.py")]

    def content(self) -> str:
        return ""

    def untouched(self, text: str) -> bool:
        return not text.strip()

    def describe(self) -> str:
        return f"{self.file} is missing: the data type's tests folder is no package without it"

    def check(self, where):
        self.require(where, "file", self.file, rf"tests/{SNAKE}/__init__\.py")
