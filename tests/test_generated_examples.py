"""The committed renders in ``generated_examples/`` are what the template gives today, and their tests pass.

``python -m maintainer.examples`` makes them; a template change without re-rendering them fails here.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from maintainer import examples
from scaffold.host import detect
from scaffold.names import EXTRAS, INPUTS
from scaffold.plan import Plan
from scaffold.registrations import TopicExtra, TopicFlag
from tests.conftest import make_flash_checkout, run_pytest
from tests.test_generate import assert_green_in_flash

NAMES = list(examples.EXAMPLES)


def test_the_examples_are_the_five_documented_ones():
    assert NAMES == ["myclf", "template", "myreg", "mytask", "mysteps"]
    assert sorted(p.name for p in examples.OUT.iterdir()) == sorted(NAMES)
    myreg, mytask, mysteps = (examples.EXAMPLES[name] for name in ("myreg", "mytask", "mysteps"))
    assert (myreg.kind, sorted(myreg.extras)) == ("regression", sorted(EXTRAS))
    assert sorted(myreg.inputs) == sorted(INPUTS)
    assert (mytask.kind, sorted(mytask.extras)) == ("task", sorted(EXTRAS))
    assert (mysteps.kind, mysteps.steps) == ("task", "explicit")
    assert [examples.EXAMPLES[name].steps for name in NAMES[:4]] == [None] * 4  # the default: super
    answers = yaml.safe_load((examples.OUT / "mysteps" / ".flash-new" / "mysteps.yml").read_text())
    assert answers["steps"] == "explicit"


@pytest.mark.parametrize("name", NAMES)
def test_committed_example_is_a_fresh_render(name):
    fresh = examples.render_example(name)
    committed = examples.committed(name)
    assert sorted(committed) == sorted(fresh), "run `python -m maintainer.examples`"
    for path, data in fresh.items():
        assert committed[path] == data, f"{name}/{path} differs from a fresh render: run `make examples`"


@pytest.mark.train
def test_generated_tests_of_every_example_pass_in_a_flash_checkout(tmp_path, monkeypatch):
    """Each example's files in a Flash checkout, as CI would have them; one pytest run over all their tests."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    root = make_flash_checkout(tmp_path / "lightning-flash")
    folders = {}
    for name in NAMES:
        source = examples.OUT / name
        answers = yaml.safe_load((source / ".flash-new" / f"{name}.yml").read_text())
        for path in source.rglob("*"):
            if path.is_file():
                target = root / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        # registration makes tests/<data type>/ a package, so that every task's test modules have names of their own,
        # and a new data type a topic, whose flag the tests are gated on
        (root / "tests" / answers["data_type"] / "__init__.py").touch()
        context = {"data_type": answers["data_type"], "topic_flag": f"_TOPIC_{answers['data_type'].upper()}_AVAILABLE"}
        plan = Plan(root)
        for kind in (TopicFlag, TopicExtra):
            for registration in kind.for_task(detect(root), context, plan):
                registration.apply(plan)
        plan.apply()
        folders[name] = f"tests/{answers['data_type']}/{answers['task_type']}"
        assert (root / folders[name] / "test_model.py").is_file()

    result = run_pytest(root, *folders.values(), extra_path="src")
    counts = assert_green_in_flash(result, at_least=1, testers=len(NAMES))
    passed = [line for line in result.stdout.splitlines() if line.startswith("PASSED ")]
    assert len(passed) == counts["passed"]
    for name, folder in folders.items():
        own = [line for line in passed if line.startswith(f"PASSED {folder}/")]
        options = examples.EXAMPLES[name]
        # test_data: smoke + one per input; test_model: smoke, 8 forward, train, val, test, a predict per input,
        # checkpoint, 2 jit
        assert len(own) >= 2 + 2 * len(options.inputs) + 14, (name, own)
        for source in options.inputs:
            assert any(line.endswith(f"test_model.py::test_predict_{source}") for line in own), (name, source)
