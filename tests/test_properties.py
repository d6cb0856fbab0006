"""Property-based tests over every answer a user can type into ``flash-new task``.

Names at the edge of validity and free text full of quotes, backslashes, braces, Jinja, reStructuredText,
Markdown and non-ASCII go through the real command line (in-process) into a fresh project. Every accepted
answer set must give a task whose Python compiles and is ruff-clean, whose modules bind each name once, and
which shows the description verbatim where it belongs (docstrings, docs page, CHANGELOG, answers file);
every rejected one must give exit code 2, one line ``flash-new: error: ...`` and leave the project untouched.

100 examples run by default; ``pytest -m slow tests/test_properties.py`` runs 2,000.
"""

from __future__ import annotations

import ast
import json
import keyword
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from scaffold.names import SHADOWED_MODULES, _module_names
from tests.conftest import REPO, make_package, tree_snapshot

# The data types the README says are refused: Flash's folders and extras that hold no tasks.
NON_TASK_NAMES = (
    "core data utils utilities template_utils assets serve helpers examples deprecated_api conftest vision all dev "
    "docs base"
).split()

RUFF = [sys.executable, "-m", "ruff"]
# The project sets no style: ruff's own 88 columns are its length, the width the task is written and checked at.
RUFF_OPTIONS = ["--isolated", "--no-cache", "--line-length", "88"]
CHECKED = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("flash-new-ci", max_examples=100, **CHECKED)
settings.register_profile("flash-new-slow", max_examples=2000, **CHECKED)

# ---- what a user may type ------------------------------------------------------------------------------------

SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*")
KEYWORDS = sorted(set(keyword.kwlist) | set(keyword.softkwlist))


def _bound_names(tree: ast.Module) -> list[str]:
    """The names a module imports or defines at its top level."""
    return _module_names(tree.body)[0]


def _clashes(tree: ast.Module) -> list[str]:
    """Names a module imports or defines twice, or imports or defines and also assigns."""
    defined, assigned = _module_names(tree.body)
    return sorted({n for n in defined if defined.count(n) > 1} | (set(defined) & assigned))


def _names_in_examples() -> list[str]:
    """Every CamelCase name the committed example tasks import or define: class names that may clash."""
    found = set()
    for path in (REPO / "generated_examples").rglob("*.py"):
        found.update(n for n in _bound_names(ast.parse(path.read_text())) if CAMEL.fullmatch(n))
    return sorted(found)


TAKEN_CLASS_NAMES = _names_in_examples()
# Words whose CamelCase form plus a template suffix may spell a name the generated code imports or defines.
TRICKY_WORDS = (
    "base input data output classification regression target running flash tensor task module dummy visualization "
    "transform torch numpy pytest typing os sklearn test tests utils core self print list type a z9 a_1 a1_b2_c3"
).split()
OWN_CLASS_NAMES = (
    "MyclfData MyclfClassifier MyclfInputTransform MyclfVisualization MyclfOutput MyclfOutputTransform "
    "MyclfNumpyClassificationInput MyclfSKLearnClassificationInput"
).split()

snake_ok = st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,4}){0,2}", fullmatch=True)
snake_edge = st.one_of(
    st.sampled_from(TRICKY_WORDS + KEYWORDS),
    st.integers(1, 36).map(lambda n: ("a" + "_b" * 20)[:n].rstrip("_")),
    st.integers(30, 34).map(lambda n: "x" * n),
    st.sampled_from(["", "A", "Ab", "a__b", "_a", "a_", "1a", "a-b", "a b", "é", "aé", "a.b", "a\n", " a"]),
)
class_ok = st.from_regex(r"[A-Z][A-Za-z0-9]{0,12}", fullmatch=True)
class_edge = st.one_of(
    st.sampled_from(TAKEN_CLASS_NAMES + OWN_CLASS_NAMES + ["A", "Z9", "I", "O", "None", "True", "False"]),
    st.integers(40, 44).map(lambda n: "M" * n),
    st.sampled_from(["", "a", "my_class", "My_Class", "9A", "Ä", "Aé", "A-B", "A B", "_A"]),
)

