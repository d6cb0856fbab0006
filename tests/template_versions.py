"""Tagged template versions for update tests, built the way copier's own tests build them.

``build_version`` writes a template from a ``{path: text}`` dict into a git repository and tags it;
``next_bundle`` makes the packaged task bundle plus one more version (``templates/task`` with an edit), as
the next flash-new release would ship it; :class:`Release` is a flash-new that ships a given bundle: a copy of
the package run from ``PYTHONPATH``, or, with :func:`install_release`, a wheel installed in a virtual
environment of its own, as users install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from maintainer import release
from scaffold import __version__, template
from tests.conftest import REPO, flash_new, git

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
    """The version after this flash-new's (its last number plus one)."""
    parts = __version__.split(".")
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


@dataclass
class Release:
    """A flash-new release: ``python -m scaffold`` with ``path`` first on ``PYTHONPATH``, or the ``flash-new`` of a
    virtual environment (``venv``)."""

    path: Path
    bundle: Path
    version: str
    venv: Path | None = None

    def run(self, *args: str, env: dict | None = None, cwd: Path | None = None):
        if self.venv is None:
            # run from the release's folder: `python -m` puts the working directory first on sys.path
            return flash_new(*args, cwd=cwd or self.path, env={"PYTHONPATH": str(self.path), **(env or {})})
        clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(
            [str(self.venv / "bin" / "flash-new"), *args],
            cwd=cwd or self.venv,
            capture_output=True,
            text=True,
            env={**clean, **(env or {})},
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    def use(self, monkeypatch) -> None:
        """Make this process's flash-new ship this release's bundle."""
        monkeypatch.setattr(template, "PACKAGED_BUNDLE", self.bundle)


def make_release(where: Path, bundle: Path, version: str) -> Release:
    """A copy of the ``scaffold`` package (and what a wheel needs) under ``where`` that ships ``bundle`` as
    flash-new ``version``."""
    package = where / "scaffold"
    for name in ("scaffold", "maintainer"):
        shutil.copytree(REPO / name, where / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copyfile(bundle, package / "data" / "task.bundle")
    init = package / "__init__.py"
    init.write_text(init.read_text().replace(f'"{__version__}"', f'"{version}"'))
    assert f'"{version}"' in init.read_text()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, where / name)
    return Release(where, package / "data" / "task.bundle", version)


def install_release(release: Release, where: Path) -> Release:
    """``release`` built as a wheel and installed alone in a new virtual environment at ``where``, its
    dependencies taken from this interpreter's environment (a ``.pth`` file), its own code only from the wheel."""
    wheels = where / "wheels"
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels)]
    subprocess.run([*pip, str(release.path)], check=True, capture_output=True)
    (wheel,) = wheels.glob("flash_new-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"scaffold/data/task.bundle", "scaffold/registrations/base.py"} <= set(names)
    assert not [name for name in names if name.startswith("maintainer/")], "maintainer tools stay out of the wheel"
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return Release(Path(site), Path(site) / "scaffold" / "data" / "task.bundle", release.version, venv)


@pytest.fixture(scope="session")
def vnext_bundle(tmp_path_factory) -> Path:
    return next_bundle(tmp_path_factory.mktemp("vnext"))


@pytest.fixture(scope="session")
def vnext_release(vnext_bundle, tmp_path_factory) -> Release:
    """The next flash-new release: this one's package shipping :func:`next_bundle`, run from ``PYTHONPATH``."""
    return make_release(tmp_path_factory.mktemp("vnext-release"), vnext_bundle, next_version())


@pytest.fixture
def own_home(tmp_path, monkeypatch) -> Path:
    """A home of this test's own (empty but for what the test puts there)."""
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
