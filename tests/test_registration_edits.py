"""Each registration on its own, in-process and without a render: the exact bytes it writes in a shared file, the
exact undo, idempotence, sharing between tasks, and refusal when the place an edit goes is missing.

A task's context is written out here (the names copier derives, as a record holds them); the hosts are the
fixtures' shared files (a Flash checkout's, with its ``__main__.py`` and ``tabular/__init__.py``, and a team's
package). :func:`add` and :func:`drop` do what ``task`` and ``remove`` do to shared files: plan the registrations
(:mod:`scaffold.register`), write the plan, keep the record.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from scaffold import register, registrations, state
from scaffold.errors import AnchorMissing, FlashNewError, InvalidState, UsageError
from scaffold.host import Host
from scaffold.plan import Plan
from scaffold.registrations import (
    ApiSection,
    ChangelogLine,
    CiMatrixRow,
    ExamplesTestEntry,
    ExamplesTestImport,
    FlashZeroEntry,
    PackageExport,
    TestsPackage,
    ToctreeEntry,
    TopicExtra,
    TopicFlag,
    TopicRequirements,
)
from scaffold.registrations.changelog_line import CHANGELOG_TODO, md_escape
from scaffold.registrations.ci_matrix_row import Row, matrix_rows
from scaffold.registrations.toctree_entry import caption
from tests.conftest import FIXTURES, installed_flash, make_package

CHECKOUT = FIXTURES / "flash_checkout"
INDEX = "docs/source/index.rst"
SCRIPTS = "tests/examples/test_scripts.py"
MAIN = "src/flash/__main__.py"
IMPORTS_MODULE = "core/utilities/imports.py"
FLAGS_FILE = f"src/flash/{IMPORTS_MODULE}"
WORKFLOW = ".github/workflows/ci-testing.yml"


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def context(
    task_name: str,
    data_type: str,
    task_type: str = "classification",
    *,
    package: str = "flash",
    extras: tuple[str, ...] = (),
    inputs: tuple[str, ...] = ("numpy",),
    line_length: int = 120,
    docs_dir: str = "docs/source",
) -> dict:
    """The names a render derives for a task (as ``copier.yml`` spells them), for a classification or regression."""
    prefix, word = _camel(task_name), {"classification": "Classification", "regression": "Regression"}[task_type]
    model = prefix + ("Classifier" if task_type == "classification" else "Regressor")
    what = "Classify" if task_type == "classification" else "Predict a real value for"
    return {
        "task_name": task_name,
        "data_type": data_type,
        "task_type": task_type,
        "input_classes": {
            "numpy": f"{prefix}Numpy{word}Input",
            "csv": f"{prefix}CSV{word}Input",
            "sklearn": f"{prefix}SKLearn{word}Input",
        },
        "inputs": list(inputs),
        "model_class": model,
        "data_class": f"{prefix}Data",
        "package": package,
        "doc_page": f"{data_type}_{task_type}",
        "module": f"{package}.{data_type}.{task_type}",
        "extras": list(extras),
        "description": f"{what} {data_type} examples from their numeric features.",
        "line_length": line_length,
        "docs_dir": docs_dir,
        "topic_flag": f"_TOPIC_{data_type.upper()}_AVAILABLE",
    }


def flash_host(root: Path) -> Host:
    """The Flash checkout of the fixtures, with the installed Flash's three shared package files (no other code)."""
    shutil.copytree(CHECKOUT, root)
    for name in ("__main__.py", "tabular/__init__.py", IMPORTS_MODULE):
        (root / "src/flash" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(installed_flash() / name, root / "src/flash" / name)
    return Host(root, "flash", "flash", "src/flash")


def package_host(root: Path, changes: dict[str, str | None] | None = None) -> Host:
    """A team's package (``make_package``), with ``changes``: files written, or deleted (``None``)."""
    make_package(root)
    for name, text in (changes or {}).items():
        path = root / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return Host(root, "package", "team_tasks", "src/team_tasks")


def _write(plan: Plan) -> None:
    for change in plan.writes:
        path = plan.root / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def add(host: Host, ctx: dict) -> list:
    """Register the task ``ctx`` describes as ``task`` does: plan, write, keep the record; return the records."""
    plan = Plan(host.root)
    records = register.register(host, ctx, plan)
    _write(plan)
    path = host.root / state.record_path(ctx["task_name"])
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(state.TaskRecord("v0.2.0", {}, ctx, records).to_bytes())
    return records


def drop(host: Host, name: str) -> None:
    """Undo the registrations of task ``name`` as ``remove`` does, from its record read back."""
    record = state.load_record(host.root, name)
    plan = Plan(host.root)
    register.unregister(host, name, record.registrations, plan)
    _write(plan)
    (host.root / state.record_path(name)).unlink()


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but flash-new's state, with its bytes (empty folders left out)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(".flash-new")
    }


def _flags(records) -> list[tuple[str, str, bool, bool]]:
    return [(r.kind, r.file, r.inserted, r.created) for r in records]


# What a sensor task in a Flash checkout registers (kind, file, inserted, created), Flash Zero's entry aside.
SENSOR_FLAGS = [
    ("package-export", "src/flash/sensor/__init__.py", True, True),
    ("tests-package", "tests/sensor/__init__.py", False, True),
    ("toctree-entry", INDEX, True, True),
    ("toctree-entry", INDEX, True, False),
    ("api-section", "docs/source/api/sensor.rst", True, True),
    ("changelog-line", "CHANGELOG.md", True, False),
    ("topic-flag", FLAGS_FILE, True, False),
    ("topic-extra", FLAGS_FILE, True, False),
    ("topic-requirements", "requirements/datatype_sensor.txt", False, True),
    ("topic-requirements", "requirements/testing_sensor.txt", False, True),
    ("ci-matrix-row", WORKFLOW, True, False),
    ("examples-test-import", SCRIPTS, True, False),
    ("examples-test-entry", SCRIPTS, True, False),
]


def applied(host: Host, registration) -> tuple[str, object, str]:
    """The text of ``registration``'s file before, its record once applied, and the text the plan holds then."""
    original = text(host.root, registration.file)
    plan = Plan(host.root)
    record = registration.apply(plan)
    return original, record, plan.current(registration.file).decode()


def text(root: Path, path: str) -> str:
    return (root / path).read_text()


SENSOR_BLOCK = ".. toctree::\n   :maxdepth: 1\n   :caption: Sensor\n\n   reference/sensor_classification\n\n"
TABULAR_BLOCK = ".. toctree::\n   :maxdepth: 1\n   :caption: Tabular\n\n   reference/tabular_classification\n\n"
API_TOCTREE = ".. toctree::\n   :maxdepth: 1\n   :caption: API Reference\n\n   api/flash\n   api/tabular\n"
SENSOR_API_PAGE = (
    "############\nflash.sensor\n############\n\n.. contents::\n    :depth: 2\n    :local:\n    :backlinks: top\n\n"
    ".. currentmodule:: flash.sensor\n\n"
    "Classification\n______________\n\n"
    ".. autosummary::\n    :toctree: generated/\n    :nosignatures:\n    :template: classtemplate.rst\n\n"
    "    ~classification.model.SensorClfClassifier\n    ~classification.data.SensorClfData\n\n"
    "    classification.data.SensorClfNumpyClassificationInput\n"
    "    classification.data.SensorClfCSVClassificationInput\n"
)
SENSOR_CASE = (
    "        pytest.param(\n"
    '            "sensor",\n'
    '            "sensor_classification.py",\n'
    '            marks=pytest.mark.skipif(not _TOPIC_SENSOR_AVAILABLE, reason="sensor libraries aren\'t installed"),\n'
    "        ),\n"
)
SENSOR_FLAG = "_TOPIC_SENSOR_AVAILABLE = all([_SKLEARN_AVAILABLE])\n"
SENSOR_EXTRA = '    "sensor": _TOPIC_SENSOR_AVAILABLE,\n'
LAST_FLAG = "_TOPIC_CORE_AVAILABLE = all([_TOPIC_IMAGE_AVAILABLE, _TOPIC_TABULAR_AVAILABLE, _TOPIC_TEXT_AVAILABLE])\n"
LAST_EXTRA = '    "graph": _TOPIC_GRAPH_AVAILABLE,\n'
AUDIO_ROW = "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'audio', extra: [] }\n"
SENSOR_ROW = "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'sensor', extra: [] }\n"
DATATYPE_SENSOR = (
    "# The sensor extra (pip install lightning-flash[sensor]): what the sensor tasks need beyond "
    "requirements/base.txt.\n\nscikit-learn <=1.3.0\n"
)
TESTING_SENSOR = "# What the tests of sensor need beyond requirements/test.txt and the sensor extra.\n"
PR_LINK = " ([#????](https://github.com/Lightning-AI/lightning-flash/pull/????))"
SENSOR_CLF = {"extras": ("cli",), "inputs": ("numpy", "csv")}


# ---- a new data type in Flash: every kind, byte for byte ---------------------------------------------------------


def test_a_new_data_type_in_flash_writes_exactly_these_bytes_and_records_what_it_made(tmp_path):
    host = flash_host(tmp_path / "flash")
    before = files(host.root)
    records = add(host, context("sensor_clf", "sensor", **SENSOR_CLF))

    after = files(host.root)
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed == {
        "src/flash/sensor/__init__.py",
        "tests/sensor/__init__.py",
        INDEX,
        "docs/source/api/sensor.rst",
        "CHANGELOG.md",
        FLAGS_FILE,
        "requirements/datatype_sensor.txt",
        "requirements/testing_sensor.txt",
        WORKFLOW,
        SCRIPTS,
        MAIN,
    }
    assert text(host.root, "src/flash/sensor/__init__.py") == (
        "from flash.sensor.classification import SensorClfClassifier, SensorClfData  # noqa: F401\n"
    )
    assert after["tests/sensor/__init__.py"] == b""
    # The new data type's section after Flash's last data type's (Tabular), before Integrations.
    assert text(host.root, INDEX) == (CHECKOUT / INDEX).read_text().replace(
        TABULAR_BLOCK, TABULAR_BLOCK + SENSOR_BLOCK
    ).replace("   api/tabular\n", "   api/tabular\n   api/sensor\n")
    assert text(host.root, "docs/source/api/sensor.rst") == SENSOR_API_PAGE
    assert text(host.root, "CHANGELOG.md") == (CHECKOUT / "CHANGELOG.md").read_text().replace(
        "### Added\n\n-\n",
        "### Added\n\n- Added the `SensorClfClassifier` task: Classify sensor examples from their numeric "
        "features." + PR_LINK + "\n-\n",
        1,
    )
    # The topic: its flag after the last topic flag, its extra last in the mapping, its requirements, its CI row
    # after the last row that tests the latest requirements.
    imports = (installed_flash() / IMPORTS_MODULE).read_text()
    assert text(host.root, FLAGS_FILE) == imports.replace(LAST_FLAG, LAST_FLAG + SENSOR_FLAG).replace(
        LAST_EXTRA + "}\n", LAST_EXTRA + SENSOR_EXTRA + "}\n"
    )
    assert text(host.root, "requirements/datatype_sensor.txt") == DATATYPE_SENSOR
    assert text(host.root, "requirements/testing_sensor.txt") == TESTING_SENSOR
    assert text(host.root, WORKFLOW) == (CHECKOUT / WORKFLOW).read_text().replace(AUDIO_ROW, AUDIO_ROW + SENSOR_ROW)
    assert text(host.root, SCRIPTS) == (CHECKOUT / SCRIPTS).read_text().replace(
        "    _TOPIC_AUDIO_AVAILABLE,\n", "    _TOPIC_AUDIO_AVAILABLE,\n    _TOPIC_SENSOR_AVAILABLE,\n"
    ).replace("        ),\n    ],\n)\n", "        ),\n" + SENSOR_CASE + "    ],\n)\n")
    main = (installed_flash() / "__main__.py").read_text()
    assert text(host.root, MAIN) == main.replace(
        '    "flash.video.classification",\n]',
        '    "flash.video.classification",\n    "flash.sensor.classification",\n]',
    )
    assert _flags(records) == [*SENSOR_FLAGS, ("flash-zero-entry", MAIN, True, False)]
    assert register.missing(host, records) == []


def test_a_second_task_of_the_data_type_adds_its_own_lines_and_owns_what_the_first_made(tmp_path):
    host = flash_host(tmp_path / "flash")
    add(host, context("sensor_clf", "sensor", **SENSOR_CLF))
    first = files(host.root)
    records = add(host, context("sensor_reg", "sensor", "regression"))

    assert text(host.root, "src/flash/sensor/__init__.py") == (
        "from flash.sensor.classification import SensorClfClassifier, SensorClfData  # noqa: F401\n"
        "from flash.sensor.regression import SensorRegData, SensorRegRegressor  # noqa: F401\n"
    )
    index = text(host.root, INDEX)
    assert index == first[INDEX].decode().replace(
        "   reference/sensor_classification\n", "   reference/sensor_classification\n   reference/sensor_regression\n"
    )
    assert text(host.root, "docs/source/api/sensor.rst") == SENSOR_API_PAGE + (
        "\nRegression\n__________\n\n"
        ".. autosummary::\n    :toctree: generated/\n    :nosignatures:\n    :template: classtemplate.rst\n\n"
        "    ~regression.model.SensorRegRegressor\n    ~regression.data.SensorRegData\n\n"
        "    regression.data.SensorRegNumpyRegressionInput\n"
    )
    assert (
        text(host.root, "CHANGELOG.md")
        .split("### Added\n\n", 1)[1]
        .startswith(
            "- Added the `SensorRegRegressor` task: Predict a real value for sensor examples from their numeric "
            "features." + PR_LINK + "\n"
            "- Added the `SensorClfClassifier` task"
        )
    )
    assert text(host.root, SCRIPTS).count("_TOPIC_SENSOR_AVAILABLE,\n") == 1
    # The topic is the data type's: its flag, extra, requirements and CI row are there once, as the first made them.
    after = files(host.root)
    for shared in (FLAGS_FILE, "requirements/datatype_sensor.txt", "requirements/testing_sensor.txt", WORKFLOW, MAIN):
        assert after[shared] == first[shared], shared  # no Flash Zero for this one either
    assert after["tests/sensor/__init__.py"] == b""
    # What the first task made (the folder's package, the toctree, the API page, the topic, the import) is the
    # second's too.
    assert _flags(records) == SENSOR_FLAGS
    assert [r.inserted for r in records if r.kind == "toctree-entry"] == [True, True]


