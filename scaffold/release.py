"""Release the template in ``templates/task`` as a new version in the packaged bundle.

Run ``python -m scaffold.release`` (``make release-template``) after changing the template: it appends one
commit whose tree is ``templates/task`` to the bundle's history and tags it ``v<flash-new version>``. An
unchanged template is a no-op; a changed one under an already released version is refused, since tasks
generated from that version would no longer update cleanly. Commits are made with fixed dates and author,
so the same history always gives the same bundle.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from scaffold import __version__
from scaffold.errors import UsageError
from scaffold.template import PACKAGED_BUNDLE

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "task"
_ENV = {
    "GIT_AUTHOR_NAME": "flash-new",
    "GIT_AUTHOR_EMAIL": "flash-new@users.noreply.invalid",
    "GIT_COMMITTER_NAME": "flash-new",
    "GIT_COMMITTER_EMAIL": "flash-new@users.noreply.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+0000",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, **_ENV}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env).stdout


def _key(tag: str) -> tuple[int, ...]:
    return tuple(int(part) for part in tag.lstrip("v").split("."))


def template_tree(repo: Path, template_dir: Path = TEMPLATE_DIR) -> str:
    """The git tree id of ``template_dir`` (ignored files and caches left out)."""
    env = {**os.environ, **_ENV, "GIT_INDEX_FILE": str(repo / "release.index"), "GIT_WORK_TREE": str(template_dir)}
    run = {"capture_output": True, "text": True, "check": True, "env": env}
    subprocess.run(["git", "-C", str(repo), "read-tree", "--empty"], **run)
    subprocess.run(["git", "-C", str(repo), "add", "-A", "--", ".", ":!**/__pycache__", ":!**/*.pyc"], **run)
    return subprocess.run(["git", "-C", str(repo), "write-tree"], **run).stdout.strip()


def release(
    version: str = __version__,
    bundle: Path = PACKAGED_BUNDLE,
    template_dir: Path = TEMPLATE_DIR,
    amend: bool = False,
) -> str:
    """Append ``template_dir`` to ``bundle`` as ``v<version>``; return what was done.

    ``amend`` replaces ``v<version>`` when it is the newest tag: for a version not yet published.
    """
    tag = f"v{version}"
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        if bundle.exists():
            subprocess.run(
                ["git", "clone", "-q", "--bare", str(bundle), str(repo)], check=True, env={**os.environ, **_ENV}
            )
        else:
            subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True, env={**os.environ, **_ENV})
        tree = template_tree(repo, template_dir)
        existing = _git(repo, "tag", "--list").split()
        if tag in existing:
            if _git(repo, "rev-parse", f"{tag}^{{tree}}").strip() == tree:
                return f"{tag} is already released with this template"
            if not amend or sorted(existing, key=_key)[-1] != tag:
                raise UsageError(
                    f"{tag} is released with another template: bump the version in scaffold/__init__.py "
                    "(or pass --amend while it is the newest, unpublished version)"
                )
            _git(repo, "tag", "-d", tag)
            existing.remove(tag)
        parents = []
        if existing:
            latest = sorted(existing, key=_key)[-1]
            parents = ["-p", _git(repo, "rev-parse", f"{latest}^{{commit}}").strip()]
        commit = _git(repo, "commit-tree", tree, *parents, "-m", f"Task template {tag}").strip()
        _git(repo, "tag", tag, commit)
        bundle.parent.mkdir(parents=True, exist_ok=True)
        _git(repo, "bundle", "create", str(bundle.resolve()), "--tags")
    return f"released {tag}"


if __name__ == "__main__":
    print(release(amend="--amend" in sys.argv[1:]))
