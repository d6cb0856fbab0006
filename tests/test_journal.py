"""All-or-nothing at the edges: a run that fails right after a write lands, and a run that fails while the
journal itself is being written.

Faults are injected where the operating system is asked to change the tree: a write (``os.replace``) or a
deletion (``os.unlink``) of a planned file goes through and an interruption arrives right after it, or the
first file a run writes fails half-way (a full disk, or the process killed at that moment).
"""

from __future__ import annotations

import itertools
import os
import pathlib
import shutil

import pytest

from scaffold.errors import FlashNewError
from scaffold.names import TaskOptions
from scaffold.tasks import create_task, plan_remove, plan_task
from tests.conftest import flash_new, make_package, tree_snapshot

ERRORS = [KeyboardInterrupt(), OSError(28, "No space left on device"), RuntimeError("injected")]


class AfterWrite:
    """Let the ``at``-th write or deletion of a planned file happen, then fail as if interrupted right after it."""

    def __init__(self, monkeypatch, root: pathlib.Path, paths: list[str], at: int, error: BaseException):
        self.targets = {os.fspath(root / path) for path in paths}
        self.at, self.error, self.seen, self.fired = at, error, 0, False
        replace, unlink = os.replace, os.unlink

        def landed(target) -> None:
            if not self.fired and os.fspath(target) in self.targets:
                if self.seen == self.at:
                    self.fired = True
                    raise self.error
                self.seen += 1

        def patched_replace(src, dst, *args, **kwargs):
            replace(src, dst, *args, **kwargs)
            landed(dst)

        def patched_unlink(path, *args, **kwargs):
            unlink(path, *args, **kwargs)
            landed(path)

        monkeypatch.setattr(os, "replace", patched_replace)
        monkeypatch.setattr(os, "unlink", patched_unlink)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A team project with the task ``first``; ``second`` is planned into it (a new data type of its own)."""
    root = make_package(tmp_path_factory.mktemp("journal") / "project")
    create_task(root, TaskOptions("first"))
    return root


def _fail_after_every_write(monkeypatch, root, plan) -> None:
    before = tree_snapshot(root)
    paths = [change.path for change in plan.writes]
    assert len(paths) >= 10
    for at, error in zip(range(len(paths)), itertools.cycle(ERRORS)):
        with monkeypatch.context() as patch:
            fault = AfterWrite(patch, root, paths, at, error)
            with pytest.raises((type(error), FlashNewError)):
                plan.apply()
        assert fault.fired, f"write {at} ({paths[at]}) never happened"
        assert tree_snapshot(root) == before, f"failed right after write {at} of {len(paths)}: {paths[at]}"


def test_task_failing_right_after_any_write_even_the_last_keeps_no_file(monkeypatch, project):
    plan, _ = plan_task(project, TaskOptions("second"))
    assert {c.action for c in plan.writes} == {"create", "modify"}
    _fail_after_every_write(monkeypatch, project, plan)


def test_remove_failing_right_after_any_write_even_the_last_restores_every_file(monkeypatch, project):
    plan = plan_remove(project, "first")
    assert {c.action for c in plan.writes} == {"delete", "modify"}
    _fail_after_every_write(monkeypatch, project, plan)


# ---- the journal itself ------------------------------------------------------------------------------------


class HalfWrite:
    """The first file a run writes stops half-way; ``snapshot`` copies the tree as a kill would leave it."""

    def __init__(self, monkeypatch, root: pathlib.Path, snapshot: pathlib.Path | None = None):
        self.fired = False
        write_bytes, write_text = pathlib.Path.write_bytes, pathlib.Path.write_text

        def half(path: pathlib.Path, data: bytes) -> None:
            write_bytes(path, data[: len(data) // 2])
            if snapshot is not None:
                shutil.copytree(root, snapshot, symlinks=True)
            raise OSError(28, "No space left on device", os.fspath(path))

        def patched_bytes(path, data):
            if not self.fired and path.resolve().is_relative_to(root):
                self.fired = True
                half(path, bytes(data))
            return write_bytes(path, data)

        def patched_text(path, data, *args, **kwargs):
            if not self.fired and path.resolve().is_relative_to(root):
                self.fired = True
                half(path, data.encode())
            return write_text(path, data, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "write_bytes", patched_bytes)
        monkeypatch.setattr(pathlib.Path, "write_text", patched_text)


@pytest.mark.parametrize("with_task", [False, True], ids=["first-task", "second-task"])
def test_a_full_disk_while_the_journal_is_written_changes_nothing(monkeypatch, tmp_path, with_task):
    root = make_package(tmp_path / "project").resolve()
    if with_task:
        create_task(root, TaskOptions("first"))
    before = tree_snapshot(root)
    plan, _ = plan_task(root, TaskOptions("second"))

    with monkeypatch.context() as patch:
        crash = HalfWrite(patch, root)
        with pytest.raises(FlashNewError) as error:
            plan.apply()
    assert crash.fired
    assert error.value.exit_code == 2
    assert str(error.value) == (  # the file named as the repository names it
        "cannot write .flash-new/._journal.json.flash-new-tmp (No space left on device): make the repository "
        "writable, then run again; nothing was changed"
    )
    assert tree_snapshot(root) == before
    create_task(root, TaskOptions("second"))  # the next run is not blocked by anything left behind
    assert (root / "src/team_tasks/second/classification/model.py").is_file()


@pytest.mark.parametrize("with_task", [False, True], ids=["first-task", "second-task"])
def test_a_run_killed_while_the_journal_is_written_is_rolled_back(monkeypatch, tmp_path, with_task):
    root = make_package(tmp_path / "project").resolve()
    if with_task:
        create_task(root, TaskOptions("first"))
    before = tree_snapshot(root)
    killed = tmp_path / "killed"
    plan, _ = plan_task(root, TaskOptions("second"))
    with monkeypatch.context() as patch:
        crash = HalfWrite(patch, root, snapshot=killed)
        with pytest.raises(FlashNewError):
            plan.apply()
    assert crash.fired and killed.is_dir()

    # What the kill left: no journal that cannot be read. Rollback works and restores the tree.
    result = flash_new("rollback", "--dest", str(killed))
    assert result.returncode == 0, result.stderr
    assert tree_snapshot(killed) == before
    check = flash_new("check", "--dest", str(killed))
    assert check.returncode == 0, check.stdout + check.stderr
    again = flash_new("task", "second", "--defaults", "--dest", str(killed))
    assert again.returncode == 0, again.stderr


# ---- a run killed outright: what it leaves, and rollback -----------------------------------------------------


class Killed(BaseException):
    """A kill: nothing of the run's own clean-up happens after it."""


