"""flash-new's state under `.flash-new/`: a namespace no task name reaches, and files read with their shape checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaffold import state
from scaffold.errors import InvalidState, UntrustedTemplate, UsageError
from scaffold.names import TaskOptions
from scaffold.tasks import create_task
from tests.conftest import flash_new, git_commit_all, isolation, make_package, tree_snapshot


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


@pytest.fixture(scope="module")
def alpha_project(tmp_path_factory, home) -> Path:
    """A project with the task ``alpha``, committed, made once."""
    with isolation(home):
        root = make_package(tmp_path_factory.mktemp("state") / "project")
        create_task(root, TaskOptions("alpha"))
        git_commit_all(root)
    return root


@pytest.fixture
def project(alpha_project, tmp_path) -> Path:
    """A copy of the project holding ``alpha`` that a test may damage."""
    return Path(shutil.copytree(alpha_project, tmp_path / "project", symlinks=True))


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


# ---- reading and writing state, in the library: what every command relies on ----------------------------------


def _refused(read, root: Path, path: str, *expected: str) -> None:
    """``read()`` refuses (exit code 2) with one line naming ``path``, saying what it found and what to do
    (``expected``), and changes nothing."""
    before = tree_snapshot(root)
    with pytest.raises(UsageError) as error:
        read()
    assert error.value.exit_code == 2
    assert tree_snapshot(root) == before
    message = str(error.value)
    assert message.startswith((f"{path} ", f"{path}: ")) and "\n" not in message, message
    for text in expected:
        assert text in message, message


RESTORE = ": restore it from git"
NOT_A_RECORD = "is not a flash-new task record"
MORE_BAD_RECORDS = {
    '{"template_version": 1}': "(no template_version)",
    '{"files": {}, "dirs": []}': "(no template_version)",
    '{"template_version": "v0.1.0", "files": {"a.py": 1}}': "(files must map paths to digests)",
    '{"template_version": "v0.1.0", "files": {"a.py": "0a"}, "context": []}': "(context must be a mapping)",
    '{"template_version": "v0.1.0", "registrations": {}}': "(registrations must be a list of edits with op and file)",
    '{"template_version": "v0.1.0", "registrations": ["x"]}': "(registrations must be",
    '{"template_version": "v0.1.0", "registrations": [{"op": 1, "file": "x"}]}': "(registrations must be",
    '{"template_version": "v0.1.0", "registrations": [{"op": "toctree-entry", "file": 1}]}': "(registrations must be",
    '{"template_version": "v0.1.0", "registrations": [{"op": "toctree-entry"}]}': "(registrations must be",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, [expected]) for text, expected in BAD_RECORDS.values()]
    + [(text, [NOT_A_RECORD, expected, RESTORE]) for text, expected in MORE_BAD_RECORDS.items()],
)
def test_a_malformed_record_is_refused_when_read(project, text, expected):
    _write(project / state.record_path("alpha"), text)
    path = state.record_path("alpha")
    _refused(lambda: state.load_record(project, "alpha"), project, path, *expected)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("../outside.txt", "the path '../outside.txt' is outside the repository"),
        (".flash-new", "flash-new's own state"),
    ],
)
@pytest.mark.parametrize("where", ["files", "registration"])
def test_a_record_naming_a_path_outside_the_repository_or_in_its_state_is_refused_when_read(
    project, file, expected, where
):
    path = state.record_path("alpha")
    record = json.loads((project / path).read_text())
    if where == "files":
        record["files"][file] = "0" * 64
    else:
        record["registrations"][0]["file"] = file
    (project / path).write_text(json.dumps(record))
    _refused(lambda: state.load_record(project, "alpha"), project, path, expected, RESTORE)


NOT_ANSWERS = "is not a copier answers file (a mapping of answers)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [", "is not valid YAML (expected the node content, but found '<stream end>')"),
        ("task_name: [alpha\nkind: {\n", "is not valid YAML (expected ',' or ']', but got ':')"),
        ("task_name: a\x00\n", "is not valid YAML (ReaderError)"),  # an error that names no problem
        ("- a\n- b\n", NOT_ANSWERS),
        ("1: one\n", NOT_ANSWERS),
        ("just text\n", NOT_ANSWERS),
        ("\udcff", "is not UTF-8 text"),
    ],
)
def test_a_malformed_answers_file_is_refused_when_read(project, text, expected):
    _write(project / state.answers_path("alpha"), text)
    _refused(lambda: state.load_answers(project, "alpha"), project, state.answers_path("alpha"), expected, RESTORE)


def test_an_answers_file_that_is_a_folder_is_refused_when_read(project):
    (project / state.answers_path("alpha")).unlink()
    (project / state.answers_path("alpha")).mkdir()
    path = state.answers_path("alpha")
    _refused(lambda: state.load_answers(project, "alpha"), project, path, "cannot be read (", "make it readable")


def test_an_empty_answers_file_is_not_an_answers_file(project):
    answers = state.load_answers(project, "alpha")
    assert answers["task_name"] == "alpha"
    (project / state.answers_path("alpha")).write_text("")
    with pytest.raises(InvalidState, match=r"^\.flash-new/alpha\.yml is not a copier answers file"):
        state.load_answers(project, "alpha")


def test_a_record_reads_back_as_written_with_its_defaults(project):
    record = state.load_record(project, "alpha")
    assert record.registrations and record.files and record.context["task_name"] == "alpha"
    again = state.TaskRecord.from_json(json.loads(record.to_bytes()), "x")
    assert again == record
    assert again.to_bytes() == (project / state.record_path("alpha")).read_bytes()

    (project / state.record_path("alpha")).write_text('{"template_version": "v0.1.0"}')
    assert state.load_record(project, "alpha") == state.TaskRecord("v0.1.0")
    assert state.load_record(project, "beta") is None


def test_a_record_is_written_the_same_whatever_the_order_it_was_built_in(project):
    record = state.load_record(project, "alpha")
    files, context = list(record.files.items()), list(record.context.items())
    shuffled = state.TaskRecord(
        record.template_version, dict(reversed(files)), dict(reversed(context)), record.registrations
    )
    assert shuffled.to_bytes() == record.to_bytes()
    assert list(json.loads(shuffled.to_bytes())["files"]) == sorted(record.files)


def test_only_task_names_are_listed_as_tasks_in_order(project, tmp_path):
    folder = project / state.STATE_DIR
    for name in ("_journal.json", "Upper.json", "9lives.json", "beta.yml", "zeta.json", "notes.txt"):
        (folder / name).write_text("{}")
    (folder / "gamma.json").mkdir()
    (folder / "gamma.yml").mkdir()
    (folder / "delta.yml").write_text("")
    assert state.recorded_tasks(project) == ["alpha", "zeta"]
    assert state.answered_tasks(project) == ["alpha", "beta", "delta"]
    assert state.recorded_tasks(tmp_path) == state.answered_tasks(tmp_path) == []


JOURNAL_CASES = {
    "round trip": {"pid": 7, "files": {"a.py": "eAo=", "b/c.py": None}, "dirs": ["b"]},
    "not a mapping": [],
    "pid not a number": {"pid": "7", "files": {}, "dirs": []},
    "files not a mapping": {"pid": 7, "files": [], "dirs": []},
    "dirs not a list": {"pid": 7, "files": {}, "dirs": "b"},
    "a dir not text": {"pid": 7, "files": {}, "dirs": [3]},
    "a dir outside": {"pid": 7, "files": {}, "dirs": ["b/../.."]},
    "a dir absolute": {"pid": 7, "files": {}, "dirs": ["/tmp"]},
    "a dir empty": {"pid": 7, "files": {}, "dirs": [""]},
    "a file outside": {"pid": 7, "files": {"../a.py": None}, "dirs": []},
    "a file absolute": {"pid": 7, "files": {"/etc/passwd": None}, "dirs": []},
    "bytes not text": {"pid": 7, "files": {"a.py": 3}, "dirs": []},
    "bytes not base64": {"pid": 7, "files": {"a.py": "e!o="}, "dirs": []},
    "bytes with a character base64 does not use": {"pid": 7, "files": {"a.py": "eA!o="}, "dirs": []},  # not b"x\n"
}


@pytest.mark.parametrize("case", list(JOURNAL_CASES))
def test_a_journal_is_read_back_exactly_or_refused(project, case):
    assert state.load_journal(project) is None and not state.has_journal(project)
    (project / state.JOURNAL).write_text(json.dumps(JOURNAL_CASES[case]))
    assert state.has_journal(project)
    if case == "round trip":
        journal = state.load_journal(project)
        assert journal == state.Journal(7, {"a.py": b"x\n", "b/c.py": None}, ["b"])
        assert json.loads(journal.to_bytes()) == JOURNAL_CASES[case]
    else:
        _refused(lambda: state.load_journal(project), project, state.JOURNAL, NOT_A_JOURNAL)


NOT_A_JOURNAL = "is not a flash-new journal (restore the tree from git and delete the file): restore it from git"


@pytest.mark.parametrize(("text", "expected"), [("{", NOT_A_JOURNAL), ("\udcff", "is not UTF-8 text")])
def test_a_journal_that_is_not_json_is_refused(project, text, expected):
    _write(project / state.JOURNAL, text)
    _refused(lambda: state.load_journal(project), project, state.JOURNAL, expected)


# ---- answers files: read back checked, and their template source rewritten line for line -----------------------


def _set_answer(root: Path, key: str, value) -> None:
    import yaml

    path = root / state.answers_path("alpha")
    answers = yaml.safe_load(path.read_text())
    answers[key] = value
    path.write_text(yaml.safe_dump(answers))


def test_answers_are_read_back_as_copier_wrote_them(project):
    import yaml

    answers = state.load_answers(project, "alpha")
    assert answers == yaml.safe_load((project / state.answers_path("alpha")).read_text())
    assert (answers["task_name"], answers["_src_path"]) == ("alpha", state.TEMPLATE_BUNDLE)


def test_answers_naming_a_newer_template_version_are_read(project):
    """Not foreign: ``update`` and ``check`` then say that flash-new needs an upgrade."""
    _set_answer(project, "_commit", "v10.20.300")
    assert state.load_answers(project, "alpha")["_commit"] == "v10.20.300"


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("task_name", "beta", InvalidState),  # another task's answers under this task's name
        ("kind", "exec", InvalidState),  # an answer its flag refuses
        ("_src_path", "https://example.invalid/template.git", UntrustedTemplate),
        ("_commit", "HEAD", UntrustedTemplate),
    ],
)
def test_answers_another_task_flags_or_template_would_refuse_are_refused_when_read(project, key, value, error):
    _set_answer(project, key, value)
    before = tree_snapshot(project)
    with pytest.raises(error) as raised:
        state.load_answers(project, "alpha")
    assert raised.value.exit_code == 2
    assert str(raised.value).startswith(state.answers_path("alpha"))
    assert tree_snapshot(project) == before


ANSWERS_TEXT = (
    "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"
    "_commit: v0.1.0\n"
    "_src_path: ~/.local/share/flash-new/task.bundle\n"
    "description: 'Score: examples'\n"
    "task_name: alpha\n"
)


def test_only_the_template_source_line_of_an_answers_file_changes():
    source = ".flash-new/_template.bundle"
    updated = state.with_template_source(ANSWERS_TEXT.encode(), source, "x.yml")
    assert updated.decode() == ANSWERS_TEXT.replace("~/.local/share/flash-new/task.bundle", source)
    long_source = "a folder with spaces/" * 10 + "task.bundle"  # one line, however long
    updated = state.with_template_source(ANSWERS_TEXT.encode(), long_source, "x.yml").decode()
    assert updated.splitlines()[2] == f"_src_path: {long_source}"


@pytest.mark.parametrize(
    "text",
    [
        ANSWERS_TEXT.replace("_src_path: ~/.local/share/flash-new/task.bundle\n", ""),  # no source line
        ANSWERS_TEXT + "_src_path: ~/.local/share/flash-new/task.bundle\n",  # two
        ANSWERS_TEXT.replace("_src_path: ~/.local/share/flash-new/task.bundle\n", 'note: "a\n_src_path: b\n c"\n'),
    ],
    ids=["none", "two", "inside another answer"],
)
def test_an_answers_file_without_exactly_one_source_line_is_refused(text):
    with pytest.raises(InvalidState, match=r"^x\.yml is not a copier answers file with one _src_path line"):
        state.with_template_source(text.encode(), ".flash-new/_template.bundle", "x.yml")


# ---- records: their file format, and the paths they may name ----------------------------------------------------


def test_a_record_is_indented_json_with_sorted_keys_and_a_final_newline():
    """The committed format: a task's record changes in git only where its content does."""
    record = state.TaskRecord("v0.1.0", {"b.py": "2", "a.py": "1"}, {"z": 1, "a": [2]})
    assert record.to_bytes() == (
        b'{\n  "template_version": "v0.1.0",\n  "files": {\n    "a.py": "1",\n    "b.py": "2"\n  },\n'
        b'  "context": {\n    "a": [\n      2\n    ],\n    "z": 1\n  },\n  "registrations": []\n}\n'
    )