# Text that breaks naive escaping: Python string syntax, Jinja, reStructuredText, Markdown, HTML, Unicode.
VALID_FRAGMENTS = [
    *'" \' """ \'\'\' \\ \\n \\x00 \\N{DASH} \\" {{ }} {# #} ${x} %s {0} `x` ``y`` *a* **b** _c_ d_ |e| [1]_'.split(),
    *":: .. • ‣ ⁃ 1. #. i) (a) - -- + >>> > | &amp; &#42; &lt;b&gt; <b> <https://x.y> [l](u) # ~~s~~".split(),
    *"é 中文 한국어 🙂 e\u0301 שלום ﬁ ß Ω".split(),
    "{{ 7*7 }}",
    "{% raw %}",
    "{% if true %}x{% endif %}",
    "{{ description }}",
    ".. note::",
    "• item",
    "> quote",
    "# h",
    "x" * 90,
    "中" * 60,
]
INVALID_FRAGMENTS = ["\u00a0", "\t", "\u200d", "\r", "\n", " ", "  ", "\x00", "\u2028"]
# Printable and not whitespace: what a word of a valid description is made of.
word = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"]),
    min_size=1,
    max_size=12,
)
description_ok = st.lists(st.one_of(st.sampled_from(VALID_FRAGMENTS), word), min_size=1, max_size=40).map(
    lambda words: " ".join(words)[:300].strip()
)
description_edge = st.one_of(
    st.lists(st.sampled_from(VALID_FRAGMENTS + INVALID_FRAGMENTS), max_size=40).map("".join),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=320),
    st.integers(295, 305).map(lambda n: ("Classify " * 40)[:n].strip() + "."),
)
inputs = st.lists(st.sampled_from(["numpy", "sklearn", "dataframe", "csv", "tensor"]), min_size=1, unique=True)
extras = st.lists(
    st.sampled_from(["input-transform-module", "output", "visualization", "output-transform", "cli"]), unique=True
)
OPTIONAL = ("data_type", "task_type", "description", "data_class", "model_class")


@st.composite
def answer_sets(draw) -> dict:
    """Answers that are valid but hostile, with at most one of them drawn from the edge of validity."""
    edgy = draw(st.sampled_from([None, "task_name", *OPTIONAL]))
    ok = {
        "task_name": snake_ok,
        "data_type": snake_ok,
        "task_type": snake_ok,
        "description": description_ok,
        "data_class": class_ok,
        "model_class": class_ok,
    }
    edge = {
        "task_name": snake_edge,
        "data_type": snake_edge,
        "task_type": snake_edge,
        "description": description_edge,
        "data_class": class_edge,
        "model_class": class_edge,
    }
    answers = {"task_name": draw(edge["task_name"] if edgy == "task_name" else ok["task_name"])}
    answers["kind"] = draw(st.sampled_from(["classification", "regression", "task"]))
    answers["inputs"] = draw(inputs)
    answers["extras"] = draw(extras)
    answers["steps"] = draw(st.sampled_from(["super", "explicit"]))
    for key in OPTIONAL:
        answers[key] = draw(edge[key]) if key == edgy else draw(st.one_of(st.none(), ok[key]))
    return answers


def command_line(answers: dict, dest: Path) -> list[str]:
    args = ["task", answers["task_name"], "--kind", answers["kind"], "--dest", str(dest), "--defaults"]
    args += ["--inputs", ",".join(answers["inputs"]), "--extras", ",".join(answers["extras"]) or "none"]
    args += ["--steps", answers["steps"]]
    for key in ("data_type", "task_type", "description", "data_class", "model_class"):
        if answers[key] is not None:
            args.append(f"--{key.replace('_', '-')}={answers[key]}")
    return args


# ---- the documented rules, restated independently --------------------------------------------------------------


def _snake_problem(value: str) -> str | None:
    if not SNAKE.fullmatch(value):
        return "is not a snake_case identifier"
    if len(value) > 32:
        return "is longer than 32 characters"
    if value in KEYWORDS:
        return "is a Python keyword"
    return None


def _class_problem(value: str) -> str | None:
    if not CAMEL.fullmatch(value) or keyword.iskeyword(value):
        return "is not a CamelCase class name"
    if len(value) > 42:
        return "is longer than 42 characters"
    if value in ("I", "O"):
        return "reads as a digit"
    return None


def expected_refusal(answers: dict) -> str | None:
    """What the documented validation rules say is wrong with ``answers``, or ``None`` for a valid set."""
    if problem := _snake_problem(answers["task_name"]):
        return problem
    data_type = answers["task_name"] if answers["data_type"] is None else answers["data_type"]  # '' is refused
    if problem := _snake_problem(data_type):
        return problem
    if data_type in NON_TASK_NAMES:
        return "which holds no tasks: choose another one"
    if data_type in sys.stdlib_module_names or data_type in SHADOWED_MODULES:
        return "is the name of a Python module"
    default_task_type = {"classification": "classification", "regression": "regression", "task": "custom"}
    task_type = default_task_type[answers["kind"]] if answers["task_type"] is None else answers["task_type"]
    if problem := _snake_problem(task_type):
        return problem
    text = answers["description"]
    if text is not None:
        if not text.strip() or not text.isprintable():
            return "must be one line of printable text"
        if text != text.strip():
            return "has leading or trailing spaces"
        if len(text) > 300:
            return "is longer than 300 characters"
        if "  " in text:
            return "has repeated spaces"
    for key in ("data_class", "model_class"):
        if answers[key] is not None and (problem := _class_problem(answers[key])):
            return problem
    if answers["data_class"] and answers["data_class"] == answers["model_class"]:
        return "equals --data-class"
    return None


