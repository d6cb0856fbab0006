"""`flash-new task`: the generated task is green the moment it exists, in both kinds of host."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.conftest import STACK_WARNINGS, flash_new, installed_flash, run_pytest, tree_snapshot

TRAIN = pytest.mark.train


def _summary(output: str) -> dict[str, int]:
    """The counts of pytest's closing line, e.g. ``{"passed": 20}``."""
    line = output.strip().splitlines()[-1]
    return {
        word: int(count) for count, word in re.findall(r"(\d+) (passed|failed|skipped|xfailed|xpassed|error)", line)
    }


def assert_all_passed(result: subprocess.CompletedProcess, at_least: int) -> dict[str, int]:
    counts = _summary(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert set(counts) == {"passed"}, counts
    assert counts["passed"] >= at_least, counts
    return counts


def assert_green_in_flash(result: subprocess.CompletedProcess, at_least: int, testers: int = 1) -> dict[str, int]:
    """All passed but the two checks Flash's own ``TaskTester`` skips where the topic is installed.

    Those check that a task refuses to start without its dependencies; the generated tests skip nothing.
    """
    counts = _summary(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert set(counts) <= {"passed", "skipped"} and counts["passed"] >= at_least, counts
    skipped = re.findall(r"^SKIPPED \[(\d+)\] (\S+): (.*)$", result.stdout, re.M)
    assert {(path.rsplit(":", 1)[0], reason) for _, path, reason in skipped} == {
        ("tests/helpers/task_tester.py", "Dependencies available.")
    }, skipped
    assert sum(int(n) for n, _, _ in skipped) == counts.get("skipped", 0) == 2 * testers, (skipped, counts)
    return counts


def test_cli_writes_task_and_prints_next_steps(package_host):
    result = flash_new("task", "myclf", "--dest", str(package_host), "--defaults")
    assert result.returncode == 0, result.stderr
    assert "create  src/team_tasks/myclf/classification/model.py" in result.stdout
    assert "PYTHONPATH=src python -m pytest tests/myclf/classification" in result.stdout
    assert "PYTHONPATH=src python examples/myclf/myclf_classification.py" in result.stdout
    for path in (
        "src/team_tasks/myclf/classification/__init__.py",
        "src/team_tasks/myclf/classification/data.py",
        "src/team_tasks/myclf/classification/backbones.py",
        "src/team_tasks/myclf/classification/model.py",
        "tests/myclf/classification/test_data.py",
        "tests/myclf/classification/test_model.py",
        "examples/myclf/myclf_classification.py",
        "docs/source/reference/myclf_classification.rst",
        ".flash-new/myclf.yml",
        ".flash-new/myclf.json",
    ):
        assert (package_host / path).is_file(), path


def test_generated_imports_use_the_host_package(package_host, flash_checkout):
    create_task(package_host, TaskOptions("myclf"))
    create_task(flash_checkout, TaskOptions("myclf"))
    ext = (package_host / "tests/myclf/classification/test_model.py").read_text()
    own = (flash_checkout / "tests/myclf/classification/test_model.py").read_text()
    assert "from team_tasks.myclf.classification import MyclfClassifier, MyclfData" in ext
    assert "from flash.myclf.classification import MyclfClassifier, MyclfData" in own
    assert (flash_checkout / "src/flash/myclf/classification/model.py").is_file()
    assert (flash_checkout / "docs/source/reference/myclf_classification.rst").is_file()


def test_layout_of_an_older_flash_checkout(tmp_path):
    """A checkout with the package at the top (``flash/``, not ``src/flash``) gets the task there."""
    root = tmp_path / "old-flash"
    (root / "flash" / "core").mkdir(parents=True)
    (root / "flash" / "__init__.py").write_text("")
    (root / "flash" / "core" / "model.py").write_text("")
    (root / "flash" / "core" / "utilities").mkdir()
    imports = installed_flash() / "core" / "utilities" / "imports.py"  # where a new data type's topic flag goes
    (root / "flash" / "core" / "utilities" / "imports.py").write_bytes(imports.read_bytes())
    for path in (
        "docs/source/index.rst",
        "CHANGELOG.md",
        "tests/examples/test_scripts.py",
        ".github/workflows/ci-testing.yml",
    ):
        source = Path(__file__).parent / "fixtures" / "flash_checkout" / path
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(source.read_bytes())
    create_task(root, TaskOptions("myclf"))
    assert (root / "flash/myclf/classification/model.py").is_file()
    assert "from flash.myclf.classification import" in (root / "flash/myclf/__init__.py").read_text()


def test_generated_code_is_ruff_clean(package_host):
    create_task(package_host, TaskOptions("myclf"))
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run(
        [*ruff, "check", "--isolated", "--line-length", "120", "--select", "E,F,W", "."],
        cwd=package_host,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout
    formatted = subprocess.run(
        [*ruff, "format", "--isolated", "--line-length", "120", "--check", "."],
        cwd=package_host,
        capture_output=True,
        text=True,
    )
    assert formatted.returncode == 0, formatted.stdout


@TRAIN
def test_born_green_in_an_external_package(package_host):
    create_task(package_host, TaskOptions("myclf"))
    counts = assert_all_passed(run_pytest(package_host, "tests/myclf/classification"), at_least=18)
    assert counts["passed"] >= 18


@TRAIN
def test_born_green_in_a_flash_checkout(flash_checkout):
    create_task(flash_checkout, TaskOptions("myclf", extras=["visualization", "cli"]))
    # the task's tests, and the examples test list's entries of the new example (one pytest run: torch loads once)
    result = run_pytest(flash_checkout, "tests/myclf/classification", "tests/examples/test_scripts.py", "-k", "myclf")
    assert_green_in_flash(result, at_least=19)
    for check in ("forward", "jit_trace", "fit", "val", "test", "cli"):  # Flash's TaskTester ran its checks
        assert f"PASSED tests/myclf/classification/test_model.py::TestMyclfClassifier::test_{check}" in result.stdout
    passed = [line.split(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("PASSED ")]
    assert [test for test in passed if test.startswith("tests/examples/")] == [
        "tests/examples/test_scripts.py::test_example[myclf-myclf_classification.py]"
    ], passed
    assert all(test.startswith(("tests/myclf/classification/", "tests/examples/")) for test in passed), passed


@TRAIN
def test_example_trains_and_reports_accuracy(package_host):
    """The example trains well, and raises no warning of its own (every warning an error but the stack's)."""
    create_task(package_host, TaskOptions("myclf"))
    generated = tree_snapshot(package_host)
    warnings = [flag for spec in STACK_WARNINGS for flag in ("-W", spec)]  # the stack's own, listed in README
    result = subprocess.run(
        [sys.executable, "-W", "error", *warnings, "examples/myclf/myclf_classification.py"],
        cwd=package_host,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "PYTHONPATH": str(package_host / "src")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    accuracy = float(re.search(r"^val_accuracy: ([0-9.]+)$", result.stdout, re.M).group(1))
    assert accuracy > 0.6
    # its logs and checkpoint went to a temporary folder: the tree is as generated
    assert not (package_host / "lightning_logs").exists()
    assert tree_snapshot(package_host) == generated


@TRAIN
def test_trains_end_to_end_on_iris(package_host, monkeypatch, tmp_path):
    """Imported and trained in this process, the task learns iris well above chance (1/3) on held-out data."""
    import flash
    import numpy as np
    import torch
    from sklearn import datasets

    create_task(package_host, TaskOptions("myclf"))
    monkeypatch.syspath_prepend(str(package_host / "src"))
    for name in [m for m in sys.modules if m.startswith("team_tasks")]:
        del sys.modules[name]
    task = importlib.import_module("team_tasks.myclf.classification")

    features, targets = datasets.load_iris(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(features))
    train, held_out = order[:120], order[120:]
    torch.manual_seed(0)
    datamodule = task.MyclfData.from_numpy(
        train_data=features[train], train_targets=targets[train], predict_data=features[held_out], batch_size=4
    )
    model = task.MyclfClassifier(num_features=datamodule.num_features, num_classes=3, learning_rate=0.01)
    trainer = flash.Trainer(max_epochs=10, default_root_dir=tmp_path, enable_progress_bar=False, logger=False)
    trainer.fit(model, datamodule=datamodule)
    predictions = [p for batch in trainer.predict(model, datamodule=datamodule, output="classes") for p in batch]
    accuracy = float(np.mean(np.array(predictions) == targets[held_out]))
    assert accuracy > 0.75, accuracy
