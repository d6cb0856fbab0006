"""Bringing tasks to a newer template version: copier's update, then flash-new's own bookkeeping.

``copier update`` merges the user's edits with the template's changes (three-way, conflicts inline) and runs
the template's ``_migrations``. Around it, flash-new

* refuses to start unless the repository is in git with a clean tree (copier needs it, and it makes every
  update reviewable and undoable with git), and unless the task's answers file records a known version;
* always names the task's answers file, and never passes answers that would rename or move the task; the
  answers it does pass (a renamed class, other inputs or extras: :func:`reanswer`) are checked as ``task``
  checks its flags, and copier merges their render with the contributor's edits as it merges a new version;
* runs copier with trust (for the template's migrations) only on flash-new's own template at one of its
  version tags, checked on each answers file (:mod:`scaffold.trust`) just before copier reads it, after the
  task's record is checked against a render of its version (:func:`scaffold.tasks.check_context`); and renders
  the new version first, so that answers giving code linters reject stop before copier runs;
* finds the conflicts copier leaves while exiting 0 (inline markers, ``*.rej`` files, unmerged paths);
* re-applies the task's registrations that went missing, and rewrites its record with the version and the
  digests of a pure render of the new version, so that ``remove`` still tells generated files from edits.

A preview (``dry_run``) runs the very same update in a throw-away clone of the repository's HEAD (the tree must
be clean, so HEAD is the tree) and reports, per task, every file it changed with its bytes before and after; the
repository is not touched.

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
from typing import TYPE_CHECKING

from scaffold import register, registrations, state, template, trust
from scaffold.errors import ConflictError, UntrustedTemplate, UsageError
from scaffold.host import Host, detect, repository
from scaffold.interrupts import signals_deferred, signals_interrupt
from scaffold.merge import conflict_lines
from scaffold.names import DEFAULT_TASK_TYPES, FLAGS, IDENTITY, TaskOptions, check_generated
from scaffold.plan import WRITES, Change, Plan, check_no_journal
from scaffold.registrations import Registration
from scaffold.registrations.base import read, write
from scaffold.tasks import Task, check_context, edited_files, find_task, load_tasks, new_record

if TYPE_CHECKING:
    from scaffold.render import Rendered

_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}", "-c", "commit.gpgsign=false")
# Answers an update may change: copier re-renders the task with them and merges the contributor's edits.
REANSWERABLE = ("kind", "inputs", "extras", "steps", "description", "data_class", "model_class")
TASK_ANSWERS = ("data_type", "task_type", *REANSWERABLE)
_FLAGS = {
    "task_name": "the task name",
    "package": "--package",
    "package_dir": "the package folder",
    "docs_dir": "the docs folder",
}
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
    # A preview's changes, one per file (the update was run in a copy; nothing was written).
    preview: list[Change] | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        del data["preview"]
        if self.preview is not None:
            data["changes"] = [{"path": c.path, "action": c.action, "diff": c.diff()} for c in self.preview]
        return data


@dataclass(frozen=True)
class Checked:
    """A task's answers (copier's internal ones left out) and their render at the target version."""

    answers: dict
    rendered: Rendered


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


def _check_updatable(task: Task, target: str, versions: Sequence[str]) -> None:
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
    trust.check_source(state.answers_path(task.name), task.answers, versions)


def _check_answers(answers: dict) -> TaskOptions:
    """Every answer of a task, checked as ``flash-new task`` checks its flags (and normalised)."""
    return TaskOptions(**{key: answers[key] for key in ("task_name", *TASK_ANSWERS) if key in answers}).validate()


def reanswer(task: Task, data: dict, add_extras: Sequence[str] = ()) -> dict:
    """The answers ``data`` (and the extras ``add_extras``) change for ``task``, checked and normalised.

    An answer that places the task (its name, data type, task type, package) cannot change: the task would move,
    and its answers file, record and registrations with it. Neither can ``kind`` where the task type follows it.
    """
    current = {key: value for key, value in task.answers.items() if not key.startswith("_")}
    unknown = sorted(set(data) - set(IDENTITY) - set(REANSWERABLE))
    if unknown:
        raise UsageError(f"an update cannot answer {', '.join(unknown)}: give only {', '.join(REANSWERABLE)}")
    data = dict(data)
    if add_extras:
        data["extras"] = [*data.get("extras", current.get("extras", [])), *add_extras]
    how = f"run `flash-new remove {task.name}`, then `flash-new task` with the new answers"
    for key in IDENTITY:
        if key in data and data[key] != current.get(key):
            flag = _FLAGS.get(key, "--" + key.replace("_", "-"))
            raise UsageError(
                f"an update cannot change {key} of task {task.name!r} ({flag} {data[key]!r}; its files would move): "
                + how
            )
    options = _check_answers({**current, **data})
    old_kind, task_type = current.get("kind"), current.get("task_type")
    if (
        options.kind != old_kind
        and task_type == DEFAULT_TASK_TYPES.get(str(old_kind)) != (DEFAULT_TASK_TYPES[options.kind])
    ):
        raise UsageError(
            f"an update cannot change kind of task {task.name!r} to {options.kind!r}: its task type {task_type!r} "
            f"follows its kind and would move to {DEFAULT_TASK_TYPES[options.kind]!r}; " + how
        )
    # the package and its folders are no TaskOptions fields: given unchanged (checked above), they stay as given
    return {key: getattr(options, key, data[key]) for key in data if key in REANSWERABLE or key in IDENTITY}


def _check_render(task: Task, data: dict, target: str, write_cache: bool = True) -> Checked:
    """Refuse answers whose code would not fit (names too wide, clashing): render them before copier writes.

    The answers come from the answers file (named in the message) and ``data`` (named by their flags). The
    render is returned with the answers it was given: the task's record is made from it when copier's answers,
    once it has updated the task, are these ones.
    """
    from scaffold.render import render

    answers = {**{key: value for key, value in task.answers.items() if not key.startswith("_")}, **data}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            rendered = render(answers, vcs_ref=target, write_cache=write_cache)
        except UsageError as error:
            raise UsageError(
                f"task {task.name!r} cannot be rendered at {target} ({error}): nothing was changed; "
                "choose another version with --to, or fix the template"
            ) from error
    where = state.answers_path(task.name)
    check_generated(rendered.files, rendered.context, lambda key: FLAGS[key] if key in data else f"{where}: {key}")
    return Checked(answers, rendered)


def _updatable(
    dest: Path, names: Sequence[str], all_tasks: bool, to: str | None, write_cache: bool = True
) -> tuple[Path, list[Task], tuple[str, ...], str]:
    """The repository, the tasks to update (each checked), the versions and the target version.

    Without ``write_cache`` (a dry run, the copier command) nothing is written anywhere.
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
        _check_updatable(task, target, versions)
        if task.record is not None:
            check_context(task, write_cache=write_cache)  # the record's context and files: the template's
    return root, tasks, versions, target


