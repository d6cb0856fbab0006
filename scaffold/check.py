"""Checking a repository's tasks: current, complete and finished (``flash-new check`` and ``flash-new list``).

A task passes when

* its answers file and record are as flash-new writes them (:mod:`scaffold.state` reads and checks them; one
  that is not stops the check with its one-line error), and the answers file names flash-new's own template
  at one of its versions (:mod:`scaffold.trust`): one that names another is the task's one problem, in the
  words ``update`` refuses it with;
* its answers file (:mod:`scaffold.state` has the layout) records a template source and version, the version is
  the current one (the newest this flash-new ships, see :func:`scaffold.template.current_version`), its record is
  of that same version, and its answers name the project's copy of the template (``flash-new update`` moves
  tasks of flash-new 0.1.0, which named one in the home directory);
* every file the record lists exists, and every registration the record lists is still in its file;
* none of its files holds a conflict marker (a line starting with ``<<<<<<<`` or ``>>>>>>>``, left by an
  update or a merge) or has a ``*.rej`` file beside it, and none holds unrendered Jinja (``{{ name }}``,
  ``{% if ... %}``). Jinja is recognised as the template writes it, with spaces inside the braces:
  ``f"{{x}}"`` in Python is no placeholder.

Its open to-dos are listed beside: every ``TODO(flash-new): <what to do>`` comment, which the template puts
where a real task replaces the generated one's stand-ins. They are work to do, not faults, so a fresh task
passes; ``strict=True`` (``flash-new check --strict``, for a project's CI once its tasks are finished) counts
each one as a problem.

The repository fails when the project's copy of the template's history (``.flash-new/_template.bundle``, what
a plain ``copier update`` reads) is missing or is not this flash-new's, or an interrupted run left its journal.

Files are only read: a check writes nothing, in the repository or anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from scaffold import merge, register, state, template
from scaffold.host import Host, repository
from scaffold.merge import conflict_lines
from scaffold.tasks import Task, load_task

TODO_MARKER = "TODO(flash-new)"
_TODO = re.compile(re.escape(TODO_MARKER) + r":?[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_JINJA_STATEMENTS = "if|elif|else|endif|for|endfor|set|endset|include|import|macro|endmacro|raw|endraw|block|endblock"
_PLACEHOLDERS = (
    ("unrendered Jinja", re.compile(r"\{\{-? +[^{}\n]+? +-?\}\}")),
    ("unrendered Jinja", re.compile(r"\{%-?\s*(?:" + _JINJA_STATEMENTS + r")\b[^\n]*?%\}")),
)


def placeholder_lines(text: str) -> list[tuple[int, str]]:
    """Each line of ``text`` with leftover placeholder text, and what it is."""
    found = []
    for what, pattern in _PLACEHOLDERS:
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, what))
    return sorted(set(found))


def todo_lines(text: str) -> list[tuple[int, str]]:
    """Each ``TODO(flash-new)`` marker of ``text``: its (1-based) line and what it asks for.

    A marker wrapped over several comment lines (``# `` in Python, ``.. `` then an indented line in
    reStructuredText) is read to its end: the lines after it that continue the comment, up to another marker.
    """
    lines = text.splitlines()
    found = []
    for match in _TODO.finditer(text):
        number = text.count("\n", 0, match.start()) + 1
        marker = lines[number - 1]
        prefix = marker[: marker.index(TODO_MARKER)]
        comment = "# " if prefix.rstrip().endswith("#") else None
        indent = prefix[: len(prefix) - len(prefix.lstrip())]
        parts = [match.group(1)]
        for line in lines[number:]:
            if TODO_MARKER in line or comment is None or not line.startswith(indent + comment):
                break
            parts.append(line[len(indent + comment) :].strip())
        found.append((number, " ".join(part for part in parts if part)))
    return found


@dataclass
class TaskStatus:
    """One task of the repository: where it lives, its template version, and what is wrong with it."""

    name: str
    module: str
    version: str
    current: bool
    problems: list[str] = field(default_factory=list)
    todos: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    """Every task of a repository, and the problems of the repository itself."""

    root: Path
    current_version: str
    tasks: list[TaskStatus]
    problems: list[str] = field(default_factory=list)
    strict: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and all(task.ok for task in self.tasks)

    def to_json(self) -> dict:
        return {
            "root": str(self.root),
            "ok": self.ok,
            "strict": self.strict,
            "current_version": self.current_version,
            "problems": self.problems,
            "tasks": [{**vars(task), "ok": task.ok} for task in self.tasks],
        }


def _version_problems(task: Task, versions: tuple[str, ...]) -> list[str]:
    if not task.answers.get("_src_path") or not task.answers.get("_commit"):
        return [f"{state.answers_path(task.name)} records no template source or version: the task cannot be updated"]
    problems = []
    if task.version not in versions:
        problems.append(f"at {task.version}, unknown to this flash-new (newest: {versions[-1]}): upgrade flash-new")
    elif task.version != versions[-1]:
        problems.append(f"at {task.version}, current is {versions[-1]}: run `flash-new update {task.name}`")
    recorded = task.record.template_version if task.record else None
    if task.record and recorded != task.version:
        problems.append(f"record is of {recorded}, answers of {task.version}: run `flash-new update {task.name}`")
    source = task.answers["_src_path"]
    if not problems and source != template.SRC_PATH:
        problems.append(
            f"{state.answers_path(task.name)} names the template {source!r}, not the project's copy "
            f"{template.SRC_PATH}: run `flash-new update {task.name}`"
        )
    return problems


def _file_problems(root: Path, task: Task, unmerged: frozenset[str]) -> tuple[list[str], list[str]]:
    """What is wrong with the task's files, and their open to-dos."""
    paths = [*task.files, state.answers_path(task.name)]
    problems, todos = [], []
    rejects: set[Path] = set()
    for path in paths:
        full = root / path
        rejects.update(full.parent.glob("*.rej"))
        if path in unmerged:
            problems.append(merge.unresolved(path, None, unmerged))
        if not full.is_file():
            if path not in unmerged:
                problems.append(f"{path}: generated file is missing: restore it from git (git checkout -- {path})")
            continue
        data = full.read_bytes()
        problems += [
            f"{path}:{line}: conflict marker: merge the versions around it by hand and delete the markers"
            for line in conflict_lines(data)
        ]
        if b"\0" not in data:
            text = data.decode("utf-8", "replace")
            problems += [
                f"{path}:{line}: {what}: write the task's own text in its place"
                for line, what in placeholder_lines(text)
            ]
            todos += [f"{path}:{line}: {what}" for line, what in todo_lines(text)]
    for reject in sorted(rejects):
        problems.append(
            f"{reject.relative_to(root).as_posix()}: rejected hunks left by an update: apply them by hand, "
            "then delete the file"
        )
    return problems, todos


