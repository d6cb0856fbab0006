"""A contributor makes a generated task their own: its suite stays green, its docs stay true, check lists the to-dos.

The classification task is adapted by following ``docs/first-task.md`` to the letter: its commands run, its edits
are applied as written. A regression task and a plain task get the same kinds of change from this module: a new
backbone in place of one, another default backbone, another default loss and metrics (a function, a metric object,
names), a new constructor hyperparameter, another number of features, a changed input, another data set for the
example. Each kind's generated suite then runs once, every warning an error but those the pinned stack raises
itself (``STACK_WARNINGS``); every backbone of the registry is exercised, the example runs under the same warning
filters, the docs page builds and names nothing the code no longer has, and ``flash-new check`` passes.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.combos import pytest_counts
from tests.conftest import REPO, STACK_WARNINGS, make_package, run_pytest

GUIDE = REPO / "docs" / "first-task.md"
BLOCK = r"```\w*\n(.*?)```"
EDIT = re.compile(
    rf"In\s+`([^`]+)`,\s+replace\n\n({BLOCK}\n\nwith\n\n{BLOCK}(?:\n\nand\n\n{BLOCK}\n\nwith\n\n{BLOCK})*)", re.S
)
PAIR = re.compile(rf"{BLOCK}\n\nwith\n\n{BLOCK}", re.S)
CONSOLE = re.compile(r"```console\n(.*?)```", re.S)
WARNING_FLAGS = ["-W", "error", *(flag for spec in STACK_WARNINGS for flag in ("-W", spec))]


# A project in Lightning Flash's style (ruff at 120 columns, Python 3.8 syntax): the guide's project, and the
# rendering the exact edits of these tests are written against.
FLASH_STYLE = '[tool.ruff]\nline-length = 120\ntarget-version = "py38"\n'


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of a known generated text: a fixture edit that fails loudly if the text moved."""
    text = path.read_text()
    assert text.count(old) == 1, f"{path}: expected exactly one occurrence of {old!r}"
    path.write_text(text.replace(old, new))


def guide_steps(text: str) -> list[tuple]:
    """The guide's steps in order: ``("run", command, shown lines)`` and ``("edit", path, old, new)``."""
    steps = []
    for match in CONSOLE.finditer(text):
        for chunk in re.split(r"^\$ ", match.group(1), flags=re.M)[1:]:
            command, *shown = chunk.rstrip("\n").split("\n")
            steps.append((match.start(), "run", command, shown))
    for match in EDIT.finditer(text):
        for pair in PAIR.finditer(match.group(2)):
            steps.append((match.start() + pair.start(), "edit", match.group(1), pair.group(1), pair.group(2)))
    return [step[1:] for step in sorted(steps, key=lambda step: step[0])]


def _normal(text: str) -> str:
    return " ".join(text.split())


