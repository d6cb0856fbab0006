# Copyright The PyTorch Lightning team.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
"""Tests of the MystepsTask: Flash's TaskTester checks, and predictions from every input and checkpoints.

``TestMystepsTask`` gives Flash's ``TaskTester`` the task and its examples: the tester checks the forward pass,
TorchScript (trace and script), one batch of training, validation and testing.
The functions below read what they check from the task: the backbones of its registry, its default backbone, the
names it logs its losses and metrics under. The examples' sizes come from ``helpers``.

"""

import inspect
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from flash import Trainer
from flash.core.utilities.imports import _PANDAS_AVAILABLE, _TOPIC_MYSTEPS_AVAILABLE
from flash.mysteps.custom import MystepsData, MystepsTask
from flash.mysteps.custom.output import MystepsOutput
from flash.mysteps.custom.output_transform import MystepsOutputTransform
from torch import Tensor, nn
from torchmetrics.classification import MulticlassAccuracy, MulticlassF1Score

from tests.helpers.task_tester import TaskTester

from .helpers import NUM_CLASSES, NUM_FEATURES, DummyDataset

# The registry itself: without the topic installed, the task's class methods say what to install instead.
BACKBONES = MystepsTask.backbones.available_keys()
DEFAULT_BACKBONE = inspect.signature(MystepsTask.__init__).parameters["backbone"].default


def _model(**kwargs) -> MystepsTask:
    return MystepsTask(num_features=NUM_FEATURES, num_classes=NUM_CLASSES, **kwargs)


# Flash's scheduler names are torch 1's (on torch 2, only "reducelronplateau"); it watches the training loss.
# Without the topic installed there is no task to ask, and no test that trains.
TRAIN_LOSS = f"train_{next(iter(_model().loss_fn))}" if _TOPIC_MYSTEPS_AVAILABLE else "train_loss"

# Every kind of argument the constructor takes besides plain values: its checkpoints must load all the same.
CONSTRUCTOR_ARGUMENTS = [
    pytest.param({}, id="defaults"),
    pytest.param({"loss_fn": nn.CrossEntropyLoss(label_smoothing=0.1)}, id="loss-module"),
    pytest.param({"loss_fn": F.multi_margin_loss}, id="loss-function"),
    pytest.param({"loss_fn": {"xent": F.cross_entropy}, "metrics": {"f1": MulticlassF1Score(NUM_CLASSES)}}, id="named"),
    pytest.param({"metrics": MulticlassAccuracy(NUM_CLASSES)}, id="metric-object"),
    pytest.param({"optimizer": torch.optim.SGD, "learning_rate": 0.1}, id="optimizer-class"),
    pytest.param({"optimizer": "sgd", "learning_rate": 0.1}, id="optimizer-name"),
    pytest.param({"lr_scheduler": ("reducelronplateau", {}, {"monitor": TRAIN_LOSS})}, id="scheduler-name"),
    pytest.param({"lr_scheduler": torch.optim.lr_scheduler.ConstantLR}, id="scheduler-class"),
    pytest.param({"lr_scheduler": partial(torch.optim.lr_scheduler.StepLR, step_size=1)}, id="scheduler-callable"),
]


def _trainer(tmp_path, **kwargs) -> Trainer:
    return Trainer(default_root_dir=tmp_path, enable_progress_bar=False, logger=False, log_every_n_steps=1, **kwargs)


def _loader() -> torch.utils.data.DataLoader:
    return torch.utils.data.DataLoader(DummyDataset(), batch_size=4)


def _assert_logged(logged, model: MystepsTask, stage: str) -> None:
    """Flash logs every loss of ``model.loss_fn`` and every metric of the stage as ``<stage>_<name>``."""
    names = [*model.loss_fn, *getattr(model, f"{stage}_metrics")]
    missing = sorted(f"{stage}_{name}" for name in names if f"{stage}_{name}" not in logged)
    assert not missing, (
        f"{stage} logged {sorted(logged)}, without {missing}: Flash logs each loss and metric of the task as "
        f"{stage}_<name>; a {stage} step that does not call the base class's step has to log them itself"
    )


def _predict(tmp_path, datamodule: MystepsData) -> list:
    """Predict with an untrained model and return the predictions of the first batch."""
    predictions = _trainer(tmp_path).predict(_model(), datamodule=datamodule, output="class_index")
    return predictions[0]


def _check_predictions(predictions: list, num_examples: int) -> None:
    """One prediction per example, in the format the output promises."""
    assert len(predictions) == num_examples
    for prediction in predictions:
        assert isinstance(prediction, int)
        assert 0 <= prediction < NUM_CLASSES