def _unresolved_files(root: Path, records: list, unmerged: frozenset[str]) -> dict[str, str]:
    """The files of ``records`` that a merge left unresolved, each with its problem."""
    found: dict[str, str] = {}
    for record in records:
        full = root / record.file
        try:
            data = full.read_bytes() if full.is_file() else None
        except OSError:  # unreadable: register.missing says so
            data = None
        problem = merge.unresolved(record.file, data, unmerged)
        if problem:
            found[record.file] = problem
    return found


def _status(
    root: Path, task: Task, versions: tuple[str, ...], full: bool, strict: bool, unmerged: frozenset[str]
) -> TaskStatus:
    answers = task.answers
    module = ".".join(str(answers.get(key, "?")) for key in ("package", "data_type", "task_type"))
    status = TaskStatus(task.name, module, task.version, task.version == versions[-1])
    if task.untrusted:  # nothing of an answers file naming another template is used
        status.current = False
        status.problems.append(task.untrusted)
        return status
    if not full:
        return status
    status.problems += _version_problems(task, versions)
    if task.record is None:
        status.problems.append(f"{state.record_path(task.name)} is missing: restore it from git")
    host = Host(root, "package", str(answers.get("package", "")), str(answers.get("package_dir", "")))
    # a shared file a merge left unresolved is that problem: whether an edit is in it means nothing until resolved
    unresolved = _unresolved_files(root, task.registrations, unmerged)
    status.problems += list(dict.fromkeys(unresolved.values()))
    status.problems += [
        f"{problem}: run `flash-new update {task.name}` to register the task there again"
        for problem in register.missing(host, [r for r in task.registrations if r.file not in unresolved])
    ]
    problems, status.todos = _file_problems(root, task, unmerged)
    status.todos += register.todos(host, [r for r in task.registrations if r.file not in unresolved])
    status.problems += problems
    if strict:
        status.problems += [f"{todo} (open to-do)" for todo in status.todos]
    return status


