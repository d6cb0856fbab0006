"""An entry in a toctree of the Sphinx index: the task's reference page, and in Flash its data type's API page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from scaffold import rst
from scaffold.errors import anchor_absent, anchor_repeated
from scaffold.registrations.base import SNAKE, STEERING, Registration, read, require, write

DOCS_INDEX = "docs/source/index.rst"
API_CAPTION = "API Reference"
# The captions of Flash's own data types in its docs index.
FLASH_CAPTIONS = {
    "image": "Image and Video",
    "video": "Image and Video",
    "audio": "Audio",
    "tabular": "Tabular",
    "text": "Text",
    "pointcloud": "Point Cloud",
    "graph": "Graph",
}


def caption(data_type: str) -> str:
    """The caption of the data type's toctree: Flash's own, or the data type in words."""
    return FLASH_CAPTIONS.get(data_type, data_type.replace("_", " ").title())


def _toctrees(lines: list[str], title: str) -> list[rst.Toctree]:
    return [tree for tree in rst.toctrees(lines) if tree.caption == title]


def _lines(plan, index_file: str) -> list[str]:
    return (read(plan, index_file) or "").splitlines(keepends=True)


@dataclass
class ToctreeEntry(Registration):
    """``entry`` in the toctree captioned ``caption``.

    The entry counts as there wherever it stands in a toctree of that caption, also with a title of its own
    (``Sensor <reference/sensor_classification>``): a reviewer may order or title the entries.

    A missing toctree is created (``created``) before the one captioned ``before``, or at the end of the file
    when ``before`` is ``None``; with ``after_sections``, after the last captioned toctree of reference pages (the
    data types' sections of Flash's index) when there is one. With ``create`` false the toctree must be there.
    """

    kind = "toctree-entry"
    element = ("caption", "entry")
    container = ("caption",)

    caption: str
    entry: str
    before: str | None = field(default=None, kw_only=True, compare=False, metadata=STEERING)
    create: bool = field(default=True, kw_only=True, compare=False, metadata=STEERING)
    after_sections: bool = field(default=False, kw_only=True, compare=False, metadata=STEERING)

    @classmethod
    def for_task(cls, host, context, plan):
        found = []
        data_type = context["data_type"]
        docs = context.get("docs_dir", "docs/source")  # the page is in <docs>/reference/, its index <docs>/index.rst
        index_file = DOCS_INDEX if host.is_flash else f"{docs}/index.rst"
        if host.is_flash or docs and host.path(index_file).is_file():
            # New data-type toctrees go after Flash's data types (before its API toctree when it has none), before
            # the API toctree where there is one, at the end elsewhere.
            before = API_CAPTION if host.is_flash or _toctrees(_lines(plan, index_file), API_CAPTION) else None
            page = f"reference/{context['doc_page']}"
            found.append(
                cls(index_file, caption=caption(data_type), entry=page, before=before, after_sections=host.is_flash)
            )
        if host.is_flash:
            found.append(cls(DOCS_INDEX, caption=API_CAPTION, entry=f"api/{data_type}", create=False))
        return found

    def _one(self, lines: list[str], title: str) -> rst.Toctree | None:
        trees = _toctrees(lines, title)
        if len(trees) > 1:
            raise anchor_repeated(self.file, f"a toctree captioned {title!r}", len(trees))
        return trees[0] if trees else None

    def _sections(self, lines: list[str]) -> list[rst.Toctree]:
        """The captioned toctrees that list reference pages only: the data types' sections."""
        return [
            tree
            for tree in rst.toctrees(lines)
            if tree.caption not in (None, self.caption, API_CAPTION)
            and tree.entries
            and all(rst.target(entry).startswith("reference/") for _, entry in tree.entries)
        ]

    def apply(self, plan):
        lines = require(plan, self.file, "its docs pages").splitlines(keepends=True)
        tree = self._one(lines, self.caption)
        created = tree is None
        inserted = created or self.entry not in [rst.target(entry) for _, entry in tree.entries]
        if tree is None:
            if not self.create:
                raise anchor_absent(self.file, f"a toctree captioned {self.caption!r}")
            block = rst.new_block(self.caption, self.entry)
            sections = self._sections(lines) if self.after_sections else []
            after = sections[-1].end if sections else len(lines)
            if after + 1 < len(lines) and not lines[after].strip():  # after the last one and its blank line
                lines[after + 1 : after + 1] = [block]
            elif self.before is not None:
                anchor = self._one(lines, self.before)
                if anchor is None:
                    raise anchor_absent(self.file, f"a toctree captioned {self.before!r}")
                lines[anchor.start : anchor.start] = [block]
            else:  # at the end of the text, after one blank line; blank lines that end the file stay after it
                end = len(lines)
                while end and not lines[end - 1].strip():
                    end -= 1
                lines[end:end] = [("\n" if end else "") + block.rstrip("\n") + "\n"]
        elif inserted:
            lines[tree.end : tree.end] = [f"{rst.entry_indent(lines, tree)}{self.entry}\n"]
        write(plan, self.file, "".join(lines))
        return replace(self, created=created, inserted=inserted)

    def present(self, text: str) -> bool:
        trees = _toctrees(text.splitlines(keepends=True), self.caption)
        return any(self.entry in [rst.target(entry) for _, entry in tree.entries] for tree in trees)

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if not self.inserted or self.shared_by(others):
            return text
        lines = text.splitlines(keepends=True)
        tree = self._one(lines, self.caption)
        if tree is None:
            return text
        removed = len(lines)  # where its entry was
        for index, entry in tree.entries:
            if rst.target(entry) == self.entry:
                del lines[index]
                removed = index
                break
        tree = self._one(lines, self.caption)
        if self.created and tree is not None and not tree.entries:  # the toctree it created, now empty
            if tree.end >= len(lines) or not "".join(lines[tree.end :]).strip():  # the last block of the file
                start = tree.start - 1 if tree.start and not lines[tree.start - 1].strip() else tree.start
                del lines[start:removed]  # the blank lines after its entry end the file as they did before it
            else:
                end = tree.end + 1 if not lines[tree.end].strip() else tree.end
                del lines[tree.start : end]
        return "".join(lines)

    def describe(self) -> str:
        return f"{self.file} does not list {self.entry} in its toctree captioned {self.caption!r}"

    def check(self, where):
        self.require(where, "file", self.file, r"(?:[^/]+/)*index\.rst")  # <docs_dir>/index.rst
        self.require(where, "entry", self.entry, rf"(?:reference|api)/{SNAKE}")
        if not self.caption.strip() or not self.caption.isprintable():
            raise self.refuse(where, "caption")
