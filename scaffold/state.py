"""flash-new's state in a repository: the folder ``.flash-new/``, its layout and the records it holds.

Every path under ``.flash-new/`` is spelled here and nowhere else:

* ``.flash-new/<task>.yml``: copier's answers file of a task (copier writes it; the template names it, and
  copier's own ``copier update --answers-file`` relies on it);
* ``.flash-new/<task>.json``: flash-new's record of the task (:class:`TaskRecord`): its template version,
  a digest of every generated file, the render context and the registrations it made in shared files;
* ``.flash-new/_journal.json``: the journal of a run that is writing (:class:`Journal`), the original bytes
  of every file the run touches;
* ``.flash-new/_template.bundle``: the project's copy of the template's history (a git bundle, one tag per
  version), which answers files name as their ``_src_path`` so that a plain ``copier update`` works on any
  machine (see :mod:`scaffold.template`).

A task name is a snake_case identifier that starts with a letter, so no task's files can take a name that
starts with an underscore: the journal, and whatever flash-new keeps here later, live in that namespace.

Reading is validated, for these files are input: they live in the repository, where a pull request can change
them. A file that is not what flash-new wrote is a one-line :class:`~scaffold.errors.InvalidState` naming it
(and the key), never a traceback:

* an answers file must be a mapping whose every answer passes the rules the flags pass
  (:func:`scaffold.names.check_answers`), its ``task_name`` the file's own name; one that names another
  template than flash-new's raises :class:`~scaffold.errors.UntrustedTemplate` (:mod:`scaffold.trust`);
* a record must have the shape :class:`TaskRecord` has, every path in it a relative path inside the
  repository and outside ``.flash-new/``, and every registration fields its kind can hold
  (:meth:`scaffold.registrations.Registration.check`). That its registrations are the task's own is checked
  where the answers are at hand (:func:`scaffold.tasks.load_task`).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import registrations
from scaffold.errors import InvalidState, UsageError
from scaffold.names import check_answers, check_path
from scaffold.registrations import Registration

STATE_DIR = ".flash-new"
JOURNAL = f"{STATE_DIR}/_journal.json"
TEMPLATE_BUNDLE = f"{STATE_DIR}/_template.bundle"
_TASK_NAME = re.compile(r"[a-z][a-z0-9_]*")


def answers_path(task: str) -> str:
    """The repository-relative path of the answers file of ``task``."""
    return f"{STATE_DIR}/{task}.yml"


def record_path(task: str) -> str:
    """The repository-relative path of the record of ``task``."""
    return f"{STATE_DIR}/{task}.json"


def is_state_path(path: str) -> bool:
    """Whether the repository-relative ``path`` lies under ``.flash-new/``."""
    return path == STATE_DIR or path.startswith(f"{STATE_DIR}/")


def _stems(root: Path, suffix: str) -> list[str]:
    folder = root / STATE_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob(f"*{suffix}") if p.is_file() and _TASK_NAME.fullmatch(p.stem))


def answered_tasks(root: Path) -> list[str]:
    """The tasks that have an answers file, by name."""
    return _stems(root, ".yml")


def recorded_tasks(root: Path) -> list[str]:
    """The tasks that have a record, by name."""
    return _stems(root, ".json")


def _read(root: Path, path: str) -> str:
    try:
        return (root / path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InvalidState(f"{path} is not UTF-8 text ({error.reason}): restore it from git") from None
    except OSError as error:
        raise UsageError(f"{path} cannot be read ({error.strerror}): make it readable or restore it") from None


def _malformed(path: str, what: str) -> InvalidState:
    return InvalidState(f"{path} is not {what}: restore it from git")


# ---- answers files ---------------------------------------------------------------------------------------------


def load_answers(root: Path, task: str) -> dict[str, Any]:
    """The answers file of ``task``: every answer checked as its flag, naming flash-new's own template."""
    import yaml

    from scaffold import template, trust  # both read the template's layout, which this module spells

    path = answers_path(task)
    try:
        answers = yaml.safe_load(_read(root, path))
    except yaml.YAMLError as error:
        reason = " ".join(str(getattr(error, "problem", None) or type(error).__name__).split())
        raise _malformed(path, f"valid YAML ({reason})") from None
    if not isinstance(answers, dict) or not all(isinstance(key, str) for key in answers):
        raise _malformed(path, "a copier answers file (a mapping of answers)")
    try:
        check_answers(answers, path)
    except UsageError as error:
        raise InvalidState(str(error)) from None
    if answers["task_name"] != task:
        raise InvalidState(f"{path}: task_name {answers['task_name']!r} is not the file's name: restore it from git")
    if trust.is_foreign(answers):
        trust.check_source(path, answers, template.available_versions())
    return answers


def with_template_source(data: bytes, source: str, where: str) -> bytes:
    """The answers file ``data`` (shown as ``where``) with ``_src_path`` set to ``source``, all else as it was.

    Copier writes every answer on a line of its own at the start of the line; only that line changes.
    """
    import yaml

    text = data.decode("utf-8")
    line = yaml.safe_dump({"_src_path": source}, default_flow_style=False, width=10_000)
    updated, count = re.subn(r"^_src_path:[^\n]*\n", lambda _: line, text, flags=re.MULTILINE)
    before, after = yaml.safe_load(text), yaml.safe_load(updated)
    if count != 1 or after != {**before, "_src_path": source}:
        raise _malformed(where, "a copier answers file with one _src_path line")
    return updated.encode()


