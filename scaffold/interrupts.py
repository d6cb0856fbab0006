"""How Ctrl-C (SIGINT) and SIGTERM reach a run: as :class:`KeyboardInterrupt`, later, or not at all.

A run that writes turns both signals into :class:`KeyboardInterrupt` (:func:`signals_interrupt`), so that the
``finally`` and ``except`` blocks on the way out restore the tree and remove the temporary folders. Two kinds of
step must not be cut in two by that exception:

- a step that makes something a ``finally`` block then undoes (a temporary folder: made, but not yet named to the
  block that removes it): :func:`signals_deferred` holds the signal back until the step is done, then delivers it;
- a step that undoes or completes (a restore, a removal, the last writes of a plan): ``signals_interrupt(ignore=True)``
  lets it run to its end whatever arrives.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _handlers(handler: Callable | int) -> Iterator[dict | None]:
    """Install ``handler`` for :data:`SIGNALS` while the block runs; ``None`` where signals cannot be handled."""
    try:
        old = {sig: signal.getsignal(sig) for sig in SIGNALS}
        for sig in old:
            signal.signal(sig, handler)
    except ValueError:  # not the main thread: only the main thread handles signals
        yield None
        return
    try:
        yield old
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


@contextmanager
def signals_interrupt(ignore: bool = False) -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt (or ignore SIGINT and SIGTERM) while the block runs."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    with _handlers(signal.SIG_IGN if ignore else interrupt):
        yield


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block runs; deliver the first that arrived once it is done.

    It is then handled as it would have been had it arrived just after the block: as :class:`KeyboardInterrupt`
    under :func:`signals_interrupt` or Python's own Ctrl-C handler, not at all where it is ignored, and by the
    system's default action (the process ends) where nothing handles it.
    """
    arrived: list[int] = []

    def hold(signum, frame):
        arrived.append(signum)

    with _handlers(hold) as old:
        yield
    if old is None or not arrived:
        return
    signum = arrived[0]
    previous = old[signum]
    if callable(previous):
        previous(signum, None)
    elif previous == signal.SIG_DFL:
        os.kill(os.getpid(), signum)
