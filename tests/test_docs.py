"""The generated docs page of every combination of kind, inputs, extras and steps builds with Sphinx, warning-free.

A page's text depends on the kind, the Flash Zero extra and the way the steps are written (what it says of
backbones, defaults, inputs and the example's data comes from the code it includes); what its ``literalinclude``
directives find depends on the files they name (the example, ``:pyobject:`` of model.py and data.py, and all of
backbones.py), which depend on every option. Sphinx handles each directive on its own, from its options and the
file it reads, so a set of pages covers every combination when it holds every distinct page text and every
distinct (directive, included file) pair of all 5952 combinations. That set is built as ONE Sphinx project: each
page with its own combination's files at the relative paths it names, under a task name of its own.
"""

from __future__ import annotations

import heapq
import re
import shutil
import subprocess
import sys
from pathlib import PurePosixPath

from tests.combos import Combo, all_combos
from tests.conftest import STACK_WARNINGS, make_flash_checkout

ALL = all_combos()
FLASH_LAYOUT = {"package": "flash", "package_dir": "src/flash"}
INCLUDE = re.compile(r"^\.\. literalinclude:: (\S+)\n((?:    :\S+:.*\n)*)", re.M)


def answers(combo: Combo, task_name: str) -> dict:
    return {**combo.options(task_name).validate().answers(), **FLASH_LAYOUT}


def _not_tests(path: str) -> bool:
    return not path.startswith("tests/")


def page_of(files: dict[str, bytes]) -> str:
    (page,) = [path for path in files if path.startswith("docs/source/reference/") and path.endswith(".rst")]
    return page


def includes(files: dict[str, bytes], page: str) -> list[tuple[str, str]]:
    """The page's ``literalinclude`` directives: each one's text and the repository path of the file it reads."""
    found = []
    for match in INCLUDE.finditer(files[page].decode()):
        parts = []
        for part in PurePosixPath(page).parent.joinpath(match.group(1)).parts:
            if part == "..":
                parts.pop()
            else:
                parts.append(part)
        found.append((match.group(0), "/".join(parts)))
    return found


def doc_keys(files: dict[str, bytes]) -> set[tuple]:
    """What Sphinx's warnings about the page can depend on: its text, and each directive with the file it reads."""
    page = page_of(files)
    keys: set[tuple] = {("page", files[page])}
    for directive, path in includes(files, page):
        keys.add(("include", directive, files.get(path)))
    return keys


def cover(keys: list[set[tuple]]) -> list[int]:
    """Indexes of combinations that together hold every key (lazy greedy: the largest gain first)."""
    remaining = set().union(*keys)
    heap = [(-len(k), index) for index, k in enumerate(keys)]
    heapq.heapify(heap)
    chosen = []
    while remaining:
        negative_gain, index = heapq.heappop(heap)
        gain = len(keys[index] & remaining)
        if gain == -negative_gain:
            chosen.append(index)
            remaining -= keys[index]
        elif gain:
            heapq.heappush(heap, (-gain, index))
    return sorted(chosen)


def test_every_include_of_a_page_is_a_generated_file(renderer):
    """The page includes the example, model.py (the Task class), data.py (the DataModule) and all of backbones.py."""
    for combo in (ALL[0], ALL[-1]):
        data = answers(combo, "combo")
        context, _ = renderer.context(data)
        files = renderer.render(data, only=_not_tests)
        page = page_of(files)
        assert page == f"docs/source/reference/{context['doc_page']}.rst"
        found = includes(files, page)
        assert [path for _, path in found] == [
            f"examples/combo/{context['doc_page']}.py",
            *(f"{context['task_dir']}/{module}.py" for module in ("model", "data", "backbones")),
        ]
        assert all(path in files for _, path in found)
        pyobjects = [re.search(r":pyobject: (\S+)", directive) for directive, _ in found]
        assert [m and m.group(1) for m in pyobjects] == [None, context["model_class"], "ComboData", None]


