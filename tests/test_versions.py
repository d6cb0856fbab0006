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
from tests.conftest import flash_new, git, git_commit_all, tree_snapshot
from tests.template_versions import bundle_with, install, own_home

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


@pytest.fixture
def repo(package_host, own_home) -> Path:
    """A team project in git with the task ``alpha`` at the newest packaged version, committed."""
    git_commit_all(package_host, "project")
    create_task(package_host, TaskOptions("alpha"))
    git_commit_all(package_host, "add alpha")
    return package_host


def _json(*args: str) -> dict:
    result = flash_new(*args, "--json")
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def _version(root: Path) -> str:
    return yaml.safe_load((root / ".flash-new/alpha.yml").read_text())["_commit"]


def test_versions_are_ordered_as_numbers(bundles, own_home):
    install(bundles["tens"])
    versions = template.available_versions()
    assert versions[-2:] == ("v0.9.0", "v0.10.0")
    assert list(versions) == sorted(versions, key=_numbers)
    assert template.current_version() == "v0.10.0"
    install(bundles["ones"])
    assert template.available_versions()[-3:] == ("v0.9.0", "v0.10.0", "v1.0.0")


def test_list_check_and_update_go_from_v0_9_to_v0_10_and_never_back(repo, bundles):
    install(bundles["tens"])
    dest = ("--dest", str(repo))
    listed = _json("list", *dest)
    assert listed["current_version"] == "v0.10.0"
    assert [(t["name"], t["current"]) for t in listed["tasks"]] == [("alpha", False)]

    result = flash_new("update", "alpha", "--to", "0.9.0", *dest)
    assert result.returncode == 0, result.stderr
    assert _version(repo) == "v0.9.0"
    checked = _json("check", *dest)
    assert checked["current_version"] == "v0.10.0" and not checked["ok"]
    assert checked["tasks"][0]["problems"] == ["at v0.9.0, current is v0.10.0: run `flash-new update alpha`"]
    assert not _json("list", *dest)["tasks"][0]["current"]
    git_commit_all(repo, "update to v0.9.0")

    result = flash_new("update", "alpha", *dest)
    assert result.returncode == 0, result.stderr
    assert "alpha: v0.9.0 -> v0.10.0" in result.stdout
    assert _version(repo) == "v0.10.0"
    assert json.loads((repo / ".flash-new/alpha.json").read_text())["template_version"] == "v0.10.0"
    assert flash_new("check", *dest).returncode == 0
    assert _json("list", *dest)["tasks"][0]["current"]
    git_commit_all(repo, "update to v0.10.0")

    before = tree_snapshot(repo)
    back = flash_new("update", "alpha", "--to", "v0.9.0", *dest)
    assert back.returncode == 2
    assert back.stderr.count("\n") == 1 and "newer than v0.9.0" in back.stderr
    assert tree_snapshot(repo) == before

    install(bundles["ones"])
    assert _json("list", *dest)["current_version"] == "v1.0.0"
    assert "at v0.10.0, current is v1.0.0" in flash_new("check", *dest).stdout
    result = flash_new("update", "--all", *dest)
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
def test_an_update_copier_cannot_carry_out_is_one_line_exit_2_and_changes_nothing(repo, failing_bundles, failure):
    install(failing_bundles[failure])
    before = tree_snapshot(repo)
    head = git(repo, "rev-parse", "HEAD")

    result = flash_new("update", "alpha", "--dest", str(repo))

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


def test_the_installed_bundle_is_read_afresh_whenever_it_changes(tmp_path, own_home):
    eight = bundle_with(tmp_path / "eight", ["v0.8.0"])
    nine = bundle_with(tmp_path / "nine", ["v0.9.0"])
    longer = bundle_with(tmp_path / "longer", ["v0.9.0", "v0.10.0"])
    assert eight.stat().st_size == nine.stat().st_size != longer.stat().st_size
    target = template.installed_bundle()
    install(eight)
    assert template.tags(target)[-1] == "v0.8.0"
    install(nine)  # the same size, written later
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    assert template.tags(target)[-1] == "v0.9.0"
    stamp = target.stat().st_mtime_ns
    install(longer)  # another size, with the same time stamp
    os.utime(target, ns=(stamp, stamp))
    assert template.tags(target)[-1] == "v0.10.0"


def test_an_installed_bundle_holding_every_shipped_version_is_left_alone(bundles, own_home):
    template.ensure_installed()
    target = template.installed_bundle()
    first = target.stat()
    template.ensure_installed()
    assert (target.stat().st_ino, target.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    install(bundles["tens"])  # a newer flash-new's bundle: kept, not replaced by this one's older bundle
    newer = target.read_bytes()
    assert template.ensure_installed() == template.SRC_PATH
    assert target.read_bytes() == newer and template.current_version() == "v0.10.0"


def test_an_installed_bundle_from_an_older_flash_new_is_replaced(tmp_path, own_home):
    older = tmp_path / "older.git"
    git(tmp_path, "clone", "-q", "--bare", str(template.PACKAGED_BUNDLE), str(older))
    git(older, "tag", "-d", template.latest_version())
    git(older, "bundle", "create", str(tmp_path / "older.bundle"), "--tags")
    install(tmp_path / "older.bundle")
    assert template.latest_version() not in template.tags(template.installed_bundle())

    assert template.ensure_installed() == template.SRC_PATH
    assert template.installed_bundle().read_bytes() == template.PACKAGED_BUNDLE.read_bytes()
    assert template.current_version() == template.latest_version()
