"""`flash-new task template --model-class TemplateSKLearnClassifier` is the guide's own template task.

The installed ``flash.template.classification`` (lightning-flash 0.8.2) is the reference: the generated
package has the same classes, methods, signatures, class hierarchy and backbones, and from the same seed it
builds the same weights and gives the same outputs.
"""

from __future__ import annotations

import importlib
import inspect
import sys

import pytest
import torch

from scaffold.names import TaskOptions
from scaffold.tasks import create_task

REFERENCE = "flash.template.classification"


@pytest.fixture
def generated(package_host, monkeypatch):
    create_task(package_host, TaskOptions("template", model_class="TemplateSKLearnClassifier"))
    monkeypatch.syspath_prepend(str(package_host / "src"))
    for name in [m for m in sys.modules if m.startswith("team_tasks")]:
        del sys.modules[name]
    module = "team_tasks.template.classification"
    return {part: importlib.import_module(f"{module}.{part}") for part in ("data", "model", "backbones")}


@pytest.fixture
def reference():
    return {part: importlib.import_module(f"{REFERENCE}.{part}") for part in ("data", "model", "backbones")}


def _own_classes(module) -> dict[str, type]:
    return {n: c for n, c in vars(module).items() if inspect.isclass(c) and c.__module__ == module.__name__}


def _signature(function) -> list[tuple[str, str, object]]:
    """Names, kinds and defaults of the parameters; a class default compares by name (it is the package's own)."""
    parameters = inspect.signature(function).parameters.values()
    return [(p.name, str(p.kind), p.default.__name__ if inspect.isclass(p.default) else p.default) for p in parameters]


@pytest.mark.parametrize("part", ["data", "model"])
def test_same_classes_methods_and_signatures(generated, reference, part):
    ours, theirs = _own_classes(generated[part]), _own_classes(reference[part])
    assert set(ours) == set(theirs)
    for name, cls in theirs.items():
        their_methods = {m for m in vars(cls) if not m.startswith("__") or m == "__init__"}
        our_methods = {m for m in vars(ours[name]) if not m.startswith("__") or m == "__init__"}
        assert our_methods == their_methods, name
        for method in their_methods:
            theirs_attr, ours_attr = inspect.getattr_static(cls, method), inspect.getattr_static(ours[name], method)
            assert type(ours_attr) is type(theirs_attr), f"{name}.{method}"
            if callable(theirs_attr) or isinstance(theirs_attr, (classmethod, staticmethod)):
                assert _signature(getattr(ours[name], method)) == _signature(getattr(cls, method)), f"{name}.{method}"


@pytest.mark.parametrize("part", ["data", "model"])
def test_same_class_hierarchy(generated, reference, part):
    for name, cls in _own_classes(reference[part]).items():
        ours = getattr(generated[part], name)
        assert [c.__name__ for c in ours.__mro__] == [c.__name__ for c in cls.__mro__], name


def test_same_backbones(generated, reference):
    ours = generated["backbones"].TEMPLATE_BACKBONES
    theirs = reference["backbones"].TEMPLATE_BACKBONES
    assert sorted(ours.available_keys()) == sorted(theirs.available_keys())
    for key in theirs.available_keys():
        assert ours.get(key, with_metadata=True)["metadata"] == theirs.get(key, with_metadata=True)["metadata"]
        assert ours.get(key).__name__ == theirs.get(key).__name__
    assert set(_own_classes(generated["model"])["TemplateSKLearnClassifier"].available_backbones()) == {
        "mlp-128",
        "mlp-128-256",
    }


@pytest.mark.parametrize("backbone", ["mlp-128", "mlp-128-256"])
def test_same_weights_and_outputs_from_the_same_seed(generated, reference, backbone):
    def build(module):
        torch.manual_seed(7)
        return module.TemplateSKLearnClassifier(num_features=4, num_classes=3, backbone=backbone).eval()

    ours, theirs = build(generated["model"]), build(reference["model"])
    our_state, their_state = ours.state_dict(), theirs.state_dict()
    assert list(our_state) == list(their_state)
    for key in their_state:
        assert torch.equal(our_state[key], their_state[key]), key
    rows = torch.rand(5, 4)
    assert torch.equal(ours(rows), theirs(rows))
    assert ours.hparams == theirs.hparams


def test_same_data_pipeline(generated, reference):
    """Both data modules turn the same iris Bunch into the same batches."""
    from sklearn import datasets

    batches = []
    for module in (generated["data"], reference["data"]):
        datamodule = module.TemplateData.from_sklearn(train_bunch=datasets.load_iris(), batch_size=150)
        batch = next(iter(datamodule.train_dataloader()))
        batches.append((datamodule.num_features, datamodule.num_classes, batch))
    (our_features, our_classes, ours), (their_features, their_classes, theirs) = batches
    assert (our_features, our_classes) == (their_features, their_classes) == (4, 3)
    assert torch.equal(ours["input"].sort(0).values, theirs["input"].sort(0).values)
    assert ours["input"].dtype == theirs["input"].dtype
    assert torch.equal(ours["target"].sort().values, theirs["target"].sort().values)
