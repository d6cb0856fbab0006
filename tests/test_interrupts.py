"""How signals reach a run (``scaffold/interrupts.py``), in this process: a signal is sent to it at a chosen step.

The end-to-end trials of ``test_interrupt.py`` send signals at random moments to real runs; these send one at the
exact step a random moment hits only rarely: while a temporary folder is being made.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from scaffold import update
from scaffold.copier_internals import temporary_folder
from scaffold.interrupts import signals_deferred, signals_interrupt
from tests.conftest import REPO, git, git_commit_all, make_package


def _signal_self(sig: int = signal.SIGTERM) -> None:
    os.kill(os.getpid(), sig)


@pytest.fixture
def handlers():
    """The handlers of SIGINT and SIGTERM before the test, checked to be back after it."""
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield before
    assert {sig: signal.getsignal(sig) for sig in before} == before


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_deferred_signal_arrives_after_the_block_as_the_handler_around_it_says(handlers, sig):
    steps = []
    with pytest.raises(KeyboardInterrupt), signals_interrupt():
        with signals_deferred():
            _signal_self(sig)
            steps.append("rest of the block")
        steps.append("after the block")
    assert steps == ["rest of the block"]


def test_a_deferred_signal_is_dropped_where_signals_are_ignored(handlers):
    steps = []
    with signals_interrupt(ignore=True):
        with signals_deferred():
            _signal_self()
            steps.append("rest of the block")
        steps.append("after the block")
    assert steps == ["rest of the block", "after the block"]


def test_a_deferred_block_without_a_signal_changes_nothing(handlers):
    steps = []
    with signals_interrupt():
        with signals_deferred():
            steps.append("block")
        steps.append("after the block")
        with pytest.raises(KeyboardInterrupt):  # the handler around the block is back
            _signal_self()
    assert steps == ["block", "after the block"]


def test_a_deferred_sigterm_nobody_handles_ends_the_process_after_the_block(tmp_path):
    script = textwrap.dedent(
        """
        import os, signal
        from scaffold.interrupts import signals_deferred
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            print("rest of the block", flush=True)
        print("after the block", flush=True)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGTERM
    assert result.stdout == "rest of the block\n"


def test_signals_outside_the_main_thread_are_left_to_python(handlers):
    from concurrent.futures import ThreadPoolExecutor

    def in_a_thread():
        with signals_interrupt(), signals_deferred(), signals_interrupt(ignore=True):
            return "ran"

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(in_a_thread).result() == "ran"


# ---- a signal while a temporary folder is being made -------------------------------------------------------------


def _mkdtemp_then_signal(real):
    """``tempfile.mkdtemp`` that has made its folder when SIGTERM arrives, before it returns it."""

    def mkdtemp(*args, **kwargs):
        made = real(*args, **kwargs)
        _signal_self()
        return made

    return mkdtemp


def test_sigterm_while_the_run_makes_its_temporary_folder_leaves_none(handlers, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(tempfile, "mkdtemp", _mkdtemp_then_signal(tempfile.mkdtemp))
    ran = []
    with pytest.raises(KeyboardInterrupt), signals_interrupt(), temporary_folder():
        ran.append("block")
    assert ran == []
    assert list(tmp_path.iterdir()) == []
    assert tempfile.tempdir == str(tmp_path)


def test_the_temporary_folder_holds_tempfiles_own_and_goes_with_them(handlers, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with signals_interrupt(), temporary_folder(prefix="p-") as folder:
        assert folder.parent == tmp_path and folder.name.startswith("p-")
        inner = Path(tempfile.mkdtemp())
        assert inner.parent == folder
        (inner / "file").write_text("x")
    assert list(tmp_path.iterdir()) == []
    assert tempfile.tempdir == str(tmp_path)


def test_sigterm_while_an_update_of_several_tasks_makes_its_worktree_folder_leaves_none(
    handlers, tmp_path, monkeypatch
):
    root = make_package(tmp_path / "project")
    git_commit_all(root)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(update.tempfile, "mkdtemp", _mkdtemp_then_signal(tempfile.mkdtemp))
    ran = []
    with pytest.raises(KeyboardInterrupt), signals_interrupt(), update._workspace(root, 2):
        ran.append("updates")
    assert ran == []
    assert list(scratch.iterdir()) == []
    assert len(git(root, "worktree", "list").splitlines()) == 1


# ---- Ctrl-C where no step of the run says more -------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_run_cancelled_outside_its_steps_says_so_in_one_line_and_exits_130(handlers, tmp_path, monkeypatch, sig):
    from typer.testing import CliRunner

    from scaffold import check
    from scaffold.cli import app

    root = make_package(tmp_path / "project")
    git_commit_all(root)

    def cancelled(dest, strict=False):
        with signals_interrupt():  # SIGTERM as a run's steps take it; Ctrl-C as Python does anyway
            _signal_self(sig)
        raise AssertionError("the signal did not stop the run")

    monkeypatch.setattr(check, "check", cancelled)
    result = CliRunner().invoke(app, ["check", "--dest", str(root)])
    assert result.exit_code == 130
    assert result.stdout == ""
    assert result.stderr == "flash-new: error: cancelled: run `flash-new check` to see where the repository stands\n"


@pytest.mark.parametrize("how", [["-m", "scaffold"], ["-c", "from scaffold.__main__ import main; main()"]])
def test_ctrl_c_while_the_command_line_loads_is_a_cancellation_too(tmp_path, how):
    """Ctrl-C lands while ``typer`` is imported (a module of that name that raises it stands in for the moment)."""
    (tmp_path / "typer.py").write_text("raise KeyboardInterrupt\n")
    result = subprocess.run(
        [sys.executable, "-P", *how, "list"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (130, "")
    assert result.stderr == "flash-new: error: cancelled: run `flash-new check` to see where the repository stands\n"
