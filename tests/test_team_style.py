"""A team's own project: the task's package and example follow the project's settings, and update cleanly.

Three real projects: one with no settings at all (ruff's defaults: Python 3.11, 88 columns, its default
rules), one with ``requires-python >= 3.10``, ruff at 88 columns and rules ``E, F, W, I, UP, B``, and one that
formats with black at 100 columns. Each gets the pairwise covering set of kinds, inputs, extras and steps
(rendered fast, as ``flash-new`` renders them for that project) and two tasks made by the real command, with
the shared ``__init__.py`` it edits; the installed ruff (and black where the project uses it) then finds
nothing and reformats nothing. Then the tasks update to a newer template version without a conflict.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scaffold import conventions
from scaffold.names import TaskOptions, check_generated
from scaffold.tasks import create_task
from tests.combos import FastRenderer, covering_set
from tests.conftest import flash_new, git_commit_all, make_package
from tests.template_versions import next_version, own_home, vnext_bundle, vnext_release

__all__ = ["own_home", "vnext_bundle", "vnext_release"]  # fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

STRICT = """[project]
name = "team-tasks"
requires-python = ">=3.10"

[tool.ruff]
line-length = 88

[tool.ruff.lint]
select = ["E", "F", "W", "I", "UP", "B"]
"""
BLACK = """[project]
name = "team-tasks"

[tool.black]
line-length = 100
"""
# Each project's settings file, and the conventions flash-new reads from it.
HOSTS = {
    "no-settings": (None, conventions.Conventions("3.11", 88)),
    "py310-ruff-88": (STRICT, conventions.Conventions("3.10", 88)),
    "black-100": (BLACK, conventions.Conventions("3.11", 88)),
}
# The checked folders: the package (with the shared __init__ flash-new edits), the tests and the examples.
CHECKED = ("src", "tests", "examples")
LONGEST_CLASS = "ThirtyTwoCharacterDataModuleName"


def team_project(root: Path, settings: str | None) -> Path:
    make_package(root)
    if settings is not None:
        (root / "pyproject.toml").write_text(settings)
    return root


def tool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def assert_clean(root: Path) -> None:
    """The project's own tools, run as the team runs them, find nothing and change nothing."""
    paths = [p for p in CHECKED if (root / p).exists()]
    lint = tool("ruff", "check", "--no-cache", "--output-format", "concise", *paths, cwd=root)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    uses_black = "[tool.black]" in ((root / "pyproject.toml").read_text() if (root / "pyproject.toml").exists() else "")
    if uses_black:
        formatted = tool("black", "--check", "--diff", "-q", *paths, cwd=root)
    else:
        formatted = tool("ruff", "format", "--no-cache", "--check", "--diff", *paths, cwd=root)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


@pytest.mark.parametrize("host", HOSTS)
def test_conventions_are_read_from_the_project(tmp_path, host):
    settings, expected = HOSTS[host]
    assert conventions.detect(team_project(tmp_path / "project", settings)) == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": '[project]\nrequires-python = ">=3.8"\n'}, ("3.8", 88)),
        ({"pyproject.toml": '[tool.ruff]\ntarget-version = "py39"\nline-length = 100\n'}, ("3.9", 100)),
        ({"ruff.toml": "line-length = 79\n", "pyproject.toml": "[tool.ruff]\nline-length = 120\n"}, ("3.11", 79)),
        ({".ruff.toml": 'target-version = "py312"\n', "ruff.toml": 'target-version = "py38"\n'}, ("3.12", 88)),
        ({"pyproject.toml": '[tool.black]\nline-length = 79\ntarget-version = ["py39", "py310"]\n'}, ("3.9", 79)),
    ],
)
def test_ruff_files_requires_python_and_black_in_ruffs_order(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert conventions.detect(tmp_path) == conventions.Conventions(*expected)


@pytest.mark.parametrize("host", HOSTS)
def test_the_covering_set_is_clean_under_the_projects_settings(tmp_path, host):
    settings, _ = HOSTS[host]
    root = team_project(tmp_path / "project", settings)
    found = conventions.detect(root).answers()
    with FastRenderer() as renderer:
        for number, combo in enumerate(covering_set()):
            names = {"data_class": LONGEST_CLASS} if number == 0 else {}
            options = combo.options(f"t{number}_{combo.kind}", **names).validate()
            answers = {**options.answers(), **found, "package": "team_tasks", "package_dir": "src/team_tasks"}
            context, _ = renderer.context(answers)
            files = renderer.render(answers)
            check_generated(files, context)
            for path, data in files.items():
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_bytes(data)
            (root / f"src/team_tasks/{options.data_type}/__init__.py").write_text('"""Tasks."""\n')
            (root / f"tests/{options.data_type}/__init__.py").touch()
    assert_clean(root)


@pytest.mark.parametrize("host", HOSTS)
def test_tasks_made_by_the_command_are_clean_and_update_without_conflict(tmp_path, own_home, vnext_release, host):
    settings, expected = HOSTS[host]
    root = team_project(tmp_path / "project", settings)
    git_commit_all(root, "project")
    made = flash_new("task", "sensor_anomaly", "--data-type", "sensors", "--dest", str(root), "--defaults")
    assert made.returncode == 0, made.stderr
    create_task(
        root,
        TaskOptions("sensor_drift", data_type="sensors", kind="regression", model_class="SensorDriftRegressor"),
    )
    answers = yaml.safe_load((root / ".flash-new/sensor_drift.yml").read_text())
    assert (answers["py_min"], answers["line_length"]) == (expected.py_min, expected.line_length)
    assert_clean(root)
    git_commit_all(root, "two tasks")

    updated = vnext_release.run("update", "--all", "--dest", str(root))

    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert yaml.safe_load((root / ".flash-new/sensor_drift.yml").read_text())["_commit"] == f"v{next_version()}"
    texts = [p.read_text() for p in root.rglob("*.py")]
    assert not any("<<<<<<<" in text or ">>>>>>>" in text for text in texts)
    assert_clean(root)