def rst_escape(text: str) -> str:
    """The docs page's escaping: a backslash before every ASCII punctuation character and every bullet."""
    return re.sub(r"([!-/:-@\[-`{-~•‣⁃])", r"\\\1", text)


# What Markdown (CommonMark and GitHub's strikethrough) reads as markup inside a line: code spans and links; `*`,
# `_` and `~` unless between spaces (or `_` inside a word); a backslash before punctuation; `<` opening a tag or
# autolink; `&` opening an entity.
_MD_MARKUP = re.compile(
    r"""
    [`\[]
    | (?!(?<=[^\W_])_(?=[^\W_])) (?: (?<=\S)[*_~] | [*_~](?=\S) )
    | \\(?=[!-/:-@\[-`{-~])
    | <(?=[A-Za-z/!?])
    | &(?=(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)
    """,
    re.X,
)


def md_escape(text: str) -> str:
    """The CHANGELOG's escaping: a backslash before each character Markdown would read as markup, and no other."""
    return _MD_MARKUP.sub(lambda match: "\\" + match.group(), text)


# ---- checking what was generated ---------------------------------------------------------------------------------


def _unwrap(docstring: str) -> str:
    """A docstring paragraph as written: the line breaks the template wraps long text at are single spaces."""
    return docstring.replace("\n    ", " ")


def check_task(root: Path, before: dict[str, bytes], answers: dict) -> None:
    """Everything an accepted answer set must give."""
    state = yaml.safe_load((root / ".flash-new" / f"{answers['task_name']}.yml").read_text())
    record = json.loads((root / ".flash-new" / f"{answers['task_name']}.json").read_text())
    context = record["context"]
    text = answers["description"] if answers["description"] is not None else state["description"]
    assert state["description"] == text
    assert context["description"] == text
    for key in ("data_type", "task_type", "data_class", "model_class"):
        if answers[key]:  # an empty --data-type or --task-type means the default, as no option does
            assert state[key] == answers[key]
    for path in record["files"]:
        assert (root / path).is_file(), path

    # Python: compiles, binds each module-level name once, ruff-clean.
    sources = sorted(p for p in root.rglob("*.py") if ".flash-new" not in p.parts)
    for path in sources:
        tree = ast.parse(path.read_bytes(), str(path))
        compile(tree, str(path), "exec")
        clashes = _clashes(tree)
        assert not clashes, f"{path.relative_to(root)} binds {clashes} more than once"
    lint = subprocess.run(
        [*RUFF, "check", *RUFF_OPTIONS, "--select", "E,F,W", "-q", "."], cwd=root, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    form = subprocess.run(
        [*RUFF, "format", "--check", *RUFF_OPTIONS, "-q", "."], cwd=root, capture_output=True, text=True
    )
    assert form.returncode == 0, form.stdout + form.stderr + _format_diff(root)

    # The description, verbatim: the model's docstring, the Flash Zero command's docstring.
    task_dir = root / context["task_dir"]
    model = ast.parse((task_dir / "model.py").read_text())
    [cls] = [n for n in model.body if isinstance(n, ast.ClassDef) and n.name == context["model_class"]]
    assert _unwrap(ast.get_docstring(cls, clean=False).split("\n\n")[0]) == text
    if "cli" in context["extras"]:
        cli = ast.parse((task_dir / "cli.py").read_text())
        [command] = [n for n in cli.body if isinstance(n, ast.FunctionDef) and n.name == context["cli_command"]]
        assert _unwrap(ast.get_docstring(command, clean=False)) == text

    # The docs page: the escaped text is a paragraph of its own that reads as the description.
    page = (root / "docs" / "source" / "reference" / f"{context['doc_page']}.rst").read_text()
    assert f"\n********\nThe Task\n********\n\n{rst_escape(text)}\n\n" in page
    from docutils.core import publish_doctree

    doctree = publish_doctree(rst_escape(text), settings_overrides={"report_level": 5, "smart_quotes": True})
    assert [node.tagname for node in doctree.children] == ["paragraph"]
    assert doctree.astext() == text

    # The CHANGELOG: one line that renders as the description.
    line = f"- Added the `{context['model_class']}` task: {md_escape(text)}\n"
    changelog = (root / "CHANGELOG.md").read_text()
    assert line in changelog.splitlines(keepends=True)
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("strikethrough").parse(line)
    inline = [t for t in tokens if t.type == "inline"]
    assert [t.type for t in tokens] == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "list_item_close",
        "bullet_list_close",
    ]
    rendered = "".join(child.content for child in inline[0].children)
    assert rendered == f"Added the {context['model_class']} task: {text}"

    # Nothing outside the task and its registrations changed.
    after = tree_snapshot(root)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    allowed = set(record["files"]) | {r["file"] for r in record["registrations"]}
    allowed |= {f".flash-new/{answers['task_name']}.yml", f".flash-new/{answers['task_name']}.json", ".flash-new"}
    allowed.add(".flash-new/_template.bundle")  # the project's copy of the template's history
    folders = {str(Path(p).parent) for p in allowed} | {str(q) for p in allowed for q in Path(p).parents}
    assert changed <= allowed | folders, changed - allowed - folders


