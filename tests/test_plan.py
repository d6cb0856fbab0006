"""All-or-nothing: a failure at any step of a run leaves the tree byte for byte as it was."""

from __future__ import annotations

import itertools
import shutil
import subprocess

import pytest

from scaffold.errors import ConflictError, UsageError
from scaffold.names import TaskOptions
from scaffold.plan import rollback
from scaffold.state import JOURNAL
from scaffold.tasks import create_task, plan_remove, plan_task, remove_task
from tests.conftest import make_flash_checkout, make_package, tree_snapshot

FAILURES = [RuntimeError("injected"), KeyboardInterrupt(), OSError(28, "No space left on device")]


class Inject:
    """Raise ``error`` just before write number ``at`` of a plan."""

    def __init__(self, at: int, error: BaseException):
        self.at, self.error, self.count = at, error, 0

    def __call__(self, change) -> None:
        if self.count == self.at:
            raise self.error
        self.count += 1


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    return make_flash_checkout(tmp_path_factory.mktemp("plan") / "flash")


def _options() -> TaskOptions:
    return TaskOptions("sensor_clf", data_type="sensor", extras=["visualization", "cli"])


def test_a_failure_at_every_step_of_task_leaves_the_tree_unchanged(checkout):
    plan, _ = plan_task(checkout, _options())
    steps = len(plan.writes)
    assert steps >= 15  # the generated files and every shared file of a Flash checkout
    before = tree_snapshot(checkout)
    for at, error in zip(range(steps), itertools.cycle(FAILURES)):  # a failed run leaves its plan still valid
        with pytest.raises(type(error)):
            plan.apply(before_write=Inject(at, error))
        assert tree_snapshot(checkout) == before, f"step {at}: {plan.writes[at].path}"


def test_a_failure_at_every_step_of_remove_leaves_the_tree_unchanged(tmp_path):
    root = make_flash_checkout(tmp_path / "flash")
    create_task(root, _options())
    create_task(root, TaskOptions("sensor_reg", data_type="sensor", kind="regression"))
    before = tree_snapshot(root)
    plan = plan_remove(root, "sensor_clf")
    steps = len(plan.writes)
    for at, error in zip(range(steps), itertools.cycle(FAILURES)):
        with pytest.raises(type(error)):
            plan.apply(before_write=Inject(at, error))
        assert tree_snapshot(root) == before, f"step {at}: {plan.writes[at].path}"


def test_a_killed_run_is_noticed_and_rolled_back(checkout):
    """A run that dies without cleaning up (SIGKILL) leaves its journal; the next run refuses; rollback restores."""
    before = tree_snapshot(checkout)
    plan, _ = plan_task(checkout, _options())

    class Killed(BaseException):
        pass

    import scaffold.plan as plan_module

    original = plan_module.rollback
    plan_module.rollback = lambda root: []  # as if the process died before it could roll back
    try:
        with pytest.raises(Killed):
            plan.apply(before_write=Inject(5, Killed()))
    finally:
        plan_module.rollback = original
    assert (checkout / JOURNAL).is_file()
    assert tree_snapshot(checkout) != before

    with pytest.raises(UsageError, match="run `flash-new rollback`"):
        plan_task(checkout, TaskOptions("other"))
    rollback(checkout)
    assert tree_snapshot(checkout) == before


def test_an_existing_file_is_a_conflict_unless_forced(tmp_path):
    root = make_flash_checkout(tmp_path / "flash")
    mine = root / "examples/myclf/myclf_classification.py"
    mine.parent.mkdir(parents=True)
    mine.write_text("print('my own example')\n")
    before = tree_snapshot(root)

    plan = create_task(root, TaskOptions("myclf"), dry_run=True)
    assert [c.path for c in plan.conflicts] == ["examples/myclf/myclf_classification.py"]
    with pytest.raises(ConflictError, match="examples/myclf/myclf_classification.py"):
        create_task(root, TaskOptions("myclf"))
    assert tree_snapshot(root) == before

    create_task(root, TaskOptions("myclf"), force=True)
    assert "MyclfClassifier" in mine.read_text()


