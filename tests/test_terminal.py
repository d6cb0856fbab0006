"""The terminal experience: the question flow in a real pseudo-terminal, shell completion, plain output without a
terminal or with NO_COLOR, error messages that say what to do, and a ``--help`` that imports nothing heavy."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import pexpect
import pytest

from tests.conftest import REPO, flash_new, make_package, tree_snapshot

ESCAPE = "\x1b"


def spawn(*args: str, env: dict | None = None) -> pexpect.spawn:
    """``flash-new`` in a pseudo-terminal of 40 x 200, as a user runs it."""
    environment = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color", **(env or {})}
    return pexpect.spawn(
        sys.executable,
        ["-m", "scaffold", *args],
        env=environment,
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 200),
    )


def answer(child: pexpect.spawn, question: str, text: str | None) -> None:
    """Wait for ``question``; keep its default (``None``) or replace it with ``text``."""
    child.expect_exact(question)
    if text is not None:
        child.sendcontrol("u")  # the default is pre-filled: clear the line first
        child.send(text)
    child.send("\r")


def choose(child: pexpect.spawn, question: str, choice: str) -> None:
    """Wait for the choice ``question``, move down to the item starting with ``choice`` and pick it."""
    child.expect_exact(question)
    for _ in range(10):
        child.expect(r"» (\S+)")  # the highlighted item
        if child.match.group(1).rstrip(":") == choice:
            child.send("\r")
            return
        child.send("\x1b[B")  # arrow down
    raise AssertionError(f"{choice!r} is not a choice of {question!r}")


# ---- the question flow ----------------------------------------------------------------------------------------------

DESCRIPTION = 'Reads "sensor" data {{ 7*7 }} \\ *fast* — é'


def keep_choices(child: pexpect.spawn, question: str) -> None:
    """Wait for the multiple-choice ``question`` and keep its default choices."""
    child.expect_exact(question)
    child.send("\r")


def test_answering_the_questions_gives_the_task_the_flags_give(tmp_path):
    asked = make_package(tmp_path / "asked")
    child = spawn("task", "sensor", "--kind", "regression", "--dest", str(asked), env={"NO_COLOR": "1"})
    answer(child, "Data type (the subpackage the task lives in)", None)
    answer(child, "Task type (the task's own subpackage)", None)
    keep_choices(child, "Data sources, each with its Input class and from_* constructor")
    keep_choices(child, "The guide's optional extras")
    choose(child, "How the Task's training, validation, test and predict steps are written", "explicit")
    answer(child, "One line describing the task", DESCRIPTION)
    answer(child, "The DataModule class name", "SensorReadings")
    answer(child, "The Task class name", None)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before

    flagged = make_package(tmp_path / "flagged")
    result = flash_new(
        "task", "sensor", "--kind", "regression", "--description", DESCRIPTION, "--data-class", "SensorReadings",
        "--model-class", "SensorRegressor", "--steps", "explicit", "--dest", str(flagged), "--defaults",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert tree_snapshot(asked) == tree_snapshot(flagged)
    assert "SensorReadings" in (asked / "src/team_tasks/sensor/regression/data.py").read_text()
    assert "steps: explicit" in (asked / ".flash-new/sensor.yml").read_text()


def plain(output: str) -> str:
    """Terminal output as it reads: no escape sequences, no carriage returns."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output).replace("\r", "")


def test_every_open_question_is_asked_and_a_dry_run_asks_them_too(tmp_path):
    """No flag but the name: kind, data type, task type, inputs, extras and steps are asked, for a dry run too, and
    the dry run's plan is the plan of the real run with those answers."""
    root = make_package(tmp_path / "project")
    before = tree_snapshot(root)
    child = spawn("task", "sensor", "--dest", str(root), "--dry-run", env={"NO_COLOR": "1"})
    child.expect_exact("Which Flash base class the task extends")
    child.send("\x1b[B\r")  # the second choice: regression
    answer(child, "Data type (the subpackage the task lives in)", "gauge")
    answer(child, "Task type (the task's own subpackage)", "level")
    keep_choices(child, "Data sources, each with its Input class and from_* constructor")
    keep_choices(child, "The guide's optional extras")
    keep_choices(child, "How the Task's training, validation, test and predict steps are written")  # super
    answer(child, "One line describing the task", None)
    answer(child, "The DataModule class name", None)
    answer(child, "The Task class name", None)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert tree_snapshot(root) == before
    planned = [line.strip() for line in plain(child.before).splitlines() if line.strip().startswith("create ")]

    real = flash_new(
        "task", "sensor", "--kind", "regression", "--data-type", "gauge", "--task-type", "level", "--dest", str(root)
    )

    assert real.returncode == 0, real.stderr
    assert planned == [line.strip() for line in real.stdout.splitlines() if line.strip().startswith("create ")]
    assert "  src/team_tasks/gauge/level/model.py" in real.stdout