@pytest.mark.parametrize("order", [("sensor_clf", "sensor_reg"), ("sensor_reg", "sensor_clf")])
def test_removing_both_tasks_in_either_order_gives_back_every_file_byte_for_byte(tmp_path, order):
    host = flash_host(tmp_path / "flash")
    pristine = files(host.root)
    add(host, context("sensor_clf", "sensor", **SENSOR_CLF))
    alone = {"sensor_clf": files(host.root)}
    add(host, context("sensor_reg", "sensor", "regression"))

    drop(host, order[0])
    kept = order[1]
    record = state.load_record(host.root, kept)
    assert register.missing(host, record.registrations) == []
    if kept == "sensor_clf":
        assert files(host.root) == alone["sensor_clf"]  # as if the second task had never been added
    drop(host, kept)
    assert files(host.root) == pristine
    assert not (host.root / "tests/sensor/__init__.py").exists()


def test_registering_a_task_again_plans_no_write(tmp_path):
    host = flash_host(tmp_path / "flash")
    add(host, context("sensor_clf", "sensor", **SENSOR_CLF))
    # Alone in the repository: nothing inserted or created by this run, and its own record is no other task's.
    plan = Plan(host.root)
    again = register.register(host, context("sensor_clf", "sensor", **SENSOR_CLF), plan)
    assert plan.writes == [] and [(r.inserted, r.created) for r in again] == [(False, False)] * 14
    add(host, context("sensor_reg", "sensor", "regression"))
    for name, options in (("sensor_clf", SENSOR_CLF), ("sensor_reg", {"task_type": "regression"})):
        plan = Plan(host.root)
        again = register.register(host, context(name, "sensor", **options), plan)
        assert plan.writes == [], name
        assert [r.identity() for r in again] == [r.identity() for r in state.load_record(host.root, name).registrations]


# ---- a data type Flash has: edits in its existing files -----------------------------------------------------------


def test_a_task_in_an_existing_data_type_edits_its_files_in_place_and_is_undone_exactly(tmp_path):
    host = flash_host(tmp_path / "flash")
    pristine = files(host.root)
    records = add(host, context("anomaly", "tabular", "regression", extras=("cli",)))

    init = (installed_flash() / "tabular/__init__.py").read_text()
    assert init.endswith("from flash.tabular.regression import TabularRegressionData, TabularRegressor  # noqa: F401\n")
    # After the imports of modules that sort before it or the same (Flash's own regression import).
    assert text(host.root, "src/flash/tabular/__init__.py") == (
        init + "from flash.tabular.regression import AnomalyData, AnomalyRegressor  # noqa: F401\n"
    )
    assert text(host.root, INDEX) == pristine[INDEX].decode().replace(
        "   reference/tabular_classification\n",
        "   reference/tabular_classification\n   reference/tabular_regression\n",
    )
    api = pristine["docs/source/api/tabular.rst"].decode()
    assert text(host.root, "docs/source/api/tabular.rst").startswith(api.rstrip("\n") + "\n\nRegression\n__________\n")
    assert "tests/tabular/__init__.py" in files(host.root)
    assert _flags(records)[:5] == [
        ("package-export", "src/flash/tabular/__init__.py", True, False),
        ("tests-package", "tests/tabular/__init__.py", False, True),
        ("toctree-entry", INDEX, True, False),
        ("toctree-entry", INDEX, False, False),  # Flash lists api/tabular already
        ("api-section", "docs/source/api/tabular.rst", True, False),
    ]
    drop(host, "anomaly")
    assert files(host.root) == pristine


def test_a_package_export_goes_after_the_imports_that_sort_before_it_and_after_the_docstring(tmp_path):
    host = package_host(
        tmp_path / "p",
        {
            "src/team_tasks/sensor/__init__.py": (
                '"""Sensor tasks."""\nfrom team_tasks.sensor.alpha import A  # noqa: F401\n'
                "from team_tasks.sensor.zeta import Z  # noqa: F401\n"
            )
        },
    )
    export = PackageExport.for_task(host, context("my", "sensor", package="team_tasks"), Plan(host.root))[0]
    plan = Plan(host.root)
    record = export.apply(plan)
    assert (record.inserted, record.created) == (True, False)
    assert plan.current(export.file).decode() == (
        '"""Sensor tasks."""\nfrom team_tasks.sensor.alpha import A  # noqa: F401\n'
        "from team_tasks.sensor.classification import MyClassifier, MyData  # noqa: F401\n"
        "from team_tasks.sensor.zeta import Z  # noqa: F401\n"
    )
    only_docstring = '"""Sensor tasks."""\n'
    (host.root / export.file).write_text(only_docstring)
    plan = Plan(host.root)
    export.apply(plan)
    assert plan.current(export.file).decode() == only_docstring + export.text
    # Undone: the docstring stays, the file too (it was there).
    assert record.undo(plan.current(export.file).decode(), []) == only_docstring


def test_a_package_export_past_the_line_length_puts_one_name_per_line(tmp_path):
    host = package_host(tmp_path / "p")
    short = PackageExport.for_task(host, context("my", "sensor", package="team_tasks"), Plan(host.root))[0]
    assert short.text == "from team_tasks.sensor.classification import MyClassifier, MyData  # noqa: F401\n"
    assert short.names == ["MyClassifier", "MyData"] and short.file == "src/team_tasks/sensor/__init__.py"
    ctx = context("my", "sensor", package="team_tasks", line_length=len(short.text) - 2)
    long = PackageExport.for_task(host, ctx, Plan(host.root))[0]
    assert long.text == (
        "from team_tasks.sensor.classification import (  # noqa: F401\n    MyClassifier,\n    MyData,\n)\n"
    )
    exact = PackageExport.for_task(
        host, context("my", "sensor", package="team_tasks", line_length=len(short.text) - 1), Plan(host.root)
    )[0]
    assert exact.text == short.text  # a line exactly as wide as allowed stays one line
    no_length = {**ctx, "line_length": None}
    assert PackageExport.for_task(host, no_length, Plan(host.root))[0].text == short.text  # Flash's 120
    plan = Plan(host.root)
    record = long.apply(plan)
    written = plan.current(long.file).decode()
    assert written == long.text
    assert long.present(written) and record.undo(written, []) is None


# ---- a team's package: created at the end, under an existing heading ---------------------------------------------


def test_a_task_in_a_package_registers_export_toctree_and_changelog_line_and_is_undone_exactly(tmp_path):
    host = package_host(tmp_path / "p")
    pristine = files(host.root)
    records = add(host, context("myclf", "myclf", package="team_tasks"))
    assert text(host.root, "src/team_tasks/myclf/__init__.py") == (
        "from team_tasks.myclf.classification import MyclfClassifier, MyclfData  # noqa: F401\n"
    )
    assert text(host.root, INDEX) == pristine[INDEX].decode() + (
        "\n.. toctree::\n   :maxdepth: 1\n   :caption: Myclf\n\n   reference/myclf_classification\n"
    )
    assert text(host.root, "CHANGELOG.md") == (
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n"
        "- Added the `MyclfClassifier` task: Classify myclf examples from their numeric features.\n- The project.\n"
    )
    assert _flags(records) == [
        ("package-export", "src/team_tasks/myclf/__init__.py", True, True),
        ("tests-package", "tests/myclf/__init__.py", False, True),
        ("toctree-entry", INDEX, True, True),
        ("changelog-line", "CHANGELOG.md", True, False),
    ]
    drop(host, "myclf")
    assert files(host.root) == pristine


def test_a_package_without_docs_index_or_changelog_registers_neither(tmp_path):
    host = package_host(tmp_path / "p", {"CHANGELOG.md": None})
    (host.root / INDEX).unlink()
    kinds = [
        r.kind for r in registrations.planned(host, context("my", "sensor", package="team_tasks"), Plan(host.root))
    ]
    assert kinds == ["package-export", "tests-package"]
    no_docs = registrations.planned(host, context("my", "sensor", package="team_tasks", docs_dir=""), Plan(host.root))
    assert [r.kind for r in no_docs] == ["package-export", "tests-package"]
    other = package_host(tmp_path / "q")
    other_docs = context("my", "sensor", package="team_tasks", docs_dir="")
    assert "toctree-entry" not in [r.kind for r in registrations.planned(other, other_docs, Plan(other.root))]


def test_a_package_docs_index_with_an_api_toctree_gets_the_new_toctree_before_it(tmp_path):
    index = "Team\n====\n\n" + API_TOCTREE + "\nEnd.\n"
    host = package_host(tmp_path / "p", {INDEX: index})
    pristine = files(host.root)
    add(host, context("sensor_clf", "sensor", package="team_tasks"))
    assert text(host.root, INDEX) == "Team\n====\n\n" + SENSOR_BLOCK + API_TOCTREE + "\nEnd.\n"
    drop(host, "sensor_clf")
    assert files(host.root) == pristine


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        ("Team\n====\n", "Team\n====\n\n" + SENSOR_BLOCK.rstrip("\n") + "\n"),
        ("Team\n====", "Team\n====\n\n" + SENSOR_BLOCK.rstrip("\n")),  # no final newline, none after
        ("", SENSOR_BLOCK.rstrip("\n") + "\n"),
        # The blank lines that end the file stay at its end, after the toctree.
        ("Team\n====\n\n", "Team\n====\n\n" + SENSOR_BLOCK),
        ("Team\n====\n\n\n", "Team\n====\n\n" + SENSOR_BLOCK + "\n"),
        ("\n", SENSOR_BLOCK),
    ],
    ids=["ends-with-text", "no-final-newline", "empty", "ends-with-a-blank-line", "ends-with-two", "blank"],
)
def test_a_toctree_created_at_the_end_of_the_index_is_one_blank_line_after_the_text_and_undone_exactly(
    tmp_path, index, expected
):
    host = package_host(tmp_path / "p", {INDEX: index})
    records = add(host, context("sensor_clf", "sensor", package="team_tasks"))
    assert text(host.root, INDEX) == expected
    assert [r.created for r in records if r.kind == "toctree-entry"] == [True]
    drop(host, "sensor_clf")
    assert text(host.root, INDEX) == index


def test_a_toctree_it_created_in_the_middle_of_the_index_is_taken_out_with_its_blank_line(tmp_path):
    entry = ToctreeEntry(INDEX, caption="Sensor", entry="reference/sensor_classification", created=True, inserted=True)
    original = "Title\n=====\n\n" + API_TOCTREE + "\nEnd.\n"
    edited = "Title\n=====\n\n" + SENSOR_BLOCK + API_TOCTREE + "\nEnd.\n"
    assert entry.undo(edited, []) == original
    # Right after text, before the API toctree: the toctree and the blank line after it go, none before it.
    assert entry.undo("A\n" + SENSOR_BLOCK + API_TOCTREE, []) == "A\n" + API_TOCTREE
    # A toctree it created, without a blank line after it, right before text: only the toctree goes.
    assert entry.undo("A\n" + SENSOR_BLOCK.rstrip("\n") + "\nB\n", []) == "A\nB\n"
    # The toctree at the end, after no blank line: nothing before it goes, the blank line after it stays.
    assert entry.undo("A\n" + SENSOR_BLOCK, []) == "A\n\n"
    # Its entry already taken out by hand: the empty toctree goes, and what follows it.
    assert entry.undo("A\n\n" + SENSOR_BLOCK.replace("   reference/sensor_classification\n", ""), []) == "A\n"
    # Another entry stays in it: the toctree stays, without the task's entry.
    kept = SENSOR_BLOCK.replace("   reference/sensor_classification\n", "   reference/sensor_classification\n   x\n")
    assert entry.undo("A\n\n" + kept, []) == "A\n\n" + SENSOR_BLOCK.replace("reference/sensor_classification", "x")
    # Not created by this task: the empty toctree stays.
    made_before = ToctreeEntry(INDEX, caption="Sensor", entry="reference/sensor_classification", inserted=True)
    assert made_before.undo("A\n\n" + SENSOR_BLOCK, []) == "A\n\n" + SENSOR_BLOCK.replace(
        "   reference/sensor_classification\n", ""
    )
    # A titled entry counts and is taken out; an entry of another toctree is not touched.
    titled = "A\n\n" + SENSOR_BLOCK.replace("   reference/", "   Sensor <reference/")[:-2] + ">\n"
    assert entry.present(titled) and entry.undo(titled, []) == "A\n"
    other = SENSOR_BLOCK.replace("Sensor", "Other")
    assert not entry.present(other) and entry.undo(other, []) == other
    # Not inserted by this task, or shared with another task's record: the text is left alone.
    assert ToctreeEntry(INDEX, caption="Sensor", entry="reference/sensor_classification").undo(edited, []) == edited
    assert entry.undo(edited, [entry]) == edited


def test_toctree_captions_are_flashs_own_or_the_data_type_in_words():
    assert [caption(dt) for dt in ("image", "video", "audio", "tabular", "text", "pointcloud", "graph")] == [
        "Image and Video",
        "Image and Video",
        "Audio",
        "Tabular",
        "Text",
        "Point Cloud",
        "Graph",
    ]
    assert caption("sensor_data") == "Sensor Data"


def test_a_new_data_type_toctree_goes_before_the_api_toctree_only_in_flash_or_where_there_is_one(tmp_path):
    flash = flash_host(tmp_path / "flash")
    first, api = ToctreeEntry.for_task(flash, context("s", "sensor"), Plan(flash.root))
    assert (first.file, first.caption, first.entry, first.before, first.create) == (
        INDEX,
        "Sensor",
        "reference/sensor_classification",
        "API Reference",
        True,
    )
    assert (api.file, api.caption, api.entry, api.before, api.create) == (
        INDEX,
        "API Reference",
        "api/sensor",
        None,
        False,
    )
    package = package_host(tmp_path / "p")
    (only,) = ToctreeEntry.for_task(package, context("s", "sensor", package="team_tasks"), Plan(package.root))
    assert (only.before, only.create) == (None, True)
    other_docs = package_host(tmp_path / "q")
    (other_docs.root / "doc").mkdir()
    (other_docs.root / INDEX).rename(other_docs.root / "doc/index.rst")
    ctx = context("s", "sensor", package="team_tasks", docs_dir="doc")
    assert [(t.file, t.before) for t in ToctreeEntry.for_task(other_docs, ctx, Plan(other_docs.root))] == [
        ("doc/index.rst", None)
    ]


# ---- the CHANGELOG line ------------------------------------------------------------------------------------------


