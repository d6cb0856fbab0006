"""Answers files and records tampered with as a pull request could: nothing foreign runs, nothing is rendered.

Every case changes only ``.flash-new/alpha.yml`` (or ``alpha.json``) of a committed project, commits it as a
merged pull request would, and runs ``update alpha``, ``update --all``, ``update --print-copier-command``,
``list``, ``remove alpha`` and ``check``: each refuses with one line naming the file (and the key, or what the
file points at and what was expected), exit code 2, the tree byte for byte as it was. ``check`` reports an
answers file that only names another template as the task's problem in the same words (exit code 1). A foreign
template's ``_tasks`` and ``_migrations`` would touch a marker file, which never appears; plain
``copier update --trust`` on the same file does run them.

The cases run in-process (:data:`scaffold.cli.app` through typer's runner), each on its own copy of one prepared
project, shared by the commands of the case (each command must leave it unchanged); the real command line, in a
subprocess, runs one case through every command, to show the wiring.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from scaffold import template, trust
from scaffold.cli import app
from scaffold.errors import UntrustedTemplate, UsageError
from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.conftest import flash_new, git, git_commit_all, make_package, tree_snapshot

pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

ANSWERS = ".flash-new/alpha.yml"
RECORD = ".flash-new/alpha.json"
CODE = "X(object):\n    import os\nclass Y"
DELETE = object()


def build_foreign_template(where: Path, marker: Path) -> Path:
    """A template in git with flash-new's version tags whose tasks and migrations touch ``marker``."""
    where.mkdir(parents=True)
    git(where, "init", "-q")
    touch = json.dumps(["touch", str(marker)])
    version = template.current_version()
    (where / "copier.yml").write_text(
        "_answers_file: .flash-new/{{ task_name }}.yml\n"
        f"_tasks:\n  - {touch}\n"
        "_migrations:\n"
        f"  - version: {version}\n    command: {touch}\n    when: \"{{{{ _stage == 'before' }}}}\"\n"
        f"  - version: {version}\n    command: {touch}\n"
        "task_name:\n  type: str\n"
    )
    (where / "{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers | to_nice_yaml }}")
    for tag in template.available_versions():
        (where / "version.txt").write_text(tag + "\n")
        git_commit_all(where, tag)
        git(where, "tag", tag)
    return where


@pytest.fixture(scope="module")
def world(tmp_path_factory, home) -> dict:
    """One generated, committed task ``alpha`` to copy for every case, and a foreign template."""
    base = tmp_path_factory.mktemp("trust")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        env.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        env.setenv("COPIER_SETTINGS_PATH", str(home / "copier-settings.yml"))
        project = make_package(base / "project")
        git_commit_all(project, "project")
        create_task(project, TaskOptions("alpha"))
        git_commit_all(project, "add alpha")
        marker = base / "marker"
        foreign = build_foreign_template(base / "foreign", marker)
    return {"project": project, "foreign": foreign, "marker": marker, "cases": tmp_path_factory.mktemp("cases")}


def set_answers(**changes):
    def tamper(root: Path, world: dict) -> None:
        answers = yaml.safe_load((root / ANSWERS).read_text())
        for key, value in changes.items():
            value = value(root, world) if callable(value) else value
            if value is DELETE:
                del answers[key]
            else:
                answers[key] = value
        (root / ANSWERS).write_text(yaml.safe_dump(answers))

    return tamper


def write(path: str, data: bytes):
    def tamper(root: Path, world: dict) -> None:
        (root / path).write_bytes(data)

    return tamper


def set_record(change):
    def tamper(root: Path, world: dict) -> None:
        record = json.loads((root / RECORD).read_text())
        change(record, root)
        (root / RECORD).write_text(json.dumps(record, indent=2))

    return tamper


def foreign(prefix: str = ""):
    return lambda root, world: prefix + str(world["foreign"])


def absolute(prefix: str = ""):
    """The project's copy of the history, spelled from the root of the file system."""
    return lambda root, world: prefix + str(root / template.SRC_PATH)


def symlink(root: Path, world: dict) -> str:
    link = root.parent / "task.bundle"
    link.symlink_to(template.PACKAGED_BUNDLE)
    return str(link)