def refused(child: pexpect.spawn, question: str, bad: str, words: str, good: str) -> None:
    """Type ``bad`` at ``question``: the prompt must say ``words`` and stay; then answer ``good``."""
    answer(child, question, bad)
    child.expect_exact(words, timeout=20)
    child.sendcontrol("u")
    child.send(good + "\r")


def test_a_bad_answer_is_refused_at_its_own_prompt(tmp_path):
    """Each name is checked as it is typed, with the rule and words of its flag, and asked again."""
    root = make_package(tmp_path / "project")
    child = spawn("task", "sensor", "--dest", str(root), env={"NO_COLOR": "1"})
    keep_choices(child, "Which Flash base class the task extends")
    refused(child, "Data type (the subpackage the task lives in)", "Bad-Type", "snake_case identifier", "gauge")
    refused(child, "Task type (the task's own subpackage)", "level 2", "snake_case identifier", "level")
    keep_choices(child, "Data sources, each with its Input class and from_* constructor")
    keep_choices(child, "The guide's optional extras")
    keep_choices(child, "How the Task's training, validation, test and predict steps are written")
    refused(child, "One line describing the task", "two  spaces", "single spaces", "Reads gauges.")
    refused(child, "The DataModule class name", "gauge_data", "CamelCase class name", "GaugeReadings")
    refused(child, "The Task class name", "9Model", "CamelCase class name", "GaugeLevels")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, plain(child.before)
    model = (root / "src/team_tasks/gauge/level/model.py").read_text()
    assert "class GaugeLevels(ClassificationTask):" in model
    assert "class GaugeReadings(" in (root / "src/team_tasks/gauge/level/data.py").read_text()


def test_ctrl_c_at_a_question_writes_nothing(tmp_path):
    root = make_package(tmp_path / "project")
    before = tree_snapshot(root)
    child = spawn("task", "sensor", "--dest", str(root), "--steps", "super", env={"NO_COLOR": "1"})
    child.expect_exact("Which Flash base class the task extends")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).replace("\r", "")  # as the terminal shows it
    lines = [line for line in shown.splitlines() if line.startswith("flash-new: error:")]
    assert lines == [
        "flash-new: error: cancelled at a question: nothing was written; run the command again to start over"
    ]
    assert tree_snapshot(root) == before


def test_flags_and_defaults_never_ask(tmp_path):
    """With --defaults, or with stdin not a terminal, the command runs through without a question."""
    root = make_package(tmp_path / "project")
    child = spawn("task", "sensor", "--dest", str(root), "--defaults", env={"NO_COLOR": "1"})
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "describing the task" not in child.before


# ---- shell completion -----------------------------------------------------------------------------------------------


def test_completion_options_are_in_the_help():
    result = flash_new("--help")
    assert result.returncode == 0
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


