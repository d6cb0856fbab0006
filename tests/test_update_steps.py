"""The steps of `flash-new update`, called in-process one by one: git and the tree's state, the answers an update
may take, the conflicts it finds, where it runs (in place, a temporary worktree, a throw-away clone), the plain
copier commands, and a few real updates whose every result field is checked.

Small git repositories built here serve the helpers; the real updates reuse the task ``alpha`` of
``tests/test_update.py`` and the next template version of ``tests/template_versions.py``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from copier.errors import InvalidConfigFileError, UserMessageError

from scaffold import copier_internals, template, update
from scaffold.errors import ConflictError, InvalidState, UntrustedTemplate, UsageError
from scaffold.names import TaskOptions
from scaffold.plan import Change
from scaffold.tasks import Task, create_task, digest, find_task
from scaffold.update import (
    Updated,
    _changes,
    _check_render,
    _check_updatable,
    _conflicts,
    _run_copier,
    _scratch_clone,
    _workspace,
    changed_paths,
    check_clean,
    copier_commands,
    raise_for_conflicts,
    reanswer,
    target_version,
    update_task,
    update_tasks,
)
from tests.conftest import git, git_commit_all, make_package, tree_snapshot
from tests.template_versions import ADDED_TEXT, next_version, own_home, vnext_bundle, vnext_release
from tests.test_update import HAND_EDIT, MODEL, answers, committed_alpha, edit, record, repo
from tests.test_versions import bundles, failing_bundles

__all__ = [
    "bundles",
    "committed_alpha",
    "failing_bundles",
    "own_home",
    "repo",
    "vnext_bundle",
    "vnext_release",
]  # fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

CURRENT = "v0.2.0"
NEXT = f"v{next_version()}"
BETA_MODEL = "src/team_tasks/beta/classification/model.py"
INIT = "src/team_tasks/alpha/__init__.py"
DOC_PAGE = "docs/source/reference/alpha_classification.rst"
ALPHA_ANSWERS = {
    "_commit": "v0.2.0",
    "_src_path": ".flash-new/_template.bundle",
    "data_class": "AlphaData",
    "data_type": "alpha",
    "description": "Classify alpha examples from their numeric features.",
    "docs_dir": "docs/source",
    "extras": ["visualization"],
    "inputs": ["numpy", "sklearn"],
    "kind": "classification",
    "line_length": 88,
    "model_class": "AlphaClassifier",
    "package": "team_tasks",
    "package_dir": "src/team_tasks",
    "py_min": "3.11",
    "steps": "super",
    "task_name": "alpha",
    "task_type": "classification",
}
HOW = "run `flash-new remove alpha`, then `flash-new task` with the new answers"


def small_repo(where: Path, files: dict[str, str | bytes]) -> Path:
    """A git repository at ``where`` holding ``files``, committed on ``main``."""
    where.mkdir(parents=True)
    git(where, "init", "-q")
    write(where, files)
    git_commit_all(where, "files")
    return where


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for path, data in files.items():
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            full.write_bytes(data)
        else:
            full.write_text(data)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def branch(root: Path) -> str:
    return git(root, "symbolic-ref", "HEAD").strip()


def worktrees(root: Path) -> list[str]:
    return [line for line in git(root, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def alpha_task(**answers) -> Task:
    return Task("alpha", {**ALPHA_ANSWERS, **answers}, None)


def usage_error(call, *args, **kwargs) -> str:
    """The message of the :class:`UsageError` (exactly that type, exit code 2) ``call`` raises."""
    with pytest.raises(UsageError) as error:
        call(*args, **kwargs)
    assert type(error.value) is UsageError and error.value.exit_code == 2
    return str(error.value)


# ---- git ---------------------------------------------------------------------------------------------------------


def test_git_names_the_command_the_folder_and_the_last_line_of_its_error(tmp_path, monkeypatch):
    root = small_repo(tmp_path / "r", {"a.txt": "a\n"})
    assert usage_error(update.git, root, "show", "nosuch") == (
        f"git show nosuch failed in {root} ('git <command> [<revision>...] -- [<file>...]'): "
        "fix the repository and run again"
    )
    (root / "a.txt").write_text("b\n")
    # a command that fails without a word on stderr: its exit code
    assert usage_error(update.git, root, "diff", "--quiet") == (
        f"git diff --quiet failed in {root} (exit code 1): fix the repository and run again"
    )
    diff = subprocess.run(["git", "-C", str(root), "diff"], capture_output=True, text=True).stdout
    assert diff.endswith("-a\n+b\n")
    assert update.git(root, "diff", "--exit-code", check=False) == diff
    assert update.git(root, "rev-parse", "--verify", "-q", "nosuch", check=False) == ""
    assert update.git(root, "rev-parse", "--show-toplevel") == f"{root}\n"

    # env is added to the process's environment, and wins over it
    monkeypatch.setenv("GIT_AUTHOR_NAME", "From Environ")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Committer Of Environ")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "@1600000000 +0000")
    env = {
        "GIT_AUTHOR_NAME": "Given",
        "GIT_AUTHOR_EMAIL": "given@example.invalid",
        "GIT_AUTHOR_DATE": "@1700000000 +0000",
    }
    assert update.git(root, "var", "GIT_AUTHOR_IDENT", env=env) == "Given <given@example.invalid> 1700000000 +0000\n"
    assert update.git(root, "var", "GIT_COMMITTER_IDENT", env=env) == (
        "Committer Of Environ <test@example.invalid> 1600000000 +0000\n"
    )
    assert os.environ["GIT_AUTHOR_NAME"] == "From Environ"


# ---- the tree's state ----------------------------------------------------------------------------------------------


def test_changed_paths_lists_each_file_once_relative_to_the_root(tmp_path):
    root = small_repo(
        tmp_path / "r",
        {
            "a.txt": "a\n",
            "b.txt": "b\n",
            "c.txt": "c\n",
            "k.txt": "".join(f"line {i}\n" for i in range(20)),
            "d.txt": "top d\n",
            "sub/d.txt": "d\n",
            "sub/r.txt": "r\n",
            "sub/gone.txt": "g\n",
        },
    )
    assert changed_paths(root) == []
    git(root, "config", "status.renames", "copies")
    (root / "a.txt").write_text("a, modified\n")
    (root / "b.txt").unlink()
    git(root, "mv", "c.txt", "e.txt")  # a staged rename: its new path only
    shutil.copyfile(root / "k.txt", root / "k2.txt")  # a staged copy: its new path only
    (root / "k.txt").write_text((root / "k.txt").read_text() + "more\n")
    git(root, "add", "k.txt", "k2.txt")
    (root / "k.txt").write_text((root / "k.txt").read_text() + "and more\n")  # staged and unstaged: once
    write(root, {"new/x.txt": "x\n", "new/y.txt": "y\n", "0first.txt": "0\n"})  # untracked, one by one
    (root / "sub/d.txt").write_text("d, modified\n")
    git(root, "mv", "sub/r.txt", "sub/s.txt")
    (root / "sub/gone.txt").unlink()
    write(root, {"sub/new/z.txt": "z\n"})
    status = git(root, "status", "--porcelain")
    assert "C  k.txt -> k2.txt" in status and "R  c.txt -> e.txt" in status, status

    assert changed_paths(root) == [
        "0first.txt",
        "a.txt",
        "b.txt",
        "e.txt",
        "k.txt",
        "k2.txt",
        "new/x.txt",
        "new/y.txt",
        "sub/d.txt",
        "sub/gone.txt",
        "sub/new/z.txt",
        "sub/s.txt",
    ]
    assert changed_paths(root / "sub") == ["d.txt", "gone.txt", "new/z.txt", "s.txt"]
    assert changed_paths(root / "new") == ["x.txt", "y.txt"]


def test_check_clean_refuses_no_git_no_commit_and_changes_naming_three_at_most(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    message = "is not a git repository with a commit: commit the project to git, then update"
    assert usage_error(check_clean, plain) == f"{plain} {message}"
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    (empty / "a.txt").write_text("a\n")
    assert usage_error(check_clean, empty) == f"{empty} {message}"

    root = small_repo(tmp_path / "r", {"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n"})
    assert check_clean(root) is None
    fix = "commit or stash them, then run the update again"
    (root / "b.txt").write_text("b, modified\n")
    (root / "a.txt").unlink()
    assert usage_error(check_clean, root) == f"the working tree has uncommitted changes (a.txt, b.txt): {fix}"
    (root / "0.txt").write_text("new\n")
    assert usage_error(check_clean, root) == f"the working tree has uncommitted changes (0.txt, a.txt, b.txt): {fix}"
    (root / "c.txt").write_text("c, modified\n")
    assert usage_error(check_clean, root) == (
        f"the working tree has uncommitted changes (0.txt, a.txt, b.txt, ...): {fix}"
    )


# ---- versions and answers ------------------------------------------------------------------------------------------


def test_target_version_is_the_newest_or_the_tag_named_with_or_without_v():
    versions = ("v0.1.0", "v0.2.0", "v0.10.0")
    assert target_version(None, versions) == "v0.10.0"
    assert target_version("0.2.0", versions) == "v0.2.0"
    assert target_version("v0.2.0", versions) == "v0.2.0"
    assert usage_error(target_version, "0.3.0", versions) == (
        "--to '0.3.0' is not a template version: choose one of v0.1.0, v0.2.0, v0.10.0"
    )
    assert usage_error(target_version, "vv0.2.0", versions) == (
        "--to 'vv0.2.0' is not a template version: choose one of v0.1.0, v0.2.0, v0.10.0"
    )


def test_check_updatable_needs_a_source_a_known_version_not_newer_than_the_target_and_trust():
    versions = ("v0.1.0", "v0.2.0")
    assert _check_updatable(alpha_task(), "v0.2.0", versions) is None
    assert _check_updatable(alpha_task(_commit="v0.1.0"), "v0.2.0", versions) is None
    assert _check_updatable(alpha_task(_commit="v0.1.0"), "v0.1.0", versions) is None
    restore = "task 'alpha' has no template source or version in its answers file: restore the file from git"
    for answers_ in (
        {k: v for k, v in ALPHA_ANSWERS.items() if k != "_src_path"},
        {k: v for k, v in ALPHA_ANSWERS.items() if k != "_commit"},
        {**ALPHA_ANSWERS, "_src_path": ""},
        {**ALPHA_ANSWERS, "_commit": ""},
    ):
        assert usage_error(_check_updatable, Task("alpha", answers_, None), "v0.2.0", versions) == restore
    assert usage_error(_check_updatable, alpha_task(_commit="v0.3.0"), "v0.2.0", versions) == (
        "task 'alpha' is at template version v0.3.0, unknown to this flash-new (newest: v0.2.0): upgrade flash-new"
    )
    assert usage_error(_check_updatable, alpha_task(_commit="v0.9.0"), "v0.2.0", (*versions, "v0.3.0")) == (
        "task 'alpha' is at template version v0.9.0, unknown to this flash-new (newest: v0.3.0): upgrade flash-new"
    )
    assert usage_error(_check_updatable, alpha_task(), "v0.1.0", versions) == (
        "task 'alpha' is at v0.2.0, newer than v0.1.0: pass --to v0.2.0 or a later version"
    )
    with pytest.raises(UntrustedTemplate) as error:
        _check_updatable(alpha_task(_src_path="https://example.invalid/t.git"), "v0.2.0", versions)
    assert str(error.value) == (
        ".flash-new/alpha.yml points at template 'https://example.invalid/t.git' at 'v0.2.0', not flash-new's own "
        "template '.flash-new/_template.bundle' at one of v0.1.0, v0.2.0: restore it from git before anything runs it"
    )


def test_answers_whose_code_would_clash_are_refused_naming_the_answers_file_or_the_flag():
    """An answer that passes its flag's rule can still make code that does not work at the target version (here, a
    class named like a name ``model.py`` imports): the render before copier runs refuses it, naming where it came
    from, the task's answers file or the flag given now."""
    clash = "'Tensor' clashes with another name model.py imports or defines: choose another"
    assert usage_error(_check_render, alpha_task(model_class="Tensor"), {}, CURRENT, write_cache=False) == (
        f".flash-new/alpha.yml: model_class {clash}"
    )
    assert usage_error(_check_render, alpha_task(), {"model_class": "Tensor"}, CURRENT, write_cache=False) == (
        f"--model-class {clash}"
    )
    checked = _check_render(alpha_task(), {"model_class": "AlphaScorer"}, CURRENT, write_cache=False)
    assert checked.answers["model_class"] == "AlphaScorer" and checked.rendered.version == CURRENT
    assert b"class AlphaScorer(" in checked.rendered.files[MODEL]


