"""Bad input: one line naming the input and what to do, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import pytest

from tests.conftest import flash_new, make_package, tree_snapshot


def _existing_task(root):
    result = flash_new("task", "existing", "--dest", str(root), "--defaults")
    assert result.returncode == 0, result.stderr


CASES = [
    ("not snake", ["task", "MyTask"], "is not a snake_case identifier"),
    ("dash", ["task", "my-task"], "is not a snake_case identifier"),
    ("leading digit", ["task", "1task"], "is not a snake_case identifier"),
    ("leading underscore", ["task", "_task"], "is not a snake_case identifier"),
    ("double underscore", ["task", "my__task"], "is not a snake_case identifier"),
    ("trailing underscore", ["task", "task_"], "is not a snake_case identifier"),
    ("keyword", ["task", "class"], "is a Python keyword"),
    ("soft keyword", ["task", "match"], "is a Python keyword"),
    ("empty", ["task", ""], "is not a snake_case identifier"),
    ("non-ascii", ["task", "tâche"], "is not a snake_case identifier"),
    ("too long", ["task", "a" * 33], "is longer than 32 characters"),
    ("shadows flash.core", ["task", "core"], "would land in Flash's core package (src/flash/core/, tests/core/)"),
    ("serving", ["task", "ok", "--data-type", "serve"], "would land in Flash's serving code"),
    ("test helpers", ["task", "helpers"], "would land in Flash's test helpers (tests/helpers/), which holds no tasks"),
    ("an extra", ["task", "ok", "--data-type", "all"], "would land in setup.py's extra 'all'"),
    ("data type keyword", ["task", "ok", "--data-type", "import"], "is a Python keyword"),
    ("empty data type", ["task", "ok", "--data-type", ""], "--data-type '' is not a snake_case identifier"),
    ("empty task type", ["task", "ok", "--task-type", ""], "--task-type '' is not a snake_case identifier"),
    ("empty package", ["task", "ok", "--package", ""], "--package '' is not a Python package name"),
    ("package path", ["task", "ok", "--package", "src/team_tasks"], "is not a Python package name"),
    ("task type not snake", ["task", "ok", "--task-type", "Class-ification"], "is not a snake_case identifier"),
    ("unknown kind", ["task", "ok", "--kind", "segmentation"], "is not one of"),
    ("unknown input", ["task", "ok", "--inputs", "parquet"], "is not one of"),
    ("no input", ["task", "ok", "--inputs", ","], "is empty"),
    ("unknown extra", ["task", "ok", "--extras", "serve"], "is not one of"),
    ("bad data class", ["task", "ok", "--data-class", "my_data"], "is not a CamelCase class name"),
    ("bad model class", ["task", "ok", "--model-class", "9Model"], "is not a CamelCase class name"),
    ("same class names", ["task", "ok", "--data-class", "Same", "--model-class", "Same"], "equals --data-class"),
    ("multi-line description", ["task", "ok", "--description", "one\ntwo"], "must be one line"),
    ("blank description", ["task", "ok", "--description", "   "], "must be one line"),
    ("missing destination", ["task", "ok", "--dest", "{root}/nowhere"], "does not exist"),
    ("destination is a file", ["task", "ok", "--dest", "{root}/CHANGELOG.md"], "is not a directory"),
    ("unknown package", ["task", "ok", "--package", "nope"], "has no nope/__init__.py"),
    ("existing task", ["task", "existing"], "already exists"),
    (
        "shadows existing task",
        ["task", "other", "--data-type", "existing", "--task-type", "classification"],
        "would shadow the existing task",
    ),
    ("remove unknown task", ["remove", "ghost"], "is not in"),
]


@pytest.mark.parametrize(("case", "args", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, case, args, expected):
    root = make_package(tmp_path / "project")
    if case in ("existing task", "shadows existing task"):
        _existing_task(root)
    args = [a.replace("{root}", str(root)) for a in args]
    if "--dest" not in args:
        args += ["--dest", str(root)]
    before = tree_snapshot(root)

    result = flash_new(*args, "--defaults") if args[0] == "task" else flash_new(*args)

    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flash-new: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_snapshot(root) == before


def test_no_package_anywhere(tmp_path):
    """A folder that is neither a Flash checkout nor a project with a package says what to pass."""
    result = flash_new("task", "ok", "--dest", str(tmp_path), "--defaults")
    assert result.returncode == 2
    assert "pass --package NAME" in result.stderr
    assert list(tmp_path.iterdir()) == []
