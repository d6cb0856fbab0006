"""Shared-file edits sort imports as Flash's ruff (0.0.292, isort rules ``I001``) does."""

from __future__ import annotations

import keyword
import random
import string

from scaffold.importorder import module_key, sorted_members
from tests.gates import run_gates


def _names(rng: random.Random, count: int) -> list[str]:
    """Identifiers of every kind isort tells apart: CONSTANTS, Classes, other names, with digits and underscores."""
    names = set()
    while len(names) < count:
        length = rng.randint(1, 8)
        body = "".join(rng.choice(string.ascii_letters + string.digits + "_") for _ in range(length))
        first = rng.choice(string.ascii_letters + "_")
        name = first + body
        name = rng.choice([name, name.upper(), name.lower(), name.capitalize()])
        if name.isidentifier() and not name.startswith("__") and not keyword.iskeyword(name):
            names.add(name)
    return sorted(names)


def test_member_and_module_order_is_ruffs(flash_checkout):
    """Random names and modules, sorted by our keys, are what ruff with Flash's settings leaves unchanged."""
    rng = random.Random(10)
    files = {}
    for index in range(40):
        modules = sorted({f"flash.m{index}.{name.lower()}" for name in _names(rng, 5)}, key=module_key)
        names = _names(rng, 6 * len(modules))
        rng.shuffle(names)
        lines = [
            f"from {module} import {', '.join(sorted_members(names[6 * i : 6 * i + 6]))}  # noqa: F401\n"
            for i, module in enumerate(modules)
        ]
        files[f"src/flash/m{index}/__init__.py"] = '"""Sorted."""\n' + "".join(lines)
    for path, text in files.items():
        (flash_checkout / path).parent.mkdir(parents=True, exist_ok=True)
        (flash_checkout / path).write_text(text)
    report = run_gates(flash_checkout, files)
    assert report.clean, str(report)


def test_a_shuffled_block_is_caught(flash_checkout):
    """The same check fails on names out of order, so the test above can fail."""
    path = "src/flash/m/__init__.py"
    (flash_checkout / path).parent.mkdir(parents=True)
    (flash_checkout / path).write_text('"""Unsorted."""\nfrom flash.m.x import TabularData, TABULAR  # noqa: F401\n')
    assert run_gates(flash_checkout, [path]).changed == {path: ["ruff"]}