def test_reanswer_refuses_unknown_answers_and_normalises_the_ones_given():
    task = alpha_task()
    assert usage_error(reanswer, task, {"zeta": 1, "py_min": "3.9", "alpha": 2, "model_class": "Beta"}) == (
        "an update cannot answer alpha, py_min, zeta: give only kind, inputs, extras, steps, description, "
        "data_class, model_class"
    )
    assert reanswer(task, {}) == {}
    given = {"model_class": "BetaModel", "description": "Sort alpha examples."}
    assert reanswer(task, given) == given
    assert reanswer(task, {"inputs": ["tensor", "sklearn,numpy", "numpy"]}) == {
        "inputs": ["numpy", "sklearn", "tensor"]
    }
    assert reanswer(task, {"extras": ["cli", "output", "cli"]}) == {"extras": ["output", "cli"]}
    assert reanswer(task, {"steps": "explicit", "kind": "classification"}) == {
        "steps": "explicit",
        "kind": "classification",
    }
    assert usage_error(reanswer, task, {"model_class": "beta"}) == (
        "--model-class 'beta' is not a CamelCase class name: start with a capital letter, use letters and digits"
    )
    assert usage_error(reanswer, task, {"data_class": "AlphaClassifier"}) == (
        "--model-class 'AlphaClassifier' equals --data-class: give the two classes different names"
    )


