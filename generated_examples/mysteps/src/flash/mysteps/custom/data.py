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
"""Data for the MystepsTask task: its ``Input`` classes, ``InputTransform`` and ``DataModule``."""

from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Type

import numpy as np
import pandas as pd
import torch

from flash.core.data.data_module import DataModule
from flash.core.data.io.classification_input import ClassificationInputMixin
from flash.core.data.io.input import DataKeys, Input
from flash.core.data.io.input_transform import InputTransform
from flash.core.data.utilities.classification import TargetFormatter
from flash.core.data.utilities.samples import to_samples
from flash.core.utilities.stages import RunningStage
from flash.core.utilities.types import INPUT_TRANSFORM_TYPE


def _columns_to_arrays(
    data_frame: pd.DataFrame,
    feature_columns: Sequence[str],
    target_column: Optional[str],
    with_targets: bool,
) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Split a ``DataFrame`` into a float feature array and, when wanted, the target column's values."""
    examples = data_frame[list(feature_columns)].to_numpy(dtype=np.float32)
    if not with_targets or target_column is None:
        return examples, None
    return examples, data_frame[target_column].to_numpy()


class MystepsNumpyCustomInput(Input, ClassificationInputMixin):
    """Loads a ``(num_examples, num_features)`` numpy array and its targets; every other input builds on it."""

    num_features: int

    # TODO(flash-new): load your task's own data here (and in the inputs built on this one): one sample per example.
    def load_data(
        self,
        examples: Sequence[np.ndarray],
        targets: Optional[Sequence[Any]] = None,
        target_formatter: Optional[TargetFormatter] = None,
    ) -> Sequence[Dict[str, Any]]:
        """Record ``num_features``, learn the target format (the classes) and make one sample per row.

        Args:
            examples: The features, one row per example.
            targets: The targets, one per example, or ``None`` when predicting.
            target_formatter: Formats the targets; the validation and test inputs reuse the train input's.

        """
        if not self.predicting and isinstance(examples, np.ndarray):
            self.num_features = examples.shape[1]
        if targets is not None:
            self.load_target_metadata(targets, target_formatter=target_formatter)
        return to_samples(examples, targets)

    def load_sample(self, sample: Dict[str, Any]) -> Any:
        """Map the sample's target to a class index with the formatter learnt in ``load_data``."""
        if DataKeys.TARGET in sample:
            sample[DataKeys.TARGET] = self.format_target(sample[DataKeys.TARGET])
        return sample


class MystepsDataFrameCustomInput(MystepsNumpyCustomInput):
    """Loads a pandas ``DataFrame``: the feature columns are the features, the target column the targets."""

    def load_data(
        self,
        data_frame: pd.DataFrame,
        feature_columns: Sequence[str],
        target_column: Optional[str] = None,
        target_formatter: Optional[TargetFormatter] = None,
    ) -> Sequence[Dict[str, Any]]:
        """Select the columns and load them as the numpy input does; targets are dropped when predicting."""
        examples, targets = _columns_to_arrays(data_frame, feature_columns, target_column, not self.predicting)
        return super().load_data(examples, targets, target_formatter=target_formatter)


class MystepsInputTransform(InputTransform):
    """Turns every sample into tensors: float features and integer class targets."""

    @staticmethod
    def to_tensor(sample: Dict[str, Any]) -> Dict[str, Any]:
        """Convert one sample; static so that it can be used outside a transform too."""
        sample[DataKeys.INPUT] = torch.as_tensor(sample[DataKeys.INPUT]).float()
        if DataKeys.TARGET in sample:
            sample[DataKeys.TARGET] = torch.as_tensor(sample[DataKeys.TARGET]).long()
        return sample

    def per_sample_transform(self) -> Callable:
        """Apply ``to_tensor`` to each sample at every stage."""
        return self.to_tensor


def _input_transform(transform: INPUT_TRANSFORM_TYPE, transform_kwargs: Optional[Dict]) -> INPUT_TRANSFORM_TYPE:
    """Instantiate an ``InputTransform`` class with ``transform_kwargs``: Flash wants an instance from 0.8 on."""
    if isinstance(transform, type) and issubclass(transform, InputTransform):
        return transform(**(transform_kwargs or {}))
    return transform


