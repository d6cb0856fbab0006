"""The guide's two ways of writing a task's step methods: ``--steps super`` and ``--steps explicit``.

``explicit`` writes ``training_step``, ``validation_step``, ``test_step`` and ``predict_step`` out in full,
without ``super``, and behaves as ``super`` does: trained from the same seed on the same data, the two give the
same logged metrics (names, progress-bar flags, values), the same weights and the same validate, test and
predict results, for every kind of task.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
import torch
import yaml

from scaffold.names import KINDS, TaskOptions
from scaffold.render import render
from scaffold.tasks import create_task
from tests.conftest import REPO, flash_new, make_package, tree_snapshot

STEP_METHODS = ("training_step", "validation_step", "test_step", "predict_step")
TASK_TYPES = {"classification": "classification", "regression": "regression", "task": "custom"}
# The task of each kind in the parity test; the plain task also has an output transform, which predict applies.
PARITY = {"classification": ("clf", []), "regression": ("reg", []), "task": ("plain", ["output-transform"])}


def _model_source(kind: str, steps: str | None, extras: list[str] | None = None) -> str:
    options = TaskOptions("probe", kind=kind, steps=steps)
    if extras is not None:
        options.extras = extras
    answers = {**options.validate().answers(), "package": "flash", "package_dir": "src/flash"}
    files = render(answers).files
    return files[f"src/flash/probe/{TASK_TYPES[kind]}/model.py"].decode()


def _steps(source: str) -> dict[str, ast.FunctionDef]:
    """The step methods of the module's one class."""
    (cls,) = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)]
    return {node.name: node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name in STEP_METHODS}


def _calls_super(method: ast.FunctionDef) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
        for node in ast.walk(method)
    )


# ---- the generated code ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_super_steps_hand_the_batch_to_flash(kind):
    for steps in (None, "super"):  # the default is super
        methods = _steps(_model_source(kind, steps))
        assert sorted(methods) == sorted(STEP_METHODS)
        assert all(_calls_super(method) for method in methods.values()), steps


@pytest.mark.parametrize("kind", KINDS)
def test_explicit_steps_are_written_out_without_super(kind):
    source = _model_source(kind, "explicit")
    methods = _steps(source)
    assert sorted(methods) == sorted(STEP_METHODS)
    for name, method in methods.items():
        assert not _calls_super(method), name
        assert ast.get_docstring(method), name
        assert "The place to" in ast.get_docstring(method), name
    for name, stage, on_step in (("training_step", "train", True), ("validation_step", "val", False)):
        text = ast.get_source_segment(source, methods[name])
        assert f"self.{stage}_metrics.items()" in text
        assert f'f"{stage}_{{name}}"' in text
        assert f"on_step={on_step}, on_epoch=True, prog_bar=True" in text
        assert "self.loss_fn.items()" in text
    assert "self.test_metrics.items()" in ast.get_source_segment(source, methods["test_step"])
    assert ("torch.softmax(y_hat, dim=1)" in source) == (kind == "classification")


def test_explicit_predict_step_names_the_output_transform_it_leaves_to_the_trainer():
    source = _model_source("regression", "explicit", extras=["output-transform"])
    docstring = ast.get_docstring(_steps(source)["predict_step"])
    assert "``ProbeOutputTransform``" in docstring and "flash.Trainer.predict" in docstring


# ---- the option -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("steps", ["super", "explicit"])
def test_the_cli_records_the_steps_answer(package_host, steps):
    result = flash_new("task", "sensor", "--steps", steps, "--dest", str(package_host), "--defaults")
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((package_host / ".flash-new" / "sensor.yml").read_text())
    assert answers["steps"] == steps
    model = (package_host / "src/team_tasks/sensor/classification/model.py").read_text()
    assert all(_calls_super(method) == (steps == "super") for method in _steps(model).values())
    page = (package_host / "docs/source/reference/sensor_classification.rst").read_text()
    assert ("are written out in full, without ``super``: the way to go" in page) == (steps == "explicit")


def test_without_the_flag_the_answer_is_super(package_host):
    result = flash_new("task", "sensor", "--dest", str(package_host), "--defaults")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((package_host / ".flash-new" / "sensor.yml").read_text())["steps"] == "super"


@pytest.mark.parametrize("value", ["Explicit", "none", ""])
def test_an_unknown_steps_value_is_refused_and_nothing_is_written(package_host, value):
    before = tree_snapshot(package_host)
    result = flash_new("task", "sensor", "--steps", value, "--dest", str(package_host), "--defaults")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"flash-new: error: --steps {value!r} is not one of super, explicit: choose from these"
    ]
    assert tree_snapshot(package_host) == before