def run(command: str, root: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """A shell command as a contributor types it, with this environment's ``python`` and ``flash-new`` first."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "COLUMNS": "250"}
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, timeout=timeout, env=env)


def build_docs(root: Path) -> dict[str, str]:
    """Build the project's docs with Sphinx (text, nitpicky); no warning; the text of each reference page."""
    source = root / "docs" / "source"
    (source / "conf.py").write_text('project = "team"\nexclude_patterns = ["_build"]\n')
    (source / "guide.rst").write_text("Guide\n=====\n\nHow we work.\n")
    warnings = root / "sphinx-warnings.txt"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "text", "-n", "-q", "-E", "-w", str(warnings), str(source)]
        + [str(root / "_build")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert warnings.read_text() == "", warnings.read_text()[:3000]
    return {path.stem: path.read_text() for path in (root / "_build" / "reference").glob("*.txt")}


def assert_suite_green(result: subprocess.CompletedProcess, folder: str, backbones: set[str], gone: set[str]):
    """All passed; ``test_forward`` ran over exactly the registry's backbones; checkpoints of every argument kind."""
    counts = pytest_counts(result.stdout)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert set(counts) == {"passed"}, counts
    passed = [line.split("::", 1)[1] for line in result.stdout.splitlines() if line.startswith(f"PASSED {folder}/")]
    forwarded = {re.search(r"test_forward\[.*?-([^-\]]+(?:-\d+)*)\]$", t).group(1) for t in passed if "forward[" in t}
    assert forwarded == backbones, (forwarded, backbones)
    assert not gone & forwarded
    kinds = {re.search(r"\[(.+)\]$", t).group(1) for t in passed if t.startswith("test_checkpoint_round_trip[")}
    assert {"loss-module", "loss-function", "named", "metric-object", "optimizer-class", "scheduler-name"} <= kinds
    return passed


def assert_page_true(text: str, says: list[str], stale: list[str]) -> None:
    for word in says:
        assert word in text, f"the page does not show {word!r}"
    for word in stale:
        assert word.lower() not in text.lower(), f"the page still names {word!r}"


@pytest.mark.train
def test_the_first_task_guide_runs_as_written(tmp_path):
    """Every command of the guide in a fresh project, every edit as written; the suite, example, docs and checks."""
    root = make_package(tmp_path / "my-project", "my_tasks")
    (root / "pyproject.toml").write_text(FLASH_STYLE)  # as the guide says
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    steps = guide_steps(GUIDE.read_text())
    assert [step[0] for step in steps].count("edit") >= 12
    suites = []
    for step in steps:
        if step[0] == "edit":
            _, path, old, new = step
            replace_once(root / path, old, new)
            continue
        _, command, shown = step
        if command.startswith("PYTHONPATH=src python "):  # the same command, with every warning an error
            flags = " ".join(shlex.quote(flag) for flag in WARNING_FLAGS)
            extra = " -rA -p no:cacheprovider" if " -m pytest " in command else ""
            command = command.replace("python ", f"python {flags} ", 1) + extra
        result = run(command, root)
        output = _normal(result.stdout + result.stderr)
        assert result.returncode == 0, f"$ {command}\n{result.stdout[-4000:]}{result.stderr[-4000:]}"
        for line in shown:  # what the guide shows is what the command printed
            assert _normal(line) in output, f"$ {command}: the guide shows {line!r}, not in:\n{output[-3000:]}"
        if " -m pytest " in command:
            suites.append(result)

    first, last = suites
    assert_suite_green(first, "tests/wine/classification", {"mlp-128", "mlp-128-256"}, set())
    passed = assert_suite_green(last, "tests/wine/classification", {"mlp-128", "mlp-32"}, {"mlp-128-256"})
    assert pytest_counts(first.stdout) == pytest_counts(last.stdout)  # one backbone for another, same tests
    assert "test_smoke" in {test.split("[")[0] for test in passed}

    page = build_docs(root)["wine_classification"]
    assert_page_true(
        page,
        says=["mlp-32", "MultiMarginLoss", "MulticlassF1Score", "head_dropout", "load_wine", "colour intensity"],
        stale=["iris", "mlp-128-256", "cross-entropy", "cross_entropy", "accuracy", "TODO(flash-new)"],
    )


GENERATED_MLP_128_256 = '''@{registry}(name="mlp-128-256", namespace="{namespace}")
def load_mlp_128_256(num_features, **_):
    """Two hidden layers of 128 and 256 units; returns the module and its output size."""
    return (
        nn.Sequential(
            nn.Linear(num_features, 128),
            nn.ReLU(True),
            nn.BatchNorm1d(128),
            nn.Linear(128, 256),
            nn.ReLU(True),
            nn.BatchNorm1d(256),
        ),
        256,
    )
'''


def _adapt(root: Path, name: str, kind: str, package: str = "team_tasks") -> dict:
    """The everyday changes of a real task, made to the fresh task ``name`` of ``kind`` by exact replacements."""
    task_type = {"regression": "regression", "task": "custom"}[kind]
    task = root / "src" / package / name / task_type
    registry, namespace = f"{name.upper()}_BACKBONES", f"{name}/{task_type}"
    replace_once(
        task / "backbones.py",
        GENERATED_MLP_128_256.format(registry=registry, namespace=namespace),
        f'@{registry}(name="mlp-64", namespace="{namespace}")\ndef load_mlp_64(num_features, **_):\n'
        "    return nn.Sequential(nn.Linear(num_features, 64), nn.ReLU(True), nn.Dropout(0.1)), 64\n",
    )
    model = task / "model.py"
    replace_once(model, '= "mlp-128",\n', '= "mlp-64",\n')
    replace_once(
        model,
        "        learning_rate: Optional[float] = None,\n    ):\n",
        ("        learning_rate: Optional[float] = None,\n        head_dropout: float = 0.1,\n    ):\n"),
    )
    size = "num_targets" if kind == "regression" else "num_classes"
    replace_once(
        model,
        f"        self.head = nn.Linear(out_features, {size})\n",
        f"        self.head = nn.Sequential(nn.Dropout(head_dropout), nn.Linear(out_features, {size}))\n",
    )
    if kind == "regression":  # a function as the loss, a metric object as the metrics
        replace_once(
            model,
            "from torch import Tensor, nn\n",
            ("import torch.nn.functional as F\nimport torchmetrics\nfrom torch import Tensor, nn\n"),
        )
        replace_once(
            model,
            "loss_fn=loss_fn,  # None: RegressionTask's mean squared error (F.mse_loss)\n",
            ("loss_fn=loss_fn or F.smooth_l1_loss,\n"),
        )
        replace_once(
            model,
            "metrics=metrics,  # None: RegressionTask's mean squared error (torchmetrics.MeanSquaredError)\n",
            "metrics=metrics or torchmetrics.MeanAbsoluteError(),\n",
        )
        example = ("bunch = datasets.load_diabetes()\n", "bunch = datasets.load_breast_cancer()\n")
    else:  # a named function as the loss, a metric object as the metrics
        replace_once(
            model, "loss_fn=loss_fn or F.cross_entropy,\n", 'loss_fn=loss_fn or {"hinge": F.multi_margin_loss},\n'
        )
        replace_once(model, "import MulticlassAccuracy\n", "import MulticlassF1Score\n")
        replace_once(
            model,
            'metrics=metrics or {"accuracy": MulticlassAccuracy(num_classes, average="micro")},\n',
            "metrics=metrics or MulticlassF1Score(num_classes),\n",
        )
        example = ("datasets.load_iris(return_X_y=True)\n", "datasets.load_wine(return_X_y=True)\n")
    replace_once(
        task / "data.py",
        "        return to_samples(examples, targets)\n",
        (
            "        examples = np.clip(np.asarray(examples, dtype=np.float32), -1e4, 1e4)\n"
            "        return to_samples(examples, targets)\n"
        ),
    )
    replace_once(root / "tests" / name / task_type / "helpers.py", "NUM_FEATURES = 4\n", "NUM_FEATURES = 6\n")
    script = root / "examples" / name / f"{name}_{task_type}.py"
    replace_once(script, *example)
    return {"folder": f"tests/{name}/{task_type}", "script": script, "page": f"{name}_{task_type}"}


@pytest.mark.train
def test_adapted_regression_and_plain_tasks_stay_green(tmp_path):
    """Both kinds adapted side by side in one project: one run over both suites, both examples beside it."""
    root = make_package(tmp_path / "project")
    (root / "pyproject.toml").write_text(FLASH_STYLE)  # the edits below are written against that rendering
    create_task(root, TaskOptions("score", kind="regression", inputs=["numpy", "sklearn", "csv"]))
    create_task(root, TaskOptions("mark", kind="task", inputs=["numpy", "dataframe", "tensor"]))
    adapted = {"score": _adapt(root, "score", "regression"), "mark": _adapt(root, "mark", "task")}

    def example(name: str) -> subprocess.CompletedProcess:
        script = adapted[name]["script"].relative_to(root)
        flags = " ".join(shlex.quote(flag) for flag in WARNING_FLAGS)
        return run(f"PYTHONPATH=src python {flags} {script}", root, timeout=600)

    with ThreadPoolExecutor(max_workers=2) as pool:
        folders = [adapted[name]["folder"] for name in adapted]
        suite = pool.submit(run_pytest, root, *folders, *WARNING_FLAGS)
        examples = {name: pool.submit(example, name) for name in adapted}
        suite = suite.result()
        examples = {name: future.result() for name, future in examples.items()}

    for name in adapted:
        assert_suite_green(suite, adapted[name]["folder"], {"mlp-128", "mlp-64"}, {"mlp-128-256"})
        result = examples[name]
        assert result.returncode == 0, f"{name}:\n{result.stderr[-4000:]}"
        assert re.search(r"^val_\w+: [0-9.]+$", result.stdout, re.M), result.stdout[-2000:]
    assert re.search(r"^val_meanabsoluteerror: ", examples["score"].stdout, re.M)
    assert re.search(r"^val_multiclassf1score: ", examples["mark"].stdout, re.M)

    pages = build_docs(root)
    assert_page_true(
        pages["score_regression"],
        says=["mlp-64", "smooth_l1_loss", "MeanAbsoluteError", "head_dropout", "load_breast_cancer"],
        stale=["diabetes", "mlp-128-256", "mse_loss", "mean squared error", "MeanSquaredError"],
    )
    assert_page_true(
        pages["mark_custom"],
        says=["mlp-64", "multi_margin_loss", "MulticlassF1Score", "head_dropout", "load_wine"],
        stale=["iris", "mlp-128-256", "cross_entropy", "accuracy"],
    )
    checked = run("flash-new check", root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "to-do: src/team_tasks/score/regression/backbones.py:8:" in _normal(checked.stdout)
