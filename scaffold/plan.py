"""Plans of what a run writes, and applying them all-or-nothing.

A :class:`Plan` lists one :class:`Change` per file: created, modified, deleted, identical (left alone), in
conflict (the file exists with other content) or kept (a file the run leaves on purpose, such as a contributor's
own file in a removed task's folder). ``--dry-run`` prints it; a real run applies it through a
journal: the original bytes of every touched file are saved in the journal (:class:`scaffold.state.Journal`)
before the first write, so that an exception, Ctrl-C or SIGTERM restores the tree exactly, and a run killed outright
leaves the journal for ``flash-new rollback``.
"""

from __future__ import annotations

import difflib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scaffold import state
from scaffold.errors import ConflictError, UsageError, WriteError
from scaffold.host import repository
from scaffold.interrupts import signals_interrupt
from scaffold.state import JOURNAL, Journal

WRITES = ("create", "modify", "delete")
# Test hook: seconds to pause before each write of :meth:`Plan.apply`, so that the interruption tests can stop a
# run between two writes (``FLASH_NEW_TEST_WRITE_DELAY=0.05``). Nothing sets it outside the tests.
WRITE_DELAY_ENV = "FLASH_NEW_TEST_WRITE_DELAY"


@dataclass
class Change:
    """One file of a plan. ``before`` is ``None`` for a file that does not exist, ``after`` for a deletion."""

    path: str
    action: str
    before: bytes | None
    after: bytes | None

    def diff(self) -> str:
        """A unified diff of the change (empty for identical files)."""
        if self.action == "identical":
            return ""
        if b"\0" in (self.before or b"") + (self.after or b""):
            return f"Binary files a/{self.path} and b/{self.path} differ\n"
        old = (self.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (self.after or b"").decode("utf-8", "replace").splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, f"a/{self.path}", f"b/{self.path}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass
class Plan:
    """Everything a run will do to the tree under ``root``."""

    root: Path
    changes: list[Change] = field(default_factory=list)

    def add(self, path: str, after: bytes | None, *, generated: bool, force: bool = False) -> Change:
        """Plan ``path`` to hold ``after`` (``None``: deleted).

        A generated file that exists with other content is a conflict unless ``force``; a shared file
        (``generated=False``) is edited on purpose, so it is a modification.
        """
        for parent in Path(path).parents:
            if parent != Path(".") and (self.root / parent).exists() and not (self.root / parent).is_dir():
                raise UsageError(
                    f"{parent.as_posix()} is a file where {path} needs a folder: move it away and run again"
                )
        before = _read(self.root, path)
        if after is None:
            action = "delete" if before is not None else "identical"
        elif before is None:
            action = "create"
        elif before == after:
            action = "identical"
        elif generated and not force:
            action = "conflict"
        else:
            action = "modify"
        for index, existing in enumerate(self.changes):
            if existing.path == path:
                self.changes[index] = Change(path, action, existing.before, after)
                return self.changes[index]
        change = Change(path, action, before, after)
        self.changes.append(change)
        return change

    def keep(self, path: str) -> Change:
        """List ``path`` as left as it is on purpose (action ``keep``): shown in the plan, never written."""
        data = _read(self.root, path)
        change = Change(path, "keep", data, data)
        self.changes.append(change)
        return change

    def current(self, path: str) -> bytes | None:
        """The bytes ``path`` will hold once the changes planned so far are applied."""
        for change in self.changes:
            if change.path == path:
                return change.after
        return _read(self.root, path)

    @property
    def conflicts(self) -> list[Change]:
        return [c for c in self.changes if c.action == "conflict"]

    @property
    def writes(self) -> list[Change]:
        return [c for c in self.changes if c.action in WRITES]

    def check_conflicts(self) -> None:
        if self.conflicts:
            paths = ", ".join(c.path for c in self.conflicts)
            raise ConflictError(
                f"would overwrite files that exist with other content ({paths}): move them away or pass --force"
            )

    def to_json(self) -> dict:
        return {
            "root": str(self.root),
            "changes": [{"path": c.path, "action": c.action, "diff": c.diff()} for c in self.changes],
        }

    def apply(self, before_write: Callable[[Change], None] | None = None) -> None:
        """Write every change, or none: any failure restores the tree as it was."""
        check_no_journal(self.root)
        writes = self.writes
        if not writes:
            return
        new_dirs = _missing_dirs(self.root, [c.path for c in writes] + [JOURNAL])
        journal = Journal(os.getpid(), {c.path: c.before for c in writes}, [d.as_posix() for d in new_dirs])
        delay = float(os.environ.get(WRITE_DELAY_ENV) or 0)
        with signals_interrupt():
            try:
                (self.root / JOURNAL).parent.mkdir(exist_ok=True)
                _write_atomic(self.root / JOURNAL, journal.to_bytes())
                for change in writes:
                    if delay:
                        time.sleep(delay)
                    if before_write is not None:
                        before_write(change)
                    target = self.root / change.path
                    if change.after is None:
                        target.unlink()
                    else:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        _write_atomic(target, change.after)
            except OSError as error:  # a folder that is read-only, full or not a folder: nothing stays written
                self._undo(journal)
                where = Path(error.filename or self.root)
                where = where.relative_to(self.root).as_posix() if where.is_relative_to(self.root) else str(where)
                raise WriteError(
                    f"cannot write {where} ({error.strerror}): make the repository writable, then run again; "
                    "nothing was changed"
                ) from error
            except BaseException:
                self._undo(journal)
                raise
            with signals_interrupt(ignore=True):  # every file is written: a late signal must not leave the rest
                # also the folders of files planned away that were already gone (deleted by the contributor)
                self._prune([c.path for c in self.changes if c.after is None])
                (self.root / JOURNAL).unlink()
                self._prune([JOURNAL])

    def _undo(self, journal: Journal) -> None:
        """Restore what the journal saved; drop the journal's folder when this run created it and it is empty."""
        folder = Path(JOURNAL).parent
        if not rollback(self.root) and folder.as_posix() in journal.dirs:
            _remove_empty(self.root / folder)

    def _prune(self, deleted: list[str]) -> None:
        """Remove the folders that deletions left empty but for Python's caches."""
        for path in deleted:
            for parent in Path(path).parents:
                if parent == Path("."):
                    break
                folder = self.root / parent
                if folder.is_dir() and all(p.name == "__pycache__" for p in folder.iterdir()):
                    for cache in folder.iterdir():
                        shutil.rmtree(cache)
                    folder.rmdir()


def _read(root: Path, path: str) -> bytes | None:
    """The bytes of the file ``path`` (``None``: there is none); anything else there is a one-line error."""
    full = root / path
    if full.is_file():
        try:
            return full.read_bytes()
        except OSError as error:
            raise UsageError(f"{path} cannot be read ({error.strerror}): make it readable, then run again") from None
    if full.exists():
        raise UsageError(f"{path} exists and is not a file: move it away and run again")
    return None


def _missing_dirs(root: Path, paths: list[str]) -> list[Path]:
    missing: set[Path] = set()
    for path in paths:
        for parent in Path(path).parents:
            if parent != Path(".") and not (root / parent).exists():
                missing.add(parent)
    return sorted(missing, key=lambda p: len(p.parts), reverse=True)


def _staging(target: Path) -> Path:
    return target.with_name(f".{target.name}.flash-new-tmp")


def _write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` beside ``target``, then rename it over: ``target`` is never seen half written."""
    staging = _staging(target)
    try:
        staging.write_bytes(data)
        if target.exists():
            os.chmod(staging, target.stat().st_mode & 0o7777)
        os.replace(staging, target)
    except BaseException:
        _discard(staging)
        raise


def _discard(path: Path) -> bool:
    """Delete ``path`` if it is there; whether it was."""
    try:
        path.unlink()
    except OSError:
        return False
    return True


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def check_no_journal(root: Path) -> None:
    """Refuse to start while an earlier run's journal says it did not finish."""
    if state.has_journal(root):
        raise UsageError(
            f"an earlier flash-new run in {root} was interrupted before it finished ({JOURNAL} is still there): "
            "run `flash-new rollback` to restore the tree, then run again"
        )


def rollback(root: Path | None = None) -> list[str]:
    """Restore every file the journal under ``root`` names, remove the folders it created, drop the journal."""
    root = repository(root)
    journal = state.load_journal(root)
    if journal is None:
        # A run killed while it wrote its journal wrote nothing else: only the journal's staging file is left.
        if _discard(_staging(root / JOURNAL)):
            _remove_empty((root / JOURNAL).parent)
        return []
    with signals_interrupt(ignore=True):
        restored = []
        for path, data in journal.files.items():
            target = root / path
            _discard(_staging(target))
            if data is None:
                if target.exists():
                    target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_atomic(target, data)
            restored.append(path)
        (root / JOURNAL).unlink()
        for folder in journal.dirs:
            _remove_empty(root / folder)
    return restored