LINE = "- Added the `MyClassifier` task: Classify my examples.\n"


@pytest.mark.parametrize(
    ("changelog", "expected", "created"),
    [
        (
            "# C\n\n## [Unreleased]\n\n### Added\n\n- Old.\n\n## [0.1.0]\n",
            "# C\n\n## [Unreleased]\n\n### Added\n\n" + LINE + "- Old.\n\n## [0.1.0]\n",
            False,
        ),
        (
            "# C\n\n## [Unreleased]\n\n### Changed\n\n- Faster.\n\n## [0.1.0]\n\n### Added\n\n- X.\n",
            "# C\n\n## [Unreleased]\n\n### Added\n\n"
            + LINE
            + "\n### Changed\n\n- Faster.\n\n## [0.1.0]\n\n### Added\n\n- X.\n",
            True,
        ),
        ("# C\n\n## [Unreleased]\n", "# C\n\n## [Unreleased]\n\n### Added\n\n" + LINE, True),
        ("# C\n\n## Unreleased\n\n### Added\n", "# C\n\n## Unreleased\n\n### Added\n" + LINE, False),
        ("## [Unreleased]\n### Added\n\n\n- Old.", "## [Unreleased]\n### Added\n\n\n" + LINE + "- Old.", False),
    ],
    ids=["under-added", "no-added-heading", "section-last-and-empty", "added-heading-last", "no-final-newline"],
)
def test_the_changelog_line_goes_first_under_added_and_its_undo_gives_the_file_back(
    tmp_path, changelog, expected, created
):
    host = package_host(tmp_path / "p", {"CHANGELOG.md": changelog})
    pristine = files(host.root)
    records = add(host, {**context("my", "sensor", package="team_tasks"), "description": "Classify my examples."})
    assert text(host.root, "CHANGELOG.md") == expected
    assert [(r.inserted, r.created) for r in records if r.kind == "changelog-line"] == [(True, created)]
    drop(host, "my")
    assert files(host.root) == pristine


def test_the_changelog_line_is_found_reworded_and_taken_out_heading_and_all_when_it_made_them():
    line = ChangelogLine("CHANGELOG.md", text=LINE, inserted=True, created=True)
    reworded = "## [Unreleased]\n\n### Added\n\n- The `MyClassifier` task ([#12](x))\n\n## [0.1]\n"
    assert line.present(reworded) and line.undo(reworded, []) == "## [Unreleased]\n\n## [0.1]\n"
    # The heading stays while another bullet is under it.
    two = "## [Unreleased]\n\n### Added\n\n" + LINE + "- Other.\n\n## [0.1]\n"
    assert line.undo(two, []) == "## [Unreleased]\n\n### Added\n\n- Other.\n\n## [0.1]\n"
    # At the end of the file.
    assert line.undo("## [Unreleased]\n\n### Added\n\n" + LINE, []) == "## [Unreleased]\n"
    # A heading it did not create stays.
    kept = ChangelogLine("CHANGELOG.md", text=LINE, inserted=True)
    assert kept.undo("## [Unreleased]\n\n### Added\n\n" + LINE, []) == "## [Unreleased]\n\n### Added\n\n"
    # Names that only contain the class's name, or a line that is no bullet, are not the task's line.
    others = "## [Unreleased]\n\n### Added\n\n- The `MyClassifierV2` task\nMyClassifier in prose\n"
    assert not line.present(others) and line.undo(others, []) == others
    for bullet in ("* ", "+ ", "  - "):
        assert line.present(f"{bullet}MyClassifier, reworded\n")
    # The first bullet naming it, the newest: the second stays.
    twice = "- MyClassifier one\n- MyClassifier two\n"
    assert line.undo(twice, []) == "- MyClassifier two\n"
    # Not inserted by this task, or shared: left alone.
    assert ChangelogLine("CHANGELOG.md", text=LINE).undo(two, []) == two
    assert line.undo(two, [ChangelogLine("CHANGELOG.md", text=LINE)]) == two


def test_the_added_heading_it_created_goes_without_a_line_above_it_the_contributor_wrote():
    line = ChangelogLine("CHANGELOG.md", text=LINE, inserted=True, created=True)
    for edited, expected in (
        # The blank line above the heading taken out: the unreleased heading stays.
        ("## [Unreleased]\n### Added\n\n" + LINE, "## [Unreleased]\n"),
        ("## [Unreleased]\n### Added\n\n" + LINE + "\n## [0.1]\n", "## [Unreleased]\n\n## [0.1]\n"),
        ("# C\n\n## [Unreleased]\nA note.\n### Added\n\n" + LINE, "# C\n\n## [Unreleased]\nA note.\n"),
        # Text the contributor wrote under the heading: the heading stays with it.
        ("## [Unreleased]\n\n### Added\nNew here:\n" + LINE, "## [Unreleased]\n\n### Added\nNew here:\n"),
        # The unreleased heading taken out since: the heading and its blank lines go, at the top of the file too.
        ("### Added\n\n" + LINE, ""),
        ("\n### Added\n\n" + LINE, ""),
    ):
        assert line.undo(edited, []) == expected, edited


def test_a_changelog_line_naming_no_class_is_found_only_as_written():
    line = ChangelogLine("CHANGELOG.md", text="- Added a task.\n", inserted=True)
    assert line.named() is None
    assert not line.present("- Added a task, reworded\n") and line.present("x\n- Added a task.\n")
    assert line.undo("- Added a task, reworded\n", []) == "- Added a task, reworded\n"
    assert line.revise("- Other\n", line) is None
    assert line.describe() == "CHANGELOG.md does not have the task's line '- Added a task.'"
    assert ChangelogLine("CHANGELOG.md", text=LINE).describe() == (
        "CHANGELOG.md has no line naming MyClassifier (the task's entry under 'Added' of the unreleased section)"
    )


def test_a_changelog_line_revised_keeps_a_reviewers_wording_and_changes_only_the_class_name():
    old = ChangelogLine("CHANGELOG.md", text=LINE)
    new = ChangelogLine("CHANGELOG.md", text="- Added the `YourClassifier` task: Classify.\n")
    assert old.revise("a\n" + LINE + "b\n", new) == "a\n" + new.text + "b\n"
    assert old.revise("- The `MyClassifier` task, `MyClassifierX` ([#1](x))\n", new) == (
        "- The `YourClassifier` task, `MyClassifierX` ([#1](x))\n"
    )
    assert old.revise("- Other\n", new) is None
    unnamed = ChangelogLine("CHANGELOG.md", text="- Added a task.\n")
    assert old.revise("- MyClassifier reworded\n", unnamed) == "- Added a task.\n"


@pytest.mark.parametrize(
    ("changelog", "problem"),
    [
        ("# C\n\n## [0.1.0]\n", "does not have an '## [Unreleased]' section"),
        ("## [Unreleased]\n\n## Unreleased\n", "has an '## [Unreleased]' section 2 times, where one is expected"),
        (
            "## [Unreleased]\n\n### Added\n\n- A.\n\n### Added\n\n- B.\n",
            "has an '### Added' heading in its unreleased section 2 times, where one is expected",
        ),
    ],
)
def test_a_changelog_without_one_unreleased_section_or_with_two_added_headings_is_refused(tmp_path, changelog, problem):
    host = package_host(tmp_path / "p", {"CHANGELOG.md": changelog})
    line = ChangelogLine.for_task(host, context("my", "sensor", package="team_tasks"), Plan(host.root))[0]
    plan = Plan(host.root)
    with pytest.raises(AnchorMissing) as error:
        line.apply(plan)
    assert str(error.value).startswith(f"CHANGELOG.md {problem}: ")
    assert plan.changes == [] and text(host.root, "CHANGELOG.md") == changelog


def test_an_added_heading_of_a_released_section_is_not_the_unreleased_ones(tmp_path):
    changelog = "## [Unreleased]\n\n### Changed\n\n- A.\n\n## [0.1]\n\n### Added\n\n- B.\n\n### Added\n"
    host = package_host(tmp_path / "p", {"CHANGELOG.md": changelog})
    line = ChangelogLine.for_task(host, context("my", "sensor", package="team_tasks"), Plan(host.root))[0]
    plan = Plan(host.root)
    record = line.apply(plan)
    assert record.created and plan.current("CHANGELOG.md").decode().startswith(
        "## [Unreleased]\n\n### Added\n\n- Added the `MyClassifier`"
    )


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("features.", "features."),
        ("snake_case and x_1", "snake_case and x_1"),
        ("*bold* _it_ ~s~", "\\*bold\\* \\_it\\_ \\~s\\~"),
        ("a * b _ c", "a * b _ c"),
        ("`code` [link]", "\\`code\\` \\[link]"),
        ("a\\b a\\*", "a\\b a\\\\\\*"),
        ("<b> </i> <!x> <?p a < b <1", "\\<b> \\</i> \\<!x> \\<?p a < b <1"),
        ("&amp; &#123; &#x1F; & &x", "\\&amp; \\&#123; \\&#x1F; & &x"),
        ("_x x_", "\\_x x\\_"),
        ("*", "*"),
        ("é<é", "é<é"),
    ],
)
def test_a_description_is_escaped_before_what_markdown_reads_as_markup_and_nothing_else(raw, escaped):
    assert md_escape(raw) == escaped


# ---- the API page -----------------------------------------------------------------------------------------------


def test_an_api_section_undo_takes_out_its_blank_line_and_a_page_it_made_when_left_empty():
    section = ApiSection("docs/source/api/s.rst", text="S\n_\n\n.. autosummary::\n    x\n", header="H\n", inserted=True)
    made = ApiSection(section.file, text=section.text, header=section.header, inserted=True, created=True)
    assert section.undo("H\n\n" + section.text, []) == "H\n"
    assert section.undo("H\n" + section.text, []) == "H\n"
    assert section.undo(section.text + "\nmore\n", []) == "\nmore\n"
    assert section.undo("\n\n" + section.text, []) == "\n"  # the blank lines before are the file's own
    assert section.undo("H\n\n" + section.text + "\nT\n", []) == "H\n\nT\n"
    assert made.undo("H\n\n" + section.text, []) is None
    assert made.undo("H\n\n" + section.text, [ApiSection(section.file, text="other", header="H\n")]) == "H\n"
    assert made.undo("H\nmine\n\n" + section.text, []) == "H\nmine\n"
    assert section.undo("H\n\n" + section.text, [section]) == "H\n\n" + section.text
    not_inserted = ApiSection(section.file, text=section.text, header="H\n")
    assert not_inserted.undo("H\n\n" + section.text, []) == "H\n\n" + section.text
    assert section.undo("H\n", []) == "H\n"
    new = ApiSection(section.file, text="T\n_\n\n.. autosummary::\n    y\n", header="H\n")
    assert section.revise("H\n\n" + section.text + "end\n", new) == "H\n\n" + new.text + "end\n"
    assert section.revise("H\n", new) is None
    assert (
        section.describe()
        == "docs/source/api/s.rst does not have the task's API section 'S' (the autosummary of its classes)"
    )


def test_an_api_section_on_an_empty_or_blank_page_is_the_page(tmp_path):
    host = flash_host(tmp_path / "flash")
    section = ApiSection.for_task(host, context("anomaly", "tabular", "regression"), Plan(host.root))[0]
    for page in ("", "\n\n"):
        (host.root / section.file).write_text(page)
        _, record, written = applied(host, section)
        assert written == section.text
        assert (record.inserted, record.created) == (True, False)
    assert ApiSection.for_task(package_host(tmp_path / "p"), context("a", "s", package="t"), Plan(tmp_path)) == []


# ---- the examples test: the flag import and the case ------------------------------------------------------------

IMPORTS = "from flash.core.utilities.imports import (\n    _A,\n    _Z,\n)\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (IMPORTS, "from flash.core.utilities.imports import (\n    _A,\n    _TOPIC_SENSOR_AVAILABLE,\n    _Z,\n)\n"),
        (
            "from flash.core.utilities.imports import (\n  _Z,\n)\n",
            "from flash.core.utilities.imports import (\n  _TOPIC_SENSOR_AVAILABLE,\n  _Z,\n)\n",
        ),
        (
            "from flash.core.utilities.imports import (\n    _A,\n    _B,\n)\n",
            "from flash.core.utilities.imports import (\n    _A,\n    _B,\n    _TOPIC_SENSOR_AVAILABLE,\n)\n",
        ),
    ],
    ids=["between", "first-with-its-indent", "last"],
)
def test_the_flag_import_goes_in_sorted_position_with_the_lists_indent(tmp_path, before, after):
    host = flash_host(tmp_path / "flash")
    (host.root / SCRIPTS).write_text("import os\n" + before + "x = 1\n")
    (flag,) = ExamplesTestImport.for_task(host, context("s", "sensor"), Plan(host.root))
    plan = Plan(host.root)
    record = flag.apply(plan)
    assert plan.current(SCRIPTS).decode() == "import os\n" + after + "x = 1\n"
    assert record.inserted and record.present(plan.current(SCRIPTS).decode())
    assert record.undo(plan.current(SCRIPTS).decode(), []) == "import os\n" + before + "x = 1\n"


def test_the_flag_import_after_a_last_name_without_a_comma_gives_it_one_and_takes_it_back_on_undo(tmp_path):
    host = flash_host(tmp_path / "flash")
    before = "from flash.core.utilities.imports import (\n    _A,\n    _B\n)\nx = 1\n"
    after = "from flash.core.utilities.imports import (\n    _A,\n    _B,\n    _TOPIC_SENSOR_AVAILABLE,\n)\nx = 1\n"
    (host.root / SCRIPTS).write_text(before)
    (flag,) = ExamplesTestImport.for_task(host, context("s", "sensor"), Plan(host.root))
    plan = Plan(host.root)
    record = flag.apply(plan)
    edited = plan.current(SCRIPTS).decode()
    assert edited == after  # as a formatter writes a list of one name per line
    compile(edited, SCRIPTS, "exec")
    assert (record.inserted, record.created) == (True, True)  # the comma it made
    assert record.undo(edited, []) == before
    # A second task's record owns the comma too: the last one removed takes it back.
    second = flag.inherit([record])
    assert (second.inserted, second.created) == (True, True)
    assert record.undo(edited, [second]) == edited and second.undo(edited, []) == before
    # A name the contributor added after it needs the comma: it stays.
    later = after.replace("    _TOPIC_SENSOR_AVAILABLE,\n", "    _TOPIC_SENSOR_AVAILABLE,\n    _Z\n")
    assert record.undo(later, []) == before.replace("    _B\n", "    _B,\n    _Z\n")
    # Between names, or after a last name with its comma, no comma is made.
    for text_before in (before.replace("_B", "_Z"), before.replace("_B\n", "_B,\n")):
        (host.root / SCRIPTS).write_text(text_before)
        plan = Plan(host.root)
        record = flag.apply(plan)
        assert record.created is False and record.undo(plan.current(SCRIPTS).decode(), []) == text_before
    # Alone in its import, without a comma.
    alone = "from flash.core.utilities.imports import (\n    _B\n)\n"
    (host.root / SCRIPTS).write_text(alone)
    plan = Plan(host.root)
    record = flag.apply(plan)
    assert plan.current(SCRIPTS).decode() == alone.replace("_B\n", "_B,\n    _TOPIC_SENSOR_AVAILABLE,\n")
    assert record.undo(plan.current(SCRIPTS).decode(), []) == alone
    # The contributor took out every other name: the import, now of the flag alone, goes whole.
    for created in (True, False):
        only = "import os\nfrom flash.core.utilities.imports import (\n    _TOPIC_SENSOR_AVAILABLE,\n)\nx = 1\n"
        assert replace(record, created=created).undo(only, []) == "import os\nx = 1\n"


