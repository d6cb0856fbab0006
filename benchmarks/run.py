"""Benchmarks of flash-new against copier and against the contributing guide's manual route (``make bench``).

Every figure is the wall time of a whole process (start-up included), measured after one warm-up run: the
median, minimum and maximum of several runs. A comparison alternates its commands run by run, in this same
process, and gives the ratio of the medians. Every run uses a temporary home, git configuration and copier
settings, so the user's own are never read or touched. The results go to ``benchmarks/RESULTS.md``.

    python benchmarks/run.py [--runs 7] [--suite-runs 5] [--output benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import make_flash_checkout, make_package  # noqa: E402  (the hosts the tests use)

BIN = Path(sys.executable).parent
FLASH_NEW = str(BIN / "flash-new")
COPIER = str(BIN / "copier")
TIME = Path("/usr/bin/time")

# Targets the figures are held to.
HELP_TARGET_S = 0.3
TASK_TARGET_RATIO = 1.3
SUITE_TARGET_S = 20.0
SUITE_TARGET_MB = 800.0


@dataclass
class Stats:
    samples: list[float]
    peaks_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_mb) if self.peaks_mb else float("nan")

    def cell(self) -> str:
        return f"{self.median:.3f} ({self.low:.3f}–{self.high:.3f})"


@dataclass
class Command:
    """A command to time: ``setup`` runs before each run, outside the timing, and returns the working folder."""

    argv: Sequence[str]
    setup: Callable[[], Path] | None = None
    cwd: Path | None = None
    env: dict | None = None
    expect: int = 0


def _run_once(command: Command, env: dict, measure_memory: bool) -> tuple[float, float | None]:
    cwd = command.setup() if command.setup else command.cwd
    argv = list(command.argv)
    peak_file = None
    if measure_memory and TIME.exists():
        peak_file = tempfile.NamedTemporaryFile(prefix="flash-new-bench-", suffix=".rss", delete=False)
        peak_file.close()
        argv = [str(TIME), "-f", "%M", "-o", peak_file.name, *argv]
    elif measure_memory:
        argv = [sys.executable, "-c", _RUSAGE_WRAPPER, *argv]
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env={**env, **(command.env or {})}, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != command.expect:
        raise SystemExit(
            f"benchmark command failed ({result.returncode}): {' '.join(command.argv)}\n{result.stdout[-2000:]}"
            f"\n{result.stderr[-2000:]}"
        )
    peak = None
    if peak_file is not None:
        peak = int(Path(peak_file.name).read_text().split()[-1]) / 1024
        os.unlink(peak_file.name)
    elif measure_memory:
        peak = float(result.stderr.strip().splitlines()[-1]) / 1024
    return elapsed, peak


# Without /usr/bin/time: run the command as a child and report the largest resident size of the children.
_RUSAGE_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def measure(commands: dict[str, Command], env: dict, runs: int, memory: bool = False) -> dict[str, Stats]:
    """Time each command ``runs`` times after one warm-up run each, alternating the commands run by run."""
    stats = {name: Stats([]) for name in commands}
    for command in commands.values():
        _run_once(command, env, memory)
    for _ in range(runs):
        for name, command in commands.items():
            elapsed, peak = _run_once(command, env, memory)
            stats[name].samples.append(elapsed)
            if peak is not None:
                stats[name].peaks_mb.append(peak)
    for name, result in stats.items():
        extra = f", peak {result.peak_mb:.0f} MB" if result.peaks_mb else ""
        print(f"  {name}: median {result.median:.3f} s (min {result.low:.3f}, max {result.high:.3f}){extra}")
    return stats


# ---- the places the benchmark works in ---------------------------------------------------------------------


def make_home(root: Path) -> tuple[Path, dict]:
    """A home of its own and the environment that points everything at it."""
    home = root / "home"
    home.mkdir(parents=True)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n"
    )
    env = {
        **os.environ,
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "COPIER_SETTINGS_PATH": str(home / "copier-settings.yml"),
        "NO_COLOR": "1",
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("XDG_DATA_HOME", None)
    env.pop("XDG_CACHE_HOME", None)
    return home, env


def make_project(root: Path) -> Path:
    """A team's project with the package ``team`` under ``src/``, a docs index and a CHANGELOG."""
    return make_package(root, "team")


