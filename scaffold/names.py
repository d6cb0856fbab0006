"""Validation of the names and options a user gives for a task.

The names derived from them (class names, registries, paths) are defined once, in the template's
``copier.yml``; copier evaluates them and :mod:`scaffold.render` hands them on.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

KINDS = ("classification", "regression", "task")
INPUTS = ("numpy", "sklearn", "dataframe", "csv", "tensor")
EXTRAS = ("input-transform-module", "output", "visualization", "output-transform", "cli")
DEFAULT_TASK_TYPES = {"classification": "classification", "regression": "regression", "task": "custom"}

_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_CLASS = re.compile(r"[A-Z][A-Za-z0-9]*")
# Subpackages of a Flash package that are not data types: a task there would shadow them.
RESERVED_DATA_TYPES = frozenset({"core", "data", "utils", "utilities", "template_utils"})
MAX_NAME_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 300


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
    if len(value) > MAX_NAME_LENGTH:
        _fail(what, value, f"is longer than {MAX_NAME_LENGTH} characters: choose a shorter name")
    return value


def check_description(value: str) -> str:
    """One printable line."""
    if not value.strip() or not value.isprintable():
        _fail("--description", value, "must be one line of printable text")
    if value != value.strip():
        _fail("--description", value, "has leading or trailing spaces: remove them")
    if len(value) > MAX_DESCRIPTION_LENGTH:
        _fail("--description", value[:40] + "...", f"is longer than {MAX_DESCRIPTION_LENGTH} characters")
    return value


def _choices(what: str, values: list[str], allowed: tuple[str, ...]) -> list[str]:
    """Split comma-separated values, check each, and return them in the canonical order."""
    chosen = [v.strip() for value in values for v in value.split(",") if v.strip()]
    for value in chosen:
        if value not in allowed:
            _fail(what, value, f"is not one of: {', '.join(allowed)}")
    return [value for value in allowed if value in chosen]


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

    def validate(self) -> TaskOptions:
        """Check every answer; raise :class:`~scaffold.errors.UsageError` naming the first bad one."""
        check_snake("task name", self.task_name)
        if self.kind not in KINDS:
            _fail("--kind", self.kind, f"is not one of: {', '.join(KINDS)}")
        self.data_type = check_snake("--data-type", self.data_type or self.task_name)
        if self.data_type in RESERVED_DATA_TYPES:
            _fail("--data-type", self.data_type, "would shadow a core subpackage: choose another data type")
        self.task_type = check_snake("--task-type", self.task_type or DEFAULT_TASK_TYPES[self.kind])
        self.inputs = _choices("--inputs", self.inputs, INPUTS)
        if not self.inputs:
            _fail("--inputs", "", "is empty: choose at least one of " + ", ".join(INPUTS))
        self.extras = _choices("--extras", self.extras, EXTRAS)
        if self.description is not None:
            check_description(self.description)
        if self.data_class is not None:
            check_class("--data-class", self.data_class)
        if self.model_class is not None:
            check_class("--model-class", self.model_class)
        if self.data_class and self.data_class == self.model_class:
            _fail("--model-class", self.model_class, "equals --data-class: the two classes need different names")
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
        for key in ("description", "data_class", "model_class"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data
