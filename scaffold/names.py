"""Validation of the names and options a user gives for a task.

The names derived from them (class names, registries, paths) are defined once, in the template's
``copier.yml``; copier evaluates them and :mod:`scaffold.render` hands them on.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

KINDS = ("classification", "regression", "task")
INPUTS = ("numpy", "sklearn", "dataframe", "csv", "tensor")
EXTRAS = ("input-transform-module", "output", "visualization", "output-transform", "cli")
# How the Task's step methods are written: handing the batch to Flash's own steps, or in full without ``super``.
STEPS = ("super", "explicit")
DEFAULT_TASK_TYPES = {"classification": "classification", "regression": "regression", "task": "custom"}

_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_CLASS = re.compile(r"[A-Z][A-Za-z0-9]*")
# Names that are not data types in Lightning Flash: a task's folders (src/flash/<dt>/, tests/<dt>/, examples/<dt>/)
# or its topic (requirements/datatype_<dt>.txt, which setup.py makes the extra <dt>) would land in or clash with
# what the repository keeps there, by name: where.
RESERVED_DATA_TYPES = {
    "core": "Flash's core package (src/flash/core/, tests/core/)",
    "data": "Flash's data code (src/flash/core/data/)",
    "utils": "Flash's utilities",
    "utilities": "Flash's utilities (src/flash/core/utilities/)",
    "template_utils": "Flash's template utilities",
    "assets": "Flash's assets (src/flash/assets/)",
    "serve": "Flash's serving code and its tests (src/flash/core/serve/, tests/serve/, examples/serve/)",
    "helpers": "Flash's test helpers (tests/helpers/)",
    "examples": "the tests of Flash's examples (tests/examples/)",
    "deprecated_api": "Flash's deprecation tests (tests/deprecated_api/)",
    "conftest": "pytest's configuration (tests/conftest.py)",
    "vision": "the vision tests and extra (tests/vision/, image and video together)",
    "all": "setup.py's extra 'all' (every data type)",
    "dev": "setup.py's extra 'dev' (everything for development)",
    "docs": "the docs requirements (requirements/docs.txt, the extra 'docs')",
    "base": "the base requirements (requirements/base.txt)",
}
# Modules a data type must not be named after: pytest puts a project's tests/ folder on sys.path when it is not
# a package, and tests/<data_type>/ would then shadow the module for the generated tests (and all others).
SHADOWED_MODULES = frozenset(sys.stdlib_module_names) | frozenset(
    "flash torch torchmetrics torchvision pytorch_lightning lightning lightning_fabric lightning_utilities numpy "
    "pandas sklearn scipy pytest jsonargparse yaml packaging setuptools pkg_resources tqdm fsspec requests".split()
)
# The longest names a user gives: a task name of 32 (``customer_lifetime_value_forecast``) gives code within Flash's
# 120 columns for every combination of options (the template wraps imports, decorators and docstrings that would
# pass them); :func:`check_generated` refuses, in one line, the combinations that still cannot fit (two long names
# with a long package name).
MAX_NAME_LENGTH = 32
# Class names: room for the longest a task name gives by default (32 letters and ``Classifier``).
MAX_CLASS_NAME_LENGTH = 42
MAX_DESCRIPTION_LENGTH = 300
MAX_LINE_WIDTH = 120
# The host's conventions the template follows (scaffold.conventions reads them): its oldest Python, from 3.8
# (Lightning Flash's) on, and its line length, from PEP 8's 79 to 200 columns.
_PY_VERSION = re.compile(r"3\.(?:8|9|[1-9][0-9])")
MIN_LINE_LENGTH, MAX_LINE_LENGTH = 79, 200
# Each answer and the flag that gives it, as messages name them.
FLAGS = {
    "task_name": "task name",
    "kind": "--kind",
    "data_type": "--data-type",
    "task_type": "--task-type",
    "inputs": "--inputs",
    "extras": "--extras",
    "steps": "--steps",
    "description": "--description",
    "data_class": "--data-class",
    "model_class": "--model-class",
    "package": "--package",
    "package_dir": "--package",
    "docs_dir": "the docs folder",
    "py_min": "the oldest Python",
    "line_length": "the line length",
}
# What an answers file holds: every answer above (copier stores each question's answer, asked or default) and
# copier's record of the template, its source and version (checked by :mod:`scaffold.trust`).
ANSWER_KEYS = tuple(FLAGS)
# Answers a template version after v0.1.0 added: an answers file written before does not hold them, and copier
# gives them their default when it updates the task.
LATER_ANSWERS = ("steps", "docs_dir", "py_min", "line_length")
TEMPLATE_KEYS = ("_src_path", "_commit")
# Answers that place the task (its package, folders and modules): nothing changes them once it exists.
IDENTITY = ("task_name", "data_type", "task_type", "package", "package_dir", "docs_dir")
# Single letters that read as 1 or 0: pycodestyle (E741-E743) rejects them as names.
AMBIGUOUS_NAMES = frozenset({"I", "O", "l"})


def _fail(what: str, value: str, why: str) -> None:
    from scaffold.errors import UsageError

    raise UsageError(f"{what} {value!r} {why}")


def check_snake(what: str, value: str) -> str:
    """``value`` must be a snake_case Python identifier that is not a keyword."""
    if not _SNAKE.fullmatch(value or ""):
        _fail(what, value, "is not a snake_case identifier: use lower-case letters, digits and single underscores")
    if len(value) > MAX_NAME_LENGTH:
        _fail(what, value, f"is longer than {MAX_NAME_LENGTH} characters: choose a shorter name")
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        _fail(what, value, "is a Python keyword: choose another name")
    return value


def check_class(what: str, value: str) -> str:
    """``value`` must be a CamelCase class name."""
    if not _CLASS.fullmatch(value or "") or keyword.iskeyword(value):
        _fail(what, value, "is not a CamelCase class name: start with a capital letter, use letters and digits")
    if len(value) > MAX_CLASS_NAME_LENGTH:
        _fail(what, value, f"is longer than {MAX_CLASS_NAME_LENGTH} characters: choose a shorter name")
    if value in AMBIGUOUS_NAMES:
        _fail(what, value, "reads as a digit (linters reject it, E742): choose a longer name")
    return value


def check_description(value: str, what: str = "--description") -> str:
    """One printable line, words separated by single spaces (docstrings wrap it at them, and unwrap exactly)."""
    if not value.strip() or not value.isprintable():
        _fail(what, value, "must be one line of printable text: write one non-empty line, no tabs")
    if value != value.strip():
        _fail(what, value, "has leading or trailing spaces: remove them")
    if "  " in value:
        _fail(what, value, "has repeated spaces: separate words by single spaces")
    if len(value) > MAX_DESCRIPTION_LENGTH:
        _fail(what, value[:40] + "...", f"is longer than {MAX_DESCRIPTION_LENGTH} characters: shorten it")
    return value


def check_package(what: str, value: str) -> str:
    """``value`` must be the import name of a top-level package: a Python identifier that is not a keyword."""
    if not value.isidentifier() or not value.isascii() or keyword.iskeyword(value):
        _fail(what, value, "is not the import name of a package: use letters, digits and underscores")
    return value


def check_package_dir(what: str, value: str, package: str) -> str:
    """``value`` must be where flash-new finds ``package``: ``src/<package>`` or ``<package>``, nothing else."""
    if value not in (f"src/{package}", package):
        _fail(what, value, f"is not the folder of package {package!r}: use src/{package} or {package}")
    return value


def _choices(what: str, values: list[str], allowed: tuple[str, ...], *, split: bool = True) -> list[str]:
    """Check each value (comma-separated ones split, unless not ``split``); return them in the canonical order."""
    if split:
        values = [v.strip() for value in values for v in value.split(",") if v.strip()]
    for value in values:
        if value not in allowed:
            _fail(what, value, f"is not one of {', '.join(allowed)}: choose from these")
    if not split and len(set(values)) != len(values):
        _fail(what, ",".join(values), "names a choice twice: name each once")
    return [value for value in allowed if value in values]


@dataclass
class TaskOptions:
    """What the user asked for: the answers flash-new gives the template."""

    task_name: str
    data_type: str | None = None
    task_type: str | None = None
    kind: str = "classification"
    inputs: list[str] = field(default_factory=lambda: ["numpy", "sklearn"])
    extras: list[str] = field(default_factory=lambda: ["visualization"])
    description: str | None = None
    data_class: str | None = None
    model_class: str | None = None
    steps: str | None = None
    # The answers the user gave (flags): in a terminal, the template asks the others. ``None``: every answer is given.
    given: tuple[str, ...] | None = None
    py_min: str | None = None
    line_length: int | None = None

    def validate(self, label: Callable[[str], str] = FLAGS.__getitem__, *, split: bool = True) -> TaskOptions:
        """Check every answer; raise :class:`~scaffold.errors.UsageError` naming the first bad one.

        ``label`` names an answer in messages (by default the flag that gives it); ``split`` accepts
        comma-separated inputs and extras, as the flags do.
        """
        check_snake(label("task_name"), self.task_name)
        if self.kind not in KINDS:
            _fail(label("kind"), self.kind, f"is not one of {', '.join(KINDS)}: choose from these")
        data_type = self.task_name if self.data_type is None else self.data_type
        self.data_type = check_snake(label("data_type"), data_type)
        if self.data_type in RESERVED_DATA_TYPES:
            where = RESERVED_DATA_TYPES[self.data_type]
            _fail(
                label("data_type"), self.data_type, f"would land in {where}, which holds no tasks: choose another one"
            )
        if self.data_type in SHADOWED_MODULES:
            _fail(
                label("data_type"),
                self.data_type,
                f"is the name of a Python module that tests/{self.data_type}/ would shadow: choose another data type",
            )
        task_type = DEFAULT_TASK_TYPES[self.kind] if self.task_type is None else self.task_type
        self.task_type = check_snake(label("task_type"), task_type)
        self.inputs = _choices(label("inputs"), self.inputs, INPUTS, split=split)
        if not self.inputs:
            _fail(label("inputs"), "", "is empty: choose at least one of " + ", ".join(INPUTS))
        self.extras = _choices(label("extras"), self.extras, EXTRAS, split=split)
        if self.steps is not None and self.steps not in STEPS:
            _fail(label("steps"), self.steps, f"is not one of {', '.join(STEPS)}: choose from these")
        if self.description is not None:
            check_description(self.description, label("description"))
        if self.data_class is not None:
            check_class(label("data_class"), self.data_class)
        if self.model_class is not None:
            check_class(label("model_class"), self.model_class)
        if self.py_min is not None and not _PY_VERSION.fullmatch(str(self.py_min)):
            _fail(label("py_min"), str(self.py_min), "is not a version 3.N from 3.8 on: fix requires-python")
        if self.line_length is not None and (
            isinstance(self.line_length, bool)
            or not isinstance(self.line_length, int)
            or not MIN_LINE_LENGTH <= self.line_length <= MAX_LINE_LENGTH
        ):
            _fail(
                label("line_length"),
                str(self.line_length),
                f"is not a number of columns from {MIN_LINE_LENGTH} to {MAX_LINE_LENGTH}: fix line-length",
            )
        if self.data_class and self.data_class == self.model_class:
            _fail(
                label("model_class"),
                self.model_class,
                f"equals {label('data_class')}: give the two classes different names",
            )
        return self

    def answers(self) -> dict:
        """The answers as copier data; unset optional names are left to the template's defaults."""
        data = {
            "task_name": self.task_name,
            "data_type": self.data_type,
            "task_type": self.task_type,
            "kind": self.kind,
            "inputs": list(self.inputs),
            "extras": list(self.extras),
        }
        for key in ("steps", "description", "data_class", "model_class", "py_min", "line_length"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def given_answers(self) -> dict:
        """The answers the user gave (all of :meth:`answers` when ``given`` is ``None``); the task name and the host's
        conventions always."""
        data = self.answers()
        if self.given is None:
            return data
        # the host's conventions are read from its files, never asked
        fixed = ("task_name", "py_min", "line_length")
        return {key: value for key, value in data.items() if key in fixed or key in self.given}


def check_answers(answers: Mapping, where: str) -> dict:
    """Check a whole answers mapping read from ``where`` (an answers file) as the flags are checked.

    Every answer must be there, of its type, and pass the flag's rules; ``package`` must be a package's import
    name and ``package_dir`` its folder. Keys flash-new does not write are refused: copier would hand them to
    the template as variables. ``_src_path`` and ``_commit`` are left to :mod:`scaffold.trust`.
    Raise :class:`~scaffold.errors.UsageError` naming ``where`` and the key; return the answers.
    """

    def label(key: str) -> str:
        return f"{where}: {key}"

    if not isinstance(answers, Mapping):
        from scaffold.errors import UsageError

        raise UsageError(f"{where} is not a mapping of answers: restore it from git")
    for key in answers:
        if key not in ANSWER_KEYS and key not in TEMPLATE_KEYS:
            _fail(label("key"), key, "is not an answer flash-new writes: remove it, or restore the file from git")
    for key in ANSWER_KEYS:
        if key not in answers:
            if key in LATER_ANSWERS:
                continue
            _fail(where, key, "is missing from the answers: restore the file from git")
        value = answers[key]
        if key in ("inputs", "extras"):
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                _fail(label(key), value, "is not a list of names: restore the file from git")
        elif key == "line_length":
            if isinstance(value, bool) or not isinstance(value, int):
                _fail(label(key), value, "is not a number: restore the file from git")
        elif not isinstance(value, str):
            _fail(label(key), value, "is not a string: restore the file from git")
    placed = ("package", "package_dir", "docs_dir")
    options = {key: answers[key] for key in ANSWER_KEYS if key in answers and key not in placed}
    TaskOptions(**options).validate(label, split=False)
    check_package(label("package"), answers["package"])
    check_package_dir(label("package_dir"), answers["package_dir"], answers["package"])
    if answers.get("docs_dir"):  # empty: a project without docs
        check_path(label("docs_dir"), answers["docs_dir"])
        if answers["docs_dir"].split("/")[0] == ".flash-new":
            _fail(label("docs_dir"), answers["docs_dir"], "is flash-new's own state: restore the file from git")
    return dict(answers)


def check_path(what: str, value: str) -> str:
    """``value`` must be a plain relative path inside the repository: not absolute, no ``..``, ``.`` or empty
    part, no backslash, no NUL."""
    from pathlib import PurePosixPath

    path = PurePosixPath(value)
    if not value or "\\" in value or "\0" in value or str(path) != value or path.is_absolute() or ".." in path.parts:
        _fail(what, value, "is outside the repository: restore it from git")
    return value


def _module_names(statements: list) -> tuple[list[str], set[str]]:
    """The names top-level ``statements`` import or define (repeated when bound twice), and those they assign.

    The branches of an ``if`` or ``try`` are alternatives: a name bound in both counts once.
    """
    import ast

    defined: list[str] = []
    assigned: set[str] = set()
    for node in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            defined += [(alias.asname or alias.name).split(".")[0] for alias in node.names]
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            defined.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assigned |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.If, ast.Try)):
            body_defined, body_assigned = _module_names(node.body)
            other_defined, other_assigned = _module_names(node.orelse)
            taken = set(body_defined) | body_assigned
            defined += body_defined + [n for n in other_defined if n not in taken]
            assigned |= body_assigned | {n for n in other_assigned if n not in taken}
    return defined, assigned


