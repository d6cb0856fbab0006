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
"""The MystepsTask task: a plain Flash task made of a registered backbone and a linear head."""

from typing import Any, Dict, List, Optional, Tuple, Union

import torch.nn.functional as F
import torchmetrics
from torch import Tensor, nn
from torchmetrics.classification import MulticlassAccuracy

from flash.core.data.io.input import DataKeys
from flash.core.model import Task
from flash.core.registry import FlashRegistry
from flash.core.utilities.types import LOSS_FN_TYPE, LR_SCHEDULER_TYPE, METRICS_TYPE, OPTIMIZER_TYPE
from flash.mysteps.custom.backbones import MYSTEPS_BACKBONES
from flash.mysteps.custom.output import MYSTEPS_OUTPUTS
from flash.mysteps.custom.output_transform import MystepsOutputTransform


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


class MystepsTask(Task):
    """Score mysteps examples from their numeric features.

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
        backbone: A name from ``backbones`` (or a ``(module, out_features)`` tuple).
        backbone_kwargs: Keyword arguments for the backbone's constructor.
        loss_fn: The loss function (a module, a function, or a dictionary naming them).
        optimizer: The optimizer, by name (see ``available_optimizers()``) or class.
        lr_scheduler: The learning rate scheduler, if any: a name, ``(name, kwargs)``, or a callable of the optimizer.
        metrics: The metrics (a ``torchmetrics`` metric, a function, or a dictionary naming them).
        learning_rate: The learning rate; ``None`` takes the optimizer's own default.

    """

    backbones: FlashRegistry = MYSTEPS_BACKBONES
    # Without the topic's extra installed, creating the task says which one to install.
    required_extras: str = "mysteps"
    # TorchScript cannot compile an OutputTransform; only a Trainer's predict uses it, so scripting skips it.
    __jit_ignored_attributes__ = ["_output_transform"]
    outputs: FlashRegistry = Task.outputs + MYSTEPS_OUTPUTS

    def __init__(
        self,
        num_features: int,
        num_classes: int = 2,
        backbone: Union[str, Tuple[nn.Module, int]] = "mlp-128",
        backbone_kwargs: Optional[Dict] = None,
        loss_fn: LOSS_FN_TYPE = None,
        optimizer: OPTIMIZER_TYPE = "Adam",
        lr_scheduler: LR_SCHEDULER_TYPE = None,
        metrics: METRICS_TYPE = None,
        learning_rate: Optional[float] = None,
    ):
        objects = _objects(locals())
        self.save_hyperparameters(ignore=objects)

        super().__init__(
            model=None,
            loss_fn=loss_fn or F.cross_entropy,
            optimizer=optimizer,
            lr_scheduler=lr_scheduler,
            metrics=metrics or {"accuracy": MulticlassAccuracy(num_classes, average="micro")},
            learning_rate=learning_rate,
            output_transform=MystepsOutputTransform(),
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

    def training_step(self, batch: Any, batch_idx: int) -> Tensor:
        """Compute the loss on a training batch (the sum of the task's loss functions, one by default), log it and the
        metrics after every step and per epoch, and return it to the optimizer.

        The place to train differently: another loss, a weighted sum of several, an extra term such as a penalty.

        """
        x, y = batch[DataKeys.INPUT], batch[DataKeys.TARGET]
        y_hat = self(x)
        losses = {name: loss_fn(y_hat, y) for name, loss_fn in self.loss_fn.items()}
        logs = {}
        for name, metric in self.train_metrics.items():
            value = metric(y_hat, y)
            # a torchmetrics Metric is logged itself, so that its epoch value is computed over all batches
            logs[f"train_{name}"] = metric if isinstance(metric, torchmetrics.Metric) else value
        logs.update({f"train_{name}": loss for name, loss in losses.items()})
        self.log_dict(logs, on_step=True, on_epoch=True, prog_bar=True, batch_size=y.shape[0])
        return sum(losses.values())

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        """Update the metrics on a validation batch; log them and the loss once per epoch. Nothing is returned.

        The place to evaluate differently from training: other inputs to the metrics, a loss left out of the logs.

        """
        x, y = batch[DataKeys.INPUT], batch[DataKeys.TARGET]
        y_hat = self(x)
        losses = {name: loss_fn(y_hat, y) for name, loss_fn in self.loss_fn.items()}
        logs = {}
        for name, metric in self.val_metrics.items():
            value = metric(y_hat, y)
            # a torchmetrics Metric is logged itself, so that its epoch value is computed over all batches
            logs[f"val_{name}"] = metric if isinstance(metric, torchmetrics.Metric) else value
        logs.update({f"val_{name}": loss for name, loss in losses.items()})
        self.log_dict(logs, on_step=False, on_epoch=True, prog_bar=True, batch_size=y.shape[0])

    def test_step(self, batch: Any, batch_idx: int) -> None:
        """Update the metrics on a test batch; log them and the loss once per epoch, as ``validation_step`` does.

        The place to test differently from validation, for example with metrics of the test set only.

        """
        x, y = batch[DataKeys.INPUT], batch[DataKeys.TARGET]
        y_hat = self(x)
        losses = {name: loss_fn(y_hat, y) for name, loss_fn in self.loss_fn.items()}
        logs = {}
        for name, metric in self.test_metrics.items():
            value = metric(y_hat, y)
            # a torchmetrics Metric is logged itself, so that its epoch value is computed over all batches
            logs[f"test_{name}"] = metric if isinstance(metric, torchmetrics.Metric) else value
        logs.update({f"test_{name}": loss for name, loss in losses.items()})
        self.log_dict(logs, on_step=False, on_epoch=True, prog_bar=True, batch_size=y.shape[0])

    def predict_step(self, batch: Any, batch_idx: int, dataloader_idx: int = 0) -> Any:
        """Run the model on the inputs of a prediction batch (it has no target) and return its raw output.

        What it returns goes through the task's output transform (``MystepsOutputTransform``)
        and then the chosen output, both applied by ``flash.Trainer.predict``. The place to predict from something
        other than ``forward``, or to return more than the model's output.

        """
        return self(batch[DataKeys.INPUT])

    def forward(self, x) -> Tensor:
        """Run the backbone, then the head."""
        x = self.backbone(x)
        return self.head(x)