def relative_foreign(root: Path, world: dict) -> str:
    return os.path.relpath(world["foreign"], root)


def tag_sha(root: Path, world: dict) -> str:
    return template.heads(template.PACKAGED_BUNDLE)[template.current_version()]


def outside_file(record: dict, root: Path) -> None:
    (root.parent / "outside.txt").write_text("not the project's\n")
    record["files"]["../outside.txt"] = "0" * 64


def absolute_registration(record: dict, root: Path) -> None:
    (root.parent / "outside.txt").write_text("not the project's\n")
    record["registrations"][0]["file"] = str(root.parent / "outside.txt")


def state_file(record: dict, root: Path) -> None:
    record["files"][".flash-new/alpha.yml"] = hashlib.sha256((root / ANSWERS).read_bytes()).hexdigest()


def readme_file(record: dict, root: Path) -> None:
    (root / "README.md").write_text("The project.\n")
    record["files"]["README.md"] = hashlib.sha256(b"The project.\n").hexdigest()


def edit(op: str, **fields):
    """Change the fields of the record's first registration of kind ``op``."""

    def change(record: dict, root: Path) -> None:
        registration = next(r for r in record["registrations"] if r["op"] == op)
        registration.update(fields)

    return change


def add_registration(**fields):
    return lambda record, root: record["registrations"].append(fields)


def context(**fields):
    def change(record: dict, root: Path) -> None:
        record["context"].update(fields)
        if "doc_page" in fields:  # the toctree entry made consistent with the context
            edit("toctree-entry", entry=f"reference/{fields['doc_page']}")(record, root)

    return change