def test_the_flag_import_is_kept_while_used_shared_or_not_inserted_and_refused_where_it_cannot_go(tmp_path):
    flag = ExamplesTestImport(SCRIPTS, module="flash.core.utilities.imports", name="_SKLEARN_AVAILABLE", inserted=True)
    there = IMPORTS.replace("    _A,\n", "    _A,\n    _SKLEARN_AVAILABLE,\n")
    assert flag.undo(there, []) == IMPORTS
    used = there + "x = _SKLEARN_AVAILABLE\n"
    assert flag.undo(used, []) == used
    assert flag.undo(there, [flag]) == there
    assert ExamplesTestImport(SCRIPTS, module=flag.module, name=flag.name).undo(there, []) == there
    assert flag.undo("import os\n", []) == "import os\n"  # the import is gone already
    assert not flag.present(IMPORTS) and flag.present(there)
    assert not flag.present(there.replace("flash.core.utilities.imports", "other"))
    assert flag.describe() == f"{SCRIPTS} does not import _SKLEARN_AVAILABLE from flash.core.utilities.imports"

    host = flash_host(tmp_path / "flash")
    for body, problem in (
        ("import os\n", "does not have an import from flash.core.utilities.imports"),
        (IMPORTS + IMPORTS, "has an import from flash.core.utilities.imports 2 times, where one is expected"),
        (
            "from flash.core.utilities.imports import _A\n",
            "does not have a parenthesised import from flash.core.utilities.imports, one name per line",
        ),
    ):
        (host.root / SCRIPTS).write_text(body)
        plan = Plan(host.root)
        with pytest.raises(AnchorMissing) as error:
            flag.apply(plan)
        assert str(error.value).startswith(f"{SCRIPTS} {problem}: ")
        assert plan.changes == []
    (host.root / SCRIPTS).write_text(there)
    plan = Plan(host.root)
    assert (flag.apply(plan).inserted, flag.apply(plan).created) == (False, False) and plan.writes == []
    with pytest.raises(AnchorMissing, match=f"^{SCRIPTS} has an import from flash.core.utilities.imports 2 times"):
        flag.undo(there + there, [])


def test_the_examples_case_and_flash_zero_entry_are_found_by_key_and_refused_where_the_list_is_not_one(tmp_path):
    host = flash_host(tmp_path / "flash")
    (case,) = ExamplesTestEntry.for_task(host, context("sensor_clf", "sensor", **SENSOR_CLF), Plan(host.root))
    assert (case.file, case.key, case.text) == (SCRIPTS, ["sensor", "sensor_classification.py"], SENSOR_CASE)
    (zero,) = FlashZeroEntry.for_task(host, context("sensor_clf", "sensor", **SENSOR_CLF), Plan(host.root))
    assert (zero.file, zero.key, zero.text) == (
        MAIN,
        ["flash.sensor.classification"],
        '    "flash.sensor.classification",\n',
    )
    assert FlashZeroEntry.for_task(host, context("s", "sensor"), Plan(host.root)) == []
    package = package_host(tmp_path / "p")
    for kind in (ExamplesTestEntry, ExamplesTestImport, FlashZeroEntry):
        assert (
            kind.for_task(package, context("s", "sensor", package="team_tasks", extras=("cli",)), Plan(package.root))
            == []
        )

    # The fixture's own "tabular" case is another example: the key is both strings.
    tabular = ExamplesTestEntry(SCRIPTS, key=["tabular", "tabular_regression.py"], text=SENSOR_CASE, inserted=True)
    scripts = text(host.root, SCRIPTS)
    assert not tabular.present(scripts)
    assert ExamplesTestEntry(SCRIPTS, key=["tabular", "tabular_classification.py"], text="").present(scripts)
    plan = Plan(host.root)
    record = case.apply(plan)
    edited = plan.current(SCRIPTS).decode()
    assert record.inserted and case.present(edited) and record.undo(edited, []) == scripts
    assert record.undo(edited, [case]) == edited  # another task's case of the same example
    assert ExamplesTestEntry(SCRIPTS, key=case.key, text=case.text).undo(edited, []) == edited
    assert tabular.undo(scripts, []) == scripts  # not there: nothing to take out

    main = text(host.root, MAIN)
    tasks_list = main[main.index("tasks = [") : main.index("\n]\n") + 3]
    for body, problem in (
        (main.replace(tasks_list, ""), "does not have the list assigned to tasks"),
        (
            main.replace(tasks_list, tasks_list + tasks_list),
            "has the list assigned to tasks 2 times, where one is expected",
        ),
    ):
        (host.root / MAIN).write_text(body)
        plan = Plan(host.root)
        with pytest.raises(AnchorMissing) as error:
            zero.apply(plan)
        assert str(error.value).startswith(f"{MAIN} {problem}: ") and plan.changes == []
    twice = main.replace(tasks_list, tasks_list + tasks_list)
    with pytest.raises(AnchorMissing, match="has the list assigned to tasks 2 times"):
        FlashZeroEntry(MAIN, key=zero.key, text=zero.text, inserted=True).undo(twice, [])
    assert zero.describe() == f"{MAIN} does not list flash.sensor.classification among Flash Zero's tasks"
    assert case.describe() == f"{SCRIPTS} does not run the example sensor/sensor_classification.py in test_example"


# ---- the tests package ------------------------------------------------------------------------------------------


def test_the_tests_package_is_made_when_missing_and_removed_only_empty_unshared_and_made_by_the_task(tmp_path):
    host = package_host(tmp_path / "p")
    (package,) = TestsPackage.for_task(host, context("s", "sensor"), Plan(host.root))
    assert package.file == "tests/sensor/__init__.py"
    plan = Plan(host.root)
    made = package.apply(plan)
    assert made.created and plan.current(package.file) == b""
    assert made.present("") and made.present("x = 1\n")
    assert made.undo("", []) is None and made.undo("\n", []) is None
    assert made.undo("# mine\n", []) == "# mine\n"
    assert made.undo("", [TestsPackage(package.file)]) == ""
    assert made.undo("", [TestsPackage("tests/other/__init__.py")]) is None
    assert TestsPackage(package.file).undo("", []) == ""
    (host.root / "tests/sensor").mkdir(parents=True)
    (host.root / package.file).write_text("")
    plan = Plan(host.root)
    assert package.apply(plan).created is False and plan.changes == []
    assert (
        made.describe() == "tests/sensor/__init__.py is missing: the data type's tests folder is no package without it"
    )


def test_a_package_export_file_it_made_goes_only_when_empty_and_no_other_task_edits_it():
    export = PackageExport(
        "src/p/s/__init__.py", module="p.s.classification", names=["A", "B"], text="x\n", inserted=True, created=True
    )
    line = "from p.s.classification import A, B  # noqa: F401\n"
    assert export.undo(line, []) is None
    assert export.undo(line.replace("A, B", "B, A"), []) is None  # the names in any order
    assert export.undo(line, [PackageExport(export.file, module="p.s.regression", names=[], text="")]) == ""
    assert export.undo("# x\n" + line, []) == "# x\n"
    assert export.undo(line, [export]) == line
    other = "from p.s.classification import A  # noqa: F401\n"
    assert not export.present(other) and export.undo(other, []) == other
    new = PackageExport(export.file, module="p.s.classification", names=["A", "C"], text="from p.s.c import A, C\n")
    assert export.revise("# a\n" + line + "# b\n", new) == "# a\n" + new.text + "# b\n"
    assert export.revise(other, new) is None
    assert export.describe() == "src/p/s/__init__.py does not import A, B from p.s.classification"


# ---- refusals of the shared files themselves ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "anchor"),
    [
        (INDEX, "a toctree captioned 'API Reference'"),
        ("CHANGELOG.md", "its CHANGELOG line"),
        (SCRIPTS, "the import of _TOPIC_SENSOR_AVAILABLE"),
        (MAIN, "its Flash Zero command"),
    ],
)
def test_a_shared_file_missing_or_without_its_anchor_is_refused_and_nothing_planned(tmp_path, path, anchor):
    host = flash_host(tmp_path / "flash")
    ctx = context("sensor_clf", "sensor", **SENSOR_CLF)
    if path == INDEX:  # the API toctree is what a new data type's toctree goes before
        (host.root / path).write_text(text(host.root, path).replace(API_TOCTREE, ""))
        message = f"{INDEX} does not have {anchor}: add it by hand or fix the file, then run again"
    else:
        (host.root / path).unlink()
        message = f"{path} does not exist, and the task registers {anchor} there: restore it, then run again"
    before = files(host.root)
    plan = Plan(host.root)
    with pytest.raises(AnchorMissing) as error:
        register.register(host, ctx, plan)
    assert isinstance(error.value, FlashNewError) and str(error.value) == message
    assert files(host.root) == before


def test_an_index_whose_api_toctree_is_there_twice_or_whose_toctree_is_there_twice_is_refused(tmp_path):
    host = flash_host(tmp_path / "flash")
    index = text(host.root, INDEX)
    for broken, caption_ in (
        (index.replace(API_TOCTREE, API_TOCTREE + "\n" + API_TOCTREE), "API Reference"),
        (index.replace("Integrations", "Tabular"), "Tabular"),
    ):
        (host.root / INDEX).write_text(broken)
        plan = Plan(host.root)
        with pytest.raises(AnchorMissing) as error:
            register.register(host, context("anomaly", "tabular", "regression"), plan)
        assert str(error.value) == (
            f"{INDEX} has a toctree captioned {caption_!r} 2 times, where one is expected: keep one, then run again"
        )
    entry = ToctreeEntry(INDEX, caption="Tabular", entry="reference/tabular_classification", inserted=True)
    with pytest.raises(AnchorMissing, match="captioned 'Tabular' 2 times"):
        entry.undo(index.replace("Integrations", "Tabular"), [])
    assert entry.undo("no toctree\n", []) == "no toctree\n"
    assert (
        entry.describe() == f"{INDEX} does not list reference/tabular_classification in its toctree captioned 'Tabular'"
    )


def test_a_shared_file_that_is_not_utf8_is_refused_and_missing_names_it_once(tmp_path):
    host = flash_host(tmp_path / "flash")
    records = add(host, context("sensor_clf", "sensor", **SENSOR_CLF))
    (host.root / INDEX).write_bytes(b"Title\n\xff\xfe\n")
    assert register.missing(host, records) == [
        f"{INDEX} is not UTF-8 text (byte 6 cannot be read): fix its encoding, then run again"
    ]
    (host.root / MAIN).write_text("tasks = []\n")  # and an edit in a file after it is gone: both are named
    assert register.missing(host, records) == [
        f"{INDEX} is not UTF-8 text (byte 6 cannot be read): fix its encoding, then run again",
        f"{MAIN} does not list flash.sensor.classification among Flash Zero's tasks",
    ]
    plan = Plan(host.root)
    with pytest.raises(AnchorMissing, match=rf"^{INDEX} is not UTF-8 text \(byte 6 cannot be read\)"):
        register.register(host, context("sensor_reg", "sensor", "regression"), plan)


def test_missing_names_each_edit_no_longer_there_and_nothing_for_a_file_gone_with_nothing_to_find(tmp_path):
    host = flash_host(tmp_path / "flash")
    records = add(host, context("sensor_clf", "sensor", **SENSOR_CLF))
    (host.root / "CHANGELOG.md").write_text((CHECKOUT / "CHANGELOG.md").read_text())
    (host.root / "docs/source/api/sensor.rst").unlink()
    (host.root / "tests/sensor/__init__.py").unlink()
    assert register.missing(host, records) == [
        "tests/sensor/__init__.py is missing: the data type's tests folder is no package without it",
        "docs/source/api/sensor.rst does not have the task's API section 'Classification' (the autosummary of its "
        "classes)",
        "CHANGELOG.md has no line naming SensorClfClassifier (the task's entry under 'Added' of the unreleased "
        "section)",
    ]


def test_remove_goes_on_when_a_shared_file_is_gone_and_keeps_a_file_another_task_edits(tmp_path):
    host = flash_host(tmp_path / "flash")
    add(host, context("sensor_clf", "sensor", **SENSOR_CLF))
    add(host, context("sensor_reg", "sensor", "regression"))
    (host.root / "docs/source/api/sensor.rst").unlink()
    drop(host, "sensor_clf")
    assert not (host.root / "docs/source/api/sensor.rst").exists()
    assert text(host.root, "src/flash/sensor/__init__.py") == (
        "from flash.sensor.regression import SensorRegData, SensorRegRegressor  # noqa: F401\n"
    )
    assert files(host.root)["tests/sensor/__init__.py"] == b""


def test_other_records_are_every_other_tasks_registrations(tmp_path):
    host = flash_host(tmp_path / "flash")
    assert list(register.other_records(host, "x")) == []
    first = add(host, context("sensor_clf", "sensor", **SENSOR_CLF))
    second = add(host, context("sensor_reg", "sensor", "regression"))
    ids = [r.identity() for r in register.other_records(host, "sensor_reg")]
    assert ids == [r.identity() for r in first]
    assert [r.identity() for r in register.other_records(host, "nobody")] == [r.identity() for r in first + second]
    (host.root / ".flash-new/sensor_clf.yml").write_text("answers without a record\n")
    (host.root / ".flash-new/sensor_clf.json").unlink()
    assert [r.identity() for r in register.other_records(host, "nobody")] == [r.identity() for r in second]


