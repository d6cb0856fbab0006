"""The task's line under "Added" in the unreleased section of the CHANGELOG (Keep a Changelog).

Reviewers reword it (a PR link at the end, other words): the line counts as there while a bullet line names the
task's class. ``remove`` takes out the line it added if it is there as written, else the first bullet line of the
file that names the task's class (the newest, in a Keep a Changelog file).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold.errors import anchor_absent, anchor_repeated
from scaffold.registrations.base import Registration, require, write

CHANGELOG = "CHANGELOG.md"
ADDED = "### Added\n"


# An entity or numeric character reference, which Markdown reads as the character it names (``&amp;`` as ``&``).
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _markup(text: str, at: int) -> bool:
    """Whether Markdown (CommonMark, and GitHub's strikethrough) may read the character ``text[at]`` as markup,
    inside a line of text that does not start it."""
    char = text[at]
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if char in "`[":  # code spans; links, images and footnotes
        return True
    if char in "*_~":  # emphasis and strikethrough, unless the character can neither open nor close them
        if before.isspace() and after.isspace():
            return False
        return not (char == "_" and before.isalnum() and after.isalnum())  # snake_case stays as it is
    if char == "\\":  # a backslash escapes the punctuation after it
        return after in string.punctuation
    if char == "<":  # raw HTML, autolinks
        return after.isascii() and after.isalpha() or after in "/!?"
    if char == "&":
        return bool(_ENTITY.match(text, at))
    return False


def md_escape(text: str) -> str:
    """``text`` as Markdown that reads verbatim, in a line it does not start: a backslash before each character
    Markdown would read as markup there (emphasis, code, links, raw HTML, entities), and before no other.

    So ``features.`` and ``snake_case`` stay as they are, and ``*bold*`` or ``<b>`` read as written.
    """
    return "".join("\\" + char if _markup(text, at) else char for at, char in enumerate(text))


# Flash's CHANGELOG lines end with a link to their pull request; flash-new writes a placeholder number, which
# `flash-new check` lists as a to-do until the contributor puts the real one in.
PR_PLACEHOLDER = "????"
FLASH_PULLS = "https://github.com/Lightning-AI/lightning-flash/pull/"
CHANGELOG_TODO = f"put your pull request's number in place of {PR_PLACEHOLDER} (twice)"


def changelog_text(context: dict, *, pull_link: bool = False) -> str:
    line = f"- Added the `{context['model_class']}` task: {md_escape(context['description'])}"
    if pull_link:
        line += f" ([#{PR_PLACEHOLDER}]({FLASH_PULLS}{PR_PLACEHOLDER}))"
    return line + "\n"


@dataclass
class ChangelogLine(Registration):
    """``text`` first under ``### Added`` of the unreleased section; the heading is created if missing.

    In a Flash checkout the line ends with a pull-request link whose number is a placeholder (``todo`` says what
    to do); the contributor filling it in, or rewording the line, keeps it registered and removable.
    """

    kind = "changelog-line"
    element = ("text",)
    container = ()

    text: str
    todo: str = ""

    @classmethod
    def for_task(cls, host, context, plan):
        if host.is_flash:
            return [cls(CHANGELOG, text=changelog_text(context, pull_link=True), todo=CHANGELOG_TODO)]
        if host.path(CHANGELOG).is_file():
            return [cls(CHANGELOG, text=changelog_text(context))]
        return []

    def named(self) -> str | None:
        """The task's class the line names (the first name in backticks), if the line names one."""
        match = re.search(r"`([A-Za-z_][A-Za-z0-9_]*)`", self.text)
        return match.group(1) if match else None

    def _line(self, lines: list[str]) -> int | None:
        """The line of ``lines`` that is this edit: as written, or else the first bullet naming the task's class."""
        if self.text in lines:
            return lines.index(self.text)
        name = self.named()
        if name is None:
            return None
        naming = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
        for index, line in enumerate(lines):
            if line.lstrip().startswith(("- ", "* ", "+ ")) and naming.search(line):
                return index
        return None

    def todos(self, text: str) -> list[str]:
        """The open to-do of the line, ``<line number>: <what to do>``, while its placeholder is there."""
        lines = text.splitlines(keepends=True)
        if self.todo and self.text in lines:
            return [f"{lines.index(self.text) + 1}: {self.todo}"]
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
        inserted = self._line(lines[start:end]) is None
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
        return self._line(text.splitlines(keepends=True)) is not None

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        lines = text.splitlines(keepends=True)
        at = self._line(lines)
        if not self.inserted or self.shared_by(others) or at is None:
            return text
        del lines[at]
        # The heading it created, now empty: with the blank line under it, and the one above it if still there.
        if self.created and at >= 2 and lines[at - 2] == ADDED and not lines[at - 1].strip():
            following = lines[at] if at < len(lines) else "## "
            if not following.startswith("- "):
                above = at - 3 if at >= 3 and not lines[at - 3].strip() else at - 2
                del lines[above:at]
        return "".join(lines)

    def revise(self, text, new):
        lines = text.splitlines(keepends=True)
        at = self._line(lines)
        if at is None:
            return None
        old_name, new_name = self.named(), new.named()
        if lines[at] == self.text or not old_name or not new_name:
            lines[at] = new.text
        else:  # a reviewer's wording: only the class name changes
            naming = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(old_name)}(?![A-Za-z0-9_])")
            lines[at] = naming.sub(new_name, lines[at])
        return "".join(lines)

    def locator(self) -> str:
        # Found and taken out by the class it names: the pull-request link (Flash's form) and wording aside.
        return json.dumps([self.kind, self.file, self.named() or self.text])

    def describe(self) -> str:
        name = self.named()
        if name is None:
            return f"{self.file} does not have the task's line {self.text.strip()!r}"
        return f"{self.file} has no line naming {name} (the task's entry under 'Added' of the unreleased section)"

    def check(self, where):
        self.require(where, "file", self.file, re.escape(CHANGELOG))
        self.require(where, "text", self.text, r"- Added the `[A-Z][A-Za-z0-9]*` task: [^\n]+\n")
        if self.todo not in ("", CHANGELOG_TODO):
            raise self.refuse(where, "to-do")