def copier_commands(
    dest: Path, names: Sequence[str] = (), *, all_tasks: bool = False, to: str | None = None
) -> list[str]:
    """The plain ``copier update`` command of each task, once its answers and template source are checked.

    It is what ``flash-new update`` runs, without flash-new's bookkeeping (registrations, record, conflict
    report), except that copier takes the template from the project's copy of the history: that copy must be
    this flash-new's bundle too. The checks hold for as long as the answers file and the copy stay as they are.
    """
    import shlex

    root, tasks, _, target = _updatable(dest, names, all_tasks, to, write_cache=False)
    problem = template.project_bundle_problem(root)  # plain copier reads the project's copy, unlike flash-new
    if problem:
        raise UntrustedTemplate(problem)
    options = ["--trust", "--skip-tasks", "--defaults", "--conflict", "inline", "--vcs-ref", target]
    return [
        shlex.join(["copier", "update", *options, "--answers-file", state.answers_path(t.name), str(root)])
        for t in tasks
    ]


def update_tasks(
    dest: Path | None,
    names: Sequence[str] = (),
    *,
    all_tasks: bool = False,
    to: str | None = None,
    data: dict | None = None,
    add_extras: Sequence[str] = (),
    dry_run: bool = False,
) -> list[Updated]:
    """Update the tasks ``names`` (or every task, with ``all_tasks``) to version ``to`` (default: the newest).

    ``data`` (and ``add_extras``) re-answer questions of one task (:func:`reanswer`). ``dry_run`` runs the update
    in a copy and returns each task's changes as its ``preview``; the repository is not touched.
    Conflicts do not stop the run: they are in each result's ``conflicts`` (see :func:`raise_for_conflicts`).
    """
    root, tasks, versions, target = _updatable(dest, names, all_tasks, to, write_cache=not dry_run)
    if (data or add_extras) and len(tasks) > 1:
        raise UsageError("answers re-answer one task: name a single task to give them to")
    answers = reanswer(tasks[0], data or {}, add_extras) if data or add_extras else {}
    # answers giving code linters reject stop here, before copier runs
    checked = {task.name: _check_render(task, answers, target, write_cache=not dry_run) for task in tasks}
    check_clean(root)
    if dry_run:
        with _scratch_clone(root) as copy:
            return _update_all(copy, tasks, target, answers, checked, preview=True)
    return _update_all(root, tasks, target, answers, checked)