# ---- records: what each kind holds, and the names of earlier versions ---------------------------------------------


def test_each_kind_reads_its_own_records_and_those_of_earlier_versions():
    for kind in registrations.KINDS:
        assert kind.reads({"op": kind.kind})
        for pattern in kind.legacy:
            assert kind.reads({**pattern, "file": "x"})
    assert not ToctreeEntry.reads({"op": "append-block"})
    assert FlashZeroEntry.reads({"op": "list-item", "locate": "tasks"})
    assert not FlashZeroEntry.reads({"op": "list-item", "locate": "test_example"})
    old = registrations.from_json(
        {"op": "append-block", "file": "docs/source/api/s.rst", "text": "t", "header": "h"}, "r.json"
    )
    assert isinstance(old, ApiSection) and (old.inserted, old.created) == (True, False)  # legacy_inserted
    older = registrations.from_json({"op": "ensure-file", "file": "tests/s/__init__.py", "created": True}, "r")
    assert isinstance(older, TestsPackage) and (older.inserted, older.created) == (False, True)
    added = registrations.from_json(
        {"op": "import-name", "file": SCRIPTS, "module": "m", "name": "n", "added": True}, "r"
    )
    assert isinstance(added, ExamplesTestImport) and added.inserted
    today = registrations.from_json({"op": "tests-package", "file": "tests/s/__init__.py"}, "r")
    assert (today.inserted, today.created) == (False, False)
    listed = registrations.from_json({"op": "flash-zero-entry", "file": MAIN, "key": ["a"], "text": ""}, "r")
    assert listed.key == ["a"]
    with pytest.raises(UsageError, match=r"^r.json is not a flash-new task record \(inserted of an edit of f is not"):
        registrations.from_json({"op": "tests-package", "file": "f", "inserted": "yes"}, "r.json")
    with pytest.raises(UsageError, match=r"key of an edit of f is not list\[str\]"):
        registrations.from_json({"op": "flash-zero-entry", "file": "f", "key": ["a", 1], "text": ""}, "r.json")


def test_a_record_holds_its_recorded_fields_only_and_its_identity_leaves_out_the_flags():
    entry = ToctreeEntry(INDEX, caption="C", entry="reference/x", before="API", create=False, inserted=True)
    assert entry.to_json() == {
        "op": "toctree-entry",
        "file": INDEX,
        "inserted": True,
        "created": False,
        "caption": "C",
        "entry": "reference/x",
    }
    assert entry.identity() == ToctreeEntry(INDEX, caption="C", entry="reference/x", created=True).identity()
    assert entry.locator() == entry.identity()
    case = ExamplesTestEntry(SCRIPTS, key=["a", "b.py"], text="t")
    assert (
        case.locator()
        == ExamplesTestEntry(SCRIPTS, key=["a", "b.py"], text="other").locator()
        != ExamplesTestEntry(SCRIPTS, key=["a", "c.py"], text="t").locator()
    )
    export = PackageExport("f", module="m", names=["B", "A"], text="t")
    assert export.locator() == PackageExport("f", module="m", names=["A", "B"], text="u").locator()
    assert export.locator() != PackageExport("f", module="n", names=["A", "B"], text="t").locator()


def test_inherit_owns_what_another_task_of_the_same_element_or_container_made():
    mine = ToctreeEntry(INDEX, caption="S", entry="reference/b")
    made = ToctreeEntry(INDEX, caption="S", entry="reference/a", inserted=True, created=True)
    assert (mine.inherit([made]).inserted, mine.inherit([made]).created) == (False, True)
    same = ToctreeEntry(INDEX, caption="S", entry="reference/b", inserted=True)
    assert (mine.inherit([same]).inserted, mine.inherit([same]).created) == (True, False)
    elsewhere = ToctreeEntry("doc/index.rst", caption="S", entry="reference/b", inserted=True, created=True)
    other_caption = ToctreeEntry(INDEX, caption="T", entry="reference/b", inserted=True, created=True)
    assert mine.inherit([elsewhere, other_caption]) == mine
    assert mine.inherit([TestsPackage(INDEX, inserted=True, created=True)]) == mine  # another kind
    # A kind without a container never inherits "created"; one without an element never "inserted".
    zero = FlashZeroEntry(MAIN, key=["m"], text="t")
    assert zero.inherit([FlashZeroEntry(MAIN, key=["m"], text="t", created=True)]).created is False
    # The flag import's container is its own name (the comma it made): only the same import's is inherited.
    flag = ExamplesTestImport(SCRIPTS, module="m", name="n")
    assert flag.inherit([ExamplesTestImport(SCRIPTS, module="m", name="n", created=True)]).created is True
    assert flag.inherit([ExamplesTestImport(SCRIPTS, module="m", name="o", created=True)]).created is False
    tests = TestsPackage("tests/s/__init__.py")
    assert tests.inherit([TestsPackage("tests/s/__init__.py", inserted=True)]).inserted is False
    assert not tests.shared_by([tests]) and flag.shared_by([flag])
    assert flag.file_used_by([TestsPackage(SCRIPTS)]) and not flag.file_used_by([TestsPackage("x")])


@pytest.mark.parametrize(
    "record",
    [
        PackageExport(
            "src/flash/x/__init__.py", module="flash.x.y", names=["A", "B"], text="from flash.x.y import A\n"
        ),
        PackageExport("flash/x/__init__.py", module="flash.x.y", names=["A", "B"], text="from flash.x.y import A, B\n"),
        TestsPackage("tests/sensor_data/__init__.py"),
        ToctreeEntry("docs/index.rst", caption="A B", entry="api/x"),
        ToctreeEntry("index.rst", caption="A", entry="reference/x_y"),
        ApiSection(
            "docs/source/api/x.rst", text="X\n_\n\n.. autosummary::\n a\n", header="#\nt\n#\n\n.. currentmodule:: t\n"
        ),
        ChangelogLine("CHANGELOG.md", text="- Added the `X1` task: d\n"),
        ChangelogLine("CHANGELOG.md", text="- Added the `X1` task: d ([#????](x))\n", todo=CHANGELOG_TODO),
        ExamplesTestImport(SCRIPTS, module="flash.core.utilities.imports", name="_SKLEARN_AVAILABLE"),
        ExamplesTestEntry(SCRIPTS, key=["x", "x_y.py"], text="t"),
        FlashZeroEntry("src/flash/__main__.py", key=["flash.x.y"], text="t"),
        TopicFlag(FLAGS_FILE, name="_TOPIC_SENSOR_AVAILABLE", text=SENSOR_FLAG),
        TopicFlag(
            "flash/core/utilities/imports.py",
            name="_TOPIC_SENSOR_2D_AVAILABLE",
            text="_TOPIC_SENSOR_2D_AVAILABLE = all([_SKLEARN_AVAILABLE])\n",
        ),
        TopicExtra(FLAGS_FILE, key="sensor", text=SENSOR_EXTRA),
        TopicExtra(FLAGS_FILE, key="sensor_2d", text='    "sensor_2d": _TOPIC_SENSOR_2D_AVAILABLE,\n'),
        TopicRequirements("requirements/datatype_sensor.txt", text=DATATYPE_SENSOR),
        TopicRequirements("requirements/testing_sensor.txt", text=TESTING_SENSOR),
        CiMatrixRow(WORKFLOW, topic="sensor_2d"),
    ],
    ids=lambda r: f"{r.kind}-{r.file}",
)
def test_a_record_of_what_flash_new_writes_passes_its_check(record):
    record.check("r.json")


@pytest.mark.parametrize(
    ("record", "what"),
    [
        (
            PackageExport("src/flash/x/y.py", module="flash.x.y", names=["A", "B"], text="from flash.x.y import A\n"),
            "file",
        ),
        (
            PackageExport(
                "src/flash/x/__init__.py", module="flash.x", names=["A", "B"], text="from flash.x import A\n"
            ),
            "module",
        ),
        (
            PackageExport("src/flash/x/__init__.py", module="flash.x.y", names=["A"], text="from flash.x.y import A\n"),
            "names",
        ),
        (
            PackageExport(
                "src/flash/x/__init__.py", module="flash.x.y", names=["A", "b"], text="from flash.x.y import A\n"
            ),
            "names",
        ),
        (PackageExport("src/flash/x/__init__.py", module="flash.x.y", names=["A", "B"], text="import os\n"), "text"),
        (
            PackageExport(
                "src/flash/x/__init__.py", module="flash.x.y", names=["A", "B"], text="from flash.x.y import A"
            ),
            "text",
        ),
        (TestsPackage("tests/x/y/__init__.py"), "file"),
        (TestsPackage("tests/X/__init__.py"), "file"),
        (ToctreeEntry("docs/conf.py", caption="A", entry="api/x"), "file"),
        (ToctreeEntry("docs/index.rst", caption="A", entry="other/x"), "entry"),
        (ToctreeEntry("docs/index.rst", caption=" ", entry="api/x"), "caption"),
        (ToctreeEntry("docs/index.rst", caption="A\nB", entry="api/x"), "caption"),
        (
            ApiSection(
                "docs/source/x.rst", text="X\n_\n\n.. autosummary::\n a\n", header="#\nt\n#\n\n.. currentmodule:: t\n"
            ),
            "file",
        ),
        (
            ApiSection(
                "docs/source/api/x.rst",
                text="x\n_\n\n.. autosummary::\n a\n",
                header="#\nt\n#\n\n.. currentmodule:: t\n",
            ),
            "text",
        ),
        (
            ApiSection(
                "docs/source/api/x.rst",
                text="X\n_\n\n.. autosummary::\n a\n",
                header="#\nt\n##\n\n.. currentmodule:: t\n",
            ),
            "header",
        ),
        (ChangelogLine("NEWS.md", text="- Added the `X` task: d\n"), "file"),
        (ChangelogLine("CHANGELOG.md", text="- Added the `x` task: d\n"), "text"),
        (ChangelogLine("CHANGELOG.md", text="- Added the `X` task: d\n", todo="fill in the link"), "to-do"),
        (
            ExamplesTestImport("tests/other.py", module="flash.core.utilities.imports", name="_SKLEARN_AVAILABLE"),
            "file",
        ),
        (ExamplesTestImport(SCRIPTS, module="os", name="_SKLEARN_AVAILABLE"), "module"),
        (ExamplesTestImport(SCRIPTS, module="flash.core.utilities.imports", name="os"), "name"),
        (ExamplesTestEntry("tests/other.py", key=["x", "x.py"], text="t"), "file"),
        (ExamplesTestEntry(SCRIPTS, key=["x"], text="t"), "key"),
        (ExamplesTestEntry(SCRIPTS, key=["X", "x.py"], text="t"), "key"),
        (ExamplesTestEntry(SCRIPTS, key=["x", "x.sh"], text="t"), "key"),
        (FlashZeroEntry("src/flash/main.py", key=["flash.x.y"], text="t"), "file"),
        (FlashZeroEntry("src/flash/__main__.py", key=["flash.x.y", "b"], text="t"), "key"),
        (FlashZeroEntry("src/flash/__main__.py", key=["flash.x"], text="t"), "key"),
        (TopicFlag("src/flash/core/imports.py", name="_TOPIC_SENSOR_AVAILABLE", text=SENSOR_FLAG), "file"),
        (TopicFlag("src/flash/core/utilities/imports.pyc", name="_TOPIC_SENSOR_AVAILABLE", text=SENSOR_FLAG), "file"),
        (
            TopicFlag(FLAGS_FILE, name="_SENSOR_AVAILABLE", text="_SENSOR_AVAILABLE = all([_SKLEARN_AVAILABLE])\n"),
            "name",
        ),
        (
            TopicFlag(
                FLAGS_FILE, name="_TOPIC_sensor_AVAILABLE", text="_TOPIC_sensor_AVAILABLE = all([_SKLEARN_AVAILABLE])\n"
            ),
            "name",
        ),
        (TopicFlag(FLAGS_FILE, name="_TOPIC_SENSOR_AVAILABLE", text="_TOPIC_SENSOR_AVAILABLE = True\n"), "text"),
        (TopicFlag(FLAGS_FILE, name="_TOPIC_SENSOR_AVAILABLE", text=SENSOR_FLAG.rstrip("\n")), "text"),
        (TopicFlag(FLAGS_FILE, name="_TOPIC_OTHER_AVAILABLE", text=SENSOR_FLAG), "text"),
        (TopicExtra("src/flash/core/utilities/other.py", key="sensor", text=SENSOR_EXTRA), "file"),
        (TopicExtra(FLAGS_FILE, key="Sensor", text='    "Sensor": _TOPIC_SENSOR_AVAILABLE,\n'), "key"),
        (TopicExtra(FLAGS_FILE, key="other", text=SENSOR_EXTRA), "text"),
        (TopicExtra(FLAGS_FILE, key="sensor", text='    "sensor": _SKLEARN_AVAILABLE,\n'), "text"),
        (TopicExtra(FLAGS_FILE, key="sensor", text=SENSOR_EXTRA.rstrip("\n")), "text"),
        (TopicRequirements("requirements/sensor.txt", text=DATATYPE_SENSOR), "file"),
        (TopicRequirements("requirements/datatype_Sensor.txt", text=DATATYPE_SENSOR), "file"),
        (TopicRequirements("other/datatype_sensor.txt", text=DATATYPE_SENSOR), "file"),
        (TopicRequirements("requirements/datatype_sensor.txt", text=TESTING_SENSOR), "text"),
        (TopicRequirements("requirements/testing_sensor.txt", text=TESTING_SENSOR.replace("sensor", "other")), "text"),
        (CiMatrixRow(".github/workflows/ci.yml", topic="sensor"), "file"),
        (CiMatrixRow(WORKFLOW, topic="Sensor"), "topic"),
        (CiMatrixRow(WORKFLOW, topic="sensor', extra: [x"), "topic"),
    ],
    ids=lambda value: value if isinstance(value, str) else f"{value.kind}-{value.file}",
)
def test_a_record_with_a_field_flash_new_never_writes_is_refused(record, what):
    with pytest.raises(InvalidState) as error:
        record.check("r.json")
    assert str(error.value) == (
        f"r.json records a {record.kind} edit of {record.file!r} whose {what} flash-new never writes: "
        "restore it from git"
    )


# ---- edge cases of each kind -------------------------------------------------------------------------------------


