"""Lightning Flash's pre-commit hooks, at Flash's pins, run on files of a Flash checkout.

The tools come from ``.venv-gates`` (``requirements-gates.txt``, built by ``make install``). :func:`run_gates` runs
the hooks of Flash's ``.pre-commit-config.yaml`` the way pre-commit does: in its order, each over the files of its
type, fixers in place, from the checkout's root (so each tool reads the checkout's ``pyproject.toml``, and ruff
tells first-party imports from the checkout's layout). It then puts every file back as it was and reports which
hooks changed which files and what the checkers reported: a file passes when no hook changes it or reports it.
"""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO

GATES_BIN = REPO / ".venv-gates" / "bin"

_PYTHON = (".py",)
_TEXT = (".py", ".rst", ".md", ".txt", ".toml", ".yml", ".yaml", ".json", ".cfg", ".ini")


@dataclass(frozen=True)
class Hook:
    """One hook of Flash's pre-commit configuration: its id, the command and the files it takes."""

    id: str
    command: tuple[str, ...]
    suffixes: tuple[str, ...]

    def takes(self, path: str) -> bool:
        return path.endswith(self.suffixes)


# Flash's hooks in the order of its .pre-commit-config.yaml, with its arguments. The other hooks listed there look
# at what these files cannot hold (notebooks, large or case-clashing files, which git decides).
HOOKS = (
    Hook("end-of-file-fixer", ("end-of-file-fixer",), _TEXT),
    Hook("trailing-whitespace", ("trailing-whitespace-fixer",), _TEXT),
    Hook("check-json", ("check-json",), (".json",)),
    Hook("check-yaml", ("check-yaml",), (".yml", ".yaml")),
    Hook("check-toml", ("check-toml",), (".toml",)),
    Hook("check-docstring-first", ("check-docstring-first",), _PYTHON),
    Hook("detect-private-key", ("detect-private-key",), _TEXT),
    Hook("pyupgrade", ("pyupgrade", "--py38-plus"), _PYTHON),
    Hook("docformatter", ("docformatter", "--in-place"), _PYTHON),
    Hook("black", ("black", "--quiet"), _PYTHON),
    Hook("ruff", ("ruff", "check", "--force-exclude", "--no-cache", "--fix"), _PYTHON),
)


@dataclass
class GateReport:
    """What the hooks did to a set of files: ``changed`` maps a file to the hooks that rewrote it."""

    files: list[str]
    changed: dict[str, list[str]] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.changed and not self.findings

    def __str__(self) -> str:
        lines = [f"{path}: changed by {', '.join(hooks)}" for path, hooks in sorted(self.changed.items())]
        return "\n".join(lines + self.findings + self.diffs) or f"{len(self.files)} files pass every hook"


def tool(name: str) -> Path:
    path = GATES_BIN / name
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: run `make install`, which builds .venv-gates")
    return path


def _diff(hook: str, path: str, before: bytes, after: bytes) -> str:
    lines = difflib.unified_diff(
        before.decode("utf-8", "replace").splitlines(keepends=True),
        after.decode("utf-8", "replace").splitlines(keepends=True),
        f"{path} (as written)",
        f"{path} (after {hook})",
    )
    return "".join(list(lines)[:60])


def run_gates(root: Path, files: Iterable[str]) -> GateReport:
    """Run every hook on ``files`` (paths relative to ``root``), restore them, and report."""
    files = sorted(set(files))
    missing = [path for path in files if not (root / path).is_file()]
    if missing:
        raise FileNotFoundError(f"not in {root}: {missing}")
    original = {path: (root / path).read_bytes() for path in files}
    report = GateReport(files)
    try:
        for hook in HOOKS:
            chosen = [path for path in files if hook.takes(path)]
            if not chosen:
                continue
            before = {path: (root / path).read_bytes() for path in chosen}
            result = subprocess.run(
                [str(tool(hook.command[0])), *hook.command[1:], *chosen],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=300,
            )
            rewritten = [path for path in chosen if (root / path).read_bytes() != before[path]]
            for path in rewritten:
                report.changed.setdefault(path, []).append(hook.id)
                report.diffs.append(_diff(hook.id, path, before[path], (root / path).read_bytes()))
            if result.returncode != 0 and not rewritten:
                output = (result.stdout + result.stderr).strip()
                report.findings.append(f"{hook.id} (exit {result.returncode}): {output}")
            elif result.returncode != 0 and hook.id == "ruff" and "Found" in result.stdout:
                report.findings.append(f"ruff: {result.stdout.strip()}")  # left after its own fixes
    finally:
        for path, data in original.items():
            (root / path).write_bytes(data)
    return report
