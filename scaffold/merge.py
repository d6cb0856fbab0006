"""Merges left unresolved: conflict markers in a file's text, and the paths git lists as unmerged.

Two branches that each add a task edit the same shared files (the CHANGELOG's list, a data type's
``__init__.py``, the docs index), and git leaves the usual conflict there until someone resolves it. A file in
that state is neither the old text nor the new: what flash-new reads in it (a registration, an answer, a record)
means nothing until the merge is resolved, so it names the file and says so instead of reading it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# A line git (or copier's update) starts a conflict block with, or ends it with.
_MARKER = re.compile(rb"^(?:<{7}|>{7})(?: |\r?$)", re.MULTILINE)


def conflict_lines(data: bytes) -> list[int]:
    """The (1-based) lines of ``data`` that are conflict markers."""
    return [data.count(b"\n", 0, match.start()) + 1 for match in _MARKER.finditer(data)]


def unmerged_paths(root: Path) -> frozenset[str]:
    """The paths under ``root`` (relative to it) that git lists as unmerged; none outside a git work tree."""
    try:
        result = subprocess.run(["git", "-C", str(root), "ls-files", "-u", "-z"], capture_output=True)
    except OSError:  # no git: nothing can be unmerged in git's sense
        return frozenset()
    if result.returncode:
        return frozenset()
    entries = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return frozenset(entry.split("\t", 1)[1] for entry in entries if "\t" in entry)


def unresolved(path: str, data: bytes | None, unmerged: frozenset[str] = frozenset()) -> str | None:
    """The problem of ``path`` (holding ``data``, ``None``: no file) when a merge left it unresolved, else ``None``."""
    lines = conflict_lines(data) if data is not None else []
    if lines:
        where = ", ".join(str(line) for line in lines[:6]) + (", ..." if len(lines) > 6 else "")
        return (
            f"{path} has an unresolved merge conflict (conflict markers at line {where}): resolve the merge in it "
            "(keep what both sides added, delete the markers, git add the file), then run check again"
        )
    if path in unmerged:
        return f"{path} is unmerged in git: resolve the merge and git add the file, then run check again"
    return None
