"""Every shared file a task registers in, broken every way, under every command: one line or a report, no traceback.

The Flash checkout of the fixtures gets a task in an existing data type with Flash Zero (``tabular``), so that
every registration edits a file the checkout already has. Each of those files is then absent, empty, unreadable
(a syntax error in Python, bytes that are no UTF-8 in reStructuredText and Markdown), without its anchor (the
place an edit goes) or with its anchor twice, and ``task``, ``remove``, ``update`` and ``check`` run on it
through the command line (in this process, through Typer's runner: a subprocess per case would take minutes).

What each command does is decided, and documented in the README:

* exit 2 (``task``, ``remove``, ``update``): one line, ``flash-new: error: <file> ...: <what to do>``, and the
  tree is as it was. A task refuses whatever keeps one of its edits from being made exactly; ``remove`` refuses
  a file it cannot read or whose anchor is there twice (it would not know which to edit), and goes on when the
  edit is gone with its file or anchor (nothing left to undo); ``update`` puts back the registrations that went
  missing, and refuses when it cannot.
* ``check`` writes nothing: exit 1 with the file in its report when a registration is missing or its file
  cannot be read, exit 0 when every registration is still there.
* exit 0 elsewhere: ``task`` creates a missing API page or package ``__init__.py`` (as for a new data type) and
  fills an empty one, and ``update`` puts their registrations back; afterwards ``check`` passes.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold import state
from scaffold.cli import app
from tests.conftest import git_commit_all, make_flash_checkout, tree_snapshot

TASK = ["task", "anomaly", "--data-type", "tabular", "--task-type", "anomaly", "--cli", "--defaults"]
COMMANDS = {"task": TASK, "remove": ["remove", "anomaly"], "update": ["update", "anomaly"], "check": ["check"]}

# The shared files, and the anchors of each: the text from the first marker to the end of the second.
FILES = {
    "docs/source/index.rst": {"API toctree": (".. toctree::\n   :maxdepth: 1\n   :caption: API Reference\n", "\n\n")},
    "docs/source/api/tabular.rst": {},
    "CHANGELOG.md": {"unreleased heading": ("## [UnReleased]", "\n")},
    "tests/examples/test_scripts.py": {
        "flags import": ("from flash.core.utilities.imports import (", ")\n"),
        "test_example cases": ("@pytest.mark.parametrize(", "\n)\n"),
    },
    "src/flash/__main__.py": {"tasks list": ("tasks = [", "\n]\n")},
    "src/flash/tabular/__init__.py": {},
}

# Exit codes of (task, remove, update, check) for each file and mutation (see the module's docstring).
REFUSED_UNLESS_GONE = (2, 0, 2, 1)  # the edit cannot be made; remove has nothing left to undo
UNREADABLE = (2, 2, 2, 1)
REPEATED = (2, 2, 0, 0)  # the registration is still there: update and check have nothing to do
CREATED = (0, 0, 0, 1)  # an API page or __init__.py is (re)made as for a new data type
EXPECTED = {
    ("docs/source/index.rst", "absent"): REFUSED_UNLESS_GONE,
    ("docs/source/index.rst", "empty"): REFUSED_UNLESS_GONE,
    ("docs/source/index.rst", "unreadable"): UNREADABLE,
    ("docs/source/index.rst", "without API toctree"): REFUSED_UNLESS_GONE,
    # Flash lists api/tabular before the task: remove has nothing to undo in the API toctree.
    ("docs/source/index.rst", "with API toctree twice"): (2, 0, 0, 0),
    ("docs/source/api/tabular.rst", "absent"): CREATED,
    ("docs/source/api/tabular.rst", "empty"): CREATED,
    ("docs/source/api/tabular.rst", "unreadable"): UNREADABLE,
    ("CHANGELOG.md", "absent"): REFUSED_UNLESS_GONE,
    ("CHANGELOG.md", "empty"): REFUSED_UNLESS_GONE,
    ("CHANGELOG.md", "unreadable"): UNREADABLE,
    # The task's line outlives the heading: check finds it, remove takes it out, update keeps it.
    ("CHANGELOG.md", "without unreleased heading"): (2, 0, 0, 0),
    ("CHANGELOG.md", "with unreleased heading twice"): (2, 0, 0, 0),
    ("tests/examples/test_scripts.py", "absent"): REFUSED_UNLESS_GONE,
    ("tests/examples/test_scripts.py", "empty"): REFUSED_UNLESS_GONE,
    ("tests/examples/test_scripts.py", "unreadable"): UNREADABLE,
    ("tests/examples/test_scripts.py", "without flags import"): REFUSED_UNLESS_GONE,
    # tabular's topic flag was imported before the task: remove has nothing to take out of the import
    ("tests/examples/test_scripts.py", "with flags import twice"): (2, 0, 0, 0),
    ("tests/examples/test_scripts.py", "without test_example cases"): REFUSED_UNLESS_GONE,
    ("tests/examples/test_scripts.py", "with test_example cases twice"): REPEATED,
    ("src/flash/__main__.py", "absent"): REFUSED_UNLESS_GONE,
    ("src/flash/__main__.py", "empty"): REFUSED_UNLESS_GONE,
    ("src/flash/__main__.py", "unreadable"): UNREADABLE,
    ("src/flash/__main__.py", "without tasks list"): REFUSED_UNLESS_GONE,
    ("src/flash/__main__.py", "with tasks list twice"): REPEATED,
    ("src/flash/tabular/__init__.py", "absent"): CREATED,
    ("src/flash/tabular/__init__.py", "empty"): CREATED,
    ("src/flash/tabular/__init__.py", "unreadable"): UNREADABLE,
}


def mutations(path: str) -> list[str]:
    anchors = FILES[path]
    return ["absent", "empty", "unreadable", *(f"without {a}" for a in anchors), *(f"with {a} twice" for a in anchors)]


CASES = [(path, mutation, command) for path in FILES for mutation in mutations(path) for command in COMMANDS]


def mutate(root: Path, path: str, mutation: str) -> None:
    """Break ``path`` under ``root`` as ``mutation`` says (a new file: the tree may share the old one's inode)."""
    target = root / path
    data = target.read_bytes()
    target.unlink()
    if mutation == "absent":
        return
    if mutation == "empty":
        data = b""
    elif mutation == "unreadable":
        data += b"\ndef broken(:\n" if path.endswith(".py") else b"\n\xff\xfe not UTF-8\n"
    else:
        anchor = mutation.removeprefix("without ").removeprefix("with ").removesuffix(" twice")
        first, last = (marker.encode() for marker in FILES[path][anchor])
        start = data.index(first)
        end = data.index(last, start + len(first)) + len(last)
        data = data[:start] + data[end:] if mutation.startswith("without ") else data[:end] + data[start:]
    target.write_bytes(data)


@pytest.fixture(scope="module")
def bases(tmp_path_factory, home) -> dict[str, Path]:
    """A pristine checkout (for ``task``) and one with the task, committed (for the others)."""
    with pytest.MonkeyPatch.context() as patch:  # the isolation conftest gives each test, for this module's setup
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("COPIER_SETTINGS_PATH", str(home / "copier-settings.yml"))
        patch.delenv("XDG_DATA_HOME", raising=False)
        patch.delenv("XDG_CACHE_HOME", raising=False)
        scratch = tmp_path_factory.mktemp("shared-files")
        pristine = make_flash_checkout(scratch / "pristine")
        git_commit_all(pristine, "checkout")
        with_task = scratch / "with-task"
        shutil.copytree(pristine, with_task, symlinks=True)
        result = CliRunner().invoke(app, [*TASK, "--dest", str(with_task)])
        assert result.exit_code == 0, result.output
        git_commit_all(with_task, "task anomaly")
        return {"task": pristine, "other": with_task}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run(args: list[str], root: Path) -> Run:
    result = CliRunner().invoke(app, [*args, "--dest", str(root)])
    # Anything but a clean exit is an exception that would have reached the user as a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return Run(result.exit_code, result.stdout, result.stderr)


def test_every_case_has_its_expectation():
    assert {(path, mutation) for path, mutation, _ in CASES} == set(EXPECTED)
    print(f"\n{len(CASES)} cases: {len(EXPECTED)} broken files x {len(COMMANDS)} commands")


@pytest.mark.parametrize(("path", "mutation", "command"), CASES, ids=["|".join(case) for case in CASES])
def test_a_broken_shared_file(bases, tmp_path, path, mutation, command):
    root = tmp_path / "repo"
    shutil.copytree(bases["task" if command == "task" else "other"], root, symlinks=True, copy_function=os.link)
    mutate(root, path, mutation)
    git_commit_all(root, f"{path} {mutation}")  # update needs a committed tree; the others do not mind
    before = tree_snapshot(root)
    expected = EXPECTED[path, mutation][list(COMMANDS).index(command)]

    result = run(COMMANDS[command], root)

    assert result.code == expected, (result.code, result.stdout, result.stderr)
    if expected == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"flash-new: error: {path} "), result.stderr
        assert ": " in lines[0].removeprefix(f"flash-new: error: {path} "), "the message says what to do"
        assert tree_snapshot(root) == before
    elif command == "check":
        assert tree_snapshot(root) == before
        if expected == 1:
            assert f"{path} " in result.stdout, result.stdout
            assert result.stderr == "flash-new: error: anomaly needs attention: see the table above\n"
    else:
        assert result.stderr == ""
        if command == "remove":
            assert not (root / state.answers_path("anomaly")).exists()
        else:
            assert run(["check"], root).code == 0