# ---- task records ----------------------------------------------------------------------------------------------


@dataclass
class TaskRecord:
    """What flash-new knows of a task beyond copier's answers.

    ``files`` maps every generated file to the SHA-256 of its generated bytes; ``context`` is the template's
    render context (every derived name); ``registrations`` are the records of the edits the task made in shared
    files, oldest first.
    """

    template_version: str
    files: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    registrations: list[Registration] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        data = {
            "template_version": self.template_version,
            "files": dict(sorted(self.files.items())),
            "context": {key: self.context[key] for key in sorted(self.context)},
            "registrations": [registration.to_json() for registration in self.registrations],
        }
        return (json.dumps(data, indent=2) + "\n").encode()

    @classmethod
    def from_json(cls, data: Any, path: str) -> TaskRecord:
        """The record ``data`` (parsed JSON) holds; ``path`` names it in errors."""
        shape = "a flash-new task record"
        if isinstance(data, dict) and {"pid", "files", "dirs"} <= set(data) and "template_version" not in data:
            raise UsageError(
                f"{path} is the journal of a run of an older flash-new that was interrupted: restore the tree "
                "from git (git checkout -- . && git clean -fd) and delete the file"
            )
        if not isinstance(data, dict) or not isinstance(data.get("template_version"), str):
            raise _malformed(path, f"{shape} (no template_version)")
        files, context = data.get("files", {}), data.get("context", {})
        edits = data.get("registrations", [])
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise _malformed(path, f"{shape} (files must map paths to digests)")
        if not isinstance(context, dict):
            raise _malformed(path, f"{shape} (context must be a mapping)")
        if not isinstance(edits, list) or not all(
            isinstance(r, dict) and isinstance(r.get("op"), str) and isinstance(r.get("file"), str) for r in edits
        ):
            raise _malformed(path, f"{shape} (registrations must be a list of edits with op and file)")
        for file in files:
            _inside_repository(file, path)
        loaded = [registrations.from_json(edit, path) for edit in edits]
        for registration in loaded:
            _inside_repository(registration.file, path)
            registration.check(path)
        return cls(data["template_version"], dict(files), dict(context), loaded)


def load_record(root: Path, task: str) -> TaskRecord | None:
    """The record of ``task``, or ``None`` when it has none."""
    path = record_path(task)
    if not (root / path).is_file():
        return None
    try:
        data = json.loads(_read(root, path))
    except json.JSONDecodeError as error:
        raise _malformed(path, f"valid JSON ({error.msg} at line {error.lineno})") from None
    return TaskRecord.from_json(data, path)


def _inside_repository(file: str, where: str) -> None:
    """A path a record names: the task's own, inside the repository and outside ``.flash-new/``."""
    try:
        check_path(f"{where}: the path", file)
    except UsageError as error:
        raise InvalidState(str(error)) from None
    if is_state_path(file):
        raise InvalidState(f"{where} holds the path {file!r}, which is flash-new's own state: restore it from git")


# ---- the journal -----------------------------------------------------------------------------------------------


def _inside(path: str) -> bool:
    """Whether ``path`` is relative and stays inside the repository."""
    parts = Path(path).parts
    return bool(parts) and not Path(path).is_absolute() and ".." not in parts


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


@dataclass
class Journal:
    """The journal of a run that writes: what to restore if it does not finish.

    ``files`` maps every path the run writes to its bytes before the run (``None``: it did not exist);
    ``dirs`` are the folders the run creates, deepest first.
    """

    pid: int
    files: dict[str, bytes | None]
    dirs: list[str]

    def to_bytes(self) -> bytes:
        data = {"pid": self.pid, "files": {p: _b64(d) for p, d in self.files.items()}, "dirs": self.dirs}
        return json.dumps(data).encode()

    @classmethod
    def from_json(cls, data: Any, path: str = JOURNAL) -> Journal:
        bad = _malformed(path, "a flash-new journal (restore the tree from git and delete the file)")
        if not isinstance(data, dict):
            raise bad
        pid, files, dirs = data.get("pid"), data.get("files"), data.get("dirs")
        if not isinstance(pid, int) or not isinstance(files, dict) or not isinstance(dirs, list):
            raise bad
        if not all(isinstance(d, str) and _inside(d) for d in dirs):
            raise bad
        decoded: dict[str, bytes | None] = {}
        for name, value in files.items():
            if value is not None and not isinstance(value, str) or not _inside(name):
                raise bad
            try:
                decoded[name] = None if value is None else base64.b64decode(value, validate=True)
            except ValueError:
                raise bad from None
        return cls(pid, decoded, list(dirs))


def has_journal(root: Path) -> bool:
    return (root / JOURNAL).exists()


def load_journal(root: Path) -> Journal | None:
    """The journal an unfinished run left under ``root``, or ``None``."""
    if not has_journal(root):
        return None
    try:
        data = json.loads(_read(root, JOURNAL))
    except json.JSONDecodeError:
        raise _malformed(JOURNAL, "a flash-new journal (restore the tree from git and delete the file)") from None
    return Journal.from_json(data)