def _kill_at(monkeypatch, root: pathlib.Path, snapshot: pathlib.Path, when) -> None:
    """Copy the tree to ``snapshot`` as a kill leaves it, the moment ``when(name, path)`` says, then stop the run.

    ``name`` is ``"replace"`` (a staged file about to be renamed over its target) or ``"unlink"``."""
    import scaffold.plan as plan_module

    replace, unlink = os.replace, pathlib.Path.unlink

    def kill() -> None:
        shutil.copytree(root, snapshot, symlinks=True)
        raise Killed

    def patched_replace(src, dst, *args, **kwargs):
        if not snapshot.exists() and when("replace", pathlib.Path(dst)):
            kill()
        return replace(src, dst, *args, **kwargs)

    def patched_unlink(path, *args, **kwargs):
        if not snapshot.exists() and when("unlink", path):
            kill()
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "replace", patched_replace)
    monkeypatch.setattr(pathlib.Path, "unlink", patched_unlink)
    monkeypatch.setattr(plan_module, "_discard", lambda path: False)  # a killed run cleans nothing up


@pytest.mark.parametrize("run", ["task", "remove"])
@pytest.mark.parametrize("moment", ["mid-write", "before-the-journal-goes"])
def test_rollback_restores_what_a_run_killed_at_any_moment_leaves(monkeypatch, tmp_path, run, moment):
    """Killed with a staged file not yet renamed over its target, or after every write and the pruning of the
    folders a removal emptied: rollback gives back the tree, leaving no staged file and no folder behind."""
    from scaffold.plan import rollback

    root = make_package(tmp_path / "project").resolve()
    if run == "remove":
        create_task(root, TaskOptions("first"))
    before = tree_snapshot(root)
    plan = plan_task(root, TaskOptions("first"))[0] if run == "task" else plan_remove(root, "first")
    journal = root / ".flash-new" / "_journal.json"
    written = [change.path for change in plan.writes if change.after is not None]
    middle = root / written[len(written) // 2]
    killed = tmp_path / "killed"

    def when(name: str, path: pathlib.Path) -> bool:
        if moment == "mid-write":
            return name == "replace" and path == middle
        return name == "unlink" and path == journal

    with monkeypatch.context() as patch:
        _kill_at(patch, root, killed, when)
        with pytest.raises(Killed):
            plan.apply()
    assert killed.is_dir() and (killed / ".flash-new/_journal.json").is_file()
    assert tree_snapshot(killed) != before

    rollback(killed)
    assert tree_snapshot(killed) == before


def test_a_shared_file_keeps_its_permissions_when_edited_and_given_back(tmp_path):
    root = make_package(tmp_path / "project")
    (root / "CHANGELOG.md").chmod(0o640)
    (root / "docs/source/index.rst").chmod(0o604)
    create_task(root, TaskOptions("first"))
    assert "first" in (root / "CHANGELOG.md").read_text().lower()
    assert (root / "CHANGELOG.md").stat().st_mode & 0o7777 == 0o640
    assert (root / "docs/source/index.rst").stat().st_mode & 0o7777 == 0o604
    plan_remove(root, "first").apply()
    assert (root / "CHANGELOG.md").stat().st_mode & 0o7777 == 0o640
    assert (root / "docs/source/index.rst").stat().st_mode & 0o7777 == 0o604


def test_sigterm_during_a_run_restores_the_tree_and_the_handlers(project):
    import signal

    before = tree_snapshot(project)
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    plan, _ = plan_task(project, TaskOptions("second"))
    count = iter(range(1000))

    def terminate(change) -> None:
        if next(count) == 3:
            os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(KeyboardInterrupt):
        plan.apply(before_write=terminate)
    assert tree_snapshot(project) == before
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers


def test_a_run_from_a_thread_other_than_the_main_one_writes_its_plan(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    root = make_package(tmp_path / "project")
    plan, _ = plan_task(root, TaskOptions("first"))
    with ThreadPoolExecutor(1) as pool:
        pool.submit(plan.apply).result()
    tree = tree_snapshot(root)
    assert all(tree[change.path] == change.after for change in plan.writes)
    assert not (root / ".flash-new/_journal.json").exists()


def test_a_failed_first_run_leaves_an_empty_state_folder_that_was_there(monkeypatch, tmp_path):
    """The journal's folder is removed on failure only when the run made it."""
    root = make_package(tmp_path / "project").resolve()
    (root / ".flash-new").mkdir()
    before = tree_snapshot(root)
    plan, _ = plan_task(root, TaskOptions("first"))
    with monkeypatch.context() as patch:
        crash = HalfWrite(patch, root)
        with pytest.raises(FlashNewError):
            plan.apply()
    assert crash.fired
    assert tree_snapshot(root) == before
    with pytest.raises(RuntimeError):
        plan.apply(before_write=_fail)
    assert tree_snapshot(root) == before


def _fail(change) -> None:
    raise RuntimeError("injected")


def test_a_signal_while_rollback_restores_the_tree_does_not_stop_it(monkeypatch, tmp_path):
    import signal

    import scaffold.plan as plan_module

    root = make_package(tmp_path / "project").resolve()
    create_task(root, TaskOptions("first"))
    before = tree_snapshot(root)
    plan = plan_remove(root, "first")
    with monkeypatch.context() as patch:
        patch.setattr(plan_module, "rollback", lambda root: [])  # the run dies without rolling back
        with pytest.raises(RuntimeError):
            plan.apply(before_write=lambda change: None if change is not plan.writes[-1] else _fail(change))
    assert (root / ".flash-new/_journal.json").is_file()

    write_atomic, signalled = plan_module._write_atomic, []

    def interrupted(target, data):
        if not signalled:
            signalled.append(target)
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGINT)
        write_atomic(target, data)

    with monkeypatch.context() as patch:
        patch.setattr(plan_module, "_write_atomic", interrupted)
        try:
            plan_module.rollback(root)
        except KeyboardInterrupt:
            pytest.fail("the signal stopped rollback half-way")
    assert signalled
    assert tree_snapshot(root) == before


def test_a_signal_once_every_file_is_written_does_not_stop_the_run_half_way(monkeypatch, tmp_path):
    import signal

    import scaffold.plan as plan_module

    root = make_package(tmp_path / "project").resolve()
    create_task(root, TaskOptions("first"))
    plan = plan_remove(root, "first")
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    prune, signalled = plan_module.Plan._prune, []

    def interrupted(self, deleted):
        if not signalled:  # the first pruning, after the last write, before the journal is removed
            signalled.append(deleted)
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGINT)
        prune(self, deleted)

    with monkeypatch.context() as patch:
        patch.setattr(plan_module.Plan, "_prune", interrupted)
        try:
            plan.apply()
        except KeyboardInterrupt:
            pytest.fail("a signal stopped the run after its last write")
    assert signalled
    assert not (root / ".flash-new/_journal.json").exists()
    tree = tree_snapshot(root)
    assert all(change.path not in tree for change in plan.writes if change.after is None)
    assert not (root / "src/team_tasks/first").exists()  # its folders pruned too
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