class MystepsData(DataModule):
    """The ``DataModule`` of the MystepsTask task: one ``from_*`` constructor per data source.

    ``input_transform_cls`` names the transform used when a constructor is given none.

    """

    input_transform_cls = MystepsInputTransform

    @classmethod
    def from_numpy(
        cls,
        train_data: Optional[Sequence[np.ndarray]] = None,
        train_targets: Optional[Sequence[Any]] = None,
        val_data: Optional[Sequence[np.ndarray]] = None,
        val_targets: Optional[Sequence[Any]] = None,
        test_data: Optional[Sequence[np.ndarray]] = None,
        test_targets: Optional[Sequence[Any]] = None,
        predict_data: Optional[Sequence[np.ndarray]] = None,
        input_cls: Type[Input] = MystepsNumpyCustomInput,
        transform: INPUT_TRANSFORM_TYPE = MystepsInputTransform,
        transform_kwargs: Optional[Dict] = None,
        **data_module_kwargs: Any,
    ) -> "MystepsData":
        """Create the ``MystepsData`` from numpy arrays of features and sequences of targets.

        Args:
            train_data: The train features, one row per example.
            train_targets: The train targets.
            val_data: The validation features.
            val_targets: The validation targets.
            test_data: The test features.
            test_targets: The test targets.
            predict_data: The features to predict on.
            input_cls: The ``Input`` class that loads each stage's data.
            transform: The ``InputTransform`` applied to the samples.
            transform_kwargs: Keyword arguments for the transform's constructor.
            data_module_kwargs: Keyword arguments for the ``DataModule`` (``batch_size``, ``val_split``, ...).

        """
        train_input = input_cls(RunningStage.TRAINING, train_data, train_targets)
        target_formatter = getattr(train_input, "target_formatter", None)

        return cls(
            train_input,
            input_cls(RunningStage.VALIDATING, val_data, val_targets, target_formatter=target_formatter),
            input_cls(RunningStage.TESTING, test_data, test_targets, target_formatter=target_formatter),
            input_cls(RunningStage.PREDICTING, predict_data),
            transform=_input_transform(transform, transform_kwargs),
            transform_kwargs=transform_kwargs,
            **data_module_kwargs,
        )

    @classmethod
    def from_data_frame(
        cls,
        feature_columns: Sequence[str],
        target_column: Optional[str] = None,
        train_data_frame: Optional[pd.DataFrame] = None,
        val_data_frame: Optional[pd.DataFrame] = None,
        test_data_frame: Optional[pd.DataFrame] = None,
        predict_data_frame: Optional[pd.DataFrame] = None,
        input_cls: Type[Input] = MystepsDataFrameCustomInput,
        transform: INPUT_TRANSFORM_TYPE = MystepsInputTransform,
        transform_kwargs: Optional[Dict] = None,
        **data_module_kwargs: Any,
    ) -> "MystepsData":
        """Create the ``MystepsData`` from pandas ``DataFrame`` objects.

        Args:
            feature_columns: The columns holding the features.
            target_column: The column holding the targets.
            train_data_frame: The train data.
            val_data_frame: The validation data.
            test_data_frame: The test data.
            predict_data_frame: The data to predict on; the target column is not needed.
            input_cls: The ``Input`` class that loads each stage's data.
            transform: The ``InputTransform`` applied to the samples.
            transform_kwargs: Keyword arguments for the transform's constructor.
            data_module_kwargs: Keyword arguments for the ``DataModule`` (``batch_size``, ``val_split``, ...).

        """
        columns = {"feature_columns": feature_columns, "target_column": target_column}
        train_input = input_cls(RunningStage.TRAINING, train_data_frame, **columns)
        target_formatter = getattr(train_input, "target_formatter", None)

        return cls(
            train_input,
            input_cls(RunningStage.VALIDATING, val_data_frame, **columns, target_formatter=target_formatter),
            input_cls(RunningStage.TESTING, test_data_frame, **columns, target_formatter=target_formatter),
            input_cls(RunningStage.PREDICTING, predict_data_frame, **columns),
            transform=_input_transform(transform, transform_kwargs),
            transform_kwargs=transform_kwargs,
            **data_module_kwargs,
        )

    @property
    def num_features(self) -> Optional[int]:
        """The number of features, read from the first dataset that knows it."""
        for dataset in (self.train_dataset, self.val_dataset, self.test_dataset):
            num_features = getattr(dataset, "num_features", None)
            if num_features:
                return num_features
        return None