def test_docs_pages_of_every_combination_build_without_warnings(renderer, tmp_path):
    keys = [doc_keys(renderer.render(answers(combo, "combo"), only=_not_tests)) for combo in ALL]
    pages = {key for k in keys for key in k if key[0] == "page"}
    assert len(pages) == 3 * 2 * 2  # kind x Flash Zero or not x steps super or explicit
    chosen = cover(keys)
    assert set().union(*(keys[index] for index in chosen)) == set().union(*keys)

    # A Flash checkout: its Sphinx configuration (with the customcarditem directive), its package under src/flash,
    # which autodoc imports so that the pages' :class: references resolve.
    root = make_flash_checkout(tmp_path / "project")
    source = root / "docs" / "source"
    conf = (source / "conf.py").read_text()
    shutil.rmtree(source)  # the checkout's own pages aside: only the combinations' pages and their classes
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\n\nsys.path.insert(0, {str(root / 'src')!r})\n{conf}\n"
        "extensions = ['sphinx.ext.autodoc', 'sphinx.ext.napoleon']\nautodoc_typehints = 'none'\n"
        "exclude_patterns = ['_build']\n"
    )
    built = {}
    # Flash's base classes are declared (their docs are Flash's); the generated classes are documented by autodoc.
    bases = [
        "flash.core.classification.ClassificationTask",
        "flash.core.regression.RegressionTask",
        "flash.core.model.Task",
    ]
    classes = []
    for number, index in enumerate(chosen):
        name = f"page{number:04d}"
        files = renderer.render(answers(ALL[index], name), only=_not_tests)
        page = page_of(files)
        # the same page and the same directives as the combination's under the sweep's name, now for this name
        assert len(includes(files, page)) == 4
        for path, data in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
        built[page.removeprefix("docs/source/").removesuffix(".rst")] = (name, ALL[index])
        (root / "src" / "flash" / name / "__init__.py").write_text("")
        context, _ = renderer.context(answers(ALL[index], name))
        classes += [
            f"{context['module']}.model.{context['model_class']}",
            f"{context['module']}.data.{context['data_class']}",
        ]
    api = "".join(f".. py:class:: {cls}\n\n" for cls in bases) + "".join(f".. autoclass:: {cls}\n\n" for cls in classes)
    (source / "classes.rst").write_text(f"Classes\n=======\n\n{api}")
    toctree = "".join(f"   {doc}\n" for doc in [*sorted(built), "classes"])
    (source / "index.rst").write_text(
        f"Every combination\n=================\n\n.. toctree::\n   :maxdepth: 1\n\n{toctree}"
    )

    warnings = root / "warnings.txt"
    result = subprocess.run(
        [
            sys.executable,
            *[flag for spec in STACK_WARNINGS for flag in ("-W", spec)],  # importing flash: the stack's own
            "-m",
            "sphinx",
            "-b",
            "text",
            "-n",
            "-q",
            "-E",
            "-j",
            "2",
            "-w",
            str(warnings),
            str(source),
            str(root / "_build"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert warnings.read_text() == "", warnings.read_text()[:5000]
    assert result.stderr == "", result.stderr[-5000:]
    assert {combo.steps for _, combo in built.values()} == {"super", "explicit"}
    for doc, (name, combo) in built.items():
        text = (root / "_build" / f"{doc}.txt").read_text()
        stem = name.capitalize()
        # each literalinclude brought in what it names: the whole example, and the three objects
        assert f"from flash.{name}." in text, doc
        assert f"class {stem}Data(DataModule):" in text, doc
        assert re.search(rf"class {stem}(Classifier|Regressor|Task)\((ClassificationTask|RegressionTask|Task)\):", text)
        # every backbone of the registry, with the name it is registered under
        assert 'name="mlp-128",' in text and "def load_mlp_128(num_features, **_):" in text, doc
        assert 'name="mlp-128-256",' in text and "def load_mlp_128_256(num_features, **_):" in text, doc
        # the Task's steps as the page says they are written
        assert "def training_step(self, batch: Any, batch_idx: int)" in text, doc
        assert ("super().training_step(batch, batch_idx)" in text) == (combo.steps == "super"), doc
        prose = " ".join(text.split())  # the text builder wraps paragraphs
        assert ("are written out in full, without" in prose) == (combo.steps == "explicit"), doc
