"""`remove` undoes exactly what `task` did, on hosts that lack each piece a registration creates.

A host may have no "### Added" heading in its unreleased CHANGELOG section, no toctree for the task's data type
(or none at all), no API page for it, no ``tests/`` folder or no ``tests/<dt>/__init__.py``. Registration
creates what is missing; removing the last task that relies on it takes it away again, so every shared file
is given back byte for byte, whichever order the tasks are removed in.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from scaffold.names import TaskOptions
from scaffold.tasks import create_task, remove_task
from tests.conftest import make_flash_checkout, make_package, tree_snapshot

UNRELEASED_WITHOUT_ADDED = (
    "# Changelog\n\n## [Unreleased]\n\n### Changed\n\n- Faster.\n\n## [0.1.0]\n\n### Added\n\n- The project.\n"
)


def _write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)


def _read(root: Path, path: str) -> str:
    return (root / path).read_text()


def _unreleased(text: str) -> str:
    return text.split("## [Unreleased]", 1)[1].split("\n## ", 1)[0]


# Each case: how the host differs from the fixture, then what registering its first task must have created.
PACKAGE_CASES = {
    "changelog section without Added": (
        lambda root: _write(root, "CHANGELOG.md", UNRELEASED_WITHOUT_ADDED),
        lambda root: _unreleased(_read(root, "CHANGELOG.md")).startswith("\n\n### Added\n\n- Added the `"),
    ),
    "empty changelog section before a release": (
        lambda root: _write(
            root, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [0.1.0]\n\n### Added\n\n- X.\n"
        ),
        lambda root: "### Added" in _unreleased(_read(root, "CHANGELOG.md")),
    ),
    "changelog section last and empty": (
        lambda root: _write(root, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n"),
        lambda root: _read(root, "CHANGELOG.md").startswith("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- "),
    ),
    "docs index without a toctree": (
        lambda root: _write(root, "docs/source/index.rst", "Team tasks\n==========\n\nWelcome.\n"),
        lambda root: _read(root, "docs/source/index.rst").startswith(
            "Team tasks\n==========\n\nWelcome.\n\n.. toctree::"
        ),
    ),
    "docs index with another data type's toctree last": (
        lambda root: _write(
            root,
            "docs/source/index.rst",
            "Team\n====\n\n.. toctree::\n   :maxdepth: 1\n   :caption: Audio\n\n   reference/audio_classification\n",
        ),
        lambda root: (
            "reference/audio_classification\n\n.. toctree::\n   :maxdepth: 1\n   :caption: Sensor\n"
            in _read(root, "docs/source/index.rst")
        ),
    ),
    "docs index without a final newline": (
        lambda root: _write(root, "docs/source/index.rst", "Team tasks\n==========\n\nWelcome."),
        lambda root: (
            _read(root, "docs/source/index.rst").startswith("Team tasks\n==========\n\nWelcome.\n\n.. toctree::")
            and not _read(root, "docs/source/index.rst").endswith("\n")
        ),
    ),
    "changelog and package without a final newline": (
        lambda root: (
            _write(root, "CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- The project."),
            _write(root, "src/team_tasks/__init__.py", '"""Our Flash tasks."""'),
        ),
        lambda root: (
            "### Added\n\n- Added the `" in _read(root, "CHANGELOG.md")
            and _read(root, "CHANGELOG.md").endswith("features.\n- The project.")
        ),
    ),
    "tests folder without the data type's package": (
        lambda root: _write(root, "tests/__init__.py", ""),
        lambda root: (root / "tests/sensor/__init__.py").read_bytes() == b"",
    ),
    "no tests folder": (
        lambda root: None,
        lambda root: (root / "tests/sensor/__init__.py").is_file(),
    ),
    "data type package and its tests package already there": (
        lambda root: (
            _write(root, "src/team_tasks/sensor/__init__.py", '"""Sensor tasks."""\n'),
            _write(root, "tests/sensor/__init__.py", "# sensor tests\n"),
        ),
        lambda root: _read(root, "src/team_tasks/sensor/__init__.py").startswith('"""Sensor tasks."""\nfrom '),
    ),
}

TWO_TASKS = [
    TaskOptions("sensor_clf", data_type="sensor"),
    TaskOptions("sensor_reg", data_type="sensor", kind="regression"),
]


def _tasks() -> list[TaskOptions]:
    return [TaskOptions(**{k: (list(v) if isinstance(v, list) else v) for k, v in vars(o).items()}) for o in TWO_TASKS]


@pytest.mark.parametrize("case", PACKAGE_CASES)
def test_remove_gives_back_every_shared_file_of_a_host_lacking_a_piece(tmp_path, case):
    prepare, created = PACKAGE_CASES[case]
    pristine = make_package(tmp_path / "project")
    prepare(pristine)
    before = tree_snapshot(pristine)
    for options in _tasks():
        create_task(pristine, options)
    assert created(pristine), f"{case}: registration did not create what the host lacked"
    for order in itertools.permutations(range(len(TWO_TASKS))):  # each order on a copy of the host with both
        root = Path(shutil.copytree(pristine, tmp_path / f"removed-{''.join(map(str, order))}", symlinks=True))
        for index in order:
            remove_task(root, TWO_TASKS[index].task_name)
            if index != order[-1]:
                assert created(root), f"{case}: removed while another task still relies on it"
        assert tree_snapshot(root) == before, f"{case}, removed in order {order}"


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["first-created-first", "last-created-first"])
def test_remove_in_a_flash_checkout_gives_back_the_changelog_section_toctrees_and_api_page(tmp_path, order):
    """A new data type in Flash: its toctree, API page, API toctree entry and tests package are created."""
    root = make_flash_checkout(tmp_path / "flash")
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text()
    assert "## [UnReleased] - 2023-MM-DD\n\n### Added\n\n-\n\n\n### Changed" in text
    changelog.write_text(
        text.replace("## [UnReleased] - 2023-MM-DD\n\n### Added\n\n-\n\n\n", "## [UnReleased] - 2023-MM-DD\n\n")
    )
    before = tree_snapshot(root)

    for options in _tasks():
        create_task(root, options)
    unreleased = changelog.read_text().split("## [UnReleased]", 1)[1].split("\n## ", 1)[0]
    assert unreleased.startswith(" - 2023-MM-DD\n\n### Added\n\n- Added the `SensorRegRegressor` task")
    assert (root / "docs/source/api/sensor.rst").is_file() and (root / "tests/sensor/__init__.py").is_file()
    assert "   api/sensor\n" in (root / "docs/source/index.rst").read_text()

    remove_task(root, TWO_TASKS[order[0]].task_name)
    assert (root / "docs/source/api/sensor.rst").is_file() and "### Added" in changelog.read_text().split(
        "### Changed"
    )[0]
    remove_task(root, TWO_TASKS[order[1]].task_name)
    assert tree_snapshot(root) == before
