"""A task's answers change later: `update NAME --model-class ...` re-answers through copier's update, keeping the
contributor's edits; `update --dry-run` previews it; `check` reads like a reviewer; `remove` says what it kept.

Each scenario: generate, commit, edit as a contributor or a reviewer would, then run the command and check both the
files and that `check` and `remove` stay exact.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from scaffold.update import update_task
from tests.conftest import flash_new, flash_new_in_process, git, git_commit_all, tree_snapshot

pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

SENSOR = "src/flash/sensor/classification"
ALPHA = "src/team_tasks/alpha/classification"
HAND_EDIT = "\n\n# Tuned by hand: keep the head small for the sensor data.\n"
PR = "([#1234](https://github.com/Lightning-AI/lightning-flash/pull/1234))"


def committed_task(root: Path, name: str) -> dict[str, bytes]:
    """Commit ``root``, generate the task ``name`` and commit it; the tree as it was before the task."""
    git_commit_all(root, "project")
    before = tree_snapshot(root)
    create_task(root, TaskOptions(name))
    git_commit_all(root, f"add {name}")
    return before


def edit(root: Path, path: str, old: str | None, new: str) -> None:
    full = root / path
    text = full.read_text()
    assert old is None or old in text, (path, old)
    full.write_text(text + new if old is None else text.replace(old, new, 1))


def reword_changelog(root: Path, name: str) -> str:
    """Reword the task's CHANGELOG line as a reviewer asks: another wording and the PR link."""
    reworded = f"- Added `{name}`, a task for sensor data {PR}\n"
    lines = (root / "CHANGELOG.md").read_text().splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if f"`{name}`" in line]
    lines[at] = reworded
    (root / "CHANGELOG.md").write_text("".join(lines))
    return reworded


def check_json(root: Path) -> dict:
    result = flash_new("check", "--json", "--dest", str(root))
    report = json.loads(result.stdout)
    assert result.returncode == (0 if report["ok"] else 1), result.stderr
    return report


# ---- re-answer on update ----------------------------------------------------------------------------------------


def test_renaming_both_classes_keeps_the_edit_and_every_registration_follows(flash_checkout):
    root = flash_checkout
    before = committed_task(root, "sensor")
    edit(root, f"{SENSOR}/data.py", None, HAND_EDIT)
    reworded = reword_changelog(root, "SensorClassifier")
    git_commit_all(root, "hand edit, reviewer's changelog")

    result = flash_new_in_process(
        "update", "sensor", "--data-class", "SensorReadings", "--model-class", "SensorScorer", "--dest", str(root)
    )

    assert result.returncode == 0, result.stderr
    data = (root / f"{SENSOR}/data.py").read_text()
    assert "class SensorReadings(DataModule):" in data and data.endswith(HAND_EDIT)
    assert "SensorData" not in data
    assert "class SensorScorer(ClassificationTask):" in (root / f"{SENSOR}/model.py").read_text()
    # every place that names the classes follows: the export, the API page, the docs page, the example, the tests
    export = (root / "src/flash/sensor/__init__.py").read_text()
    assert export == "from flash.sensor.classification import SensorReadings, SensorScorer  # noqa: F401\n"
    api = (root / "docs/source/api/sensor.rst").read_text()
    assert "~classification.model.SensorScorer\n    ~classification.data.SensorReadings\n" in api
    page = (root / "docs/source/reference/sensor_classification.rst").read_text()
    assert ":pyobject: SensorScorer" in page and ":pyobject: SensorReadings" in page
    example = (root / "examples/sensor/sensor_classification.py").read_text()
    assert "SensorReadings.from_sklearn" in example and "SensorScorer(" in example
    for folder in ["docs", "examples", "src/flash/sensor", "tests/sensor"]:
        for path in (root / folder).rglob("*.*"):
            text = path.read_text()
            assert "SensorClassifier" not in text and not re.search(r"\bSensorData\b", text), path
    # the reviewer's line keeps its words and link, with the new name
    changelog = (root / "CHANGELOG.md").read_text()
    assert reworded.replace("SensorClassifier", "SensorScorer") in changelog and "SensorClassifier" not in changelog
    answers = (root / ".flash-new/sensor.yml").read_text()
    assert "data_class: SensorReadings" in answers and "model_class: SensorScorer" in answers
    assert check_json(root)["ok"]

    # the record is exact: removing the task leaves the repository as it was before it
    assert flash_new("remove", "sensor", "--dest", str(root)).returncode == 1  # data.py holds the hand edit
    assert flash_new("remove", "sensor", "--force", "--dest", str(root)).returncode == 0
    assert tree_snapshot(root) == before


