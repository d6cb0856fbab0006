"""What every registration is: one edit of a file the task shares with the repository.

A registration kind is a dataclass. Its recorded fields say what the edit is: the file, and what it puts where
(an import, a toctree entry, a line). Two flags say what the edit added, so that ``remove`` takes out exactly
that: ``inserted`` (the element: the line, the entry, the import) and ``created`` (what was made to hold it: the
file, a toctree, a heading). A kind implements

* :meth:`Registration.for_task`: the registrations of that kind a task needs (a class method; none is fine);
* :meth:`Registration.apply`: plan the edit, return the record (the registration with its flags set);
* :meth:`Registration.present`: whether the edit is in a file's text (for ``check`` and ``update``);
* :meth:`Registration.undo`: the file's text without the edit, keeping what other tasks rely on;
* :meth:`Registration.describe`: one sentence for a user, saying what is missing in which file;
* :meth:`Registration.revise` (optional): the edit turned into another of its kind where it stands, when a task's
  answers change (a renamed class), so that what a contributor or reviewer did around it stays.
* :meth:`Registration.check`: refuse a record whose fields this kind never holds (records are input, and
  ``remove`` undoes what they say).
* :meth:`Registration.todos` (optional): what the edit leaves for the contributor to fill in.

Tasks share edits: when two tasks insert the same element (``element`` names the fields that identify it) or
rely on the same container (``container``), both records own it, and the last task removed takes it out.

Fields marked :data:`STEERING` guide :meth:`Registration.apply` but are not recorded.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from scaffold.errors import AnchorMissing, InvalidState, UsageError, missing_file

if TYPE_CHECKING:
    from scaffold.host import Host
    from scaffold.plan import Plan

STEERING = {"recorded": False}
FLAGS = ("inserted", "created")
# What a record's fields are made of: a snake_case name (data type, task type), a package's import name, a module.
SNAKE = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"
PACKAGE = r"[A-Za-z_][A-Za-z0-9_]*"
MODULE = rf"{PACKAGE}\.{SNAKE}\.{SNAKE}"
PACKAGE_DIR = rf"(?:src/)?{PACKAGE}"
_TYPES = {"str": (str,), "bool": (bool,), "list[str]": (list,)}


def read(plan: Plan, path: str) -> str | None:
    """The text ``path`` will have once the changes planned so far are made (``None``: no file)."""
    data = plan.current(path)
    if data is None:
        return None
    if data and not data.endswith(b"\n"):  # its last line ended, as every edit expects; see write()
        data += b"\n"
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AnchorMissing(
            f"{path} is not UTF-8 text (byte {error.start} cannot be read): fix its encoding, then run again"
        ) from None


def require(plan: Plan, path: str, what: str) -> str:
    """The text of ``path``, which a registration needs to exist."""
    text = read(plan, path)
    if text is None:
        raise missing_file(path, what)
    return text


def write(plan: Plan, path: str, text: str | None) -> None:
    """Plan ``path`` to hold ``text`` (``None``: deleted).

    A file that ends without a newline keeps ending without one: :func:`read` gives its text with the last line
    ended, so that an edit appended at the end starts on a line of its own, and the written text leaves its last
    line open again. The undo of that edit gives the file back as it was.
    """
    before = plan.current(path)
    if text is not None and before and not before.endswith(b"\n") and text.endswith("\n"):
        text = text[:-1]
    plan.add(path, None if text is None else text.encode("utf-8"), generated=False)


@dataclass
class Registration:
    """One edit of a shared file, as planned and as recorded."""

    kind: ClassVar[str] = ""
    # Patterns of the records of earlier versions that mean this kind (their names and fields differed).
    legacy: ClassVar[tuple[dict[str, Any], ...]] = ()
    # What ``inserted`` is in a legacy record that does not have it.
    legacy_inserted: ClassVar[bool] = False
    # The fields that identify the element the edit inserts, across tasks (None: it inserts none).
    element: ClassVar[tuple[str, ...] | None] = None
    # The fields that identify what the edit creates around its element, across tasks (None: it creates nothing).
    container: ClassVar[tuple[str, ...] | None] = None

    file: str
    inserted: bool = field(default=False, kw_only=True)
    created: bool = field(default=False, kw_only=True)

    # ---- the kind's own behaviour ----------------------------------------------------------------------------

    @classmethod
    def for_task(cls, host: Host, context: dict, plan: Plan) -> list[Registration]:
        """The registrations of this kind that the task ``context`` describes needs in ``host``."""
        return []

    def apply(self, plan: Plan) -> Registration:
        """Plan the edit into ``plan``; return its record. Raise :class:`AnchorMissing` when it cannot be made."""
        raise NotImplementedError

    def present(self, text: str) -> bool:
        """Whether the edit is in ``text``, the file's content."""
        raise NotImplementedError

    def undo(self, text: str, others: Sequence[Registration]) -> str | None:
        """``text`` without what this edit added, except what ``others`` (other tasks' records) rely on.

        ``None`` deletes the file.
        """
        raise NotImplementedError

    def describe(self) -> str:
        """What is missing in which file when the edit is not there, as one sentence for a user."""
        raise NotImplementedError

    def revise(self, text: str, new: Registration) -> str | None:
        """``text`` with this edit, which is there, made into ``new`` (same kind and file) where it stands.

        ``None``: it cannot be done in place; the edit is then undone and ``new`` applied.
        """
        return None

    def check(self, where: str) -> None:
        """Raise :class:`~scaffold.errors.InvalidState` if a field holds what this kind never does.

        ``where`` names the record. Each kind states its own file and fields; whether they are the task's own
        (its answers would register them) is checked where the answers are at hand.
        """

    def refuse(self, where: str, what: str) -> InvalidState:
        """The error for a record of this kind whose ``what`` is not what the kind holds."""
        return InvalidState(
            f"{where} records a {self.kind} edit of {self.file!r} whose {what} flash-new never writes: "
            "restore it from git"
        )

    def require(self, where: str, what: str, value: str, pattern: str) -> None:
        """Refuse the record unless ``value`` (the field ``what``) matches the regular expression ``pattern``."""
        if not re.fullmatch(pattern, value):
            raise self.refuse(where, what)

    def todos(self, text: str) -> list[str]:
        """What the edit leaves for the contributor to fill in, as ``<line number>: <what to do>`` (none here)."""
        return []

    # ---- ownership shared across tasks ---------------------------------------------------------------------

    def _same(self, other: Registration, keys: tuple[str, ...]) -> bool:
        return (
            type(other) is type(self)
            and other.file == self.file
            and all(getattr(other, key) == getattr(self, key) for key in keys)
        )

    def shared_by(self, others: Sequence[Registration]) -> bool:
        """Whether another task relies on the element this edit inserted."""
        return self.element is not None and any(self._same(other, self.element) for other in others)

    def file_used_by(self, others: Sequence[Registration]) -> bool:
        """Whether another task has an edit in this edit's file."""
        return any(other.file == self.file for other in others)

    def inherit(self, others: Sequence[Registration]) -> Registration:
        """This record, owning too what another task's edit inserted or created and this one relies on.

        Whatever flash-new put in a shared file is removed with the last task that relies on it; whatever the
        repository had before any task never is.
        """
        inserted = self.inserted or (
            self.element is not None and any(o.inserted and self._same(o, self.element) for o in others)
        )
        created = self.created or (
            self.container is not None and any(o.created and self._same(o, self.container) for o in others)
        )
        return dataclasses.replace(self, inserted=inserted, created=created)

    # ---- records -------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"op": self.kind}
        for item in dataclasses.fields(self):
            if item.metadata.get("recorded", True):
                value = getattr(self, item.name)
                data[item.name] = list(value) if isinstance(value, list) else value
        return data

    def locator(self) -> str:
        """What decides where the edit is and what ``undo`` takes out: the identity, but for fields that only say
        how ``apply`` writes the edit (a kind overrides it), which earlier versions may have written otherwise."""
        return self.identity()

    def identity(self) -> str:
        """The edit, whatever its flags: equal for two records of the same edit."""
        return json.dumps({k: v for k, v in self.to_json().items() if k not in FLAGS}, sort_keys=True)

    @classmethod
    def reads(cls, data: dict[str, Any]) -> bool:
        """Whether ``data``, a record, is of this kind (by its name, or by the name an earlier version gave it)."""
        if data.get("op") == cls.kind:
            return True
        return any(all(data.get(key) == value for key, value in pattern.items()) for pattern in cls.legacy)

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str) -> Registration:
        """The registration ``data`` records; ``where`` names the record file in errors."""
        legacy = data.get("op") != cls.kind
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            if not item.metadata.get("recorded", True):
                continue
            if item.name in data:
                value = data[item.name]
            elif item.name == "inserted" and "added" in data:  # an earlier version's word for it
                value = data["added"]
            elif item.name == "inserted" and legacy:
                value = cls.legacy_inserted
            elif item.default is not dataclasses.MISSING:
                continue
            else:
                raise _malformed(where, f"an edit of {data.get('file')} has no {item.name}")
            expected = _TYPES.get(str(item.type), (object,))
            if not isinstance(value, expected) or (
                str(item.type) == "list[str]" and not all(isinstance(v, str) for v in value)
            ):
                raise _malformed(where, f"{item.name} of an edit of {data.get('file')} is not {item.type}")
            values[item.name] = list(value) if isinstance(value, list) else value
        return cls(**values)


def _malformed(where: str, why: str) -> UsageError:
    return UsageError(f"{where} is not a flash-new task record ({why}): restore it from git")