def test_a_task_type_of_two_words_is_a_heading_of_two_words_in_the_api_section_and_its_sentence():
    ctx = {**context("speech", "audio"), "task_type": "speech_recognition"}
    section = ApiSection.for_task(Host(Path("."), "flash", "flash", "src/flash"), ctx, Plan(Path(".")))[0]
    assert section.text.startswith("Speech Recognition\n__________________\n\n.. autosummary::\n")
    assert "    ~speech_recognition.model.SpeechClassifier\n" in section.text
    assert section.describe() == (
        "docs/source/api/audio.rst does not have the task's API section 'Speech Recognition' (the autosummary of its "
        "classes)"
    )


def test_an_api_section_is_appended_keeping_what_ends_the_page_but_its_final_newlines(tmp_path):
    host = flash_host(tmp_path / "flash")
    section = ApiSection.for_task(host, context("anomaly", "tabular", "regression"), Plan(host.root))[0]
    for page in ("H\n\n    classification.data.SomeInputX\n\n\n", "H\n\nlast line  \n"):
        (host.root / section.file).write_text(page)
        _, record, written = applied(host, section)
        assert written == page.rstrip("\n") + "\n\n" + section.text
        assert record.undo(written, []) == page.rstrip("\n") + "\n"


def test_an_api_section_there_twice_is_revised_and_undone_at_its_first_copy_only():
    section = ApiSection("docs/source/api/s.rst", text="S\n_\n\n.. autosummary::\n    x\n", header="H\n", inserted=True)
    new = ApiSection(section.file, text="T\n_\n\n.. autosummary::\n    y\n", header="H\n")
    page = "H\n\n" + section.text + "\nmiddle\n\n" + section.text
    assert section.revise(page, new) == "H\n\n" + new.text + "\nmiddle\n\n" + section.text
    assert section.undo(page, []) == "H\n\nmiddle\n\n" + section.text


def test_a_shared_python_file_that_does_not_parse_is_refused_naming_it(tmp_path):
    host = flash_host(tmp_path / "flash")
    broken = "def broken(:\n"
    records = {r.kind: r for r in registrations.planned(host, context("s", "sensor", extras=("cli",)), Plan(host.root))}
    export = records["package-export"]
    for record, path in (
        (records["examples-test-import"], SCRIPTS),
        (records["examples-test-entry"], SCRIPTS),
        (records["flash-zero-entry"], MAIN),
        (export, export.file),
    ):
        message = f"{path} is not valid Python (parser error: "
        (host.root / path).parent.mkdir(parents=True, exist_ok=True)
        (host.root / path).write_text(broken)
        plan = Plan(host.root)
        with pytest.raises(AnchorMissing) as error:
            record.apply(plan)
        assert str(error.value).startswith(message) and plan.changes == [], record.kind
        with pytest.raises(AnchorMissing) as error:
            record.present(broken)
        assert str(error.value).startswith(message), record.kind
        inserted = type(record).from_json({**record.to_json(), "inserted": True}, "r")
        with pytest.raises(AnchorMissing) as error:
            inserted.undo(broken, [])
        assert str(error.value).startswith(message), record.kind
    # A docstring that does not parse, above the imports of a package's __init__.py.
    (host.root / export.file).write_text('"""Sensor.\n')
    with pytest.raises(AnchorMissing, match=rf"^{export.file} is not valid Python \(tokenizer error: "):
        export.apply(Plan(host.root))


def test_the_flag_import_is_placed_and_taken_out_by_whole_names_of_its_own_statement_only(tmp_path):
    host = flash_host(tmp_path / "flash")
    flag = ExamplesTestImport(SCRIPTS, module="flash.core.utilities.imports", name="_SKLEARN_AVAILABLE")
    other = "from other.imports import (\n  _A,\n  _SKLEARN_AVAILABLE,\n)\n"
    ours = "from flash.core.utilities.imports import (\n    _A,\n    _LINUX,\n    _SX,\n)\n"
    (host.root / SCRIPTS).write_text(other + ours)
    plan = Plan(host.root)
    record = flag.apply(plan)
    edited = plan.current(SCRIPTS).decode()
    assert edited == other + ours.replace("    _LINUX,\n", "    _LINUX,\n    _SKLEARN_AVAILABLE,\n")
    assert record.undo(edited, []) == other + ours
    # Gone from its own import: the other module's import of the same name stays, as a longer name does.
    longer = ours.replace("_SX", "_SKLEARN_AVAILABLEX")
    assert record.undo(other + longer, []) == other + longer


def test_a_list_entrys_file_with_the_list_twice_is_refused_naming_it_on_undo():
    zero = FlashZeroEntry(MAIN, key=["flash.x.y"], text='    "flash.x.y",\n', inserted=True)
    twice = 'tasks = [\n    "flash.x.y",\n]\ntasks = [\n]\n'
    with pytest.raises(AnchorMissing) as error:
        zero.undo(twice, [])
    assert str(error.value) == (
        f"{MAIN} has the list assigned to tasks 2 times, where one is expected: keep one, then run again"
    )


def test_the_changelog_line_is_placed_in_the_unreleased_section_whatever_is_around_it(tmp_path):
    cases = {
        # A release right under the unreleased heading: its Added heading is not the unreleased one.
        "## [Unreleased]\n## [0.1.0]\n### Added\n- X.\n": "## [Unreleased]\n\n### Added\n\n"
        + LINE
        + "## [0.1.0]\n### Added\n- X.\n",
        # An Added heading above the unreleased section (in the preamble) is not its own.
        "# C\n### Added\nmeans new.\n\n## [Unreleased]\n": "# C\n### Added\nmeans new.\n\n## [Unreleased]\n\n"
        "### Added\n\n" + LINE,
        # The Added heading right above a bullet, with no blank line.
        "## [Unreleased]\n### Added\n- Old.\n": "## [Unreleased]\n### Added\n" + LINE + "- Old.\n",
    }
    for number, (changelog, expected) in enumerate(cases.items()):
        host = package_host(tmp_path / str(number), {"CHANGELOG.md": changelog})
        line = ChangelogLine("CHANGELOG.md", text=LINE)
        plan = Plan(host.root)
        record = line.apply(plan)
        assert plan.current("CHANGELOG.md").decode() == expected, changelog
        assert record.undo(expected, []) == changelog, changelog


def test_a_missing_api_toctree_or_docs_index_is_refused_by_the_toctree_entry_itself(tmp_path):
    host = flash_host(tmp_path / "flash")
    api = ToctreeEntry(INDEX, caption="API Reference", entry="api/sensor", create=False)
    (host.root / INDEX).write_text("Title\n=====\n")
    with pytest.raises(AnchorMissing) as error:
        api.apply(Plan(host.root))
    assert str(error.value) == (
        f"{INDEX} does not have a toctree captioned 'API Reference': add it by hand or fix the file, then run again"
    )
    (host.root / INDEX).unlink()
    with pytest.raises(AnchorMissing) as error:
        api.apply(Plan(host.root))
    assert str(error.value) == (
        f"{INDEX} does not exist, and the task registers its docs pages there: restore it, then run again"
    )


def test_a_toctree_created_after_text_has_one_blank_line_before_it_whatever_the_second_line(tmp_path):
    host = package_host(tmp_path / "p", {INDEX: "Title\n\nWelcome.\n"})
    entry = ToctreeEntry(INDEX, caption="Sensor", entry="reference/sensor_classification")
    plan = Plan(host.root)
    record = entry.apply(plan)
    assert plan.current(INDEX).decode() == "Title\n\nWelcome.\n\n" + SENSOR_BLOCK.rstrip("\n") + "\n"
    assert record.undo(plan.current(INDEX).decode(), []) == "Title\n\nWelcome.\n"
    # After a blank line already there, none is added: the toctree goes before it, which still ends the file.
    (host.root / INDEX).write_text("Title\n=====\n\n")
    plan = Plan(host.root)
    record = entry.apply(plan)
    assert plan.current(INDEX).decode() == "Title\n=====\n\n" + SENSOR_BLOCK
    assert record.undo(plan.current(INDEX).decode(), []) == "Title\n=====\n\n"


def test_a_context_of_an_earlier_version_without_docs_dir_has_its_page_in_docs_source(tmp_path):
    host = package_host(tmp_path / "p")
    ctx = context("my", "sensor", package="team_tasks")
    del ctx["docs_dir"]
    (entry,) = ToctreeEntry.for_task(host, ctx, Plan(host.root))
    assert (entry.file, entry.entry) == (INDEX, "reference/sensor_classification")


def test_a_description_keeps_letters_as_they_are():
    assert md_escape("aXb X XX") == "aXb X XX"


def test_an_edit_of_a_kind_flash_new_does_not_know_or_without_a_field_is_refused_naming_the_record():
    with pytest.raises(UsageError) as error:
        registrations.from_json({"op": "wish", "file": "a.rst"}, "x.json")
    assert str(error.value) == (
        "x.json records an edit flash-new does not know ('wish' in a.rst): upgrade flash-new, or restore the file "
        "from git"
    )
    with pytest.raises(UsageError) as error:
        registrations.from_json({"op": "toctree-entry", "file": "a.rst", "entry": "b"}, "x.json")
    assert str(error.value) == (
        "x.json is not a flash-new task record (an edit of a.rst has no caption): restore it from git"
    )


def test_a_record_of_today_without_flags_owns_nothing_and_fields_that_only_steer_are_not_read():
    section = registrations.from_json({"op": "api-section", "file": "f", "text": "t", "header": "h"}, "r")
    assert (section.inserted, section.created) == (False, False)  # only earlier versions' records own their block
    entry = registrations.from_json(
        {"op": "toctree-entry", "file": INDEX, "caption": "C", "entry": "e", "before": 3, "create": "no"}, "r"
    )
    assert (entry.before, entry.create) == (None, True)


def test_a_record_and_its_json_share_no_list():
    data = {"op": "flash-zero-entry", "file": MAIN, "key": ["a"], "text": ""}
    record = registrations.from_json(data, "r")
    data["key"].append("b")
    assert record.key == ["a"]
    record.to_json()["key"].append("c")
    assert record.key == ["a"]


def test_two_different_edits_have_different_identities():
    one = ToctreeEntry(INDEX, caption="C", entry="reference/a")
    assert one.identity() != ToctreeEntry(INDEX, caption="C", entry="reference/b").identity()
    assert one.identity() != ToctreeEntry(INDEX, caption="D", entry="reference/a").identity()
    assert one.identity() == ToctreeEntry(INDEX, caption="C", entry="reference/a", inserted=True).identity()


# ---- the topic: flag, extra, requirements, CI row ----------------------------------------------------------------

MATRIX = "jobs:\n  pytester:\n    strategy:\n      matrix:\n        include:\n"


def _row(topic: str, extra: str = "") -> str:
    return f"          - {{ os: 'ubuntu-20.04', python-version: 3.9, topic: '{topic}', extra: []{extra} }}\n"


def test_a_topic_row_reworded_over_several_lines_is_taken_out_alone_whatever_follows_it():
    row = CiMatrixRow(WORKFLOW, topic="sensor", inserted=True)
    reworded = "          - os: ubuntu-22.04\n            topic: sensor\n            extra:\n              - x\n"
    oldest = _row("core", ", requires: 'oldest'")
    for after in (oldest, "\n          # a comment\n" + _row("core"), "    timeout: 3\n", ""):
        workflow = MATRIX + _row("core") + reworded + after
        assert row.present(workflow)
        assert row.undo(workflow, []) == MATRIX + _row("core") + after, after
    # Rows written as flow mappings over two lines, or reworded twice: each goes with all its lines.
    two_lines = "          - { os: b,\n              topic: sensor }\n"
    assert row.undo(MATRIX + two_lines + reworded + _row("core"), []) == MATRIX + _row("core")


def test_a_topic_extra_is_refused_where_the_mapping_is_not_one_entry_a_line_each_with_its_comma(tmp_path):
    host = flash_host(tmp_path / "flash")
    extra = TopicExtra(FLAGS_FILE, key="sensor", text=SENSOR_EXTRA)
    for mapping in (
        '_EXTRAS_AVAILABLE = {\n    "image": _I\n}\n',
        '_EXTRAS_AVAILABLE = {"image": _I}\n',
        "_EXTRAS_AVAILABLE = {}\n",
    ):
        (host.root / FLAGS_FILE).write_text("_I = True\n" + mapping)
        plan = Plan(host.root)
        with pytest.raises(AnchorMissing) as error:
            extra.apply(plan)
        assert str(error.value) == (
            f"{FLAGS_FILE} does not have a dict literal assigned to _EXTRAS_AVAILABLE written one entry a line, each "
            "with its comma: add it by hand or fix the file, then run again"
        )
        assert plan.changes == [], mapping
    # Empty, or with a comment last: the entry goes before the closing brace.
    for mapping in ("_EXTRAS_AVAILABLE = {\n}\n", '_EXTRAS_AVAILABLE = {\n    "image": _I,\n    # more\n}\n'):
        (host.root / FLAGS_FILE).write_text(mapping)
        plan = Plan(host.root)
        record = extra.apply(plan)
        assert plan.current(FLAGS_FILE).decode() == mapping.replace("}\n", SENSOR_EXTRA + "}\n")
        assert record.undo(plan.current(FLAGS_FILE).decode(), []) == mapping


