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
