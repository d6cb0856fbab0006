"""Tagged template versions for update tests, built the way copier's own tests build them.

``build_version`` writes a template from a ``{path: text}`` dict into a git repository and tags it;
``next_bundle`` makes the packaged task bundle plus one more version (``templates/task`` with an edit), as
the next flash-new release would ship it; ``install`` puts a bundle where answers files point.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from maintainer import release
from scaffold import template
from tests.conftest import git

# The docstring line the next version changes in model.py, before and after.
MODEL_JINJA = "{{ package_dir }}/{{ data_type }}/{{ task_type }}/model.py.jinja"
OLD_LINE = 'made of a registered backbone and a linear head."""'
ADDED_TEXT = "Its backbones come from the registry in backbones.py."
NEW_LINE = f'made of a registered backbone and a linear head.\n\n{ADDED_TEXT}"""'


def build_version(repo: Path, files: dict[str, str], tag: str) -> Path:
    """Make ``repo``'s tree exactly ``files``, commit it and tag it ``tag``."""
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q")
    git(repo, "rm", "-rq", "--ignore-unmatch", ".")
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", tag)
    git(repo, "tag", tag)
    return repo


def next_version() -> str:
    """The version after the newest packaged one (its last number plus one)."""
    parts = template.latest_version().lstrip("v").split(".")
    return ".".join([*parts[:-1], str(int(parts[-1]) + 1)])


def next_bundle(where: Path, old: str = OLD_LINE, new: str = NEW_LINE) -> Path:
    """The packaged bundle plus ``v<next_version()>``: ``templates/task`` with ``old`` replaced by ``new``."""
    source = where / "template"
    shutil.copytree(release.TEMPLATE_DIR, source, ignore=shutil.ignore_patterns("__pycache__"))
    model = source / MODEL_JINJA
    text = model.read_text()
    assert old in text
    model.write_text(text.replace(old, new, 1))
    bundle = where / "task.bundle"
    shutil.copyfile(template.PACKAGED_BUNDLE, bundle)
    assert release.release(next_version(), bundle, source).startswith("released")
    return bundle


def install(bundle: Path) -> None:
    """Make ``bundle`` the one answers files point at (``~/.local/share/flash-new/task.bundle``)."""
    target = template.installed_bundle()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundle, target)


@pytest.fixture(scope="session")
def vnext_bundle(tmp_path_factory) -> Path:
    return next_bundle(tmp_path_factory.mktemp("vnext"))


@pytest.fixture
def own_home(tmp_path, monkeypatch) -> Path:
    """A home of this test's own, so that a bundle installed there does not outlive the test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def bundle_with(where: Path, tags: list[str], edits: dict[str, dict[str, str]] | None = None) -> Path:
    """The packaged bundle plus ``tags`` released in that order, each ``templates/task`` with its ``edits``.

    ``edits[tag]`` maps a template file to the text it holds in that version (the others are unchanged).
    """
    where.mkdir(parents=True, exist_ok=True)
    bundle = where / "task.bundle"
    shutil.copyfile(template.PACKAGED_BUNDLE, bundle)
    for tag in tags:
        source = where / f"template-{tag}"
        shutil.copytree(release.TEMPLATE_DIR, source, ignore=shutil.ignore_patterns("__pycache__"))
        for path, text in (edits or {}).get(tag, {}).items():
            (source / path).write_text(text)
        assert release.release(tag.removeprefix("v"), bundle, source).startswith("released")
    return bundle
