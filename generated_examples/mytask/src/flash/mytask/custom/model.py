"""The MytaskTask task: a plain Flash task made of a registered backbone and a linear head."""

from typing import Any, Dict, Optional, Tuple, Union

import torch.nn.functional as F
import torchmetrics
from flash.core.data.io.input import DataKeys
from flash.core.model import Task
from flash.core.registry import FlashRegistry
from flash.core.utilities.types import LOSS_FN_TYPE, LR_SCHEDULER_TYPE, METRICS_TYPE, OPTIMIZER_TYPE
from torch import Tensor, nn

from flash.mytask.custom.backbones import MYTASK_BACKBONES
from flash.mytask.custom.output import MYTASK_OUTPUTS
from flash.mytask.custom.output_transform import MytaskOutputTransform


class MytaskTask(Task):
    """Score mytask examples from their numeric features.

    Flash has no base class for this task type, so every default is spelled out here: cross-entropy loss, Adam,
    accuracy as the metric, and a backbone from the registry followed by a linear head.

    Args:
        num_features: The number of features of each example.
        num_classes: The number of classes (outputs of the head).
        backbone: A name from ``backbones`` (or a ``(module, out_features)`` tuple).
        backbone_kwargs: Keyword arguments for the backbone's constructor.
        loss_fn: The loss function; ``None`` takes the default named above.
        optimizer: The optimizer, by name or class.
        lr_scheduler: The learning rate scheduler, if any.
        metrics: The metrics; ``None`` takes the default named above.
        learning_rate: The learning rate; ``None`` takes the optimizer's own default.
    """

    backbones: FlashRegistry = MYTASK_BACKBONES
    # TorchScript cannot compile an OutputTransform; only a Trainer's predict uses it, so scripting skips it.
    __jit_ignored_attributes__ = ["_output_transform"]
    outputs: FlashRegistry = Task.outputs + MYTASK_OUTPUTS

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
        self.save_hyperparameters()

        super().__init__(
            model=None,
            loss_fn=loss_fn or F.cross_entropy,
            optimizer=optimizer,
            lr_scheduler=lr_scheduler,
            metrics=metrics or torchmetrics.Accuracy(num_classes=num_classes),
            learning_rate=learning_rate,
            output_transform=MytaskOutputTransform(),
        )

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