def test_reanswer_adds_extras_to_the_current_or_the_given_ones():
    task = alpha_task()
    data = {"extras": ["output"]}
    assert reanswer(task, data, ["cli"]) == {"extras": ["output", "cli"]}
    assert data == {"extras": ["output"]}  # the caller's dict is left alone
    assert reanswer(task, {}, ["cli"]) == {"extras": ["visualization", "cli"]}
    assert reanswer(task, {"model_class": "Beta"}, ["cli", "visualization"]) == {
        "model_class": "Beta",
        "extras": ["visualization", "cli"],
    }
    assert reanswer(task, {"extras": []}, ["cli"]) == {"extras": ["cli"]}
    no_extras = Task("alpha", {k: v for k, v in ALPHA_ANSWERS.items() if k != "extras"}, None)
    assert reanswer(no_extras, {}, ["cli"]) == {"extras": ["cli"]}


@pytest.mark.parametrize(
    ("key", "flag"),
    [
        ("task_name", "the task name"),
        ("data_type", "--data-type"),
        ("task_type", "--task-type"),
        ("package", "--package"),
        ("package_dir", "the package folder"),
        ("docs_dir", "the docs folder"),
    ],
)
def test_reanswer_refuses_to_move_the_task_and_accepts_its_place_unchanged(key, flag):
    task = alpha_task()
    assert usage_error(reanswer, task, {key: "renamed", "model_class": "Beta"}) == (
        f"an update cannot change {key} of task 'alpha' ({flag} 'renamed'; its files would move): {HOW}"
    )
    assert reanswer(task, {key: ALPHA_ANSWERS[key], "model_class": "Beta"}) == {
        key: ALPHA_ANSWERS[key],
        "model_class": "Beta",
    }


def test_reanswer_changes_kind_only_where_the_task_type_does_not_follow_it():
    follows = "follows its kind and would move to"
    assert usage_error(reanswer, alpha_task(), {"kind": "regression"}) == (
        "an update cannot change kind of task 'alpha' to 'regression': its task type 'classification' "
        f"{follows} 'regression'; {HOW}"
    )
    assert usage_error(reanswer, alpha_task(kind="task", task_type="custom"), {"kind": "classification"}) == (
        f"an update cannot change kind of task 'alpha' to 'classification': its task type 'custom' {follows} "
        f"'classification'; {HOW}"
    )
    assert reanswer(alpha_task(task_type="detector"), {"kind": "regression"}) == {"kind": "regression"}
    assert reanswer(alpha_task(task_type="custom"), {"kind": "task"}) == {"kind": "task"}
    assert reanswer(alpha_task(kind="regression", task_type="classification"), {"kind": "classification"}) == {
        "kind": "classification"
    }


# ---- conflicts and changes -----------------------------------------------------------------------------------------

MARKED = "top\n<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n"


def unmerged_repo(where: Path) -> Path:
    """A repository left in a merge that conflicts on ``m.txt`` and ``sub/u.txt``."""
    root = small_repo(where, {"m.txt": "base\n", "sub/u.txt": "base\n", "clean.txt": "c\n", "gone.txt": "g\n"})
    git(root, "checkout", "-q", "-b", "other")
    write(root, {"m.txt": "other\n", "sub/u.txt": "other\n"})
    git_commit_all(root, "other")
    git(root, "checkout", "-q", "main")
    write(root, {"m.txt": "main\n", "sub/u.txt": "main\n"})
    git_commit_all(root, "main")
    merged = subprocess.run(["git", "-C", str(root), "merge", "-q", "other"], capture_output=True)
    assert merged.returncode == 1
    return root


def test_conflicts_are_rej_files_marked_files_and_unmerged_paths_sorted(tmp_path):
    root = unmerged_repo(tmp_path / "r")
    (root / "m.txt").write_text("resolved, not added\n")  # no markers left: unmerged all the same
    write(root, {"a.py.rej": "@@ -1 +1 @@\n", "b.txt": MARKED, "clean.txt": "c, changed\n", "sub/n.txt": MARKED})
    write(root, {"lookalike.txt": "<<<<<<<< eight\n>>>>>>>x\n"})
    (root / "gone.txt").unlink()
    changed = ["a.py.rej", "b.txt", "clean.txt", "gone.txt", "lookalike.txt", "missing.rej", "sub/n.txt"]
    assert _conflicts(root, changed) == ["a.py.rej", "b.txt", "m.txt", "missing.rej", "sub/n.txt", "sub/u.txt"]
    assert _conflicts(root / "sub", ["n.txt"]) == ["n.txt", "u.txt"]
    clean = small_repo(tmp_path / "clean", {"a.txt": "a\n"})
    (clean / "a.txt").write_text("a, changed\n")
    assert _conflicts(clean, ["a.txt"]) == []


