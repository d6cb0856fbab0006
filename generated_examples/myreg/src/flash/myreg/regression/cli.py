"""Flash Zero for the MyregRegressor task: it trains from the command line.

Run ``flash myreg_regression``.
"""

from typing import Any

from flash.core.utilities.flash_cli import FlashCLI

from flash.myreg.regression.data import MyregData
from flash.myreg.regression.model import MyregRegressor

__all__ = ["myreg_regression"]


def from_diabetes(
    val_split: float = 0.1,
    batch_size: int = 4,
    **data_module_kwargs: Any,
) -> MyregData:
    """Load scikit-learn's diabetes data set, the default data of this command."""
    from sklearn import datasets

    bunch = datasets.load_diabetes()
    return MyregData.from_sklearn(
        train_bunch=bunch,
        val_split=val_split,
        batch_size=batch_size,
        **data_module_kwargs,
    )


def myreg_regression():
    """Predict a real value for myreg examples from their numeric features."""
    cli = FlashCLI(
        MyregRegressor,
        MyregData,
        default_datamodule_builder=from_diabetes,
        default_arguments={"trainer.max_epochs": 3},
        finetune=False,
        datamodule_attributes={"num_features"},
    )
    cli.trainer.save_checkpoint("myreg_regression_model.pt")


if __name__ == "__main__":
    myreg_regression()
