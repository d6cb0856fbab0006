"""Versions belong to the flash-new that runs and to the project: two releases on one machine, reading commands
that write nothing, and the project's copy of the template's history, which flash-new itself never reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from scaffold import __version__, template
from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.conftest import REPO, flash_new, git_commit_all, make_package
from tests.template_versions import (
    ADDED_TEXT,
    Release,
    install_release,
    make_release,
    next_bundle,
    next_version,
    vnext_bundle,
    vnext_release,
)

__all__ = ["vnext_bundle", "vnext_release"]  # fixtures
MODEL = "src/team_tasks/alpha/classification/model.py"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file and folder under ``root``, git's own files included, with its bytes."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(root.rglob("*"))
        if "__pycache__" not in path.parts
    }


@pytest.fixture(scope="session")
def installed(vnext_bundle, tmp_path_factory) -> tuple[Release, Release]:
    """This flash-new and the next release, each built as a wheel and installed in a virtual environment of
    its own."""
    where = tmp_path_factory.mktemp("releases")
    this = make_release(where / "this-src", template.PACKAGED_BUNDLE, __version__)
    newer = make_release(where / "next-src", vnext_bundle, next_version())
    return install_release(this, where / "this"), install_release(newer, where / "next")


def test_two_releases_on_one_machine_each_keep_their_own_verdict(installed, tmp_path, monkeypatch):
    older, newer = installed
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    project = make_package(tmp_path / "project")
    other = make_package(tmp_path / "other")
    assert older.run("--version").stdout == f"flash-new {__version__}\n"
    assert newer.run("--version").stdout == f"flash-new {next_version()}\n"
    assert older.run("task", "alpha", "--dest", str(project), "--defaults").returncode == 0
    git_commit_all(project, "alpha")
    verdict = older.run("check", "--json", "--dest", str(project))
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
    assert json.loads(verdict.stdout)["current_version"] == f"v{__version__}"

    # a developer upgrades: the newer release generates a task elsewhere and reads this project
    assert newer.run("task", "beta", "--dest", str(other), "--defaults").returncode == 0
    newer_check = newer.run("check", "--json", "--dest", str(project))
    assert newer_check.returncode == 1
    assert json.loads(newer_check.stdout)["tasks"][0]["problems"] == [
        f"at v{__version__}, current is v{next_version()}: run `flash-new update alpha`"
    ]
    assert newer.run("list", "--dest", str(project)).returncode == 0

    again = older.run("check", "--json", "--dest", str(project))
    assert (again.returncode, again.stdout, again.stderr) == (verdict.returncode, verdict.stdout, verdict.stderr)
    # nothing of a template lives in the home: only the compiled-template cache of the runs that wrote
    assert {path.relative_to(home).parts[:3] for path in home.rglob("*") if path.is_file()} == {
        (".cache", "flash-new", "jinja")
    }


def test_reading_and_dry_runs_write_nothing_in_the_tree_or_the_home(package_host, vnext_release, tmp_path):
    create_task(package_host, TaskOptions("alpha"))
    git_commit_all(package_host, "alpha")
    home = tmp_path / "empty-home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
    tree, before_home = snapshot(package_host), snapshot(home)
    dest = ("--dest", str(package_host))

    for args in (
        ("check",),
        ("check", "--json"),
        ("list",),
        ("list", "--json"),
        ("task", "beta", "--defaults", "--dry-run"),
        ("task", "gamma", "--defaults", "--dry-run", "--json"),
        ("remove", "alpha", "--dry-run"),
        ("remove", "alpha", "--dry-run", "--json"),
    ):
        result = flash_new(*args, *dest, env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert snapshot(package_host) == tree, args
        assert snapshot(home) == before_home, args
    # a preview of an update to a newer release's version
    preview = vnext_release.run("update", "alpha", "--dry-run", *dest, env=env)
    assert preview.returncode == 0, preview.stderr
    assert f"v{next_version()}" in preview.stdout
    assert snapshot(package_host) == tree
    assert snapshot(home) == before_home
    planned = json.loads(flash_new("task", "beta", "--defaults", "--dry-run", "--json", *dest, env=env).stdout)
    bundle = [change for change in planned["changes"] if change["path"] == ".flash-new/_template.bundle"]
    assert bundle == [{"path": ".flash-new/_template.bundle", "action": "identical", "diff": ""}]


def test_the_project_carries_the_template_history_and_the_last_task_takes_it_away(package_host):
    original = snapshot(package_host)
    create_task(package_host, TaskOptions("alpha"))
    create_task(package_host, TaskOptions("beta"))
    answers = yaml.safe_load((package_host / ".flash-new/alpha.yml").read_text())
    assert answers["_src_path"] == ".flash-new/_template.bundle"
    assert (package_host / ".flash-new/_template.bundle").read_bytes() == template.PACKAGED_BUNDLE.read_bytes()

    assert flash_new("remove", "alpha", "--dest", str(package_host)).returncode == 0
    assert (package_host / ".flash-new/_template.bundle").is_file()
    assert flash_new("remove", "beta", "--dest", str(package_host)).returncode == 0
    assert snapshot(package_host) == original


def test_check_names_a_project_history_that_is_not_this_flash_news(package_host, vnext_bundle, tmp_path):
    create_task(package_host, TaskOptions("alpha"))
    bundle = package_host / ".flash-new/_template.bundle"
    fix = "run `flash-new update --all` (or restore it from git)"
    cases = {
        "missing": (None, f".flash-new/_template.bundle is missing (plain `copier update` needs it): {fix}"),
        "not a bundle": (b"not a bundle\n", f".flash-new/_template.bundle is not a git bundle: {fix}"),
        "newer": (
            vnext_bundle.read_bytes(),
            f".flash-new/_template.bundle holds v{next_version()}, unknown to this flash-new "
            f"(newest: v{__version__}): upgrade flash-new",
        ),
    }
    # the same version tag on another template: what a tampered copy holds
    tampered = next_bundle(tmp_path / "tampered", "made of a registered backbone", "TAMPERED backbone")
    cases["tampered"] = (
        _retag(tampered, tmp_path),
        f".flash-new/_template.bundle holds other commits for v{__version__} than this flash-new: {fix}",
    )
    for name, (data, problem) in cases.items():
        if data is None:
            bundle.unlink()
        else:
            bundle.write_bytes(data)
        result = flash_new("check", "--json", "--dest", str(package_host))
        assert result.returncode == 1, name
        assert json.loads(result.stdout)["problems"] == [problem], name


def _retag(bundle: Path, tmp_path: Path) -> bytes:
    """``bundle`` with its newest commit tagged as this version (and that tag only)."""
    import subprocess

    repo = tmp_path / "retag.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(bundle), str(repo)], check=True)
    git = ["git", "-C", str(repo)]
    newest = subprocess.run([*git, "rev-parse", f"v{next_version()}"], capture_output=True, text=True, check=True)
    for tag in subprocess.run([*git, "tag"], capture_output=True, text=True, check=True).stdout.split():
        subprocess.run([*git, "tag", "-d", tag], check=True, capture_output=True)
    subprocess.run([*git, "tag", f"v{__version__}", newest.stdout.strip()], check=True)
    out = tmp_path / "retagged.bundle"
    subprocess.run([*git, "bundle", "create", str(out), "--tags"], check=True, capture_output=True)
    return out.read_bytes()


@pytest.fixture
def repo(package_host) -> Path:
    git_commit_all(package_host, "project")
    create_task(package_host, TaskOptions("alpha"))
    git_commit_all(package_host, "add alpha")
    return package_host


def test_update_never_takes_the_template_from_the_project(repo, vnext_release, tmp_path):
    """A pull request may change the project's copy: flash-new renders the old and the new version from its own
    bundle, then puts its own copy back."""
    tampered = next_bundle(tmp_path / "tampered", "made of a registered backbone", "TAMPERED backbone")
    (repo / ".flash-new/_template.bundle").write_bytes(_retag(tampered, tmp_path))
    git_commit_all(repo, "tamper with the history")

    result = vnext_release.run("update", "alpha", "--dest", str(repo))

    assert result.returncode == 0, result.stderr
    text = (repo / MODEL).read_text()
    assert ADDED_TEXT in text and "TAMPERED" not in text
    assert (repo / ".flash-new/_template.bundle").read_bytes() == vnext_release.bundle.read_bytes()
    assert vnext_release.run("check", "--dest", str(repo)).returncode == 0


def test_update_moves_a_task_of_flash_new_0_1_0_off_the_home_directory(repo, vnext_release, tmp_path):
    answers_file = repo / ".flash-new/alpha.yml"
    text = answers_file.read_text()
    legacy = text.replace("_src_path: .flash-new/_template.bundle", f"_src_path: {template.LEGACY_SRC_PATH}")
    answers_file.write_text(legacy)
    (repo / ".flash-new/_template.bundle").unlink()
    git_commit_all(repo, "as flash-new 0.1.0 left it")
    fresh = tmp_path / "fresh-home"
    fresh.mkdir()
    env = {"HOME": str(fresh), "GIT_CONFIG_GLOBAL": os.environ["GIT_CONFIG_GLOBAL"]}
    check = flash_new("check", "--json", "--dest", str(repo), env=env)
    assert json.loads(check.stdout)["tasks"][0]["problems"] == [
        f".flash-new/alpha.yml names the template '{template.LEGACY_SRC_PATH}', not the project's copy "
        ".flash-new/_template.bundle: run `flash-new update alpha`"
    ]

    result = vnext_release.run("update", "alpha", "--dest", str(repo), env=env)

    assert result.returncode == 0, result.stderr
    assert list(fresh.rglob("*.bundle")) == []
    assert yaml.safe_load(answers_file.read_text())["_src_path"] == ".flash-new/_template.bundle"
    assert answers_file.read_text().replace(".flash-new/_template.bundle", "X").count("X") == 1
    assert ADDED_TEXT in (repo / MODEL).read_text()
    assert vnext_release.run("check", "--dest", str(repo), env=env).returncode == 0


def test_a_source_other_than_ours_is_refused(repo):
    answers_file = repo / ".flash-new/alpha.yml"
    for source in (str(REPO / "scaffold/data/task.bundle"), "./.flash-new/_template.bundle"):
        answers = yaml.safe_load(answers_file.read_text())
        answers_file.write_text(yaml.safe_dump({**answers, "_src_path": source}))
        git_commit_all(repo, "another source")
        result = flash_new("update", "alpha", "--dest", str(repo))
        assert result.returncode == 2 and "not flash-new's" in result.stderr, result.stderr
