"""Edits of Python files located through their syntax tree (the standard library's ``ast``), applied as exact
line splices.

The tree finds the statement or list element to add after or to remove, with its lines; the edit then
inserts or deletes whole lines there. Everything else in the file, formatting and comments included, stays
byte for byte as it was, so that an insertion can later be undone exactly.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


class AnchorMissing(Exception):
    """The file does not have the structure the edit expects."""


@dataclass(frozen=True)
class Span:
    """Lines ``start`` to ``end`` (1-based, inclusive) of a file."""

    start: int
    end: int


def _parse(text: str, path: str) -> ast.Module:
    try:
        return ast.parse(text, path)
    except (SyntaxError, ValueError) as error:
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        raise AnchorMissing(f"{path} is not valid Python ({message})") from error


def _span(node: ast.AST) -> Span:
    return Span(node.lineno, node.end_lineno)


def _name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def import_froms(text: str, path: str) -> list[tuple[str, list[str], Span]]:
    """Every top-level ``from X import a, b`` statement: module, names and lines."""
    found = []
    for statement in _parse(text, path).body:
        if isinstance(statement, ast.ImportFrom) and [a.name for a in statement.names] != ["*"]:
            found.append((statement.module or "", [alias.name for alias in statement.names], _span(statement)))
    return found


def list_elements(text: str, path: str, locate) -> tuple[list[tuple[ast.expr, Span]], Span]:
    """The elements of the list literal ``locate(module)`` returns, with their lines, and the list's lines."""
    node = locate(_parse(text, path))
    if node is None:
        raise AnchorMissing(path)
    return [(element, _span(element)) for element in node.elts], _span(node)


def find_assigned_list(module: ast.Module, target: str) -> ast.List | None:
    """The list literal assigned to the top-level name ``target``."""
    for statement in module.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.List):
            if any(_name(t) == target for t in statement.targets):
                return statement.value
    return None


def find_parametrize_list(module: ast.Module, function: str) -> ast.List | None:
    """The list of cases in the ``pytest.mark.parametrize`` decorator of the top-level ``function``."""
    for statement in module.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == function:
            for call in statement.decorator_list:
                if isinstance(call, ast.Call) and _name(call.func) == "pytest.mark.parametrize":
                    if len(call.args) >= 2 and isinstance(call.args[1], ast.List):
                        return call.args[1]
    return None


def string_value(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def call_string_args(node: ast.expr) -> list[str]:
    """The leading positional string arguments of a call such as ``pytest.param("a", "b", ...)``."""
    if not isinstance(node, ast.Call):
        return []
    values = []
    for arg in node.args:
        value = string_value(arg)
        if value is None:
            break
        values.append(value)
    return values


def names_used(text: str, path: str) -> set[str]:
    """Every bare name the module refers to or defines outside its import statements."""
    names: set[str] = set()
    for node in ast.walk(_parse(text, path)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif isinstance(node, ast.MatchClass):
            names.update(node.kwd_attrs)
        elif isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
            names.add(str(node.value))
    return names


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
