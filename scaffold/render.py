"""Rendering a task with copier, into a staging folder, so that nothing touches the repository yet."""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from dataclasses import dataclass

from scaffold import state, template
from scaffold.errors import Cancelled, UsageError


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


def render(
    answers: dict, *, vcs_ref: str | None = None, interactive: bool = False, write_cache: bool = True
) -> Rendered:
    """Render the task template with ``answers`` and return the files it produced.

    A released version comes from this flash-new's own bundle, and the answers file names the project's copy
    of it (:data:`scaffold.template.SRC_PATH`) as its source. ``interactive`` lets copier ask, in the terminal,
    every question ``answers`` leaves open; without ``write_cache`` (a dry run) nothing is written anywhere.
    SIGTERM stops a render as Ctrl-C does, so that copier's temporary folders and ours are removed on the way out.
    """
    import copier
    from copier.errors import CopierAnswersInterrupt, InvalidConfigFileError, MissingSettingsWarning, UserMessageError

    from scaffold.copier_internals import combined_answers, compile_once, temporary_folder
    from scaffold.interrupts import signals_interrupt

    src, ref = template.source(vcs_ref)
    # copier prints some errors itself before raising them, even when quiet: the errors below say them in one line
    quiet = contextlib.nullcontext() if interactive else contextlib.redirect_stderr(io.StringIO())
    with signals_interrupt(), temporary_folder() as tmp:
        out = tmp / "out"
        try:
            with warnings.catch_warnings(), compile_once(write_cache=write_cache), quiet:
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
            where = "at a question" if interactive else "while rendering"
            raise Cancelled(f"cancelled {where}: nothing was written; run the command again to start over") from error
        except InvalidConfigFileError as error:
            raise UsageError(
                f"the template's copier.yml at {ref or src} is not valid: choose another version, or fix the template"
            ) from error
        except (ValueError, UserMessageError) as error:
            message = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise UsageError(f"the template refused an answer ({message}): correct it and run again") from error
        files = {
            path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()
        }
        context = _jsonable(combined_answers(worker))
    if ref is not None:
        answers_file = state.answers_path(context["task_name"])
        files[answers_file] = state.with_template_source(files[answers_file], template.SRC_PATH, answers_file)
    return Rendered(files=files, context=context, version=ref or template.DEV_VERSION)