SOURCE = "points at template"
CASES = {
    # another template, with the same version tags and commands in _tasks and _migrations
    "foreign-template": (set_answers(_src_path=foreign(), _commit="v0.1.0"), [SOURCE]),
    "foreign-template-git+file": (set_answers(_src_path=foreign("git+file://"), _commit="v0.1.0"), [SOURCE]),
    "foreign-template-file-url": (set_answers(_src_path=foreign("file://")), [SOURCE]),
    "foreign-template-relative": (set_answers(_src_path=relative_foreign), [SOURCE]),
    "foreign-template-remote": (set_answers(_src_path="https://example.invalid/template.git"), [SOURCE]),
    # other spellings of flash-new's own bundle: flash-new never writes them, so they are not trusted either
    "own-bundle-absolute": (set_answers(_src_path=absolute()), [SOURCE]),
    "own-bundle-file-url": (set_answers(_src_path=absolute("file://")), [SOURCE]),
    "own-bundle-trailing-slash": (set_answers(_src_path=template.SRC_PATH + "/"), [SOURCE]),
    "own-bundle-dot-dot": (set_answers(_src_path=".flash-new/../.flash-new/_template.bundle"), [SOURCE]),
    "own-bundle-dot": (set_answers(_src_path="./.flash-new/_template.bundle"), [SOURCE]),
    "own-bundle-symlink": (set_answers(_src_path=symlink), [SOURCE]),
    "legacy-bundle-expanded": (
        set_answers(_src_path=lambda root, world: os.path.expanduser(template.LEGACY_SRC_PATH)),
        [SOURCE],
    ),
    "source-not-a-string": (set_answers(_src_path=[template.SRC_PATH]), [SOURCE]),
    # flash-new's template at something that is not one of its version tags
    "commit-head": (set_answers(_commit="HEAD"), [SOURCE, "'HEAD'"]),
    "commit-sha-of-a-tag": (set_answers(_commit=tag_sha), [SOURCE]),
    "commit-rev-expression": (set_answers(_commit="v0.1.0~0"), [SOURCE, "'v0.1.0~0'"]),
    "commit-not-a-string": (set_answers(_commit=0.2), [SOURCE, "0.2"]),
    "commit-unknown-version": (set_answers(_commit="v9.9.9"), ["v9.9.9", "unknown to this flash-new"]),
    "source-missing": (set_answers(_src_path=DELETE), ["template source or version"]),
    # code in every class-name and free-text answer
    "model_class-code": (set_answers(model_class=CODE), [f"{ANSWERS}: model_class"]),
    "data_class-code": (set_answers(data_class=CODE), [f"{ANSWERS}: data_class"]),
    "description-code": (
        set_answers(description='x"""\nimport os\nos.system("touch marker")\n"""'),
        [f"{ANSWERS}: description", "one line"],
    ),
    "description-jinja-block": (set_answers(description="{% raw %}\n{{ 7*7 }}"), [f"{ANSWERS}: description"]),
    "task_name-code": (set_answers(task_name="alpha\nimport os"), [f"{ANSWERS}: task_name"]),
    "task_name-other-task": (set_answers(task_name="beta"), [f"{ANSWERS}: task_name", "not the file's name"]),
    "data_type-code": (set_answers(data_type="alpha; import os"), [f"{ANSWERS}: data_type"]),
    # traversal in every path-like answer
    "data_type-traversal": (set_answers(data_type="../../outside"), [f"{ANSWERS}: data_type"]),
    "task_type-traversal": (set_answers(task_type="x/../../y"), [f"{ANSWERS}: task_type"]),
    "package-traversal": (set_answers(package="../outside"), [f"{ANSWERS}: package"]),
    "package-dotted": (set_answers(package="os.path"), [f"{ANSWERS}: package"]),
    "package_dir-absolute": (set_answers(package_dir="/tmp"), [f"{ANSWERS}: package_dir"]),
    "package_dir-traversal": (set_answers(package_dir="src/../../outside"), [f"{ANSWERS}: package_dir"]),
    "package_dir-other-folder": (set_answers(package_dir="docs"), [f"{ANSWERS}: package_dir"]),
    "docs_dir-traversal": (set_answers(docs_dir="docs/../../outside"), [f"{ANSWERS}: docs_dir"]),
    "docs_dir-absolute": (set_answers(docs_dir="/tmp/docs"), [f"{ANSWERS}: docs_dir"]),
    "docs_dir-state": (set_answers(docs_dir=".flash-new"), [f"{ANSWERS}: docs_dir"]),
    "line_length-not-a-number": (set_answers(line_length="120; import os"), [f"{ANSWERS}: line_length"]),
    "py_min-code": (set_answers(py_min="3.8\nimport os"), [f"{ANSWERS}: py_min"]),
    # choices that are not choices
    "kind-unknown": (set_answers(kind="exec"), [f"{ANSWERS}: kind"]),
    "inputs-unknown": (set_answers(inputs=["numpy", "pickle"]), [f"{ANSWERS}: inputs"]),
    "inputs-comma-joined": (set_answers(inputs=["numpy,csv"]), [f"{ANSWERS}: inputs"]),
    "inputs-not-a-list": (set_answers(inputs="numpy"), [f"{ANSWERS}: inputs"]),
    "inputs-empty": (set_answers(inputs=[]), [f"{ANSWERS}: inputs"]),
    "extras-unknown": (set_answers(extras=["cli", "$(touch marker)"]), [f"{ANSWERS}: extras"]),
    "extras-twice": (set_answers(extras=["cli", "cli"]), [f"{ANSWERS}: extras"]),
    # keys flash-new does not write: copier would hand them to the template
    "unknown-derived-name": (set_answers(class_stem=CODE), [f"{ANSWERS}: key", "class_stem"]),
    "unknown-tasks-key": (set_answers(_tasks=["touch marker"]), [f"{ANSWERS}: key", "_tasks"]),
    "missing-answer": (set_answers(model_class=DELETE), [ANSWERS, "model_class", "missing"]),
    "description-not-a-string": (set_answers(description=123), [f"{ANSWERS}: description"]),
    # files that are no mapping of answers
    "yaml-list": (write(ANSWERS, b"- task_name\n- alpha\n"), [ANSWERS, "not a copier answers file"]),
    "yaml-scalar": (write(ANSWERS, b"alpha\n"), [ANSWERS, "not a copier answers file"]),
    "yaml-empty": (write(ANSWERS, b""), [ANSWERS, "not a copier answers file"]),
    "yaml-unparsable": (write(ANSWERS, b"task_name: [alpha\nkind: {\n"), [ANSWERS, "not valid YAML"]),
    "yaml-python-tag": (
        write(ANSWERS, b"!!python/object/apply:os.system ['touch marker']\n"),
        [ANSWERS, "not valid YAML"],
    ),
    "yaml-not-utf8": (write(ANSWERS, b"task_name: \xff\xfe\n"), [ANSWERS, "not UTF-8"]),
    "steps-unknown": (set_answers(steps="{{ 7*7 }}"), [f"{ANSWERS}: steps"]),
    # records whose paths leave the repository (remove would delete or edit them)
    "record-file-outside": (set_record(outside_file), [RECORD, "'../outside.txt'", "outside the repository"]),
    "record-registration-absolute": (set_record(absolute_registration), [RECORD, "outside the repository"]),
    "record-not-json": (write(RECORD, b"{'files': "), [RECORD, "not valid JSON"]),
    "record-file-state": (set_record(state_file), [RECORD, "'.flash-new/alpha.yml'", "flash-new's own state"]),
    # registrations that would make remove take out what is not the task's: the kind never holds such fields...
    "record-entry-of-the-project": (
        set_record(edit("toctree-entry", caption="Guides", entry="guide")),
        [RECORD, "toctree-entry edit of 'docs/source/index.rst' whose entry flash-new never writes"],
    ),
    "record-changelog-line-of-the-project": (
        set_record(edit("changelog-line", text="- The project.\n")),
        [RECORD, "changelog-line edit of 'CHANGELOG.md' whose text"],
    ),
    "record-list-entry-empty-key": (
        set_record(add_registration(op="flash-zero-entry", file="src/team_tasks/__main__.py", key=[], text="x\n")),
        [RECORD, "flash-zero-entry edit", "whose key"],
    ),
    "record-unknown-kind": (
        set_record(add_registration(op="shell", file="CHANGELOG.md", command="touch marker")),
        [RECORD, "records an edit flash-new does not know ('shell'"],
    ),
    # ...or fields of the right shape that are another task's
    "record-entry-of-another-task": (
        set_record(edit("toctree-entry", entry="reference/beta_classification")),
        [RECORD, "records an edit of docs/source/index.rst that task 'alpha' does not make"],
    ),
    "record-export-of-another-task": (
        set_record(
            edit(
                "package-export",
                module="team_tasks.beta.classification",
                text="from team_tasks.beta.classification import AlphaData, AlphaClassifier  # noqa: F401\n",
            )
        ),
        [RECORD, "records an edit of src/team_tasks/alpha/__init__.py that task 'alpha' does not make"],
    ),
    "record-context-moved": (set_record(context(data_type="beta")), [RECORD, "context data_type 'beta'"]),
    "record-context-other-class": (
        set_record(context(model_class="Project")),
        [RECORD, "context model_class 'Project' is not the task's answer ('AlphaClassifier')"],
    ),
    # a context and files consistent with themselves, not with the template: found by a render (update, remove)
    "record-context-derived-name": (
        set_record(context(doc_page="guide")),
        [RECORD, "context doc_page is not what the template derives"],
    ),
    "record-file-of-the-project": (
        set_record(readme_file),
        [RECORD, "lists 'README.md', which the task does not generate"],
    ),
}
# Answers naming no template, or a newer version of flash-new's: no foreign template is named, so the commands
# that run nothing (list, remove) work, and update and check say what is missing (see the last test).
NAMES_NO_TEMPLATE = ("source-missing", "commit-unknown-version")
# What check reports as the task's problem (exit code 1) rather than refuses: an answers file naming another
# template (nothing of it is used), or one naming none or a newer version.
CHECK_REPORTS = {case for case, (_, expected) in CASES.items() if expected[0] == SOURCE} | set(NAMES_NO_TEMPLATE)
# Records checked by a render of the task, which only the commands that act on the record make: check and list
# read the shared files only.
RENDER_CHECKED = ("record-context-derived-name", "record-file-of-the-project")
COMMANDS = {
    "update": ["update", "alpha"],
    "update-all": ["update", "--all"],
    "print-copier-command": ["update", "--print-copier-command", "alpha"],
    "list": ["list"],
    "remove": ["remove", "alpha"],
    "check": ["check", "--json"],
}
MATRIX = [
    (case, command)
    for case in CASES
    for command in COMMANDS
    if not (case in NAMES_NO_TEMPLATE and command in ("list", "remove"))
    and not (case in RENDER_CHECKED and command in ("list", "check"))
]


