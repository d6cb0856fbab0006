"""Template versions are ordered as numbers, and an update that copier cannot carry out changes nothing.

Bundles here hold versions whose order as text differs from their order as numbers (``v0.10.0`` sorts before
``v0.9.0`` as text), and a version whose migration fails, so that copier itself stops an update.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from maintainer import release
from scaffold import template
from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.conftest import git, git_commit_all, tree_snapshot
from tests.template_versions import Release, bundle_with, make_release, own_home

__all__ = ["own_home"]  # fixtures
pytestmark = pytest.mark.filterwarnings("ignore:Settings file not found")


def _numbers(tag: str) -> tuple[int, ...]:
    return tuple(int(part) for part in tag.lstrip("v").split("."))


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, Path]:
    """``v0.9.0`` and ``v0.10.0`` after the packaged versions, and the same with ``v1.0.0`` on top."""
    assert _numbers(template.latest_version()) < (0, 9, 0), "choose later versions for these tests"
    tens = bundle_with(tmp_path_factory.mktemp("tens"), ["v0.9.0", "v0.10.0"])
    ones = bundle_with(tmp_path_factory.mktemp("ones"), ["v0.9.0", "v0.10.0", "v1.0.0"])
    return {"tens": tens, "ones": ones}


def release_of(bundle: Path, where: Path) -> Release:
    """A flash-new that ships ``bundle`` (its version: the bundle's newest tag)."""
    newest = sorted(template.heads(bundle), key=_numbers)[-1]
    return make_release(where, bundle, newest.lstrip("v"))


@pytest.fixture(scope="module")
def releases(bundles, tmp_path_factory) -> dict[str, Release]:
    return {name: release_of(bundle, tmp_path_factory.mktemp(name)) for name, bundle in bundles.items()}


@pytest.fixture
def repo(package_host, own_home) -> Path:
    """A team project in git with the task ``alpha`` at the newest packaged version, committed."""
    git_commit_all(package_host, "project")
    create_task(package_host, TaskOptions("alpha"))
    git_commit_all(package_host, "add alpha")
    return package_host


def _json(release: Release, *args: str) -> dict:
    result = release.run(*args, "--json")
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def _version(root: Path) -> str:
    return yaml.safe_load((root / ".flash-new/alpha.yml").read_text())["_commit"]


def test_versions_are_ordered_as_numbers(bundles, monkeypatch):
    monkeypatch.setattr(template, "PACKAGED_BUNDLE", bundles["tens"])
    versions = template.available_versions()
    assert versions[-2:] == ("v0.9.0", "v0.10.0")
    assert list(versions) == sorted(versions, key=_numbers)
    assert template.current_version() == "v0.10.0"
    monkeypatch.setattr(template, "PACKAGED_BUNDLE", bundles["ones"])
    assert template.available_versions()[-3:] == ("v0.9.0", "v0.10.0", "v1.0.0")


def test_list_check_and_update_go_from_v0_9_to_v0_10_and_never_back(repo, releases):
    tens = releases["tens"]
    dest = ("--dest", str(repo))
    listed = _json(tens, "list", *dest)
    assert listed["current_version"] == "v0.10.0"
    assert [(t["name"], t["current"]) for t in listed["tasks"]] == [("alpha", False)]

    result = tens.run("update", "alpha", "--to", "0.9.0", *dest)
    assert result.returncode == 0, result.stderr
    assert _version(repo) == "v0.9.0"
    checked = _json(tens, "check", *dest)
    assert checked["current_version"] == "v0.10.0" and not checked["ok"]
    assert checked["tasks"][0]["problems"] == ["at v0.9.0, current is v0.10.0: run `flash-new update alpha`"]
    assert not _json(tens, "list", *dest)["tasks"][0]["current"]
    git_commit_all(repo, "update to v0.9.0")

    result = tens.run("update", "alpha", *dest)
    assert result.returncode == 0, result.stderr
    assert "alpha: v0.9.0 -> v0.10.0" in result.stdout
    assert _version(repo) == "v0.10.0"
    assert json.loads((repo / ".flash-new/alpha.json").read_text())["template_version"] == "v0.10.0"
    assert tens.run("check", *dest).returncode == 0
    assert _json(tens, "list", *dest)["tasks"][0]["current"]
    git_commit_all(repo, "update to v0.10.0")

    before = tree_snapshot(repo)
    back = tens.run("update", "alpha", "--to", "v0.9.0", *dest)
    assert back.returncode == 2
    assert back.stderr.count("\n") == 1 and "newer than v0.9.0" in back.stderr
    assert tree_snapshot(repo) == before

    ones = releases["ones"]
    assert _json(ones, "list", *dest)["current_version"] == "v1.0.0"
    assert "at v0.10.0, current is v1.0.0" in ones.run("check", *dest).stdout
    result = ones.run("update", "--all", *dest)
    assert result.returncode == 0, result.stderr
    assert _version(repo) == "v1.0.0"


# ---- copier fails --------------------------------------------------------------------------------------------

FAILING_MIGRATION = "\n_migrations:\n  - version: v0.9.0\n    command: exit 3\n"


@pytest.fixture(scope="module")
def failing_bundles(tmp_path_factory) -> dict[str, Path]:
    """A version whose migration exits 3, and a version whose copier.yml is not valid YAML."""
    text = (release.TEMPLATE_DIR / "copier.yml").read_text()
    migration = bundle_with(
        tmp_path_factory.mktemp("migration"), ["v0.9.0"], {"v0.9.0": {"copier.yml": text + FAILING_MIGRATION}}
    )
    invalid = bundle_with(
        tmp_path_factory.mktemp("invalid"), ["v0.9.0"], {"v0.9.0": {"copier.yml": text + "\n[oops: {\n"}}
    )
    return {"migration": migration, "invalid": invalid}


@pytest.mark.parametrize("failure", ["migration", "invalid"])
def test_an_update_copier_cannot_carry_out_is_one_line_exit_2_and_changes_nothing(
    repo, failing_bundles, failure, tmp_path
):
    failing = release_of(failing_bundles[failure], tmp_path / "release")
    before = tree_snapshot(repo)
    head = git(repo, "rev-parse", "HEAD")

    result = failing.run("update", "alpha", "--dest", str(repo))

    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("flash-new: error: "), result.stderr
    assert "Traceback" not in result.stderr and "alpha" in lines[0] and "v0.9.0" in lines[0]
    assert tree_snapshot(repo) == before
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""
    assert _version(repo) == template.latest_version()


# ---- the bundles themselves ---------------------------------------------------------------------------------


def test_a_new_task_is_generated_at_the_newest_packaged_version(bundles, package_host, own_home, monkeypatch):
    monkeypatch.setattr(template, "PACKAGED_BUNDLE", bundles["tens"])
    assert template.latest_version() == "v0.10.0"
    create_task(package_host, TaskOptions("alpha"))
    assert _version(package_host) == "v0.10.0"


def _newest(bundle: Path) -> str:
    return sorted(template.heads(bundle), key=template.version_key)[-1]


def test_a_bundle_is_read_afresh_whenever_it_changes(tmp_path):
    eight = bundle_with(tmp_path / "eight", ["v0.8.0"])
    nine = bundle_with(tmp_path / "nine", ["v0.9.0"])
    longer = bundle_with(tmp_path / "longer", ["v0.9.0", "v0.10.0"])
    assert eight.stat().st_size == nine.stat().st_size != longer.stat().st_size
    target = tmp_path / "project" / template.SRC_PATH
    target.parent.mkdir(parents=True)
    target.write_bytes(eight.read_bytes())
    assert _newest(target) == "v0.8.0"
    target.write_bytes(nine.read_bytes())  # the same size, written later
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    assert _newest(target) == "v0.9.0"
    stamp = target.stat().st_mtime_ns
    target.write_bytes(longer.read_bytes())  # another size, with the same time stamp
    os.utime(target, ns=(stamp, stamp))
    assert _newest(target) == "v0.10.0"


def test_a_project_copy_holding_every_shipped_version_and_newer_ones_is_kept(bundles, package_host):
    assert template.project_bundle(package_host) == template.PACKAGED_BUNDLE.read_bytes()
    copy = package_host / template.SRC_PATH
    copy.parent.mkdir()
    copy.write_bytes(bundles["tens"].read_bytes())  # a newer flash-new's bundle: an older one never takes it back
    assert template.project_bundle(package_host) == bundles["tens"].read_bytes()
    assert template.project_bundle_problem(package_host) == (
        f"{template.SRC_PATH} holds v0.9.0, v0.10.0, unknown to this flash-new "
        f"(newest: {template.current_version()}): upgrade flash-new"
    )


def test_a_project_copy_from_an_older_flash_new_is_replaced(tmp_path, package_host):
    older = tmp_path / "older.git"
    git(tmp_path, "clone", "-q", "--bare", str(template.PACKAGED_BUNDLE), str(older))
    git(older, "tag", "-d", template.latest_version())
    copy = package_host / template.SRC_PATH
    copy.parent.mkdir()
    git(older, "bundle", "create", str(copy), "--tags")
    assert template.latest_version() not in template.heads(copy)

    assert template.project_bundle(package_host) == template.PACKAGED_BUNDLE.read_bytes()
    assert template.project_bundle_problem(package_host) == (
        f"{template.SRC_PATH} lacks {template.latest_version()}: run `flash-new update --all` (or restore it from git)"
    )
