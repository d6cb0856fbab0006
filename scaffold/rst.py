"""Anchored edits of the reStructuredText toctrees in a Sphinx index (line based, never guessing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Toctree:
    """A ``.. toctree::`` block: its first line, the line after its last entry, its caption and entries."""

    start: int
    end: int
    caption: str | None
    entries: list[tuple[int, str]]


def toctrees(lines: list[str]) -> list[Toctree]:
    """Every toctree of the document (0-based line numbers)."""
    found = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != ".. toctree::":
            index += 1
            continue
        start, caption, entries = index, None, []
        index += 1
        while index < len(lines) and (not lines[index].strip() or lines[index].startswith((" ", "\t"))):
            stripped = lines[index].strip()
            if stripped.startswith(":caption:"):
                caption = stripped.removeprefix(":caption:").strip()
            elif stripped and not stripped.startswith(":"):
                entries.append((index, stripped))
            index += 1
        end = entries[-1][0] + 1 if entries else index
        found.append(Toctree(start, end, caption, entries))
    return found


def target(entry: str) -> str:
    """The document a toctree entry points at: ``Title <page>`` points at ``page``."""
    if entry.endswith(">") and " <" in entry:
        return entry[entry.rindex(" <") + 2 : -1].strip()
    return entry


def find(lines: list[str], caption: str) -> Toctree | None:
    for tree in toctrees(lines):
        if tree.caption == caption:
            return tree
    return None


def entry_indent(lines: list[str], tree: Toctree) -> str:
    if tree.entries:
        line = lines[tree.entries[-1][0]]
        return line[: len(line) - len(line.lstrip())]
    return "   "


def new_block(caption: str, entry: str) -> str:
    return f".. toctree::\n   :maxdepth: 1\n   :caption: {caption}\n\n   {entry}\n\n"
