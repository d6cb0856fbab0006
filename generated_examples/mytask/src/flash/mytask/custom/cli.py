"""Flash Zero for the MytaskTask task: it trains from the command line.

Run ``flash mytask_custom``.
"""

from typing import Any

from flash.core.utilities.flash_cli import FlashCLI

from flash.mytask.custom.data import MytaskData
from flash.mytask.custom.model import MytaskTask

__all__ = ["mytask_custom"]


def from_iris(
    val_split: float = 0.1,
    batch_size: int = 4,
    **data_module_kwargs: Any,
) -> MytaskData:
    """Load scikit-learn's iris data set, the default data of this command."""
    from sklearn import datasets

    features, targets = datasets.load_iris(return_X_y=True)
    return MytaskData.from_numpy(
        train_data=features,
        train_targets=targets,
        val_split=val_split,
        batch_size=batch_size,
        **data_module_kwargs,
    )


def mytask_custom():
    """Score mytask examples from their numeric features."""
    cli = FlashCLI(
        MytaskTask,
        MytaskData,
        default_datamodule_builder=from_iris,
        default_arguments={"trainer.max_epochs": 3},
        finetune=False,
        datamodule_attributes={"num_features", "num_classes"},
    )
    cli.trainer.save_checkpoint("mytask_custom_model.pt")


if __name__ == "__main__":
    mytask_custom()
