"""The repository a task goes into: a Lightning Flash checkout or a team's own package of tasks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import UsageError


@dataclass(frozen=True)
class Host:
    """Where a task's files go, relative to ``root``.

    ``kind`` is ``"flash"`` for a Lightning Flash source checkout and ``"package"`` for any other project;
    ``docs_dir`` is the folder of its Sphinx sources (see :func:`docs_dir`), empty when it has no docs.
    """

    root: Path
    kind: str
    package: str
    package_dir: str
    docs_dir: str = "docs/source"

    @property
    def has_docs(self) -> bool:
        return bool(self.docs_dir)

    @property
    def is_flash(self) -> bool:
        return self.kind == "flash"

    def path(self, relative: str) -> Path:
        return self.root / relative


def _flash_package_dir(root: Path) -> str | None:
    for candidate in ("src/flash", "flash"):
        if (root / candidate / "core" / "model.py").is_file():
            return candidate
    return None


# Where a project keeps its Sphinx sources: the folder of its conf.py.
SPHINX_SOURCES = ("docs/source", "docs", "doc/source", "doc")


def docs_dir(root: Path, is_flash: bool = False) -> str:
    """The folder (relative to ``root``) a task's docs page goes under, in ``<docs_dir>/reference/``.

    Lightning Flash's is ``docs/source``. Another project's is the folder of its Sphinx ``conf.py`` (the first of
    :data:`SPHINX_SOURCES` that holds one); without one, a ``docs/`` folder is docs too (``docs/source`` when it
    has that folder, as Flash's layout, else ``docs``). A project with neither has no docs: ``""``, and no page
    is written, since nothing would build it or link to it.
    """
    if is_flash:
        return "docs/source"
    for folder in SPHINX_SOURCES:
        if (root / folder / "conf.py").is_file():
            return folder
    if (root / "docs").is_dir():
        return "docs/source" if (root / "docs" / "source").is_dir() else "docs"
    return ""


def _packages_under(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "__init__.py").is_file())


# What marks the top of a project, when no folder above holds flash-new's state: Python packaging metadata or a git
# work tree (``.git`` is a folder, or a file in a worktree or submodule). A Lightning Flash checkout has all of them.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def find_root(start: Path) -> Path:
    """The repository that the folder ``start`` lies in, found as git finds its work tree: walking up.

    The nearest folder at or above ``start`` that holds ``.flash-new/`` (the project whose tasks flash-new
    keeps) is the root; the walk looks no further than the top of the git work tree ``start`` is in, as git
    does. Without one, the root is the nearest folder that holds one of :data:`PROJECT_MARKERS`. A folder with
    neither at or above it is no project: a :class:`UsageError`.
    """
    from scaffold.state import STATE_DIR

    start = start.resolve()
    nearest_project = None
    for folder in (start, *start.parents):
        if (folder / STATE_DIR).is_dir():
            return folder
        if nearest_project is None and any((folder / marker).exists() for marker in PROJECT_MARKERS):
            nearest_project = folder
        if (folder / ".git").exists():
            break
    if nearest_project is None:
        raise UsageError(
            f"{start} is in no project (no .flash-new/, {', '.join(PROJECT_MARKERS)} in it or above it): "
            "run flash-new inside your repository or point --dest at it"
        )
    return nearest_project


def repository(dest: Path | None) -> Path:
    """The absolute path of the repository: the folder ``--dest`` names, which must exist, or (``None``) the one
    the working directory lies in (:func:`find_root`)."""
    if dest is None:
        return find_root(Path.cwd())
    root = Path(dest)
    if not root.exists():
        raise UsageError(f"--dest {str(dest)!r} does not exist: create it or point --dest at your repository")
    if not root.is_dir():
        raise UsageError(f"--dest {str(dest)!r} is not a directory: point --dest at your repository")
    return root.resolve()


def detect(root: Path | None, package: str | None = None) -> Host:
    """Find out what kind of repository ``root`` (``None``: the one the working directory lies in) is and where its
    package lives."""
    root = repository(root)
    flash_dir = _flash_package_dir(root)
    if flash_dir and package in (None, "flash"):
        return Host(root, "flash", "flash", flash_dir, docs_dir(root, is_flash=True))
    if package is not None:
        if not package.isidentifier():
            raise UsageError(f"--package {package!r} is not a Python package name: give the name of the package folder")
        for candidate in (f"src/{package}", package):
            if (root / candidate / "__init__.py").is_file():
                return Host(root, "package", package, candidate, docs_dir(root))
        raise UsageError(
            f"--package {package!r} has no {package}/__init__.py or src/{package}/__init__.py in {root}: "
            "create the package or fix the name"
        )
    found = _packages_under(root / "src")
    if len(found) == 1:
        return Host(root, "package", found[0], f"src/{found[0]}", docs_dir(root))
    if not found:
        raise UsageError(
            f"{root} is neither a Lightning Flash checkout nor a project with a package under src/: "
            "pass --package NAME, or --dest pointing at one"
        )
    raise UsageError(f"{root} has several packages under src/ ({', '.join(found)}): choose one with --package")
