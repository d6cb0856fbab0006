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
"""Data for the MyregRegressor task: its ``Input`` classes and ``DataModule``."""

from typing import Any, Dict, List, Optional, Sequence, Tuple, Type

import numpy as np
import pandas as pd
from torch import Tensor

from flash.core.data.base_viz import BaseVisualization
from flash.core.data.callback import BaseDataFetcher
from flash.core.data.data_module import DataModule
from flash.core.data.io.input import Input
from flash.core.data.io.input_transform import InputTransform
from flash.core.data.utilities.samples import to_samples
from flash.core.utilities.imports import _SKLEARN_AVAILABLE
from flash.core.utilities.stages import RunningStage
from flash.core.utilities.types import INPUT_TRANSFORM_TYPE
from flash.myreg.regression.input_transform import MyregInputTransform

if _SKLEARN_AVAILABLE:
    from sklearn.utils import Bunch
else:
    Bunch = object


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


class MyregNumpyRegressionInput(Input):
    """Loads a ``(num_examples, num_features)`` numpy array and its targets; every other input builds on it."""

    num_features: int

    # TODO(flash-new): load your task's own data here (and in the inputs built on this one): one sample per example.
    def load_data(
        self,
        examples: Sequence[np.ndarray],
        targets: Optional[Sequence[Any]] = None,
    ) -> Sequence[Dict[str, Any]]:
        """Record ``num_features`` and make one sample per row.

        Args:
            examples: The features, one row per example.
            targets: The targets, one per example, or ``None`` when predicting.

        """
        if not self.predicting and isinstance(examples, np.ndarray):
            self.num_features = examples.shape[1]
        return to_samples(examples, targets)


class MyregSKLearnRegressionInput(MyregNumpyRegressionInput):
    """Loads a scikit-learn ``Bunch``: its ``data`` are the features, its ``target`` the targets."""

    def load_data(
        self,
        data: Bunch,
    ) -> Sequence[Dict[str, Any]]:
        """Unpack the ``Bunch`` and load its arrays as the numpy input does."""
        return super().load_data(data.data, data.target)

    def predict_load_data(self, data: Bunch) -> Sequence[Dict[str, Any]]:
        """Leave the targets out when predicting: a deployed model never sees them."""
        return super().load_data(data.data)


class MyregDataFrameRegressionInput(MyregNumpyRegressionInput):
    """Loads a pandas ``DataFrame``: the feature columns are the features, the target column the targets."""

    def load_data(
        self,
        data_frame: pd.DataFrame,
        feature_columns: Sequence[str],
        target_column: Optional[str] = None,
    ) -> Sequence[Dict[str, Any]]:
        """Select the columns and load them as the numpy input does; targets are dropped when predicting."""
        examples, targets = _columns_to_arrays(data_frame, feature_columns, target_column, not self.predicting)
        return super().load_data(examples, targets)


class MyregCSVRegressionInput(MyregNumpyRegressionInput):
    """Loads a CSV file with a header row: the feature columns are the features, the target column the targets."""

    def load_data(
        self,
        file: str,
        feature_columns: Sequence[str],
        target_column: Optional[str] = None,
    ) -> Sequence[Dict[str, Any]]:
        """Read the file, select the columns and load them as the numpy input does."""
        data_frame = pd.read_csv(file)
        examples, targets = _columns_to_arrays(data_frame, feature_columns, target_column, not self.predicting)
        return super().load_data(examples, targets)


class MyregTensorRegressionInput(MyregNumpyRegressionInput):
    """Loads a ``(num_examples, num_features)`` tensor and an optional tensor of targets."""

    def load_data(
        self,
        examples: Tensor,
        targets: Optional[Tensor] = None,
    ) -> Sequence[Dict[str, Any]]:
        """Move the tensors to numpy so that the numpy input's handling applies unchanged."""
        examples = examples.detach().cpu().numpy()
        if targets is not None:
            targets = targets.detach().cpu().numpy()
        return super().load_data(examples, targets)


def _input_transform(transform: INPUT_TRANSFORM_TYPE, transform_kwargs: Optional[Dict]) -> INPUT_TRANSFORM_TYPE:
    """Instantiate an ``InputTransform`` class with ``transform_kwargs``: Flash wants an instance from 0.8 on."""
    if isinstance(transform, type) and issubclass(transform, InputTransform):
        return transform(**(transform_kwargs or {}))
    return transform