def tampered(world: dict, case: str) -> Path:
    """A fresh copy of the prepared project with the case's change, committed; one per case."""
    root = world["cases"] / case / "project"
    if not root.exists():
        shutil.copytree(world["project"], root, symlinks=True)
        CASES[case][0](root, world)
        git_commit_all(root, f"pull request: {case}")  # merged: update's clean-tree check is no help
    return root


def copy(world: dict, tmp_path: Path, case: str | None = None) -> Path:
    root = tmp_path / "project"
    shutil.copytree(world["project"], root, symlinks=True)
    if case:
        CASES[case][0](root, world)
        git_commit_all(root, f"pull request: {case}")
    return root


def run(*args: str):
    """The command line in-process: exit code, stdout and stderr as the real one gives them."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def assert_refused(result, case: str, command: str) -> None:
    assert "Traceback" not in result.stderr
    expected = CASES[case][1]
    if command == "check" and case in CHECK_REPORTS:  # the task is reported as a problem, in the same words
        assert result.returncode == 1
        assert result.stderr == ""  # with --json, the JSON says what failed
        (alpha,) = [task for task in json.loads(result.stdout)["tasks"] if task["name"] == "alpha"]
        assert not alpha["ok"], alpha
        problem = next((p for p in alpha["problems"] if all(text in p for text in expected)), alpha["problems"])
    else:
        assert result.returncode == 2, (result.stdout, result.stderr)
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith("flash-new: error: ")
        problem = line.removeprefix("flash-new: error: ")
    for text in expected:
        assert text in problem, problem


@pytest.mark.parametrize(("case", "command"), MATRIX)
def test_a_tampered_answers_file_or_record_is_refused(world, case, command):
    root = tampered(world, case)
    outside = {path.name: path.read_bytes() for path in root.parent.iterdir() if path.is_file()}
    before = tree_snapshot(root)

    result = run(*COMMANDS[command], "--dest", str(root))

    assert not world["marker"].exists(), "a foreign template's command ran"
    assert tree_snapshot(root) == before
    assert {path.name: path.read_bytes() for path in root.parent.iterdir() if path.is_file()} == outside
    assert_refused(result, case, command)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_real_command_line_refuses_a_foreign_template(world, tmp_path, command):
    """The same refusal through the installed entry point, in a subprocess, for every command."""
    root = copy(world, tmp_path, "foreign-template")
    before = tree_snapshot(root)

    result = flash_new(*COMMANDS[command], "--dest", str(root))

    assert not world["marker"].exists()
    assert tree_snapshot(root) == before
    assert_refused(result, "foreign-template", command)


def test_check_and_update_name_the_same_problem(world, tmp_path):
    """The refusal and check's problem are one message, and it says what was found and what was expected."""
    root = tampered(world, "foreign-template")

    refused = run("update", "alpha", "--dest", str(root)).stderr.removeprefix("flash-new: error: ").strip()
    checked = json.loads(run("check", "--json", "--dest", str(root)).stdout)["tasks"][0]["problems"]

    assert checked == [refused]
    assert refused == (
        f"{ANSWERS} points at template {str(world['foreign'])!r} at 'v0.1.0', not flash-new's own template "
        f"{template.SRC_PATH!r} at one of {', '.join(template.available_versions())}: "
        "restore it from git before anything runs it"
    )


