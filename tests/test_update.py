"""Updating generated tasks: copier's own update on tagged versions, then `flash-new update` on real tasks.

The scenario of every test: generate, commit, edit by hand, publish a new template version, update, and
check that the edit survived and the template's change arrived.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import copier
import pytest
import yaml

from maintainer import release
from scaffold import __version__, template
from scaffold.errors import ConflictError, UsageError
from scaffold.names import TaskOptions
from scaffold.render import render
from scaffold.tasks import create_task, digest, plan_remove
from scaffold.update import IDENTITY, update_task
from tests.conftest import flash_new, git, git_commit_all, isolation, make_package, run_pytest, tree_snapshot
from tests.template_versions import (
    ADDED_TEXT,
    build_version,
    next_version,
    own_home,
    vnext_bundle,
    vnext_release,
)
from tests.test_generate import assert_all_passed

__all__ = ["own_home", "vnext_bundle", "vnext_release"]  # fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")

ANSWERS = {"{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers | to_nice_yaml }}"}
CONFIG = "_answers_file: .answers/{{ name }}.yml\nname:\n  type: str\n  default: demo\n"
LINES = "".join(f"line {i}\n" for i in range(1, 21))
MODEL = "src/team_tasks/alpha/classification/model.py"
DATA = "src/team_tasks/alpha/classification/data.py"
HAND_EDIT = "\n\n# Tuned by hand: keep the head small for the sensor data.\n"


def copier_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "copier", *args], cwd=root, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


def render_v1(template_repo: Path, dest: Path) -> Path:
    dest.mkdir()
    git(dest, "init", "-q")
    copier.run_copy(str(template_repo), str(dest), data={"name": "demo"}, vcs_ref="v1", defaults=True, quiet=True)
    git_commit_all(dest, "generated from v1")
    return dest


# ---- copier on a template built from a dict ---------------------------------------------------------------


def test_copier_update_merges_edits_with_a_new_version(tmp_path):
    repo = build_version(tmp_path / "tpl", {"copier.yml": CONFIG, **ANSWERS, "a.py": LINES, "gone.py": "x\n"}, "v1")
    dest = render_v1(repo, tmp_path / "dest")
    (dest / "a.py").write_text(LINES.replace("line 2\n", "line 2, edited by hand\n"))
    git_commit_all(dest, "hand edit")
    v2 = {"copier.yml": CONFIG, **ANSWERS, "a.py": LINES.replace("line 18\n", "line 18 from v2\n"), "new.py": "y\n"}
    build_version(repo, v2, "v2")

    copier.run_update(str(dest), answers_file=".answers/demo.yml", defaults=True, overwrite=True, quiet=True)

    text = (dest / "a.py").read_text()
    assert "line 2, edited by hand\n" in text
    assert "line 18 from v2\n" in text
    assert not (dest / "gone.py").exists()
    assert (dest / "new.py").read_text() == "y\n"
    assert yaml.safe_load((dest / ".answers/demo.yml").read_text())["_commit"] == "v2"


def test_a_migration_carries_the_edit_of_a_renamed_file(tmp_path):
    repo = build_version(tmp_path / "tpl", {"copier.yml": CONFIG, **ANSWERS, "a.py": LINES}, "v1")
    dest = render_v1(repo, tmp_path / "dest")
    (dest / "a.py").write_text(LINES.replace("line 2\n", "line 2, edited by hand\n"))
    git_commit_all(dest, "hand edit")
    # v2 renames a.py to b.py; the update replaces a.py by the template's b.py, then the migration moves the
    # user's own a.py (as committed before the update) over it.
    migration = "_migrations:\n  - version: v2\n    command: git show HEAD:a.py > b.py\n"
    build_version(repo, {"copier.yml": CONFIG + migration, **ANSWERS, "b.py": LINES}, "v2")

    result = copier_cli(dest, "update", "--answers-file", ".answers/demo.yml", "--defaults", "--trust")

    assert result.returncode == 0, result.stderr
    assert not (dest / "a.py").exists()
    assert (dest / "b.py").read_text() == LINES.replace("line 2\n", "line 2, edited by hand\n")


# ---- the packaged template --------------------------------------------------------------------------------


def test_packaged_bundle_holds_this_version_of_the_template(tmp_path):
    assert template.latest_version() == f"v{__version__}"
    bare = tmp_path / "bundle.git"
    git(tmp_path, "clone", "-q", "--bare", str(template.PACKAGED_BUNDLE), str(bare))
    released = git(bare, "rev-parse", f"v{__version__}^{{tree}}").strip()
    assert released == release.template_tree(bare), "templates/task changed: run `make release-template`"


@pytest.fixture(scope="module")
def committed_alpha(tmp_path_factory, home) -> Path:
    """A team project in git with the task ``alpha`` generated and committed, made once for the module."""
    with isolation(home):
        root = make_package(tmp_path_factory.mktemp("update") / "team-project")
        git_commit_all(root, "project")
        create_task(root, TaskOptions("alpha"))
        git_commit_all(root, "add alpha")
    return root


@pytest.fixture
def repo(committed_alpha, tmp_path, own_home) -> Path:
    """A team project in git with the task ``alpha`` generated and committed: a copy of its own for the test."""
    return Path(shutil.copytree(committed_alpha, tmp_path / "team-project", symlinks=True))


def edit(root: Path, path: str, old: str | None, new: str) -> None:
    full = root / path
    text = full.read_text()
    full.write_text(text + new if old is None else text.replace(old, new, 1))
    git_commit_all(root, f"edit {path}")


def answers(root: Path, name: str = "alpha") -> dict:
    return yaml.safe_load((root / f".flash-new/{name}.yml").read_text())


def record(root: Path, name: str = "alpha") -> dict:
    return json.loads((root / f".flash-new/{name}.json").read_text())


# No network: git may use local files only, and any HTTP goes to a closed port.
OFFLINE = {"GIT_ALLOW_PROTOCOL": "file", "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


def test_plain_copier_updates_a_task_on_a_fresh_machine_offline(repo, vnext_release, tmp_path):
    assert answers(repo)["_src_path"] == ".flash-new/_template.bundle"
    assert answers(repo)["_commit"] == f"v{__version__}"
    edit(repo, MODEL, None, HAND_EDIT)
    # a newer flash-new adds a task: the project's copy of the template now holds the newer version
    assert vnext_release.run("task", "beta", "--dest", str(repo), "--defaults").returncode == 0
    git_commit_all(repo, "add beta")
    fresh_home = tmp_path / "fresh-machine"
    fresh_home.mkdir()
    env = {**os.environ, **OFFLINE, "HOME": str(fresh_home), "GIT_CONFIG_GLOBAL": str(fresh_home / "none")}

    result = subprocess.run(
        [str(Path(sys.executable).parent / "copier"), "update", "--answers-file", ".flash-new/alpha.yml"]
        + ["--defaults", "--trust"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )

    assert result.returncode == 0, result.stderr
    assert list(fresh_home.iterdir()) == []
    assert answers(repo)["_commit"] == f"v{next_version()}"
    assert answers(repo)["_src_path"] == ".flash-new/_template.bundle"
    text = (repo / MODEL).read_text()
    assert ADDED_TEXT in text and text.endswith(HAND_EDIT)
    # copier leaves flash-new's record behind; check says so, and `flash-new update` (the step the README
    # names) refreshes it
    stale = vnext_release.run("check", "--dest", str(repo))
    assert stale.returncode == 1
    assert f"record is of v{__version__}, answers of v{next_version()}: run `flash-new update alpha`" in stale.stdout
    git_commit_all(repo, "copier update")
    assert vnext_release.run("update", "alpha", "--dest", str(repo)).returncode == 0
    assert record(repo)["template_version"] == f"v{next_version()}"
    assert vnext_release.run("check", "--dest", str(repo)).returncode == 0


@pytest.mark.train
def test_update_keeps_the_edit_brings_the_change_and_stays_green(repo, vnext_release, monkeypatch):
    edit(repo, MODEL, None, HAND_EDIT)
    vnext_release.use(monkeypatch)
    assert vnext_release.run("check", "--dest", str(repo)).returncode == 1

    result = vnext_release.run("update", "alpha", "--dest", str(repo))

    assert result.returncode == 0, result.stderr
    assert f"alpha: v{__version__} -> v{next_version()}" in result.stdout
    text = (repo / MODEL).read_text()
    assert ADDED_TEXT in text and text.endswith(HAND_EDIT)
    pure = render({k: v for k, v in answers(repo).items() if not k.startswith("_")}, vcs_ref=f"v{next_version()}")
    assert record(repo)["template_version"] == f"v{next_version()}"
    assert record(repo)["files"] == {p: digest(d) for p, d in pure.files.items() if not p.startswith(".flash-new/")}
    assert (repo / ".flash-new/_template.bundle").read_bytes() == vnext_release.bundle.read_bytes()
    assert vnext_release.run("check", "--dest", str(repo)).returncode == 0
    assert_all_passed(run_pytest(repo, "tests/alpha/classification"), at_least=18)


def test_an_edit_colliding_with_the_change_is_a_conflict_and_nothing_is_lost(repo, vnext_release, monkeypatch):
    edit(repo, MODEL, 'head."""', 'head, tuned by hand."""')
    vnext_release.use(monkeypatch)

    result = vnext_release.run("update", "alpha", "--dest", str(repo))

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"flash-new: error: the update left conflicts in {MODEL}:")
    text = (repo / MODEL).read_text()
    assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text
    assert "head, tuned by hand." in text and ADDED_TEXT in text
    assert git(repo, "ls-files", "-u", MODEL)
    check = vnext_release.run("check", "--dest", str(repo))
    assert check.returncode == 1 and "conflict marker" in check.stdout


def test_two_tasks_update_independently(repo, vnext_release, monkeypatch):
    create_task(repo, TaskOptions("beta"))
    git_commit_all(repo, "add beta")
    edit(repo, "src/team_tasks/beta/classification/model.py", None, HAND_EDIT)
    vnext_release.use(monkeypatch)
    beta = {p: d for p, d in tree_snapshot(repo).items() if "beta" in p}

    assert vnext_release.run("update", "alpha", "--dest", str(repo)).returncode == 0

    assert {p: d for p, d in tree_snapshot(repo).items() if "beta" in p} == beta
    assert answers(repo, "beta")["_commit"] == f"v{__version__}"
    check = json.loads(vnext_release.run("check", "--json", "--dest", str(repo)).stdout)
    assert {t["name"]: t["ok"] for t in check["tasks"]} == {"alpha": True, "beta": False}

    git_commit_all(repo, "update alpha")
    head = git(repo, "rev-parse", "HEAD")
    result = vnext_release.run("update", "--all", "--dest", str(repo), "--json")

    assert result.returncode == 0, result.stderr
    assert [t["new_version"] for t in json.loads(result.stdout)["tasks"]] == [f"v{next_version()}"] * 2
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "symbolic-ref", "HEAD") == "refs/heads/main\n"
    assert git(repo, "status", "--porcelain", "--", "src/team_tasks/alpha") == ""
    beta_model = (repo / "src/team_tasks/beta/classification/model.py").read_text()
    assert ADDED_TEXT in beta_model and beta_model.endswith(HAND_EDIT)
    assert vnext_release.run("check", "--dest", str(repo)).returncode == 0


def test_all_updates_every_task_and_reports_each_conflict(repo, vnext_release, monkeypatch):
    create_task(repo, TaskOptions("beta"))
    edit(repo, MODEL, 'head."""', 'head, tuned by hand."""')
    vnext_release.use(monkeypatch)

    result = vnext_release.run("update", "--all", "--dest", str(repo))

    assert result.returncode == 1
    assert f"conflicts in {MODEL}:" in result.stderr
    assert ADDED_TEXT in (repo / "src/team_tasks/beta/classification/model.py").read_text()
    assert answers(repo, "beta")["_commit"] == answers(repo)["_commit"] == f"v{next_version()}"


@pytest.mark.parametrize("change", ["untracked", "modified"])
def test_a_dirty_tree_is_refused(repo, vnext_release, monkeypatch, change):
    vnext_release.use(monkeypatch)
    if change == "untracked":
        (repo / "notes.txt").write_text("draft\n")
    else:
        (repo / MODEL).write_text((repo / MODEL).read_text() + "# wip\n")
    before = tree_snapshot(repo)

    result = vnext_release.run("update", "alpha", "--dest", str(repo))

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("flash-new: error: the working tree has uncommitted changes (")
    assert "commit or stash them" in result.stderr
    assert tree_snapshot(repo) == before


def test_update_refuses_what_it_cannot_do(repo, vnext_release, monkeypatch):
    vnext_release.use(monkeypatch)
    for key in IDENTITY:
        with pytest.raises(UsageError, match=f"cannot change {key}"):
            update_task(repo, "alpha", data={key: "renamed"})
    for args in (["alpha", "--to", "9.9.9"], ["nosuch"], [], ["alpha", "--all"]):
        result = vnext_release.run("update", *args, "--dest", str(repo))
        assert result.returncode == 2 and result.stderr.startswith("flash-new: error: "), (args, result.stderr)
    (repo / ".flash-new/alpha.yml").unlink()
    git_commit_all(repo, "lose the answers")
    assert "no .flash-new/alpha.yml" in vnext_release.run("update", "alpha", "--dest", str(repo)).stderr
    assert git(repo, "status", "--porcelain") == ""


def test_a_project_outside_git_is_refused(package_host, own_home):
    create_task(package_host, TaskOptions("alpha"))
    result = flash_new("update", "alpha", "--dest", str(package_host))
    assert result.returncode == 2
    assert result.stderr == (
        f"flash-new: error: {package_host} is not a git repository with a commit: "
        "commit the project to git, then update\n"
    )


def test_update_to_a_named_version_and_registrations_come_back_once(repo, vnext_release, monkeypatch):
    init = repo / "src/team_tasks/alpha/__init__.py"
    init.write_text("")
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## [Unreleased]", "## [Unreleased]\n\n## [0.2.0]"))
    git_commit_all(repo, "drop the import; release 0.2.0")
    vnext_release.use(monkeypatch)

    updated = update_task(repo, "alpha", to=next_version())

    assert updated.new_version == f"v{next_version()}"
    assert updated.reregistered == ["src/team_tasks/alpha/__init__.py"]
    assert "from team_tasks.alpha.classification import AlphaClassifier, AlphaData" in init.read_text()
    assert changelog.read_text().count("AlphaClassifier") == 1
    assert vnext_release.run("check", "--dest", str(repo)).returncode == 0
    # a task at the newest version: updating it only puts back what went missing
    git_commit_all(repo, "update")
    init.write_text("")
    git_commit_all(repo, "drop the import again")
    result = vnext_release.run("update", "alpha", "--dest", str(repo))
    assert result.returncode == 0 and f"alpha: already at v{next_version()}" in result.stdout
    assert "AlphaClassifier" in init.read_text() and changelog.read_text().count("AlphaClassifier") == 1
    assert git(repo, "status", "--porcelain") == " M src/team_tasks/alpha/__init__.py\n"
    assert vnext_release.run("check", "--dest", str(repo)).returncode == 0


def test_remove_after_update_tells_edits_from_template_changes(repo, vnext_release, monkeypatch):
    edit(repo, DATA, None, HAND_EDIT)
    vnext_release.use(monkeypatch)
    update_task(repo, "alpha")

    with pytest.raises(ConflictError) as error:
        plan_remove(repo, "alpha")
    assert DATA in str(error.value) and MODEL not in str(error.value)
