"""Hostile places to run in: no package, a read-only tree, files where folders go, uncommitted changes.

Each refusal is one line, ``flash-new: error: <what>: <what to do>``, exit code 2 (1 for a conflict with the
user's own edits), and leaves the tree byte for byte as it was.

Decided here: ``remove`` works in a tree with uncommitted changes. It deletes only the files the task's
record lists, refuses (exit 1) when one of them was edited unless ``--force``, and undoes its registrations
line by line, so the user's other changes, committed or not, stay. ``update`` refuses a tree with
uncommitted changes (copier merges through git). ``task`` works in a tree with uncommitted changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from tests.conftest import REPO, flash_new, git, git_commit_all, isolation, make_package, tree_snapshot
from tests.template_versions import own_home, vnext_bundle, vnext_release  # noqa: F401  (fixtures)


def assert_refused(result, before: dict, root: Path, *expected: str, code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("flash-new: error: ") and "Traceback" not in result.stderr
    for text in expected:
        assert text in line, line
    assert result.stdout == ""
    assert tree_snapshot(root) == before
    return line


# ---- no Lightning Flash checkout and no package ------------------------------------------------------------------


def _empty(root: Path) -> None:
    root.mkdir()


def _src_without_package(root: Path) -> None:
    (root / "src" / "notes").mkdir(parents=True)
    (root / "src" / "notes" / "README.md").write_text("not a package\n")
    (root / "README.md").write_text("# A project\n")


def _package_outside_src(root: Path) -> None:
    (root / "ours").mkdir(parents=True)
    (root / "ours" / "__init__.py").write_text("")


def _flash_without_core(root: Path) -> None:
    (root / "src" / "flash").mkdir(parents=True)  # a folder named flash, but no flash/core/model.py
    (root / "docs").mkdir()


@pytest.mark.parametrize("layout", [_empty, _src_without_package, _package_outside_src, _flash_without_core])
@pytest.mark.parametrize("command", [["task", "ok", "--defaults"], ["remove", "ok"]])
def test_no_flash_checkout_and_no_package(tmp_path, layout, command):
    root = tmp_path / "project"
    layout(root)
    git(root, "init", "-q")
    before = tree_snapshot(root)
    result = flash_new(*command, "--dest", str(root))
    assert_refused(result, before, root, "neither a Lightning Flash checkout nor a project", "pass --package NAME")


def test_several_packages_and_a_wrong_package(tmp_path):
    root = make_package(tmp_path / "project")
    (root / "src" / "second").mkdir()
    (root / "src" / "second" / "__init__.py").write_text("")
    before = tree_snapshot(root)
    result = flash_new("task", "ok", "--dest", str(root), "--defaults")
    assert_refused(result, before, root, "several packages under src/", "choose one with --package")
    result = flash_new("task", "ok", "--dest", str(root), "--defaults", "--package", "third")
    assert_refused(result, before, root, "--package 'third' has no", "create the package or fix the name")
    assert flash_new("task", "ok", "--dest", str(root), "--defaults", "--package", "second").returncode == 0


def test_a_package_outside_src_works_when_named(tmp_path):
    root = tmp_path / "project"
    _package_outside_src(root)
    result = flash_new("task", "ok", "--dest", str(root), "--defaults", "--package", "ours")
    assert result.returncode == 0, result.stderr
    assert (root / "ours" / "ok" / "classification" / "model.py").is_file()


# ---- a read-only tree ------------------------------------------------------------------------------------------------

_RO_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


@lru_cache(maxsize=1)
def _read_only_method(probe_dir: str) -> str:
    """How this machine can make a folder read-only for a child process, even for root."""
    if os.geteuid() != 0:
        return "chmod"
    probe = Path(probe_dir)
    for method, prefix in (
        ("mount", ["unshare", "--mount"]),
        ("userns", ["unshare", "--user", "--map-root-user", "--mount"]),
    ):
        if shutil.which("unshare"):
            check = subprocess.run(
                [*prefix, "sh", "-c", _RO_MOUNT, "sh", probe_dir, "sh", "-c", '! touch "$0"/x', probe_dir],
                capture_output=True,
            )
            if check.returncode == 0 and not (probe / "x").exists():
                return method
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", probe_dir], capture_output=True).returncode == 0:
        subprocess.run(["chattr", "-i", probe_dir], check=True)
        return "chattr"
    raise AssertionError("cannot make a folder read-only here (no unshare with mounts, no chattr, running as root)")


def run_read_only(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run flash-new with ``root`` read-only for it: EROFS through a read-only bind mount, or EACCES/EPERM."""
    probe = root.parent / "probe"
    probe.mkdir(exist_ok=True)
    method = _read_only_method(str(probe))
    command = [sys.executable, "-m", "scaffold", *args, "--dest", str(root)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    folders = [root, *(p for p in root.rglob("*") if p.is_dir() and ".git" not in p.parts)]
    if method in ("mount", "userns"):
        prefix = ["unshare", "--mount"] if method == "mount" else ["unshare", "--user", "--map-root-user", "--mount"]
        command = [*prefix, "sh", "-c", _RO_MOUNT, "sh", str(root), *command]
        return subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if method == "chmod":
        modes = {p: p.stat().st_mode for p in folders}
        for folder in folders:
            folder.chmod(0o555)
    else:
        subprocess.run(["chattr", "+i", *map(str, folders)], check=True)
    try:
        return subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    finally:
        if method == "chmod":
            for folder, mode in modes.items():
                folder.chmod(mode)
        else:
            subprocess.run(["chattr", "-i", *map(str, folders)], check=True)


def test_a_read_only_tree_is_refused_in_one_line_and_left_alone(tmp_path):
    root = make_package(tmp_path / "project")
    before = tree_snapshot(root)
    result = run_read_only(root, "task", "ok", "--defaults")
    assert_refused(result, before, root, "cannot write", "make the repository writable", "nothing was changed")

    assert flash_new("task", "ok", "--dest", str(root), "--defaults").returncode == 0
    before = tree_snapshot(root)
    result = run_read_only(root, "remove", "ok")
    assert_refused(result, before, root, "cannot write", "make the repository writable")


# ---- a file where a folder goes, a folder where a file goes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda root: (root / "tests").write_text("not a folder\n"), "tests is a file where"),
        (lambda root: (root / "src/team_tasks/ok").write_text("x = 1\n"), "src/team_tasks/ok is a file where"),
        (lambda root: (root / ".flash-new").write_text(""), ".flash-new is a file where"),
        (lambda root: (root / "docs/source/reference").write_text(""), "docs/source/reference is a file where"),
        (lambda root: (root / "examples").write_text(""), "examples is a file where"),
    ],
    ids=["tests", "data-type package", "state folder", "docs reference", "examples"],
)
def test_a_file_where_a_folder_goes(tmp_path, make, expected):
    root = make_package(tmp_path / "project")
    make(root)
    before = tree_snapshot(root)
    result = flash_new("task", "ok", "--dest", str(root), "--defaults")
    assert_refused(result, before, root, expected, "move it away and run again")


