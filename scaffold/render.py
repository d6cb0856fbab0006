"""Rendering a task with copier, into a staging folder, so that nothing touches the repository yet."""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scaffold import template
from scaffold.errors import UsageError


@dataclass
class Rendered:
    """What a render produced: file texts by repository-relative path, and the template's full context."""

    files: dict[str, bytes]
    context: dict
    version: str


def _jsonable(context: dict) -> dict:
    out = {}
    for key, value in context.items():
        if key.startswith("_"):
            continue
        try:
            json.dumps(value)
        except TypeError:
            continue
        out[key] = value
    return out


def _cache_dir(env) -> Path | None:
    """The folder of compiled templates for environments configured as ``env`` is, made if missing."""
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
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root


def _template_cache(directory: Path):
    """Jinja's cache of compiled templates on disk, keyed by template name and checked against the source.

    Copier clones the template into a new temporary folder for every run, so the file name (in Jinja's own
    key) never repeats; the name within the template does, and the source checksum Jinja stores with the code
    still makes an edited template compile afresh. A cache that cannot be written is no error.
    """
    from jinja2 import FileSystemBytecodeCache

    class TemplateCache(FileSystemBytecodeCache):
        def get_cache_key(self, name, filename=None):
            return super().get_cache_key(name)

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return TemplateCache(str(directory))


@contextmanager
def compile_once() -> Iterator[None]:
    """Let Jinja compile each template source once while the block runs, and each template file once at all.

    Copier compiles every path part, question default and computed answer afresh each time it renders one:
    a task takes some 660 compilations of 124 distinct sources, most of a render's time. The same source in
    the same environment always compiles to the same code, so the code is kept and reused, and the template
    files' code is kept on disk (``~/.cache/flash-new/jinja``, one folder per environment configuration) for
    the next run; the output does not change. The environment is kept with its entries, so that no other one
    can take its ``id``.
    """
    from jinja2 import Environment

    original = Environment.compile
    compiled: dict[tuple, tuple] = {}

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if self.bytecode_cache is None and self.loader is not None and (directory := _cache_dir(self)):
            self.bytecode_cache = _template_cache(directory)
        key = (id(self), source, name, filename, raw, defer_init)
        if key not in compiled:
            compiled[key] = (self, original(self, source, name, filename, raw, defer_init))
        return compiled[key][1]

    Environment.compile = compile
    try:
        yield
    finally:
        Environment.compile = original


def render(answers: dict, *, vcs_ref: str | None = None, interactive: bool = False) -> Rendered:
    """Render the task template with ``answers`` and return the files it produced.

    ``interactive`` lets copier ask, in the terminal, every question ``answers`` leaves open.
    """
    import copier
    from copier.errors import CopierAnswersInterrupt, MissingSettingsWarning, UserMessageError

    src, ref = template.source(vcs_ref)
    with tempfile.TemporaryDirectory(prefix="flash-new-") as tmp:
        out = Path(tmp) / "out"
        try:
            with warnings.catch_warnings(), compile_once():
                warnings.simplefilter("ignore", MissingSettingsWarning)  # COPIER_SETTINGS_PATH naming no file
                worker = copier.run_copy(
                    src,
                    str(out),
                    data=answers,
                    vcs_ref=ref,
                    defaults=not interactive,
                    quiet=True,
                    unsafe=True,
                )
        except (CopierAnswersInterrupt, KeyboardInterrupt) as error:
            raise UsageError(
                "cancelled at a question: nothing was written; run the command again to start over"
            ) from error
        except (ValueError, UserMessageError) as error:
            message = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise UsageError(f"the template refused an answer ({message}): correct it and run again") from error
        files = {
            path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()
        }
        context = _jsonable(worker.answers.combined)
    return Rendered(files=files, context=context, version=ref or template.DEV_VERSION)