def _update_all(
    root: Path, tasks: Sequence[Task], target: str, data: dict, checked: dict[str, Checked], preview: bool = False
) -> list[Updated]:
    results = []
    # SIGTERM stops an update as Ctrl-C does: through the restore below, never halfway through copier's writes.
    with signals_interrupt(), _workspace(root, len(tasks)) as (where, snapshot):
        for index, task in enumerate(tasks):
            if index:
                snapshot()
            result = _update_one(where, task, target, data, checked.get(task.name), write_cache=not preview)
            if preview:
                result.preview = _changes(where, result.changed, result.conflicts)
            results.append(result)
    return results


def update_task(dest: Path | None, name: str, *, to: str | None = None, data: dict | None = None, **kwargs) -> Updated:
    return update_tasks(dest, [name], to=to, data=data, **kwargs)[0]


@contextmanager
def _scratch_clone(root: Path) -> Iterator[Path]:
    """A throw-away clone of the repository's HEAD (sharing its objects, writing nothing into it); its ``root``."""
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    head = git(root, "rev-parse", "HEAD").strip()
    with tempfile.TemporaryDirectory(prefix="flash-new-preview-") as scratch:
        clone = Path(scratch) / "repository"
        subprocess.run(
            ["git", "clone", "-q", "--shared", "--no-checkout", str(top), str(clone)], check=True, capture_output=True
        )
        git(clone, "checkout", "-q", "--detach", head)
        yield clone / root.relative_to(top)


def _head_bytes(root: Path, path: str) -> bytes | None:
    """The bytes of ``path`` at HEAD (``None``: not there)."""
    result = subprocess.run(["git", "-C", str(root), "show", f"HEAD:./{path}"], capture_output=True)
    return result.stdout if result.returncode == 0 else None


def _changes(root: Path, changed: Sequence[str], conflicts: Sequence[str]) -> list[Change]:
    """Each changed file as a plan's change: its bytes at HEAD and now."""
    found = []
    for path in changed:
        before = _head_bytes(root, path)
        full = root / path
        after = full.read_bytes() if full.is_file() else None
        if path in conflicts:
            action = "conflict"
        else:
            action = "create" if before is None else "delete" if after is None else "modify"
        found.append(Change(path, action, before, after))
    return found


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
    scratch = None
    try:
        with signals_deferred():  # the folder is made and named to the removal below, or not made
            scratch = Path(tempfile.mkdtemp(prefix="flash-new-update-"))
        tree = scratch / "tree"
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
            if scratch is not None:
                git(root, "worktree", "remove", "--force", str(scratch / "tree"), check=False)
                shutil.rmtree(scratch, ignore_errors=True)
            git(root, "worktree", "prune", check=False)


def _commit_all(tree: Path) -> None:
    """Commit everything in the temporary worktree ``tree``, on its own detached HEAD."""
    git(tree, "add", "-A")
    git(tree, *_NO_HOOKS, "commit", "-q", "--no-verify", "--allow-empty", "-m", "flash-new", env=_SNAPSHOT_ENV)


