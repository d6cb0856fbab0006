"""What flash-new trusts: copier runs with trust (a template's migrations are commands) only on its own template.

An answers file (:mod:`scaffold.state` reads and checks it) lives in the repository, where anyone with a pull
request can change it, and it names the template copier takes: ``_src_path`` and ``_commit``. flash-new runs
copier on it only when ``_src_path`` is exactly one of :data:`scaffold.template.SRC_PATHS`, the strings
flash-new writes (the project's copy of the history, or the home-directory path of flash-new 0.1.0), and
``_commit`` one of this flash-new's version tags; copier then takes every version from the bundle packaged with
flash-new, never from the copy in the project (:mod:`scaffold.update`). Any other spelling of the same place
(expanded ``~``, a symlink, ``file://``, a trailing slash, another relative path) is refused too: flash-new
never writes one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from scaffold.errors import UntrustedTemplate
from scaffold.template import SRC_PATH, SRC_PATHS

VERSION_TAG = re.compile(r"v\d+\.\d+\.\d+")


def is_foreign(answers: Mapping) -> bool:
    """Whether ``answers`` name another template than flash-new's, or a version that is no version tag.

    A version tag unknown to this flash-new (a newer one) is not foreign: it asks for an upgrade. Neither is a
    file without a source or a version (``_commit``), such as a task rendered from a template folder under
    development: copier cannot update it, nothing runs on it, and the commands say so in their own words.
    """
    if "_commit" not in answers or "_src_path" not in answers:
        return False
    commit = answers["_commit"]
    foreign_source = answers.get("_src_path") not in SRC_PATHS
    foreign_commit = not (isinstance(commit, str) and VERSION_TAG.fullmatch(commit))
    return foreign_source or foreign_commit


def source_problem(answers_file: str, answers: Mapping, versions: Sequence[str]) -> str | None:
    """Why copier must not run with trust on ``answers`` (``None``: it is flash-new's template at a version)."""
    src, commit = answers.get("_src_path"), answers.get("_commit")
    if src in SRC_PATHS and isinstance(commit, str) and commit in versions:
        return None
    return (
        f"{answers_file} points at template {src!r} at {commit!r}, not flash-new's own template {SRC_PATH!r} "
        f"at one of {', '.join(versions)}: restore it from git before anything runs it"
    )


def check_source(answers_file: str, answers: Mapping, versions: Sequence[str]) -> None:
    """Raise :class:`~scaffold.errors.UntrustedTemplate` unless copier may run with trust on ``answers``."""
    problem = source_problem(answers_file, answers, versions)
    if problem:
        raise UntrustedTemplate(problem)
