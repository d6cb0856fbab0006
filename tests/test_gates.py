"""Born mergeable: what flash-new writes into a Lightning Flash checkout passes Flash's own pre-commit hooks.

The hooks are Flash's, at Flash's pins, with the checkout's ``pyproject.toml`` settings (``tests/gates.py``). The
untouched fixture checkout passes them, as the real repository does; so does every file that ``flash-new task``
writes or edits, over the pairwise covering set of kinds, inputs and extras, in a new data type and in an
existing one (``tabular``), and every file ``flash-new remove`` edits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, LAST_COMMIT_FORM
from tests.gates import HOOKS, run_gates

# The files of the installed package that registrations edit (the rest of 0.8.2's package is not Flash's last
# commit, and no task touches it).
PACKAGE_FILES_EDITED = ["src/flash/__main__.py", "src/flash/tabular/__init__.py", "src/flash/core/utilities/imports.py"]


def fixture_files() -> list[str]:
    root = FIXTURES / "flash_checkout"
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in str(p)
    )


# ---- the harness ----------------------------------------------------------------------------------------------


def test_the_hooks_are_the_fixture_checkouts_pre_commit_hooks():
    import yaml

    config = yaml.safe_load((FIXTURES / "flash_checkout" / ".pre-commit-config.yaml").read_text())
    pins = {repo["repo"].rsplit("/", 1)[-1]: repo["rev"].lstrip("v") for repo in config["repos"]}
    pinned = dict(
        line.split("==")
        for line in (Path(__file__).parent.parent / "requirements-gates.txt").read_text().split()
        if "==" in line
    )
    assert pins["black"] == pinned["black"] == "23.9.1"
    assert pins["ruff-pre-commit"] == pinned["ruff"] == "0.0.292"
    assert pins["docformatter"] == pinned["docformatter"] == "1.7.5"
    assert pins["pyupgrade"] == pinned["pyupgrade"] == "3.14.0"
    assert pins["pre-commit-hooks"] == pinned["pre-commit-hooks"] == "4.4.0"
    ids = [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]
    ours = [hook.id for hook in HOOKS]
    assert [i for i in ids if i in ours] == ours  # the same order
    assert set(ids) - set(ours) == {"check-case-conflict", "check-added-large-files", "nbstripout"}


def test_each_hook_reports_what_it_would_change_and_leaves_the_files_as_they_were(flash_checkout):
    """Files that break each gate are reported by that gate, then restored byte for byte."""
    bad = {
        "src/flash/bad/imports.py": '"""Unsorted."""\nimport torch\nimport os\n\nfrom flash.core.model import Task\n',
        "src/flash/bad/docstring.py": '"""Summary.\n\nMore text.\n"""\n',
        "src/flash/bad/spaces.py": '"""Spaces."""\nx = 1 \n',
        "src/flash/bad/eof.py": '"""No newline at the end."""\nx = 1',
        "src/flash/bad/old.py": '"""Old style."""\nfrom typing import Set\n\nx: Set[int] = set([1])\n',
        "src/flash/bad/late.py": 'x = 1\n"""A docstring after code."""\n',
        "src/flash/bad/black.py": '"""Black."""\nx = {  "a":1 }\n',
        "docs/source/reference/bad.rst": "Title\n=====  \n",
    }
    for path, text in bad.items():
        (flash_checkout / path).parent.mkdir(parents=True, exist_ok=True)
        (flash_checkout / path).write_text(text)
    report = run_gates(flash_checkout, bad)
    assert report.changed["src/flash/bad/imports.py"] == ["ruff"]
    assert report.changed["src/flash/bad/docstring.py"] == ["docformatter"]
    assert report.changed["src/flash/bad/spaces.py"] == ["trailing-whitespace"]
    assert report.changed["src/flash/bad/eof.py"] == ["end-of-file-fixer"]
    assert "pyupgrade" in report.changed["src/flash/bad/old.py"]
    assert report.changed["src/flash/bad/black.py"] == ["black"]
    assert report.changed["docs/source/reference/bad.rst"] == ["trailing-whitespace"]
    assert any(f.startswith("check-docstring-first") and "late.py" in f for f in report.findings), report
    assert not report.clean
    for path, text in bad.items():
        assert (flash_checkout / path).read_text() == text


def test_flash_is_first_party_inside_the_package_only(flash_checkout):
    """ruff with Flash's settings: ``flash`` is its own block in ``src/flash``, third-party in tests and examples."""
    block = '"""Imports."""\nimport torch\n\nfrom flash.core.model import Task\n\n__all__ = ["Task", "torch"]\n'
    merged = '"""Imports."""\nimport torch\nfrom flash.core.model import Task\n\n__all__ = ["Task", "torch"]\n'
    files = {"src/flash/x/a.py": block, "tests/x/test_a.py": merged, "examples/x/a.py": merged}
    for path, text in files.items():
        (flash_checkout / path).parent.mkdir(parents=True, exist_ok=True)
        (flash_checkout / path).write_text(text)
    (flash_checkout / "src/flash/x/__init__.py").write_text("")  # a subpackage of flash, as a data type is
    assert run_gates(flash_checkout, files).clean
    (flash_checkout / "src/flash/x/a.py").write_text(merged)
    (flash_checkout / "tests/x/test_a.py").write_text(block)
    report = run_gates(flash_checkout, files)
    assert report.changed == {"src/flash/x/a.py": ["ruff"], "tests/x/test_a.py": ["ruff"]}


