"""A file the task creates beside the repository's own when it is not there yet, deleted with the last task that
needs it unless the contributor has written in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from scaffold.registrations.base import Registration, read, write


@dataclass
class CreatedFile(Registration):
    """The file ``file`` holding :meth:`content`, when there is none."""

    container = ()

    def content(self) -> str:
        """What the file holds when the task creates it."""
        raise NotImplementedError

    def untouched(self, text: str) -> bool:
        """Whether ``text``, the file's, is still what the task created."""
        return text == self.content()

    def apply(self, plan):
        created = read(plan, self.file) is None
        if created:
            write(plan, self.file, self.content())
        return replace(self, created=created)

    def present(self, text: str) -> bool:
        return True  # the file is there: that is all

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        if self.created and self.untouched(text) and not self.file_used_by(others):
            return None
        return text