def _format_diff(root: Path) -> str:
    diff = subprocess.run([*RUFF, "format", "--diff", *RUFF_OPTIONS, "."], cwd=root, capture_output=True, text=True)
    return diff.stdout[-3000:]


def check_refused(result, root: Path, before: dict[str, bytes], refusal: str | None) -> None:
    """Exit code 2, one line naming the problem and what to do, and nothing written."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flash-new: error: ")
    assert ": " in lines[0].removeprefix("flash-new: error: "), "the message says what to do"
    if refusal is not None:
        assert refusal in lines[0]
    assert result.stdout == ""
    assert tree_snapshot(root) == before


# ---- the property ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_template(tmp_path_factory) -> Path:
    """A team project with a docs index and a CHANGELOG, copied fresh for every example."""
    return make_package(tmp_path_factory.mktemp("property") / "project")


def run_answers(project_template: Path, answers: dict) -> None:
    from typer.testing import CliRunner

    from scaffold.cli import app

    with tempfile.TemporaryDirectory(prefix="flash-new-property-") as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(project_template, root)
        before = tree_snapshot(root)
        result = CliRunner().invoke(app, command_line(answers, root))
        refusal = expected_refusal(answers)
        event("accepted" if result.exit_code == 0 else "refused")
        if result.exit_code == 0:
            assert refusal is None, f"accepted although {refusal}"
            check_task(root, before, answers)
        else:
            check_refused(result, root, before, refusal)
            if refusal is None:  # valid by the rules above: only a clash of generated names, or a line past the
                # host's length (88 columns in this project without settings), may refuse it
                assert "clashes with" in result.stderr or "wider than 88 columns" in result.stderr, result.stderr


ALL_INPUTS = ["numpy", "sklearn", "dataframe", "csv", "tensor"]
ALL_EXTRAS = ["input-transform-module", "output", "visualization", "output-transform", "cli"]
# The longest names, every input and extra, the longest description: the widest lines the template can give.
WIDEST = {
    "task_name": "a" * 32,
    "kind": "classification",
    "inputs": ALL_INPUTS,
    "extras": ALL_EXTRAS,
    "steps": "explicit",
    "data_type": "b" * 32,
    "task_type": "c" * 32,
    "data_class": "D" * 42,
    "model_class": "M" * 42,
    "description": ("Wide " + "中" * 40 + " " + "w" * 150 + " x" * 60)[:300],
}
NARROWEST = {
    "task_name": "a",
    "kind": "task",
    "inputs": ["tensor"],
    "extras": [],
    "steps": "super",
    "data_type": "b",
    "task_type": "c",
    "data_class": "D",
    "model_class": "M",
    "description": "\\",
}
INJECTION = {
    "task_name": "injection",
    "kind": "regression",
    "inputs": ["numpy"],
    "extras": ["cli"],
    "steps": "explicit",
    "data_type": None,
    "task_type": None,
    "data_class": None,
    "model_class": None,
    "description": 'He said "{{ 7*7 }}" \\ {% raw %} `x` *y* _z_ |s| [1]_ &amp; • é 中文 ' + "w" * 120,
}


def _property(profile: str):
    @settings(settings.get_profile(profile))
    @given(answers=answer_sets())
    @example(answers=INJECTION)
    @example(answers=WIDEST)
    @example(answers=NARROWEST)
    @example(answers={**WIDEST, "model_class": "Tensor"})
    @example(answers={**NARROWEST, "model_class": "I"})
    @example(answers={**NARROWEST, "data_class": "O"})
    @example(answers={**NARROWEST, "task_name": "base", "extras": ["visualization"], "data_type": None})
    def check(project_template, answers):
        run_answers(project_template, answers)

    return check


test_every_answer_set = _property("flash-new-ci")
test_every_answer_set_slow = pytest.mark.slow(_property("flash-new-slow"))