def test_a_new_input_and_the_cli_extra_are_registered_and_taken_back(flash_checkout):
    root = flash_checkout
    before = committed_task(root, "sensor")
    main = root / "src/flash/__main__.py"

    added = flash_new_in_process("update", "sensor", "--inputs", "numpy,sklearn,csv", "--cli", "--dest", str(root))

    assert added.returncode == 0, added.stderr
    assert "def from_csv(" in (root / f"{SENSOR}/data.py").read_text()
    assert (root / f"{SENSOR}/cli.py").is_file()
    assert '    "flash.sensor.classification",\n' in main.read_text()
    assert "classification.data.SensorCSVClassificationInput\n" in (root / "docs/source/api/sensor.rst").read_text()
    assert "- cli" in (root / ".flash-new/sensor.yml").read_text()
    assert check_json(root)["ok"]
    git_commit_all(root, "csv and cli")

    dropped = flash_new_in_process(
        "update", "sensor", "--inputs", "numpy,sklearn", "--extras", "visualization", "--dest", str(root)
    )

    assert dropped.returncode == 0, dropped.stderr
    assert not (root / f"{SENSOR}/cli.py").exists()
    assert "flash.sensor.classification" not in main.read_text()
    assert "CSV" not in (root / "docs/source/api/sensor.rst").read_text()
    assert check_json(root)["ok"]
    assert flash_new("remove", "sensor", "--dest", str(root)).returncode == 0
    assert tree_snapshot(root) == before


def test_a_registration_no_longer_wanted_whose_file_is_gone_leaves_the_others_to_be_taken_back(flash_checkout):
    """The contributor deleted ``__main__.py`` (the Flash Zero entry's file); the inputs' API entries are still
    taken back, in this process (every record after a lost one is still looked at)."""
    root = flash_checkout
    committed_task(root, "sensor")
    update_task(root, "sensor", data={"inputs": ["numpy", "sklearn", "csv"], "extras": ["visualization", "cli"]})
    api = root / "docs/source/api/sensor.rst"
    assert "SensorCSVClassificationInput" in api.read_text()
    git_commit_all(root, "csv and cli")
    (root / "src/flash/__main__.py").unlink()
    git_commit_all(root, "no Flash Zero")

    update_task(root, "sensor", data={"inputs": ["numpy", "sklearn"], "extras": ["visualization"]})

    assert "CSV" not in api.read_text()
    assert not (root / "src/flash/__main__.py").exists()
    records = json.loads((root / ".flash-new/sensor.json").read_text())["registrations"]
    assert [r for r in records if r["file"] == "src/flash/__main__.py" or "CSV" in json.dumps(r)] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--data-type", "gauge"],
            "an update cannot change data_type of task 'alpha' (--data-type 'gauge'; its files would move): "
            "run `flash-new remove alpha`, then `flash-new task` with the new answers",
        ),
        (
            ["--task-type", "scoring"],
            "an update cannot change task_type of task 'alpha' (--task-type 'scoring'; its files would move): "
            "run `flash-new remove alpha`, then `flash-new task` with the new answers",
        ),
        (
            ["--kind", "regression"],
            "an update cannot change kind of task 'alpha' to 'regression': its task type 'classification' follows "
            "its kind and would move to 'regression'; run `flash-new remove alpha`, then `flash-new task` with the "
            "new answers",
        ),
        (
            ["--model-class", "alpha_scorer"],
            "--model-class 'alpha_scorer' is not a CamelCase class name: start with a capital letter, use letters "
            "and digits",
        ),
        (["--inputs", "parquet"], "--inputs 'parquet' is not one of numpy, sklearn, dataframe, csv, tensor: choose "),
    ],
)
def test_answers_that_would_move_the_task_or_are_bad_are_refused(package_host, args, message):
    committed_task(package_host, "alpha")
    before = tree_snapshot(package_host)

    result = flash_new("update", "alpha", *args, "--dest", str(package_host))

    assert result.returncode == 2
    assert result.stderr.startswith(f"flash-new: error: {message}") and result.stderr.count("\n") == 1
    assert tree_snapshot(package_host) == before and git(package_host, "status", "--porcelain") == ""