def _unresolved_state(root: Path, name: str, unmerged: frozenset[str]) -> list[str]:
    """The task's answers file and record, when a merge left them unresolved: they cannot be read."""
    problems = []
    for path in (state.answers_path(name), state.record_path(name)):
        full = root / path
        problem = merge.unresolved(path, full.read_bytes() if full.is_file() else None, unmerged)
        if problem:
            problems.append(problem)
    return problems


def _orphans(root: Path, answered: list[str], unmerged: frozenset[str]) -> list[TaskStatus]:
    """Records whose answers file is gone."""
    orphans = []
    for name in state.recorded_tasks(root):
        if name in answered or _unresolved_state(root, name, unmerged):
            continue
        record = state.load_record(root, name)
        module = ".".join(str(record.context.get(key, "?")) for key in ("package", "data_type", "task_type"))
        problem = f"{state.answers_path(name)} is missing: restore it from git"
        orphans.append(TaskStatus(name, module, record.template_version, False, [problem]))
    return orphans


def check(dest: Path | None = None, *, full: bool = True, strict: bool = False) -> Report:
    """Report on every task of the repository at ``dest`` (``None``: the one the working directory lies in);
    ``full=False`` reports versions only.

    ``strict`` counts every open to-do (``TODO(flash-new)`` marker) as a problem. A task whose answers file or
    record a merge left unresolved is reported as that, unread.
    """
    root = repository(dest)
    versions = template.available_versions()
    unmerged = merge.unmerged_paths(root) if (root / state.STATE_DIR).is_dir() else frozenset()
    answered = state.answered_tasks(root)
    statuses = []
    for name in sorted({*answered, *state.recorded_tasks(root)}):
        conflicted = _unresolved_state(root, name, unmerged)
        if conflicted:
            statuses.append(TaskStatus(name, "?", "?", False, conflicted))
        elif name in answered:
            statuses.append(
                _status(root, load_task(root, name, report_untrusted=full), versions, full, strict, unmerged)
            )
    report = Report(root, versions[-1], statuses)
    report.strict = strict
    if full:
        report.tasks += _orphans(root, answered, unmerged)
        if state.has_journal(root):
            report.problems.append(f"an interrupted flash-new run left {state.JOURNAL}: run `flash-new rollback`")
        if statuses and (problem := template.project_bundle_problem(root)):
            report.problems.append(problem)
    return report


def list_tasks(dest: Path | None = None) -> Report:
    """Every task of the repository with its template version and whether it is current."""
    return check(dest, full=False)


def table(report: Report, *, full: bool = True):
    """The report as a rich table: one row per task, its problems one per line and how many open to-dos it has
    (``full``), or whether it is current."""
    from rich.table import Table
    from rich.text import Text

    # Cells are plain text: names and problems quote what the repository holds, never rich markup.
    table = Table(title=Text(f"flash-new tasks in {report.root} (current template: {report.current_version})"))
    for column in ("task", "module", "version", "problems" if full else "current"):
        table.add_column(column, overflow="fold")
    for task in report.tasks:
        if full:
            last = "\n".join(task.problems or ["ok"])
            if task.todos and not report.strict:
                last += f"\n{len(task.todos)} open to-do{'s' if len(task.todos) > 1 else ''} (below)"
        else:
            last = "yes" if task.current else "no"
        table.add_row(Text(task.name), Text(task.module), Text(task.version), Text(last))
    if full and report.problems:
        table.add_row("(repository)", "", "", Text("\n".join(report.problems)))
    return table


def todo_report(report: Report) -> list[str]:
    """The open to-dos of every task, one line each (``to-do: <path>:<line>: <what to do>``), unless ``strict``
    made them problems."""
    return [] if report.strict else [f"to-do: {todo}" for task in report.tasks for todo in task.todos]