def test_changes_hold_each_files_bytes_at_head_and_now(tmp_path):
    root = small_repo(
        tmp_path / "r", {"a.txt": "a\n", "b.txt": "b\n", "m.txt": "m\n", "d.txt": "top d\n", "sub/d.txt": "d\n"}
    )
    write(root, {"a.txt": "a2\n", "c.txt": "c\n", "m.txt": MARKED, "n.txt": MARKED, "sub/d.txt": "d2\n"})
    (root / "b.txt").unlink()
    changed = ["a.txt", "b.txt", "c.txt", "m.txt", "n.txt"]
    assert _changes(root, changed, ["m.txt", "n.txt"]) == [
        Change("a.txt", "modify", b"a\n", b"a2\n"),
        Change("b.txt", "delete", b"b\n", None),
        Change("c.txt", "create", None, b"c\n"),
        Change("m.txt", "conflict", b"m\n", MARKED.encode()),
        Change("n.txt", "conflict", None, MARKED.encode()),
    ]
    assert _changes(root / "sub", ["d.txt"], []) == [Change("d.txt", "modify", b"d\n", b"d2\n")]
    assert _changes(root, [], []) == []


def test_raise_for_conflicts_names_every_file_of_every_task():
    assert raise_for_conflicts([]) is None
    assert raise_for_conflicts([Updated("alpha", "v0.1.0", "v0.2.0", changed=["a.py"])]) is None
    results = [
        Updated("alpha", "v0.1.0", "v0.2.0", conflicts=["a.py", "b.py.rej"]),
        Updated("beta", "v0.1.0", "v0.2.0"),
        Updated("gamma", "v0.1.0", "v0.2.0", conflicts=["c.py"]),
    ]
    with pytest.raises(ConflictError) as error:
        raise_for_conflicts(results)
    assert error.value.exit_code == 1
    assert str(error.value) == (
        "the update left conflicts in a.py, b.py.rej, c.py: merge each '<<<<<<< before updating' / "
        "'>>>>>>> after updating' block (or the .rej file) by hand, then commit"
    )


def test_updated_to_json_has_changes_only_for_a_preview():
    result = Updated("alpha", "v0.1.0", "v0.2.0", ["a.py"], ["b.py"], ["c.py"], ["d.py"])
    fields = {
        "name": "alpha",
        "old_version": "v0.1.0",
        "new_version": "v0.2.0",
        "changed": ["a.py"],
        "conflicts": ["b.py"],
        "reregistered": ["c.py"],
        "removed_edited": ["d.py"],
    }
    assert result.to_json() == fields
    assert Updated("alpha", "v0.1.0", "v0.2.0").to_json() == {
        **fields,
        "changed": [],
        "conflicts": [],
        "reregistered": [],
        "removed_edited": [],
    }
    assert replace(result, preview=[]).to_json() == {**fields, "changes": []}
    preview = [Change("a.py", "modify", b"x\n", b"y\n"), Change("n.py", "create", None, b"n\n")]
    assert replace(result, preview=preview).to_json() == {
        **fields,
        "changes": [
            {"path": "a.py", "action": "modify", "diff": "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x\n+y\n"},
            {"path": "n.py", "action": "create", "diff": "--- a/n.py\n+++ b/n.py\n@@ -0,0 +1 @@\n+n\n"},
        ],
    }


# ---- where an update runs ------------------------------------------------------------------------------------------


def test_one_task_runs_in_place_and_a_failure_restores_head(tmp_path):
    root = small_repo(tmp_path / "r", {"a.txt": "a\n", "b.txt": "b\n", "sub/c.txt": "c\n"})
    before, commit = tree_snapshot(root), head(root)
    with _workspace(root, 1) as (where, snapshot):
        assert where == root
        assert snapshot() is None
        (root / "a.txt").write_text("kept\n")
    assert (root / "a.txt").read_text() == "kept\n" and changed_paths(root) == ["a.txt"]
    git(root, "checkout", "-q", "--", "a.txt")

    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)), _workspace(root, 1):
            write(root, {"committed.txt": "c\n"})
            git_commit_all(root, "moved on")
            (root / "a.txt").write_text("changed\n")
            (root / "b.txt").unlink()
            write(root, {"new/x.txt": "x\n", "staged.txt": "s\n", "sub/new.txt": "n\n", "sub/deep/y.txt": "y\n"})
            git(root, "add", "staged.txt")
            raise error
        assert tree_snapshot(root) == before
        assert head(root) == commit and branch(root) == "refs/heads/main" and git(root, "status", "--porcelain") == ""


