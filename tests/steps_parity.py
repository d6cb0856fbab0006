"""Train a generated task and save what it did: ``python -m tests.steps_parity OUT PACKAGE:NAME:KIND ...``.

For each task (of ``PACKAGE``, which must be importable), with one seed and one data set: a few training steps
with validation on a deterministic CPU ``flash.Trainer``, the metrics logged after every training step and every
validation epoch (with which of them the progress bar shows), the weights, the results of ``validate`` and
``test``, and the predictions. ``torch.save`` writes them all to ``OUT``, by ``PACKAGE:NAME``;
:mod:`tests.test_steps` compares those of a task generated with ``--steps super`` and of the same task
generated with ``--steps explicit``.
"""

from __future__ import annotations

import importlib
import sys
import warnings

SEED = 20
NUM_FEATURES = 4
NUM_CLASSES = 3


def _data(kind: str):
    import numpy as np

    generator = np.random.default_rng(SEED)
    features = generator.normal(size=(72, NUM_FEATURES)).astype(np.float32)
    if kind == "regression":
        targets = (features @ np.array([0.5, -1.0, 2.0, 0.25], dtype=np.float32)).tolist()
    else:
        targets = generator.integers(0, NUM_CLASSES, size=72).tolist()
    return features, targets


def _record(package: str, name: str, kind: str) -> dict:
    import torch
    from flash import Trainer
    from pytorch_lightning import Callback, seed_everything

    task_type = {"classification": "classification", "regression": "regression", "task": "custom"}[kind]
    module = importlib.import_module(f"{package}.{name}.{task_type}")
    stem = name.capitalize()
    data_class = getattr(module, f"{stem}Data")
    model_class = getattr(module, stem + {"classification": "Classifier", "regression": "Regressor"}.get(kind, "Task"))

    class Logged(Callback):
        """The metrics as logged after every training step and every validation epoch."""

        def __init__(self) -> None:
            self.steps: list[dict] = []

        def _keep(self, trainer, when: str) -> None:
            metrics = {key: value.detach().clone() for key, value in trainer.callback_metrics.items()}
            self.steps.append({"when": when, "metrics": metrics, "bar": sorted(trainer.progress_bar_metrics)})

        def on_train_batch_end(self, trainer, *args) -> None:
            self._keep(trainer, f"train {trainer.global_step}")

        def on_validation_epoch_end(self, trainer, *args) -> None:
            self._keep(trainer, f"validation {trainer.global_step}")

    seed_everything(SEED, workers=True)
    features, targets = _data(kind)
    datamodule = data_class.from_numpy(
        train_data=features[:48],
        train_targets=targets[:48],
        val_data=features[48:60],
        val_targets=targets[48:60],
        test_data=features[60:],
        test_targets=targets[60:],
        predict_data=features[:10],
        batch_size=8,
        num_workers=0,
    )
    outputs = {"num_targets": 1} if kind == "regression" else {"num_classes": NUM_CLASSES}
    model = model_class(num_features=NUM_FEATURES, learning_rate=0.01, **outputs)
    logged = Logged()
    trainer = Trainer(
        max_steps=8,
        val_check_interval=4,
        accelerator="cpu",
        devices=1,
        deterministic=True,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[logged],
    )
    trainer.fit(model, datamodule=datamodule)
    weights = {key: value.detach().clone() for key, value in model.state_dict().items()}
    fitted = {key: value.detach().clone() for key, value in trainer.logged_metrics.items()}
    validated = trainer.validate(model, datamodule=datamodule, verbose=False)
    tested = trainer.test(model, datamodule=datamodule, verbose=False)
    predicted = trainer.predict(model, datamodule=datamodule)
    return {
        "logged": logged.steps,
        "logged_metrics": fitted,
        "weights": weights,
        "validate": validated,
        "test": tested,
        "predict": [[torch.as_tensor(p) for p in batch] for batch in predicted],
    }


def main(out: str, *tasks: str) -> None:
    import torch

    warnings.filterwarnings("ignore")
    results = {}
    for task in tasks:
        package, name, kind = task.split(":")
        results[f"{package}:{name}"] = _record(package, name, kind)
    torch.save(results, out)


if __name__ == "__main__":
    main(*sys.argv[1:])