def _run_copier(root: Path, task_name: str, target: str, data: dict, *, commit: str, write_cache: bool = True) -> None:
    """Run ``copier update`` on the task's answers file from ``commit`` to ``target``, every version taken from
    this flash-new's own bundle, once the answers file, as copier is about to read it, names flash-new's template
    (:mod:`scaffold.trust`).

    The project's copy of the history could have been changed by anyone with a pull request, so copier never
    reads it here (:func:`scaffold.copier_internals.update_from`). Copier then records the packaged bundle's
    path as ``_src_path``, and the project's spelling is put back at once.
    """
    from copier.errors import InvalidConfigFileError, UserMessageError

    from scaffold.copier_internals import compile_once, temporary_folder, update_from

    answers_file = state.answers_path(task_name)
    trust.check_source(answers_file, state.load_answers(root, task_name), template.available_versions())
    # copier prints some errors itself before raising them, even when quiet: the message below says it in one line
    with (
        warnings.catch_warnings(),
        compile_once(write_cache=write_cache),
        temporary_folder(),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        warnings.simplefilter("ignore")  # copier warns of its missing settings file
        try:
            update_from(str(template.PACKAGED_BUNDLE), commit, root, answers_file, target, data)
        except (UserMessageError, ValueError) as error:
            if isinstance(error, InvalidConfigFileError):
                message = f"the template's copier.yml at {target} is not valid"
            else:
                message = (str(error).strip().splitlines() or [type(error).__name__])[-1]
            raise UsageError(
                f"copier could not update {answers_file} to {target} ({message}): nothing was changed; "
                "choose another version with --to, or fix the template"
            ) from error
    # Copier recorded the packaged bundle as the source: the answers file names the project's copy again, as
    # flash-new writes it, before anything reads it.
    written = root / answers_file
    written.write_bytes(state.with_template_source(written.read_bytes(), template.SRC_PATH, answers_file))


def _plan_source(root: Path, task_name: str, plan: Plan) -> None:
    """Plan the answers file to name the project's copy of the template, and that copy to be this flash-new's."""
    path = state.answers_path(task_name)
    answers = plan.current(path)
    plan.add(path, state.with_template_source(answers, template.SRC_PATH, path), generated=False)
    plan.add(template.SRC_PATH, template.project_bundle(root), generated=False)


def _update_one(
    root: Path, task: Task, target: str, data: dict, checked: Checked | None = None, write_cache: bool = True
) -> Updated:
    """Update one task with copier, then plan its registrations, record and template source, and apply them.

    The record is made from a render of copier's answers at the version copier reached: ``checked``, the render
    made of the same answers at that version before copier ran, or else a new one.
    """
    from scaffold.render import render

    host = detect(root, task.answers.get("package"))
    recorded = task.record.template_version if task.record else None
    if task.version == target and recorded == target and not data:
        return _refresh(host, task)
    answers_file = state.answers_path(task.name)
    edited = [path for path in edited_files(host, task) if host.path(path).is_file()]
    _run_copier(root, task.name, target, data, commit=task.version, write_cache=write_cache)
    answers = state.load_answers(root, task.name)
    version = str(answers.get("_commit", target))
    changed = changed_paths(root)
    conflicts = _conflicts(root, changed)
    own = {k: v for k, v in answers.items() if not k.startswith("_")}
    if checked is not None and checked.answers == own and checked.rendered.version == version:
        rendered = checked.rendered
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # copier warns of its missing settings file
            rendered = render(own, vcs_ref=version, write_cache=write_cache)
    plan = Plan(root)
    records, reregistered = _reregister(host, task, rendered.context, plan)
    generated = {path: text for path, text in rendered.files.items() if path != answers_file}
    record = new_record(version, generated, rendered.context, records)
    plan.add(state.record_path(task.name), record.to_bytes(), generated=False)
    _plan_source(root, task.name, plan)
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
    """A task already at the target version: only its missing registrations are added again (and its template
    source is the project's copy of this flash-new's bundle)."""
    plan = Plan(host.root)
    records, reregistered = _reregister(host, task, task.record.context, plan)  # a context checked by _updatable
    if reregistered:
        record = replace(task.record, registrations=records)
        plan.add(state.record_path(task.name), record.to_bytes(), generated=False)
    _plan_source(host.root, task.name, plan)
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
    """Plan the registrations the task ``context`` describes needs; return their records and the files edited.

    A registration of the task's record that is still there keeps its record (whose flags say what ``remove`` must
    undo) and its file is left alone. One the new answers no longer make is made into its successor where it stands
    (a renamed class: the same line, section or import, reworded) or else undone; a missing one is applied.
    """
    others = list(register.other_records(host, task.name))
    wanted = registrations.planned(host, context, plan)
    wanted_keys = {registration.identity() for registration in wanted}
    old = {record.identity(): record for record in task.registrations}
    successors: dict[int, Registration] = {}
    for record in reversed([r for r in task.registrations if r.identity() not in wanted_keys]):
        text = read(plan, record.file)
        if text is None:
            continue
        successor = next(
            (
                w
                for w in wanted
                if type(w) is type(record) and w.file == record.file and w.identity() not in old
                and id(w) not in successors
            ),
            None,
        )  # fmt: skip
        revised = record.revise(text, successor) if successor is not None and record.present(text) else None
        if revised is not None:
            write(plan, record.file, revised)
            successors[id(successor)] = replace(successor, inserted=record.inserted, created=record.created)
        else:
            write(plan, record.file, record.undo(text, others))
    records = []
    for registration in wanted:
        if id(registration) in successors:
            records.append(successors[id(registration)])
            continue
        text = read(plan, registration.file)
        key = registration.identity()
        if key in old and text is not None and old[key].present(text):
            records.append(old[key])
        else:
            records.append(registration.apply(plan).inherit(others))
    edited = sorted(change.path for change in plan.changes if change.action in WRITES)
    return records, edited
