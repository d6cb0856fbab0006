"""Edits of Python files located through their syntax tree (libcst), applied as exact line splices.

The tree finds the statement or list element to add after or to remove, with its position; the edit then
inserts or deletes whole lines at that position. Everything else in the file, formatting and comments
included, stays byte for byte as it was, so that an insertion can later be undone exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scaffold.errors import AnchorMissing

if TYPE_CHECKING:  # libcst is imported when a file is parsed: a run that edits no Python file never loads it
    import libcst as cst
    from libcst.metadata import MetadataWrapper


@dataclass(frozen=True)
class Span:
    """Lines ``start`` to ``end`` (1-based, inclusive) of a file."""

    start: int
    end: int


def _parse(text: str, path: str) -> MetadataWrapper:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    try:
        return MetadataWrapper(cst.parse_module(text))
    except cst.ParserSyntaxError as error:
        reason = " ".join(error.message.split())
        raise AnchorMissing(f"{path} is not valid Python ({reason}): fix the file, then run again") from None


def _name(node: cst.BaseExpression | None) -> str:
    import libcst as cst

    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_name(node.value)}.{node.attr.value}"
    return ""


def import_froms(text: str, path: str) -> list[tuple[str, list[str], Span]]:
    """Every top-level ``from X import a, b`` statement: module, names and lines."""
    if not text.strip():  # no statement at all (a file about to be created): nothing to parse
        return []
    import libcst as cst
    from libcst.metadata import PositionProvider

    wrapper = _parse(text, path)
    positions = wrapper.resolve(PositionProvider)
    found = []
    for statement in wrapper.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                names = [alias.evaluated_name for alias in small.names]
                position = positions[statement]
                found.append((_name(small.module), names, Span(position.start.line, position.end.line)))
    return found


def import_names(text: str, path: str, module: str) -> list[tuple[str, int, bool]]:
    """The names of the first top-level ``from <module> import ...`` statement: each with its first line, and
    whether a comma follows it."""
    import libcst as cst
    from libcst.metadata import PositionProvider

    wrapper = _parse(text, path)
    positions = wrapper.resolve(PositionProvider)
    for statement in wrapper.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (
                isinstance(small, cst.ImportFrom)
                and not isinstance(small.names, cst.ImportStar)
                and _name(small.module) == module
            ):
                return [
                    (alias.evaluated_name, positions[alias].start.line, isinstance(alias.comma, cst.Comma))
                    for alias in small.names
                ]
    return []


def docstring_end(text: str, path: str) -> int:
    """The last line of the module's docstring, 0 when it has none (what goes first must go after it)."""
    if not text.strip():
        return 0
    import libcst as cst
    from libcst.metadata import PositionProvider

    wrapper = _parse(text, path)
    body = wrapper.module.body
    if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
            return wrapper.resolve(PositionProvider)[body[0]].end.line
    return 0


def lists(
    text: str, path: str, locate: Callable[[cst.Module], list[cst.List]]
) -> list[tuple[list[tuple[cst.BaseExpression, Span]], Span]]:
    """Each list literal ``locate(module)`` finds: its elements with their lines, and its own lines."""
    from libcst.metadata import PositionProvider

    wrapper = _parse(text, path)
    positions = wrapper.resolve(PositionProvider)
    found = []
    for node in locate(wrapper.module):
        position = positions[node]
        elements = []
        for element in node.elements:
            element_position = positions[element]
            elements.append((element.value, Span(element_position.start.line, element_position.end.line)))
        found.append((elements, Span(position.start.line, position.end.line)))
    return found


def assignments(text: str, path: str) -> list[tuple[str, Span]]:
    """Every top-level ``NAME = ...`` statement: the name and its lines."""
    import libcst as cst
    from libcst.metadata import PositionProvider

    wrapper = _parse(text, path)
    positions = wrapper.resolve(PositionProvider)
    found = []
    for statement in wrapper.module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    position = positions[statement]
                    found.append((_name(small.targets[0].target), Span(position.start.line, position.end.line)))
    return found


def dict_entries(text: str, path: str, target: str) -> tuple[list[tuple[str | None, Span]], Span] | None:
    """The entries of the dict literal assigned to the top-level name ``target`` (string keys and lines) and its
    lines; ``None`` without one."""
    import libcst as cst
    from libcst.metadata import PositionProvider

    wrapper = _parse(text, path)
    positions = wrapper.resolve(PositionProvider)
    for statement in wrapper.module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.Assign)
                    and isinstance(small.value, cst.Dict)
                    and any(_name(t.target) == target for t in small.targets)
                ):
                    entries = []
                    for element in small.value.elements:
                        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                        position = positions[element]
                        entries.append((key, Span(position.start.line, position.end.line)))
                    position = positions[small.value]
                    return entries, Span(position.start.line, position.end.line)
    return None


def assigned_lists(module: cst.Module, target: str) -> list[cst.List]:
    """The list literals assigned to the top-level name ``target``."""
    import libcst as cst

    found = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.List):
                    if any(_name(t.target) == target for t in small.targets):
                        found.append(small.value)
    return found


def parametrize_lists(module: cst.Module, function: str) -> list[cst.List]:
    """The lists of cases in the ``pytest.mark.parametrize`` decorators of the top-level ``function``s."""
    import libcst as cst

    found = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == function:
            for decorator in statement.decorators:
                call = decorator.decorator
                if isinstance(call, cst.Call) and _name(call.func) == "pytest.mark.parametrize":
                    if len(call.args) >= 2 and isinstance(call.args[1].value, cst.List):
                        found.append(call.args[1].value)
    return found


def string_value(node: cst.BaseExpression) -> str | None:
    import libcst as cst

    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    return None


def call_string_args(node: cst.BaseExpression) -> list[str]:
    """The leading positional string arguments of a call such as ``pytest.param("a", "b", ...)``."""
    import libcst as cst

    if not isinstance(node, cst.Call):
        return []
    values = []
    for arg in node.args:
        if arg.keyword is not None:
            break
        value = string_value(arg.value)
        if value is None:
            break
        values.append(value)
    return values


def names_used(text: str, path: str) -> set[str]:
    """Every bare name the module refers to outside its import statements."""
    import libcst as cst

    module = _parse(text, path).module

    class Collector(cst.CSTVisitor):
        def __init__(self) -> None:
            self.names: set[str] = set()

        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

        def visit_Name(self, node: cst.Name) -> None:
            self.names.add(node.value)

    collector = Collector()
    module.visit(collector)
    return collector.names


def insert_lines(text: str, after_line: int, block: str) -> str:
    """Insert ``block`` (whole lines) after line ``after_line`` (0: at the top)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n") and after_line >= len(lines):
        lines[-1] += "\n"
    return "".join(lines[:after_line]) + block + "".join(lines[after_line:])


def remove_lines(text: str, span: Span) -> tuple[str, str]:
    """Remove lines ``span``; return the new text and the removed lines."""
    lines = text.splitlines(keepends=True)
    removed = "".join(lines[span.start - 1 : span.end])
    return "".join(lines[: span.start - 1]) + "".join(lines[span.end :]), removed
