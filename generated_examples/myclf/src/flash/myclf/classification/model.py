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
"""The MyclfClassifier task: a classifier made of a registered backbone and a linear head."""

from typing import Any, Dict, List, Optional, Tuple, Union

from torch import Tensor, nn

from flash.core.classification import ClassificationTask
from flash.core.data.io.input import DataKeys
from flash.core.registry import FlashRegistry
from flash.core.utilities.types import LOSS_FN_TYPE, LR_SCHEDULER_TYPE, METRICS_TYPE, OPTIMIZER_TYPE
from flash.myclf.classification.backbones import MYCLF_BACKBONES


def _is_plain_data(value: Any) -> bool:
    """Whether ``torch.load(..., weights_only=True)`` reads ``value`` back: plain data, nothing else."""
    # The class itself: a subclass of these (an OrderedDict, an enum of strings) is not plain data.
    cls = type(value)
    if cls in (list, tuple):
        return all(_is_plain_data(item) for item in value)
    if cls is dict:
        return all(isinstance(key, str) and _is_plain_data(key) and _is_plain_data(item) for key, item in value.items())
    return value is None or cls in (bool, int, float, str)


def _objects(arguments: Dict[str, Any]) -> List[str]:
    """The names of the constructor's ``arguments`` that are objects, which a checkpoint does not hold."""
    return [name for name, value in arguments.items() if not _is_plain_data(value)]


class MyclfClassifier(ClassificationTask):
    """Classify myclf examples from their numeric features.

    Its defaults are those of ``__init__``, which also shows what a ``None`` loss or metric stands for.

    A checkpoint keeps the hyperparameters that are plain data: numbers, strings, ``None``, and lists, tuples and
    dictionaries of them. From torch 2.6 on, ``torch.load``, which ``load_from_checkpoint`` calls, reads nothing else
    by default (``weights_only=True``). So an argument given as an object (a loss module or function, a metric, an
    optimizer or scheduler class, a ``(module, out_features)`` backbone) stays out of the hyperparameters, and every
    checkpoint loads with a plain ``load_from_checkpoint(path)``: the loaded task predicts the same, with the default
    in place of that argument. To train on with the object, pass it again: ``load_from_checkpoint(path, loss_fn=...)``.

    Args:
        num_features: The number of features of each example.
        num_classes: The number of classes (outputs of the head).
        labels: The class names; they give ``num_classes`` when it is not set.
        backbone: A name from ``backbones`` (or a ``(module, out_features)`` tuple).
        backbone_kwargs: Keyword arguments for the backbone's constructor.
        loss_fn: The loss function (a module, a function, or a dictionary naming them).
        optimizer: The optimizer, by name (see ``available_optimizers()``) or class.
        lr_scheduler: The learning rate scheduler, if any: a name, ``(name, kwargs)``, or a callable of the optimizer.
        metrics: The metrics (a ``torchmetrics`` metric, a function, or a dictionary naming them).
        learning_rate: The learning rate; ``None`` takes the optimizer's own default.
        multi_label: Whether each example may belong to several classes.

    """

    backbones: FlashRegistry = MYCLF_BACKBONES
    # Without the topic's extra installed, creating the task says which one to install.
    required_extras: str = "myclf"

    def __init__(
        self,
        num_features: int,
        num_classes: Optional[int] = None,
        labels: Optional[List[str]] = None,
        backbone: Union[str, Tuple[nn.Module, int]] = "mlp-128",
        backbone_kwargs: Optional[Dict] = None,
        loss_fn: LOSS_FN_TYPE = None,
        optimizer: OPTIMIZER_TYPE = "Adam",
        lr_scheduler: LR_SCHEDULER_TYPE = None,
        metrics: METRICS_TYPE = None,
        learning_rate: Optional[float] = None,
        multi_label: bool = False,
    ):
        objects = _objects(locals())
        self.save_hyperparameters(ignore=objects)

        if labels is not None and num_classes is None:
            num_classes = len(labels)

        super().__init__(
            model=None,
            loss_fn=loss_fn,  # None: ClassificationTask's cross-entropy (binary cross-entropy when multi_label)
            optimizer=optimizer,
            lr_scheduler=lr_scheduler,
            metrics=metrics,  # None: ClassificationTask's accuracy (F1 score when multi_label)
            learning_rate=learning_rate,
            multi_label=multi_label,
            num_classes=num_classes,
            labels=labels,
        )
        for name in objects:  # Flash's Task records the optimizer among the hyperparameters again
            self.hparams.pop(name, None)

        if not backbone_kwargs:
            backbone_kwargs = {}

        if isinstance(backbone, tuple):
            self.backbone, out_features = backbone
        else:
            self.backbone, out_features = self.backbones.get(backbone)(num_features=num_features, **backbone_kwargs)

        self.head = nn.Linear(out_features, num_classes)

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        """Flash batches are dictionaries; the base ``training_step`` wants an ``(input, target)`` pair, so build it."""
        batch = (batch[DataKeys.INPUT], batch[DataKeys.TARGET])
        return super().training_step(batch, batch_idx)

    def validation_step(self, batch: Any, batch_idx: int) -> Any:
        """Build the ``(input, target)`` pair from the batch dictionary, as in ``training_step``."""
        batch = (batch[DataKeys.INPUT], batch[DataKeys.TARGET])
        return super().validation_step(batch, batch_idx)

    def test_step(self, batch: Any, batch_idx: int) -> Any:
        """Build the ``(input, target)`` pair from the batch dictionary, as in ``training_step``."""
        batch = (batch[DataKeys.INPUT], batch[DataKeys.TARGET])
        return super().test_step(batch, batch_idx)

    def predict_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> Any:
        """Prediction batches carry no target: pass only the input on."""
        batch = batch[DataKeys.INPUT]
        return super().predict_step(batch, batch_idx, dataloader_idx=dataloader_idx)

    def forward(self, x) -> Tensor:
        """Run the backbone, then the head."""
        x = self.backbone(x)
        return self.head(x)
