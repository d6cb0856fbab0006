"""The versioned task template: a git bundle of every released template version, one tag each.

Copier records where a task came from (``_src_path``) and at which tag (``_commit``); both must stay
reachable for ``copier update`` to work later, offline, from a checkout or from an installed wheel. The
bundle ships inside the package and is installed at :data:`SRC_PATH`, a path that is the same on every
machine; the answers file records that path with its ``~`` unexpanded, and copier expands it when it runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from scaffold.errors import UsageError

PACKAGED_BUNDLE = Path(__file__).parent / "data" / "task.bundle"
SRC_PATH = "~/.local/share/flash-new/task.bundle"
# For maintainers: a template folder to render new tasks from instead of the bundle's newest version.
DEV_TEMPLATE_ENV = "FLASH_NEW_TEMPLATE"
# The version a task rendered from such a folder records: none that ``update`` or ``check`` knows.
DEV_VERSION = "dev"


def installed_bundle() -> Path:
    return Path(os.path.expanduser(SRC_PATH))


def _version_key(tag: str) -> tuple[int, ...]:
    return tuple(int(part) for part in tag.lstrip("v").split("."))


@lru_cache(maxsize=8)
def _heads(bundle: str, mtime: float, size: int) -> dict[str, str]:
    out = subprocess.run(["git", "bundle", "list-heads", bundle], capture_output=True, text=True, check=True).stdout
    heads = {}
    for line in out.splitlines():
        sha, _, ref = line.partition(" ")
        if ref.startswith("refs/tags/"):
            heads[ref.removeprefix("refs/tags/")] = sha
    return heads


def heads(bundle: Path) -> dict[str, str]:
    """The bundle's version tags and the commit each names."""
    stat = bundle.stat()
    return _heads(str(bundle), stat.st_mtime, stat.st_size)


def tags(bundle: Path) -> tuple[str, ...]:
    """The bundle's version tags, oldest first."""
    return tuple(sorted(heads(bundle), key=_version_key))


def latest_version() -> str:
    """The newest template version flash-new knows (the packaged bundle's last tag)."""
    return tags(PACKAGED_BUNDLE)[-1]


def ensure_installed() -> str:
    """Make :data:`SRC_PATH` hold every version this flash-new ships; return the path copier should record.

    A bundle already there that knows every shipped tag is kept (it may be newer, from a newer flash-new).
    """
    target = installed_bundle()
    if target.is_file() and heads(PACKAGED_BUNDLE).items() <= heads(target).items():
        return SRC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".tmp")
    shutil.copyfile(PACKAGED_BUNDLE, staging)
    os.replace(staging, target)
    return SRC_PATH


def source(vcs_ref: str | None = None) -> tuple[str, str | None]:
    """Where copier renders from and at which tag: ``(src_path, vcs_ref)``.

    A named version comes from the bundle. Otherwise the newest one does, unless :data:`DEV_TEMPLATE_ENV` names
    a template folder (``FLASH_NEW_TEMPLATE=templates/task``): then the folder as it is, edits included, with no
    tag (the task records the version ``dev``, which ``check`` flags and ``update`` refuses).
    """
    folder = os.environ.get(DEV_TEMPLATE_ENV)
    if vcs_ref is None and folder:
        path = Path(folder).expanduser()
        if not (path / "copier.yml").is_file():
            raise UsageError(
                f"{DEV_TEMPLATE_ENV}={folder!r} is not a template folder (it has no copier.yml): "
                f"point it at templates/task, or unset it to render the released template"
            )
        return str(path.resolve()), None
    return ensure_installed(), vcs_ref or latest_version()


def available_versions() -> tuple[str, ...]:
    """Every template version a task can be updated to, oldest first: the installed bundle's tags.

    That bundle holds at least the versions this flash-new ships, more when a newer flash-new installed it.
    """
    ensure_installed()
    return tags(installed_bundle())


def current_version() -> str:
    """The version ``flash-new update`` brings tasks to and ``flash-new check`` expects them at."""
    return available_versions()[-1]
