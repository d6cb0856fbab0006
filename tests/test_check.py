"""`flash-new check` and `flash-new list`: a repository's tasks are current, complete and finished, or exit 1."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from scaffold import template
from scaffold.check import Report, check, conflict_lines, list_tasks, placeholder_lines, table, todo_lines, todo_report
from scaffold.errors import UntrustedTemplate
from scaffold.names import TaskOptions
from scaffold.state import JOURNAL
from scaffold.tasks import create_task
from tests.conftest import REPO, flash_new, git, git_commit_all, isolation, make_package, tree_snapshot
from tests.conftest import flash_new_in_process as run
from tests.template_versions import next_version, own_home, vnext_bundle, vnext_release

__all__ = ["own_home", "vnext_bundle", "vnext_release"]  # fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

ALPHA = "src/team_tasks/alpha/classification"
BETA = "src/team_tasks/beta/classification"
BETA_REGRESSION = "src/team_tasks/beta/regression"


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
    assert '\nflash-new = "scaffold.__main__:main"\n' in (REPO / "pyproject.toml").read_text()


# ---- the library in-process: which damage gives which finding --------------------------------------------------
#
# The tests above run the command line in a subprocess; these call `scaffold.check` (and the command line through
# typer's runner) in this process, on copies of one generated host, so that a mutation tool sees what they reach.


@pytest.fixture(scope="module")
def two_tasks_made(tmp_path_factory, home) -> Path:
    """A team project in git with the tasks ``alpha`` and ``beta`` generated and committed, made once."""
    with isolation(home):
        root = make_package(tmp_path_factory.mktemp("check") / "team-project")
        create_task(root, TaskOptions("alpha"))
        create_task(root, TaskOptions("beta", kind="regression"))
        git_commit_all(root, "two tasks")
    return root


@pytest.fixture
def two_tasks(two_tasks_made, tmp_path) -> Path:
    """The project with ``alpha`` and ``beta``: a copy of its own for the test."""
    return Path(shutil.copytree(two_tasks_made, tmp_path / "team-project", symlinks=True))


def checked(root: Path, **options) -> Report:
    """``check`` of ``root``, asserting that it wrote nothing."""
    before = tree_snapshot(root)
    report = check(root, **options)
    assert tree_snapshot(root) == before
    return report


def findings(report: Report) -> dict[str, list[str]]:
    return {task.name: task.problems for task in report.tasks} | {"": report.problems}


def edit_answers(root: Path, name: str = "alpha", **changes) -> None:
    """Change answers in the task's answers file (``None``: take the answer out)."""
    path = root / f".flash-new/{name}.yml"
    answers = {**yaml.safe_load(path.read_text()), **changes}
    path.write_text(yaml.safe_dump({key: value for key, value in answers.items() if value is not None}))


def edit_record(root: Path, name: str = "alpha", **changes) -> None:
    path = root / f".flash-new/{name}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}, indent=2) + "\n")


def unmerge(root: Path, path: str) -> None:
    """Make git list ``path`` as unmerged (its three stages in the index), as a merge that conflicted leaves it."""
    blob = git(root, "hash-object", "-w", "--", path).strip()
    entries = f"0 {'0' * 40}\t{path}\n" + "".join(f"100644 {blob} {stage}\t{path}\n" for stage in (1, 2, 3))
    subprocess.run(["git", "-C", str(root), "update-index", "--index-info"], input=entries, text=True, check=True)


def with_markers(path: Path, at: int = 2) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines[at:at] = ["<<<<<<< ours\n", "x = 1\n", "=======\n", "x = 2\n", ">>>>>>> theirs\n"]
    path.write_text("".join(lines))


def versions() -> tuple[str, str]:
    """The version before the current one, and the current one."""
    known = template.available_versions()
    return known[-2], known[-1]


INDEX = "docs/source/index.rst"
ALPHA_ANSWERS = ".flash-new/alpha.yml"
TOCTREE_GONE = (
    f"{INDEX} does not list reference/alpha_classification in its toctree captioned 'Alpha': "
    "run `flash-new update alpha` to register the task there again"
)
JINJA = "unrendered Jinja: write the task's own text in its place"
MARKER = "conflict marker: merge the versions around it by hand and delete the markers"
MISSING = "generated file is missing: restore it from git (git checkout -- {})"
UNMERGED = "{} is unmerged in git: resolve the merge and git add the file, then run check again"
CONFLICTED = (
    "{} has an unresolved merge conflict (conflict markers at line {}): resolve the merge in it "
    "(keep what both sides added, delete the markers, git add the file), then run check again"
)


