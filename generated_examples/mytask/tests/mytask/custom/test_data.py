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
"""Tests of the MytaskData: one ``test_from_*`` per data source."""

import numpy as np
import pandas as pd
import pytest
import torch
from flash.core.data.data_module import DataModule
from flash.core.data.io.input import DataKeys
from flash.core.utilities.imports import _PANDAS_AVAILABLE, _TOPIC_MYTASK_AVAILABLE
from flash.mytask.custom.data import MytaskData

from .helpers import NUM_CLASSES, NUM_FEATURES, examples


def _frame(features: np.ndarray, targets: np.ndarray) -> pd.DataFrame:
    """The examples as a ``DataFrame``: feature columns ``x0``, ``x1`` and so on, target column ``label``."""
    frame = pd.DataFrame(features, columns=[f"x{i}" for i in range(NUM_FEATURES)])
    frame["label"] = targets
    return frame


def _check(datamodule: MytaskData) -> None:
    """Every stage yields batches of the expected shape; prediction batches carry no target."""
    assert datamodule.num_features == NUM_FEATURES, (
        f"the data module reports {datamodule.num_features} features for examples of {NUM_FEATURES}: "
        "the train Input's load_data sets num_features"
    )
    assert datamodule.num_classes == NUM_CLASSES, (
        f"the data module reports {datamodule.num_classes} classes for targets of {NUM_CLASSES}: "
        "the train Input's load_data learns them with load_target_metadata"
    )
    for loader in (datamodule.train_dataloader(), datamodule.val_dataloader(), datamodule.test_dataloader()):
        batch = next(iter(loader))
        assert batch[DataKeys.INPUT].shape == (2, NUM_FEATURES), "the InputTransform makes one row per example"
        assert batch[DataKeys.INPUT].dtype == torch.float32, "the InputTransform makes float features"
        assert batch[DataKeys.TARGET].shape == (2,), "the InputTransform makes one target per example"
        assert batch[DataKeys.TARGET].dtype == torch.int64, "the InputTransform makes integer class targets"
    batch = next(iter(datamodule.predict_dataloader()))
    assert batch[DataKeys.INPUT].shape == (2, NUM_FEATURES), "the InputTransform makes one row per example"
    assert DataKeys.TARGET not in batch, "prediction samples carry no target: the predicting Input leaves them out"


@pytest.mark.skipif(not _TOPIC_MYTASK_AVAILABLE, reason="mytask libraries aren't installed.")
def test_smoke():
    """The data module is a Flash ``DataModule`` with the task's transform as its default."""
    assert issubclass(MytaskData, DataModule)
    assert MytaskData.input_transform_cls.__name__ == "MytaskInputTransform"


@pytest.mark.skipif(not _TOPIC_MYTASK_AVAILABLE, reason="mytask libraries aren't installed.")
def test_from_numpy():
    """``from_numpy`` loads arrays of features and targets for every stage."""
    features, targets = examples()
    datamodule = MytaskData.from_numpy(
        train_data=features,
        train_targets=targets,
        val_data=features,
        val_targets=targets,
        test_data=features,
        test_targets=targets,
        predict_data=features,
        batch_size=2,
    )
    _check(datamodule)


@pytest.mark.skipif(not _TOPIC_MYTASK_AVAILABLE, reason="mytask libraries aren't installed.")
@pytest.mark.skipif(not _PANDAS_AVAILABLE, reason="pandas isn't installed.")
def test_from_csv(tmp_path):
    """``from_csv`` reads files with a header row; the prediction file needs no target column."""
    frame = _frame(*examples())
    train_file, predict_file = tmp_path / "train.csv", tmp_path / "predict.csv"
    frame.to_csv(train_file, index=False)
    frame.drop(columns="label").to_csv(predict_file, index=False)
    datamodule = MytaskData.from_csv(
        feature_columns=[f"x{i}" for i in range(NUM_FEATURES)],
        target_column="label",
        train_file=str(train_file),
        val_file=str(train_file),
        test_file=str(train_file),
        predict_file=str(predict_file),
        batch_size=2,
    )
    _check(datamodule)


@pytest.mark.skipif(not _TOPIC_MYTASK_AVAILABLE, reason="mytask libraries aren't installed.")
def test_from_tensors():
    """``from_tensors`` loads a feature tensor and a target tensor for every stage."""
    features, targets = (torch.from_numpy(array) for array in examples())
    datamodule = MytaskData.from_tensors(
        train_data=features,
        train_targets=targets,
        val_data=features,
        val_targets=targets,
        test_data=features,
        test_targets=targets,
        predict_data=features,
        batch_size=2,
    )
    _check(datamodule)
