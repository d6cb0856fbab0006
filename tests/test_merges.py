"""Merges are named: ``check`` on a tree a merge left unresolved names the file and says to resolve the merge."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.conftest import flash_new, git, git_commit_all, make_package, tree_snapshot

PACKAGE_INIT = "src/team_tasks/sensor/__init__.py"


@pytest.fixture
def merged(tmp_path) -> Path:
    """Two branches that each add a task of the data type ``sensor``, merged with git: the merge conflicts."""
    root = make_package(tmp_path / "team-project")
    git_commit_all(root, "the project")
    git(root, "checkout", "-q", "-b", "alpha")
    create_task(root, TaskOptions("alpha", data_type="sensor", task_type="classification"))
    git_commit_all(root, "add alpha")
    git(root, "checkout", "-q", "main")
    git(root, "checkout", "-q", "-b", "beta")
    create_task(root, TaskOptions("beta", data_type="sensor", task_type="regression", kind="regression"))
    git_commit_all(root, "add beta")
    git(root, "checkout", "-q", "alpha")
    merge = subprocess.run(["git", "-C", str(root), "merge", "-q", "beta"], capture_output=True, text=True)
    assert merge.returncode == 1, merge.stdout + merge.stderr  # a real conflict, left for the user
    unmerged = set(git(root, "diff", "--name-only", "--diff-filter=U").split())
    assert {"CHANGELOG.md", PACKAGE_INIT} <= unmerged, unmerged
    return root


def _problems(report: dict) -> list[str]:
    return report["problems"] + [problem for task in report["tasks"] for problem in task["problems"]]


def test_check_names_each_conflicted_file_and_says_to_resolve_the_merge(merged):
    before = tree_snapshot(merged)

    result = flash_new("check", "--json", cwd=merged)

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert [task["name"] for task in report["tasks"]] == ["alpha", "beta"]
    problems = _problems(report)
    for path in ("CHANGELOG.md", PACKAGE_INIT):
        named = [p for p in problems if p.startswith(f"{path} has an unresolved merge conflict (conflict markers at")]
        assert named, (path, problems)
        assert all("resolve the merge" in p for p in named)
    # nothing is read out of a conflicted file: no edit is called missing, nothing fails to parse
    assert not [p for p in problems if "does not" in p or "not valid" in p or "cannot" in p], problems
    assert tree_snapshot(merged) == before


def test_the_table_names_the_conflicts_too(merged):
    result = flash_new("check", cwd=merged / "src")

    assert result.returncode == 1
    assert "CHANGELOG.md has an unresolved merge conflict" in result.stdout
    assert f"{PACKAGE_INIT} has an unresolved merge conflict" in result.stdout
    assert result.stderr.strip() == "flash-new: error: alpha, beta need attention: see the table above"


def _resolve(root: Path, path: str) -> None:
    """Keep both sides' lines, as a person resolving a list conflict does."""
    lines = (root / path).read_text().splitlines(keepends=True)
    (root / path).write_text("".join(line for line in lines if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))))


def test_a_file_resolved_but_not_added_is_still_unmerged_and_resolving_all_passes(merged):
    unmerged = git(merged, "diff", "--name-only", "--diff-filter=U").split()
    for path in unmerged:
        _resolve(merged, path)

    pending = flash_new("check", "--json", cwd=merged)
    assert pending.returncode == 1
    problems = _problems(json.loads(pending.stdout))
    assert "CHANGELOG.md is unmerged in git: resolve the merge and git add the file, then run check again" in problems
    assert not [p for p in problems if "conflict markers" in p], problems

    git(merged, "add", *unmerged)
    git(merged, "commit", "-q", "--no-edit")
    resolved = flash_new("check", "--json", cwd=merged)
    assert resolved.returncode == 0, resolved.stdout
    assert json.loads(resolved.stdout)["ok"] is True


def test_a_conflicted_answers_file_or_record_is_named_not_parsed(tmp_path):
    root = make_package(tmp_path / "team-project")
    create_task(root, TaskOptions("sensor"))
    record = root / ".flash-new" / "sensor.json"
    text = record.read_text()
    record.write_text("<<<<<<< HEAD\n" + text + "=======\n" + text + ">>>>>>> other\n")
    answers = root / ".flash-new" / "sensor.yml"
    answered = answers.read_text()
    answers.write_text("<<<<<<< HEAD\n" + answered + "=======\n>>>>>>> other\n")

    for command in (["check"], ["list"]):
        result = flash_new(*command, "--json", "--dest", str(root))
        report = json.loads(result.stdout)
        assert report["tasks"][0]["name"] == "sensor"
        if command == ["check"]:
            assert result.returncode == 1
            problems = report["tasks"][0]["problems"]
            assert problems == [
                ".flash-new/sensor.yml has an unresolved merge conflict (conflict markers at line 1, "
                f"{answered.count(chr(10)) + 3}): resolve the merge in it (keep what both sides added, delete the "
                "markers, git add the file), then run check again",
                ".flash-new/sensor.json has an unresolved merge conflict (conflict markers at line 1, "
                f"{2 * text.count(chr(10)) + 3}): resolve the merge in it (keep what both sides added, delete the "
                "markers, git add the file), then run check again",
            ]
        else:
            assert result.returncode == 0