def test_plain_copier_with_trust_runs_the_foreign_template(world, tmp_path):
    """What the checks prevent: plain ``copier update --trust`` on the same answers file runs the commands."""
    marker = tmp_path / "plain-copier-marker"
    source = build_foreign_template(tmp_path / "foreign", marker)
    root = tmp_path / "project"
    shutil.copytree(world["project"], root, symlinks=True)
    set_answers(_src_path=str(source), _commit="v0.1.0")(root, world)
    git_commit_all(root, "pull request")

    subprocess.run(
        [sys.executable, "-m", "copier", "update", "--trust", "--defaults", "--answers-file", ANSWERS],
        cwd=root,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )

    assert marker.exists()


def at_version(root: Path, version: str) -> None:
    """Make the task ``alpha`` under ``root`` what ``version`` of the template generated: files and record."""
    from scaffold.names import LATER_ANSWERS
    from scaffold.render import render

    given = yaml.safe_load((root / ANSWERS).read_text())
    rendered = render({k: v for k, v in given.items() if k[0] != "_" and k not in LATER_ANSWERS}, vcs_ref=version)
    record = json.loads((root / RECORD).read_text())
    for path in record["files"]:
        (root / path).unlink()
    for path, data in rendered.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    generated = {path: data for path, data in rendered.files.items() if path != ANSWERS}
    record.update(
        template_version=version,
        files={path: hashlib.sha256(data).hexdigest() for path, data in sorted(generated.items())},
        context=rendered.context,
    )
    (root / RECORD).write_text(json.dumps(record, indent=2) + "\n")