def git(root: Path, env: dict, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def commit_all(root: Path, env: dict) -> None:
    if not (root / ".git").exists():
        git(root, env, "init", "-q")
    git(root, env, "add", "-A")
    git(root, env, "commit", "-q", "-m", "snapshot")


class Fresh:
    """A fresh copy of ``source`` (its git folder included) for every run, made outside the timing."""

    def __init__(self, source: Path, scratch: Path) -> None:
        self.source, self.scratch = source, scratch

    def __call__(self) -> Path:
        target = Path(tempfile.mkdtemp(prefix=f"{self.source.name}-", dir=self.scratch)) / self.source.name
        subprocess.run(["cp", "-a", str(self.source), str(target)], check=True)
        return target


def copier_copy(version: str, bundle: Path, answers: dict, setup: Callable[[], Path]) -> Command:
    """Plain ``copier copy`` of the task template at ``version`` from ``bundle``, with ``answers`` as ``-d`` options."""
    command = [
        COPIER,
        "copy",
        "--defaults",
        "--trust",
        "--quiet",
        "-r",
        version,
        *data_options(answers),
        str(bundle),
        ".",
    ]
    return Command(command, setup=setup)


def data_options(answers: dict) -> list[str]:
    """``answers`` as copier's ``-d key=value`` options (lists in JSON, which copier reads as YAML)."""
    return [f"-d{key}={json.dumps(value) if isinstance(value, list) else value}" for key, value in answers.items()]


def task_answers(setup: Callable[[], Path], name: str, env: dict) -> dict:
    """The answers ``flash-new task NAME --defaults`` gives copier in the folder ``setup`` makes (its host's names
    and conventions included): those of the answers file it writes, copier's own ``_`` entries aside."""
    import yaml

    root = setup()
    subprocess.run(
        [FLASH_NEW, "task", name, "--dest", ".", "--defaults"], cwd=root, env=env, check=True, capture_output=True
    )
    answers = yaml.safe_load((root / ".flash-new" / f"{name}.yml").read_text())
    return {key: value for key, value in answers.items() if not key.startswith("_")}


# The guide's route as a floor: copy the template task's files and rename with sed, nothing registered.
MANUAL = r"""
set -e
src="$1"; dest="$2"
mkdir -p "$dest/src/team/myclf" "$dest/tests/myclf" "$dest/examples/myclf" "$dest/docs/source/reference"
cp -r "$src/src/flash/template/classification" "$dest/src/team/myclf/classification"
cp -r "$src/tests/template/classification" "$dest/tests/myclf/classification"
cp "$src/examples/template/template_classification.py" "$dest/examples/myclf/myclf_classification.py"
cp "$src/docs/source/reference/template_classification.rst" "$dest/docs/source/reference/myclf_classification.rst"
find "$dest/src/team/myclf" "$dest/tests/myclf" "$dest/examples/myclf" "$dest/docs/source/reference" -type f \
    -exec sed -i -e 's/flash\.template/team.myclf/g' -e 's/TemplateSKLearnClassifier/MyclfClassifier/g' \
    -e 's/template/myclf/g' -e 's/Template/Myclf/g' -e 's/TEMPLATE/MYCLF/g' {} +
"""


def previous_release(where: Path, env: dict) -> tuple[Path, str, str]:
    """flash-new's previous release, to generate a task an update then brings to the current template version:
    this package shipping the packaged bundle without its newest version, run from ``PYTHONPATH``.

    Returns that folder, the version it generates (the bundle's last but one) and the current version.
    """
    from scaffold import template

    versions = template.available_versions()
    assert len(versions) > 1, "the packaged bundle holds a single template version: nothing to update from"
    history = where / "history.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(template.PACKAGED_BUNDLE), str(history)], env=env, check=True)
    release = where / "release"
    shutil.copytree(REPO / "scaffold", release / "scaffold", ignore=shutil.ignore_patterns("__pycache__"))
    older = release / "scaffold" / "data" / "task.bundle"
    git(history, env, "bundle", "create", str(older), *versions[:-1])
    return release, versions[-2], versions[-1]


def generate_tasks(root: Path, names: Sequence[str], env: dict) -> None:
    """Generate tasks through flash-new's library (one process), as ``flash-new task NAME --defaults`` would."""
    code = (
        "import sys; from pathlib import Path; from scaffold.names import TaskOptions; from scaffold.tasks import "
        "create_task\nfor name in sys.argv[2:]: create_task(Path(sys.argv[1]), TaskOptions(name))"
    )
    subprocess.run([sys.executable, "-c", code, str(root), *names], env=env, check=True, cwd=REPO)


# ---- the report ----------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for dist in ("flash-new", "copier", "typer", "lightning-flash", "torch", "pytorch-lightning"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "System": platform.platform(),
        "Python": platform.python_version(),
        "git": git_version.removeprefix("git version "),
        **versions,
    }


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command (after one warm-up)")
    parser.add_argument("--suite-runs", type=int, default=5, help="timed runs of each generated test suite")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    runs = args.runs
    started = time.perf_counter()

    work = Path(tempfile.mkdtemp(prefix="flash-new-bench-"))
    try:
        report = run(work, runs, args.suite_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["total"] = time.perf_counter() - started
    args.output.write_text(render_report(report, runs, args.suite_runs))
    print(f"wrote {args.output} ({report['total']:.0f} s)")


def run(work: Path, runs: int, suite_runs: int) -> dict:
    home, env = make_home(work / "main")
    scratch = work / "scratch"
    scratch.mkdir()
    report: dict = {"machine": machine()}

    print("--help")
    report["help"] = measure(
        {"flash-new --help": Command([FLASH_NEW, "--help"]), "copier --help": Command([COPIER, "--help"])}, env, runs
    )

    # copier copies from the bundle flash-new renders from, at the same version and with the answers flash-new
    # gives it: those of the answers file a run of `flash-new task` writes in the same host (its names and its
    # conventions), taken outside the timing.
    from scaffold import template

    bundle = template.PACKAGED_BUNDLE
    version = template.current_version()

    print("task (team project)")
    project = make_project(work / "project")
    fresh = Fresh(project, scratch)

    def fresh_and_cold() -> Path:
        shutil.rmtree(home / ".cache" / "flash-new", ignore_errors=True)
        return fresh()

    task = {
        "flash-new task": Command([FLASH_NEW, "task", "myclf", "--dest", ".", "--defaults"], setup=fresh),
        "flash-new task, cold": Command(
            [FLASH_NEW, "task", "myclf", "--dest", ".", "--defaults"], setup=fresh_and_cold
        ),
        "copier copy": copier_copy(version, bundle, task_answers(fresh, "myclf", env), fresh),
        "manual": Command(
            ["bash", "-c", MANUAL, "manual", str(REPO / "generated_examples" / "template"), "."], setup=fresh
        ),
    }
    report["task"] = measure(task, env, runs)
    report["task_same"] = same_task_files(task["flash-new task"], task["copier copy"], project, "myclf", env)

    print("task (Flash checkout)")
    checkout = make_flash_checkout(work / "lightning-flash")
    fresh = Fresh(checkout, scratch)
    task_flash = {
        "flash-new task": Command([FLASH_NEW, "task", "myclf", "--dest", ".", "--defaults"], setup=fresh),
        "copier copy": copier_copy(version, bundle, task_answers(fresh, "myclf", env), fresh),
    }
    report["task_flash"] = measure(task_flash, env, runs)
    report["task_flash_same"] = same_task_files(
        task_flash["flash-new task"], task_flash["copier copy"], checkout, "myclf", env
    )

    print("check")
    report["check"] = {}
    names = [f"task{i:02d}" for i in range(1, 51)]
    grown = work / "grown"
    make_project(grown)
    done = 0
    for count in (1, 10, 50):
        generate_tasks(grown, names[done:count], env)
        done = count
        repo = work / f"check-{count}"
        shutil.copytree(grown, repo)
        commit_all(repo, env)
        report["check"][count] = measure(
            {f"flash-new check ({count})": Command([FLASH_NEW, "check", "--dest", str(repo)])}, env, runs
        )[f"flash-new check ({count})"]

    print("update")
    # A team project with the task generated by the previous release, at the previous template version, in the
    # style that version writes (ruff set to Lightning Flash's 120 columns and Python 3.8, so that flash-new's
    # check of the generated lines passes), and committed with the project's copy of the template history as
    # the current flash-new writes it: what plain `copier update` reads. Both update to the current version.
    _, update_env = make_home(work / "update")
    release, older, target = previous_release(work / "previous", update_env)
    base = make_project(work / "to-update")
    (base / "pyproject.toml").write_text('[tool.ruff]\nline-length = 120\ntarget-version = "py38"\n')
    subprocess.run(
        [str(BIN / "python"), "-m", "scaffold", "task", "myclf", "--dest", ".", "--defaults"],
        cwd=base,  # not this checkout, whose own package `python -m` would find first
        env={**update_env, "PYTHONPATH": str(release)},
        check=True,
        capture_output=True,
    )
    recorded = (base / ".flash-new" / "myclf.yml").read_text()
    assert f"_commit: {older}\n" in recorded, f"the previous release did not generate {older}:\n{recorded}"
    shutil.copyfile(bundle, base / ".flash-new" / "_template.bundle")
    commit_all(base, update_env)
    fresh = Fresh(base, scratch)
    report["update_versions"] = (older, target)
    update = {
        "flash-new update": Command([FLASH_NEW, "update", "myclf", "--dest", "."], setup=fresh),
        "copier update": Command(
            [
                COPIER,
                "update",
                "--answers-file",
                ".flash-new/myclf.yml",
                "--defaults",
                "--trust",
                "--quiet",
                "--skip-answered",
                "--conflict",
                "inline",
                "-r",
                target,
                ".",
            ],
            setup=fresh,
        ),
    }
    report["update"] = measure(update, update_env, runs)
    report["update_same"] = same_update(update["flash-new update"], update["copier update"], base, "myclf", update_env)

    print("generated test suites")
    report["suites"] = {}
    for label, task_args in (
        ("myclf", ["myclf"]),
        ("template", ["template", "--model-class", "TemplateSKLearnClassifier"]),
    ):
        host = make_project(work / f"suite-{label}")
        subprocess.run(
            [FLASH_NEW, "task", *task_args, "--dest", str(host), "--defaults"], env=env, check=True, capture_output=True
        )
        folder = f"tests/{task_args[0]}/classification"
        suite = Command(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore", folder],
            cwd=host,
            env={"PYTHONPATH": str(host / "src")},
        )
        report["suites"][label] = measure({f"{label} suite": suite}, env, suite_runs, memory=True)[f"{label} suite"]
    return report


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (``.git`` aside) by its relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def run_in_copy(command: Command, env: dict) -> dict[str, bytes]:
    """Run ``command`` once in the fresh copy its ``setup`` makes; every file of the copy afterwards."""
    root = command.setup()
    subprocess.run(command.argv, cwd=root, env={**env, **(command.env or {})}, check=True, capture_output=True)
    return tree(root)


def without_src_path(data: bytes | None) -> list[bytes] | None:
    """An answers file's lines but ``_src_path`` (copier records the bundle it was given, flash-new the project's
    copy of it)."""
    return None if data is None else [line for line in data.splitlines() if not line.startswith(b"_src_path:")]


@dataclass
class Same:
    """How the trees two commands leave compare: ``same`` when the plain copier command wrote or changed files, each
    of them is alike after flash-new's command (``alike`` of them), and every other difference is a file of
    flash-new's own that the comparison allows (listed in ``extra``); ``differ`` lists the rest."""

    same: bool
    alike: int
    extra: list[str]
    differ: list[str]


def compare(
    mine: dict[str, bytes], other: dict[str, bytes], base: dict[str, bytes], allowed, answers: str | None = None
) -> Same:
    """Compare two trees grown from ``base``; ``allowed`` says which of flash-new's own files may differ, and
    ``answers`` names an answers file that is alike when all its lines but ``_src_path`` are."""
    by_copier = {path for path in other.keys() | base.keys() if other.get(path) != base.get(path)}
    different = {path for path in mine.keys() | other.keys() if mine.get(path) != other.get(path)}
    if answers in different and without_src_path(mine.get(answers)) == without_src_path(other.get(answers)):
        different.discard(answers)
    differ = sorted(path for path in different if path in by_copier or not allowed(path))
    extra = sorted(different - set(differ))
    return Same(bool(by_copier) and not differ, len(by_copier - different), extra, differ)


def same_task_files(ours: Command, theirs: Command, base: Path, name: str, env: dict) -> Same:
    """Whether ``flash-new task`` and ``copier copy`` generate the same task files in fresh copies of ``base``;
    flash-new may also write its ``.flash-new/`` files and the shared files its record names as registrations."""
    mine, other = run_in_copy(ours, env), run_in_copy(theirs, env)
    record = json.loads(mine[f".flash-new/{name}.json"])
    registered = {registration["file"] for registration in record["registrations"]}

    def allowed(path: str) -> bool:
        return path.startswith(".flash-new/") or path in registered

    return compare(mine, other, tree(base), allowed, f".flash-new/{name}.yml")


def same_update(ours: Command, theirs: Command, base: Path, name: str, env: dict) -> Same:
    """Whether ``flash-new update`` and ``copier update`` leave the same files in fresh copies of ``base``: all
    alike, byte for byte, but flash-new's record of the task."""
    mine, other = run_in_copy(ours, env), run_in_copy(theirs, env)
    record = f".flash-new/{name}.json"
    return compare(mine, other, tree(base), lambda path: path == record)


def same_lines(report: dict) -> list[str]:
    """The comparisons of what flash-new and plain copier wrote, one sentence each."""

    def listed(paths: list[str]) -> str:
        return ", ".join(f"`{path}`" for path in paths) or "nothing"

    lines = []
    for key, what in (("task_same", "team project"), ("task_flash_same", "Flash checkout")):
        same = report[key]
        line = (
            f"{what}: flash-new and copier generated the same task files: {verdict(same.same)} ({same.alike} files "
            "alike, the answers file but for `_src_path`, which names the project's copy of the bundle); flash-new "
            f"also wrote {listed(same.extra)} (its `.flash-new/` files and the registrations its record names)"
        )
        if same.differ:
            line += f"; different or unexplained: {listed(same.differ)}"
        lines.append(line + ".")
    same = report["update_same"]
    line = (
        f"update: flash-new and copier left the same files: {verdict(same.same)} ({same.alike} files the update "
        f"wrote alike, byte for byte); flash-new also rewrote {listed(same.extra)} (its record)"
    )
    if same.differ:
        line += f"; different: {listed(same.differ)}"
    lines.append(line + ".")
    return lines


def render_report(report: dict, runs: int, suite_runs: int) -> str:
    h, t, tf, u = report["help"], report["task"], report["task_flash"], report["update"]
    older, version = report["update_versions"]
    fn_help, co_help = h["flash-new --help"], h["copier --help"]
    task_ratio = t["flash-new task"].median / t["copier copy"].median
    flash_ratio = tf["flash-new task"].median / tf["copier copy"].median
    rows = [
        (
            "`flash-new --help`",
            fn_help,
            "`copier --help`",
            co_help,
            f"under {HELP_TARGET_S} s",
            fn_help.median < HELP_TARGET_S,
        ),
        (
            "`flash-new task myclf --defaults` (team project)",
            t["flash-new task"],
            "`copier copy` of the same template",
            t["copier copy"],
            f"within {TASK_TARGET_RATIO}× copier",
            task_ratio <= TASK_TARGET_RATIO,
        ),
        ("", None, "manual route (cp -r + sed, floor)", t["manual"], "", None),
        (
            "the same, first run (no template cache)",
            t["flash-new task, cold"],
            "`copier copy` of the same template",
            t["copier copy"],
            f"within {TASK_TARGET_RATIO}× copier",
            t["flash-new task, cold"].median / t["copier copy"].median <= TASK_TARGET_RATIO,
        ),
        (
            "`flash-new task myclf --defaults` (Flash checkout)",
            tf["flash-new task"],
            "`copier copy` of the same template",
            tf["copier copy"],
            f"within {TASK_TARGET_RATIO}× copier",
            flash_ratio <= TASK_TARGET_RATIO,
        ),
        (
            f"`flash-new update myclf` ({older} to {version})",
            u["flash-new update"],
            "`copier update` of the same task",
            u["copier update"],
            "",
            None,
        ),
    ]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run.py`). Wall time of whole processes, start-up included, in seconds:",
        f"the median of {runs} runs after one warm-up run (min–max in brackets); each comparison alternates its",
        "commands run by run in the same benchmark run, and the ratio is that of the medians. Every run has a",
        "temporary home, git configuration and copier settings. flash-new keeps the compiled template files in",
        '`~/.cache/flash-new/jinja`: the warm-up run fills it, as a user\'s first run does; the row "first run"',
        "empties it before every run.",
        "",
        "| Measured | Median (min–max), s | Compared with | Median (min–max), s | Ratio | Target | Met |",
        "|---|---|---|---|---|---|---|",
    ]
    previous = None
    for what, ours, against, theirs, target, met in rows:
        if ours is None:
            ours, what = previous, ""
        ratio = f"{ours.median / theirs.median:.2f}×"
        cell = ours.cell() if what else ""
        met_cell = "" if met is None else verdict(met)
        lines.append(f"| {what} | {cell} | {against} | {theirs.cell()} | {ratio} | {target} | {met_cell} |")
        previous = ours
    lines += [
        "",
        f"`copier copy -r {version}` copies from the bundle flash-new renders from (`scaffold/data/task.bundle`),",
        "with the answers of the answers file `flash-new task` writes in the same host (its names and conventions).",
        f"The update row starts from a team project whose task {older} generated (by the previous release: this",
        f"package shipping the bundle without {version}), committed with the project's copy of the template",
        "history holding both versions; `copier update --skip-answered --conflict inline` reads that copy, flash-new",
        "its own bundle.",
        "",
        "Checked once more after the timing, each pair of commands in fresh copies:",
        "",
        *[f"- {line}" for line in same_lines(report)],
        "",
        "The manual route copies and renames the guide's template task and registers nothing.",
        "",
        "## `flash-new check` as the repository grows",
        "",
        "Tasks generated once through the library, committed with git, then `flash-new check` timed.",
        "",
        "| Tasks | Median (min–max), s | Per task, ms (over the 1-task run) |",
        "|---|---|---|",
    ]
    one = report["check"][1].median
    for count, stats in report["check"].items():
        per_task = "" if count == 1 else f"{(stats.median - one) / (count - 1) * 1000:.1f}"
        lines.append(f"| {count} | {stats.cell()} | {per_task} |")
    lines += [
        "",
        "## The generated task's own test suite",
        "",
        f"`python -m pytest tests/<task>/classification` in a team project, {suite_runs} runs after one warm-up;",
        "peak memory is the largest resident set size of the pytest process over the runs.",
        "",
        "| Task | Wall, median (min–max), s | Peak memory, MB | Target | Met |",
        "|---|---|---|---|---|",
    ]
    for label, stats in report["suites"].items():
        what = "`myclf` (default)" if label == "myclf" else "`template --model-class TemplateSKLearnClassifier`"
        met = stats.median < SUITE_TARGET_S and stats.peak_mb < SUITE_TARGET_MB
        lines.append(
            f"| {what} | {stats.cell()} | {stats.peak_mb:.0f} | under {SUITE_TARGET_S:.0f} s and "
            f"{SUITE_TARGET_MB:.0f} MB | {verdict(met)} |"
        )
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines += ["", "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in report["machine"].items()]
    lines += ["", f"Run on {stamp}; the whole benchmark took {report['total']:.0f} s.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
