"""Bringing tasks to a newer template version: copier's update, then flash-new's own bookkeeping.

``copier update`` merges the user's edits with the template's changes (three-way, conflicts inline) and runs
the template's ``_migrations``. Around it, flash-new

* refuses to start unless the repository is in git with a clean tree (copier needs it, and it makes every
  update reviewable and undoable with git), and unless the task's answers file records a known version;
* always names the task's answers file, and never passes answers that would rename or move the task;
* finds the conflicts copier leaves while exiting 0 (inline markers, ``*.rej`` files, unmerged paths);
* re-applies the task's registrations that went missing, and rewrites its record with the version and the
  digests of a pure render of the new version, so that ``remove`` still tells generated files from edits.

Tasks are updated one at a time, and the user's HEAD, branch and index never move. One task is updated in
place. Since copier refuses a tree with changes, several are updated in a temporary worktree of the repository
at HEAD (in the system's temporary folder), whose changes are committed there, on its own detached HEAD,
between two tasks; at the end its changes are applied to the user's tree, uncommitted, as after a single
update. A failure (not a conflict) leaves the tree as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from scaffold import register, state, template
from scaffold.check import conflict_lines
from scaffold.errors import ConflictError, UsageError
from scaffold.host import Host, detect, repository
from scaffold.plan import Plan, check_no_journal, signals_interrupt
from scaffold.registrations import Registration
from scaffold.tasks import Task, edited_files, find_task, load_tasks, new_record

# Answers that place the task: changing them through an update would move its files under the old answers file.
IDENTITY = ("task_name", "data_type", "task_type", "package", "package_dir")
_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}", "-c", "commit.gpgsign=false")
_SNAPSHOT_ENV = {
    "GIT_AUTHOR_NAME": "flash-new",
    "GIT_AUTHOR_EMAIL": "flash-new@users.noreply.invalid",
    "GIT_COMMITTER_NAME": "flash-new",
    "GIT_COMMITTER_EMAIL": "flash-new@users.noreply.invalid",
}


@dataclass
class Updated:
    """What updating one task did."""

    name: str
    old_version: str
    new_version: str
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    reregistered: list[str] = field(default_factory=list)
    removed_edited: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def git(root: Path, *args: str, check: bool = True, env: dict | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    if check and result.returncode:
        reason = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[-1]
        raise UsageError(f"git {' '.join(args)} failed in {root} ({reason}): fix the repository and run again")
    return result.stdout


def changed_paths(root: Path) -> list[str]:
    """The paths ``git status`` lists (untracked files one by one), relative to ``root``."""
    out = git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    entries, paths = out.split("\0"), []
    while entries:
        entry = entries.pop(0)
        if not entry:
            continue
        if entry[0] in "RC":  # a rename or copy is followed by its source path
            entries.pop(0)
        paths.append(os.path.relpath(top / entry[3:], root))
    return sorted(set(paths))


def check_clean(root: Path) -> None:
    """Refuse a repository that is not in git, has no commit, or has uncommitted changes."""
    if subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "-q", "HEAD"], capture_output=True).returncode:
        raise UsageError(f"{root} is not a git repository with a commit: commit the project to git, then update")
    dirty = changed_paths(root)
    if dirty:
        shown = ", ".join(dirty[:3]) + (", ..." if len(dirty) > 3 else "")
        raise UsageError(
            f"the working tree has uncommitted changes ({shown}): commit or stash them, then run the update again"
        )


def target_version(to: str | None, versions: Sequence[str]) -> str:
    """The version ``--to`` names (``0.2.0`` or ``v0.2.0``), or the newest."""
    if to is None:
        return versions[-1]
    tag = to if to.startswith("v") else f"v{to}"
    if tag not in versions:
        raise UsageError(f"--to {to!r} is not a template version: choose one of {', '.join(versions)}")
    return tag


def _check_updatable(task: Task, target: str, versions: Sequence[str], data: dict) -> None:
    if not task.answers.get("_src_path") or not task.answers.get("_commit"):
        raise UsageError(
            f"task {task.name!r} has no template source or version in its answers file: restore the file from git"
        )
    if task.version not in versions:
        raise UsageError(
            f"task {task.name!r} is at template version {task.version}, unknown to this flash-new "
            f"(newest: {versions[-1]}): upgrade flash-new"
        )
    if versions.index(task.version) > versions.index(target):
        raise UsageError(
            f"task {task.name!r} is at {task.version}, newer than {target}: pass --to {task.version} or a later version"
        )
    for key in IDENTITY:
        if key in data and data[key] != task.answers.get(key):
            raise UsageError(f"an update cannot change {key} of task {task.name!r}: generate a new task instead")


def update_tasks(
    dest: Path,
    names: Sequence[str] = (),
    *,
    all_tasks: bool = False,
    to: str | None = None,
    data: dict | None = None,
) -> list[Updated]:
    """Update the tasks ``names`` (or every task, with ``all_tasks``) to version ``to`` (default: the newest).

    Conflicts do not stop the run: they are in each result's ``conflicts`` (see :func:`raise_for_conflicts`).
    """
    root = repository(dest)
    if bool(names) == all_tasks:
        raise UsageError("name the tasks to update, or pass --all (not both)")
    check_no_journal(root)
    tasks = load_tasks(root) if all_tasks else [find_task(root, name) for name in dict.fromkeys(names)]
    if not tasks:
        raise UsageError(f"{root} has no flash-new tasks: nothing to update")
    versions = template.available_versions()
    target = target_version(to, versions)
    for task in tasks:
        _check_updatable(task, target, versions, data or {})
    check_clean(root)
    results = []
    # SIGTERM stops an update as Ctrl-C does: through the restore below, never halfway through copier's writes.
    with signals_interrupt(), _workspace(root, len(tasks)) as (where, snapshot):
        for index, task in enumerate(tasks):
            if index:
                snapshot()
            results.append(_update_one(where, task, target, data or {}))
    return results


def update_task(dest: Path, name: str, *, to: str | None = None, data: dict | None = None) -> Updated:
    return update_tasks(dest, [name], to=to, data=data)[0]


def raise_for_conflicts(results: Sequence[Updated]) -> None:
    """Raise :class:`ConflictError` naming every file an update left in conflict."""
    conflicts = [path for result in results for path in result.conflicts]
    if conflicts:
        raise ConflictError(
            f"the update left conflicts in {', '.join(conflicts)}: merge each '<<<<<<< before updating' / "
            "'>>>>>>> after updating' block (or the .rej file) by hand, then commit"
        )


@contextmanager
def _workspace(root: Path, count: int) -> Iterator[tuple[Path, Callable[[], None]]]:
    """Where ``count`` task updates of the repository at ``root`` run, and the snapshot to take between two.

    See the module's docstring: in place for one task (restored if it fails), in a temporary worktree for several.
    """
    head = git(root, "rev-parse", "HEAD").strip()
    if count == 1:
        try:
            yield root, lambda: None
        except BaseException:
            with signals_interrupt(ignore=True):  # a second Ctrl-C must not stop the restore
                git(root, "reset", "-q", "--hard", head, check=False)
                git(root, "clean", "-q", "-fd", check=False)
            raise
        return
    top = Path(git(root, "rev-parse", "--show-toplevel").strip()).resolve()
    scratch = Path(tempfile.mkdtemp(prefix="flash-new-update-"))
    tree = scratch / "tree"
    try:
        git(root, *_NO_HOOKS, "worktree", "add", "-q", "--detach", str(tree), head)
        yield tree / root.relative_to(top), lambda: _commit_all(tree)
        _commit_all(tree)
        patch = subprocess.run(
            ["git", "-C", str(tree), "diff", "--binary", "--no-ext-diff", "--no-textconv", "--no-renames", head],
            capture_output=True,
            check=True,
        ).stdout
        if patch:
            with signals_interrupt(ignore=True):  # the user's tree takes every change or, if git fails, none
                applied = subprocess.run(["git", "-C", str(top), "apply", "-"], input=patch, capture_output=True)
            if applied.returncode:
                reason = applied.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["git apply failed"]
                raise UsageError(
                    f"the updates could not be applied to {top} ({reason[0]}): nothing was changed; commit or stash "
                    "your changes, then run the update again"
                )
    finally:
        with signals_interrupt(ignore=True):
            git(root, "worktree", "remove", "--force", str(tree), check=False)
            shutil.rmtree(scratch, ignore_errors=True)
            git(root, "worktree", "prune", check=False)


def _commit_all(tree: Path) -> None:
    """Commit everything in the temporary worktree ``tree``, on its own detached HEAD."""
    git(tree, "add", "-A")
    git(tree, *_NO_HOOKS, "commit", "-q", "--no-verify", "--allow-empty", "-m", "flash-new", env=_SNAPSHOT_ENV)


def _run_copier(root: Path, answers_file: str, target: str, data: dict) -> None:
    import copier
    from copier.errors import InvalidConfigFileError, UserMessageError

    from scaffold.copier_internals import compile_once, temporary_folder

    # copier prints some errors itself before raising them, even when quiet: the message below says it in one line
    with warnings.catch_warnings(), compile_once(), temporary_folder(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")  # copier warns of its missing settings file
        try:
            copier.run_update(
                str(root),
                data=data,
                answers_file=answers_file,
                vcs_ref=target,
                conflict="inline",
                defaults=True,
                overwrite=True,
                quiet=True,
                unsafe=True,
            )
        except (UserMessageError, ValueError) as error:
            if isinstance(error, InvalidConfigFileError):
                message = f"the template's copier.yml at {target} is not valid"
            else:
                message = (str(error).strip().splitlines() or [type(error).__name__])[-1]
            raise UsageError(
                f"copier could not update {answers_file} to {target} ({message}): nothing was changed; "
                "choose another version with --to, or fix the template"
            ) from error


def _update_one(root: Path, task: Task, target: str, data: dict) -> Updated:
    from scaffold.render import render

    host = detect(root, task.answers.get("package"))
    recorded = task.record.template_version if task.record else None
    if task.version == target and recorded == target and not data:
        return _refresh(host, task)
    answers_file = state.answers_path(task.name)
    edited = [path for path in edited_files(host, task) if host.path(path).is_file()]
    _run_copier(root, answers_file, target, data)
    answers = state.load_answers(root, task.name)
    version = str(answers.get("_commit", target))
    changed = changed_paths(root)
    conflicts = _conflicts(root, changed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # copier warns of its missing settings file
        rendered = render({k: v for k, v in answers.items() if not k.startswith("_")}, vcs_ref=version)
    plan = Plan(root)
    records, reregistered = _reregister(host, task, rendered.context, plan)
    generated = {path: text for path, text in rendered.files.items() if path != answers_file}
    record = new_record(version, generated, rendered.context, records)
    plan.add(state.record_path(task.name), record.to_bytes(), generated=False)
    plan.apply()
    return Updated(
        name=task.name,
        old_version=task.version,
        new_version=version,
        changed=changed_paths(root),
        conflicts=conflicts,
        reregistered=reregistered,
        removed_edited=[path for path in edited if not host.path(path).exists()],
    )


def _refresh(host: Host, task: Task) -> Updated:
    """A task already at the target version: only its missing registrations are added again."""
    plan = Plan(host.root)
    records, reregistered = _reregister(host, task, task.record.context, plan)
    if reregistered:
        record = replace(task.record, registrations=records)
        plan.add(state.record_path(task.name), record.to_bytes(), generated=False)
    plan.apply()
    changed = changed_paths(host.root)
    return Updated(task.name, task.version, task.version, changed, reregistered=reregistered)


def _conflicts(root: Path, changed: list[str]) -> list[str]:
    """The files an update left in conflict: ``*.rej`` files, files with markers, unmerged paths."""
    found = set(git(root, "diff", "--name-only", "--diff-filter=U", "--relative").split())
    for path in changed:
        full = root / path
        if path.endswith(".rej") or (full.is_file() and conflict_lines(full.read_bytes())):
            found.add(path)
    return sorted(found)


def _reregister(host: Host, task: Task, context: dict, plan: Plan) -> tuple[list[Registration], list[str]]:
    """Plan the registrations the new version needs; return their records and the files edited again.

    A registration still present keeps its old record (whose flags say what ``remove`` must undo) and its
    file is left alone: re-adding is idempotent for every edit but a changelog line, which is only looked
    for in the unreleased section and would be added twice once released.
    """
    old = {record.identity(): record for record in task.registrations}
    gone = {record.identity() for record in task.registrations if register.missing(host, [record])}
    try:
        records = register.register(host, context, plan)
    except UsageError:
        if gone or not task.registrations:
            raise
        plan.changes.clear()
        return task.registrations, []
    kept, redo = [], set()
    for record in records:
        key = record.identity()
        if key in old and key not in gone:
            kept.append(old[key])
        else:
            kept.append(record)
            redo.add(record.file)
    for change in list(plan.changes):
        if change.path not in redo:
            plan.add(change.path, change.before, generated=False)
    return kept, sorted(redo)
