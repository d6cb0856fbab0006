"""Fixtures: isolated homes and git, and the two kinds of host repository a task goes into."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Under `make test` two workers share the 2 cores: torch in each (in-process, and in every process a test starts,
# which inherits the environment) uses one thread instead of one per core, so that neither waits on the other.
# The pytest runs a test starts (a generated task's own suite) load no plugin of this environment: hypothesis's
# alone costs a second per run, and a host's suite does not have them.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The fixtures hold a Flash checkout's own `tests` package: collected, it would shadow this `tests` package.
collect_ignore = ["fixtures"]


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    """One home for the whole run: the template bundle is installed there once."""
    path = tmp_path_factory.mktemp("home")
    (path / ".gitconfig").write_text(
        "[user]\n\tname = Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n"
    )
    return path


@pytest.fixture(scope="session")
def renderer(home):
    """One :class:`tests.combos.FastRenderer` for the run: the sweeps over every combination share its memo.

    ``tests/test_docs.py`` and ``tests/test_combinations.py`` render the same 5952 answer sets; a file rendered
    for one is read back from the memo by the other (keyed on the values of every name the file reads, so it is
    the same bytes a fresh render gives: the fidelity tests compare this renderer with copier byte for byte).
    """
    from tests.combos import FastRenderer

    with isolation(home):  # the test home and copier settings, as copier runs see them
        fast = FastRenderer()
    yield fast
    fast.close()


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    """How ``make test`` spreads the suite over its workers (``pytest -n 2 --dist loadgroup``).

    The tests that use ``renderer`` run on one worker, so that its memo is shared (``xdist_group``). On a worker,
    the tests that train go first: started late, one of them would leave the other worker idle at the end.
    """
    for item in items:
        if "renderer" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("renderer"))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("train") is None)  # stable: the order otherwise kept


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """The temporary home, git identity and copier settings, never the user's."""
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(home / "copier-settings.yml"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)  # flash-new's template cache goes under the home too


@pytest.fixture(autouse=True)
def isolated(home, monkeypatch):
    """Every test sees the same temporary home, git identity and copier settings, never the user's."""
    isolate(monkeypatch, home)


@contextmanager
def isolation(home: Path) -> Iterator[None]:
    """The isolation every test has, for a module- or session-scoped fixture's setup (built before ``isolated``)."""
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, home)
        yield


def installed_flash() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("flash")
    return Path(spec.origin).parent


# The installed lightning-flash 0.8.2 predates the docformatter settings of Flash's last commit (a blank line
# before the closing quotes of a multi-line docstring). Of the package's files a task edits, only imports.py has
# such docstrings: the checkout gets them in the last commit's form, so that the untouched checkout passes Flash's
# hooks as the real repository does. Each edit is a (text, replacement) that must occur exactly once.
LAST_COMMIT_FORM = {
    "core/utilities/imports.py": [
        (
            '        a proxy module object that will be lazily imported when first used\n    """\n',
            '        a proxy module object that will be lazily imported when first used\n\n    """\n',
        ),
        (
            '            module\n    """\n\n    def __init__(self, module_name, callback=None):',
            '            module\n\n    """\n\n    def __init__(self, module_name, callback=None):',
        ),
    ],
}


def make_flash_checkout(root: Path) -> Path:
    """A Lightning Flash checkout: the installed package under ``src/flash`` plus the repository's own files.

    The fixture holds, in Flash's formats, the docs, tests (with ``tests/helpers/task_tester.py``), CHANGELOG,
    ``pyproject.toml`` tool settings, ``.pre-commit-config.yaml``, ``setup.py`` with ``requirements/`` and the CI
    workflow of a Flash checkout.
    """
    shutil.copytree(FIXTURES / "flash_checkout", root, dirs_exist_ok=True)
    package = root / "src" / "flash"
    shutil.copytree(installed_flash(), package, ignore=shutil.ignore_patterns("__pycache__"))
    for path, edits in LAST_COMMIT_FORM.items():
        text = (package / path).read_text()
        for old, new in edits:
            if text.count(old) != 1:
                raise RuntimeError(f"src/flash/{path} of the installed lightning-flash is not 0.8.2's")
            text = text.replace(old, new)
        (package / path).write_text(text)
    return root


def make_package(root: Path, name: str = "team_tasks") -> Path:
    """A team's own project with one package under ``src/``, a docs index and a CHANGELOG."""
    (root / "src" / name).mkdir(parents=True)
    (root / "src" / name / "__init__.py").write_text('"""Our Flash tasks."""\n')
    (root / "docs" / "source").mkdir(parents=True)
    (root / "docs" / "source" / "index.rst").write_text(
        "Team tasks\n==========\n\n.. toctree::\n   :maxdepth: 1\n   :caption: Guides\n\n   guide\n"
    )
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- The project.\n")
    return root


@pytest.fixture
def flash_checkout(tmp_path) -> Path:
    return make_flash_checkout(tmp_path / "lightning-flash")


@pytest.fixture
def package_host(tmp_path) -> Path:
    return make_package(tmp_path / "team-project")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def git_commit_all(root: Path, message: str = "snapshot") -> None:
    if not (root / ".git").exists():
        git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (git internals left out) with its bytes, and every folder."""
    snapshot = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(".git/") or relative == ".git" or "__pycache__" in relative:
            continue
        snapshot[relative] = path.read_bytes() if path.is_file() else b"<dir>"
    return snapshot


def flash_new(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 120):
    """Run the real ``flash-new`` command line in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "scaffold", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def flash_new_in_process(*args: str) -> subprocess.CompletedProcess:
    """The command line in this process (typer's runner): exit code, stdout and stderr as the real one gives them.

    Unlike :func:`flash_new`, the code it runs counts as reached by the test (mutation testing, ``make mutate``,
    credits a test only with what it calls in its own process).
    """
    from typer.testing import CliRunner

    from scaffold.cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


# What the pinned stack warns about by itself, whatever a task's code does (README, "Warnings"), as ``-W`` filters
# (a literal start of the message): the generated tests and examples run with every other warning an error.
STACK_WARNINGS = [
    "ignore:In the future `np.:FutureWarning",  # importing flash: it probes numpy aliases that numpy 1.24 removed
    "ignore:pkg_resources is deprecated:UserWarning",  # importing Lightning and torchmetrics (setuptools)
    "ignore:Deprecated call to `pkg_resources.declare_namespace:DeprecationWarning",  # importing Lightning
    "ignore:`ModuleAvailableCache` is a special case:DeprecationWarning",  # importing Lightning
    "ignore:From v0.10 an `'Binary*'`:DeprecationWarning",  # ClassificationTask's default metrics (torchmetrics)
    "ignore:'pin_memory' argument is set as true:UserWarning",  # Flash's DataModule pins memory, on CPU too (torch)
    "ignore:`torch.jit.:DeprecationWarning",  # TorchScript (Lightning's to_torchscript, torch.jit.save and load)
    "ignore:Starting from v1.9.0, `tensorboardX` has been removed:UserWarning",  # Lightning's default logger
]


def run_pytest(root: Path, *targets: str, extra_path: str = "src", timeout: int = 900):
    """Run pytest on ``targets`` inside ``root`` in a subprocess, with the host's package importable."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / extra_path), str(root)])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", "-W", "ignore", *targets],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