def hostile_repo(where: Path) -> Path:
    """A repository whose hooks fail, whose commits must be signed by a failing gpg, whose diffs go through an
    external command and a text conversion: a snapshot commit and its patch must do without them all."""
    root = small_repo(
        where,
        {
            "a.txt": "a\n",
            "b.txt": "b\n",
            "c.conv": "abc\n",
            "sub/d.txt": "d\n",
            "bin.dat": b"\0\1\2",
            ".gitattributes": "*.conv diff=upper\n",
        },
    )
    for hook in ("pre-commit", "prepare-commit-msg", "commit-msg", "post-checkout", "post-commit"):
        path = root / ".git" / "hooks" / hook
        path.write_text("#!/bin/sh\nexit 1\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    git(root, "config", "commit.gpgsign", "true")
    git(root, "config", "gpg.program", "false")
    git(root, "config", "diff.external", "true")
    git(root, "config", "diff.upper.textconv", "tr a-z A-Z")
    return root


def test_several_tasks_run_in_a_temporary_worktree_whose_changes_land_uncommitted(tmp_path):
    root = hostile_repo(tmp_path / "r")
    commit = head(root)
    with _workspace(root, 2) as (where, snapshot):
        scratch = where.parent
        assert where.name == "tree" and scratch.name.startswith("flash-new-update-")
        assert scratch.parent == Path(tempfile.gettempdir())
        assert head(where) == commit and git(where, "status", "--porcelain") == ""
        assert len(worktrees(root)) == 2
        write(where, {"a.txt": "a2\n", "c.conv": "abd\n", "bin.dat": b"\0\3", "new/x.txt": "x\n"})
        (where / "b.txt").unlink()
        snapshot()
        assert git(where, "log", "-1", "--format=%an|%ae|%cn|%ce|%s|%P") == (
            f"flash-new|flash-new@users.noreply.invalid|flash-new|flash-new@users.noreply.invalid|flash-new|{commit}\n"
        )
        assert git(where, "status", "--porcelain") == ""
        snapshot()  # nothing changed since: an empty commit
        write(where, {"sub/d.txt": "d2\n"})
        assert changed_paths(root) == []
    assert not scratch.exists()
    assert worktrees(root) == [f"worktree {root}"]
    assert head(root) == commit and branch(root) == "refs/heads/main"
    assert git(root, "diff", "--cached", "--name-only") == ""
    assert changed_paths(root) == ["a.txt", "b.txt", "bin.dat", "c.conv", "new/x.txt", "sub/d.txt"]
    assert (root / "a.txt").read_text() == "a2\n" and (root / "c.conv").read_text() == "abd\n"
    assert (root / "bin.dat").read_bytes() == b"\0\3" and (root / "new/x.txt").read_text() == "x\n"
    assert (root / "sub/d.txt").read_text() == "d2\n" and not (root / "b.txt").exists()

    # nothing changed: nothing applied
    git_commit_all_hooked(root)
    before = tree_snapshot(root)
    with _workspace(root, 3) as (where, snapshot):
        snapshot()
    assert tree_snapshot(root) == before and worktrees(root) == [f"worktree {root}"]


def git_commit_all_hooked(root: Path) -> None:
    """Commit everything in ``root`` past its failing hooks and gpg."""
    git(root, "add", "-A")
    git(root, "-c", f"core.hooksPath={os.devnull}", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "commit")


def test_a_worktree_in_a_subfolder_and_a_patch_that_no_longer_applies(tmp_path):
    root = small_repo(tmp_path / "r", {"a.txt": "a\n", "sub/d.txt": "d\n", "sub/e.txt": "e\n"})
    commit = head(root)
    with _workspace(root / "sub", 2) as (where, _):
        assert where.name == "sub" and where.parent.name == "tree"
        assert (where / "d.txt").read_text() == "d\n"
        write(where, {"d.txt": "d2\n", "f.txt": "f\n"})
    assert changed_paths(root) == ["sub/d.txt", "sub/f.txt"]
    git_commit_all(root, "sub")
    commit = head(root)

    with pytest.raises(UsageError) as error, _workspace(root / "sub", 2) as (where, _):
        write(where, {"d.txt": "d3\n", "g.txt": "g\n"})
        (root / "sub/d.txt").write_text("mine\n")  # the user's tree changed meanwhile
        before = tree_snapshot(root)
        scratch = where.parent.parent
    assert str(error.value) == (
        f"the updates could not be applied to {root} (error: sub/d.txt: patch does not apply): nothing was changed; "
        "commit or stash your changes, then run the update again"
    )
    assert tree_snapshot(root) == before and not scratch.exists() and worktrees(root) == [f"worktree {root}"]
    assert head(root) == commit and branch(root) == "refs/heads/main"

    git(root, "checkout", "-q", "--", ".")
    with pytest.raises(RuntimeError), _workspace(root, 2) as (where, _):
        write(where, {"a.txt": "lost\n"})
        raise RuntimeError("boom")
    assert changed_paths(root) == [] and worktrees(root) == [f"worktree {root}"]


def test_a_scratch_clone_is_the_head_of_the_repository_and_goes_away(tmp_path):
    root = small_repo(tmp_path / "r", {"a.txt": "a\n", "sub/d.txt": "d\n"})
    write(root, {"sub/d.txt": "d2\n"})
    git_commit_all(root, "second")
    commit = head(root)
    write(root, {"a.txt": "uncommitted\n", "new.txt": "n\n"})
    before, refs = tree_snapshot(root), git(root, "for-each-ref")
    with _scratch_clone(root / "sub") as copy:
        clone = copy.parent
        assert copy.name == "sub" and clone.name == "repository"
        assert clone.parent.name.startswith("flash-new-preview-") and clone.parent.parent == Path(tempfile.gettempdir())
        assert tree_snapshot(clone) == {"a.txt": b"a\n", "sub": b"<dir>", "sub/d.txt": b"d2\n"}
        assert head(copy) == commit
        assert subprocess.run(["git", "-C", str(copy), "symbolic-ref", "-q", "HEAD"]).returncode == 1  # detached
        assert (clone / ".git/objects/info/alternates").read_text() == f"{root}/.git/objects\n"
        write(copy, {"d.txt": "scratch\n"})
    assert not clone.parent.exists()
    assert tree_snapshot(root) == before and git(root, "for-each-ref") == refs and head(root) == commit
    with _scratch_clone(root) as copy:
        assert copy.name == "repository" and (copy / "sub/d.txt").read_text() == "d2\n"


# ---- the plain copier commands -------------------------------------------------------------------------------------


def test_copier_commands_for_one_task_all_tasks_and_a_version(repo, vnext_release, monkeypatch, own_home):
    options = "--trust --skip-tasks --defaults --conflict inline --vcs-ref"
    root = repo.resolve()
    assert copier_commands(repo, ["alpha", "alpha"]) == [
        f"copier update {options} {CURRENT} --answers-file .flash-new/alpha.yml {root}"
    ]
    assert list(own_home.iterdir()) == []  # nothing written, not even a cache
    create_task(repo, TaskOptions("beta"))
    git_commit_all(repo, "add beta")
    vnext_release.use(monkeypatch)
    with pytest.raises(UntrustedTemplate) as error:
        copier_commands(repo, all_tasks=True)
    assert str(error.value) == (
        f".flash-new/_template.bundle lacks {NEXT}: run `flash-new update --all` (or restore it from git)"
    )
    shutil.copyfile(vnext_release.bundle, repo / template.SRC_PATH)
    assert copier_commands(repo, all_tasks=True) == [
        f"copier update {options} {NEXT} --answers-file .flash-new/{name}.yml {root}" for name in ("alpha", "beta")
    ]
    assert copier_commands(repo, ["beta"], to="0.2.0") == [
        f"copier update {options} {CURRENT} --answers-file .flash-new/beta.yml {root}"
    ]
    (repo / template.SRC_PATH).write_bytes(b"not a bundle\n")
    with pytest.raises(UntrustedTemplate) as error:
        copier_commands(repo, ["alpha"], to=f"v{next_version()}")
    assert str(error.value) == (
        ".flash-new/_template.bundle is not a git bundle: run `flash-new update --all` (or restore it from git)"
    )
    assert usage_error(copier_commands, repo, ["alpha"], all_tasks=True) == (
        "name the tasks to update, or pass --all (not both)"
    )


# ---- real updates --------------------------------------------------------------------------------------------------


def test_an_update_brings_the_change_keeps_the_edit_and_then_only_puts_back_registrations(
    repo, vnext_release, monkeypatch
):
    edit(repo, MODEL, None, HAND_EDIT)
    vnext_release.use(monkeypatch)
    commit, old_files = head(repo), record(repo)["files"]

    result = update_task(repo, "alpha")

    assert result == Updated(
        "alpha",
        CURRENT,
        NEXT,
        changed=[".flash-new/_template.bundle", ".flash-new/alpha.json", ".flash-new/alpha.yml", MODEL],
    )
    assert answers(repo)["_commit"] == NEXT and answers(repo)["_src_path"] == ".flash-new/_template.bundle"
    assert record(repo)["template_version"] == NEXT
    assert (repo / template.SRC_PATH).read_bytes() == vnext_release.bundle.read_bytes()
    text = (repo / MODEL).read_text()
    assert ADDED_TEXT in text and text.endswith(HAND_EDIT)
    # the record holds the digests of a pure render: the model's without the hand edit, the others as they were
    files = record(repo)["files"]
    assert files == {**old_files, MODEL: digest(text.removesuffix(HAND_EDIT).encode())}
    assert files[MODEL] != old_files[MODEL]
    assert head(repo) == commit and branch(repo) == "refs/heads/main"

    git_commit_all(repo, "update")
    (repo / INIT).write_text("")
    git_commit_all(repo, "drop the import")
    recorded = record(repo)
    result = update_task(repo, "alpha")
    assert result == Updated("alpha", NEXT, NEXT, changed=[".flash-new/alpha.json", INIT], reregistered=[INIT])
    assert (repo / INIT).read_text() == (
        "from team_tasks.alpha.classification import AlphaClassifier, AlphaData  # noqa: F401\n"
    )
    # the record's registration of the import: the file was there (empty) when it was put back
    (export,) = [r for r in recorded["registrations"] if r["op"] == "package-export" and r["file"] == INIT]
    assert export["created"] is True
    export["created"] = False
    assert record(repo) == recorded

    git_commit_all(repo, "put back")
    before = tree_snapshot(repo)
    assert update_task(repo, "alpha") == Updated("alpha", NEXT, NEXT)
    assert tree_snapshot(repo) == before

    # new answers at the same version: copier renders them and merges the edit
    result = update_task(repo, "alpha", data={"description": "Sort alpha examples by their features."})
    changed = [".flash-new/alpha.json", ".flash-new/alpha.yml", "CHANGELOG.md", DOC_PAGE, MODEL]
    assert result == Updated("alpha", NEXT, NEXT, changed=changed, reregistered=["CHANGELOG.md"])
    assert (
        "- Added the `AlphaClassifier` task: Sort alpha examples by their features.\n"
        in (repo / "CHANGELOG.md").read_text()
    )
    assert answers(repo)["description"] == "Sort alpha examples by their features."
    assert (repo / MODEL).read_text().endswith(HAND_EDIT)


def test_the_render_that_checked_the_answers_makes_the_record_unless_copier_changed_them(
    repo, vnext_release, monkeypatch
):
    from scaffold import render as rendering

    renders, caches = [], []
    real = rendering.render

    def spy(answers, **kwargs):
        renders.append((kwargs.get("vcs_ref"), dict(answers)))
        caches.append(kwargs.get("write_cache", "not given"))
        return real(answers, **kwargs)

    monkeypatch.setattr(rendering, "render", spy)
    vnext_release.use(monkeypatch)
    update_task(repo, "alpha")
    # the current version, to check the record; the new one, before copier runs: no third render
    assert [version for version, _ in renders] == [CURRENT, NEXT]
    fresh = real(renders[-1][1], vcs_ref=NEXT)
    assert record(repo)["files"] == {
        path: digest(data) for path, data in fresh.files.items() if path != ".flash-new/alpha.yml"
    }
    assert record(repo)["context"] == fresh.context

    # answers copier wrote that are not the ones checked: the record is rendered from copier's
    git_commit_all(repo, "update")
    renders.clear()
    task = find_task(repo, "alpha")
    checked = update._check_render(task, {}, NEXT)
    assert checked.answers == {key: value for key, value in answers(repo).items() if not key.startswith("_")}
    changed = update.Checked({**checked.answers, "description": "Not what copier wrote."}, checked.rendered)
    caches.clear()
    update._update_one(repo, task, NEXT, {"description": "Sort alpha examples."}, changed, write_cache=False)
    assert [version for version, _ in renders] == [NEXT, NEXT]
    assert caches == [False]  # as a dry run asks: the record's render writes no template cache either
    assert record(repo)["context"]["description"] == "Sort alpha examples."


def test_a_colliding_edit_is_a_conflict_reported_in_the_result(repo, vnext_release, monkeypatch):
    edit(repo, MODEL, 'head."""', 'head, tuned by hand."""')
    vnext_release.use(monkeypatch)

    result = update_task(repo, "alpha")

    changed = [".flash-new/_template.bundle", ".flash-new/alpha.json", ".flash-new/alpha.yml", MODEL]
    assert result == Updated("alpha", CURRENT, NEXT, changed=changed, conflicts=[MODEL])
    text = (repo / MODEL).read_text()
    assert "<<<<<<< before updating" in text and "head, tuned by hand." in text and ADDED_TEXT in text
    with pytest.raises(ConflictError) as error:
        raise_for_conflicts([result])
    assert str(error.value) == (
        f"the update left conflicts in {MODEL}: merge each '<<<<<<< before updating' / "
        "'>>>>>>> after updating' block (or the .rej file) by hand, then commit"
    )


def test_all_tasks_previewed_then_updated_in_a_worktree_head_and_index_unmoved(
    repo, vnext_release, monkeypatch, own_home
):
    create_task(repo, TaskOptions("beta"))
    git_commit_all(repo, "add beta")
    edit(repo, BETA_MODEL, None, HAND_EDIT)
    vnext_release.use(monkeypatch)
    for names, all_tasks in ((["alpha"], True), ([], False)):
        assert usage_error(update_tasks, repo, names, all_tasks=all_tasks) == (
            "name the tasks to update, or pass --all (not both)"
        )
    one = "answers re-answer one task: name a single task to give them to"
    assert usage_error(update_tasks, repo, all_tasks=True, data={"description": "Other words."}) == one
    assert usage_error(update_tasks, repo, ["alpha", "beta"], add_extras=["cli"]) == one
    commit, before = head(repo), tree_snapshot(repo)
    shutil.rmtree(own_home / ".cache")  # the compiled templates create_task wrote: a preview writes none
    home = tree_snapshot(own_home)

    previews = update_tasks(repo, all_tasks=True, dry_run=True)

    assert tree_snapshot(repo) == before and head(repo) == commit and worktrees(repo) == [f"worktree {repo}"]
    assert tree_snapshot(own_home) == home  # nothing written anywhere, not even a cache
    alpha_paths = [".flash-new/_template.bundle", ".flash-new/alpha.json", ".flash-new/alpha.yml", MODEL]
    beta_paths = [".flash-new/beta.json", ".flash-new/beta.yml", BETA_MODEL]
    assert [(r.name, r.old_version, r.new_version, r.changed, r.conflicts) for r in previews] == [
        ("alpha", CURRENT, NEXT, alpha_paths, []),
        ("beta", CURRENT, NEXT, beta_paths, []),
    ]
    assert [[(c.path, c.action) for c in r.preview] for r in previews] == [
        [(path, "modify") for path in alpha_paths],
        [(path, "modify") for path in beta_paths],
    ]
    model = previews[1].preview[2]
    assert model.before == before[BETA_MODEL]
    assert ADDED_TEXT in model.after.decode() and model.after.decode().endswith(HAND_EDIT)
    assert previews[0].preview[0].after == vnext_release.bundle.read_bytes()

    results = update_tasks(repo, all_tasks=True)

    assert results == [replace(preview, preview=None) for preview in previews]
    assert head(repo) == commit and branch(repo) == "refs/heads/main" and worktrees(repo) == [f"worktree {repo}"]
    assert git(repo, "diff", "--cached", "--name-only") == ""
    assert changed_paths(repo) == sorted(alpha_paths + beta_paths)
    assert (repo / BETA_MODEL).read_bytes() == model.after
    assert answers(repo, "beta")["_commit"] == answers(repo)["_commit"] == NEXT


@pytest.mark.parametrize("failure", ["migration", "invalid"])
def test_an_update_copier_cannot_carry_out_changes_nothing(repo, failing_bundles, failure, monkeypatch, capsys):
    monkeypatch.setattr(template, "PACKAGED_BUNDLE", failing_bundles[failure])
    before, commit = tree_snapshot(repo), head(repo)
    capsys.readouterr()
    fix = "nothing was changed; choose another version with --to, or fix the template"
    assert (
        usage_error(update_task, repo, "alpha")
        == {
            "migration": "copier could not update .flash-new/alpha.yml to v0.9.0 "
            f"(Command 'exit 3' returned non-zero exit status 3.): {fix}",
            "invalid": "task 'alpha' cannot be rendered at v0.9.0 (the template's copier.yml at v0.9.0 is not valid: "
            f"choose another version, or fix the template): {fix}",
        }[failure]
    )
    assert tree_snapshot(repo) == before and head(repo) == commit and git(repo, "status", "--porcelain") == ""
    assert capsys.readouterr() == ("", "")  # what copier prints of its error is in the one line above, not around it


def test_an_update_to_a_named_version_stops_there_though_a_newer_one_exists(repo, bundles, monkeypatch):
    monkeypatch.setattr(template, "PACKAGED_BUNDLE", bundles["tens"])  # v0.9.0, then v0.10.0
    preview = update_task(repo, "alpha", to="0.9.0", dry_run=True)
    assert (preview.old_version, preview.new_version) == (CURRENT, "v0.9.0")
    change = {c.path: c for c in preview.preview}[".flash-new/alpha.yml"]
    assert b"_commit: v0.9.0\n" in change.after and answers(repo)["_commit"] == CURRENT
    result = update_task(repo, "alpha", to="0.9.0")
    assert (result.old_version, result.new_version) == (CURRENT, "v0.9.0")
    assert answers(repo)["_commit"] == "v0.9.0" and record(repo)["template_version"] == "v0.9.0"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            lambda: InvalidConfigFileError(Path("copier.yml"), quiet=False),
            "the template's copier.yml at v0.2.0 is not valid",
        ),
        (
            lambda: UserMessageError("Migration failed\nCommand 'exit 3' returned non-zero exit status 3."),
            "Command 'exit 3' returned non-zero exit status 3.",
        ),
        (lambda: UserMessageError("  "), "UserMessageError"),
    ],
    ids=["invalid copier.yml", "last line", "no words"],
)
def test_copiers_error_is_one_line_naming_what_failed_and_nothing_else_is_printed(
    repo, monkeypatch, capsys, error, reason
):
    """Copier's own errors, as copier raises them (one prints itself to stderr as it is made): the update's line
    says the last line of copier's message, what it means, or the error's type where copier gives no words."""

    def fail(*args, **kwargs):
        raise error()

    monkeypatch.setattr(copier_internals, "update_from", fail)
    before = tree_snapshot(repo)
    capsys.readouterr()
    assert usage_error(_run_copier, repo, "alpha", CURRENT, {}, commit="v0.1.0") == (
        f"copier could not update .flash-new/alpha.yml to {CURRENT} ({reason}): nothing was changed; "
        "choose another version with --to, or fix the template"
    )
    assert capsys.readouterr() == ("", "")
    assert tree_snapshot(repo) == before


