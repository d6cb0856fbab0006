"""Tests of the MyclfData: one ``test_from_*`` per data source."""

import numpy as np
import pytest
import torch
from flash.core.data.data_module import DataModule
from flash.core.data.io.input import DataKeys
from flash.core.utilities.imports import _SKLEARN_AVAILABLE

from flash.myclf.classification.data import MyclfData

if _SKLEARN_AVAILABLE:
    from sklearn.utils import Bunch

NUM_FEATURES = 4
NUM_CLASSES = 3


def _examples(num_examples: int = 12):
    """Random features, with targets that cover every class."""
    features = np.random.rand(num_examples, NUM_FEATURES).astype(np.float32)
    targets = np.arange(num_examples) % NUM_CLASSES
    return features, targets


def _check(datamodule: MyclfData) -> None:
    """Every stage yields batches of the expected shape; prediction batches carry no target."""
    assert datamodule.num_features == NUM_FEATURES
    assert datamodule.num_classes == NUM_CLASSES
    for loader in (datamodule.train_dataloader(), datamodule.val_dataloader(), datamodule.test_dataloader()):
        batch = next(iter(loader))
        assert batch[DataKeys.INPUT].shape == (2, NUM_FEATURES)
        assert batch[DataKeys.INPUT].dtype == torch.float32
        assert batch[DataKeys.TARGET].shape == (2,)
        assert batch[DataKeys.TARGET].dtype == torch.int64
    batch = next(iter(datamodule.predict_dataloader()))
    assert batch[DataKeys.INPUT].shape == (2, NUM_FEATURES)
    assert DataKeys.TARGET not in batch


def test_smoke():
    """The data module is a Flash ``DataModule`` with the task's transform as its default."""
    assert issubclass(MyclfData, DataModule)
    assert MyclfData.input_transform_cls.__name__ == "MyclfInputTransform"


def test_from_numpy():
    """``from_numpy`` loads arrays of features and targets for every stage."""
    features, targets = _examples()
    datamodule = MyclfData.from_numpy(
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


@pytest.mark.skipif(not _SKLEARN_AVAILABLE, reason="scikit-learn isn't installed.")
def test_from_sklearn():
    """``from_sklearn`` loads ``Bunch`` objects; the prediction ``Bunch`` may keep its targets, they are dropped."""
    bunch = Bunch(data=_examples()[0], target=_examples()[1])
    datamodule = MyclfData.from_sklearn(
        train_bunch=bunch,
        val_bunch=bunch,
        test_bunch=bunch,
        predict_bunch=bunch,
        batch_size=2,
    )
    _check(datamodule)