def test_the_help_explains_the_two_ways():
    result = flash_new("task", "--help")
    assert result.returncode == 0
    assert "--steps" in result.stdout and "explicit" in result.stdout


# ---- same behaviour --------------------------------------------------------------------------------------------


def _host(root, package: str, steps: str):
    host = make_package(root, package)
    for kind, (name, extras) in PARITY.items():
        create_task(host, TaskOptions(name, kind=kind, extras=extras, steps=steps))
        model = host / "src" / package / name / TASK_TYPES[kind] / "model.py"
        assert all(_calls_super(m) == (steps == "super") for m in _steps(model.read_text()).values()), model
    return host


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.allclose(a.double(), b.double(), rtol=1e-5, atol=1e-7)


@pytest.mark.train
def test_explicit_steps_train_validate_test_and_predict_as_super_does(tmp_path):
    hosts = {"super": _host(tmp_path / "super", "super_tasks", "super")}
    hosts["explicit"] = _host(tmp_path / "explicit", "explicit_tasks", "explicit")
    out = tmp_path / "results.pt"
    tasks = [f"{steps}_tasks:{name}:{kind}" for steps in hosts for kind, (name, _) in PARITY.items()]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(host / "src") for host in hosts.values()),
        "OMP_NUM_THREADS": "1",
    }
    script = [sys.executable, str(REPO / "tests" / "steps_parity.py"), str(out), *tasks]
    result = subprocess.run(script, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-5000:]
    results = torch.load(out, weights_only=False)
    assert sorted(results) == sorted(task.rsplit(":", 1)[0] for task in tasks)

    for kind, (name, _) in PARITY.items():
        sup, exp = results[f"super_tasks:{name}"], results[f"explicit_tasks:{name}"]
        loss = "mse_loss" if kind == "regression" else "cross_entropy"
        metric = "meansquarederror" if kind == "regression" else "accuracy"

        # logged after every training step and validation epoch: the same names, flags and values
        assert [entry["when"] for entry in exp["logged"]] == [entry["when"] for entry in sup["logged"]]
        assert len(sup["logged"]) == 1 + 8 + 2, kind  # the sanity check, 8 steps, validation every 4
        for s, e in zip(sup["logged"], exp["logged"], strict=True):
            assert sorted(e["metrics"]) == sorted(s["metrics"]), (kind, s["when"])
            assert e["bar"] == s["bar"], (kind, s["when"])
            for key, value in s["metrics"].items():
                assert _close(e["metrics"][key], value), (kind, s["when"], key, value, e["metrics"][key])
        names = set().union(*(entry["metrics"] for entry in sup["logged"]))
        shown = set().union(*(entry["bar"] for entry in sup["logged"]))
        # on_step and on_epoch in training (Lightning adds _step and _epoch forms), on_epoch only in validation
        train = {f"train_{metric}", f"train_{loss}"}
        expected = train | {f"{n}_{when}" for n in train for when in ("step", "epoch")}
        expected |= {f"val_{metric}", f"val_{loss}"}
        assert names == expected, (kind, sorted(names))
        assert shown == expected - train, (kind, sorted(shown))  # prog_bar everywhere
        assert sorted(exp["logged_metrics"]) == sorted(sup["logged_metrics"])
        assert all(_close(exp["logged_metrics"][k], v) for k, v in sup["logged_metrics"].items()), kind

        # the same weights after training
        assert sorted(exp["weights"]) == sorted(sup["weights"])
        for key, value in sup["weights"].items():
            assert _close(exp["weights"][key], value), (kind, key)

        # validate, test and predict agree
        for stage in ("validate", "test"):
            (s,), (e,) = sup[stage], exp[stage]
            prefix = "val" if stage == "validate" else "test"
            assert sorted(e) == sorted(s) == sorted([f"{prefix}_{metric}", f"{prefix}_{loss}"]), (kind, stage)
            assert all(e[key] == pytest.approx(value, rel=1e-5, abs=1e-7) for key, value in s.items()), (kind, stage)
        assert [len(batch) for batch in exp["predict"]] == [len(batch) for batch in sup["predict"]]
        assert sum(len(batch) for batch in sup["predict"]) == 10
        for s_batch, e_batch in zip(sup["predict"], exp["predict"], strict=True):
            assert all(_close(e, s) for s, e in zip(s_batch, e_batch, strict=True)), kind
