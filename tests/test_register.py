"""Registration in a Flash checkout: every shared file a contribution touches, undone exactly by `remove`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold import register
from scaffold.host import detect
from scaffold.names import TaskOptions
from scaffold.plan import Plan
from scaffold.tasks import create_task, load_tasks, remove_task
from tests.conftest import FIXTURES, isolation, make_flash_checkout, run_pytest, tree_snapshot
from tests.test_generate import assert_all_passed

# Two tasks into a new data type (one with Flash Zero), one into a data type Flash already has.
TASKS = [
    TaskOptions("sensor_clf", data_type="sensor", extras=["visualization", "cli"]),
    TaskOptions("sensor_reg", data_type="sensor", kind="regression"),
    TaskOptions("template_reg", data_type="template", kind="regression"),
]


def _options(index: int) -> TaskOptions:
    source = TASKS[index]
    return TaskOptions(**{k: (list(v) if isinstance(v, list) else v) for k, v in vars(source).items()})


@pytest.fixture(scope="module")
def registered(tmp_path_factory, home):
    """A Flash checkout with the three tasks, made once: each test gets a copy of its own (``checkout``)."""
    with isolation(home):
        root = make_flash_checkout(tmp_path_factory.mktemp("register") / "flash")
        for index in range(len(TASKS)):
            create_task(root, _options(index))
    return root


@pytest.fixture
def checkout(registered, tmp_path):
    return Path(shutil.copytree(registered, tmp_path / "flash", symlinks=True))


def _read(root, path):
    return (root / path).read_text()


def test_every_shared_file_is_registered(checkout):
    init = _read(checkout, "src/flash/sensor/__init__.py")
    assert init == (
        "from flash.sensor.classification import SensorClfClassifier, SensorClfData  # noqa: F401\n"
        "from flash.sensor.regression import SensorRegData, SensorRegRegressor  # noqa: F401\n"
    )
    template_init = _read(checkout, "src/flash/template/__init__.py")
    assert "from flash.template.classification import TemplateData, TemplateSKLearnClassifier" in template_init
    assert "from flash.template.regression import TemplateRegData, TemplateRegRegressor  # noqa: F401" in template_init
    assert (checkout / "tests/sensor/__init__.py").is_file()

    index = _read(checkout, "docs/source/index.rst")
    assert ".. toctree::\n   :maxdepth: 1\n   :caption: Sensor\n\n   reference/sensor_classification\n" in index
    assert "   reference/sensor_regression\n" in index
    assert "   api/tabular\n   api/sensor\n   api/template\n" in index
    assert index.index(":caption: Tabular") < index.index(":caption: Sensor") < index.index(":caption: Integrations")

    api = _read(checkout, "docs/source/api/sensor.rst")
    assert api.startswith("############\nflash.sensor\n############\n")
    assert "    ~classification.model.SensorClfClassifier\n    ~classification.data.SensorClfData\n" in api
    assert "    regression.data.SensorRegSKLearnRegressionInput\n" in api

    changelog = _read(checkout, "CHANGELOG.md")
    added = changelog.split("### Added\n\n", 1)[1].split("\n-\n", 1)[0]
    link = " ([#????](https://github.com/Lightning-AI/lightning-flash/pull/????))"  # Flash's form, a number to fill in
    assert added.splitlines() == [
        "- Added the `TemplateRegRegressor` task: Predict a real value for template examples from their numeric "
        "features." + link,
        "- Added the `SensorRegRegressor` task: Predict a real value for sensor examples from their numeric "
        "features." + link,
        "- Added the `SensorClfClassifier` task: Classify sensor examples from their numeric features." + link,
    ]

    scripts = _read(checkout, "tests/examples/test_scripts.py")
    assert (  # each new data type's topic flag, in isort's order
        "    _TOPIC_AUDIO_AVAILABLE,\n    _TOPIC_SENSOR_AVAILABLE,\n    _TOPIC_TABULAR_AVAILABLE,\n"
        "    _TOPIC_TEMPLATE_AVAILABLE,\n)\n"
    ) in scripts
    assert (
        'marks=pytest.mark.skipif(not _TOPIC_SENSOR_AVAILABLE, reason="sensor libraries aren\'t installed"),' in scripts
    )

    # a new data type is a Flash topic: its flag, and its entry in the mapping of extras
    imports = _read(checkout, "src/flash/core/utilities/imports.py")
    flags = (
        "_TOPIC_SENSOR_AVAILABLE = all([_SKLEARN_AVAILABLE])\n_TOPIC_TEMPLATE_AVAILABLE = all([_SKLEARN_AVAILABLE])\n"
    )
    assert (
        "_TOPIC_CORE_AVAILABLE = all([_TOPIC_IMAGE_AVAILABLE, _TOPIC_TABULAR_AVAILABLE, _TOPIC_TEXT_AVAILABLE])\n"
        + flags
        in imports
    )
    assert imports.count("_TOPIC_SENSOR_AVAILABLE = ") == 1
    assert (
        '    "graph": _TOPIC_GRAPH_AVAILABLE,\n    "sensor": _TOPIC_SENSOR_AVAILABLE,\n'
        '    "template": _TOPIC_TEMPLATE_AVAILABLE,\n}' in imports
    )
    for folder, name in (
        ("sensor", "sensor_classification"),
        ("sensor", "sensor_regression"),
        ("template", "template_regression"),
    ):
        assert f'            "{folder}",\n            "{name}.py",\n' in scripts
    assert '    "flash.sensor.classification",\n]' in _read(checkout, "src/flash/__main__.py")

    # ... its requirements, which setup.py makes the extra of that name, and its row in CI's test matrix, after
    # the last row that tests the latest requirements
    for data_type in ("sensor", "template"):
        assert _read(checkout, f"requirements/datatype_{data_type}.txt") == (
            f"# The {data_type} extra (pip install lightning-flash[{data_type}]): what the {data_type} tasks need"
            " beyond requirements/base.txt.\n\nscikit-learn <=1.3.0\n"
        )
        assert _read(checkout, f"requirements/testing_{data_type}.txt") == (
            f"# What the tests of {data_type} need beyond requirements/test.txt and the {data_type} extra.\n"
        )
    for role in ("datatype", "testing"):  # tabular is a topic of Flash's own: its files are as they were
        tabular = f"requirements/{role}_tabular.txt"
        assert (checkout / tabular).read_bytes() == (FIXTURES / "flash_checkout" / tabular).read_bytes()
    assert (
        "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'audio', extra: [] }\n"
        "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'sensor', extra: [] }\n"
        "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'template', extra: [] }\n"
        "          - { os: 'ubuntu-20.04', python-version: 3.8, topic: 'core', extra: [], requires: 'oldest' }\n"
    ) in _read(checkout, ".github/workflows/ci-testing.yml")

    host = detect(checkout)
    for task in load_tasks(checkout):
        assert register.missing(host, task.registrations) == []


def test_registering_again_changes_nothing(checkout):
    host = detect(checkout)
    for task in load_tasks(checkout):
        plan = Plan(checkout)
        register.register(host, task.record.context, plan)
        assert plan.writes == [], task.name


@pytest.mark.train
def test_examples_test_list_runs_the_new_examples(checkout):
    result = run_pytest(checkout, "tests/examples/test_scripts.py", "-k", "sensor or template")
    assert_all_passed(result, at_least=3)
    assert "2 deselected" in result.stdout  # the fixture's own (audio, tabular) entries were not selected


def _python(checkout, cwd, *args: str) -> subprocess.CompletedProcess:
    """Run ``python *args`` in ``cwd`` with the checkout's ``flash`` importable."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(checkout / "src")},
    )


