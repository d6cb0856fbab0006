"""Interrupted runs: Ctrl-C (SIGINT to the process group) or SIGTERM at random moments, and SIGKILL mid-write.

A run of ``task``, ``remove`` or ``update`` that is interrupted leaves the tree either exactly as it was or
exactly as a complete run leaves it (compared byte for byte with a reference run, which ``flash-new check``
passes), never half written. Half of the trials stop the run at a random moment of its whole life; the other
half wait for its journal (``scaffold.state.JOURNAL``) or, for ``update``, for copier's first write,
and stop it in the middle of writing, with ``FLASH_NEW_TEST_WRITE_DELAY`` widening the window between writes.
After a SIGKILL mid-write the next run refuses and names ``flash-new rollback``, which restores the tree.

``FLASH_NEW_INTERRUPT_SEED`` sets the random moments; ``FLASH_NEW_INTERRUPT_TRIALS`` the trials per command.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from scaffold.plan import WRITE_DELAY_ENV
from scaffold.state import JOURNAL
from tests.conftest import REPO, git, git_commit_all, make_package, tree_snapshot
from tests.template_versions import make_release, next_bundle, next_version

TRIALS = int(os.environ.get("FLASH_NEW_INTERRUPT_TRIALS", "50"))
SEED = int(os.environ.get("FLASH_NEW_INTERRUPT_SEED", "20260601"))
PARALLEL = 2
WRITE_DELAY = 0.02


@dataclass
class Scenario:
    """A command, the tree it starts from, what a complete run leaves, and how long a complete run takes."""

    name: str
    args: list[str]
    start: Path
    home: Path
    before: dict[str, bytes]
    after: dict[str, bytes]
    seconds: float
    writes_in_place: bool = False  # copier writes update's files itself, not through flash-new's journal
    path: Path = REPO  # the flash-new release that runs (the folder holding its package)


def _env(home: Path, path: Path = REPO, **extra: str) -> dict:
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(path), "NO_COLOR": "1"}
    env.update(extra)
    return env


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def _command(args: list[str], root: Path) -> list[str]:
    # -P: the working directory does not go first on sys.path, so PYTHONPATH picks the release
    return [sys.executable, "-P", "-m", "scaffold", *args, "--dest", str(root)]


def _reference(name: str, args: list[str], start: Path, home: Path, scratch: Path, **kw) -> Scenario:
    """Run the command once to the end: what a complete run leaves, and how long it takes."""
    root = _copy(start, scratch / f"{name}-reference")
    began = time.perf_counter()
    path = kw.get("path", REPO)
    result = subprocess.run(_command(args, root), env=_env(home, path), capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - began
    assert result.returncode == 0, result.stderr
    check = subprocess.run(_command(["check"], root), env=_env(home, path), capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    return Scenario(name, args, start, home, tree_snapshot(start), tree_snapshot(root), seconds, **kw)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory, home) -> dict[str, Scenario]:
    with pytest.MonkeyPatch.context() as patch:  # the isolation conftest gives each test, for this module's setup
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("COPIER_SETTINGS_PATH", str(home / "copier-settings.yml"))
        patch.delenv("XDG_DATA_HOME", raising=False)
        patch.delenv("XDG_CACHE_HOME", raising=False)
        return _scenarios(tmp_path_factory, home)


def _scenarios(tmp_path_factory, home) -> dict[str, Scenario]:
    scratch = tmp_path_factory.mktemp("interrupt")
    project = make_package(scratch / "project")
    git_commit_all(project)
    found = {"task": _reference("task", ["task", "myclf", "--defaults"], project, home, scratch)}

    with_task = _copy(project, scratch / "with-task")
    result = subprocess.run(_command(["task", "myclf", "--defaults"], with_task), env=_env(home), capture_output=True)
    assert result.returncode == 0, result.stderr
    git_commit_all(with_task, "task myclf")
    found["remove"] = _reference("remove", ["remove", "myclf"], with_task, home, scratch)

    # update: the next release, whose template bundle has a newer version than the task's
    where = tmp_path_factory.mktemp("vnext")
    release = make_release(where / "release", next_bundle(where), next_version())
    found["update"] = _reference(
        "update", ["update", "myclf"], with_task, home, scratch, writes_in_place=True, path=release.path
    )
    assert found["update"].after != found["update"].before
    return found


# ---- one trial -------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    trial: int
    signal: str
    mode: str
    state: str  # "unchanged", "complete" or a description of the half-written tree
    mid_write: bool
    returncode: int
    stderr: str


def _first_write_seen(scenario: Scenario, root: Path) -> bool:
    if (root / JOURNAL).exists():
        return True
    if scenario.writes_in_place:  # copier rewrites the task's model.py during an update
        model = root / "src/team_tasks/myclf/classification/model.py"
        return model.read_bytes() != scenario.before["src/team_tasks/myclf/classification/model.py"]
    return False


def run_trial(scenario: Scenario, trial: int, scratch: Path) -> Outcome:
    rng = random.Random(f"{SEED}-{scenario.name}-{trial}")
    sig = rng.choice([signal.SIGINT, signal.SIGTERM])
    mode = "mid-write" if trial % 2 else "any moment"
    root = _copy(scenario.start, scratch / f"{scenario.name}-{trial}")
    env = _env(scenario.home, scenario.path, **({WRITE_DELAY_ENV: str(WRITE_DELAY)} if mode == "mid-write" else {}))
    process = subprocess.Popen(
        _command(scenario.args, root),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    mid_write = False
    if mode == "any moment":
        time.sleep(rng.uniform(0, 1.25 * scenario.seconds))
    else:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline and not _first_write_seen(scenario, root):
            time.sleep(0.002)
        mid_write = process.poll() is None
        time.sleep(rng.uniform(0, WRITE_DELAY * 10))
    if process.poll() is None:
        if sig == signal.SIGINT:  # Ctrl-C: the terminal signals the whole foreground process group
            os.killpg(process.pid, sig)
        else:
            os.kill(process.pid, sig)
    else:
        mid_write = False
    _, stderr = process.communicate(timeout=300)
    snapshot = tree_snapshot(root)
    if snapshot == scenario.before:
        state = "unchanged"
    elif snapshot == scenario.after:
        state = "complete"
    else:

        def differ(other: dict) -> list[str]:
            return sorted(p for p in set(snapshot) | set(other) if snapshot.get(p) != other.get(p))[:6]

        state = f"half written: {differ(scenario.before)} differ from the start, {differ(scenario.after)} from the end"
    branch = git(root, "symbolic-ref", "-q", "--short", "HEAD").strip() if (root / ".git").exists() else "main"
    if branch != "main" or git(root, "rev-parse", "HEAD") != git(scenario.start, "rev-parse", "HEAD"):
        state += f"; git left on {branch!r} at another commit"
    shutil.rmtree(root, ignore_errors=True)
    return Outcome(trial, sig.name, mode, state, mid_write, process.returncode, stderr[-600:])


def _run_trials(scenario: Scenario, scratch: Path) -> list[Outcome]:
    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(lambda trial: run_trial(scenario, trial, scratch), range(TRIALS)))


@pytest.mark.parametrize("command", ["task", "remove", "update"])
def test_an_interrupted_run_leaves_the_tree_unchanged_or_complete(scenarios, command, tmp_path):
    scenario = scenarios[command]
    outcomes = _run_trials(scenario, tmp_path)
    counts = {}
    for o in outcomes:
        key = (o.signal, o.mode, o.state if o.state in ("unchanged", "complete") else "broken", o.mid_write)
        counts[key] = counts.get(key, 0) + 1
    print(f"\n{command}: {TRIALS} trials, seed {SEED}: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))

    broken = [o for o in outcomes if o.state not in ("unchanged", "complete")]
    assert not broken, f"seed {SEED}: " + "\n".join(
        f"trial {o.trial} ({o.signal}, {o.mode}): {o.state}\n{o.stderr}" for o in broken
    )
    stopped_mid_write = [o for o in outcomes if o.mid_write]
    # The trials that aim mid-write do stop runs while they write, and those runs were undone.
    assert len(stopped_mid_write) >= TRIALS // 4, [(o.trial, o.mode, o.state) for o in outcomes]
    undone = [o for o in stopped_mid_write if o.state == "unchanged"]
    assert len(undone) >= TRIALS // 5, [(o.trial, o.state) for o in stopped_mid_write]
    for outcome in stopped_mid_write:
        assert "Traceback" not in outcome.stderr, outcome.stderr


# ---- SIGKILL mid-write -------------------------------------------------------------------------------------------


def _kill_mid_write(scenario: Scenario, root: Path, writes: int = 3) -> None:
    process = subprocess.Popen(
        _command(scenario.args, root),
        env=_env(scenario.home, scenario.path, **{WRITE_DELAY_ENV: "0.2"}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not (root / JOURNAL).exists():
        assert process.poll() is None and time.monotonic() < deadline, "the run ended before it wrote"
        time.sleep(0.005)
    time.sleep(0.2 * writes + 0.1)  # a few writes done, more to come
    process.kill()
    process.wait()


@pytest.mark.parametrize("command", ["task", "remove"])
def test_after_sigkill_the_next_run_says_how_to_roll_back_and_rollback_restores(scenarios, command, tmp_path):
    scenario = scenarios[command]
    root = _copy(scenario.start, tmp_path / "killed")
    _kill_mid_write(scenario, root)
    half = tree_snapshot(root)
    assert (root / JOURNAL).is_file()
    assert half not in (scenario.before, scenario.after), "the kill did not land between two writes"

    env = _env(scenario.home, scenario.path)
    for args in (["task", "other", "--defaults"], ["remove", "myclf"], ["update", "--all"]):
        result = subprocess.run(_command(args, root), env=env, capture_output=True, text=True)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("flash-new: error: "), result.stderr
        assert "interrupted" in lines[0] and "run `flash-new rollback`" in lines[0], lines[0]
        assert tree_snapshot(root) == half

    check = subprocess.run(_command(["check"], root), env=env, capture_output=True, text=True)
    assert check.returncode != 0 and "flash-new rollback" in check.stdout + check.stderr

    result = subprocess.run(_command(["rollback"], root), env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("restored ")
    assert tree_snapshot(root) == scenario.before
    assert git(root, "status", "--porcelain") == ""

    again = subprocess.run(_command(["rollback"], root), env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.strip() == "nothing to roll back"


# ---- SIGTERM while rendering: no temporary folder stays ------------------------------------------------------------


def test_sigterm_while_rendering_leaves_no_temporary_folder(scenarios, tmp_path):
    """Copier's clone of the template and flash-new's staging folder go with the run, wherever it is stopped."""
    scenario = scenarios["task"]
    trials = max(6, TRIALS // 5)
    cancelled = 0
    # The signal's moment is spread over the run (golden-ratio steps); a machine whose load changed since the run
    # was timed may need more trials to land one in the render: up to three times as many, each checked the same.
    for trial in range(3 * trials):
        if trial >= trials and cancelled:
            break
        root = _copy(scenario.start, tmp_path / f"render-{trial}")
        temporary = tmp_path / f"tmp-{trial}"
        temporary.mkdir()
        process = subprocess.Popen(
            _command(scenario.args, root),
            env=_env(scenario.home, TMPDIR=str(temporary)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(scenario.seconds * (0.1 + 0.8 * ((trial * 0.618034) % 1)))  # the render is most of the run
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=300)
        assert "Traceback" not in stderr, stderr
        assert sorted(p.name for p in temporary.iterdir()) == [], (trial, process.returncode, stderr)
        assert tree_snapshot(root) in (scenario.before, scenario.after), trial
        cancelled += "cancelled while rendering" in stderr
    assert cancelled >= 1, "no SIGTERM landed during a render"


# ---- SIGKILL during an update of several tasks: the branch stays ---------------------------------------------------


def _worktree_heads(root: Path) -> list[str] | None:
    """The commits the worktrees of ``root`` are at, or None when git cannot read them at this instant: while the
    running update adds its worktree, another git may find ``.git/worktrees/<name>/commondir`` made but still empty
    ("fatal: failed to read ...commondir")."""
    listed = subprocess.run(["git", "-C", str(root), "worktree", "list", "--porcelain"], capture_output=True, text=True)
    if listed.returncode:
        print(f"worktree list, exit {listed.returncode}: {listed.stderr.strip()}")
        return None
    return [line.split()[1] for line in listed.stdout.splitlines() if line.startswith("HEAD ")]


@pytest.mark.parametrize("moment", ["worktree made", "between the tasks"])
def test_sigkill_during_an_update_of_two_tasks_leaves_the_branch_and_the_tree(scenarios, tmp_path, moment):
    start = _copy(scenarios["remove"].start, tmp_path / "start")  # the project with the task myclf, committed
    made = subprocess.run(_command(["task", "other", "--defaults"], start), env=_env(scenarios["task"].home))
    assert made.returncode == 0
    git_commit_all(start, "task other")
    branch, tip = git(start, "symbolic-ref", "HEAD"), git(start, "rev-parse", "HEAD").strip()
    before = tree_snapshot(start)
    # the killed run cannot remove its temporary worktree: it is left in this test's folder, not the system's
    temporary = tmp_path / "temporary"
    temporary.mkdir()

    process = subprocess.Popen(
        _command(["update", "--all"], start),
        env=_env(scenarios["update"].home, TMPDIR=str(temporary)),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None and time.monotonic() < deadline, f"the update ended before: {moment}"
        heads = (_worktree_heads(start) or [])[1:]
        if heads and (moment == "worktree made" or heads[0] != tip):
            break
        time.sleep(0.005)
    process.kill()
    process.wait()
    left = sorted(path.name for path in temporary.iterdir())
    assert any(name.startswith("flash-new-update-") for name in left), left  # its worktree is there

    assert git(start, "symbolic-ref", "HEAD") == branch
    assert git(start, "rev-parse", "HEAD").strip() == tip
    assert tree_snapshot(start) == before
    assert git(start, "status", "--porcelain") == ""

    again = subprocess.run(
        _command(["update", "--all"], start),
        env=_env(scenarios["update"].home, TMPDIR=str(temporary)),
        capture_output=True,
    )
    assert again.returncode == 0, again.stderr
    assert sorted(path.name for path in temporary.iterdir()) == left  # the run that ended removed its own
    assert git(start, "symbolic-ref", "HEAD") == branch and git(start, "rev-parse", "HEAD").strip() == tip
    check = subprocess.run(_command(["check"], start), env=_env(scenarios["update"].home), capture_output=True)
    assert check.returncode == 0, check.stdout
