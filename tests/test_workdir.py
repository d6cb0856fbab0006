"""Any working directory: every command finds the repository as git finds its work tree, by walking up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold import state
from scaffold.errors import UsageError
from scaffold.host import find_root
from tests.conftest import flash_new, git, git_commit_all, make_package, tree_snapshot


@pytest.fixture
def project(tmp_path) -> Path:
    """A team project in git, with its one package under src/ and no task yet."""
    root = make_package(tmp_path / "team-project")
    git_commit_all(root, "the project")
    return root


def _one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


def test_task_from_src_plans_everything_at_the_repository_root(project):
    result = flash_new("task", "sensor", "--defaults", cwd=project / "src")

    assert result.returncode == 0, result.stderr
    assert (project / ".flash-new" / "sensor.yml").is_file()
    assert (project / "tests/sensor/classification/test_model.py").is_file()
    assert (project / "examples/sensor/sensor_classification.py").is_file()
    assert (project / "src/team_tasks/sensor/classification/model.py").is_file()
    assert sorted(p.name for p in (project / "src").iterdir()) == ["team_tasks"]
    # the next steps' paths are the repository's: they say where to run them from
    assert "  cd ..\n" in result.stdout


def test_task_from_a_deep_subdirectory_with_dry_run_and_json(project):
    result = flash_new("task", "sensor", "--dry-run", "--json", cwd=project / "src" / "team_tasks")

    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["root"] == str(project.resolve())
    paths = [change["path"] for change in plan["changes"]]
    assert ".flash-new/sensor.yml" in paths and "tests/sensor/classification/test_model.py" in paths


@pytest.fixture
def with_task(project) -> Path:
    result = flash_new("task", "sensor", "--defaults", "--dest", str(project))
    assert result.returncode == 0, result.stderr
    git_commit_all(project, "add the sensor task")
    return project


def test_check_from_the_package_checks_the_projects_tasks(with_task):
    inside = with_task / "src" / "team_tasks"

    passing = flash_new("check", cwd=inside)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "sensor" in passing.stdout and "no flash-new tasks" not in passing.stdout

    (with_task / "src/team_tasks/sensor/classification/backbones.py").unlink()
    failing = flash_new("check", "--json", cwd=inside / "sensor")
    assert failing.returncode == 1
    report = json.loads(failing.stdout)
    assert report["root"] == str(with_task.resolve())
    assert any("backbones.py: generated file is missing" in p for p in report["tasks"][0]["problems"])


def test_list_from_a_subdirectory(with_task):
    result = flash_new("list", "--json", cwd=with_task / "tests" / "sensor")

    assert result.returncode == 0, result.stderr
    assert [task["name"] for task in json.loads(result.stdout)["tasks"]] == ["sensor"]


def test_update_from_a_subdirectory(with_task):
    result = flash_new("update", "sensor", cwd=with_task / "docs" / "source")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("sensor: already at ")


def test_remove_from_a_subdirectory(with_task):
    result = flash_new("remove", "sensor", cwd=with_task / "src" / "team_tasks")

    assert result.returncode == 0, result.stderr
    assert not (with_task / ".flash-new" / "sensor.yml").exists()
    assert not (with_task / "src/team_tasks/sensor").exists()
    assert "sensor" not in (with_task / "CHANGELOG.md").read_text()


def test_rollback_from_a_subdirectory(with_task):
    changelog = with_task / "CHANGELOG.md"
    original = changelog.read_bytes()
    journal = state.Journal(4242, {"CHANGELOG.md": original, "notes.txt": None}, [])
    (with_task / state.JOURNAL).write_bytes(journal.to_bytes())
    changelog.write_text("half written")
    (with_task / "notes.txt").write_text("new")

    result = flash_new("rollback", cwd=with_task / "src")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "restored 2 file(s)"
    assert changelog.read_bytes() == original
    assert not (with_task / "notes.txt").exists() and not (with_task / state.JOURNAL).exists()


@pytest.mark.parametrize("command", [["check"], ["check", "--json"], ["list"], ["task", "ok", "--defaults"]])
def test_a_folder_in_no_project_is_one_line_and_exit_2(tmp_path, command):
    loose = tmp_path / "loose" / "folder"
    loose.mkdir(parents=True)
    before = tree_snapshot(tmp_path)

    result = flash_new(*command, cwd=loose)

    assert result.returncode == 2, result.stdout
    line = _one_error_line(result)
    assert f"{loose.resolve()} is in no project" in line and "--dest" in line
    assert result.stdout == ""
    assert tree_snapshot(tmp_path) == before


def test_dest_names_the_repository_explicitly(with_task, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = flash_new("list", "--json", "--dest", str(with_task / "src" / "team_tasks"), cwd=elsewhere)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["root"] == str((with_task / "src" / "team_tasks").resolve())
    assert json.loads(result.stdout)["tasks"] == []


# ---- the rule, folder by folder ---------------------------------------------------------------------------------


def test_the_nearest_folder_with_state_wins_over_a_nearer_project_marker(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / ".flash-new").mkdir()
    (tmp_path / "repo" / "plugins" / "extra" / "src").mkdir(parents=True)
    (tmp_path / "repo" / "plugins" / "extra" / "pyproject.toml").write_text("")

    assert find_root(tmp_path / "repo" / "plugins" / "extra" / "src") == (tmp_path / "repo").resolve()


def test_without_state_the_nearest_project_marker_is_the_root(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "ml" / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "repo" / "ml" / "setup.cfg").write_text("")

    assert find_root(tmp_path / "repo" / "ml" / "src" / "pkg") == (tmp_path / "repo" / "ml").resolve()
    assert find_root(tmp_path / "repo") == (tmp_path / "repo").resolve()


def test_the_walk_stops_at_the_top_of_the_git_work_tree(tmp_path):
    """State above a git repository belongs to another project, as a .git above it would for git."""
    (tmp_path / ".flash-new").mkdir()
    inner = tmp_path / "vendored" / "lib"
    inner.mkdir(parents=True)
    git(tmp_path / "vendored", "init", "-q")

    assert find_root(inner) == (tmp_path / "vendored").resolve()


def test_no_marker_anywhere_is_a_usage_error(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    with pytest.raises(UsageError, match="is in no project"):
        find_root(tmp_path / "a" / "b")


# ---- the example leaves the tree clean ----------------------------------------------------------------------------


@pytest.mark.train
def test_running_the_examples_leaves_the_tree_clean_and_update_works(project):
    """The examples' logs, checkpoints and CSV files go to a temporary folder: a team project that ignores only
    ``__pycache__/`` (as every Python project does) stays clean, and ``update`` (which refuses a dirty tree) runs."""
    (project / ".gitignore").write_text("__pycache__/\n")
    for args in (["sensor"], ["meter", "--inputs", "csv"]):
        result = flash_new("task", *args, "--defaults", cwd=project)
        assert result.returncode == 0, result.stderr
    git_commit_all(project, "two tasks")
    before = tree_snapshot(project)

    for example in ("examples/sensor/sensor_classification.py", "examples/meter/meter_classification.py"):
        run = subprocess.run(
            [sys.executable, "-W", "ignore", example],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PYTHONPATH": str(project / "src")},
        )
        assert run.returncode == 0, run.stderr[-3000:]
        assert "val_accuracy" in run.stdout

    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert tree_snapshot(project) == before
    updated = flash_new("update", "--all", cwd=project)
    assert updated.returncode == 0, updated.stderr
    assert "sensor: already at" in updated.stdout and "meter: already at" in updated.stdout