def test_a_folder_where_a_file_goes(tmp_path):
    root = make_package(tmp_path / "project")
    (root / "CHANGELOG.md").unlink()
    (root / "CHANGELOG.md").mkdir()
    (root / "examples/ok/ok_classification.py").mkdir(parents=True)
    before = tree_snapshot(root)
    result = flash_new("task", "ok", "--dest", str(root), "--defaults")
    assert_refused(result, before, root, "exists and is not a file", "move it away and run again")


def test_a_data_type_named_after_a_python_module_is_refused(tmp_path):
    root = make_package(tmp_path / "project")
    before = tree_snapshot(root)
    for name in ("signal", "torch", "numpy"):
        result = flash_new("task", name, "--dest", str(root), "--defaults")
        assert_refused(result, before, root, f"'{name}' is the name of a Python module", "choose another data type")
    assert flash_new("task", "sig", "--data-type", "signals", "--dest", str(root), "--defaults").returncode == 0


# ---- uncommitted changes ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed_task_made(tmp_path_factory, home) -> Path:
    """A project with the task ``ok`` made by the command line and committed, made once."""
    with isolation(home):
        root = make_package(tmp_path_factory.mktemp("hostile") / "project")
        assert flash_new("task", "ok", "--dest", str(root), "--defaults").returncode == 0
        git_commit_all(root, "task ok")
    return root


@pytest.fixture
def committed_task(committed_task_made, tmp_path) -> Path:
    """The committed project with ``ok``: a copy of its own for the test."""
    return Path(shutil.copytree(committed_task_made, tmp_path / "project", symlinks=True))


def test_task_works_in_a_tree_with_uncommitted_changes(tmp_path):
    root = make_package(tmp_path / "project")
    git_commit_all(root)
    (root / "notes.txt").write_text("work in progress\n")
    (root / "CHANGELOG.md").write_text((root / "CHANGELOG.md").read_text() + "\n- Uncommitted line.\n")
    result = flash_new("task", "ok", "--dest", str(root), "--defaults")
    assert result.returncode == 0, result.stderr
    assert (root / "notes.txt").read_text() == "work in progress\n"
    assert "- Uncommitted line.\n" in (root / "CHANGELOG.md").read_text()


def test_remove_in_a_tree_with_uncommitted_changes_keeps_them(committed_task):
    root = committed_task
    (root / "notes.txt").write_text("work in progress\n")
    changelog = root / "CHANGELOG.md"
    changelog.write_text(changelog.read_text() + "\n- An uncommitted entry of ours.\n")
    result = flash_new("remove", "ok", "--dest", str(root))
    assert result.returncode == 0, result.stderr
    assert not (root / "src/team_tasks/ok").exists()
    assert (root / "notes.txt").read_text() == "work in progress\n"
    assert changelog.read_text().endswith("\n- An uncommitted entry of ours.\n")
    assert "OkClassifier" not in changelog.read_text()


def test_remove_refuses_uncommitted_edits_of_the_task_itself(committed_task):
    root = committed_task
    model = root / "src/team_tasks/ok/classification/model.py"
    model.write_text(model.read_text() + "\n# my uncommitted edit\n")
    before = tree_snapshot(root)
    result = flash_new("remove", "ok", "--dest", str(root))
    assert_refused(result, before, root, "edited since generation", "pass --force", code=1)
    assert flash_new("remove", "ok", "--dest", str(root), "--force").returncode == 0


@pytest.mark.parametrize("change", ["modified", "untracked", "staged"])
def test_update_refuses_a_tree_with_uncommitted_changes(committed_task, vnext_release, change):  # noqa: F811
    root = committed_task  # the next release has a newer version to update to
    if change == "untracked":
        (root / "scratch.py").write_text("x = 1\n")
    else:
        (root / "CHANGELOG.md").write_text((root / "CHANGELOG.md").read_text() + "\n- Ours.\n")
        if change == "staged":
            git(root, "add", "CHANGELOG.md")
    before, index = tree_snapshot(root), git(root, "status", "--porcelain")
    result = vnext_release.run("update", "ok", "--dest", str(root))
    assert_refused(result, before, root, "uncommitted changes", "commit or stash them")
    assert git(root, "status", "--porcelain") == index