@pytest.mark.train
def test_flash_zero_runs_the_new_command(checkout, tmp_path):
    result = _python(checkout, tmp_path, "-m", "flash", "sensor_classification", "--trainer.fast_dev_run", "True")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "sensor_classification_model.pt").is_file()


@pytest.mark.train
def test_docs_build_with_sphinx(checkout):
    warnings = checkout / "warnings.txt"
    result = _python(
        checkout, checkout, "-m", "sphinx", "-b", "html", "-q", "-w", str(warnings), "docs/source", "docs/_build"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ours = [
        line
        for line in warnings.read_text().splitlines()
        if any(word in line for word in ("sensor", "template", "toctree", "autosummary", "import", "include"))
    ]
    assert ours == []
    built = checkout / "docs/_build"
    for page in (
        "reference/sensor_classification",
        "reference/sensor_regression",
        "reference/template_regression",
        "api/sensor",
        "api/template",
    ):
        assert (built / f"{page}.html").is_file(), page
    assert (built / "api/generated/flash.sensor.classification.model.SensorClfClassifier.html").is_file()
    assert "SensorRegData" in (built / "api/sensor.html").read_text()


def test_remove_leaves_the_tree_as_if_the_task_was_never_added(checkout, tmp_path):
    remove_task(checkout, "sensor_clf")

    without = make_flash_checkout(tmp_path / "without")
    for index in (1, 2):
        create_task(without, _options(index))

    def shared(root):
        return {p: d for p, d in tree_snapshot(root).items() if not p.startswith(".flash-new")}

    assert shared(checkout) == shared(without)
    host = detect(checkout)
    assert sorted(t.name for t in load_tasks(checkout)) == ["sensor_reg", "template_reg"]
    for task in load_tasks(checkout):
        assert register.missing(host, task.registrations) == []


def test_removing_every_task_restores_the_checkout(checkout, tmp_path):
    for name in ("template_reg", "sensor_clf", "sensor_reg"):
        remove_task(checkout, name)
    assert tree_snapshot(checkout) == tree_snapshot(make_flash_checkout(tmp_path / "pristine"))


def test_a_topic_stays_registered_until_its_last_task_is_removed(checkout, tmp_path):
    """The topic's flag, extra, requirements and CI row serve every task of the data type: the last one removed
    takes them out; a requirements file the contributor wrote in stays, a CI row they reworded goes with the
    topic's tests."""
    workflow = checkout / ".github/workflows/ci-testing.yml"
    text = workflow.read_text()
    row = "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'sensor', extra: [] }\n"
    workflow.write_text(
        text.replace(row, "          - { os: 'ubuntu-22.04', topic: 'sensor', python-version: 3.10, extra: [] }\n")
    )
    testing = checkout / "requirements/testing_sensor.txt"
    testing.write_text(testing.read_text() + "pytest-timeout\n")
    host = detect(checkout)

    remove_task(checkout, "sensor_clf")
    assert (checkout / "requirements/datatype_sensor.txt").is_file()
    assert "topic: 'sensor'" in workflow.read_text()
    (task,) = [task for task in load_tasks(checkout) if task.name == "sensor_reg"]
    assert register.missing(host, task.registrations) == []

    remove_task(checkout, "sensor_reg")
    assert not (checkout / "requirements/datatype_sensor.txt").exists()
    assert testing.read_text().endswith("extra.\npytest-timeout\n")  # the contributor's line: kept
    pristine = make_flash_checkout(tmp_path / "pristine")
    expected = (
        (pristine / ".github/workflows/ci-testing.yml")
        .read_text()
        .replace(
            "topic: 'audio', extra: [] }\n", "topic: 'audio', extra: [] }\n" + row.replace("sensor", "template"), 1
        )
    )
    assert workflow.read_text() == expected
    assert "_TOPIC_SENSOR_AVAILABLE" not in _read(checkout, "src/flash/core/utilities/imports.py")


def test_check_names_a_topic_row_or_requirements_file_gone(checkout):
    workflow = checkout / ".github/workflows/ci-testing.yml"
    row = "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'sensor', extra: [] }\n"
    workflow.write_text(workflow.read_text().replace(row, ""))
    (checkout / "requirements/testing_sensor.txt").unlink()
    host = detect(checkout)
    (task,) = [task for task in load_tasks(checkout) if task.name == "sensor_clf"]
    assert register.missing(host, task.registrations) == [
        "requirements/testing_sensor.txt is missing: the data type's topic has no requirements without it",
        ".github/workflows/ci-testing.yml has no row of its test matrix for the topic 'sensor': CI would not run "
        "its tests",
    ]


@pytest.mark.parametrize(
    "workflow, problem",
    [
        (None, ".github/workflows/ci-testing.yml does not exist, and the task registers the test matrix row"),
        ("jobs: [\n", ".github/workflows/ci-testing.yml is not YAML (line 2): fix it, then run again"),
        ("jobs:\n  pytester:\n    runs-on: ubuntu\n", "does not have a job whose strategy.matrix.include lists"),
        (
            "jobs:\n  t:\n    strategy:\n      matrix:\n        include:\n          - topic: core\n            os: x\n",
            "each written on one line as { os: ..., topic: ... }",
        ),
    ],
    ids=["absent", "not YAML", "no matrix", "rows on several lines"],
)
def test_a_new_topic_without_a_test_matrix_to_join_is_refused(tmp_path, workflow, problem):
    from typer.testing import CliRunner

    from scaffold.cli import app

    root = make_flash_checkout(tmp_path / "flash")
    path = root / ".github/workflows/ci-testing.yml"
    if workflow is None:
        path.unlink()
    else:
        path.write_text(workflow)
    before = tree_snapshot(root)
    result = CliRunner().invoke(app, ["task", "sensor_clf", "--data-type", "sensor", "--dest", str(root), "--defaults"])
    assert result.exit_code == 2, result.output
    assert problem in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert tree_snapshot(root) == before


def test_a_new_data_types_section_follows_flashs_data_types_in_the_docs_index(tmp_path):
    """In Flash's index the data types' sections (toctrees of reference pages) come before Integrations and the
    API reference, and a hidden toctree at the end lists the template's page: a new section joins the first."""
    root = make_flash_checkout(tmp_path / "flash")
    index = root / "docs/source/index.rst"
    sections = "".join(
        f".. toctree::\n   :maxdepth: 1\n   :caption: {caption}\n\n{entries}\n"
        for caption, entries in (
            ("Getting started", "   quickstart\n"),
            ("Audio", "   reference/audio_classification\n   reference/speech_recognition\n"),
            ("Tabular", "   reference/tabular_classification\n"),
            ("Graph", "   reference/graph_classification\n"),
            ("Integrations", "   integrations/providers\n"),
            ("API Reference", "   api/flash\n   api/tabular\n"),
        )
    )
    original = f"Lightning Flash\n===============\n\n{sections}.. toctree::\n   :hidden:\n\n   reference/template\n"
    index.write_text(original)
    create_task(root, _options(0))
    sensor = ".. toctree::\n   :maxdepth: 1\n   :caption: Sensor\n\n   reference/sensor_classification\n\n"
    graph = ".. toctree::\n   :maxdepth: 1\n   :caption: Graph\n\n   reference/graph_classification\n\n"
    expected = original.replace(graph, graph + sensor).replace("   api/tabular\n", "   api/tabular\n   api/sensor\n")
    assert index.read_text() == expected
    remove_task(root, "sensor_clf")
    assert index.read_text() == original


def test_remove_refuses_edited_files_unless_forced(checkout):
    model = checkout / "src/flash/sensor/regression/model.py"
    model.write_text(model.read_text() + "# my change\n")
    before = tree_snapshot(checkout)
    from scaffold.errors import ConflictError

    with pytest.raises(ConflictError, match="edited since generation"):
        remove_task(checkout, "sensor_reg")
    assert tree_snapshot(checkout) == before
    remove_task(checkout, "sensor_reg", force=True)
    assert not model.exists()


def test_remove_dry_run_writes_nothing(checkout):
    before = tree_snapshot(checkout)
    plan = remove_task(checkout, "sensor_clf", dry_run=True)
    assert tree_snapshot(checkout) == before
    assert {c.action for c in plan.changes} >= {"delete", "modify"}


def test_dry_run_announces_exactly_what_the_real_run_writes(tmp_path):
    root = make_flash_checkout(tmp_path / "flash")
    create_task(root, _options(0))
    before = tree_snapshot(root)
    plan = create_task(root, _options(1), dry_run=True)
    assert tree_snapshot(root) == before
    create_task(root, _options(1))
    after = tree_snapshot(root)

    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p) and after.get(p) != b"<dir>"}
    assert changed == {c.path for c in plan.writes}
    for change in plan.writes:
        assert after.get(change.path) == change.after, change.path
    assert {c.action for c in plan.writes} == {"create", "modify"}


