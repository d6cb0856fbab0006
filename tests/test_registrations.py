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


def _same_export(record):
    """A record as what it edits, a package export's names in any order."""
    if record.kind != "package-export":
        return record
    return (record.file, record.module, sorted(record.names), record.inserted, record.created)


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
    assert len(set(names)) == len(names) == 8
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
            # v0.2.0 writes the package export's names in isort's order: the same import, its names reordered
            assert [_same_export(record) for record in old] == [_same_export(r) for r in task.registrations]


def test_remove_by_records_of_earlier_versions_is_exact(hosts, tmp_path):
    root = hosts["flash"]
    for task in load_tasks(root):
        path = root / state.record_path(task.name)
        data = json.loads(path.read_text())
        path.write_text(json.dumps({**data, "registrations": LEGACY[task.name]}, indent=2) + "\n")
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