def line_width(line: str) -> int:
    """Columns ``line`` takes, counting characters from U+1100 up as East Asian wide (2), as linters do at most."""
    return len(line) + sum(1 for c in line if c >= "\u1100")


def check_generated(files: dict[str, bytes], context: dict, label: Callable[[str], str] = FLAGS.__getitem__) -> None:
    """Refuse names whose generated Python would bind a name twice or pass the host's line length.

    A class name may clash with a name a generated module imports or defines (``--model-class Tensor``), and
    long names with a long package name may make a line too long; both would give code that linters reject.
    """
    import ast

    from scaffold.errors import UsageError

    options = {context.get("model_class"): label("model_class"), context.get("data_class"): label("data_class")}
    width = int(context.get("line_length") or MAX_LINE_WIDTH)
    for path, data in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        text = data.decode("utf-8")
        try:
            tree = ast.parse(text, path)
        except SyntaxError as error:
            message = f"these answers give invalid Python in {path} ({error.msg}): please report this bug"
            raise UsageError(message) from None
        defined, assigned = _module_names(tree.body)
        for name in defined:
            if defined.count(name) > 1 or name in assigned:
                module = path.rsplit("/", 1)[-1]
                if name in options:
                    _fail(options[name], name, f"clashes with another name {module} imports or defines: choose another")
                _fail(
                    "the class name",
                    name,
                    f"made from the task's names clashes with another name in {module}: "
                    "choose another task name or task type",
                )
        for number, line in enumerate(text.splitlines(), 1):
            if line_width(line) > width and len(line.split()) > 1:
                raise UsageError(
                    f"these names make line {number} of {path} wider than {width} columns: choose shorter names"
                )
