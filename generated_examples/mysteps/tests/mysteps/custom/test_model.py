"""Tests of the MystepsTask: forward, train, validate, test, predict from every input, checkpoints, TorchScript."""

import numpy as np
import pandas as pd
import pytest
import torch
from flash import Trainer
from flash.core.data.io.input import DataKeys
from flash.core.utilities.imports import _PANDAS_AVAILABLE
from torch import Tensor

from flash.mysteps.custom import MystepsData, MystepsTask
from flash.mysteps.custom.output import MystepsOutput
from flash.mysteps.custom.output_transform import MystepsOutputTransform

NUM_FEATURES = 4
NUM_CLASSES = 3


class DummyDataset(torch.utils.data.Dataset):
    """Random samples in Flash's dictionary format, enough to run every stage once."""

    def __getitem__(self, index):
        return {
            DataKeys.INPUT: torch.randn(NUM_FEATURES),
            DataKeys.TARGET: torch.randint(NUM_CLASSES, (1,))[0],
        }

    def __len__(self) -> int:
        return 10


def _model(**kwargs) -> MystepsTask:
    return MystepsTask(num_features=NUM_FEATURES, num_classes=NUM_CLASSES, **kwargs)


def _trainer(tmp_path, **kwargs) -> Trainer:
    return Trainer(default_root_dir=tmp_path, enable_progress_bar=False, logger=False, **kwargs)


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


def test_smoke():
    """The task can be built and has the backbones of its registry."""
    model = _model()
    assert model is not None
    assert set(model.available_backbones()) >= {"mlp-128", "mlp-128-256"}
    assert model.outputs.get("class_index") is MystepsOutput
    assert isinstance(model._output_transform, MystepsOutputTransform)


@pytest.mark.parametrize("backbone", ["mlp-128", "mlp-128-256"])
@pytest.mark.parametrize("num_classes", [4, 256])
@pytest.mark.parametrize("shape", [(1, 3), (2, 128)])
def test_forward(backbone, num_classes, shape):
    """The output has one row per example and one column per class."""
    model = MystepsTask(num_features=shape[1], num_classes=num_classes, backbone=backbone)
    model.eval()
    out = model(torch.rand(*shape))
    assert out.shape == (shape[0], num_classes)


def test_train(tmp_path):
    """One training step runs and logs a finite loss."""
    model = _model()
    trainer = _trainer(tmp_path, fast_dev_run=True)
    trainer.fit(model, torch.utils.data.DataLoader(DummyDataset(), batch_size=4))
    assert torch.isfinite(trainer.callback_metrics["train_cross_entropy"])


def test_val(tmp_path):
    """Validation runs and reports the loss."""
    results = _trainer(tmp_path, fast_dev_run=True).validate(
        _model(), torch.utils.data.DataLoader(DummyDataset(), batch_size=4)
    )
    assert "val_cross_entropy" in results[0]


def test_test(tmp_path):
    """Testing runs and reports the loss."""
    results = _trainer(tmp_path, fast_dev_run=True).test(
        _model(), torch.utils.data.DataLoader(DummyDataset(), batch_size=4)
    )
    assert "test_cross_entropy" in results[0]


def test_predict_numpy(tmp_path):
    """Predictions from a numpy array."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    datamodule = MystepsData.from_numpy(predict_data=features, batch_size=4)
    _check_predictions(_predict(tmp_path, datamodule), 3)


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


def test_checkpoint_round_trip(tmp_path):
    """A saved checkpoint loads into a model that gives the same outputs."""
    model = _model()
    trainer = _trainer(tmp_path, max_steps=1)
    trainer.fit(model, torch.utils.data.DataLoader(DummyDataset(), batch_size=4))
    path = tmp_path / "model.ckpt"
    trainer.save_checkpoint(path)

    loaded = MystepsTask.load_from_checkpoint(path)
    model.eval()
    loaded.eval()
    row = torch.rand(2, NUM_FEATURES)
    assert torch.allclose(model(row), loaded(row))


@pytest.mark.parametrize("method", ["trace", "script"])
def test_jit(tmp_path, method):
    """The task exports to TorchScript by tracing and by scripting; the export loads and runs."""
    model = MystepsTask(num_features=16, num_classes=10)
    model.eval()
    path = tmp_path / "model.pt"
    torch.jit.save(model.to_torchscript(method=method, example_inputs=torch.rand(1, 16)), path)

    loaded = torch.jit.load(path)
    out = loaded(torch.rand(1, 16))
    assert isinstance(out, Tensor)
    assert out.shape == (1, 10)