def test_a_task_registers_its_topic_in_a_flash_checkout_only_from_the_version_that_names_its_flag(tmp_path):
    flash = flash_host(tmp_path / "flash")
    ctx = context("sensor_clf", "sensor")
    plan = Plan(flash.root)
    assert TopicFlag.for_task(flash, ctx, plan) == [
        TopicFlag(FLAGS_FILE, name="_TOPIC_SENSOR_AVAILABLE", text=SENSOR_FLAG)
    ]
    assert TopicExtra.for_task(flash, ctx, plan) == [TopicExtra(FLAGS_FILE, key="sensor", text=SENSOR_EXTRA)]
    assert TopicRequirements.for_task(flash, ctx, plan) == [
        TopicRequirements("requirements/datatype_sensor.txt", text=DATATYPE_SENSOR),
        TopicRequirements("requirements/testing_sensor.txt", text=TESTING_SENSOR),
    ]
    assert CiMatrixRow.for_task(flash, ctx, plan) == [CiMatrixRow(WORKFLOW, topic="sensor")]
    # The flags' module is in the package's folder, wherever it is.
    flat = Host(flash.root, "flash", "flash", "flash")
    assert [r.file for r in TopicFlag.for_task(flat, ctx, plan) + TopicExtra.for_task(flat, ctx, plan)] == [
        "flash/core/utilities/imports.py"
    ] * 2
    # A context of an earlier version (no topic flag): no topic, and its example is skipped without scikit-learn.
    earlier = {key: value for key, value in ctx.items() if key != "topic_flag"}
    for kind in (TopicFlag, TopicExtra, TopicRequirements, CiMatrixRow):
        assert kind.for_task(flash, earlier, plan) == [], kind.kind
    assert [r.name for r in ExamplesTestImport.for_task(flash, earlier, plan)] == ["_SKLEARN_AVAILABLE"]
    (case,) = ExamplesTestEntry.for_task(flash, earlier, plan)
    assert case.text == SENSOR_CASE.replace("_TOPIC_SENSOR_AVAILABLE", "_SKLEARN_AVAILABLE")
    # A team's package has no topics.
    package = package_host(tmp_path / "p")
    for kind in (TopicFlag, TopicExtra, TopicRequirements, CiMatrixRow):
        assert kind.for_task(package, context("s", "sensor", package="team_tasks"), Plan(package.root)) == []


def test_the_topic_flag_goes_after_the_last_topic_flag_and_only_it_is_taken_out(tmp_path):
    host = flash_host(tmp_path / "flash")
    flag = TopicFlag(FLAGS_FILE, name="_TOPIC_SENSOR_AVAILABLE", text=SENSOR_FLAG)
    original, record, edited = applied(host, flag)
    assert edited == original.replace(LAST_FLAG, LAST_FLAG + SENSOR_FLAG)
    assert (record.inserted, record.created) == (True, False)
    assert record.present(edited) and not flag.present(original)
    assert record.undo(edited, []) == original
    # Another task of the data type relies on it, or this task did not insert it: it stays.
    assert record.undo(edited, [flag]) == edited
    assert flag.undo(edited, []) == edited
    assert record.undo(original, []) == original  # gone already
    # After a last flag over several lines; a flag reworded over several lines goes whole; a longer name stays.
    body = "_A = 1\n_TOPIC_X_AVAILABLE = all(\n    [_A]\n)\n\nz = 2\n"
    (host.root / FLAGS_FILE).write_text(body)
    plan = Plan(host.root)
    record = flag.apply(plan)
    assert plan.current(FLAGS_FILE).decode() == body.replace("    [_A]\n)\n", "    [_A]\n)\n" + SENSOR_FLAG)
    reworded = body.replace("z = 2\n", "_TOPIC_SENSOR_AVAILABLE = all(\n    [_A]\n)\nz = 2\n")
    assert record.undo(reworded, []) == body
    longer = body + "_TOPIC_SENSOR_AVAILABLE_X = 1\n"
    assert not record.present(longer) and record.undo(longer, []) == longer
    assert flag.describe() == f"{FLAGS_FILE} does not define the topic flag _TOPIC_SENSOR_AVAILABLE"


def test_an_existing_topic_is_left_alone_and_its_undo_changes_nothing(tmp_path):
    host = flash_host(tmp_path / "flash")
    before = files(host.root)
    flag = TopicFlag(FLAGS_FILE, name="_TOPIC_TABULAR_AVAILABLE", text="_TOPIC_TABULAR_AVAILABLE = all([_X])\n")
    extra = TopicExtra(FLAGS_FILE, key="tabular", text='    "tabular": _TOPIC_TABULAR_AVAILABLE,\n')
    row = CiMatrixRow(WORKFLOW, topic="tabular")
    plan = Plan(host.root)
    records = [kind.apply(plan) for kind in (flag, extra, row)]
    records += [r.apply(plan) for r in TopicRequirements.for_task(host, context("anomaly", "tabular"), plan)]
    assert plan.writes == [] and [(r.inserted, r.created) for r in records] == [(False, False)] * 5
    for record in records:
        assert record.present(text(host.root, record.file)), record.kind
        assert record.undo(text(host.root, record.file), []) == text(host.root, record.file), record.kind
    # A whole task in Flash's tabular data type: its topic is Flash's, and stays as it was after remove.
    add(host, context("anomaly", "tabular", "regression"))
    for path in (FLAGS_FILE, WORKFLOW, "requirements/datatype_tabular.txt", "requirements/testing_tabular.txt"):
        assert files(host.root)[path] == before[path], path
    drop(host, "anomaly")
    assert files(host.root) == before


def test_two_tasks_of_a_new_data_type_share_its_topic_which_goes_with_the_last_one(tmp_path):
    host = flash_host(tmp_path / "flash")
    pristine = files(host.root)
    add(host, context("sensor_clf", "sensor"))
    with_topic = files(host.root)
    second = add(host, context("sensor_reg", "sensor", "regression"))
    topic = [r for r in second if r.kind.startswith("topic") or r.kind == "ci-matrix-row"]
    assert [(r.kind, r.inserted, r.created) for r in topic] == [
        ("topic-flag", True, False),
        ("topic-extra", True, False),
        ("topic-requirements", False, True),
        ("topic-requirements", False, True),
        ("ci-matrix-row", True, False),
    ]
    drop(host, "sensor_clf")
    for path in (FLAGS_FILE, WORKFLOW, "requirements/datatype_sensor.txt", "requirements/testing_sensor.txt"):
        assert files(host.root)[path] == with_topic[path], path
    drop(host, "sensor_reg")
    assert files(host.root) == pristine
    # Each undo on its own: another task's record of the same edit keeps it.
    for record in topic:
        edited = with_topic[record.file].decode()
        assert record.undo(edited, [record]) == edited, record.kind


def test_the_topic_flag_and_extra_are_refused_where_their_file_or_anchor_is_missing_or_not_python(tmp_path):
    host = flash_host(tmp_path / "flash")
    flag = TopicFlag(FLAGS_FILE, name="_TOPIC_SENSOR_AVAILABLE", text=SENSOR_FLAG)
    extra = TopicExtra(FLAGS_FILE, key="sensor", text=SENSOR_EXTRA)
    for body, record, message in (
        (None, flag, "does not exist, and the task registers the topic flag _TOPIC_SENSOR_AVAILABLE there: restore "),
        (None, extra, "does not exist, and the task registers the extra 'sensor' in _EXTRAS_AVAILABLE there: "),
        ("_X = 1\n_EXTRAS_AVAILABLE = {}\n", flag, "does not have the assignments of the _TOPIC_*_AVAILABLE flags: "),
        ("_TOPIC_X_AVAILABLE = 1\n", extra, "does not have a dict literal assigned to _EXTRAS_AVAILABLE: add it "),
        ("_EXTRAS_AVAILABLE = dict(a=1)\n", extra, "does not have a dict literal assigned to _EXTRAS_AVAILABLE: "),
        ("def broken(:\n", flag, "is not valid Python (parser error: "),
        ("def broken(:\n", extra, "is not valid Python (parser error: "),
    ):
        path = host.root / FLAGS_FILE
        if body is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(body)
        before = files(host.root)
        plan = Plan(host.root)
        with pytest.raises(AnchorMissing) as error:
            record.apply(plan)
        assert str(error.value).startswith(f"{FLAGS_FILE} {message}"), (record.kind, body)
        assert plan.changes == [] and files(host.root) == before
    inserted = TopicExtra(FLAGS_FILE, key="sensor", text=SENSOR_EXTRA, inserted=True)
    assert not inserted.present("x = 1\n") and inserted.undo("x = 1\n", []) == "x = 1\n"  # the mapping is gone
    with pytest.raises(AnchorMissing, match=rf"^{FLAGS_FILE} is not valid Python"):
        TopicFlag(FLAGS_FILE, name=flag.name, text=flag.text, inserted=True).undo("def broken(:\n", [])


def test_the_topic_extra_goes_last_in_the_mapping_and_only_its_entry_is_taken_out(tmp_path):
    host = flash_host(tmp_path / "flash")
    extra = TopicExtra(FLAGS_FILE, key="sensor", text=SENSOR_EXTRA)
    original, record, edited = applied(host, extra)
    assert edited == original.replace(LAST_EXTRA + "}\n", LAST_EXTRA + SENSOR_EXTRA + "}\n")
    assert (record.inserted, record.created) == (True, False)
    assert record.present(edited) and not extra.present(original)
    assert record.undo(edited, []) == original
    assert record.undo(edited, [extra]) == edited and extra.undo(edited, []) == edited
    # An entry reworded over two lines goes whole; another key, or the name in another mapping, stays.
    mapping = '_OTHER = {"sensor": 1}\n_EXTRAS_AVAILABLE = {\n    "sensor_x": _A,\n}\n'
    reworded = mapping.replace(",\n}\n", ',\n    "sensor": (\n        _A\n    ),\n}\n')
    assert record.present(reworded) and record.undo(reworded, []) == mapping
    assert not record.present(mapping) and record.undo(mapping, []) == mapping
    assert extra.describe() == f"{FLAGS_FILE} does not list the extra 'sensor' in _EXTRAS_AVAILABLE"


def test_the_topic_requirements_are_made_when_missing_and_deleted_only_untouched_unshared_and_made_here(tmp_path):
    host = flash_host(tmp_path / "flash")
    datatype, testing = TopicRequirements.for_task(host, context("s", "sensor"), Plan(host.root))
    plan = Plan(host.root)
    made = [datatype.apply(plan), testing.apply(plan)]
    assert plan.current(datatype.file) == DATATYPE_SENSOR.encode() and plan.current(testing.file) == (
        TESTING_SENSOR.encode()
    )
    assert [(r.inserted, r.created) for r in made] == [(False, True)] * 2
    record = made[1]
    assert record.present(TESTING_SENSOR) and record.present("")
    assert record.undo(TESTING_SENSOR, []) is None
    assert record.undo(TESTING_SENSOR + "pytest-timeout\n", []) == TESTING_SENSOR + "pytest-timeout\n"
    assert record.undo(DATATYPE_SENSOR, []) == DATATYPE_SENSOR  # not what it wrote
    assert record.undo(TESTING_SENSOR, [testing]) == TESTING_SENSOR  # another task's, of the same data type
    assert record.undo(TESTING_SENSOR, [datatype]) is None  # another file's record
    assert testing.undo(TESTING_SENSOR, []) == TESTING_SENSOR  # there before the task
    assert testing.inherit([record]).created
    # There already: left as it is.
    (host.root / testing.file).write_text("pytest-timeout\n")
    plan = Plan(host.root)
    assert testing.apply(plan).created is False and plan.changes == []
    assert testing.describe() == (
        "requirements/testing_sensor.txt is missing: the data type's topic has no requirements without it"
    )
    assert register.missing(host, made) == [
        "requirements/datatype_sensor.txt is missing: the data type's topic has no requirements without it"
    ]


def test_the_ci_row_goes_after_the_last_row_of_the_latest_requirements_with_its_os_and_python(tmp_path):
    host = flash_host(tmp_path / "flash")
    row = CiMatrixRow(WORKFLOW, topic="sensor")
    original, record, edited = applied(host, row)
    assert edited == original.replace(AUDIO_ROW, AUDIO_ROW + SENSOR_ROW)
    assert (record.inserted, record.created) == (True, False)
    assert record.present(edited) and not row.present(original)
    assert record.undo(edited, []) == original
    assert record.undo(edited, [row]) == edited and row.undo(edited, []) == edited
    # Rows testing the oldest requirements only: after the last one, with its os and Python as written (a quoted
    # '3.10' is not the number 3.1) and its indent.
    oldest = "        - {os: \"macOS-12\", python-version: '3.10', topic: core, requires: oldest}\n"
    for rows, expected in (
        (
            MATRIX + oldest,
            MATRIX + oldest + "        - { os: \"macOS-12\", python-version: '3.10', topic: 'sensor', extra: [] }\n",
        ),
        (
            MATRIX + _row("core") + "          - {topic: 'x', os: 'w', python-version: 3.8}\n  " + oldest,
            MATRIX + _row("core") + "          - {topic: 'x', os: 'w', python-version: 3.8}\n"
            "          - { os: 'w', python-version: 3.8, topic: 'sensor', extra: [] }\n  " + oldest,
        ),
        # A job whose matrix lists no topic is not the test matrix; a mapping in it that is no row is skipped.
        (
            "jobs:\n  docs:\n    strategy:\n      matrix:\n        include:\n          - { os: a }\n"
            + MATRIX[5:]
            + _row("core")
            + "          - plain\n",
            "jobs:\n  docs:\n    strategy:\n      matrix:\n        include:\n          - { os: a }\n"
            + MATRIX[5:]
            + _row("core")
            + _row("sensor")
            + "          - plain\n",
        ),
    ):
        (host.root / WORKFLOW).write_text(rows)
        plan = Plan(host.root)
        record = row.apply(plan)
        assert plan.current(WORKFLOW).decode() == expected
        assert record.undo(expected, []) == rows
    # The topic's rows, however many and wherever they are, go: from the bottom up.
    twice = MATRIX + _row("sensor") + _row("core") + _row("sensor", ", requires: 'oldest'")
    assert record.present(twice) and record.undo(twice, []) == MATRIX + _row("core")
    assert not record.present("jobs: {}\n") and record.undo("jobs: {}\n", []) == "jobs: {}\n"
    assert row.describe() == (
        f"{WORKFLOW} has no row of its test matrix for the topic 'sensor': CI would not run its tests"
    )