def _drop_toctree_entry(root: Path) -> None:
    text = (root / INDEX).read_text()
    assert "   reference/alpha_classification\n" in text
    (root / INDEX).write_text(text.replace("   reference/alpha_classification\n", ""))


def _append(path: str, data: bytes):
    def damage(root: Path) -> None:
        (root / path).write_bytes((root / path).read_bytes() + data)

    return damage


def _old_version(root: Path) -> None:
    edit_answers(root, _commit=versions()[0])


def _legacy_source_and_old_version(root: Path) -> None:
    edit_answers(root, _src_path=template.LEGACY_SRC_PATH, _commit=versions()[0])


# The damage that is beta's too, in the same words.
SHARED = {
    "rejected hunks beside the answers file",
    "a shared file unmerged in git",
    "a shared file with conflict markers",
}
OLD_BOTH = "the old template at an older version: the version first"
# The damage that makes alpha's version not the current one.
BEHIND = {"no template version", "an older version", "a version unknown to this flash-new", OLD_BOTH}


DOCS_PAGE = "docs/source/reference/alpha_classification.rst"  # the first of alpha's files


def _first_gone_later_conflicted(root: Path) -> None:
    (root / DOCS_PAGE).unlink()
    with_markers(root / ALPHA / "model.py")


def _unmerged_and_deleted(root: Path) -> None:
    unmerge(root, f"{ALPHA}/model.py")
    (root / ALPHA / "model.py").unlink()


def _shared_file_conflicted(root: Path) -> None:
    with_markers(root / INDEX)
    _drop_toctree_entry(root)  # not reported: what an unresolved file lists means nothing yet


def _reject_beside_the_answers(root: Path) -> None:
    (root / ".flash-new/alpha.yml.rej").write_text("@@ -1 +1 @@\n")


