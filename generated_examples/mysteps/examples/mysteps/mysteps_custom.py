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
"""Train the MystepsTask, predict a few examples, save a checkpoint."""

import os
import tempfile

import flash
from flash.mysteps.custom import MystepsData, MystepsTask
from pytorch_lightning import seed_everything
from sklearn import datasets

# One seed for the split, the weights and the batches: every run trains the same way.
seed_everything(42)

# Everything the run writes (logs, checkpoints) goes to a temporary folder, deleted at the end, so that running the
# example leaves the repository as it was: give a folder of your own to keep them.
workdir = tempfile.TemporaryDirectory(prefix="mysteps_custom-")

# 1. Load the data and create the DataModule
# TODO(flash-new): train on your task's own data: load it here and create the DataModule with the from_* that reads it.
features, targets = datasets.load_iris(return_X_y=True)
datamodule = MystepsData.from_numpy(
    train_data=features,
    train_targets=targets,
    val_split=0.1,
    batch_size=4,
)

# 2. Build the task
model = MystepsTask(
    num_features=datamodule.num_features,
    num_classes=datamodule.num_classes,
    learning_rate=0.01,
)

# 3. Create the trainer and train the model: "auto" takes the CPU, GPUs or TPUs there are, and every device of
# that kind (Lightning 1.9 reads an unset `devices` as "auto"; Flash's test mode rejects an explicit one)
trainer = flash.Trainer(max_epochs=10, accelerator="auto", log_every_n_steps=10, default_root_dir=workdir.name)
trainer.fit(model, datamodule=datamodule)
for name, value in trainer.validate(model, datamodule=datamodule)[0].items():
    print(f"{name}: {value:.3f}")

# 4. Predict a few examples
datamodule = MystepsData.from_numpy(
    predict_data=features[:5],
    batch_size=4,
)
predictions = trainer.predict(model, datamodule=datamodule, output="class_index")
print(predictions)

# 5. Save the model
trainer.save_checkpoint(os.path.join(workdir.name, "model.pt"))
workdir.cleanup()
