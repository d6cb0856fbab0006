"""The fixture checkout's ``TaskTester`` attaches and gates its checks as Lightning Flash's does.

A test class for the installed ``TemplateSKLearnClassifier`` runs in the checkout: the example properties it
defines attach forward, fit, val, test and the two TorchScript checks, ``marks`` parametrizes them, ``cli_command``
attaches the Flash Zero check, and the availability flags skip the dependency checks (available) or everything
else (not testing).
"""

from __future__ import annotations

import pytest

from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.combos import pytest_counts
from tests.conftest import run_pytest

TEST_CLASS = """
import pytest
import torch
from flash.core.data.io.input import DataKeys
from flash.template import TemplateSKLearnClassifier

from tests.helpers.task_tester import TaskTester


class TestTemplate(TaskTester):
    task = TemplateSKLearnClassifier
    task_kwargs = {{"num_features": 4, "num_classes": 3}}
    cli_command = {cli!r}
    is_testing = {testing}
    is_available = True
    scriptable = {scriptable}
    marks = {{
        "test_fit": [pytest.mark.parametrize("task_kwargs", [{{}}, {{"backbone": "mlp-128-256"}}])],
        "test_val": [pytest.mark.parametrize("task_kwargs", [{{}}])],
        "test_cli": [pytest.mark.parametrize("extra_args", [[]])],
    }}

    @property
    def example_forward_input(self):
        return torch.rand(2, 4)

    def check_forward_output(self, output):
        assert output.shape == (2, 3)

    @property
    def example_train_sample(self):
        return {{DataKeys.INPUT: torch.rand(4), DataKeys.TARGET: 1}}

    @property
    def example_val_sample(self):
        return self.example_train_sample

    def test_own(self):
        assert self.instantiated_task.backbone is not None
"""


def _run(root, **values):
    path = root / "tests" / "template_tester" / "test_model.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "__init__.py").write_text("")
    path.write_text(TEST_CLASS.format(**values))
    result = run_pytest(root, "tests/template_tester", timeout=600)
    return result, _outcomes(result)


def _outcomes(result) -> dict[str, str]:
    """What each test that passed, failed or erred did (the ``-rA`` summary)."""
    outcomes = {}
    for line in result.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "SKIPPED", "FAILED", "ERROR") and "::" in line:
            outcomes[rest.split("::")[-1].split(" ")[0]] = word
    return outcomes


@pytest.mark.train
def test_attached_checks_follow_the_class_attributes(flash_checkout):
    result, outcomes = _run(flash_checkout, cli=None, testing=True, scriptable=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert outcomes == {
        "test_forward": "PASSED",
        "test_jit_trace": "PASSED",
        "test_fit[task_kwargs0]": "PASSED",
        "test_fit[task_kwargs1]": "PASSED",
        "test_val[task_kwargs0]": "PASSED",
        "test_own": "PASSED",
    }, result.stdout[-3000:]
    # the two dependency checks, skipped because the dependencies are there
    assert pytest_counts(result.stdout) == {"passed": 6, "skipped": 2}
    assert "Dependencies available." in result.stdout


@pytest.mark.train
def test_not_testing_skips_every_check_but_the_dependency_ones(flash_checkout):
    """``is_testing`` false: the eight others (CLI and scripting attached now) are skipped, the dependency ones too."""
    result, outcomes = _run(flash_checkout, cli="template", testing=False, scriptable=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert outcomes == {}
    assert pytest_counts(result.stdout) == {"skipped": 10}
    assert "Dependencies not available." in result.stdout


@pytest.mark.train
def test_a_generated_task_whose_topic_is_not_installed_says_which_extra_to_install(flash_checkout):
    """Without its topic (here: its flag false), a generated task's checks are skipped but for the two of Flash's
    ``TaskTester`` that creating or loading the task says what to install: they pass (``required_extras``)."""
    create_task(flash_checkout, TaskOptions("sensor_clf", data_type="sensor"))
    imports = flash_checkout / "src/flash/core/utilities/imports.py"
    flag = "_TOPIC_SENSOR_AVAILABLE = all([_SKLEARN_AVAILABLE])\n"
    assert flag in imports.read_text()
    imports.write_text(imports.read_text().replace(flag, "_TOPIC_SENSOR_AVAILABLE = False\n"))
    result = run_pytest(flash_checkout, "tests/sensor", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    ran = {name: outcome for name, outcome in _outcomes(result).items() if outcome != "SKIPPED"}
    assert ran == {"test_init_dependency_error": "PASSED", "test_load_from_checkpoint_dependency_error": "PASSED"}
    assert pytest_counts(result.stdout)["passed"] == 2 and "failed" not in pytest_counts(result.stdout)
