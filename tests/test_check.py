"""`flash-new check` and `flash-new list`: a repository's tasks are current, complete and finished, or exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from scaffold import template
from scaffold.check import check, conflict_lines, placeholder_lines, todo_lines
from scaffold.names import TaskOptions
from scaffold.state import JOURNAL
from scaffold.tasks import create_task
from tests.conftest import REPO, flash_new, tree_snapshot
from tests.template_versions import next_version, own_home, vnext_bundle, vnext_release

__all__ = ["own_home", "vnext_bundle", "vnext_release"]  # fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

ALPHA = "src/team_tasks/alpha/classification"
BETA = "src/team_tasks/beta/classification"


def problems(root: Path, *flags: str, release=None) -> dict[str, list[str]]:
    """The problems ``flash-new check`` (of ``release``, default this one) reports, by task ("": the repository)."""
    result = (release.run if release else flash_new)("check", "--json", "--dest", str(root), *flags)
    report = json.loads(result.stdout)
    assert result.returncode == (0 if report["ok"] else 1), result.stderr
    return {task["name"]: task["problems"] for task in report["tasks"]} | {"": report["problems"]}


def todos(root: Path) -> dict[str, list[str]]:
    report = json.loads(flash_new("check", "--json", "--dest", str(root)).stdout)
    return {task["name"]: task["todos"] for task in report["tasks"]}


# The map of the work a fresh task carries: where a real task replaces the generated stand-ins.
FRESH_TODOS = [
    "docs/source/reference/alpha_classification.rst:7: describe the task for its readers below; in Lightning Flash, "
    "open the page with its customcarditem.",
    "examples/alpha/alpha_classification.py:22: train on your task's own data: load it here and create the "
    "DataModule with the from_* that reads it.",
    f"{ALPHA}/backbones.py:9: register your task's own backbones here; the default is the task's `backbone` "
    "argument (model.py).",
    f"{ALPHA}/data.py:33: load your task's own data here (and in the inputs built on this one): one sample per "
    "example.",
]


@pytest.mark.parametrize("host", ["package_host", "flash_checkout"])
def test_a_fresh_task_passes_with_no_flags(host, request):
    root = request.getfixturevalue(host)
    create_task(root, TaskOptions("alpha"))

    result = flash_new("check", cwd=root)  # as the pre-commit hook runs it: no flags, in the repository

    assert result.returncode == 0, result.stdout + result.stderr
    assert "alpha" in result.stdout and "ok" in result.stdout
    assert problems(root) == {"alpha": [], "": []}
    # its open to-dos are listed, not counted against it
    # Flash: the license header and the import blocks come first; a team's project at 88 columns wraps the module
    # docstring above it
    package, line = ("src/team_tasks", 33) if host == "package_host" else ("src/flash", 44)
    assert f"to-do: {package}/alpha/classification/data.py:{line}: load your task's own data" in result.stdout
    if host == "package_host":
        assert todos(root) == {"alpha": FRESH_TODOS}


def test_strict_fails_while_to_dos_remain_and_passes_once_they_are_done(package_host):
    root = package_host
    create_task(root, TaskOptions("alpha"))
    before = tree_snapshot(root)

    strict = flash_new("check", "--strict", "--dest", str(root))
    assert strict.returncode == 1
    assert strict.stderr == "flash-new: error: alpha needs attention: see the table above\n"
    assert problems(root, "--strict") == {"alpha": [f"{todo} (open to-do)" for todo in FRESH_TODOS], "": []}
    assert tree_snapshot(root) == before  # a check only reads

    # the contributor does the work: each marker goes once its place holds the task's own code or text
    for done, todo in enumerate(FRESH_TODOS, 1):
        path, line = todo.split(":")[:2]
        lines = (root / path).read_text().splitlines(keepends=True)
        assert "TODO(flash-new)" in lines[int(line) - 1]
        del lines[int(line) - 1]
        (root / path).write_text("".join(lines))
        assert todos(root)["alpha"] == FRESH_TODOS[done:]
    assert problems(root, "--strict") == {"alpha": [], "": []}
    assert flash_new("check", "--strict", "--dest", str(root)).returncode == 0


def test_a_repository_without_tasks_passes(package_host):
    result = flash_new("check", "--dest", str(package_host))
    assert result.returncode == 0
    assert result.stdout.startswith("no flash-new tasks in ")


def test_every_problem_is_reported_with_its_task(package_host):
    root = package_host
    create_task(root, TaskOptions("alpha"))
    create_task(root, TaskOptions("beta"))
    (root / ALPHA / "data.py").unlink()
    index = root / "docs/source/index.rst"
    index.write_text(index.read_text().replace("   reference/alpha_classification\n", ""))
    model = root / BETA / "model.py"
    lines = model.read_text().splitlines(keepends=True)
    lines[2:2] = ["<<<<<<< before updating\n", "x = 1\n", "=======\n", "x = 2\n", ">>>>>>> after updating\n"]
    model.write_text("".join(lines))
    (root / BETA / "model.py.rej").write_text("@@ -1 +1 @@\n")
    data = root / BETA / "data.py"
    leftovers = "\nNAME = '{{ model_class }}'\n{% if kind %}\n"
    data.write_text(data.read_text() + leftovers)
    end = data.read_text().count("\n")

    found = problems(root)

    assert found["alpha"] == [
        "docs/source/index.rst does not list reference/alpha_classification in its toctree captioned 'Alpha': "
        "run `flash-new update alpha` to register the task there again",
        f"{ALPHA}/data.py: generated file is missing: restore it from git (git checkout -- {ALPHA}/data.py)",
    ]
    jinja = "unrendered Jinja: write the task's own text in its place"
    marker = "conflict marker: merge the versions around it by hand and delete the markers"
    assert found["beta"] == [
        f"{BETA}/data.py:{end - 1}: {jinja}",
        f"{BETA}/data.py:{end}: {jinja}",
        f"{BETA}/model.py:3: {marker}",
        f"{BETA}/model.py:7: {marker}",
        f"{BETA}/model.py.rej: rejected hunks left by an update: apply them by hand, then delete the file",
    ]
    result = flash_new("check", "--dest", str(root))
    assert result.returncode == 1
    assert "does not list reference/alpha_classification" in result.stdout
    assert "model.py:3: conflict marker" in result.stdout
    assert result.stderr == "flash-new: error: alpha, beta need attention: see the table above\n"


def test_versions_behind_and_unknown(package_host, vnext_release):
    create_task(package_host, TaskOptions("alpha"))
    old = template.latest_version()
    assert problems(package_host)["alpha"] == []
    # a newer flash-new runs the check

    found = problems(package_host, release=vnext_release)
    assert found["alpha"] == [f"at {old}, current is v{next_version()}: run `flash-new update alpha`"]
    assert found[""] == [
        f".flash-new/_template.bundle lacks v{next_version()}: run `flash-new update --all` (or restore it from git)"
    ]
    listed = json.loads(vnext_release.run("list", "--json", "--dest", str(package_host)).stdout)
    assert [(t["name"], t["version"], t["current"]) for t in listed["tasks"]] == [("alpha", old, False)]

    answers_file = package_host / ".flash-new/alpha.yml"
    answers = yaml.safe_load(answers_file.read_text())
    answers_file.write_text(yaml.safe_dump({**answers, "_commit": "v99.0.0"}))
    assert problems(package_host, release=vnext_release)["alpha"] == [
        f"at v99.0.0, unknown to this flash-new (newest: v{next_version()}): upgrade flash-new",
        f"record is of {old}, answers of v99.0.0: run `flash-new update alpha`",
    ]
    answers_file.write_text(yaml.safe_dump({k: v for k, v in answers.items() if k != "_commit"}))
    assert problems(package_host, release=vnext_release)["alpha"] == [
        ".flash-new/alpha.yml records no template source or version: the task cannot be updated"
    ]


def test_lost_answers_lost_record_and_an_interrupted_run(package_host):
    create_task(package_host, TaskOptions("alpha"))
    create_task(package_host, TaskOptions("beta"))
    (package_host / ".flash-new/alpha.yml").unlink()
    (package_host / ".flash-new/beta.json").unlink()
    (package_host / JOURNAL).write_text("{}")

    found = problems(package_host)

    assert found["alpha"] == [".flash-new/alpha.yml is missing: restore it from git"]
    assert found["beta"] == [".flash-new/beta.json is missing: restore it from git"]
    assert found[""] == [f"an interrupted flash-new run left {JOURNAL}: run `flash-new rollback`"]
    assert not check(package_host).ok


def test_list_shows_each_task_its_version_and_whether_current(package_host):
    create_task(package_host, TaskOptions("alpha"))
    create_task(package_host, TaskOptions("beta", kind="regression"))

    listed = json.loads(flash_new("list", "--json", "--dest", str(package_host)).stdout)
    table = flash_new("list", "--dest", str(package_host))

    version = template.latest_version()
    assert [(t["name"], t["module"], t["version"], t["current"]) for t in listed["tasks"]] == [
        ("alpha", "team_tasks.alpha.classification", version, True),
        ("beta", "team_tasks.beta.regression", version, True),
    ]
    assert table.returncode == 0
    assert "team_tasks.beta.regression" in table.stdout and "yes" in table.stdout


def test_markers_and_placeholders_are_told_from_ordinary_text():
    rst = b"Title\n=======\n\nSee ``<<<<<<<`` in the guide.\n"
    assert conflict_lines(rst) == []
    assert conflict_lines(b"a\n<<<<<<< before updating\nb\n=======\nc\n>>>>>>> after updating\n") == [2, 6]
    assert conflict_lines(b"<<<<<<< HEAD\r\n>>>>>>>\r\n") == [1, 2]
    python = 'print(f"{{value}}", "{%d}" % 3, {"a": {"b": 1}})\n'
    assert placeholder_lines(python) == []
    text = "x = '{{ data_class }}'\n{%- for s in inputs %}\ny = '{{ title | upper }}'\n# TODO(flash-new): fill\n"
    assert placeholder_lines(text) == [(1, "unrendered Jinja"), (2, "unrendered Jinja"), (3, "unrendered Jinja")]
    rst = ".. TODO(flash-new): describe it  \n\n# TODO(flash-new)\nTODO: not ours\n"
    assert todo_lines(text + rst) == [(4, "fill"), (5, "describe it"), (7, "")]


def test_the_pre_commit_hook_runs_check_on_every_commit():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "flash-new-check"
    assert hook["language"] == "python"
    assert hook["entry"] == "flash-new check"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    assert '\nflash-new = "scaffold.cli:main"\n' in (REPO / "pyproject.toml").read_text()