def test_identical_files_are_left_alone(tmp_path):
    root = make_flash_checkout(tmp_path / "flash")
    plan, _ = plan_task(root, TaskOptions("myclf"))
    example = next(c for c in plan.changes if c.path.startswith("examples/"))
    (root / example.path).parent.mkdir(parents=True)
    (root / example.path).write_bytes(example.after)
    plan = create_task(root, TaskOptions("myclf"))
    left_alone = next(c for c in plan.changes if c.path == example.path)
    assert left_alone.action == "identical"
    assert left_alone.diff() == ""  # the dry run shows no diff for it
    # Everything else is written, the docs index too, which two edits of the same run change (Flash's toctrees).
    assert {"docs/source/index.rst", "CHANGELOG.md"} <= {c.path for c in plan.writes}
    assert all((root / c.path).read_bytes() == c.after for c in plan.writes)
    index = (root / "docs/source/index.rst").read_text()
    assert "reference/myclf_classification" in index and "api/myclf" in index


def _files(root) -> dict[str, bytes]:
    return {path: data for path, data in tree_snapshot(root).items() if data != b"<dir>"}


@pytest.mark.parametrize("run", ["task", "remove"])
def test_the_dry_run_diffs_applied_with_git_give_exactly_what_the_real_run_writes(tmp_path, run):
    """``--dry-run --json`` lists every change with its diff: ``git apply`` turns a copy of the tree into what the
    run leaves, created and deleted files and a shared file without a final newline included (an empty file, which
    a unified diff cannot show, is created as listed; a binary file is only named, as ``git diff`` names it)."""
    root = make_package(tmp_path / "project")
    (root / "CHANGELOG.md").write_bytes((root / "CHANGELOG.md").read_bytes().rstrip(b"\n"))
    pristine = tree_snapshot(root)
    if run == "remove":
        create_task(root, TaskOptions("first"))
        for package in ("src/team_tasks/first", "src/team_tasks/first/classification"):  # as an import leaves
            (root / package / "__pycache__").mkdir()
            (root / package / "__pycache__/__init__.cpython-311.pyc").write_bytes(b"\0")
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)

    dry = create_task(root, TaskOptions("first"), dry_run=True) if run == "task" else plan_remove(root, "first")
    listed = dry.to_json()
    assert listed["root"] == str(root)
    assert sorted(c["action"] for c in listed["changes"]) == sorted(c.action for c in dry.changes)
    assert {c["action"] for c in listed["changes"]} >= ({"create", "modify"} if run == "task" else {"delete", "modify"})
    binary = set()
    for change in listed["changes"]:  # each diff names its file on both sides, as ``git diff`` does
        path = change["path"]
        if change["diff"] == f"Binary files a/{path} and b/{path} differ\n":  # the template bundle the project holds
            binary.add(path)
        else:
            assert not change["diff"] or change["diff"].startswith(f"--- a/{path}\n+++ b/{path}\n"), path
    (tmp_path / "plan.diff").write_text("".join(c["diff"] for c in listed["changes"] if c["path"] not in binary))
    applied = subprocess.run(["git", "apply", str(tmp_path / "plan.diff")], cwd=copy, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for change in listed["changes"]:
        if change["path"] in binary:
            continue
        if change["action"] == "delete":  # a diff empties a file, the listing says it goes
            assert (copy / change["path"]).read_bytes() == b"", change["path"]
            (copy / change["path"]).unlink()
        elif change["action"] == "create" and not change["diff"]:  # a unified diff cannot show an empty file
            (copy / change["path"]).touch()

    if run == "task":
        create_task(root, TaskOptions("first"))
    else:
        remove_task(root, "first")
        assert tree_snapshot(root) == pristine  # the folders the deletions emptied are gone, caches and all
        assert not (root / "src/team_tasks/first").exists()
    assert {p: d for p, d in _files(copy).items() if p not in binary} == {
        p: d for p, d in _files(root).items() if p not in binary
    }


@pytest.mark.parametrize("force", [False, True], ids=["conflict", "forced"])
def test_a_dry_run_over_a_file_that_is_not_utf8_shows_its_diff(tmp_path, force):
    root = make_package(tmp_path / "project")
    plan, _ = plan_task(root, TaskOptions("first"))
    example = next(c.path for c in plan.changes if c.path.startswith("examples/"))
    (root / example).parent.mkdir(parents=True)
    (root / example).write_bytes(b"# caf\xe9 au lait\n")
    before = tree_snapshot(root)

    dry = create_task(root, TaskOptions("first"), dry_run=True, force=force)
    change = next(c for c in dry.to_json()["changes"] if c["path"] == example)
    assert change["action"] == ("modify" if force else "conflict")
    assert "-# caf\ufffd au lait\n" in change["diff"].splitlines(keepends=True)
    assert tree_snapshot(root) == before


@pytest.mark.parametrize(
    "make",
    [
        lambda root: (root / "examples").write_text(""),  # a file where the example's folder goes
        lambda root: (root / "src/team_tasks/first").write_text(""),  # ... where a folder two levels up goes
        lambda root: (root / "examples/first/first_classification.py").mkdir(parents=True),
    ],
    ids=["file-for-folder", "file-for-outer-folder", "folder-for-file"],
)
def test_a_file_where_a_folder_goes_or_the_reverse_is_refused_and_nothing_written(tmp_path, make):
    root = make_package(tmp_path / "project")
    make(root)
    before = tree_snapshot(root)
    for dry_run in (True, False):  # the dry run says so too, rather than show a plan that cannot be carried out
        with pytest.raises(UsageError) as error:
            create_task(root, TaskOptions("first"), dry_run=dry_run)
        assert error.value.exit_code == 2
        assert tree_snapshot(root) == before


def test_remove_lists_a_file_already_deleted_as_nothing_to_do_and_succeeds(tmp_path):
    root = make_package(tmp_path / "project")
    pristine = tree_snapshot(root)
    plan = create_task(root, TaskOptions("first"))
    gone = next(c.path for c in plan.changes if c.path.startswith("examples/"))
    (root / gone).unlink()

    dry = plan_remove(root, "first")
    assert next(c for c in dry.changes if c.path == gone).action == "identical"
    assert gone not in [c.path for c in dry.writes]
    remove_task(root, "first")
    assert _files(root) == {path: data for path, data in pristine.items() if data != b"<dir>"}


def test_remove_keeps_the_contributors_own_file_in_the_tasks_folder_and_lists_it(tmp_path):
    root = make_package(tmp_path / "project")
    create_task(root, TaskOptions("first"))
    own = "src/team_tasks/first/classification/notes.py"
    notes = b"# the contributor's own notes\n"
    (root / own).write_bytes(notes)

    plan = plan_remove(root, "first")
    kept = [change for change in plan.changes if change.action == "keep"]
    assert [(c.path, c.before, c.after) for c in kept] == [(own, notes, notes)]
    assert own not in [c.path for c in plan.writes] and plan.conflicts == []
    assert kept[0].diff() == "" and plan.current(own) == notes
    assert plan.changes[-1] is kept[0]  # listed after the task's files and registrations
    remove_task(root, "first")
    assert (root / own).read_bytes() == notes
    assert sorted(p.name for p in (root / "src/team_tasks/first/classification").iterdir()) == ["notes.py"]


def test_what_a_plan_cannot_read_or_start_on_is_one_line_saying_what_to_do(tmp_path, monkeypatch):
    from pathlib import Path

    from scaffold.plan import Plan, check_no_journal

    (tmp_path / "folder.py").mkdir()
    (tmp_path / "locked.py").write_text("x = 1\n")
    with pytest.raises(UsageError) as error:
        Plan(tmp_path).current("folder.py")
    assert str(error.value) == "folder.py exists and is not a file: move it away and run again"

    real = Path.read_bytes

    def denied(path):
        if path.name == "locked.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(UsageError) as error:
        Plan(tmp_path).keep("locked.py")
    assert str(error.value) == "locked.py cannot be read (Permission denied): make it readable, then run again"
    monkeypatch.undo()

    (tmp_path / JOURNAL).parent.mkdir()
    (tmp_path / JOURNAL).write_text("{}")
    with pytest.raises(UsageError) as error:
        check_no_journal(tmp_path)
    assert str(error.value) == (
        f"an earlier flash-new run in {tmp_path} was interrupted before it finished ({JOURNAL} is still there): "
        "run `flash-new rollback` to restore the tree, then run again"
    )
