"""Issue 5, every combination green.

Every kind x every non-empty set of inputs x every set of extras x both ways of writing the step methods (5952
combinations) renders, compiles and is
ruff-clean as rendered; an empty set of inputs, the one invalid combination, is refused up front; and a
pairwise covering set of combinations passes its generated tests and runs its example.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations

import pytest
import yaml

from scaffold.errors import UsageError
from scaffold.names import EXTRAS, INPUTS, KINDS, STEPS
from scaffold.render import render
from scaffold.tasks import create_task
from tests.combos import (
    FACTORS,
    Combo,
    all_combos,
    covering_set,
    pairs_of,
    pytest_counts,
    required_pairs,
)
from tests.conftest import flash_new, make_package, run_pytest, tree_snapshot

ALL = all_combos()
FLASH_LAYOUT = {"package": "flash", "package_dir": "src/flash"}
# Files every task has; the extras that are modules add one file each (visualization lives in data.py).
BASE_FILES = 11
CONSTRUCTORS = {
    "numpy": "from_numpy",
    "sklearn": "from_sklearn",
    "dataframe": "from_data_frame",
    "csv": "from_csv",
    "tensor": "from_tensors",
}
MODULE_EXTRAS = {
    "input-transform-module": "input_transform.py",
    "output": "output.py",
    "output-transform": "output_transform.py",
    "cli": "cli.py",
}


def answers(combo: Combo, task_name: str = "combo", **kwargs) -> dict:
    layout = {**FLASH_LAYOUT, **{key: kwargs.pop(key) for key in ("package", "package_dir") if key in kwargs}}
    return {**combo.options(task_name, **kwargs).validate().answers(), **layout}


# ---- the product --------------------------------------------------------------------------------------------


def test_the_product_is_every_kind_input_set_and_extra_set():
    assert len(ALL) == len(KINDS) * (2 ** len(INPUTS) - 1) * 2 ** len(EXTRAS) * len(STEPS) == 5952
    assert len(set(ALL)) == len(ALL)
    assert len({combo.slug for combo in ALL}) == len(ALL)
    assert all(combo.inputs for combo in ALL)


def test_no_valid_combination_is_refused():
    """Every non-empty set of inputs goes with every kind and every set of extras: validation accepts them all."""
    for combo in ALL:
        options = combo.options("combo").validate()
        chosen = (options.kind, tuple(options.inputs), tuple(options.extras), options.steps)
        assert chosen == (combo.kind, combo.inputs, combo.extras, combo.steps)


# ---- the invalid combination: no inputs ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", ",", " , "])
def test_empty_inputs_are_refused_up_front(package_host, value):
    before = tree_snapshot(package_host)
    result = flash_new("task", "combo", "--inputs", value, "--dest", str(package_host), "--defaults")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flash-new: error: --inputs ")
    assert "is empty: choose at least one of numpy, sklearn, dataframe, csv, tensor" in lines[0]
    assert tree_snapshot(package_host) == before


@pytest.mark.parametrize("extras", [[], list(EXTRAS)])
def test_the_template_refuses_empty_inputs_too(extras):
    """Copier's own validator of ``inputs`` stops a render that bypasses flash-new's checks."""
    data = {"task_name": "combo", "kind": "task", "inputs": [], "extras": extras, **FLASH_LAYOUT}
    with pytest.raises(UsageError, match="choose at least one input"):
        render(data)


# ---- the fast renderer is copier ----------------------------------------------------------------------------


def _fidelity_cases() -> list[tuple[Combo, dict]]:
    # every kind with one input and with all, no extras and all, each way of steps with either set of extras
    edges = [
        Combo(kind, inputs, extras, "explicit" if (len(inputs) == 1) == (not extras) else "super")
        for kind in KINDS
        for inputs in (INPUTS[:1], INPUTS)
        for extras in ((), EXTRAS)
    ]
    cases = [(combo, {}) for combo in edges]
    cases += [(combo, {}) for combo in random.Random(5).sample([c for c in ALL if c not in edges], 20)]
    # names, layout and description other than the sweep's
    cases += [
        (
            Combo("task", ("sklearn", "tensor"), ("output", "cli")),
            {"task_name": "sensor_drift", "package": "team_tasks", "package_dir": "src/team_tasks"},
        ),
        (Combo("regression", INPUTS, EXTRAS), {"task_name": "price", "description": 'Say "hi" \\ `x` *y* [z]_ #1'}),
    ]
    return cases


FIDELITY = _fidelity_cases()


@pytest.mark.parametrize(
    ("combo", "extra"), FIDELITY, ids=[f"{c.slug}-{e.get('task_name', 'combo')}" for c, e in FIDELITY]
)
def test_fast_renderer_is_byte_identical_to_copier(renderer, combo, extra):
    extra = dict(extra)
    data = answers(combo, extra.pop("task_name", "combo"), **extra)
    real = render(data)
    fast = renderer.render(data)
    assert sorted(fast) == sorted(real.files)
    for path, content in real.files.items():
        assert fast[path] == content, path
    context, _ = renderer.context(data)
    assert {key: context[key] for key in real.context} == real.context


# ---- every combination: renders, compiles, ruff-clean --------------------------------------------------------


def test_every_combination_renders_compiles_and_is_ruff_clean(renderer, tmp_path):
    """All 5952 render with the files their extras call for; every Python file of every one is checked.

    A Python file with the same path in its tree and the same bytes as one already written is the same input to
    ruff and to the compiler, so it is written once, in the tree of the first combination that has it: ruff
    (one process for ``check``, one for ``format --check``) and ``compileall`` run over every distinct file.
    """
    out = tmp_path / "combos"
    distinct: dict[tuple[str, bytes], list[Combo]] = {}
    python_files = 0
    for combo in ALL:
        files = renderer.render(answers(combo))
        modules = {p.rsplit("/", 1)[-1] for p in files if p.startswith("src/flash/combo/")}
        assert len(files) == BASE_FILES + len(set(combo.extras) & set(MODULE_EXTRAS)), combo
        for extra, module in MODULE_EXTRAS.items():
            assert (module in modules) == (extra in combo.extras), (combo, module)
        recorded = yaml.safe_load(files[".flash-new/combo.yml"])
        assert (recorded["kind"], recorded["inputs"], recorded["extras"], recorded["steps"]) == (
            combo.kind,
            list(combo.inputs),
            list(combo.extras),
            combo.steps,
        )
        for path, data in files.items():
            if path.endswith(".py"):
                python_files += 1
                distinct.setdefault((path, data), []).append(combo)
    assert sum(len(combos) for combos in distinct.values()) == python_files
    for (path, data), combos in distinct.items():
        target = out / combos[0].slug / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    assert len(list(out.rglob("*.py"))) == len(distinct)

    ruff = [sys.executable, "-m", "ruff"]
    run = {"cwd": out, "capture_output": True, "text": True}
    check = subprocess.run(
        [*ruff, "check", "--isolated", "--no-cache", "--line-length", "120", "--select", "E,F,W", "."], **run
    )
    assert check.returncode == 0, check.stdout[-5000:] + check.stderr[-2000:]
    formatted = subprocess.run(
        [*ruff, "format", "--isolated", "--no-cache", "--line-length", "120", "--check", "."], **run
    )
    assert formatted.returncode == 0, formatted.stdout[-5000:] + formatted.stderr[-2000:]
    assert f"{len(distinct)} files already formatted" in formatted.stdout

    compiled = subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "."], **run)
    assert compiled.returncode == 0, compiled.stdout[-5000:] + compiled.stderr[-2000:]
    assert compiled.stdout == ""
    assert len(list(out.rglob("__pycache__/*.pyc"))) == len(distinct)


# ---- the pairwise covering set: generated tests and example green ---------------------------------------------

COVER = covering_set()


def test_covering_set_holds_every_pair_of_option_values():
    assert len(COVER) <= 12  # a real reduction of the 5952
    assert len(set(COVER)) == len(COVER)
    assert all(combo in ALL for combo in COVER)  # valid combinations only
    covered = set().union(*(pairs_of(combo) for combo in COVER))
    assert required_pairs() <= covered
    # spelled out: every kind, both ways of steps, every option on and off, every two options together, in every way
    assert {combo.kind for combo in COVER} == set(KINDS)
    assert {combo.steps for combo in COVER} == set(STEPS)
    for factor in FACTORS:
        if factor not in ("kind", "steps"):
            assert {combo.values()[factor] for combo in COVER} == {True, False}, factor
    for a, b in combinations(FACTORS, 2):
        seen = {(combo.values()[a], combo.values()[b]) for combo in COVER}
        assert seen == {(va, vb) for va in FACTORS[a] for vb in FACTORS[b]}, (a, b)


@pytest.mark.train
def test_covering_set_passes_its_generated_tests_and_runs_its_examples(tmp_path, monkeypatch):
    """The tasks of the covering set, side by side in one external package: one pytest run over all their tests,
    and every example (and every Flash Zero command its docs page gives, for a short run) beside it, two processes
    at a time."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # two processes share 2 cores: one torch thread each
    host = make_package(tmp_path / "host")
    tasks = []
    for index, combo in enumerate(COVER):
        name = f"cover{index}"
        plan = create_task(host, combo.options(name))
        created = [change.path for change in plan.changes if change.action == "create"]
        tests = {path.rsplit("/", 1)[0] for path in created if path.startswith(f"tests/{name}/") and "/test_" in path}
        examples = [path for path in created if path.startswith(f"examples/{name}/") and path.endswith(".py")]
        pages = [path for path in created if path.startswith("docs/source/reference/")]
        assert len(tests) == 1 and len(examples) == 1 and len(pages) == 1, created
        # Flash Zero: the command the docs page gives, for a short run
        page = (host / pages[0]).read_text()
        commands = re.findall(r"^\.\. code-block:: bash\n\n    (.+)$", page, re.M)
        assert len(commands) == ("cli" in combo.extras), page
        tasks.append((name, combo, tests.pop(), examples[0], commands[0] if commands else None))

    def run(command: list[str], cwd) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": str(host / "src")}
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)

    def flash_zero(name: str, command: str) -> tuple[subprocess.CompletedProcess, object]:
        program, *arguments = command.split()
        assert program == "python", command  # not `flash`: that runs Lightning Flash's own tasks only
        cwd = tmp_path / "flash-zero" / name  # its checkpoint apart from the example's
        cwd.mkdir(parents=True)
        return run([sys.executable, *arguments, "--trainer.fast_dev_run", "1"], cwd), cwd

    with ThreadPoolExecutor(max_workers=2) as pool:
        suite = pool.submit(run_pytest, host, *[folder for _, _, folder, _, _ in tasks])
        runs = {name: pool.submit(run, [sys.executable, example], host) for name, _, _, example, _ in tasks}
        zero = {name: pool.submit(flash_zero, name, command) for name, _, _, _, command in tasks if command}
        suite = suite.result()
        runs = {name: future.result() for name, future in runs.items()}
        zero = {name: future.result() for name, future in zero.items()}

    counts = pytest_counts(suite.stdout)
    assert suite.returncode == 0, suite.stdout[-5000:] + suite.stderr[-3000:]
    assert set(counts) == {"passed"}, counts
    passed = [line for line in suite.stdout.splitlines() if line.startswith("PASSED ")]
    assert len(passed) == counts["passed"]
    for name, combo, folder, _, _ in tasks:
        own = {line.removeprefix(f"PASSED {folder}/") for line in passed if line.startswith(f"PASSED {folder}/")}
        assert len(own) >= 18, (name, combo, own)
        for source in combo.inputs:  # every input is loaded for every stage and predicted from
            assert f"test_data.py::test_{CONSTRUCTORS[source]}" in own, (name, combo, source)
            assert f"test_model.py::test_predict_{source}" in own, (name, combo, source)
        assert "test_model.py::test_train" in own, (name, combo)
        assert "test_model.py::test_checkpoint_round_trip[optimizer-class]" in own, (name, combo)
    for name, combo, _, example, _ in tasks:
        result = runs[name]
        assert result.returncode == 0, f"{example} ({combo}):\n{result.stderr[-4000:]}"
        assert re.search(r"^val_\w+: [0-9.]+$", result.stdout, re.M), result.stdout[-2000:]
    # the examples write their logs, checkpoints and CSV files into temporary folders, never the working directory
    assert not [p.name for p in host.iterdir() if p.name.endswith("_model.pt") or p.name in ("lightning_logs", "data")]
    assert zero, "the covering set has Flash Zero on somewhere"
    for name, (result, cwd) in zero.items():
        assert result.returncode == 0, f"{name} Flash Zero:\n{result.stderr[-4000:]}"
        assert [p.name for p in cwd.glob("*_model.pt")], (name, sorted(p.name for p in cwd.iterdir()))
