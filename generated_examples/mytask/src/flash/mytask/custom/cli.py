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
