"""Maintaining the template: render from the folder under development, release a version, re-release it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml

from maintainer import release
from scaffold import __version__, state, template
from scaffold.errors import UsageError
from tests.conftest import REPO, flash_new, make_package, tree_snapshot
from tests.template_versions import MODEL_JINJA, NEW_LINE, OLD_LINE


@pytest.fixture
def edited_template(tmp_path):
    """``templates/task`` with one docstring of model.py changed."""
    folder = tmp_path / "template"
    shutil.copytree(release.TEMPLATE_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    model = folder / MODEL_JINJA
    model.write_text(model.read_text().replace(OLD_LINE, NEW_LINE, 1))
    return folder


def test_the_template_under_development_is_what_renders(tmp_path, edited_template):
    root = make_package(tmp_path / "project")
    result = flash_new(
        "task", "alpha", "--dest", str(root), "--defaults", env={"FLASH_NEW_TEMPLATE": str(edited_template)}
    )
    assert result.returncode == 0, result.stderr

    model = (root / "src/team_tasks/alpha/classification/model.py").read_text()
    assert NEW_LINE.splitlines()[-1] in model
    answers = yaml.safe_load((root / state.answers_path("alpha")).read_text())
    assert answers["_src_path"] == str(edited_template) and "_commit" not in answers
    assert json.loads((root / state.record_path("alpha")).read_text())["template_version"] == template.DEV_VERSION

    check = flash_new("check", "--json", "--dest", str(root))  # a task of no released version: not to be kept
    assert check.returncode == 1
    assert "records no template source or version" in json.loads(check.stdout)["tasks"][0]["problems"][0]

    released = make_package(tmp_path / "released")
    assert flash_new("task", "alpha", "--dest", str(released), "--defaults").returncode == 0
    assert NEW_LINE.splitlines()[-1] not in (released / "src/team_tasks/alpha/classification/model.py").read_text()


def test_a_template_folder_that_is_none_is_one_line(tmp_path):
    root = make_package(tmp_path / "project")
    before = tree_snapshot(root)
    result = flash_new("task", "alpha", "--dest", str(root), "--defaults", env={"FLASH_NEW_TEMPLATE": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.startswith("flash-new: error: FLASH_NEW_TEMPLATE=") and result.stderr.count("\n") == 1
    assert "has no copier.yml" in result.stderr
    assert tree_snapshot(root) == before


def test_release_and_amend(tmp_path, edited_template):
    bundle = tmp_path / "task.bundle"
    shutil.copyfile(template.PACKAGED_BUNDLE, bundle)
    current = f"v{__version__}"

    assert release.release(__version__, bundle) == f"{current} is already released with this template"
    with pytest.raises(UsageError, match=f"{current} is released with another template: pass --amend"):
        release.release(__version__, bundle, edited_template)
    old = template.heads(bundle)

    assert release.release(__version__, bundle, edited_template, amend=True) == f"released again {current}"
    new = template.heads(bundle)
    assert set(new) == set(old) and new[current] != old[current]
    assert {tag: sha for tag, sha in new.items() if tag != current} == {t: s for t, s in old.items() if t != current}
    assert release.release(__version__, bundle, edited_template, amend=True).endswith(
        "already released with this template"
    )

    # An older version, or one this checkout does not develop, is never released again.
    older = sorted(old, key=template.version_key)[0].lstrip("v")
    with pytest.raises(UsageError, match="is older than the bundle's newest version"):
        release.release(older, bundle, release.TEMPLATE_DIR, amend=True)
    assert release.release("99.0.0", bundle) == "released v99.0.0"
    with pytest.raises(UsageError, match="is older than the bundle's newest version v99.0.0"):
        release.release(__version__, bundle, release.TEMPLATE_DIR, amend=True)
    with pytest.raises(UsageError, match=r"--amend re-releases this checkout's version"):
        release.release("99.0.0", bundle, edited_template, amend=True)


def test_release_needs_no_third_party_package(tmp_path, edited_template):
    """``make release-template`` runs with Python and git alone: no site-packages, no .venv."""
    bundle = tmp_path / "task.bundle"
    code = (
        "import sys; from pathlib import Path; from maintainer.release import release; "
        f"print(release('99.0.0', Path({str(bundle)!r}), Path({str(edited_template)!r})))"
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "released v99.0.0\n"
    assert list(template.heads(bundle)) == ["v99.0.0"]

    usage = subprocess.run([sys.executable, "-S", "-m", "maintainer.release", "--help"], cwd=REPO, capture_output=True)
    assert usage.returncode == 0 and b"--amend" in usage.stdout
