"""Registrations as objects: one class per kind, one vocabulary in records, and the records of earlier versions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaffold import registrations, state
from scaffold.errors import UsageError
from scaffold.names import TaskOptions
from scaffold.tasks import create_task, load_tasks, remove_task
from tests.conftest import FIXTURES, isolation, make_flash_checkout, make_package, tree_snapshot

LEGACY = json.loads((FIXTURES / "registrations_before_0.2.json").read_text())["tasks"]
FLASH_TASKS = [
    TaskOptions("sensor_clf", data_type="sensor", extras=["visualization", "cli"]),
    TaskOptions("sensor_reg", data_type="sensor", kind="regression"),
    TaskOptions("template_reg", data_type="template", kind="regression"),
]


# In a Flash checkout, template v0.2.0 changed what three edits are (the CHANGELOG line ends with a pull-request
# link; the examples test imports, and skips the entry on, the data type's topic flag) and added the topic's own
# (its flag, its extra, its requirements files, its row of CI's test matrix). Records of earlier versions describe
# the other edits as they still are.
REWRITTEN_IN_FLASH = {"changelog-line", "examples-test-import", "examples-test-entry"}
NEW_IN_FLASH = {"topic-flag", "topic-extra", "topic-requirements", "ci-matrix-row"}
# Everywhere, the package export's names are now in isort's order (the same import, another order of its names).


def _unchanged(records: list, root) -> list:
    skipped = {"package-export"} | (REWRITTEN_IN_FLASH | NEW_IN_FLASH if root.name == "flash" else set())
    return [record for record in records if record.kind not in skipped]


def _exports(records: list) -> list:
    return [(r.file, r.module, sorted(r.names), r.inserted, r.created) for r in records if r.kind == "package-export"]


@pytest.fixture(scope="module")
def registered_hosts(tmp_path_factory, home):
    """The two hosts with their tasks, made once: each test gets copies of its own (``hosts``)."""
    where = tmp_path_factory.mktemp("registrations")
    with isolation(home):
        flash = make_flash_checkout(where / "flash")
        for options in FLASH_TASKS:
            create_task(
                flash, TaskOptions(**{k: (list(v) if isinstance(v, list) else v) for k, v in vars(options).items()})
            )
        package = make_package(where / "package")
        create_task(package, TaskOptions("myclf"))
    return {"flash": flash, "package": package}


@pytest.fixture
def hosts(registered_hosts, tmp_path):
    copies = {name: shutil.copytree(root, tmp_path / name, symlinks=True) for name, root in registered_hosts.items()}
    return {name: Path(root) for name, root in copies.items()}


def test_every_kind_is_listed_once_with_its_own_name():
    names = [kind.kind for kind in registrations.KINDS]
    assert len(set(names)) == len(names) == 12
    assert all(names) and all(kind.__module__.startswith("scaffold.registrations.") for kind in registrations.KINDS)


def test_records_use_one_vocabulary_and_round_trip(hosts):
    seen = set()
    for root in hosts.values():
        for task in load_tasks(root):
            for record in task.registrations:
                data = record.to_json()
                seen.add(data["op"])
                assert "added" not in data and {"inserted", "created"} <= set(data), data
                assert registrations.from_json(data, "x") == record
                sentence = record.describe()
                assert sentence.startswith(record.file + " ") and data["op"] not in sentence, sentence
    assert seen == {kind.kind for kind in registrations.KINDS}


def test_records_of_earlier_versions_read_as_todays(hosts):
    """What an earlier flash-new recorded (other op names, ``added``) means the same edits with the same flags."""
    for root in hosts.values():
        for task in load_tasks(root):
            old = [registrations.from_json(data, "old") for data in LEGACY[task.name]]
            assert _unchanged(old, root) == _unchanged(task.registrations, root), task.name
            assert _exports(old) == _exports(task.registrations), task.name
            rewritten = [(r.kind, r.file) for r in old if r.kind in REWRITTEN_IN_FLASH]
            assert rewritten == [(r.kind, r.file) for r in task.registrations if r.kind in REWRITTEN_IN_FLASH]


def test_remove_by_records_of_earlier_versions_is_exact(hosts, tmp_path):
    root = hosts["flash"]
    for task in load_tasks(root):
        path = root / state.record_path(task.name)
        data = json.loads(path.read_text())
        # the earlier versions' records of the edits that are unchanged; today's of the others
        legacy = iter(d for d in LEGACY[task.name] if registrations.from_json(d, "old").kind not in REWRITTEN_IN_FLASH)
        mixed = [
            record.to_json() if record.kind in REWRITTEN_IN_FLASH | NEW_IN_FLASH else next(legacy)
            for record in task.registrations
        ]
        assert next(legacy, None) is None
        path.write_text(json.dumps({**data, "registrations": mixed}, indent=2) + "\n")
    for name in ("sensor_reg", "template_reg", "sensor_clf"):
        remove_task(root, name)
    assert tree_snapshot(root) == tree_snapshot(make_flash_checkout(tmp_path / "pristine"))


def test_an_unknown_or_malformed_edit_in_a_record_names_the_file():
    with pytest.raises(UsageError, match=r"^x.json records an edit flash-new does not know \('wish'"):
        registrations.from_json({"op": "wish", "file": "a"}, "x.json")
    with pytest.raises(UsageError, match=r"^x.json is not a flash-new task record \(an edit of a has no caption\)"):
        registrations.from_json({"op": "toctree-entry", "file": "a", "entry": "b"}, "x.json")
    with pytest.raises(UsageError, match=r"names of an edit of a is not list\[str\]"):
        registrations.from_json(
            {"op": "package-export", "file": "a", "module": "m", "names": "N", "text": ""}, "x.json"
        )
