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
INPUTS = ["numpy", "sklearn"]
EXTRAS = ["visualization"]

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


def copier_copy(version: str, bundle: str, names: tuple[str, str, str], setup) -> Command:
    """Plain ``copier copy`` of the task template with the answers flash-new would pass for ``names``."""
    command = [COPIER, "copy", "--defaults", "--trust", "--quiet", "-r", version, *copier_answers(*names), bundle, "."]
    return Command(command, setup=setup)


def copier_answers(name: str, package: str, package_dir: str) -> list[str]:
    """The answers flash-new gives copier for ``flash-new task NAME --defaults``, as ``-d`` options."""
    answers = {
        "task_name": name,
        "data_type": name,
        "task_type": "classification",
        "kind": "classification",
        "inputs": json.dumps(INPUTS),
        "extras": json.dumps(EXTRAS),
        "package": package,
        "package_dir": package_dir,
    }
    return [f"-d{key}={value}" for key, value in answers.items()]


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


def next_bundle(where: Path) -> tuple[Path, str]:
    """The packaged template bundle plus one newer version whose model docstring has one more paragraph."""
    from maintainer import release
    from scaffold import template

    source = where / "template"
    shutil.copytree(release.TEMPLATE_DIR, source, ignore=shutil.ignore_patterns("__pycache__"))
    model = source / "{{ package_dir }}" / "{{ data_type }}" / "{{ task_type }}" / "model.py.jinja"
    old = 'made of a registered backbone and a linear head."""'
    text = model.read_text()
    assert old in text, "the model template changed: update benchmarks/run.py"
    model.write_text(text.replace(old, 'made of a registered backbone and a linear head.\n\nBenchmark edit."""', 1))
    parts = template.latest_version().lstrip("v").split(".")
    version = ".".join([*parts[:-1], str(int(parts[-1]) + 1)])
    bundle = where / "task.bundle"
    shutil.copyfile(template.PACKAGED_BUNDLE, bundle)
    release.release(version, bundle, source)
    return bundle, f"v{version}"


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

    # A run of flash-new installs the template bundle into the home; copier then copies from that same bundle.
    project = make_project(work / "project")
    warm = Fresh(project, scratch)()
    subprocess.run(
        [FLASH_NEW, "task", "warm", "--dest", str(warm), "--defaults"], env=env, check=True, capture_output=True
    )
    from scaffold import template

    bundle = str(home / ".local" / "share" / "flash-new" / "task.bundle")
    version = template.latest_version()

    print("task (team project)")
    fresh = Fresh(project, scratch)

    def fresh_and_cold() -> Path:
        shutil.rmtree(home / ".cache" / "flash-new", ignore_errors=True)
        return fresh()

    task = {
        "flash-new task": Command([FLASH_NEW, "task", "myclf", "--dest", ".", "--defaults"], setup=fresh),
        "flash-new task, cold": Command(
            [FLASH_NEW, "task", "myclf", "--dest", ".", "--defaults"], setup=fresh_and_cold
        ),
        "copier copy": copier_copy(version, bundle, ("myclf", "team", "src/team"), fresh),
        "manual": Command(
            ["bash", "-c", MANUAL, "manual", str(REPO / "generated_examples" / "template"), "."], setup=fresh
        ),
    }
    report["task"] = measure(task, env, runs)
    report["task_same_files"] = same_files(task["flash-new task"], task["copier copy"], env)

    print("task (Flash checkout)")
    checkout = make_flash_checkout(work / "lightning-flash")
    fresh = Fresh(checkout, scratch)
    report["task_flash"] = measure(
        {
            "flash-new task": Command([FLASH_NEW, "task", "myclf", "--dest", ".", "--defaults"], setup=fresh),
            "copier copy": copier_copy(version, bundle, ("myclf", "flash", "src/flash"), fresh),
        },
        env,
        runs,
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
    _, update_env = make_home(work / "update")
    newer, target = next_bundle(work / "vnext")
    # the next flash-new release: this package shipping the newer bundle, run from PYTHONPATH
    release = work / "next-release"
    shutil.copytree(REPO / "scaffold", release / "scaffold", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(newer, release / "scaffold" / "data" / "task.bundle")
    base = make_project(work / "to-update")
    subprocess.run(
        [FLASH_NEW, "task", "myclf", "--dest", str(base), "--defaults"], env=update_env, check=True, capture_output=True
    )
    # the project's copy of the template history as the newer release writes it: what plain copier reads
    shutil.copyfile(newer, base / ".flash-new" / "_template.bundle")
    commit_all(base, update_env)
    fresh = Fresh(base, scratch)
    report["update_target"] = target
    report["update"] = measure(
        {
            "flash-new update": Command(
                [str(BIN / "python"), "-m", "scaffold", "update", "myclf", "--dest", "."],
                setup=fresh,
                env={"PYTHONPATH": str(release)},
            ),
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
        },
        update_env,
        runs,
    )

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


def same_files(ours: Command, theirs: Command, env: dict) -> bool:
    """Whether two commands generate the same task files (flash-new's record and registrations aside)."""

    def files(command: Command) -> dict[str, bytes]:
        root = command.setup()
        subprocess.run(command.argv, cwd=root, env=env, check=True, capture_output=True)
        out = {}
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and "myclf" in relative and not relative.startswith(".flash-new/"):
                out[relative] = path.read_bytes()
        return out

    mine, other = files(ours), files(theirs)
    return set(other) <= set(mine) and all(mine[p] == other[p] for p in other)


def render_report(report: dict, runs: int, suite_runs: int) -> str:
    h, t, tf, u = report["help"], report["task"], report["task_flash"], report["update"]
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
            f"`flash-new update myclf` (to {report['update_target']})",
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
        f"flash-new and copier generated the same task files: {'yes' if report['task_same_files'] else '**no**'}"
        " (flash-new also writes its record and registers the task in the docs index, the CHANGELOG and the",
        "package's `__init__.py`; the manual route registers nothing).",
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
