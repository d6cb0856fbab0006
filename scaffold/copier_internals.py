"""Everything flash-new takes from copier beyond its public API, and the one Jinja method it wraps: one module.

Copier's public API (``run_copy``, ``run_update``, ``copier.errors``) renders and updates tasks. Beyond it,
flash-new relies on

* ``jinja2.Environment.compile``, wrapped while copier runs (:func:`compile_once`): copier compiles the same
  sources again and again, and the wrapper compiles each once;
* the answers of a finished run, ``Worker.answers.combined`` (:func:`combined_answers`): the render context
  flash-new records and registers from;
* copier's temporary folders being made with :mod:`tempfile` (:func:`temporary_folder` gathers them, so that
  an interrupted run removes them);
* for ``flash-new update``, the template a subproject's answers name (``Subproject.template``), replaced by
  flash-new's own bundle (:func:`update_from`): copier takes the old and the new version it diffs from there;
* for the tests' fast renderer (``tests/combos.py``), a ``Worker`` opened on a template (:func:`open_template`)
  with its Jinja environment and template, copier's walk of the template folder (``scantree``), its way of
  reading booleans (``cast_to_bool``) and its path-pattern syntax (``_pathspec_pattern``).

:data:`RELIED_ON` lists each of them with the parameters used; :func:`moved` says which are gone or changed in
the installed copier, and ``tests/test_copier_internals.py`` fails naming the copier version when one is.
``pyproject.toml`` pins copier to the minor versions that test passed on.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Each internal flash-new uses, by dotted path, with the parameters it passes (None: an attribute, no call).
RELIED_ON: dict[str, tuple[str, ...] | None] = {
    "jinja2.Environment.compile": ("self", "source", "name", "filename", "raw", "defer_init"),
    "copier._main.Worker": ("src_path", "vcs_ref", "dst_path", "defaults", "quiet", "unsafe"),
    "copier._main.Worker.answers": None,
    "copier._main.Worker.jinja_env": None,
    "copier._main.Worker.template": None,
    "copier._main.Worker._cleanup": ("self",),
    "copier._main.Worker.subproject": None,
    "copier._main.Worker.run_update": ("self",),
    "copier._subproject.Subproject.template": None,
    "copier._subproject.Subproject._cleanup_hooks": None,
    "copier._template.Template": ("url", "ref"),
    "copier._template.Template._cleanup": ("self",),
    "copier._main._pathspec_pattern": None,
    "copier._user_data.AnswersMap.combined": None,
    "copier._template.Template.url": None,
    "copier._template.Template.commit": None,
    "copier._template.Template.local_abspath": None,
    "copier._template.Template.questions_data": None,
    "copier._template.Template.templates_suffix": None,
    "copier._template.Template.subdirectory": None,
    "copier._template.Template.exclude": None,
    "copier._template.Template.answers_relpath": None,
    "copier._tools.scantree": ("path", "follow_symlinks"),
    "copier._tools.cast_to_bool": ("value",),
}


def copier_version() -> str:
    from importlib.metadata import version

    return version("copier")


def _resolve(dotted: str) -> Any:
    """The object at ``dotted`` (a module, then attributes); a dataclass field counts as an attribute."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            fields = getattr(found, "__dataclass_fields__", {})
            if name in fields and not hasattr(found, name):
                found = fields[name]
            else:
                found = getattr(found, name)
        return found
    raise ImportError(dotted)


def moved() -> list[str]:
    """What :data:`RELIED_ON` names that the installed copier (or Jinja) no longer has as flash-new uses it."""
    problems = []
    for dotted, parameters in RELIED_ON.items():
        try:
            found = _resolve(dotted)
        except (ImportError, AttributeError) as error:
            problems.append(f"{dotted} is gone ({type(error).__name__}: {error})")
            continue
        if parameters is not None:
            try:
                have = set(inspect.signature(found).parameters)
            except (TypeError, ValueError):
                problems.append(f"{dotted} is no longer callable")
                continue
            lost = [name for name in parameters if name not in have]
            if lost:
                problems.append(f"{dotted} lost its parameters {', '.join(lost)}")
    return problems


# ---- copier's temporary folders -----------------------------------------------------------------------------------


@contextmanager
def temporary_folder(prefix: str = "flash-new-") -> Iterator[Path]:
    """A temporary folder that holds copier's own too while the block runs, removed with them at the end.

    Copier makes its temporary folders (the clone of the template, the renders an update compares) with
    :mod:`tempfile`; while the block runs, :mod:`tempfile` makes them inside this folder. When a run is stopped,
    a git process copier started may still be writing there for a moment: the removal is tried again until it
    holds, for a few seconds at most.
    """
    import shutil
    import tempfile
    import time

    from scaffold.interrupts import signals_deferred, signals_interrupt

    previous = tempfile.tempdir
    folder = None
    try:
        # Made and named to the removal below, or not made: a signal waits for the end of this step. (The first
        # use of tempfile also leaves a probe file in the system's temporary folder when it is cut short.)
        with signals_deferred():
            folder = Path(tempfile.mkdtemp(prefix=prefix))
            tempfile.tempdir = str(folder)
        yield folder
    finally:
        with signals_interrupt(ignore=True):  # a second Ctrl-C must not leave the folder half removed
            tempfile.tempdir = previous
            deadline = time.monotonic() + 5
            while folder is not None and folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
                if not folder.exists() or time.monotonic() > deadline:
                    break
                time.sleep(0.05)


# ---- the answers of a run ---------------------------------------------------------------------------------------


