"""Derived names read like Flash's: each word once, however the task name and task type overlap."""

from __future__ import annotations

import re

import jinja2
import pytest
import yaml

from scaffold.errors import UsageError
from scaffold.names import MAX_CLASS_NAME_LENGTH, MAX_NAME_LENGTH, TaskOptions
from scaffold.render import render
from tests.conftest import REPO

FLASH = {"package": "flash", "package_dir": "src/flash"}


def context(task_name: str, **options) -> dict:
    answers = TaskOptions(task_name, **options).validate().answers()
    return render(
        {**answers, **FLASH, "extras": ["input-transform-module", "output", "visualization", "output-transform", "cli"]}
    ).context


def words(name: str) -> list[str]:
    """The words of a CamelCase, snake_case, UPPER_CASE or spaced name, lower-cased."""
    if "_" in name or " " in name or name.isupper():
        return name.lower().replace(" ", "_").split("_")
    return [w.lower() for w in re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name.replace("SKLearn", "Sklearn"))]


CLASS_NAMES = (
    "data_class",
    "model_class",
    "input_transform_class",
    "visualization_class",
    "output_class",
    "output_transform_class",
)


@pytest.mark.parametrize(
    ("task_name", "options"),
    [
        ("anomaly_scoring", {"task_type": "anomaly_scoring", "kind": "task"}),
        ("my_data", {}),
        ("text_classification", {"data_type": "text", "task_type": "classification"}),
        ("input_output", {"kind": "regression", "task_type": "output_regression"}),
        ("frame_tensor", {"kind": "regression"}),
    ],
)
def test_no_word_is_repeated_in_a_derived_name(task_name, options):
    ctx = context(task_name, inputs=["numpy", "sklearn", "dataframe", "csv", "tensor"], **options)
    names = [ctx[key] for key in CLASS_NAMES] + list(ctx["input_classes"].values())
    names += [ctx["backbones_registry"], ctx["outputs_registry"], ctx["title"]]
    for name in names:
        found = words(name)
        assert len(found) == len(set(found)), name
    assert len(set(ctx["input_classes"].values())) == 5


def test_the_issues_example():
    ctx = context("anomaly_scoring", task_type="anomaly_scoring", kind="task", inputs=["csv", "numpy"])
    assert ctx["input_classes"]["csv"] == "AnomalyScoringCSVInput"
    assert ctx["input_classes"]["numpy"] == "AnomalyScoringNumpyInput"
    assert ctx["model_class"] == "AnomalyScoringTask"
    assert ctx["title"] == "Anomaly Scoring"
    assert ctx["backbones_registry"] == "ANOMALY_SCORING_BACKBONES"


def test_names_without_repeated_words_are_as_before():
    ctx = context("sensor_drift", task_type="classification")
    assert ctx["data_class"] == "SensorDriftData"
    assert ctx["model_class"] == "SensorDriftClassifier"
    assert ctx["input_classes"]["dataframe"] == "SensorDriftDataFrameClassificationInput"
    assert ctx["input_classes"]["sklearn"] == "SensorDriftSKLearnClassificationInput"
    assert ctx["input_transform_class"] == "SensorDriftInputTransform"
    assert ctx["output_transform_class"] == "SensorDriftOutputTransform"
    assert (ctx["doc_page"], ctx["title"]) == ("sensor_drift_classification", "Sensor Drift Classification")
    assert ctx["backbones_registry"] == "SENSOR_DRIFT_BACKBONES"
    assert ctx["outputs_registry"] == "SENSOR_DRIFT_OUTPUTS"


def test_my_data_gets_my_data():
    ctx = context("my_data")
    assert ctx["data_class"] == "MyData"
    assert ctx["model_class"] == "MyDataClassifier"


def _prompt_says(question: str, value: str) -> str:
    """What the validator of ``question`` in copier.yml says of ``value`` at its prompt (empty: accepted)."""
    questions = yaml.safe_load((REPO / "templates" / "task" / "copier.yml").read_text())
    environment = jinja2.Environment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])
    return environment.from_string(questions[question]["validator"]).render({question: value}).strip()


@pytest.mark.parametrize(
    "question, limit, name",
    [
        ("task_name", MAX_NAME_LENGTH, "a{}".format),
        ("data_type", MAX_NAME_LENGTH, "a{}".format),
        ("task_type", MAX_NAME_LENGTH, "a{}".format),
        ("data_class", MAX_CLASS_NAME_LENGTH, "A{}".format),
        ("model_class", MAX_CLASS_NAME_LENGTH, "A{}".format),
    ],
)
def test_a_prompt_and_its_flag_take_names_up_to_the_same_length(question, limit, name):
    """The prompts' validators (copier.yml) and the flags' rules (scaffold.names) hold the limit each: both accept
    a name of the limit's length and refuse one a character longer."""

    def flag_refuses(value: str) -> bool:
        options = {"task_name": "my_task", question: value}
        try:
            TaskOptions(**options).validate()
        except UsageError:
            return True
        return False

    longest, too_long = name("b" * (limit - 1)), name("b" * limit)
    assert _prompt_says(question, longest) == "" and not flag_refuses(longest)
    assert f"up to {limit} characters" in _prompt_says(question, too_long) and flag_refuses(too_long)
