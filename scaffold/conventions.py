"""The code conventions of the repository a task goes into: its oldest Python and its line length.

A Lightning Flash checkout keeps Flash's own (Python 3.8 typing, 120 columns). Any other project is read the
way its tools read it: ruff's settings (``.ruff.toml``, ``ruff.toml``, or ``[tool.ruff]`` in
``pyproject.toml``, first found wins), ``[project] requires-python``, and black's ``[tool.black]``; what none
of them sets is ruff's default (Python 3.11, 88 columns). Lines fit the smaller of ruff's and black's lengths.
The result is passed to the template as two answers, ``py_min`` and ``line_length``, so the task is rendered in
the project's style and ``copier update`` renders it the same way again.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

FLASH_PY_MIN = "3.8"
FLASH_LINE_LENGTH = 120
# What ruff assumes when a project configures nothing (ruff 0.17: ``target-version = "py311"``, 88 columns).
DEFAULT_PY_MIN = "3.11"
DEFAULT_LINE_LENGTH = 88

_TARGET = re.compile(r"py3(\d+)")
_REQUIRES = re.compile(r"(?:>=|~=|==)\s*3\.(\d+)")


@dataclass(frozen=True)
class Conventions:
    """``py_min``: the oldest Python the code must run on (``"3.N"``); ``line_length``: columns per line."""

    py_min: str
    line_length: int

    def answers(self) -> dict:
        return {"py_min": self.py_min, "line_length": self.line_length}


FLASH = Conventions(FLASH_PY_MIN, FLASH_LINE_LENGTH)


def _load(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{path.name} cannot be read as TOML ({error}): fix the file and run again") from None


def _minor_of_target(value: object) -> int | None:
    match = _TARGET.fullmatch(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def _minor_of_requires(value: object) -> int | None:
    """The lowest ``3.N`` a ``requires-python`` specifier allows (``>=3.10``, ``~=3.9``, ``>=3.8,<4``)."""
    found = _REQUIRES.findall(value) if isinstance(value, str) else []
    return min(int(minor) for minor in found) if found else None


def _ruff_settings(root: Path, pyproject: dict) -> dict | None:
    """Ruff's settings, from the file ruff itself would pick in ``root``; ``None`` when there is none."""
    for name in (".ruff.toml", "ruff.toml"):
        if (root / name).is_file():
            return _load(root / name)
    return pyproject.get("tool", {}).get("ruff")


def _length(settings: dict | None) -> int | None:
    value = (settings or {}).get("line-length")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def detect(root: Path) -> Conventions:
    """The conventions of the project at ``root`` (not a Flash checkout: see :data:`FLASH`)."""
    pyproject = _load(root / "pyproject.toml") if (root / "pyproject.toml").is_file() else {}
    ruff = _ruff_settings(root, pyproject)
    black = pyproject.get("tool", {}).get("black")
    minors = []
    if ruff is not None and _minor_of_target(ruff.get("target-version")) is not None:
        minors.append(_minor_of_target(ruff.get("target-version")))
    else:
        requires = _minor_of_requires(pyproject.get("project", {}).get("requires-python"))
        if requires is not None:
            minors.append(requires)
        elif black and isinstance(black.get("target-version"), list):
            minors += [m for m in map(_minor_of_target, black["target-version"]) if m is not None]
    # Ruff checks at its own length (88 when unset) and black formats at its own: the code fits the smaller,
    # split only where a formatter keeps it split at any length (magic trailing commas).
    lengths = [_length(ruff) or DEFAULT_LINE_LENGTH]
    if black is not None:
        lengths.append(_length(black) or DEFAULT_LINE_LENGTH)
    py_min = f"3.{min(minors)}" if minors else DEFAULT_PY_MIN
    return Conventions(py_min, min(lengths))