def combined_answers(worker: Any) -> dict[str, Any]:
    """Every answer and computed value of the run ``worker`` (what ``run_copy`` returns) made."""
    return dict(worker.answers.combined)


# ---- an update from flash-new's own bundle ------------------------------------------------------------------------


def update_from(src_path: str, commit: str, root: Path, answers_file: str, vcs_ref: str, data: dict) -> None:
    """``copier update`` of the subproject at ``root`` (answers in ``answers_file``) from ``commit`` to
    ``vcs_ref``, every version taken from the template at ``src_path``, whatever ``_src_path`` the answers name.

    Copier takes the template from two places: the worker's ``src_path`` (the render into the subproject, the
    migrations) and the template the answers name, ``Subproject.template`` (the pure renders of the old and the
    new version it diffs, in ``Worker._apply_update``). The first is a parameter; the second is a cached property,
    given here. Copier then records ``src_path`` as the answers' ``_src_path``.
    """
    import copier
    from copier._template import Template

    with copier.Worker(
        src_path=src_path,
        dst_path=root,
        data=data,
        answers_file=Path(answers_file),
        vcs_ref=vcs_ref,
        conflict="inline",
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=True,
    ) as worker:
        own = Template(url=src_path, ref=commit)
        worker.subproject._cleanup_hooks.append(own._cleanup)
        worker.subproject.template = own
        worker.run_update()


# ---- a template opened without a run (the tests' fast renderer) ---------------------------------------------------


def open_template(src_path: str, vcs_ref: str | None, scratch: Path) -> Any:
    """A copier ``Worker`` on the template at ``src_path``/``vcs_ref``: its ``template`` and ``jinja_env``."""
    import warnings

    from copier._main import Worker
    from copier.errors import MissingSettingsWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingSettingsWarning)  # COPIER_SETTINGS_PATH naming no file
        worker = Worker(src_path=src_path, vcs_ref=vcs_ref, dst_path=scratch, defaults=True, quiet=True, unsafe=True)
        worker.template  # copier reads its settings when it first resolves the template  # noqa: B018
    return worker


def close_template(worker: Any) -> None:
    """Remove the clone of the template that :func:`open_template` made."""
    worker._cleanup()


def scantree(path: str) -> Iterator[Any]:
    """The template folder's entries in the order copier renders them (symbolic links followed)."""
    from copier._tools import scantree as copier_scantree

    return copier_scantree(path, True)


def cast_to_bool(value: Any) -> bool:
    """A ``when:`` or ``type: bool`` value read as copier reads it."""
    from copier._tools import cast_to_bool as copier_cast_to_bool

    return copier_cast_to_bool(value)


def pathspec_pattern() -> Any:
    """The pattern syntax copier matches ``_exclude`` with."""
    from copier._main import _pathspec_pattern

    return _pathspec_pattern


# ---- Jinja: each source compiled once -----------------------------------------------------------------------------


def _cache_dir(env, create: bool) -> Path | None:
    """The folder of compiled templates for environments configured as ``env`` is, made if missing and
    ``create`` (otherwise ``None`` when it is missing)."""
    import hashlib
    import os

    import jinja2

    settings = (
        jinja2.__version__, type(env).__module__, type(env).__qualname__, env.block_start_string,
        env.block_end_string, env.variable_start_string, env.variable_end_string, env.comment_start_string,
        env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
        env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, sorted(env.extensions), env.optimized,
        repr(env.undefined), repr(env.autoescape), repr(env.finalize), env.is_async,
    )  # fmt: skip
    key = hashlib.sha256(repr(settings).encode()).hexdigest()[:16]
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "flash-new" / "jinja" / key
    if not create:
        return root if root.is_dir() else None
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root


def _template_cache(directory: Path, write: bool):
    """Jinja's cache of compiled templates on disk, keyed by template name and checked against the source.

    Copier clones the template into a new temporary folder for every run, so the file name (in Jinja's own
    key) never repeats; the name within the template does, and the source checksum Jinja stores with the code
    still makes an edited template compile afresh. A cache that cannot be written is no error; without
    ``write`` it is only read.
    """
    from jinja2 import FileSystemBytecodeCache

    class TemplateCache(FileSystemBytecodeCache):
        def get_cache_key(self, name, filename=None):
            return super().get_cache_key(name)

        def dump_bytecode(self, bucket) -> None:
            if not write:
                return
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return TemplateCache(str(directory))


@contextmanager
def compile_once(*, write_cache: bool = True) -> Iterator[None]:
    """Let Jinja compile each template source once while the block runs, and each template file once at all.

    Copier compiles every path part, question default and computed answer afresh each time it renders one:
    a task takes some 660 compilations of 124 distinct sources, most of a render's time. The same source in
    the same environment always compiles to the same code, so the code is kept and reused, and the template
    files' code is kept on disk (``~/.cache/flash-new/jinja``, one folder per environment configuration) for
    the next run; the output does not change. The environment is kept with its entries, so that no other one
    can take its ``id``. Without ``write_cache`` (a dry run) the disk cache is read but never written.
    """
    from jinja2 import Environment

    original = Environment.compile
    compiled: dict[tuple, tuple] = {}

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if self.bytecode_cache is None and self.loader is not None and (directory := _cache_dir(self, write_cache)):
            self.bytecode_cache = _template_cache(directory, write_cache)
        key = (id(self), source, name, filename, raw, defer_init)
        if key not in compiled:
            compiled[key] = (self, original(self, source, name, filename, raw, defer_init))
        return compiled[key][1]

    Environment.compile = compile
    try:
        yield
    finally:
        Environment.compile = original
