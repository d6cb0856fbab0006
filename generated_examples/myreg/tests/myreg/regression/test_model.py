"""Tests of the MyregRegressor: forward, train, validate, test, predict from every input, checkpoints, TorchScript."""

import numpy as np
import pandas as pd
import pytest
import torch
from flash import Trainer
from flash.core.data.io.input import DataKeys
from flash.core.utilities.imports import _PANDAS_AVAILABLE, _SKLEARN_AVAILABLE
from torch import Tensor

from flash.myreg.regression import MyregData, MyregRegressor
from flash.myreg.regression.output import MyregOutput
from flash.myreg.regression.output_transform import MyregOutputTransform

if _SKLEARN_AVAILABLE:
    from sklearn.utils import Bunch

NUM_FEATURES = 4


class DummyDataset(torch.utils.data.Dataset):
    """Random samples in Flash's dictionary format, enough to run every stage once."""

    def __getitem__(self, index):
        return {
            DataKeys.INPUT: torch.randn(NUM_FEATURES),
            DataKeys.TARGET: torch.rand(1)[0],
        }

    def __len__(self) -> int:
        return 10


def _model(**kwargs) -> MyregRegressor:
    return MyregRegressor(num_features=NUM_FEATURES, num_targets=1, **kwargs)


def _trainer(tmp_path, **kwargs) -> Trainer:
    return Trainer(default_root_dir=tmp_path, enable_progress_bar=False, logger=False, **kwargs)


def _predict(tmp_path, datamodule: MyregData) -> list:
    """Predict with an untrained model and return the predictions of the first batch."""
    predictions = _trainer(tmp_path).predict(_model(), datamodule=datamodule, output="values")
    return predictions[0]


def _check_predictions(predictions: list, num_examples: int) -> None:
    """One prediction per example, in the format the output promises."""
    assert len(predictions) == num_examples
    for prediction in predictions:
        assert isinstance(prediction, float)


def test_smoke():
    """The task can be built and has the backbones of its registry."""
    model = _model()
    assert model is not None
    assert set(model.available_backbones()) >= {"mlp-128", "mlp-128-256"}
    assert model.outputs.get("values") is MyregOutput
    assert isinstance(model._output_transform, MyregOutputTransform)


@pytest.mark.parametrize("backbone", ["mlp-128", "mlp-128-256"])
@pytest.mark.parametrize("num_targets", [1, 3])
@pytest.mark.parametrize("shape", [(1, 3), (2, 128)])
def test_forward(backbone, num_targets, shape):
    """The output has one row per example and one column per target."""
    model = MyregRegressor(num_features=shape[1], num_targets=num_targets, backbone=backbone)
    model.eval()
    out = model(torch.rand(*shape))
    assert out.shape == ((shape[0],) if num_targets == 1 else (shape[0], num_targets))


def test_train(tmp_path):
    """One training step runs and logs a finite loss."""
    model = _model()
    trainer = _trainer(tmp_path, fast_dev_run=True)
    trainer.fit(model, torch.utils.data.DataLoader(DummyDataset(), batch_size=4))
    assert torch.isfinite(trainer.callback_metrics["train_mse_loss"])


def test_val(tmp_path):
    """Validation runs and reports the loss."""
    results = _trainer(tmp_path, fast_dev_run=True).validate(
        _model(), torch.utils.data.DataLoader(DummyDataset(), batch_size=4)
    )
    assert "val_mse_loss" in results[0]


def test_test(tmp_path):
    """Testing runs and reports the loss."""
    results = _trainer(tmp_path, fast_dev_run=True).test(
        _model(), torch.utils.data.DataLoader(DummyDataset(), batch_size=4)
    )
    assert "test_mse_loss" in results[0]


def test_predict_numpy(tmp_path):
    """Predictions from a numpy array."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    datamodule = MyregData.from_numpy(predict_data=features, batch_size=4)
    _check_predictions(_predict(tmp_path, datamodule), 3)


@pytest.mark.skipif(not _SKLEARN_AVAILABLE, reason="scikit-learn isn't installed.")
def test_predict_sklearn(tmp_path):
    """Predictions from a scikit-learn Bunch."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    datamodule = MyregData.from_sklearn(predict_bunch=Bunch(data=features), batch_size=4)
    _check_predictions(_predict(tmp_path, datamodule), 3)


@pytest.mark.skipif(not _PANDAS_AVAILABLE, reason="pandas isn't installed.")
def test_predict_dataframe(tmp_path):
    """Predictions from a DataFrame."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    frame = pd.DataFrame(features, columns=[f"x{i}" for i in range(NUM_FEATURES)])
    datamodule = MyregData.from_data_frame(
        list(frame.columns),
        predict_data_frame=frame,
        batch_size=4,
    )
    _check_predictions(_predict(tmp_path, datamodule), 3)


@pytest.mark.skipif(not _PANDAS_AVAILABLE, reason="pandas isn't installed.")
def test_predict_csv(tmp_path):
    """Predictions from a CSV file."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    frame = pd.DataFrame(features, columns=[f"x{i}" for i in range(NUM_FEATURES)])
    frame.to_csv(tmp_path / "predict.csv", index=False)
    datamodule = MyregData.from_csv(
        list(frame.columns),
        predict_file=str(tmp_path / "predict.csv"),
        batch_size=4,
    )
    _check_predictions(_predict(tmp_path, datamodule), 3)


def test_predict_tensor(tmp_path):
    """Predictions from a tensor."""
    features = np.random.rand(3, NUM_FEATURES).astype(np.float32)
    datamodule = MyregData.from_tensors(predict_data=torch.from_numpy(features), batch_size=4)
    _check_predictions(_predict(tmp_path, datamodule), 3)


def test_checkpoint_round_trip(tmp_path):
    """A saved checkpoint loads into a model that gives the same outputs."""
    model = _model()
    trainer = _trainer(tmp_path, max_steps=1)
    trainer.fit(model, torch.utils.data.DataLoader(DummyDataset(), batch_size=4))
    path = tmp_path / "model.ckpt"
    trainer.save_checkpoint(path)

    loaded = MyregRegressor.load_from_checkpoint(path)
    model.eval()
    loaded.eval()
    row = torch.rand(2, NUM_FEATURES)
    assert torch.allclose(model(row), loaded(row))


@pytest.mark.parametrize("method", ["trace", "script"])
def test_jit(tmp_path, method):
    """The task exports to TorchScript by tracing and by scripting; the export loads and runs."""
    model = MyregRegressor(num_features=16, num_targets=1)
    model.eval()
    path = tmp_path / "model.pt"
    torch.jit.save(model.to_torchscript(method=method, example_inputs=torch.rand(1, 16)), path)

    loaded = torch.jit.load(path)
    out = loaded(torch.rand(1, 16))
    assert isinstance(out, Tensor)
    assert out.shape == (1,)