@pytest.mark.parametrize(
    ("path", "inside"),
    [(".flash-new", True), (".flash-new/alpha.yml", True), (".flash-newer/x.py", False), ("a/.flash-new/x", False)],
)
def test_only_paths_under_the_state_folder_are_state(path, inside):
    assert state.is_state_path(path) is inside
    record = {"template_version": "v0.1.0", "files": {path: "0" * 64}}
    if inside:  # a record never names flash-new's own state: remove would delete it
        with pytest.raises(InvalidState, match="flash-new's own state"):
            state.TaskRecord.from_json(record, "r.json")
    else:
        assert state.TaskRecord.from_json(record, "r.json").files == {path: "0" * 64}


def test_a_record_with_the_keys_of_a_journal_and_a_version_is_a_record():
    record = state.TaskRecord.from_json({"template_version": "v0.1.0", "pid": 1, "files": {}, "dirs": []}, "r.json")
    assert record == state.TaskRecord("v0.1.0")


@pytest.mark.parametrize("extra", ["", ', "more": 1'])
def test_the_journal_of_an_older_flash_new_in_a_record_says_to_restore_the_tree(project, extra):
    """Not an ``InvalidState`` (restore the file): the tree itself is half-written and must be restored."""
    (project / state.record_path("alpha")).write_text('{"pid": 1, "files": {}, "dirs": []' + extra + "}")
    advice = r"restore the tree from git \(git checkout -- \. && git clean -fd\) and delete the file$"
    with pytest.raises(
        UsageError, match=r"^\.flash-new/alpha\.json is the journal of a run of an older flash-new.*" + advice
    ) as raised:
        state.load_record(project, "alpha")
    assert not isinstance(raised.value, InvalidState)