def test_the_answers_file_is_checked_again_as_copier_is_about_to_read_it(repo):
    """Checked when the update starts, the answers file is checked again just before copier reads it (a migration
    of a task updated before could have changed it): a version this flash-new does not ship stops there, naming the
    file, before copier runs anything with trust."""
    path = repo / ".flash-new/alpha.yml"
    path.write_text(path.read_text().replace(f"_commit: {CURRENT}\n", "_commit: v9.9.9\n"))
    before = tree_snapshot(repo)
    with pytest.raises(UntrustedTemplate) as error:
        _run_copier(repo, "alpha", CURRENT, {}, commit="v0.1.0")
    assert error.value.exit_code == 2
    assert str(error.value) == (
        f".flash-new/alpha.yml points at template {template.SRC_PATH!r} at 'v9.9.9', not flash-new's own template "
        f"{template.SRC_PATH!r} at one of v0.1.0, {CURRENT}: restore it from git before anything runs it"
    )
    assert tree_snapshot(repo) == before


def test_what_an_update_refuses_before_it_starts(repo, tmp_path, own_home):
    root = repo.resolve()
    before = tree_snapshot(repo)
    assert usage_error(update_task, repo, "alpha", to="0.1.0") == (
        "task 'alpha' is at v0.2.0, newer than v0.1.0: pass --to v0.2.0 or a later version"
    )
    assert usage_error(update_task, repo, "nosuch") == (
        f"task 'nosuch' is not in {root} (no .flash-new/nosuch.yml): check the name with `flash-new list`"
    )
    assert usage_error(update_task, repo, "alpha", data={"task_type": "regressor"}) == (
        "an update cannot change task_type of task 'alpha' (--task-type 'regressor'; its files would move): " + HOW
    )
    assert usage_error(update_task, repo, "alpha", data={"model_class": "Tensor"}) == (
        "--model-class 'Tensor' clashes with another name model.py imports or defines: choose another"
    )
    assert usage_error(update_task, repo, "alpha", add_extras=["nosuch"]) == (
        "--extras 'nosuch' is not one of input-transform-module, output, visualization, output-transform, cli: "
        "choose from these"
    )
    recorded = (repo / ".flash-new/alpha.json").read_text()
    (repo / ".flash-new/alpha.json").write_text(recorded.replace('"files": {', '"files": {"nosuch.py": "00", ', 1))
    with pytest.raises(InvalidState) as error:  # the record is checked before anything runs
        update_task(repo, "alpha")
    assert str(error.value) == (
        ".flash-new/alpha.json lists 'nosuch.py', which the task does not generate: restore it from git"
    )
    (repo / ".flash-new/alpha.json").write_text(recorded)
    (repo / "notes.txt").write_text("draft\n")
    assert usage_error(update_task, repo, "alpha") == (
        "the working tree has uncommitted changes (notes.txt): commit or stash them, then run the update again"
    )
    (repo / "notes.txt").unlink()
    (repo / ".flash-new/_journal.json").write_text("{}")
    assert usage_error(update_tasks, repo, all_tasks=True) == (
        f"an earlier flash-new run in {root} was interrupted before it finished (.flash-new/_journal.json is still "
        "there): run `flash-new rollback` to restore the tree, then run again"
    )
    (repo / ".flash-new/_journal.json").unlink()
    assert tree_snapshot(repo) == before

    empty = small_repo(tmp_path / "empty", {"src/team_tasks/__init__.py": ""})
    assert (
        usage_error(update_tasks, empty, all_tasks=True)
        == f"{empty.resolve()} has no flash-new tasks: nothing to update"
    )


