"""What flash-new writes and prints: JSON with no prose, CHANGELOG text escaped only where Markdown reads markup,
a docs page only in a project with docs, and long names within the line length."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from scaffold.conventions import DEFAULT_LINE_LENGTH
from scaffold.errors import UsageError
from scaffold.names import EXTRAS, INPUTS, MAX_NAME_LENGTH, TaskOptions, line_width
from scaffold.registrations.changelog_line import changelog_text, md_escape
from scaffold.tasks import create_task, plan_task
from tests.conftest import flash_new, git_commit_all, make_package, run_pytest, tree_snapshot

# ---- --json: data only --------------------------------------------------------------------------------------------


def test_json_output_is_json_alone_passing_or_failing(package_host):
    root = str(package_host)
    planned = flash_new("task", "sensor", "--dry-run", "--json", "--dest", root)
    assert planned.returncode == 0 and planned.stderr == ""
    assert json.loads(planned.stdout)["dry_run"] is True
    created = flash_new("task", "sensor", "--json", "--dest", root)
    assert created.returncode == 0 and created.stderr == ""
    assert "Next steps" not in created.stdout and json.loads(created.stdout)["changes"]

    passing = flash_new("check", "--json", "--dest", root)
    assert passing.returncode == 0 and passing.stderr == ""
    assert json.loads(passing.stdout)["ok"] is True

    (package_host / "src/team_tasks/sensor/classification/backbones.py").unlink()
    failing = flash_new("check", "--json", "--dest", root)
    assert failing.returncode == 1
    assert failing.stderr == ""  # no "see the table above": there is no table
    report = json.loads(failing.stdout)
    assert report["ok"] is False and report["tasks"][0]["ok"] is False

    listed = flash_new("list", "--json", "--dest", root)
    assert listed.returncode == 0 and listed.stderr == ""
    assert [task["name"] for task in json.loads(listed.stdout)["tasks"]] == ["sensor"]
    removed = flash_new("remove", "sensor", "--dry-run", "--json", "--force", "--dest", root)
    assert removed.returncode == 0 and removed.stderr == ""
    assert json.loads(removed.stdout)["dry_run"] is True


def test_check_without_json_still_points_at_its_table(package_host):
    create_task(package_host, TaskOptions("sensor"))
    (package_host / "src/team_tasks/sensor/classification/backbones.py").unlink()

    result = flash_new("check", "--dest", str(package_host))

    assert result.returncode == 1
    assert result.stderr == "flash-new: error: sensor needs attention: see the table above\n"


# ---- the CHANGELOG line -------------------------------------------------------------------------------------------

ESCAPED = [
    ("Classify sensor examples from their numeric features.", "Classify sensor examples from their numeric features."),
    ("Scores snake_case names, 2 * 3 = 6 and C:\\data", "Scores snake_case names, 2 * 3 = 6 and C:\\data"),
    ("R&D, a < b, <3, x > y! #1 (see: 1.5) | {x} + -y ~ z", "R&D, a < b, <3, x > y! #1 (see: 1.5) | {x} + -y ~ z"),
    ("Uses *stars* and **bold** text", "Uses \\*stars\\* and \\*\\*bold\\*\\* text"),
    ("Reads _under_ scores", "Reads \\_under\\_ scores"),
    ("Calls `predict` twice", "Calls \\`predict\\` twice"),
    ("Emits <b>html</b> and <https://x.org>", "Emits \\<b>html\\</b> and \\<https://x.org>"),
    ("Links [docs](https://x.org) and ![img](y.png)", "Links \\[docs](https://x.org) and !\\[img](y.png)"),
    ("Keeps &amp; and &#35; as written", "Keeps \\&amp; and \\&#35; as written"),
    ("Escapes \\* and ~~gone~~", "Escapes \\\\\\* and \\~\\~gone\\~\\~"),
]


@pytest.mark.parametrize(("description", "escaped"), ESCAPED, ids=[e[0][:24] for e in ESCAPED])
def test_the_changelog_escapes_only_markup_and_reads_verbatim(description, escaped):
    assert md_escape(description) == escaped
    line = changelog_text({"model_class": "SensorClassifier", "description": description})
    assert line == f"- Added the `SensorClassifier` task: {escaped}\n"
    tokens = MarkdownIt("commonmark").enable("strikethrough").parse(line)
    [inline] = [token for token in tokens if token.type == "inline"]
    assert [child.type for child in inline.children] == ["text", "code_inline", "text"]
    assert "".join(child.content for child in inline.children) == f"Added the SensorClassifier task: {description}"


def test_a_generated_changelog_line_keeps_its_full_stop(package_host):
    create_task(package_host, TaskOptions("sensor", description="Rates *sensor* readings, one per [row]."))

    changelog = (package_host / "CHANGELOG.md").read_text()

    assert "- Added the `SensorClassifier` task: Rates \\*sensor\\* readings, one per \\[row].\n" in changelog


# ---- a docs page only where there are docs -----------------------------------------------------------------------


def test_no_docs_no_page_and_no_docs_registration(tmp_path):
    root = tmp_path / "no-docs"
    (root / "src" / "team_tasks").mkdir(parents=True)
    (root / "src" / "team_tasks" / "__init__.py").write_text("")
    git_commit_all(root)

    result = flash_new("task", "sensor", "--defaults", cwd=root)

    assert result.returncode == 0, result.stderr
    assert not (root / "docs").exists() and ".rst" not in result.stdout
    record = json.loads((root / ".flash-new" / "sensor.json").read_text())
    assert not [path for path in record["files"] if path.endswith(".rst")]
    assert [r["op"] for r in record["registrations"]] == ["package-export", "tests-package"]
    assert "docs_dir: ''\n" in (root / ".flash-new" / "sensor.yml").read_text()
    check = flash_new("check", cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_page_follows_the_projects_sphinx_sources(tmp_path):
    """A project whose conf.py is in docs/ gets its page in docs/reference/, listed in docs/index.rst, and it
    builds with Sphinx without a warning (its literalincludes reach the repository root from there)."""
    root = tmp_path / "flat-docs"
    (root / "src" / "team_tasks").mkdir(parents=True)
    (root / "src" / "team_tasks" / "__init__.py").write_text("")
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text('project = "team"\nexclude_patterns = ["_build"]\n')
    (root / "docs" / "index.rst").write_text("Team\n====\n\n.. toctree::\n   :caption: Guides\n\n   guide\n")
    (root / "docs" / "guide.rst").write_text("Guide\n=====\n\nRead on.\n")

    plan = create_task(root, TaskOptions("sensor"))

    assert "docs/reference/sensor_classification.rst" in [change.path for change in plan.changes]
    assert "   reference/sensor_classification\n" in (root / "docs" / "index.rst").read_text()
    warnings = tmp_path / "warnings.txt"
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "text", "-n", "-q", "-E", "-w", str(warnings), "docs", "_build"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    assert warnings.read_text() == ""
    text = (root / "_build" / "reference" / "sensor_classification.txt").read_text()
    assert "class SensorClassifier(ClassificationTask):" in text  # the included model.py


# ---- long names --------------------------------------------------------------------------------------------------

LONG = "customer_lifetime_value_forecast"


def test_names_of_32_characters_are_accepted():
    assert len(LONG) == 32 <= MAX_NAME_LENGTH
    TaskOptions(LONG, data_type=LONG).validate()


@pytest.mark.parametrize("steps", ["super", "explicit"])
@pytest.mark.parametrize("kind", ["classification", "regression", "task"])
def test_a_32_character_name_fits_88_columns_with_every_input_and_extra(package_host, kind, steps):
    """The plan refuses any generated line wider than the host's length: at 88 columns it must not refuse.

    One import cannot be split: ``from team_tasks.<name>.<task type>.output_transform import (``, 89 columns for
    this name in a classification task. That combination is refused in one line naming the file; at Lightning
    Flash's 120 columns it is written.
    """
    extras = [extra for extra in EXTRAS if extra != "output-transform"]
    options = TaskOptions(LONG, kind=kind, steps=steps, inputs=list(INPUTS), extras=extras)
    plan, _ = plan_task(package_host, options, dry_run=True)
    assert any(change.path.endswith("/model.py") for change in plan.changes)

    options = TaskOptions(LONG, kind=kind, steps=steps, extras=["output-transform"])
    if kind == "classification":
        with pytest.raises(UsageError, match=r"line \d+ of src/team_tasks/.*/model.py wider than 88 columns"):
            plan_task(package_host, options, dry_run=True)
        (package_host / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n")
    plan_task(package_host, options, dry_run=True)


@pytest.mark.train
def test_a_32_character_name_fits_the_line_length_and_its_tests_pass(package_host):
    create_task(package_host, TaskOptions(LONG, inputs=["numpy", "sklearn", "dataframe", "csv", "tensor"]))

    # a team project that sets nothing: ruff's default length, the narrowest a host asks for in practice
    width = DEFAULT_LINE_LENGTH
    sources = sorted(p for p in package_host.rglob("*.py"))
    assert sources
    for path in sources:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert line_width(line) <= width, f"{path.relative_to(package_host)}:{number}"
    ruff = [sys.executable, "-m", "ruff"]
    options = ["--isolated", "--no-cache", "--line-length", str(width)]
    lint = subprocess.run(
        [*ruff, "check", *options, "--select", "E,F,W", "-q", "."], cwd=package_host, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    form = subprocess.run([*ruff, "format", "--check", *options, "."], cwd=package_host, capture_output=True, text=True)
    assert form.returncode == 0, form.stdout

    result = run_pytest(package_host, f"tests/{LONG}/classification")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "PASSED tests/customer_lifetime_value_forecast/classification/test_model.py::test_train" in result.stdout


def test_names_that_cannot_fit_are_refused_with_one_line(package_host):
    before = tree_snapshot(package_host)

    result = flash_new(
        "task", LONG, "--task-type", "customer_lifetime_value_estimate", "--inputs", "numpy,dataframe",
        "--dest", str(package_host), "--defaults",
    )  # fmt: skip

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "wider than 88 columns: choose shorter names" in lines[0], result.stderr
    assert tree_snapshot(package_host) == before


def test_names_longer_than_the_limit_are_refused(package_host):
    before = tree_snapshot(package_host)
    result = flash_new("task", "a" * (MAX_NAME_LENGTH + 1), "--dest", str(package_host), "--defaults")
    assert result.returncode == 2
    assert f"is longer than {MAX_NAME_LENGTH} characters" in result.stderr
    assert tree_snapshot(package_host) == before


@pytest.fixture
def package_host(tmp_path) -> Path:
    return make_package(tmp_path / "team-project")
