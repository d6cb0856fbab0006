"""The task's line under "Added" in the unreleased section of the CHANGELOG (Keep a Changelog)."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold.errors import anchor_absent, anchor_repeated
from scaffold.registrations.base import Registration, require, write

CHANGELOG = "CHANGELOG.md"
ADDED = "### Added\n"


def md_escape(text: str) -> str:
    """``text`` as Markdown that reads verbatim: a backslash before every ASCII punctuation character.

    CommonMark lets any of them be escaped; escaping all of them covers emphasis, code, links, HTML and
    entities (``&amp;``) alike.
    """
    return "".join("\\" + c if c in string.punctuation else c for c in text)


def changelog_text(context: dict) -> str:
    return f"- Added the `{context['model_class']}` task: {md_escape(context['description'])}\n"


@dataclass
class ChangelogLine(Registration):
    """``text`` first under ``### Added`` of the unreleased section; the heading is created if missing."""

    kind = "changelog-line"
    element = ("text",)
    container = ()

    text: str

    @classmethod
    def for_task(cls, host, context, plan):
        if host.is_flash or host.path(CHANGELOG).is_file():
            return [cls(CHANGELOG, text=changelog_text(context))]
        return []

    def _section(self, lines: list[str]) -> tuple[int, int, int | None]:
        """The unreleased section's heading line, the line after it ends, and its ``### Added`` line."""
        headings = [i for i, line in enumerate(lines) if line.startswith("## ") and "unreleased" in line.lower()]
        if not headings:
            raise anchor_absent(self.file, "an '## [Unreleased]' section")
        if len(headings) > 1:
            raise anchor_repeated(self.file, "an '## [Unreleased]' section", len(headings))
        start = headings[0]
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        added = [i for i in range(start + 1, end) if lines[i].strip() == ADDED.strip()]
        if len(added) > 1:
            raise anchor_repeated(self.file, "an '### Added' heading in its unreleased section", len(added))
        return start, end, added[0] if added else None

    def apply(self, plan):
        lines = require(plan, self.file, "its CHANGELOG line").splitlines(keepends=True)
        start, end, added = self._section(lines)
        created = added is None
        inserted = self.text not in lines[start:end]
        if inserted:
            if added is None:
                lines[start + 1 : start + 1] = ["\n", ADDED, "\n", self.text]
            else:
                at = added + 1
                while at < end and not lines[at].strip():
                    at += 1
                lines[at:at] = [self.text]
        write(plan, self.file, "".join(lines))
        return replace(self, created=created, inserted=inserted)

    def present(self, text: str) -> bool:
        return self.text in text

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        lines = text.splitlines(keepends=True)
        if not self.inserted or self.shared_by(others) or self.text not in lines:
            return text
        at = lines.index(self.text)
        del lines[at]
        if self.created and at >= 3 and lines[at - 2] == ADDED:  # the heading it created, now empty
            following = lines[at] if at < len(lines) else "## "
            if not following.startswith("- "):
                del lines[at - 3 : at]
        return "".join(lines)

    def describe(self) -> str:
        return f"{self.file} does not have the task's line {self.text.strip()!r}"
