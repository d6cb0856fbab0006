"""The TemplateSKLearnClassifier task: a classifier made of a registered backbone and a linear head."""

from typing import Any, Dict, List, Optional, Tuple, Union

from flash.core.classification import ClassificationTask
from flash.core.data.io.input import DataKeys
from flash.core.registry import FlashRegistry
from flash.core.utilities.types import LOSS_FN_TYPE, LR_SCHEDULER_TYPE, METRICS_TYPE, OPTIMIZER_TYPE
from torch import Tensor, nn

from flash.template.classification.backbones import TEMPLATE_BACKBONES


class TemplateSKLearnClassifier(ClassificationTask):
    """Classify template examples from their numeric features.

    A ``ClassificationTask`` provides the defaults: cross-entropy loss (binary cross-entropy when ``multi_label``),
    accuracy (or F1 when ``multi_label``), and the classification outputs (``"classes"``, ``"probabilities"``, ...).

    Args:
        num_features: The number of features of each example.
        num_classes: The number of classes (outputs of the head).
        labels: The class names; they give ``num_classes`` when it is not set.
        backbone: A name from ``backbones`` (or a ``(module, out_features)`` tuple).
        backbone_kwargs: Keyword arguments for the backbone's constructor.
        loss_fn: The loss function; ``None`` takes the default named above.
        optimizer: The optimizer, by name or class.
        lr_scheduler: The learning rate scheduler, if any.
        metrics: The metrics; ``None`` takes the default named above.
        learning_rate: The learning rate; ``None`` takes the optimizer's own default.
        multi_label: Whether each example may belong to several classes.
    """

    backbones: FlashRegistry = TEMPLATE_BACKBONES

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
        self.save_hyperparameters()

        if labels is not None and num_classes is None:
            num_classes = len(labels)

        super().__init__(
            model=None,
            loss_fn=loss_fn,
            optimizer=optimizer,
            lr_scheduler=lr_scheduler,
            metrics=metrics,
            learning_rate=learning_rate,
            multi_label=multi_label,
            num_classes=num_classes,
            labels=labels,
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
