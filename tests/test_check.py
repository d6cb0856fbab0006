"""`flash-new check` and `flash-new list`: a repository's tasks are current, complete and finished, or exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from scaffold import template
from scaffold.check import check, conflict_lines, placeholder_lines
from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.conftest import REPO, flash_new
from tests.template_versions import install, next_version, own_home, vnext_bundle

__all__ = ["own_home", "vnext_bundle"]  # fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

ALPHA = "src/team_tasks/alpha/classification"
BETA = "src/team_tasks/beta/classification"


def problems(root: Path) -> dict[str, list[str]]:
    result = flash_new("check", "--json", "--dest", str(root))
    report = json.loads(result.stdout)
    assert result.returncode == (0 if report["ok"] else 1), result.stderr
    return {task["name"]: task["problems"] for task in report["tasks"]} | {"": report["problems"]}


@pytest.mark.parametrize("host", ["package_host", "flash_checkout"])
def test_a_fresh_task_passes_with_no_flags(host, request):
    root = request.getfixturevalue(host)
    create_task(root, TaskOptions("alpha"))

    result = flash_new("check", cwd=root)  # as the pre-commit hook runs it: no flags, in the repository

    assert result.returncode == 0, result.stdout + result.stderr
    assert "alpha" in result.stdout and "ok" in result.stdout
    assert problems(root) == {"alpha": [], "": []}


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
    leftovers = "\nNAME = '{{ model_class }}'\n{% if kind %}\n# TODO(flash-new): write the loader\n"
    data.write_text(data.read_text() + leftovers)
    end = data.read_text().count("\n")

    found = problems(root)

    assert found["alpha"] == [
        "docs/source/index.rst: reference/alpha_classification is not registered",
        f"{ALPHA}/data.py: generated file is missing",
    ]
    assert found["beta"] == [
        f"{BETA}/data.py:{end - 2}: unrendered Jinja",
        f"{BETA}/data.py:{end - 1}: unrendered Jinja",
        f"{BETA}/data.py:{end}: TODO(flash-new) marker",
        f"{BETA}/model.py:3: conflict marker",
        f"{BETA}/model.py:7: conflict marker",
        f"{BETA}/model.py.rej: rejected hunks left by an update",
    ]
    result = flash_new("check", "--dest", str(root))
    assert result.returncode == 1
    assert "reference/alpha_classification is not registered" in result.stdout
    assert "model.py:3: conflict marker" in result.stdout
    assert result.stderr == "flash-new: error: alpha, beta need attention: see the table above\n"


def test_versions_behind_and_unknown(package_host, own_home, vnext_bundle):
    create_task(package_host, TaskOptions("alpha"))
    old = template.latest_version()
    assert problems(package_host)["alpha"] == []
    install(vnext_bundle)

    assert problems(package_host)["alpha"] == [f"at {old}, current is v{next_version()}: run `flash-new update alpha`"]
    listed = json.loads(flash_new("list", "--json", "--dest", str(package_host)).stdout)
    assert [(t["name"], t["version"], t["current"]) for t in listed["tasks"]] == [("alpha", old, False)]

    answers_file = package_host / ".flash-new/alpha.yml"
    answers = yaml.safe_load(answers_file.read_text())
    answers_file.write_text(yaml.safe_dump({**answers, "_commit": "v99.0.0"}))
    assert problems(package_host)["alpha"] == [
        f"at v99.0.0, unknown to this flash-new (newest: v{next_version()}): upgrade flash-new",
        f"record is of {old}, answers of v99.0.0: run `flash-new update alpha`",
    ]
    answers_file.write_text(yaml.safe_dump({k: v for k, v in answers.items() if k != "_commit"}))
    assert problems(package_host)["alpha"] == [
        ".flash-new/alpha.yml records no template source or version: the task cannot be updated"
    ]


def test_lost_answers_lost_record_and_an_interrupted_run(package_host):
    create_task(package_host, TaskOptions("alpha"))
    create_task(package_host, TaskOptions("beta"))
    (package_host / ".flash-new/alpha.yml").unlink()
    (package_host / ".flash-new/beta.json").unlink()
    (package_host / ".flash-new/transaction.json").write_text("{}")

    found = problems(package_host)

    assert found["alpha"] == [".flash-new/alpha.yml is missing: restore it from git"]
    assert found["beta"] == [".flash-new/beta.json is missing: restore it from git"]
    assert found[""] == ["an interrupted flash-new run left .flash-new/transaction.json: run `flash-new rollback`"]
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
    assert placeholder_lines(text) == [
        (1, "unrendered Jinja"),
        (2, "unrendered Jinja"),
        (3, "unrendered Jinja"),
        (4, "TODO(flash-new) marker"),
    ]


def test_the_pre_commit_hook_runs_check_on_every_commit():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "flash-new-check"
    assert hook["language"] == "python"
    assert hook["entry"] == "flash-new check"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    assert '\nflash-new = "scaffold.cli:main"\n' in (REPO / "pyproject.toml").read_text()