def test_untampered_answers_pass_every_check_and_update_runs_copier(world, tmp_path):
    """The checks refuse nothing flash-new writes: an older version of its own template updates (copier runs),
    and a description with quotes and Jinja is text, not template code."""
    description = 'Score "quoted" {{7*7}} examples'
    root = make_package(tmp_path / "project")
    create_task(root, TaskOptions("alpha", description=description))
    at_version(root, template.available_versions()[0])
    git_commit_all(root, "a task of an older version")

    assert run("check", "--dest", str(root)).returncode == 1  # behind, nothing else
    printed = run("update", "--print-copier-command", "alpha", "--dest", str(root))
    assert printed.returncode == 0 and printed.stdout.startswith("copier update --trust --skip-tasks"), printed
    updated = run("update", "alpha", "--dest", str(root))

    assert updated.returncode == 0, updated.stderr
    answers = yaml.safe_load((root / ANSWERS).read_text())
    assert (answers["_commit"], answers["description"]) == (template.available_versions()[-1], description)
    checked = run("check", "--dest", str(root))
    assert checked.returncode == 0, checked.stdout
    assert not world["marker"].exists()


def test_a_class_name_giving_code_linters_reject_stops_update_before_copier(world, tmp_path):
    """``--model-class Tensor`` is refused once rendered; an answers file saying so is refused before copier runs.

    (With its record the file would be refused sooner, its answer not being the record's: the record is gone.)
    """
    root = copy(world, tmp_path)
    set_answers(model_class="Tensor", _commit=template.available_versions()[0])(root, world)
    (root / RECORD).unlink()
    git_commit_all(root, "pull request")
    before = tree_snapshot(root)

    result = run("update", "alpha", "--dest", str(root))

    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"flash-new: error: {ANSWERS}: model_class 'Tensor' clashes"), line
    assert tree_snapshot(root) == before
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.parametrize("case", NAMES_NO_TEMPLATE)
def test_answers_naming_no_foreign_template_are_listed_and_removed(world, tmp_path, case):
    """Nothing runs on a task whose answers file names no template or a newer flash-new version: it is listed
    (with the version its answers file names) and removed like any other."""
    root = copy(world, tmp_path, case)
    version = yaml.safe_load((root / ANSWERS).read_text()).get("_commit", "?")

    listed = run("list", "--json", "--dest", str(root))
    assert listed.returncode == 0, listed.stderr
    assert [(t["name"], t["version"]) for t in json.loads(listed.stdout)["tasks"]] == [("alpha", version)]
    removed = run("remove", "alpha", "--dest", str(root))
    assert removed.returncode == 0, removed.stderr
    assert not (root / ANSWERS).exists() and not (root / RECORD).exists()
    assert not world["marker"].exists()