def _as_flash_new(*args: str, env: dict | None = None, in_bash: bool = False) -> subprocess.CompletedProcess:
    """The command line under the name its console script has (completion scripts are keyed on it).

    ``in_bash``: run by a bash that stays its parent, as a user's shell does (typer names the shell it runs in).
    """
    code = "import sys; sys.argv[0] = 'flash-new'; from scaffold.cli import main; main()"
    shell = ["bash", "-c", '"$@"; exit $?', "bash"] if in_bash else []
    return subprocess.run(
        [*shell, sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        cwd=REPO,
    )


def test_show_completion_prints_a_bash_script_for_flash_new():
    result = _as_flash_new("--show-completion", in_bash=True)
    assert result.returncode == 0, result.stderr
    assert "complete -o default -F _flash_new_completion flash-new" in result.stdout
    assert "_FLASH_NEW_COMPLETE=complete_bash" in result.stdout


def test_completion_completes_commands_and_options():
    def complete(words: str) -> list[str]:
        env = {"_FLASH_NEW_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        result = _as_flash_new(env=env)
        return result.stdout.split()

    assert "task" in complete("flash-new ta")
    assert {"update", "remove", "rollback"} <= set(complete("flash-new r") + complete("flash-new u"))
    assert "--kind" in complete("flash-new task myclf --ki")


# ---- plain output ---------------------------------------------------------------------------------------------------


def _terminal_output(*args: str, env: dict) -> tuple[int, str]:
    child = spawn(*args, env=env)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before


def test_no_color_in_a_terminal_gives_plain_output(tmp_path):
    root = make_package(tmp_path / "project")
    code, output = _terminal_output("task", "sensor", "--dest", str(root), "--defaults", env={"NO_COLOR": "1"})
    assert code == 0 and "Next steps:" in output
    assert ESCAPE not in output
    code, output = _terminal_output("task", "sensor", "--dest", str(root), "--defaults", env={"NO_COLOR": "1"})
    assert code == 2 and "flash-new: error: task 'sensor' already exists" in output
    assert ESCAPE not in output
    code, output = _terminal_output("--help", env={"NO_COLOR": "1"})
    assert code == 0 and "Usage:" in output and ESCAPE not in output


def test_a_terminal_without_no_color_is_styled(tmp_path):
    """The control for the test above: in a terminal, flash-new does colour its listing."""
    root = make_package(tmp_path / "project")
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "scaffold", "task", "sensor", "--dest", str(root), "--defaults"],
        env={**env, "PYTHONPATH": str(REPO), "TERM": "xterm-256color"},
        encoding="utf-8",
        timeout=120,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert ESCAPE + "[" in child.before


def test_output_to_a_pipe_is_plain_even_without_no_color(tmp_path):
    root = make_package(tmp_path / "project")
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env.update({"PYTHONPATH": str(REPO), "TERM": "xterm-256color", "FORCE_COLOR": ""})
    run = [sys.executable, "-m", "scaffold", "task", "sensor", "--dest", str(root), "--defaults"]
    result = subprocess.run(run, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 0 and "create" in result.stdout
    assert ESCAPE not in result.stdout + result.stderr
    again = subprocess.run(run, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert again.returncode == 2 and ESCAPE not in again.stdout + again.stderr


# ---- error messages say what to do ----------------------------------------------------------------------------------

# The verbs a remedy starts with; each error message has one after its last colon-separated clause begins.
REMEDY = re.compile(
    r"\b(choose|pass|run|use|remove|move|create|point|fix|add|commit|stash|correct|make|shorten|separate|write|"
    r"merge|generate|report|give|see|name|check|rename|edit|delete|install|answer|update|upgrade|restore)\b"
)
ERRORS = {"UsageError", "ConflictError", "CheckFailed", "WriteError", "FlashNewError", "AnchorMissing"}


def _literal(node: ast.expr) -> str | None:
    """The text of a message expression: constants and f-string parts (``{...}`` for what is computed)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{...}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None or right is None else left + right
    return None


def error_messages() -> list[tuple[str, int, str]]:
    """Every error message scaffold/ writes literally: ``raise UsageError("...")``, ``_fail(..., "why")``."""
    found = []
    for path in sorted((REPO / "scaffold").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in ERRORS:
                text = _literal(node.args[0])
            elif name == "_fail" and len(node.args) == 3:
                text = _literal(node.args[2])
            else:
                continue
            if text is not None:
                found.append((path.name, node.lineno, text))
    return found


def test_every_error_message_says_what_to_do():
    messages = error_messages()
    assert len(messages) > 40
    vague = [
        (f, line, text)
        for f, line, text in messages
        if text.replace("{...}", "").strip() and not REMEDY.search(text.split(": ", 1)[-1])
    ]
    assert not vague, "\n".join(f"{f}:{line}: {text}" for f, line, text in vague)


@pytest.mark.parametrize(
    "args",
    [
        ["task", "Bad"],
        ["task", "ok", "--kind", "segmentation"],
        ["task", "ok", "--inputs", "parquet"],
        ["task", "ok", "--data-class", "Same", "--model-class", "Same"],
        ["task", "ok", "--description", "two  spaces"],
        ["remove", "ghost"],
        ["update", "ghost"],
        ["update"],
    ],
)
def test_errors_are_one_plain_line_that_says_what_to_do(tmp_path, args):
    root = make_package(tmp_path / "project")
    result = flash_new(*args, "--dest", str(root), *(["--defaults"] if args[0] == "task" else []))
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("flash-new: error: ") and ESCAPE not in line
    assert REMEDY.search(line.split(":", 2)[2]), line


# ---- --help is light ------------------------------------------------------------------------------------------------

HEAVY = {"torch", "flash", "copier", "libcst", "yaml", "rich", "jinja2", "pydantic", "numpy", "questionary"}


def test_help_imports_neither_torch_nor_flash_nor_copier():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scaffold", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    assert result.returncode == 0 and "Usage:" in result.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "scaffold" in imported and "typer" in imported  # the measurement works
    assert not imported & HEAVY, sorted(imported & HEAVY)


@pytest.mark.parametrize("command", ["task", "remove", "update", "check", "list", "rollback"])
def test_each_command_help_is_light_too(command):
    code = (
        "import sys; sys.argv = ['flash-new', sys.argv[1], '--help']\n"
        "from scaffold.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[2:])))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, command, *HEAVY],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
