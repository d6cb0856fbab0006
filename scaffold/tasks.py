"""The operations on tasks: create, remove, and reading what a repository holds.

Each function works on a destination folder and returns a :class:`~scaffold.plan.Plan`; nothing here prints.
The CLI (:mod:`scaffold.cli`) is a thin layer over these functions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from scaffold import conventions, register, registrations, state, template
from scaffold.errors import ConflictError, InvalidState, UntrustedTemplate, UsageError
from scaffold.host import Host, detect
from scaffold.names import (
    ANSWER_KEYS,
    IDENTITY,
    LATER_ANSWERS,
    TaskOptions,
    check_answers,
    check_generated,
    check_snake,
)
from scaffold.plan import Plan, check_no_journal
from scaffold.registrations import Registration


@dataclass
class Task:
    """A task recorded in a repository: its answers (copier's answers file) and its record (if it has one)."""

    name: str
    answers: dict
    record: state.TaskRecord | None
    # Why copier must not run on the answers file (:mod:`scaffold.trust`), for ``check`` to report; nothing of
    # such a file is used, so ``answers`` is empty and ``record`` ``None``.
    untrusted: str | None = None

    @property
    def version(self) -> str:
        return str(self.answers.get("_commit", "?"))

    @property
    def files(self) -> dict[str, str]:
        return self.record.files if self.record else {}

    @property
    def registrations(self) -> list[Registration]:
        return self.record.registrations if self.record else []


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_record(
    version: str, files: dict[str, bytes], context: dict, registrations: list[Registration]
) -> state.TaskRecord:
    """The task's record: the template version, a digest of every generated file, and its registrations."""
    digests = {path: digest(data) for path, data in files.items()}
    return state.TaskRecord(version, digests, dict(context), list(registrations))


def load_task(root: Path, name: str, *, report_untrusted: bool = False) -> Task:
    """The task ``name``: its answers file and record as :mod:`scaffold.state` reads and checks them, the record's
    registrations checked against the answers (:func:`check_record`).

    An answers file naming another template raises :class:`~scaffold.errors.UntrustedTemplate`, or with
    ``report_untrusted`` gives a task that holds the error as its ``untrusted``.
    """
    try:
        answers = state.load_answers(root, name)
    except UntrustedTemplate as error:
        if not report_untrusted:
            raise
        return Task(name, {}, None, untrusted=str(error))
    record = state.load_record(root, name)
    if record is not None:
        check_record(root, name, answers, record)
    return Task(name, answers, record)


def load_tasks(root: Path, *, report_untrusted: bool = False) -> list[Task]:
    """Every task of the repository under ``root``: those with an answers file."""
    return [load_task(root, name, report_untrusted=report_untrusted) for name in state.answered_tasks(root)]


def check_record(root: Path, name: str, answers: dict, record: state.TaskRecord) -> None:
    """Refuse a record whose registrations are not the task's own: a record is input, and ``remove`` undoes
    what it says.

    The record's context must hold the task's answers (flash-new rewrites both together; a plain
    ``copier update`` changes the version only), and every registration must be one the registration kinds plan
    for that context, in any kind of repository (a Flash checkout gets every kind), compared by what places it
    and what ``remove`` takes out (:meth:`~scaffold.registrations.Registration.locator`). The derived names of
    the context are checked against the template by :func:`check_context`, which renders, where an edit is
    undone.
    """
    path = state.record_path(name)
    for key in ANSWER_KEYS:
        if key not in answers or (key in LATER_ANSWERS and key not in record.context):
            continue  # an answer the record's version did not ask
        if record.context.get(key) != answers[key]:
            raise InvalidState(
                f"{path}: context {key} {record.context.get(key)!r} is not the task's answer ({answers[key]!r}): "
                "restore it from git"
            )
    host = Host(root, "flash", answers["package"], answers["package_dir"])
    try:
        planned = registrations.planned(host, record.context, None)
    except (KeyError, TypeError, AttributeError, ValueError):
        raise InvalidState(f"{path}: its context lacks names of the task: restore it from git") from None
    expected = {registration.locator() for registration in planned}
    for registration in record.registrations:
        if registration.locator() not in expected:
            raise InvalidState(
                f"{path} records an edit of {registration.file} that task {name!r} does not make "
                f"({registration.kind}): restore it from git"
            )


def check_context(task: Task, *, write_cache: bool = True) -> None:
    """Refuse a record whose context or files are not what the template makes of the task's answers.

    The template derives every name (copier.yml); a render of the record's version with the answers the
    record's context holds (each checked as a flag, the task's place taken from its answers file) must give
    that context and at least the files the record lists.
    """
    from scaffold import template
    from scaffold.render import render

    record, path = task.record, state.record_path(task.name)
    versions = template.available_versions()
    if record.template_version not in versions:
        raise InvalidState(
            f"{path} is of template version {record.template_version!r}, not one of {', '.join(versions)} that "
            "flash-new can check it against: upgrade flash-new, restore the record from git, or (a task rendered "
            "from a template under development) delete the files it lists by hand"
        )
    given = {key: record.context[key] for key in ANSWER_KEYS if key in record.context}
    try:
        answers = check_answers(
            {**given, **{key: task.answers[key] for key in IDENTITY if key in task.answers}}, f"{path}: context"
        )
    except UsageError as error:
        raise InvalidState(str(error)) from None
    rendered = render(answers, vcs_ref=record.template_version, write_cache=write_cache)
    if rendered.context != record.context:
        differ = sorted(
            key for key in {*rendered.context, *record.context} if rendered.context.get(key) != record.context.get(key)
        )
        raise InvalidState(
            f"{path}: context {', '.join(differ[:3])} is not what the template derives: restore it from git"
        )
    unknown = sorted(set(record.files) - set(rendered.files))
    if unknown:
        raise InvalidState(f"{path} lists {unknown[0]!r}, which the task does not generate: restore it from git")


def find_task(root: Path, name: str) -> Task:
    check_snake("task name", name)
    if name not in state.answered_tasks(root):
        raise UsageError(
            f"task {name!r} is not in {root} (no {state.answers_path(name)}): check the name with `flash-new list`"
        )
    return load_task(root, name)


def _check_new(host: Host, options: TaskOptions) -> None:
    """Refuse a task that would collide with what the repository already has."""
    name, dt, tt = options.task_name, options.data_type, options.task_type
    if name in state.answered_tasks(host.root):
        raise UsageError(
            f"task {name!r} already exists ({state.answers_path(name)}): choose another name or remove it first"
        )
    package = host.path(host.package_dir)
    if (package / f"{dt}.py").exists():
        raise UsageError(
            f"--data-type {dt!r} would shadow the module {host.package_dir}/{dt}.py: choose another data type"
        )
    # A folder that is a package (or a module) is a task: one that only holds files a removed task left is none.
    for existing in (package / dt / tt / "__init__.py", package / dt / f"{tt}.py"):
        if existing.exists():
            raise UsageError(
                f"--task-type {tt!r} would shadow the existing task {host.package}.{dt}.{tt} "
                f"({existing.relative_to(host.root).as_posix()}): choose another name or task type, or move it away"
            )
    for task in load_tasks(host.root):
        if task.answers.get("data_type") == dt and task.answers.get("task_type") == tt:
            raise UsageError(f"task {task.name!r} already lives in {host.package}.{dt}.{tt}: choose another task type")


def plan_task(
    dest: Path | None,
    options: TaskOptions,
    *,
    package: str | None = None,
    force: bool = False,
    interactive: bool = False,
    dry_run: bool = False,
) -> tuple[Plan, dict]:
    """Plan the creation of a task: its generated files, its registrations and the project's copy of the
    template's history. Nothing is written (with ``dry_run``, not even the template cache)."""
    host = detect(dest, package)
    check_no_journal(host.root)
    found = conventions.FLASH if host.is_flash else conventions.detect(host.root)
    options.py_min, options.line_length = found.py_min, found.line_length
    options.validate()
    if not interactive:
        _check_new(host, options)
    # In a terminal the template asks every question the flags left open, each checked at its prompt.
    given = options.given_answers() if interactive else options.answers()
    answers = {**given, "package": host.package, "package_dir": host.package_dir, "docs_dir": host.docs_dir}
    from scaffold.render import render

    rendered = render(answers, interactive=interactive, write_cache=not dry_run)
    if interactive:  # the answers typed at the prompts: check them as flags and answers files are
        asked = check_answers({key: rendered.context[key] for key in ANSWER_KEYS}, "your answers")
        placed = ("package", "package_dir", "docs_dir")
        _check_new(host, TaskOptions(**{k: v for k, v in asked.items() if k not in placed}))
    check_generated(rendered.files, rendered.context)
    plan = Plan(host.root)
    for path, data in rendered.files.items():
        plan.add(path, data, generated=True, force=force)
    registrations = register.register(host, rendered.context, plan)
    name = rendered.context["task_name"]
    generated = {p: d for p, d in rendered.files.items() if p != state.answers_path(name)}
    record = new_record(rendered.version, generated, rendered.context, registrations)
    plan.add(state.record_path(name), record.to_bytes(), generated=True, force=force)
    plan.add(template.SRC_PATH, template.project_bundle(host.root), generated=False)
    return plan, rendered.context


def create_task(
    dest: Path | None, options: TaskOptions, *, dry_run: bool = False, force: bool = False, **kwargs
) -> Plan:
    """Generate and register a task; with ``dry_run`` only plan it. Conflicts stop the run unless ``force``."""
    plan, _ = plan_task(dest, options, force=force, dry_run=dry_run, **kwargs)
    if not dry_run:
        plan.check_conflicts()
        plan.apply()
    return plan


def edited_files(host: Host, task: Task) -> list[str]:
    """The task's generated files that differ from what was generated (or are gone)."""
    edited = []
    for path, expected in task.files.items():
        full = host.path(path)
        if not full.is_file() or digest(full.read_bytes()) != expected:
            edited.append(path)
    return edited


def plan_remove(
    dest: Path | None, name: str, *, force: bool = False, package: str | None = None, write_cache: bool = True
) -> Plan:
    """Plan the removal of task ``name``: its files, its answers and record, and its registrations undone.

    Without ``write_cache`` (a dry run) nothing is written anywhere, not even the template cache.
    """
    host = detect(dest, package)
    check_no_journal(host.root)
    task = find_task(host.root, name)
    if task.record is None:
        raise UsageError(
            f"task {name!r} has no record ({state.record_path(name)}) to remove it exactly by: restore the record "
            "from git, or delete the task's files by hand"
        )
    check_context(task, write_cache=write_cache)  # what is undone below is the task's own
    edited = [p for p in edited_files(host, task) if host.path(p).exists()]
    if edited and not force:
        raise ConflictError(
            f"task {name!r} has files edited since generation ({', '.join(edited)}): pass --force to remove them"
        )
    plan = Plan(host.root)
    for path in task.files:
        plan.add(path, None, generated=True)
    plan.add(state.answers_path(name), None, generated=True)
    plan.add(state.record_path(name), None, generated=True)
    if state.answered_tasks(host.root) == [name]:  # the last task: the template's history goes with it
        plan.add(template.SRC_PATH, None, generated=False)
    register.unregister(host, name, task.registrations, plan)
    for path in kept_files(host, task):
        plan.keep(path)
    return plan


def task_folders(task: Task) -> list[str]:
    """The folders that are the task's own: its package and its tests."""
    context = task.record.context if task.record else {}
    if not all(key in context for key in ("task_dir", "tests_dir", "data_type", "task_type")):
        return []
    return [context["task_dir"], f"{context['tests_dir']}/{context['data_type']}/{context['task_type']}"]


def kept_files(host: Host, task: Task) -> list[str]:
    """The files in the task's own folders that it did not generate (the contributor's): ``remove`` leaves them.

    Python's caches (``__pycache__``) are no one's files and are not listed.
    """
    kept = []
    for folder in task_folders(task):
        full = host.path(folder)
        if not full.is_dir():
            continue
        for path in sorted(full.rglob("*")):
            relative = path.relative_to(host.root).as_posix()
            if path.is_file() and "__pycache__" not in path.parts and relative not in task.files:
                kept.append(relative)
    return kept


def remove_task(dest: Path | None, name: str, *, dry_run: bool = False, force: bool = False, **kwargs) -> Plan:
    plan = plan_remove(dest, name, force=force, write_cache=not dry_run, **kwargs)
    if not dry_run:
        plan.apply()
    return plan
