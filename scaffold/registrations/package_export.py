"""The data type's package exports the task's DataModule and Task (``flash.<data_type>``)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold import pyedit
from scaffold.importorder import module_key, sorted_members
from scaffold.names import MAX_LINE_WIDTH, line_width
from scaffold.registrations.base import MODULE, PACKAGE_DIR, SNAKE, Registration, read, write


@dataclass
class PackageExport(Registration):
    """``from <module> import <Data>, <Task>  # noqa: F401`` in ``<package>/<data_type>/__init__.py``.

    The names in isort's order; it goes after the imports that sort before it (isort's order); a missing
    ``__init__.py`` is created (a new data type).
    """

    kind = "package-export"
    legacy = ({"op": "python-import"},)
    element = ("module",)
    container = ()

    module: str
    names: list[str]
    text: str

    @classmethod
    def for_task(cls, host, context, plan):
        """The names in isort's order, on one line or, past the host's line length, one per line."""
        module = context["module"]
        names = sorted_members([context["data_class"], context["model_class"]])
        width = int(context.get("line_length") or MAX_LINE_WIDTH)
        line = f"from {module} import {', '.join(names)}  # noqa: F401\n"
        if line_width(line.rstrip("\n")) > width:  # one name per line, as a formatter puts them
            line = f"from {module} import (  # noqa: F401\n" + "".join(f"    {name},\n" for name in names) + ")\n"
        path = f"{host.package_dir}/{context['data_type']}/__init__.py"
        return [cls(path, module=module, names=names, text=line)]

    def _imports(self, text: str) -> list[tuple[str, list[str], pyedit.Span]]:
        return pyedit.import_froms(text, self.file)

    def _matches(self, module: str, names: list[str]) -> bool:
        return module == self.module and sorted(names) == sorted(self.names)

    def apply(self, plan):
        text = read(plan, self.file)
        created = text is None
        text = text or ""
        existing = self._imports(text)
        inserted = not any(self._matches(module, names) for module, names, _ in existing)
        if inserted:
            after = pyedit.docstring_end(text, self.file)  # after the docstring and the imports sorting before
            for module, _, span in existing:
                if module_key(module) <= module_key(self.module):
                    after = span.end
            write(plan, self.file, pyedit.insert_lines(text, after, self.text))
        return replace(self, created=created, inserted=inserted)

    def present(self, text: str) -> bool:
        return any(self._matches(module, names) for module, names, _ in self._imports(text))

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if self.inserted and not self.shared_by(others):
            for module, names, span in self._imports(text):
                if self._matches(module, names):
                    text, _ = pyedit.remove_lines(text, span)
                    break
        if self.created and not text.strip() and not self.file_used_by(others):
            return None
        return text

    def revise(self, text, new):
        for module, names, span in self._imports(text):
            if self._matches(module, names):
                text, _ = pyedit.remove_lines(text, span)
                return pyedit.insert_lines(text, span.start - 1, new.text)
        return None

    def describe(self) -> str:
        return f"{self.file} does not import {', '.join(self.names)} from {self.module}"

    def locator(self) -> str:
        return json.dumps([self.kind, self.file, self.module, sorted(self.names)])

    def check(self, where):
        self.require(where, "file", self.file, rf"{PACKAGE_DIR}/{SNAKE}/__init__\.py")
        self.require(where, "module", self.module, MODULE)
        if len(self.names) != 2 or not all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", name) for name in self.names):
            raise self.refuse(where, "names")
        if not self.text.startswith(f"from {self.module} import ") or not self.text.endswith("\n"):
            raise self.refuse(where, "text")