# ---- the preview --------------------------------------------------------------------------------------------------


def test_the_preview_shows_every_change_writes_nothing_and_is_the_real_run(package_host):
    root = package_host
    committed_task(root, "alpha")
    edit(root, f"{ALPHA}/data.py", None, HAND_EDIT)
    # an edit of the very line the rename changes: a conflict
    edit(
        root,
        f"{ALPHA}/model.py",
        "class AlphaClassifier(ClassificationTask):",
        "class AlphaClassifier(ClassificationTask):  # ours",
    )
    git_commit_all(root, "hand edits")
    args = ["update", "alpha", "--model-class", "AlphaScorer", "--inputs", "numpy,csv", "--dest", str(root)]
    untouched = {
        **tree_snapshot(root),
        **{f".git/{p}": d for p, d in tree_snapshot(root / ".git").items() if p != "index"},
    }

    text = flash_new(*args, "--dry-run")
    as_json = flash_new(*args, "--dry-run", "--json")

    assert text.returncode == as_json.returncode == 0, text.stderr + as_json.stderr
    after_preview = {
        **tree_snapshot(root),
        **{f".git/{p}": d for p, d in tree_snapshot(root / ".git").items() if p != "index"},
    }
    assert after_preview == untouched and git(root, "status", "--porcelain") == ""
    (task,) = json.loads(as_json.stdout)["tasks"]
    changes = {change["path"]: change for change in task["changes"]}
    assert changes[f"{ALPHA}/model.py"]["action"] == "conflict"
    assert task["conflicts"] == [f"{ALPHA}/model.py"]
    assert changes[f"{ALPHA}/data.py"]["action"] == "modify"
    assert "+    def from_csv(\n" in changes[f"{ALPHA}/data.py"]["diff"]
    assert changes["src/team_tasks/alpha/__init__.py"]["diff"].endswith(
        "-from team_tasks.alpha.classification import AlphaClassifier, AlphaData  # noqa: F401\n"
        "+from team_tasks.alpha.classification import AlphaData, AlphaScorer  # noqa: F401\n"
    )
    assert text.stdout.startswith(f"alpha: already at {task['new_version']}, {len(changes)} file(s) would change\n")
    for path, change in changes.items():
        assert f"{change['action']:>10}  {path}\n" in text.stdout
        assert change["diff"] in text.stdout

    preview = update_task(root, "alpha", data={"model_class": "AlphaScorer", "inputs": ["numpy", "csv"]}, dry_run=True)
    assert {change.path: change.action for change in preview.preview} == {p: c["action"] for p, c in changes.items()}

    real = flash_new(*args)

    assert real.returncode == 1 and f"conflicts in {ALPHA}/model.py" in real.stderr
    changed = {line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=all").splitlines()}
    assert changed == set(changes)
    for change in preview.preview:  # the very bytes the real run wrote
        full = root / change.path
        assert (full.read_bytes() if full.exists() else None) == change.after, change.path


# ---- a check that reads like a reviewer ------------------------------------------------------------------------


def test_check_accepts_a_reviewers_changelog_line_and_a_moved_entry(package_host):
    root = package_host
    committed_task(root, "alpha")
    shared = {path: (root / path).read_bytes() for path in ("CHANGELOG.md", "docs/source/index.rst")}
    reword_changelog(root, "AlphaClassifier")
    index = root / "docs/source/index.rst"
    edit(
        root,
        "docs/source/index.rst",
        "   reference/alpha_classification\n",
        "   reference/alpha_guide\n   Alpha classification <reference/alpha_classification>\n",
    )

    assert check_json(root)["tasks"][0]["problems"] == []

    edit(root, "docs/source/index.rst", "   Alpha classification <reference/alpha_classification>\n", "")
    result = flash_new("check", "--dest", str(root))

    assert result.returncode == 1
    assert check_json(root)["tasks"][0]["problems"] == [
        "docs/source/index.rst does not list reference/alpha_classification in its toctree captioned 'Alpha': "
        "run `flash-new update alpha` to register the task there again"
    ]
    assert "does not list reference/alpha_classification" in result.stdout
    assert "toctree-entry" not in result.stdout and "changelog-line" not in result.stdout
    (root / "CHANGELOG.md").write_text(shared["CHANGELOG.md"].decode().replace("AlphaClassifier", "Other"))
    assert (
        "CHANGELOG.md has no line naming AlphaClassifier (the task's entry under 'Added' of the unreleased section): "
        "run `flash-new update alpha` to register the task there again"
    ) in check_json(root)["tasks"][0]["problems"]

    # remove takes out the reviewer's line (the one that names the task) and the titled entry
    (root / "CHANGELOG.md").write_bytes(shared["CHANGELOG.md"])
    reword_changelog(root, "AlphaClassifier")
    index.write_bytes(shared["docs/source/index.rst"])
    edit(
        root,
        "docs/source/index.rst",
        "   reference/alpha_classification\n",
        "   Alpha <reference/alpha_classification>\n",
    )
    assert flash_new("remove", "alpha", "--dest", str(root)).returncode == 0
    assert "alpha" not in (root / "CHANGELOG.md").read_text().lower()
    assert "alpha" not in index.read_text().lower()


# ---- remove says what it kept ----------------------------------------------------------------------------------


def test_remove_lists_the_files_it_keeps_and_the_task_can_be_generated_again(package_host):
    root = package_host
    committed_task(root, "alpha")
    ours = [f"{ALPHA}/features.py", "tests/alpha/classification/test_features.py"]
    for path in ours:
        (root / path).write_text("VALUE = 1\n")
    (root / ALPHA / "__pycache__").mkdir(exist_ok=True)
    (root / ALPHA / "__pycache__" / "features.cpython-311.pyc").write_bytes(b"\0")
    edit(root, f"{ALPHA}/model.py", None, HAND_EDIT)

    refused = flash_new("remove", "alpha", "--dest", str(root))
    assert refused.returncode == 1 and f"({ALPHA}/model.py)" in refused.stderr
    preview = json.loads(flash_new("remove", "alpha", "--force", "--dry-run", "--json", "--dest", str(root)).stdout)
    result = flash_new("remove", "alpha", "--force", "--dest", str(root))

    assert result.returncode == 0, result.stderr
    assert [c["path"] for c in preview["changes"] if c["action"] == "keep"] == ours
    for path in ours:
        assert f"      keep  {path}\n" in result.stdout
        assert (root / path).read_text() == "VALUE = 1\n"
    assert "kept 2 file(s) you added in the task's folders" in result.stdout
    assert not (root / f"{ALPHA}/model.py").exists()

    again = flash_new("task", "alpha", "--defaults", "--dest", str(root))

    assert again.returncode == 0, again.stderr
    assert check_json(root)["ok"]
    assert (root / ours[0]).read_text() == "VALUE = 1\n"


def test_remove_leaves_no_empty_folder_where_the_contributor_deleted_a_generated_file(package_host):
    """The example was alone in its folder; with it deleted by hand, remove still takes the folder away."""
    root = package_host
    before = tree_snapshot(root)
    committed_task(root, "alpha")
    (root / "examples/alpha/alpha_classification.py").unlink()
    (root / "tests/alpha/classification/test_data.py").unlink()

    result = flash_new("remove", "alpha", "--dest", str(root))

    assert result.returncode == 0, result.stderr
    assert not (root / "examples").exists() and not (root / "tests/alpha").exists()
    assert tree_snapshot(root) == before
    folders = [p for p in root.rglob("*") if p.is_dir() and ".git" not in p.relative_to(root).parts]
    assert [p for p in folders if not any(p.iterdir())] == []


def test_a_leftover_package_that_stops_a_task_is_named(package_host):
    init = package_host / "src/team_tasks/beta/classification/__init__.py"
    init.parent.mkdir(parents=True)
    init.write_text("")
    before = tree_snapshot(package_host)

    result = flash_new("task", "beta", "--defaults", "--dest", str(package_host))

    assert result.returncode == 2
    assert result.stderr == (
        "flash-new: error: --task-type 'classification' would shadow the existing task team_tasks.beta.classification "
        "(src/team_tasks/beta/classification/__init__.py): choose another name or task type, or move it away\n"
    )
    assert tree_snapshot(package_host) == before
