"""A pytest plugin for mutation runs (``benchmarks/mutate.py``): a mutant's tests run fastest first.

mutmut stops a mutant's tests at the first failure (``-x``) and hands them to pytest in no particular order. A
mutant is killed whichever of its tests fails, so the order changes no verdict, only how soon it is found: the
quick in-process tests of a step go before the end-to-end updates that take seconds each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# mutmut runs the tests in its ``mutants`` folder, where it keeps each test's duration from its stats run
STATS = Path("mutmut-stats.json")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    try:
        durations = json.loads(STATS.read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError, TypeError):
        return  # the stats run itself: no durations yet
    items.sort(key=lambda item: durations.get(item.nodeid, float("inf")))
