"""flash-new's state under `.flash-new/`: a namespace no task name reaches, and files read with their shape checked."""

from __future__ import annotations

import json

import pytest

from scaffold import state
from scaffold.errors import UsageError
from tests.conftest import flash_new, git_commit_all, make_package, tree_snapshot


def _one_line_error(result, *expected: str, code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flash-new: error: "), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def test_no_task_name_reaches_the_journal():
    """Task names start with a letter; the journal's name does not."""
    assert not state._TASK_NAME.fullmatch(state.JOURNAL.rsplit("/", 1)[1].removesuffix(".json"))


@pytest.mark.parametrize("name", ["transaction", "journal", "run"])
def test_a_task_named_like_state_files_is_checked_and_removed(tmp_path, name):
    root = make_package(tmp_path / "project")
    pristine = tree_snapshot(root)

    created = flash_new("task", name, "--dest", str(root), "--defaults")
    assert created.returncode == 0, created.stderr
    assert (root / state.record_path(name)).is_file()
    assert not state.has_journal(root)

    checked = flash_new("check", "--json", "--dest", str(root))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["tasks"][0]["name"] == name

    removed = flash_new("remove", name, "--dest", str(root))
    assert removed.returncode == 0, removed.stderr
    assert tree_snapshot(root) == pristine


@pytest.fixture
def project(tmp_path):
    root = make_package(tmp_path / "project")
    result = flash_new("task", "alpha", "--dest", str(root), "--defaults")
    assert result.returncode == 0, result.stderr
    git_commit_all(root)
    return root


BAD_RECORDS = {
    "not JSON": ("{", "is not valid JSON"),
    "a list": ("[]", "is not a flash-new task record (no template_version)"),
    "files not a mapping": (
        '{"template_version": "v0.1.0", "files": [1]}',
        "files must map paths to digests",
    ),
    "registrations without op": (
        '{"template_version": "v0.1.0", "registrations": [{"file": "x"}]}',
        "registrations must be a list of edits",
    ),
    "older journal": ('{"pid": 1, "files": {}, "dirs": []}', "is the journal of a run of an older flash-new"),
    "not UTF-8": ("\udcff", "is not UTF-8 text"),
}
BAD_ANSWERS = {
    "not YAML": ("a: [", "is not valid YAML"),
    "a list": ("- a\n- b\n", "is not a copier answers file"),
}


def _write(path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("command", [["check"], ["remove", "alpha"], ["update", "alpha"], ["list"]])
@pytest.mark.parametrize("case", list(BAD_RECORDS) + [f"answers {c}" for c in BAD_ANSWERS])
def test_a_malformed_record_or_answers_file_is_one_line_naming_it(project, case, command):
    if case.startswith("answers "):
        path, (text, expected) = state.answers_path("alpha"), BAD_ANSWERS[case.removeprefix("answers ")]
    else:
        path, (text, expected) = state.record_path("alpha"), BAD_RECORDS[case]
    _write(project / path, text)
    git_commit_all(project, "broken state")
    before = tree_snapshot(project)

    result = flash_new(*command, "--dest", str(project))

    _one_line_error(result, path, expected)
    assert tree_snapshot(project) == before


@pytest.mark.parametrize(
    "text",
    ["{", "[]", '{"pid": 1, "files": {"../outside": null}, "dirs": []}', '{"pid": 1, "files": {"a": 3}, "dirs": []}'],
)
def test_a_malformed_journal_is_one_line_naming_it(project, text):
    (project / state.JOURNAL).write_text(text)
    before = tree_snapshot(project)
    _one_line_error(flash_new("rollback", "--dest", str(project)), state.JOURNAL, "is not a flash-new journal")
    assert tree_snapshot(project) == before


def test_journal_round_trip():
    journal = state.Journal(7, {"a.py": b"x\n", "b/c.py": None}, ["b"])
    assert state.Journal.from_json(json.loads(journal.to_bytes())) == journal
    with pytest.raises(UsageError, match="is not a flash-new journal"):
        state.Journal.from_json({"pid": 7, "files": {"/etc/passwd": None}, "dirs": []})
