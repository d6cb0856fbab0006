"""Mutation testing of the modules that guard users' files and state (``make mutate``; not part of CI).

For each module, mutmut mutates that module only and runs only the fast test files that target it, each mutant
against the tests that reach the mutated function. Every module runs in its own scratch copy of the repository
(``build/mutate/<module>``), so that each has its own mutmut configuration and test selection. The result is
printed as Markdown and written to ``build/mutate/results.json``, with each survivor's diff, for
``benchmarks/MUTATION.md``.

    python benchmarks/mutate.py [--max-children N] [MODULE ...]     # default: every module below
    python benchmarks/mutate.py --survivors [MODULE ...]             # after tests were added: see below
    python benchmarks/mutate.py --survivors-only [MODULE ...]        # the same, leaving unchecked mutants unchecked

    python benchmarks/mutate.py --resume [MODULE ...]                # go on with a run that was stopped
    python benchmarks/mutate.py --report [MODULE ...]                # results so far, running nothing
    python benchmarks/mutate.py --resume --functions f,g MODULE      # only the mutants of f and g (quick ones first)

``--survivors`` re-runs only the mutants that a module's last run left alive, and those a stopped run did not
check, in the same scratch copy with the repository's current tests (stats collected afresh, so that new tests
are associated with the functions they reach). It refuses when the module's code changed since that run;
killed mutants stay killed, since tests are only ever added. ``--resume`` runs, in the same scratch copy, the
mutants a stopped run did not check, with the tests of its scratch copy; mutants not checked yet are counted apart and
left out of the kill rate. Stop a run with Ctrl-C, or with SIGTERM to its ``mutmut run`` process when it was
started in the background (which ignores SIGINT there): each mutant's result is saved as it comes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "build" / "mutate"

# Each module and the test files that target it (fast ones only: no training, no property runs).
# The registrations' own tests call them without a render (test_undo.py and test_register.py reach them through
# copier renders, 84 s for the two files: too slow to run for each mutant).
REGISTRATION_TESTS = ["tests/test_registration_edits.py"]
MODULES = {
    "scaffold/plan.py": ["tests/test_plan.py", "tests/test_journal.py"],
    "scaffold/state.py": ["tests/test_state.py", "tests/test_journal.py", "tests/test_check.py"],
    "scaffold/template.py": ["tests/test_versions.py", "tests/test_check.py"],
    "scaffold/trust.py": ["tests/test_trust.py", "tests/test_state.py"],
    "scaffold/register.py": REGISTRATION_TESTS,
    "scaffold/registrations/*.py": REGISTRATION_TESTS,
    # test_update_steps.py calls update.py's functions in-process, test_reanswer.py its re-answers (registrations
    # made into their successors); the update tests' subprocess runs credit nothing
    "scaffold/update.py": [
        "tests/test_update_steps.py",
        "tests/test_reanswer.py",
        "tests/test_update.py",
        "tests/test_versions.py",
    ],
    "scaffold/check.py": ["tests/test_check.py"],
}
COPIED = ["scaffold", "maintainer", "tests", "templates"]  # and every file at the top of the repository
ORDER_PLUGIN = "mutate_order"  # benchmarks/mutate_order.py
NOT_KILLED = ("survived", "no tests")  # a mutant no selected test reaches is not caught either


def _top_files() -> list[str]:
    return sorted(p.name for p in REPO.iterdir() if p.is_file() and p.name != "pyproject.toml")


def _config(module: str, tests: list[str]) -> str:
    def toml_list(items: list[str]) -> str:
        return "[" + ", ".join(json.dumps(item) for item in items) + "]"

    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["scaffold"]\n'
        f"only_mutate = {toml_list([module])}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        'pytest_add_cli_args = ["-m", "not slow and not train", "-p", "no:cacheprovider"]\n'
        f"also_copy = {toml_list(['maintainer', 'templates', *_top_files()])}\n"
        "use_git_change_detection = false\n"
    )


def run_module(module: str, tests: list[str], children: int) -> dict:
    scratch = _scratch(module)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name in COPIED + _top_files():
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copyfile(source, scratch / name)
    (scratch / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text() + _config(module, tests))
    seconds = _mutmut(scratch, module, ["--max-children", str(children)])
    return _results(scratch, module, tests, seconds)


def _scratch(module: str) -> Path:
    return WORK / module.removeprefix("scaffold/").replace("/*.py", "").removesuffix(".py")


def _mutmut(scratch: Path, module: str, args: list[str], log: str = "mutmut-run.log") -> float:
    # each mutant's tests run fastest first: a plugin in a folder of its own (mutmut takes the scratch copy's top
    # folder off sys.path, so that the tests import the mutated code)
    plugins = scratch / "plugins"
    plugins.mkdir(exist_ok=True)
    shutil.copyfile(REPO / "benchmarks" / f"{ORDER_PLUGIN}.py", plugins / f"{ORDER_PLUGIN}.py")
    began = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "mutmut", "run", *args],
        cwd=scratch,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(plugins), "PYTEST_PLUGINS": ORDER_PLUGIN},
    )
    seconds = time.perf_counter() - began
    (scratch / log).write_text(run.stdout + run.stderr)
    if run.returncode < 0:  # stopped by a signal: the results so far are kept, and the time they took
        print(f"  mutmut was stopped after {seconds:.0f} s: go on with --resume {module}", flush=True)
    elif run.returncode != 0:
        sys.exit(f"mutmut failed on {module} (exit {run.returncode}): see {scratch / log}")
    return seconds


def _check_unchanged(scratch: Path, module: str) -> None:
    changed = [
        path.relative_to(REPO).as_posix()
        for path in sorted(REPO.glob(module))
        if (scratch / path.relative_to(REPO)).read_bytes() != path.read_bytes()
    ]
    if changed:
        sys.exit(f"{', '.join(changed)} changed since the last run of {module}: run it whole again")


def _of(names: list[str], functions: list[str] | None) -> list[str]:
    """The mutants ``names`` of the ``functions`` (all with ``None``): ``<module>.x_<function>__mutmut_<n>``."""
    if functions is None:
        return names
    return [name for name in names if name.rpartition(".x_")[2].rpartition("__mutmut_")[0] in functions]


def resume(module: str, previous: dict | None, children: int, functions: list[str] | None = None) -> dict:
    """Check the mutants of ``module`` (of ``functions`` only, if given) that its stopped run did not; ``previous``
    is its result so far."""
    scratch = _scratch(module)
    _check_unchanged(scratch, module)
    seconds = (previous or {}).get("seconds", 0)
    names = [] if functions is None else _of(_not_checked(scratch, module), functions)
    if functions is None or names:
        seconds += _mutmut(scratch, module, ["--max-children", str(children), *names], log="mutmut-resume.log")
    return _results(scratch, module, MODULES[module], seconds)


def rerun_survivors(
    module: str, previous: dict, children: int, unchecked: bool = True, functions: list[str] | None = None
) -> dict:
    """Run again, with the current tests and test selection, the mutants ``previous`` (the module's last result)
    left alive, and (``unchecked``) those a stopped run did not check (one mutmut run: stats and the clean test
    run are made once); of ``functions`` only, if given."""
    scratch = _scratch(module)
    _check_unchanged(scratch, module)
    shutil.rmtree(scratch / "tests")
    shutil.copytree(REPO / "tests", scratch / "tests", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (scratch / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text() + _config(module, MODULES[module]))
    (scratch / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)  # associate the new tests too
    names = [survivor["name"] for survivor in previous["survivors"]]
    names = _of(names + (_not_checked(scratch, module) if unchecked else []), functions)
    seconds = previous["seconds"]
    if names:
        seconds += _mutmut(scratch, module, ["--max-children", str(children), *names], log="mutmut-rerun.log")
    result = _results(scratch, module, MODULES[module], seconds)
    result["rerun"] = {"mutants": len(names), "first_run_seconds": previous["seconds"]}
    return result


def _not_checked(scratch: Path, module: str) -> list[str]:
    names = []
    for meta in sorted((scratch / "mutants").glob(f"{module}.meta")):
        names += [name for name, code in json.loads(meta.read_text())["exit_code_by_key"].items() if code is None]
    return sorted(names)


def _results(scratch: Path, module: str, tests: list[str], seconds: float) -> dict:
    from mutmut.stats import status_by_exit_code  # mutmut's own reading of a mutant's exit code

    codes = {}
    for meta in sorted((scratch / "mutants").glob(f"{module}.meta")):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    counts: dict[str, int] = {}
    survivors = []
    for name, code in sorted(codes.items()):
        status = status_by_exit_code[code]
        counts[status] = counts.get(status, 0) + 1
        if status in NOT_KILLED:
            diff = subprocess.run(
                [sys.executable, "-m", "mutmut", "show", name], cwd=scratch, capture_output=True, text=True
            ).stdout
            survivors.append({"name": name, "status": status, "diff": diff})
    total = sum(counts.values())
    checked = total - counts.get("not checked", 0)
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    return {
        "module": module,
        "tests": tests,
        "mutants": total,
        "counts": counts,
        "kill_rate": round(100 * killed / checked, 1) if checked else None,
        "seconds": round(seconds),
        "survivors": survivors,
    }


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/mutate.py",
        description="Mutation testing of the modules that guard users' files (see benchmarks/MUTATION.md).",
    )
    how = parser.add_mutually_exclusive_group()
    for name, does in [
        ("survivors", "run again the last run's survivors and unchecked mutants, with the current tests"),
        ("survivors-only", "the same, leaving unchecked mutants unchecked"),
        ("resume", "check the mutants a stopped run did not reach"),
        ("report", "print the results so far, running nothing"),
    ]:
        how.add_argument(f"--{name}", dest="how", action="store_const", const=name, help=does)
    parser.add_argument("--max-children", type=int, default=1, metavar="N", help="mutants checked at once")
    parser.add_argument(
        "--functions",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        metavar="NAME,...",
        help="with --resume or --survivors: only the mutants of these functions (to check the quick ones first)",
    )
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"default: all of {', '.join(MODULES)}")
    args = parser.parse_args(argv)
    unknown = [module for module in args.modules if module not in MODULES]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}: choose from {', '.join(MODULES)}")
    if args.functions is not None and args.how not in ("resume", "survivors", "survivors-only"):
        parser.error("--functions goes with --resume, --survivors or --survivors-only")
    if args.max_children < 1:
        parser.error("--max-children must be 1 or more")
    return args


def main(argv: list[str]) -> None:
    args = _arguments(argv)
    children, how, modules = args.max_children, args.how or "run", args.modules or list(MODULES)
    WORK.mkdir(parents=True, exist_ok=True)
    results_file = WORK / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    for module in modules:
        if how != "run" and not (_scratch(module) / "mutants").is_dir():
            sys.exit(f"no run of {module} to go on from: run benchmarks/mutate.py {module} first")
        if how.startswith("survivors") and module not in results:
            sys.exit(f"no result of {module} to take the survivors from: --resume or --report {module} first")
        if how in ("survivors", "survivors-only"):
            print(f"running {module}'s survivors again with the current tests ...", flush=True)
            results[module] = rerun_survivors(
                module, results[module], children, unchecked=how == "survivors", functions=args.functions
            )
        elif how == "resume":
            print(f"going on with {module}'s stopped run ...", flush=True)
            results[module] = resume(module, results.get(module), children, functions=args.functions)
        elif how == "report":
            seconds = results.get(module, {}).get("seconds", 0)
            results[module] = _results(_scratch(module), module, MODULES[module], seconds)
        else:
            print(f"mutating {module} with {', '.join(MODULES[module])} ...", flush=True)
            results[module] = run_module(module, MODULES[module], children)
        results_file.write_text(json.dumps(results, indent=2) + "\n")
        r = results[module]
        print(f"  {r['mutants']} mutants, {r['counts']}, kill rate {r['kill_rate']}%, {r['seconds']} s", flush=True)
    print("\n| module | mutants | killed | timeout | survived | not checked | kill rate | time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for module, r in results.items():
        c = r["counts"]
        print(
            f"| {module} | {r['mutants']} | {c.get('killed', 0)} | {c.get('timeout', 0)} "
            f"| {c.get('survived', 0) + c.get('no tests', 0)} | {c.get('not checked', 0)} "
            f"| {r['kill_rate']}% | {r['seconds']} s |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
