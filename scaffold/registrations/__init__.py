"""Registrations: the edits a task makes in the files it shares with the rest of the repository.

One module per kind of edit, each a :class:`~scaffold.registrations.base.Registration` subclass that plans,
checks, undoes and describes its edit; :data:`KINDS` lists them. Adding a kind is one new module and one line
in :data:`KINDS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scaffold.errors import UsageError
from scaffold.registrations.api_section import ApiSection
from scaffold.registrations.base import Registration
from scaffold.registrations.changelog_line import ChangelogLine
from scaffold.registrations.ci_matrix_row import CiMatrixRow
from scaffold.registrations.examples_test_entry import ExamplesTestEntry
from scaffold.registrations.examples_test_import import ExamplesTestImport
from scaffold.registrations.flash_zero_entry import FlashZeroEntry
from scaffold.registrations.package_export import PackageExport
from scaffold.registrations.tests_package import TestsPackage
from scaffold.registrations.toctree_entry import ToctreeEntry
from scaffold.registrations.topic import TopicExtra, TopicFlag
from scaffold.registrations.topic_requirements import TopicRequirements

if TYPE_CHECKING:
    from scaffold.host import Host
    from scaffold.plan import Plan

# Every kind, in the order a task makes its edits (``remove`` undoes them in reverse).
KINDS: tuple[type[Registration], ...] = (
    PackageExport,
    TestsPackage,
    ToctreeEntry,
    ApiSection,
    ChangelogLine,
    TopicFlag,
    TopicExtra,
    TopicRequirements,
    CiMatrixRow,
    ExamplesTestImport,
    ExamplesTestEntry,
    FlashZeroEntry,
)

__all__ = [
    "KINDS",
    "ApiSection",
    "ChangelogLine",
    "CiMatrixRow",
    "ExamplesTestEntry",
    "ExamplesTestImport",
    "FlashZeroEntry",
    "PackageExport",
    "Registration",
    "TestsPackage",
    "ToctreeEntry",
    "TopicExtra",
    "TopicFlag",
    "TopicRequirements",
    "from_json",
    "planned",
]


def planned(host: Host, context: dict, plan: Plan) -> list[Registration]:
    """Every registration the task ``context`` describes needs in ``host``, not yet applied."""
    return [registration for kind in KINDS for registration in kind.for_task(host, context, plan)]


def from_json(data: dict[str, Any], where: str) -> Registration:
    """The registration the record ``data`` describes (of this version or an earlier one); ``where`` names its file."""
    for kind in KINDS:
        if kind.reads(data):
            return kind.from_json(data, where)
    raise UsageError(
        f"{where} records an edit flash-new does not know ({data.get('op')!r} in {data.get('file')}): "
        "upgrade flash-new, or restore the file from git"
    )