def test_external_package_registers_exports_docs_index_and_changelog(package_host):
    create_task(package_host, TaskOptions("myclf"))
    assert "from team_tasks.myclf.classification import MyclfClassifier, MyclfData" in _read(
        package_host, "src/team_tasks/myclf/__init__.py"
    )
    index = _read(package_host, "docs/source/index.rst")
    assert index.endswith(
        "   guide\n\n.. toctree::\n   :maxdepth: 1\n   :caption: Myclf\n\n   reference/myclf_classification\n"
    )
    assert "### Added\n\n- Added the `MyclfClassifier` task" in _read(package_host, "CHANGELOG.md")
    assert not (package_host / "docs/source/api").exists()
    remove_task(package_host, "myclf")
    assert _read(package_host, "docs/source/index.rst").endswith("   guide\n")


def test_missing_anchor_is_a_one_line_error_naming_the_file(tmp_path):
    root = make_flash_checkout(tmp_path / "flash")
    index = root / "docs/source/index.rst"
    index.write_text(index.read_text().replace(":caption: API Reference", ":caption: Reference"))
    before = tree_snapshot(root)
    from scaffold.errors import UsageError

    with pytest.raises(UsageError, match=r"docs/source/index.rst does not have a toctree captioned 'API Reference'"):
        create_task(root, _options(0))
    assert tree_snapshot(root) == before