def test_a_task_at_the_newest_version_naming_the_earlier_template_source_names_the_projects_copy(repo):
    # flash-new 0.1.0 recorded its bundle in the home folder: a refresh writes the project's copy in its place
    answers_file = repo / ".flash-new/alpha.yml"
    written = answers_file.read_text()
    own = f"_src_path: {template.SRC_PATH}\n"
    assert written.count(own) == 1
    answers_file.write_text(written.replace(own, f"_src_path: {template.LEGACY_SRC_PATH}\n"))
    git_commit_all(repo, "an answers file of flash-new 0.1.0")

    assert update_task(repo, "alpha") == Updated("alpha", CURRENT, CURRENT, changed=[".flash-new/alpha.yml"])
    assert answers_file.read_text() == written


def test_a_task_in_one_of_several_packages_is_updated_in_the_package_its_answers_name(tmp_path, own_home):
    root = make_package(tmp_path / "team-project")
    (root / "src/other_tasks").mkdir()
    (root / "src/other_tasks/__init__.py").write_text('"""Another package."""\n')
    git_commit_all(root, "two packages")
    create_task(root, TaskOptions("alpha"), package="team_tasks")
    git_commit_all(root, "add alpha")
    index = root / "docs/source/index.rst"
    registered = index.read_text()
    entry = "   reference/alpha_classification\n"
    assert registered.count(entry) == 1
    index.write_text(registered.replace(entry, ""))  # the contributor's mistake: the entry is gone
    git_commit_all(root, "lose the docs entry")

    result = update_task(root, "alpha")  # no --package: the answers file names it

    assert result.reregistered == ["docs/source/index.rst"] and index.read_text() == registered