# Each kind of damage to ``alpha`` (``beta`` is left alone), and the problems ``check`` reports for ``alpha``.
DAMAGE = {
    "a registration taken out": (_drop_toctree_entry, [TOCTREE_GONE]),
    "a generated file deleted": (
        lambda root: (root / ALPHA / "data.py").unlink(),
        [f"{ALPHA}/data.py: {MISSING.format(f'{ALPHA}/data.py')}"],
    ),
    "the first file deleted, a later one in conflict": (
        _first_gone_later_conflicted,
        [
            f"{DOCS_PAGE}: {MISSING.format(DOCS_PAGE)}",
            f"{ALPHA}/model.py:3: {MARKER}",
            f"{ALPHA}/model.py:7: {MARKER}",
        ],
    ),
    "conflict markers in a generated file": (
        lambda root: with_markers(root / ALPHA / "model.py"),
        [
            f"{ALPHA}/model.py:3: {MARKER}",
            f"{ALPHA}/model.py:7: {MARKER}",
        ],
    ),
    "unrendered Jinja": (
        _append(f"{ALPHA}/data.py", b"NAME = '{{ model_class }}'\n{%- if kind %}\n"),
        [
            f"{ALPHA}/data.py:{{end}}: {JINJA}",
            f"{ALPHA}/data.py:{{end1}}: {JINJA}",
        ],
    ),
    "Jinja in a file that is not UTF-8": (
        _append(f"{ALPHA}/data.py", b"# \xff\xfe\nNAME = '{{ model_class }}'\n"),
        [
            f"{ALPHA}/data.py:{{end1}}: {JINJA}",
        ],
    ),
    "a binary file: its markers only": (
        _append(f"{ALPHA}/data.py", b"\0{{ model_class }}\n<<<<<<< ours\n"),
        [
            f"{ALPHA}/data.py:{{end1}}: {MARKER}",
        ],
    ),
    "rejected hunks": (
        lambda root: (root / ALPHA / "model.py.rej").write_text("@@ -1 +1 @@\n"),
        [
            f"{ALPHA}/model.py.rej: rejected hunks left by an update: apply them by hand, then delete the file",
        ],
    ),
    "rejected hunks beside the answers file": (
        _reject_beside_the_answers,
        [
            ".flash-new/alpha.yml.rej: rejected hunks left by an update: apply them by hand, then delete the file",
        ],
    ),
    "no template version": (
        lambda root: edit_answers(root, _commit=None),
        [
            f"{ALPHA_ANSWERS} records no template source or version: the task cannot be updated",
        ],
    ),
    "no template source": (
        lambda root: edit_answers(root, _src_path=None),
        [
            f"{ALPHA_ANSWERS} records no template source or version: the task cannot be updated",
        ],
    ),
    "an older version": (
        _old_version,
        [
            "at {old}, current is {current}: run `flash-new update alpha`",
            "record is of {current}, answers of {old}: run `flash-new update alpha`",
        ],
    ),
    "a version unknown to this flash-new": (
        lambda root: edit_answers(root, _commit="v99.0.0"),
        [
            "at v99.0.0, unknown to this flash-new (newest: {current}): upgrade flash-new",
            "record is of {current}, answers of v99.0.0: run `flash-new update alpha`",
        ],
    ),
    "a record of another version": (
        lambda root: edit_record(root, template_version=versions()[0]),
        [
            "record is of {old}, answers of {current}: run `flash-new update alpha`",
        ],
    ),
    "the template flash-new 0.1.0 named": (
        lambda root: edit_answers(root, _src_path=template.LEGACY_SRC_PATH),
        [
            f"{ALPHA_ANSWERS} names the template '{template.LEGACY_SRC_PATH}', not the project's copy "
            f"{template.SRC_PATH}: run `flash-new update alpha`",
        ],
    ),
    OLD_BOTH: (
        _legacy_source_and_old_version,
        [
            "at {old}, current is {current}: run `flash-new update alpha`",
            "record is of {current}, answers of {old}: run `flash-new update alpha`",
        ],
    ),
    "the record deleted": (
        lambda root: (root / ".flash-new/alpha.json").unlink(),
        [
            ".flash-new/alpha.json is missing: restore it from git",
        ],
    ),
    "a generated file unmerged in git": (
        lambda root: unmerge(root, f"{ALPHA}/model.py"),
        [
            UNMERGED.format(f"{ALPHA}/model.py"),
        ],
    ),
    "a generated file unmerged in git and deleted": (
        _unmerged_and_deleted,
        [
            UNMERGED.format(f"{ALPHA}/model.py"),
        ],
    ),
    "a shared file unmerged in git": (lambda root: unmerge(root, INDEX), [UNMERGED.format(INDEX)]),
    "a shared file with conflict markers": (_shared_file_conflicted, [CONFLICTED.format(INDEX, "3, 7")]),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_each_damage_is_reported_for_its_task_alone_and_nothing_written(two_tasks, damage):
    root = two_tasks
    old, current = versions()
    data = root / ALPHA / "data.py"
    end = data.read_bytes().count(b"\n")
    make, expected = DAMAGE[damage]
    make(root)
    fill = {"old": old, "current": current, "end": end + 1, "end1": end + 2}
    expected = [problem.format(**fill) if "{" in problem else problem for problem in expected]

    report = checked(root)

    found = findings(report)
    shared = damage in SHARED  # beta is registered in the docs index too, and its answers file is beside alpha's
    assert found == {"alpha": expected, "beta": expected if shared else [], "": []}
    assert not report.ok
    alpha = report.tasks[0]
    assert (alpha.name, alpha.module, alpha.ok) == ("alpha", "team_tasks.alpha.classification", False)
    assert alpha.current == (damage not in BEHIND)
    assert report.tasks[1].ok == (not shared) and report.tasks[1].todos  # beta's open to-dos are still listed
    assert report.to_json()["ok"] is False
    assert [task["ok"] for task in report.to_json()["tasks"]] == [False, not shared]


def test_a_fresh_project_passes_in_process_with_its_to_dos_listed_and_strict_counts_them(two_tasks):
    root = two_tasks
    current = template.available_versions()[-1]

    report = checked(root)

    assert report.ok and report.problems == [] and not report.strict
    assert report.root == root and report.current_version == current
    beta_todos = [
        "docs/source/reference/beta_regression.rst:7: describe the task for its readers below; in Lightning Flash, "
        "open the page with its customcarditem.",
        "examples/beta/beta_regression.py:22: train on your task's own data: load it here and create the "
        "DataModule with the from_* that reads it.",
        f"{BETA_REGRESSION}/backbones.py:8: register your task's own backbones here; the default is the task's "
        "`backbone` argument (model.py).",
        f"{BETA_REGRESSION}/data.py:31: load your task's own data here (and in the inputs built on this one): one "
        "sample per example.",
    ]
    assert report.to_json() == {
        "root": str(root),
        "ok": True,
        "strict": False,
        "current_version": current,
        "problems": [],
        "tasks": [
            {
                "name": "alpha",
                "module": "team_tasks.alpha.classification",
                "version": current,
                "current": True,
                "problems": [],
                "todos": FRESH_TODOS,
                "ok": True,
            },
            {
                "name": "beta",
                "module": "team_tasks.beta.regression",
                "version": current,
                "current": True,
                "problems": [],
                "todos": beta_todos,
                "ok": True,
            },
        ],
    }
    assert todo_report(report) == [f"to-do: {todo}" for todo in FRESH_TODOS + beta_todos]

    strict = checked(root, strict=True)

    assert not strict.ok and strict.strict and strict.to_json()["strict"] is True
    assert findings(strict) == {
        "alpha": [f"{todo} (open to-do)" for todo in FRESH_TODOS],
        "beta": [f"{todo} (open to-do)" for todo in beta_todos],
        "": [],
    }
    assert [task.todos for task in strict.tasks] == [FRESH_TODOS, beta_todos]
    assert todo_report(strict) == []  # they are problems now, in the table


def test_repository_problems_lost_answers_and_a_task_in_conflict(two_tasks):
    root = two_tasks
    current = template.available_versions()[-1]
    (root / JOURNAL).write_text("{}")
    (root / ".flash-new/_template.bundle").unlink()
    (root / ".flash-new/alpha.yml").unlink()  # alpha's record is left: reported after the tasks that are answered
    with_markers(root / ".flash-new/beta.yml", at=0)

    report = checked(root)

    assert report.problems == [
        f"an interrupted flash-new run left {JOURNAL}: run `flash-new rollback`",
        ".flash-new/_template.bundle is missing (plain `copier update` needs it): run `flash-new update --all` "
        "(or restore it from git)",
    ]
    assert [vars(task) for task in report.tasks] == [
        {
            "name": "beta",
            "module": "?",
            "version": "?",
            "current": False,
            "problems": [CONFLICTED.format(".flash-new/beta.yml", "1, 5")],
            "todos": [],
        },
        {
            "name": "alpha",
            "module": "team_tasks.alpha.classification",
            "version": current,
            "current": False,
            "problems": [".flash-new/alpha.yml is missing: restore it from git"],
            "todos": [],
        },
    ]
    assert not report.ok

    # a record in conflict whose answers file is gone is that conflict, once: no lost answers file besides
    with_markers(root / ".flash-new/alpha.json", at=0)
    assert findings(checked(root))["alpha"] == [CONFLICTED.format(".flash-new/alpha.json", "1, 5")]
    assert [task.name for task in checked(root).tasks] == ["alpha", "beta"]


def test_a_repository_problem_alone_fails_it_and_no_tasks_means_no_template_to_check(package_host):
    report = checked(package_host)
    assert report.ok and report.tasks == [] and report.problems == []  # no task: no project template needed

    (package_host / ".flash-new").mkdir()
    (package_host / JOURNAL).write_text("{}")
    report = checked(package_host)
    assert report.problems == [f"an interrupted flash-new run left {JOURNAL}: run `flash-new rollback`"]
    assert not report.ok and report.tasks == []


def test_an_answers_file_naming_another_template_is_the_tasks_one_problem_and_list_refuses_it(two_tasks):
    root = two_tasks
    edit_answers(root, _src_path="https://example.com/other-template.git")
    (root / ALPHA / "data.py").unlink()  # nothing of the task is looked at: its files are not
    before = tree_snapshot(root)

    report = checked(root)

    alpha = report.tasks[0]
    assert (alpha.name, alpha.module, alpha.version, alpha.current, alpha.todos) == ("alpha", "?.?.?", "?", False, [])
    (problem,) = alpha.problems
    assert "https://example.com/other-template.git" in problem
    assert findings(report)["beta"] == [] and report.problems == []
    assert not report.ok
    with pytest.raises(UntrustedTemplate, match="other-template"):
        list_tasks(root)
    assert tree_snapshot(root) == before


def test_list_reports_versions_only(two_tasks):
    root = two_tasks
    old, current = versions()
    edit_answers(root, "beta", _commit=old)
    (root / ALPHA / "data.py").unlink()
    (root / JOURNAL).write_text("{}")
    (root / ".flash-new/_template.bundle").unlink()
    before = tree_snapshot(root)

    listed = list_tasks(root)

    assert tree_snapshot(root) == before
    assert [(t.name, t.module, t.version, t.current, t.problems, t.todos) for t in listed.tasks] == [
        ("alpha", "team_tasks.alpha.classification", current, True, [], []),
        ("beta", "team_tasks.beta.regression", old, False, [], []),
    ]
    assert listed.problems == [] and listed.current_version == current
    (root / ".flash-new/alpha.yml").unlink()
    assert [task.name for task in list_tasks(root).tasks] == ["beta"]  # a record alone is no task to list


def lines(table: str) -> list[str]:
    """The rows of a printed table, without its borders, each cell's text stripped."""
    rows = []
    for line in table.splitlines():
        cells = re.split("[│┃]", line.strip())
        rows.append(" | ".join(cell.strip() for cell in cells[1:-1]) if len(cells) > 2 else line)
    return rows


def test_check_exits_0_on_a_fresh_project_with_its_to_dos_below_the_table(two_tasks):
    root = two_tasks
    before = tree_snapshot(root)

    result = run("check", "--dest", str(root))

    assert (result.returncode, result.stderr) == (0, "")
    current = template.available_versions()[-1]
    rows = lines(result.stdout)
    assert f"flash-new tasks in {root} (current template: {current})" in rows[0]
    assert "task | module | version | problems" in rows
    assert f"alpha | team_tasks.alpha.classification | {current} | ok" in rows
    assert f"beta | team_tasks.beta.regression | {current} | ok" in rows
    assert rows.count(" |  |  | 4 open to-dos (below)") == 2
    assert [row for row in rows if row.startswith("to-do: ")][:4] == [f"to-do: {todo}" for todo in FRESH_TODOS]
    assert "(repository)" not in result.stdout
    assert tree_snapshot(root) == before


def test_check_exits_1_naming_the_tasks_that_need_attention(two_tasks):
    root = two_tasks
    before = tree_snapshot(root)
    strict = run("check", "--strict", "--dest", str(root))
    assert strict.returncode == 1
    assert strict.stderr == "flash-new: error: alpha, beta need attention: see the table above\n"
    assert "(open to-do)" in strict.stdout
    assert "to-do: " not in strict.stdout and "open to-dos (below)" not in strict.stdout

    # one task fails, the other keeps one open to-do
    for todo in FRESH_TODOS[1:]:
        path, line = todo.split(":")[:2]
        text = (root / path).read_text().splitlines(keepends=True)
        del text[int(line) - 1]
        (root / path).write_text("".join(text))
    _drop_toctree_entry(root)
    edit_answers(root, "beta", _commit=versions()[0])
    before = tree_snapshot(root)
    result = run("check", "--dest", str(root))
    assert result.returncode == 1
    assert result.stderr == "flash-new: error: alpha, beta need attention: see the table above\n"
    rows = lines(result.stdout)
    assert " |  |  | 1 open to-do (below)" in rows
    assert f"to-do: {FRESH_TODOS[0]}" in rows
    assert "does not list reference/alpha_classification" in result.stdout

    edit_answers(root, "beta", _commit=versions()[1])
    result = run("check", "--dest", str(root))
    assert result.returncode == 1
    assert result.stderr == "flash-new: error: alpha needs attention: see the table above\n"

    as_json = run("check", "--json", "--dest", str(root))
    assert (as_json.returncode, as_json.stderr) == (1, "")
    assert json.loads(as_json.stdout) == check(root).to_json()
    assert json.loads(as_json.stdout)["ok"] is False
    assert tree_snapshot(root) == {**before, ".flash-new/beta.yml": (root / ".flash-new/beta.yml").read_bytes()}


def test_check_fails_the_repository_alone_and_list_shows_versions(two_tasks):
    root = two_tasks
    (root / JOURNAL).write_text("{}")
    edit_answers(root, "beta", _commit=versions()[0])
    before = tree_snapshot(root)

    result = run("check", "--dest", str(root))
    listed = run("list", "--dest", str(root))
    as_json = run("list", "--json", "--dest", str(root))

    assert result.returncode == 1
    assert f"(repository) |  |  | an interrupted flash-new run left {JOURNAL}: run `flash-new rollback`" in lines(
        result.stdout
    )
    assert (listed.returncode, listed.stderr, as_json.returncode) == (0, "", 0)
    old, current = versions()
    rows = lines(listed.stdout)
    assert "task | module | version | current" in rows
    assert f"alpha | team_tasks.alpha.classification | {current} | yes" in rows
    assert f"beta | team_tasks.beta.regression | {old} | no" in rows
    assert "(repository)" not in listed.stdout and "to-do" not in listed.stdout
    assert json.loads(as_json.stdout) == list_tasks(root).to_json()
    assert tree_snapshot(root) == before

    edit_answers(root, "beta", _commit=current)
    result = run("check", "--dest", str(root))
    assert result.stderr == "flash-new: error: the repository needs attention: see the table above\n"


def test_check_and_list_of_a_project_without_tasks_say_so(package_host):
    for command in ("check", "list"):
        result = run(command, "--dest", str(package_host))
        assert (result.returncode, result.stdout, result.stderr) == (0, f"no flash-new tasks in {package_host}\n", "")


def test_to_dos_are_read_to_the_end_of_their_comment():
    python = (
        "x = 1\n"
        "    # TODO(flash-new): load the data\n"
        "    # from the files   \n"
        "    #   and cache it\n"
        "    # TODO(flash-new): then the next\n"
        "    # part\n"
        "    x = 2  # not the comment\n"
        "# TODO(flash-new):\ttabs\t\n"
        "    # not indented as the marker: another comment\n"
        "#TODO(flash-new) no colon\n"
        "#not a continuation: no space after the hash\n"
    )
    assert todo_lines(python) == [
        (2, "load the data from the files and cache it"),
        (5, "then the next part"),
        (8, "tabs"),
        (10, "no colon"),
    ]
    rst = ".. TODO(flash-new): describe it\n\nText.\n"
    assert todo_lines(rst) == [(1, "describe it")]
    assert todo_lines("a = 1\n") == []


def test_placeholders_are_found_on_their_lines_once():
    text = (
        "ok = 1\n"
        "a = '{{ x }}{{ y }}'\n"
        "{%- if kind %}\n"
        "{% endfor -%}\n"
        "b = '{{- z -}}'\n"
        "{%raw%}\n"
        "c = '{{x}}'\n"
        "d = {'{': 1} % 2\n"
        "{% unknown %}\n"
        "{{ a\n b }}\n"
    )
    assert placeholder_lines(text) == [
        (2, "unrendered Jinja"),
        (3, "unrendered Jinja"),
        (4, "unrendered Jinja"),
        (5, "unrendered Jinja"),
        (6, "unrendered Jinja"),
    ]


def test_a_newer_flash_new_in_process_counts_versions_from_its_newest(two_tasks, vnext_bundle, monkeypatch):
    root = two_tasks
    old, shipped = versions()
    monkeypatch.setattr(template, "PACKAGED_BUNDLE", vnext_bundle)  # this process ships one version more
    newest = f"v{next_version()}"
    assert template.available_versions()[-3:] == (old, shipped, newest)
    edit_answers(root, "beta", _commit=old)

    report = checked(root)

    assert report.current_version == newest
    assert findings(report) == {
        "alpha": [f"at {shipped}, current is {newest}: run `flash-new update alpha`"],
        "beta": [
            f"at {old}, current is {newest}: run `flash-new update beta`",
            f"record is of {shipped}, answers of {old}: run `flash-new update beta`",
        ],
        "": [f".flash-new/_template.bundle lacks {newest}: run `flash-new update --all` (or restore it from git)"],
    }
    assert [task.current for task in report.tasks] == [False, False]
    assert [task.current for task in list_tasks(root).tasks] == [False, False]

    edit_answers(root, _commit="v99.0.0")
    assert findings(checked(root))["alpha"] == [
        f"at v99.0.0, unknown to this flash-new (newest: {newest}): upgrade flash-new",
        f"record is of {shipped}, answers of v99.0.0: run `flash-new update alpha`",
    ]


def cells(printed: str) -> dict[str, str]:
    """The last column of a printed table by row name, a cell folded over lines joined up, spaces left out."""
    found: dict[str, str] = {}
    name = ""
    for row in lines(printed):
        columns = row.split(" | ")
        if len(columns) < 4:
            continue
        name = columns[0] or name
        found[name] = found.get(name, "") + columns[-1].replace(" ", "")
    return found


def test_the_table_shows_every_problem_whole_however_narrow(two_tasks):
    root = two_tasks
    _drop_toctree_entry(root)
    (root / ALPHA / "data.py").unlink()
    (root / JOURNAL).write_text("{}")
    (root / ".flash-new/_template.bundle").unlink()
    for todo in [
        f"{BETA_REGRESSION}/data.py:31",
        f"{BETA_REGRESSION}/backbones.py:8",
    ]:  # beta keeps two open to-dos
        path, line = todo.split(":")
        text = (root / path).read_text().splitlines(keepends=True)
        del text[int(line) - 1]
        (root / path).write_text("".join(text))
    report = check(root)
    assert len(findings(report)["alpha"]) == 2 and len(report.problems) == 2
    console = Console(file=io.StringIO(), width=90, color_system=None)

    console.print(table(report))

    printed = console.file.getvalue()
    assert "…" not in printed  # a path longer than its column is folded over lines, never cut
    assert cells(printed) == {
        "task": "problems",
        "alpha": "".join(findings(report)["alpha"]).replace(" ", "") + "3opento-dos(below)",  # data.py held one
        "beta": "ok2opento-dos(below)",
        "(repository)": "".join(report.problems).replace(" ", ""),
    }


def test_a_shared_file_that_cannot_be_read_is_that_problem(two_tasks, monkeypatch):
    root = two_tasks
    read_bytes = Path.read_bytes

    def unreadable_index(path: Path) -> bytes:  # the tests run as root, whom file modes do not stop
        if path.name == "index.rst":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    again = "run `flash-new update {}` to register the task there again"
    before = tree_snapshot(root)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", unreadable_index)
        found = findings(check(root))

    assert tree_snapshot(root) == before

    problem = f"{INDEX} cannot be read (Permission denied): make it readable, then run again"
    assert found == {
        "alpha": [f"{problem}: {again.format('alpha')}"],
        "beta": [f"{problem}: {again.format('beta')}"],
        "": [],
    }
    (root / INDEX).unlink()
    (root / INDEX).mkdir()
    problem = f"{INDEX} exists and is not a file: move it away and run again"
    assert findings(checked(root)) == {
        "alpha": [f"{problem}: {again.format('alpha')}"],
        "beta": [f"{problem}: {again.format('beta')}"],
        "": [],
    }


def test_strict_adds_the_to_dos_to_the_other_problems(two_tasks):
    root = two_tasks
    _drop_toctree_entry(root)

    report = checked(root, strict=True)

    assert findings(report)["alpha"] == [TOCTREE_GONE] + [f"{todo} (open to-do)" for todo in FRESH_TODOS]


def test_lines_are_counted_from_the_first_whatever_it_holds():
    text = "\n{{ name }}\n# TODO(flash-new): first\n"
    assert placeholder_lines(text) == [(2, "unrendered Jinja")]
    assert todo_lines(text) == [(3, "first")]
    # a marker whose text names the marker again is still read to the end of its comment
    assert todo_lines("# TODO(flash-new): see TODO(flash-new) below\n# and more\n") == [
        (1, "see TODO(flash-new) below and more")
    ]
    # only a comment that starts with a hash goes on over lines that start with one
    rst = ".. TODO(flash-new): describe it\n# not the comment's\n"
    assert todo_lines(rst) == [(1, "describe it")]


def test_a_record_whose_answers_are_lost_after_an_answered_task_and_answers_unmerged_in_git(two_tasks):
    root = two_tasks
    current = template.available_versions()[-1]
    (root / ".flash-new/beta.yml").unlink()
    record = json.loads((root / ".flash-new/beta.json").read_text())
    del record["context"]["data_type"]  # a name the record lacks is shown as "?"
    edit_record(root, "beta", context=record["context"])

    report = checked(root)

    assert [(task.name, task.module, task.version, task.current, task.problems) for task in report.tasks] == [
        ("alpha", "team_tasks.alpha.classification", current, True, []),
        ("beta", "team_tasks.?.regression", current, False, [".flash-new/beta.yml is missing: restore it from git"]),
    ]

    # answers git lists as unmerged are not read, though they hold no conflict marker
    unmerge(root, ".flash-new/alpha.yml")
    report = checked(root)
    assert [vars(task) for task in report.tasks][0] == {
        "name": "alpha",
        "module": "?",
        "version": "?",
        "current": False,
        "problems": [UNMERGED.format(".flash-new/alpha.yml")],
        "todos": [],
    }