def test_the_copier_command_is_printed_only_for_flash_news_own_history(world, tmp_path):
    """Plain copier reads the project's copy of the template history: a copy replaced by a pull request (here by
    a foreign template with the same tags) is refused, one line, exit 2, nothing written; flash-new's own update
    never reads the copy, and writes its own bundle back over it."""
    root = copy(world, tmp_path)
    foreign_bundle = tmp_path / "foreign.bundle"
    git(world["foreign"], "bundle", "create", "-q", str(foreign_bundle), "--all")
    shutil.copyfile(foreign_bundle, root / template.SRC_PATH)
    git_commit_all(root, "pull request")
    before = tree_snapshot(root)

    printed = run("update", "--print-copier-command", "alpha", "--dest", str(root))

    assert printed.returncode == 2 and printed.stdout == "", printed
    (line,) = printed.stderr.splitlines()
    assert line.startswith(f"flash-new: error: {template.SRC_PATH} holds other commits"), line
    assert tree_snapshot(root) == before
    assert not world["marker"].exists()


# ---- the decisions themselves, in-library: which answers name flash-new's template, and why others are refused ----

OWN = {"_src_path": template.SRC_PATH, "_commit": template.available_versions()[0]}
LEGACY = {"_src_path": template.LEGACY_SRC_PATH, "_commit": template.available_versions()[0]}
FOREIGN_ANSWERS = {
    "another source": {**OWN, "_src_path": "https://example.invalid/template.git"},
    "another spelling of the source": {**OWN, "_src_path": "./" + template.SRC_PATH},
    "a source that is no string": {**OWN, "_src_path": [template.SRC_PATH]},
    "a source of None": {**OWN, "_src_path": None},
    "a branch": {**OWN, "_commit": "HEAD"},
    "a tag with a suffix": {**OWN, "_commit": OWN["_commit"] + "~0"},
    "a tag with a prefix": {**OWN, "_commit": "x" + OWN["_commit"]},
    "a tag without its v": {**OWN, "_commit": OWN["_commit"].removeprefix("v")},
    "a tag of two numbers": {**OWN, "_commit": "v1.2"},
    "a tag with a letter": {**OWN, "_commit": "v1.2.x"},
    "a commit that is no string": {**OWN, "_commit": 0.2},
    "a commit of None": {**OWN, "_commit": None},
}
NOT_FOREIGN = {
    "flash-new's source": OWN,
    "flash-new 0.1.0's source": LEGACY,
    "a newer version": {**OWN, "_commit": "v10.20.300"},
    "no version": {"_src_path": template.SRC_PATH},
    "no source": {"_commit": OWN["_commit"]},
    "neither": {},
}


@pytest.mark.parametrize("case", FOREIGN_ANSWERS)
def test_answers_naming_another_template_or_no_version_tag_are_foreign_and_refused(case):
    answers = FOREIGN_ANSWERS[case]
    versions = template.available_versions()

    assert trust.is_foreign(answers)
    problem = trust.source_problem(ANSWERS, answers, versions)
    assert problem == (
        f"{ANSWERS} points at template {answers['_src_path']!r} at {answers['_commit']!r}, not flash-new's own "
        f"template {template.SRC_PATH!r} at one of {', '.join(versions)}: restore it from git before anything runs it"
    )
    with pytest.raises(UntrustedTemplate) as raised:
        trust.check_source(ANSWERS, answers, versions)
    assert str(raised.value) == problem
    assert isinstance(raised.value, UsageError)  # exit code 2


@pytest.mark.parametrize("case", NOT_FOREIGN)
def test_answers_naming_flash_news_template_or_nothing_are_not_foreign(case):
    assert not trust.is_foreign(NOT_FOREIGN[case])


@pytest.mark.parametrize("answers", [OWN, LEGACY], ids=["own", "legacy"])
def test_copier_runs_with_trust_on_flash_news_template_at_each_of_its_versions_only(answers):
    versions = template.available_versions()
    for version in versions:
        at_version = {**answers, "_commit": version}
        assert trust.source_problem(ANSWERS, at_version, versions) is None
        trust.check_source(ANSWERS, at_version, versions)  # does not raise
    newer = {**answers, "_commit": "v10.20.300"}
    assert not trust.is_foreign(newer)  # a newer version asks for an upgrade, it is not foreign...
    with pytest.raises(UntrustedTemplate):  # ...but nothing runs on it with trust
        trust.check_source(ANSWERS, newer, versions)
    with pytest.raises(UntrustedTemplate):  # nor on a version this flash-new was not given
        trust.check_source(ANSWERS, answers, versions[1:] or ("v0.0.0",))
