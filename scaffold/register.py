"""Registration: planning, checking and undoing the edits a task makes in shared files.

Each edit is one :class:`~scaffold.registrations.Registration` (one class per kind, in
:mod:`scaffold.registrations`). It is planned into a :class:`~scaffold.plan.Plan`, so that ``--dry-run`` shows
it and a failure undoes it, and its record is kept in the task's :class:`~scaffold.state.TaskRecord`. The
records say exactly what was inserted where, so that ``check`` can verify the edits and ``remove`` can undo
them, leaving each shared file as it would be had the task never been added.
"""

from __future__ import annotations

from collections.abc import Iterator

from scaffold import registrations, state
from scaffold.errors import FlashNewError
from scaffold.host import Host
from scaffold.plan import Plan
from scaffold.registrations import Registration
from scaffold.registrations.base import read, write


def register(host: Host, context: dict, plan: Plan) -> list[Registration]:
    """Plan every registration of the task ``context`` describes; return their records."""
    planned = registrations.planned(host, context, plan)
    others = list(other_records(host, context["task_name"]))
    return [registration.apply(plan).inherit(others) for registration in planned]


def other_records(host: Host, task_name: str) -> Iterator[Registration]:
    """The registration records of every other task in the repository."""
    for name in state.recorded_tasks(host.root):
        record = state.load_record(host.root, name) if name != task_name else None
        if record is not None:
            yield from record.registrations


def missing(host: Host, records: list[Registration]) -> list[str]:
    """The registrations of ``records`` that are no longer in their files, one sentence each."""
    problems = []
    files = Plan(host.root)  # an empty plan reads the files as they are
    for record in records:
        try:
            text = read(files, record.file)
            present = text is not None and record.present(text)
        except FlashNewError as error:  # the file cannot be read: that is what is wrong
            problems.append(str(error))
            continue
        if not present:
            problems.append(record.describe())
    return list(dict.fromkeys(problems))  # a file that cannot be read is one problem, however many edits it has


def todos(host: Host, records: list[Registration]) -> list[str]:
    """The open to-dos the task's edits leave in shared files, as ``<file>:<line>: <what to do>``."""
    found = []
    files = Plan(host.root)
    for record in records:
        try:
            text = read(files, record.file)
        except FlashNewError:  # reported by missing()
            continue
        if text is not None:
            found += [f"{record.file}:{todo}" for todo in record.todos(text)]
    return found


def unregister(host: Host, task_name: str, records: list[Registration], plan: Plan) -> None:
    """Plan the exact reversal of ``records`` (newest first), keeping what other tasks still rely on."""
    others = list(other_records(host, task_name))
    for record in reversed(records):
        text = read(plan, record.file)
        if text is not None:
            write(plan, record.file, record.undo(text, others))