# ---- the untouched checkout -----------------------------------------------------------------------------------


def test_the_untouched_fixture_checkout_passes_every_hook(flash_checkout):
    files = fixture_files() + PACKAGE_FILES_EDITED
    assert "tests/helpers/task_tester.py" in files and "setup.py" in files
    report = run_gates(flash_checkout, files)
    assert report.clean, str(report)


def test_imports_py_gets_the_last_commits_docstrings_and_needs_them(flash_checkout, tmp_path):
    """Without the two docstring edits, 0.8.2's imports.py fails docformatter: the edits are what make it pass."""
    from tests.conftest import installed_flash

    path = "src/flash/core/utilities/imports.py"
    assert len(LAST_COMMIT_FORM["core/utilities/imports.py"]) == 2
    (flash_checkout / path).write_bytes((installed_flash() / "core/utilities/imports.py").read_bytes())
    assert run_gates(flash_checkout, [path]).changed == {path: ["docformatter"]}


@pytest.mark.parametrize("path", PACKAGE_FILES_EDITED)
def test_the_package_files_a_task_edits_are_there(flash_checkout, path):
    assert (flash_checkout / path).is_file()


# ---- what flash-new writes ------------------------------------------------------------------------------------

FLASH_LAYOUT = {"package": "flash", "package_dir": "src/flash"}


@pytest.fixture(scope="module")
def renderer(home):
    from tests.combos import FastRenderer

    with pytest.MonkeyPatch.context() as patch:  # the bundle is installed in the test home, as copier runs see it
        patch.setenv("HOME", str(home))
        patch.setenv("COPIER_SETTINGS_PATH", str(home / "copier-settings.yml"))
        fast = FastRenderer()
    yield fast
    fast.close()


def _written(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Files added or changed (flash-new's own records under .flash-new/ aside)."""
    return sorted(
        path
        for path, data in after.items()
        if data != b"<dir>" and before.get(path) != data and not path.startswith(".flash-new/")
    )


def test_every_generated_file_of_the_covering_set_passes_flash_hooks(renderer, flash_checkout):
    """The pairwise covering set of kinds, inputs and extras, each in a new data type and in ``tabular``.

    Rendered with the fast path into one checkout (with the data-type packages registration makes, so ruff sees
    ``src/flash/<dt>/<tt>`` as part of ``flash``), then every hook runs once over all the files.
    """
    from tests.combos import covering_set

    files = []
    for index, combo in enumerate(covering_set()):
        for data_type, task_type in ((f"cover{index}", None), ("tabular", f"cover{index}")):
            options = combo.options(f"cover{index}", data_type=data_type, task_type=task_type).validate()
            for path, data in renderer.render({**options.answers(), **FLASH_LAYOUT}).items():
                if path.startswith(".flash-new/"):
                    continue
                target = flash_checkout / path
                assert not target.exists(), path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                files.append(path)
            for package in (f"src/flash/{data_type}", f"tests/{data_type}"):
                if not (flash_checkout / package / "__init__.py").exists():
                    (flash_checkout / package / "__init__.py").write_text("")
    assert len(files) > 20 * len(covering_set())
    report = run_gates(flash_checkout, files)
    assert report.clean, str(report)


def test_every_file_task_and_remove_write_or_edit_passes_flash_hooks(flash_checkout):
    """Real ``flash-new task`` runs (new data types and tabular, with and without the CLI), then ``remove``."""
    from scaffold.names import EXTRAS, INPUTS, TaskOptions
    from scaffold.tasks import create_task, remove_task
    from tests.conftest import tree_snapshot

    original = tree_snapshot(flash_checkout)
    tasks = [
        TaskOptions("sensor_drift", task_type="classification", inputs=list(INPUTS), extras=list(EXTRAS)),
        TaskOptions("sensor_level", data_type="sensor_drift", kind="regression", task_type="regression"),
        TaskOptions("anomaly", kind="task", inputs=["csv"], extras=["cli", "output"]),
        TaskOptions("rows", data_type="tabular", task_type="row_scoring", kind="task", extras=list(EXTRAS)),
        TaskOptions("tab_reg", data_type="tabular", task_type="ranking", kind="regression", inputs=["numpy"]),
    ]
    for options in tasks:
        create_task(flash_checkout, options)
    written = _written(original, tree_snapshot(flash_checkout))
    assert "src/flash/__main__.py" in written and "src/flash/tabular/__init__.py" in written
    assert "tests/examples/test_scripts.py" in written and "CHANGELOG.md" in written
    report = run_gates(flash_checkout, written)
    assert report.clean, str(report)

    for name in ("sensor_drift", "rows"):
        before = tree_snapshot(flash_checkout)
        remove_task(flash_checkout, name)
        after = tree_snapshot(flash_checkout)
        edited = [path for path in _written(before, after)]
        assert "src/flash/__main__.py" in edited
        report = run_gates(flash_checkout, edited)
        assert report.clean, str(report)