class MyregData(DataModule):
    """The ``DataModule`` of the MyregRegressor task: one ``from_*`` constructor per data source.

    ``input_transform_cls`` names the transform used when a constructor is given none.

    """

    input_transform_cls = MyregInputTransform

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
        input_cls: Type[Input] = MyregNumpyRegressionInput,
        transform: INPUT_TRANSFORM_TYPE = MyregInputTransform,
        transform_kwargs: Optional[Dict] = None,
        **data_module_kwargs: Any,
    ) -> "MyregData":
        """Create the ``MyregData`` from numpy arrays of features and sequences of targets.

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

        return cls(
            train_input,
            input_cls(RunningStage.VALIDATING, val_data, val_targets),
            input_cls(RunningStage.TESTING, test_data, test_targets),
            input_cls(RunningStage.PREDICTING, predict_data),
            transform=_input_transform(transform, transform_kwargs),
            transform_kwargs=transform_kwargs,
            **data_module_kwargs,
        )

    @classmethod
    def from_sklearn(
        cls,
        train_bunch: Optional[Bunch] = None,
        val_bunch: Optional[Bunch] = None,
        test_bunch: Optional[Bunch] = None,
        predict_bunch: Optional[Bunch] = None,
        input_cls: Type[Input] = MyregSKLearnRegressionInput,
        transform: INPUT_TRANSFORM_TYPE = MyregInputTransform,
        transform_kwargs: Optional[Dict] = None,
        **data_module_kwargs: Any,
    ) -> "MyregData":
        """Create the ``MyregData`` from scikit-learn ``Bunch`` objects (what ``sklearn.datasets`` returns).

        Args:
            train_bunch: The train data.
            val_bunch: The validation data.
            test_bunch: The test data.
            predict_bunch: The data to predict on; its targets are ignored.
            input_cls: The ``Input`` class that loads each stage's data.
            transform: The ``InputTransform`` applied to the samples.
            transform_kwargs: Keyword arguments for the transform's constructor.
            data_module_kwargs: Keyword arguments for the ``DataModule`` (``batch_size``, ``val_split``, ...).

        """
        train_input = input_cls(RunningStage.TRAINING, train_bunch)

        return cls(
            train_input,
            input_cls(RunningStage.VALIDATING, val_bunch),
            input_cls(RunningStage.TESTING, test_bunch),
            input_cls(RunningStage.PREDICTING, predict_bunch),
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
        input_cls: Type[Input] = MyregDataFrameRegressionInput,
        transform: INPUT_TRANSFORM_TYPE = MyregInputTransform,
        transform_kwargs: Optional[Dict] = None,
        **data_module_kwargs: Any,
    ) -> "MyregData":
        """Create the ``MyregData`` from pandas ``DataFrame`` objects.

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

        return cls(
            train_input,
            input_cls(RunningStage.VALIDATING, val_data_frame, **columns),
            input_cls(RunningStage.TESTING, test_data_frame, **columns),
            input_cls(RunningStage.PREDICTING, predict_data_frame, **columns),
            transform=_input_transform(transform, transform_kwargs),
            transform_kwargs=transform_kwargs,
            **data_module_kwargs,
        )

    @classmethod
    def from_csv(
        cls,
        feature_columns: Sequence[str],
        target_column: Optional[str] = None,
        train_file: Optional[str] = None,
        val_file: Optional[str] = None,
        test_file: Optional[str] = None,
        predict_file: Optional[str] = None,
        input_cls: Type[Input] = MyregCSVRegressionInput,
        transform: INPUT_TRANSFORM_TYPE = MyregInputTransform,
        transform_kwargs: Optional[Dict] = None,
        **data_module_kwargs: Any,
    ) -> "MyregData":
        """Create the ``MyregData`` from CSV files with a header row.

        Args:
            feature_columns: The columns holding the features.
            target_column: The column holding the targets.
            train_file: The train data.
            val_file: The validation data.
            test_file: The test data.
            predict_file: The data to predict on; the target column is not needed.
            input_cls: The ``Input`` class that loads each stage's data.
            transform: The ``InputTransform`` applied to the samples.
            transform_kwargs: Keyword arguments for the transform's constructor.
            data_module_kwargs: Keyword arguments for the ``DataModule`` (``batch_size``, ``val_split``, ...).

        """
        columns = {"feature_columns": feature_columns, "target_column": target_column}
        train_input = input_cls(RunningStage.TRAINING, train_file, **columns)

        return cls(
            train_input,
            input_cls(RunningStage.VALIDATING, val_file, **columns),
            input_cls(RunningStage.TESTING, test_file, **columns),
            input_cls(RunningStage.PREDICTING, predict_file, **columns),
            transform=_input_transform(transform, transform_kwargs),
            transform_kwargs=transform_kwargs,
            **data_module_kwargs,
        )

    @classmethod
    def from_tensors(
        cls,
        train_data: Optional[Tensor] = None,
        train_targets: Optional[Tensor] = None,
        val_data: Optional[Tensor] = None,
        val_targets: Optional[Tensor] = None,
        test_data: Optional[Tensor] = None,
        test_targets: Optional[Tensor] = None,
        predict_data: Optional[Tensor] = None,
        input_cls: Type[Input] = MyregTensorRegressionInput,
        transform: INPUT_TRANSFORM_TYPE = MyregInputTransform,
        transform_kwargs: Optional[Dict] = None,
        **data_module_kwargs: Any,
    ) -> "MyregData":
        """Create the ``MyregData`` from torch tensors.

        Args:
            train_data: The train features, shape ``(num_examples, num_features)``.
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

        return cls(
            train_input,
            input_cls(RunningStage.VALIDATING, val_data, val_targets),
            input_cls(RunningStage.TESTING, test_data, test_targets),
            input_cls(RunningStage.PREDICTING, predict_data),
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

    @staticmethod
    def configure_data_fetcher(*args: Any, **kwargs: Any) -> BaseDataFetcher:
        """Hook the task's visualization in: ``show_*`` calls on the data module go through it."""
        return MyregVisualization(*args, **kwargs)


class MyregVisualization(BaseVisualization):
    """Prints the samples at each stage of loading; override these hooks to draw them instead."""

    def show_load_sample(
        self,
        samples: List[Any],
        running_stage: RunningStage,
        limit_nb_samples: Optional[int] = None,
        figsize: Tuple[int, int] = (6.4, 4.8),
    ):
        """Show the samples as ``load_sample`` returned them."""
        print(samples)

    def show_per_sample_transform(
        self,
        samples: List[Any],
        running_stage: RunningStage,
        limit_nb_samples: Optional[int] = None,
        figsize: Tuple[int, int] = (6.4, 4.8),
    ):
        """Show the samples after the ``per_sample_transform``."""
        print(samples)