class TestMystepsTask(TaskTester):
    """The task and its examples, for the checks Flash's ``TaskTester`` runs on every task."""

    task = MystepsTask
    task_kwargs = {"num_features": NUM_FEATURES, "num_classes": NUM_CLASSES}
    is_testing = _TOPIC_MYSTEPS_AVAILABLE
    is_available = _TOPIC_MYSTEPS_AVAILABLE
    # TorchScript: the task traces; it scripts through Lightning's ``to_torchscript`` (``test_jit`` below), not with a
    # bare ``torch.jit.script``, which reads the ``trainer`` of a task that has none.
    traceable = True
    scriptable = False

    @property
    def example_forward_input(self):
        return torch.rand(2, NUM_FEATURES)

    def check_forward_output(self, output: Any):
        assert isinstance(output, Tensor)
        assert output.shape == (2, NUM_CLASSES)

    @property
    def example_train_sample(self):
        return DummyDataset()[0]

    @property
    def example_val_sample(self):
        return DummyDataset()[0]

    @property
    def example_test_sample(self):
        return DummyDataset()[0]


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
def test_smoke():
    """The task can be built with its defaults, from a backbone of its registry, and it has a loss."""
    assert BACKBONES, "the backbones registry is empty: register a backbone in backbones.py"
    assert DEFAULT_BACKBONE in BACKBONES, (
        f"the default backbone {DEFAULT_BACKBONE!r} is not registered ({BACKBONES}): register it in backbones.py "
        "or change the default of the task's `backbone` argument in model.py"
    )
    model = _model()
    assert model.loss_fn, "the task has no loss: give it a default loss_fn in model.py"
    assert model.outputs.get("class_index") is MystepsOutput
    assert isinstance(model._output_transform, MystepsOutputTransform)


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
@pytest.mark.parametrize("backbone", BACKBONES)
@pytest.mark.parametrize("num_classes", [4, 256])
@pytest.mark.parametrize("shape", [(1, 3), (2, 128)])
def test_forward(backbone, num_classes, shape):
    """Every backbone of the registry: the output has one row per example and one column per class."""
    model = MystepsTask(num_features=shape[1], num_classes=num_classes, backbone=backbone)
    model.eval()
    out = model(torch.rand(*shape))
    expected = (shape[0], num_classes)
    assert out.shape == expected, (
        f"backbone {backbone!r} with {shape[1]} features gives outputs of shape {tuple(out.shape)}, not {expected}: "
        "a backbone loader returns its module and its output size, which the head takes in"
    )


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
def test_train(tmp_path):
    """One training step runs and logs every loss and metric of the task; the loss is finite."""
    model = _model()
    trainer = _trainer(tmp_path, fast_dev_run=True)
    trainer.fit(model, _loader(), _loader())
    _assert_logged(trainer.callback_metrics, model, "train")
    for name in model.loss_fn:
        assert torch.isfinite(trainer.callback_metrics[f"train_{name}"]), f"the loss {name!r} is not finite"


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
def test_val(tmp_path):
    """Validation runs and reports every loss and metric of the task."""
    model = _model()
    results = _trainer(tmp_path, fast_dev_run=True).validate(model, _loader())
    _assert_logged(results[0], model, "val")


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
def test_test(tmp_path):
    """Testing runs and reports every loss and metric of the task."""
    model = _model()
    results = _trainer(tmp_path, fast_dev_run=True).test(model, _loader())
    _assert_logged(results[0], model, "test")


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
def test_predict_numpy(tmp_path):
    """Predictions from a numpy array."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    datamodule = MystepsData.from_numpy(predict_data=features, batch_size=4)
    _check_predictions(_predict(tmp_path, datamodule), 3)


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
@pytest.mark.skipif(not _PANDAS_AVAILABLE, reason="pandas isn't installed.")
def test_predict_dataframe(tmp_path):
    """Predictions from a DataFrame."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    frame = pd.DataFrame(features, columns=[f"x{i}" for i in range(NUM_FEATURES)])
    datamodule = MystepsData.from_data_frame(
        list(frame.columns),
        predict_data_frame=frame,
        batch_size=4,
    )
    _check_predictions(_predict(tmp_path, datamodule), 3)


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
@pytest.mark.parametrize("arguments", CONSTRUCTOR_ARGUMENTS)
def test_checkpoint_round_trip(tmp_path, arguments):
    """Whatever the task was built with, a plain ``load_from_checkpoint`` loads its checkpoint; it predicts the same."""
    model = _model(**arguments)
    trainer = _trainer(tmp_path, max_steps=2, limit_val_batches=1)
    trainer.fit(model, _loader(), _loader())
    path = tmp_path / "model.ckpt"
    trainer.save_checkpoint(path)

    loaded = MystepsTask.load_from_checkpoint(path)
    model.eval()
    loaded.eval()
    row = torch.rand(2, NUM_FEATURES)
    assert torch.allclose(model(row), loaded(row)), "the loaded task predicts differently: are all weights submodules?"
    kept = {name: loaded.hparams.get(name) for name in model.hparams}
    assert kept == dict(model.hparams), "the checkpoint lost hyperparameters: does __init__ save them all?"


@pytest.mark.skipif(not _TOPIC_MYSTEPS_AVAILABLE, reason="mysteps libraries aren't installed.")
@pytest.mark.parametrize("method", ["script"])
def test_jit(tmp_path, method):
    """The task exports to TorchScript by scripting (``TaskTester`` traces it); the export loads and runs."""
    model = MystepsTask(num_features=16, num_classes=10)
    model.eval()
    path = tmp_path / "model.pt"
    torch.jit.save(model.to_torchscript(method=method, example_inputs=torch.rand(1, 16)), path)

    loaded = torch.jit.load(path)
    out = loaded(torch.rand(1, 16))
    assert isinstance(out, Tensor)
    assert out.shape == (1, 10)
