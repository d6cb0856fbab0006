"""The order isort (and ruff's ``I001`` with its defaults, as Lightning Flash runs it) gives imports.

Modules sort case-insensitively in natural order (digit runs by value), then case-sensitively; the names of a
``from`` import sort by type first (CONSTANTS, then Classes, then other names), then the same way. Shared-file
edits put what they add where these keys say, so a file that was sorted stays sorted.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> list[str | int]:
    """``text`` split into text and digit runs, alternately (so two keys always compare like with like)."""
    return [int(part) if index % 2 else part for index, part in enumerate(_DIGITS.split(text))]


def module_key(module: str) -> tuple:
    return (_natural(module.lower()), _natural(module))


def _member_type(name: str) -> int:
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        return 0  # a constant
    if name[:1].isupper():
        return 1  # a class
    return 2


def member_key(name: str) -> tuple:
    return (_member_type(name), _natural(name.lower()), _natural(name))


def sorted_members(names: list[str]) -> list[str]:
    return sorted(names, key=member_key)