@pytest.mark.parametrize(
    ("workflow", "message"),
    [
        (None, "does not exist, and the task registers the test matrix row of the topic 'sensor' there: restore it"),
        ("jobs: [\n", "is not YAML (line 2): fix it, then run again"),
        ("a: b: c\n", "is not YAML (line 1): fix it, then run again"),
        # A character YAML does not accept in a stream: no line to name.
        ("jobs: \x07\n", "is not YAML: fix it, then run again"),
        ("jobs:\n  t:\n    runs-on: x\n", "does not have a job whose strategy.matrix.include lists rows with a topic:"),
        ("- a\n", "does not have a job whose strategy.matrix.include lists rows with a topic: add it by hand"),
        (MATRIX + "          - os: x\n", "does not have a job whose strategy.matrix.include lists rows with a topic:"),
        # A topic that is not a plain value (a list) is no row's topic.
        (
            MATRIX + "          - { os: x, topic: [sensor] }\n",
            "does not have a job whose strategy.matrix.include lists rows with a topic: add it by hand",
        ),
        (
            MATRIX + _row("core") + "          - topic: x\n            os: y\n",
            "does not have a job whose strategy.matrix.include lists rows with a topic, each written on one line as "
            "{ os: ..., topic: ... }: add it by hand or fix the file, then run again",
        ),
        # A flow row over two lines is not one written on one line.
        (
            MATRIX + _row("core") + "          - { os: y,\n              topic: x }\n",
            "does not have a job whose strategy.matrix.include lists rows with a topic, each written on one line as "
            "{ os: ..., topic: ... }: add it by hand or fix the file, then run again",
        ),
    ],
    ids=[
        "absent",
        "not-yaml",
        "not-yaml-line-1",
        "not-yaml-no-line",
        "no-matrix",
        "a-list",
        "no-topic",
        "topic-not-a-value",
        "rows-on-several-lines",
        "flow-row-on-two-lines",
    ],
)
def test_a_ci_row_without_a_test_matrix_to_join_is_refused_and_nothing_planned(tmp_path, workflow, message):
    host = flash_host(tmp_path / "flash")
    if workflow is None:
        (host.root / WORKFLOW).unlink()
    else:
        (host.root / WORKFLOW).write_text(workflow)
    before = files(host.root)
    plan = Plan(host.root)
    with pytest.raises(AnchorMissing) as error:
        CiMatrixRow(WORKFLOW, topic="sensor").apply(plan)
    assert str(error.value).startswith(f"{WORKFLOW} {message}")
    assert plan.changes == [] and files(host.root) == before


def test_a_new_data_types_toctree_goes_after_the_last_section_of_reference_pages_in_flash(tmp_path):
    host = flash_host(tmp_path / "flash")

    def toctree(caption_: str, *entries: str) -> str:
        return f".. toctree::\n   :maxdepth: 1\n   :caption: {caption_}\n\n" + "".join(f"   {e}\n" for e in entries)

    graph = toctree("Graph", "Graph <reference/graph_classification>")
    index = (
        "Flash\n=====\n\n"
        + toctree("Getting started", "quickstart")
        + "\n"
        + toctree("Audio", "reference/audio_classification", "reference/speech_recognition")
        + "\n"
        + toctree("Mixed", "reference/a_b", "guide")
        + "\n"
        + graph
        + "\n"
        + toctree("Integrations", "integrations/providers")
        + "\n"
        + toctree("Later", "reference/z_y")
        + "\n"
        + API_TOCTREE
    )
    (first,) = [r for r in ToctreeEntry.for_task(host, context("s", "sensor"), Plan(host.root)) if r.create]
    assert (
        first.after_sections
        and not ToctreeEntry.for_task(package_host(tmp_path / "p"), context("s", "sensor"), Plan(tmp_path))[
            0
        ].after_sections
    )
    for body, expected in (
        # After the last captioned toctree of reference pages only (a titled entry counts, a mixed one does not).
        (
            index,
            index.replace(
                toctree("Later", "reference/z_y") + "\n", toctree("Later", "reference/z_y") + "\n" + SENSOR_BLOCK
            ),
        ),
        # No section: before the API toctree.
        ("T\n\n" + API_TOCTREE + "\nEnd.\n", "T\n\n" + SENSOR_BLOCK + API_TOCTREE + "\nEnd.\n"),
        # The last section ends the file: before the API toctree, above it.
        ("T\n\n" + API_TOCTREE + "\n" + graph, "T\n\n" + SENSOR_BLOCK + API_TOCTREE + "\n" + graph),
    ):
        (host.root / INDEX).write_text(body)
        plan = Plan(host.root)
        record = first.apply(plan)
        assert plan.current(INDEX).decode() == expected
        assert (record.inserted, record.created) == (True, True)
        assert record.undo(expected, []) == body


def test_a_data_type_section_goes_after_the_last_one_only_with_a_line_after_its_blank_line(tmp_path):
    host = flash_host(tmp_path / "flash")
    graph = SENSOR_BLOCK.replace("Sensor", "Graph").replace("sensor_classification", "graph_classification")
    first = ToctreeEntry(
        INDEX, caption="Sensor", entry="reference/sensor_classification", before="API Reference", after_sections=True
    )
    for body, expected in (
        # The last section, its blank line, then one line: the toctree goes between them.
        (
            "T\n\n" + API_TOCTREE + "\n" + graph + "End.\n",
            "T\n\n" + API_TOCTREE + "\n" + graph + SENSOR_BLOCK + "End.\n",
        ),
        # The last section and its blank line end the file: before the API toctree, as with no blank line.
        ("T\n\n" + API_TOCTREE + "\n" + graph, "T\n\n" + SENSOR_BLOCK + API_TOCTREE + "\n" + graph),
        ("T\n\n" + API_TOCTREE + "\n" + graph[:-1], "T\n\n" + SENSOR_BLOCK + API_TOCTREE + "\n" + graph[:-1]),
    ):
        (host.root / INDEX).write_text(body)
        plan = Plan(host.root)
        record = first.apply(plan)
        assert plan.current(INDEX).decode() == expected, body
        assert record.undo(expected, []) == body, body
    # Without after_sections, the sections do not matter: before the toctree `before` names, or at the end.
    body = "T\n\n" + API_TOCTREE + "\n" + graph + "End.\n"
    (host.root / INDEX).write_text(body)
    for entry, expected in (
        (replace(first, after_sections=False), "T\n\n" + SENSOR_BLOCK + API_TOCTREE + "\n" + graph + "End.\n"),
        (replace(first, after_sections=False, before=None), body + "\n" + SENSOR_BLOCK.rstrip("\n") + "\n"),
    ):
        plan = Plan(host.root)
        entry.apply(plan)
        assert plan.current(INDEX).decode() == expected, entry


def test_a_new_toctree_whose_before_toctree_is_absent_is_refused_naming_the_file_and_the_caption(tmp_path):
    host = package_host(tmp_path / "p", {INDEX: "Title\n=====\n\n" + SENSOR_BLOCK.replace("Sensor", "Other")})
    entry = ToctreeEntry(INDEX, caption="Sensor", entry="reference/sensor_classification", before="API Reference")
    plan = Plan(host.root)
    with pytest.raises(AnchorMissing) as error:
        entry.apply(plan)
    assert str(error.value) == (
        f"{INDEX} does not have a toctree captioned 'API Reference': add it by hand or fix the file, then run again"
    )
    assert plan.changes == []


def test_the_changelog_line_in_flash_has_the_pull_request_to_do_listed_at_its_line_while_it_is_there(tmp_path):
    host = flash_host(tmp_path / "flash")
    ctx = context("sensor_clf", "sensor", **SENSOR_CLF)
    (line,) = ChangelogLine.for_task(host, ctx, Plan(host.root))
    expected_text = f"- Added the `SensorClfClassifier` task: {ctx['description']}{PR_LINK}\n"
    assert (line.file, line.text, line.todo) == ("CHANGELOG.md", expected_text, CHANGELOG_TODO)
    assert CHANGELOG_TODO == "put your pull request's number in place of ???? (twice)"
    package = package_host(tmp_path / "p")
    (plain,) = ChangelogLine.for_task(
        package, context("sensor_clf", "sensor", package="team_tasks"), Plan(package.root)
    )
    assert plain.todo == ""

    # The to-do, numbered from 1, at the first copy of the line as written; none once it is reworded or gone.
    head = "## [Unreleased]\n\n### Added\n\n"
    assert line.todos(head + line.text) == [f"5: {CHANGELOG_TODO}"]
    assert line.todos(head + line.text + "- Other.\n" + line.text) == [f"5: {CHANGELOG_TODO}"]
    filled = line.text.replace("????", "1234")
    assert line.present(head + filled) and line.todos(head + filled) == []
    assert line.todos(head) == []
    # A line without a to-do has none, there or not.
    assert replace(line, todo="").todos(head + line.text) == [] and replace(line, todo="").todos(head) == []

    # Every to-do of the task's records, as <file>:<line>: <what to do>; none for a file gone or unreadable.
    records = add(host, ctx)
    assert register.todos(host, records) == [f"CHANGELOG.md:11: {CHANGELOG_TODO}"]
    # A record's file that cannot be read (reported by missing) does not hide the to-dos of the records after it.
    other = next(record for record in records if record.file != "CHANGELOG.md")
    kept = (host.root / other.file).read_bytes()
    (host.root / other.file).write_bytes(b"\xff\n")
    changelog = [record for record in records if record.file == "CHANGELOG.md"]
    assert register.todos(host, [other, *changelog]) == [f"CHANGELOG.md:11: {CHANGELOG_TODO}"]
    (host.root / other.file).write_bytes(kept)
    (host.root / "CHANGELOG.md").write_text(text(host.root, "CHANGELOG.md").replace("????", "1234"))
    assert register.todos(host, records) == []
    (host.root / "CHANGELOG.md").write_bytes(b"\xff\n" + line.text.encode())
    assert register.todos(host, records) == []
    (host.root / "CHANGELOG.md").unlink()
    assert register.todos(host, records) == []


def test_a_changelog_lines_locator_is_the_class_it_names_or_else_its_text():
    named = ChangelogLine("CHANGELOG.md", text=LINE)
    assert named.locator() == '["changelog-line", "CHANGELOG.md", "MyClassifier"]'
    assert named.locator() == ChangelogLine("CHANGELOG.md", text=LINE[:-1] + PR_LINK + "\n").locator()
    unnamed = ChangelogLine("CHANGELOG.md", text="- Added a task.\n")
    assert unnamed.locator() == '["changelog-line", "CHANGELOG.md", "- Added a task.\\n"]'


def test_the_examples_case_names_the_data_type_in_words_and_splits_its_marks_past_the_line_width(tmp_path):
    host = flash_host(tmp_path / "flash")

    def case(data_type: str, *, flag: bool = True) -> str:
        ctx = context("t", data_type)
        if not flag:  # an earlier version's context: the scikit-learn flag
            del ctx["topic_flag"]
        (entry,) = ExamplesTestEntry.for_task(host, ctx, Plan(host.root))
        return entry.text

    def one_line(data_type: str, flag: str) -> str:
        marks = f'pytest.mark.skipif(not {flag}, reason="{data_type.replace("_", " ")} libraries aren\'t installed")'
        return f'        pytest.param(\n            "{data_type}",\n            "{data_type}_classification.py",\n' + (
            f"            marks={marks},\n        ),\n"
        )

    def split(data_type: str, flag: str) -> str:
        condition = f'not {flag}, reason="{data_type.replace("_", " ")} libraries aren\'t installed"'
        return f'        pytest.param(\n            "{data_type}",\n            "{data_type}_classification.py",\n' + (
            f"            marks=pytest.mark.skipif(\n                {condition}\n            ),\n        ),\n"
        )

    # The marks line as wide as the line width (120) stays whole; one column more, it is split as black splits it.
    assert len(one_line("point_cloud", "_TOPIC_POINT_CLOUD_AVAILABLE").splitlines()[3]) == 120
    assert case("point_cloud") == one_line("point_cloud", "_TOPIC_POINT_CLOUD_AVAILABLE")
    assert len(one_line("point_cloud_detection", "_SKLEARN_AVAILABLE").splitlines()[3]) == 120
    assert case("point_cloud_detection", flag=False) == one_line("point_cloud_detection", "_SKLEARN_AVAILABLE")
    assert len(one_line("point_cloud_detections", "_SKLEARN_AVAILABLE").splitlines()[3]) == 121
    assert case("point_cloud_detections", flag=False) == split("point_cloud_detections", "_SKLEARN_AVAILABLE")
    assert case("point_clouds") == split("point_clouds", "_TOPIC_POINT_CLOUDS_AVAILABLE")


def test_the_test_matrix_rows_are_their_plain_values_and_their_lines():
    flow = "          - { os: 'ubuntu-20.04', python-version: 3.9, topic: 'core', extra: [] }\n"
    block = "          - os: x\n            topic: sensor\n            run: |\n              echo\n"
    closed = "          - { os: b, topic: audio,\n}\n"  # the brace at column 0 ends the row at column 1
    text_ = MATRIX + flow + block + closed + "          - os: y\n            topic: graph\n"
    assert matrix_rows(text_, WORKFLOW) == [
        Row(
            {"os": "ubuntu-20.04", "python-version": "3.9", "topic": "core"},
            {"os": "'ubuntu-20.04'", "python-version": "3.9", "topic": "'core'"},
            5,
            5,
            12,
            True,
        ),
        Row(
            {"os": "x", "topic": "sensor", "run": "echo\n"},
            {"os": "x", "topic": "sensor", "run": "|\n              echo\n"},
            6,
            9,
            12,
            False,
        ),
        Row({"os": "b", "topic": "audio"}, {"os": "b", "topic": "audio"}, 10, 11, 12, False),
        Row({"os": "y", "topic": "graph"}, {"os": "y", "topic": "graph"}, 12, 13, 12, False),
    ]
    assert matrix_rows("jobs: {}\n", WORKFLOW) is None


def test_a_ci_row_whose_last_value_is_a_block_scalar_is_taken_out_to_its_last_line():
    row = CiMatrixRow(WORKFLOW, topic="sensor", inserted=True)
    block = "          - os: x\n            topic: sensor\n            run: |\n              echo\n"
    for after in (_row("core"), "    timeout: 3\n", ""):
        workflow = MATRIX + _row("core") + block + after
        assert row.undo(workflow, []) == MATRIX + _row("core") + after, after
    # A flow row whose closing brace is at column 0: the brace's line is its last.
    closed = "          - { os: b, topic: sensor,\n}\n"
    assert row.undo(MATRIX + _row("core") + closed + _row("audio"), []) == MATRIX + _row("core") + _row("audio")


def test_a_ci_row_already_there_is_not_inserted_and_an_unparsable_workflow_is_refused_naming_it(tmp_path):
    host = flash_host(tmp_path / "flash")
    (host.root / WORKFLOW).write_text(MATRIX + _row("core") + _row("sensor"))
    plan = Plan(host.root)
    record = CiMatrixRow(WORKFLOW, topic="sensor", inserted=True).apply(plan)
    assert (record.inserted, record.created) == (False, False) and plan.writes == []
    row = CiMatrixRow(WORKFLOW, topic="sensor", inserted=True)
    for call in (lambda: row.present("jobs: [\n"), lambda: row.undo("jobs: [\n", [])):
        with pytest.raises(AnchorMissing) as error:
            call()
        assert str(error.value) == f"{WORKFLOW} is not YAML (line 2): fix it, then run again"