def test_an_update_makes_the_record_a_task_at_the_newest_version_lacks(repo):
    """A task whose record is gone (a flash-new before records, or deleted) is updated through copier even at the
    newest version, and gets a record again: the files generation wrote, and its registrations as found in place
    (not as made by flash-new, which cannot be known any more: ``remove`` leaves them)."""
    path = repo / ".flash-new/alpha.json"
    written = record(repo)
    path.unlink()
    git_commit_all(repo, "no record")

    result = update_task(repo, "alpha")

    assert (result.old_version, result.new_version, result.conflicts) == (CURRENT, CURRENT, [])
    made = record(repo)
    assert made["template_version"] == CURRENT and made["files"] == written["files"]
    found = [{**r, "inserted": False, "created": False} for r in written["registrations"]]
    assert made["registrations"] == found


def test_an_update_that_deletes_a_file_the_contributor_edited_says_so(repo):
    cli = "src/team_tasks/alpha/classification/cli.py"
    assert update_task(repo, "alpha", add_extras=["cli"]).conflicts == []
    edit(repo, cli, None, HAND_EDIT)
    git_commit_all(repo, "cli, edited")

    result = update_task(repo, "alpha", data={"extras": ["visualization"]})  # the cli extra dropped

    assert not (repo / cli).exists() and result.removed_edited == [cli]