def test_cli_dry_run_prints_the_plan_as_text_and_json(tmp_path):
    from tests.conftest import flash_new

    root = make_flash_checkout(tmp_path / "flash")
    before = tree_snapshot(root)
    text = flash_new("task", "sensor_clf", "--data-type", "sensor", "--dest", str(root), "--dry-run")
    as_json = flash_new("task", "sensor_clf", "--data-type", "sensor", "--dest", str(root), "--dry-run", "--json")
    assert text.returncode == as_json.returncode == 0, text.stderr + as_json.stderr
    assert tree_snapshot(root) == before

    plan = __import__("json").loads(as_json.stdout)
    assert plan["dry_run"] is True
    actions = {c["path"]: c["action"] for c in plan["changes"]}
    assert actions["src/flash/sensor/classification/model.py"] == "create"
    assert actions["docs/source/index.rst"] == "modify"
    assert actions["CHANGELOG.md"] == "modify"
    diff = next(c["diff"] for c in plan["changes"] if c["path"] == "CHANGELOG.md")
    assert "+- Added the `SensorClfClassifier` task" in diff
    for path, action in actions.items():
        assert f"{action:>10}  {path}" in text.stdout
    assert "--- a/docs/source/index.rst\n+++ b/docs/source/index.rst\n" in text.stdout
