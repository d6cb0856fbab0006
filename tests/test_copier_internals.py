"""What flash-new takes from copier's internals is where it expects, and copier is pinned to the versions checked."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest

from scaffold import copier_internals
from tests.conftest import REPO


def test_the_internals_flash_new_relies_on_are_there():
    problems = copier_internals.moved()
    assert not problems, (
        f"copier {copier_internals.copier_version()} (jinja2 {version('jinja2')}) moved what "
        "scaffold/copier_internals.py relies on: " + "; ".join(problems) + ". Adapt that module, run "
        "tests/test_combinations.py (the fast renderer against real copier), then move the pin in pyproject.toml"
    )


def test_a_moved_internal_is_noticed(monkeypatch):
    import copier._main

    monkeypatch.delattr(copier._main.Worker, "jinja_env")
    monkeypatch.setitem(copier_internals.RELIED_ON, "copier._tools.scantree", ("path", "follow_symlinks", "depth"))
    monkeypatch.setitem(copier_internals.RELIED_ON, "copier._nowhere.thing", None)
    problems = copier_internals.moved()
    assert problems[0].startswith("copier._main.Worker.jinja_env is gone (AttributeError")
    assert problems[1] == "copier._tools.scantree lost its parameters depth"
    assert problems[2].startswith("copier._nowhere.thing is gone (AttributeError")
    assert len(problems) == 3


@pytest.mark.parametrize("package", ["copier", "jinja2"])
def test_pinned_to_the_minor_version_checked(package):
    """The pin allows the installed minor version only: a newer one passes the tests above before the pin moves."""
    (spec,) = re.findall(rf'^    "({package}[<>=][^"]*)",', (REPO / "pyproject.toml").read_text(), re.MULTILINE)
    major, minor = version(package).split(".")[:2]
    assert spec == f"{package}>={major}.{minor},<{major}.{int(minor) + 1}"
