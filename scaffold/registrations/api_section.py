"""The task's section on its data type's API page in Flash (``docs/source/api/<data_type>.rst``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold.registrations.base import SNAKE, Registration, read, write


def section(context: dict) -> str:
    """The autosummary of the task's public classes under a heading named after its task type."""
    task_type = context["task_type"]
    heading = task_type.replace("_", " ").title()
    classes = context["input_classes"]
    inputs = [classes["numpy"]] + [classes[source] for source in context["inputs"] if source != "numpy"]
    return (
        f"{heading}\n{'_' * len(heading)}\n\n"
        ".. autosummary::\n    :toctree: generated/\n    :nosignatures:\n    :template: classtemplate.rst\n\n"
        f"    ~{task_type}.model.{context['model_class']}\n    ~{task_type}.data.{context['data_class']}\n\n"
        + "".join(f"    {task_type}.data.{name}\n" for name in inputs)
    )


def page_header(context: dict) -> str:
    """The top of a new API page: the data type's package as title, contents, and its current module."""
    title = f"{context['package']}.{context['data_type']}"
    rule = "#" * len(title)
    return (
        f"{rule}\n{title}\n{rule}\n\n.. contents::\n    :depth: 2\n    :local:\n    :backlinks: top\n\n"
        f".. currentmodule:: {title}\n"
    )


@dataclass
class ApiSection(Registration):
    """``text`` at the end of the API page; a missing page is created with ``header`` first (a new data type)."""

    kind = "api-section"
    legacy = ({"op": "append-block"},)
    legacy_inserted = True  # earlier records had no flag: their block was always taken out
    element = ("text",)
    container = ()

    text: str
    header: str

    @classmethod
    def for_task(cls, host, context, plan):
        if not host.is_flash:
            return []
        return [cls(f"docs/source/api/{context['data_type']}.rst", text=section(context), header=page_header(context))]

    def apply(self, plan):
        text = read(plan, self.file)
        created = text is None
        text = self.header if text is None else text
        inserted = self.text not in text
        if inserted:
            text = text.rstrip("\n") + "\n\n" + self.text if text.strip() else self.text
        write(plan, self.file, text)
        return replace(self, created=created, inserted=inserted)

    def present(self, text: str) -> bool:
        return self.text in text

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if self.inserted and not self.shared_by(others):
            at = text.find(self.text)
            if at >= 0:
                start = at - 1 if at >= 2 and text[at - 2 : at] == "\n\n" else at
                text = text[:start] + text[at + len(self.text) :]
        if self.created and text == self.header and not self.file_used_by(others):
            return None
        return text

    def revise(self, text, new):
        return text.replace(self.text, new.text, 1) if self.text in text else None

    def describe(self) -> str:
        heading = self.text.split("\n", 1)[0]
        return f"{self.file} does not have the task's API section {heading!r} (the autosummary of its classes)"

    def check(self, where):
        self.require(where, "file", self.file, rf"docs/source/api/{SNAKE}\.rst")
        self.require(where, "text", self.text, r"[A-Z][^\n]*\n_+\n\n\.\. autosummary::\n(?:[^\n]*\n)+")
        self.require(where, "header", self.header, r"(#+)\n[^\n]+\n\1\n(?:[^\n]*\n)*\.\. currentmodule:: [^\n]+\n")
