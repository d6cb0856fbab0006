"""Release the template in ``templates/task`` as a version of the packaged bundle ``scaffold/data/task.bundle``.

``python -m maintainer.release`` (``make release-template`` passes ``--amend``) appends one commit whose tree is
``templates/task`` to the bundle's history and tags it ``v<flash-new version>`` (``scaffold/__init__.py``):

* a version not in the bundle yet is released;
* a version already released with this very template is left alone;
* a version released with another template is refused, unless ``--amend``: then it is released again, in place
  of the old tag, provided it is the bundle's newest version and the version of this checkout. That is the
  version under development, not yet published: whether a version was published cannot be read from the
  repository, so the rule is that a version is published with the flash-new release of the same number, after
  which ``scaffold/__init__.py`` moves to the next version and the published one is never amended again.

It needs git and Python's standard library only, not the Lightning Flash stack. Commits are made with fixed
dates and author, so the same history always gives the same bundle.
"""

from __future__ import annotations

import argparse
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

    ``amend`` replaces ``v<version>`` when it is the newest tag and ``version`` is this checkout's version.
    """
    tag = f"v{version}"
    if not (template_dir / "copier.yml").is_file():
        raise UsageError(f"{template_dir} is not a template folder (no copier.yml): release templates/task")
    with tempfile.TemporaryDirectory(prefix="flash-new-release-") as tmp:
        repo = Path(tmp) / "repo"
        if bundle.exists():
            subprocess.run(
                ["git", "clone", "-q", "--bare", str(bundle), str(repo)], check=True, env={**os.environ, **_ENV}
            )
        else:
            subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True, env={**os.environ, **_ENV})
        tree = template_tree(repo, template_dir)
        existing = sorted(_git(repo, "tag", "--list").split(), key=_key)
        if existing and _key(existing[-1]) > _key(tag):
            raise UsageError(f"{tag} is older than the bundle's newest version {existing[-1]}: bump the version")
        verb = "released"
        if tag in existing:
            if _git(repo, "rev-parse", f"{tag}^{{tree}}").strip() == tree:
                return f"{tag} is already released with this template"
            if not amend:
                raise UsageError(
                    f"{tag} is released with another template: pass --amend to release it again while it is "
                    "unpublished, or bump the version in scaffold/__init__.py"
                )
            if version != __version__:
                raise UsageError(f"--amend re-releases this checkout's version v{__version__} only, not {tag}")
            _git(repo, "tag", "-d", tag)
            existing.remove(tag)
            verb = "released again"
        parents = ["-p", _git(repo, "rev-parse", f"{existing[-1]}^{{commit}}").strip()] if existing else []
        commit = _git(repo, "commit-tree", tree, *parents, "-m", f"Task template {tag}").strip()
        _git(repo, "tag", tag, commit)
        bundle.parent.mkdir(parents=True, exist_ok=True)
        _git(repo, "bundle", "create", str(bundle.resolve()), "--tags")
    return f"{verb} {tag}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maintainer.release", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--amend", action="store_true", help=f"release v{__version__} again if it is the newest, unpublished version"
    )
    arguments = parser.parse_args(argv)
    try:
        print(release(amend=arguments.amend))
    except UsageError as error:
        print(f"release: error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