def test_a_record_that_is_a_folder_is_no_record(project):
    (project / state.record_path("gamma")).mkdir()
    assert state.load_record(project, "gamma") is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"op": "shell", "file": "CHANGELOG.md", "command": "touch marker"}, "records an edit flash-new does not know"),
        ({"op": "toctree-entry", "caption": "Guides", "entry": "guide"}, "whose entry flash-new never writes"),
    ],
)
def test_a_record_of_an_edit_flash_new_never_makes_is_refused_when_read(project, change, expected):
    path = state.record_path("alpha")
    record = json.loads((project / path).read_text())
    if change["op"] == "shell":
        record["registrations"].append(change)
    else:
        next(r for r in record["registrations"] if r["op"] == change["op"]).update(change)
    (project / path).write_text(json.dumps(record))
    _refused(lambda: state.load_record(project, "alpha"), project, path, expected)


@pytest.fixture
def ascii_locale():
    """The process's locale encoding ASCII (``LC_CTYPE=C`` without Python's UTF-8 mode), as on a bare server."""
    import locale

    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    yield
    locale.setlocale(locale.LC_CTYPE, before)


def test_state_files_are_read_as_utf8_whatever_the_locale(project, ascii_locale):
    import yaml

    description = "Scores of café and naïve examples"
    path = project / state.answers_path("alpha")
    answers = {**yaml.safe_load(path.read_bytes()), "description": description}
    path.write_bytes(yaml.safe_dump(answers, allow_unicode=True).encode("utf-8"))
    assert description.encode("utf-8") in path.read_bytes()
    assert state.load_answers(project, "alpha")["description"] == description
