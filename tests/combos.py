"""Every combination of a task's options, a fast renderer for them, and a pairwise covering set.

A task is generated from a kind (3), a non-empty subset of the inputs (31), a subset of the extras (32) and a
way of writing the step methods (2): 5952 combinations. Rendering each one through ``copier.run_copy`` takes a
few tenths of a second, so :class:`FastRenderer` renders them with copier's own Jinja environment (built by
copier's ``Worker`` for the released template, with the template's ``_envops``, loader root, extensions and
filters) and computes the context the way copier's questionnaire does: every question of ``copier.yml`` in
order, given answers parsed, the others from their rendered defaults. Its output is checked byte for byte
against real copier renders.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations, product
from pathlib import Path
from unicodedata import normalize

import yaml
from jinja2 import meta

from scaffold import copier_internals
from scaffold.names import EXTRAS, INPUTS, KINDS, STEPS, TaskOptions
from scaffold.template import SRC_PATH

_MISSING = object()


@dataclass(frozen=True)
class Combo:
    """One combination of options; ``inputs`` and ``extras`` in their canonical order."""

    kind: str
    inputs: tuple[str, ...]
    extras: tuple[str, ...]
    steps: str = "super"

    @property
    def slug(self) -> str:
        """A short unique name: ``c`` / ``r`` / ``t``, one bit per input and per extra, ``x`` for explicit steps."""
        bits = "".join("1" if i in self.inputs else "0" for i in INPUTS)
        extra_bits = "".join("1" if e in self.extras else "0" for e in EXTRAS)
        return f"{self.kind[0]}{bits}{extra_bits}{'x' if self.steps == 'explicit' else ''}"

    def options(self, task_name: str, **kwargs) -> TaskOptions:
        return TaskOptions(
            task_name, kind=self.kind, inputs=list(self.inputs), extras=list(self.extras), steps=self.steps, **kwargs
        )

    def values(self) -> dict[str, object]:
        """The combination as factor values: ``kind``, one boolean per input and per extra, and ``steps``."""
        return {
            "kind": self.kind,
            "steps": self.steps,
            **{f"input:{i}": i in self.inputs for i in INPUTS},
            **{f"extra:{e}": e in self.extras for e in EXTRAS},
        }


def subsets(items: tuple[str, ...], *, empty: bool) -> list[tuple[str, ...]]:
    """Every subset of ``items``, each in the order of ``items``."""
    return [
        tuple(item for item, on in zip(items, mask, strict=True) if on)
        for mask in product((False, True), repeat=len(items))
        if empty or any(mask)
    ]


def all_combos() -> list[Combo]:
    """The full product: every kind, every non-empty set of inputs, every set of extras, both ways of steps."""
    return [
        Combo(kind, inputs, extras, steps)
        for kind in KINDS
        for inputs in subsets(INPUTS, empty=False)
        for extras in subsets(EXTRAS, empty=True)
        for steps in STEPS
    ]


def pytest_counts(output: str) -> dict[str, int]:
    """The counts of pytest's closing line, e.g. ``{"passed": 20}``."""
    line = output.strip().splitlines()[-1] if output.strip() else ""
    return {
        word: int(count) for count, word in re.findall(r"(\d+) (passed|failed|skipped|xfailed|xpassed|errors?)", line)
    }


# ---- pairwise covering set --------------------------------------------------------------------------------

FACTORS: dict[str, tuple[object, ...]] = {
    "kind": KINDS,
    "steps": STEPS,
    **{f"input:{i}": (False, True) for i in INPUTS},
    **{f"extra:{e}": (False, True) for e in EXTRAS},
}


def required_pairs() -> set[tuple[tuple[str, object], tuple[str, object]]]:
    """Every pair of values of every two factors, ``((factor, value), (factor, value))`` in factor order."""
    return {((a, va), (b, vb)) for a, b in combinations(FACTORS, 2) for va in FACTORS[a] for vb in FACTORS[b]}


def pairs_of(combo: Combo) -> set[tuple[tuple[str, object], tuple[str, object]]]:
    values = combo.values()
    return {((a, values[a]), (b, values[b])) for a, b in combinations(FACTORS, 2)}


def covering_set(candidates: Iterable[Combo] | None = None) -> list[Combo]:
    """A small set of valid combinations that together hold every pair of factor values (greedy).

    Each step takes the candidate that covers the most pairs not yet covered (the first one on ties, so the
    result is deterministic). Only valid combinations are candidates, so the set respects every constraint.
    """
    pool = list(candidates if candidates is not None else all_combos())
    uncovered = required_pairs()
    chosen: list[Combo] = []
    while uncovered:
        best = max(pool, key=lambda combo: len(pairs_of(combo) & uncovered))
        gain = pairs_of(best) & uncovered
        if not gain:
            raise ValueError(f"no valid combination covers {sorted(uncovered, key=str)[:3]}...")
        chosen.append(best)
        uncovered -= gain
    return chosen


# ---- fast rendering ---------------------------------------------------------------------------------------


class FastRenderer:
    """Renders the released template as ``scaffold.render.render`` does, without a copier run per render.

    The Jinja environment is copier's own (``Worker.jinja_env`` for the template at ``ref``), so envops, the
    loader root, the extensions (``jinja2_ansible_filters``, copier's yield tag) and the patched filters are
    exactly copier's. What copier does per run is done here in a few lines, each following copier's code:
    the questionnaire (answers given are parsed, the rest are rendered defaults, in ``copier.yml`` order;
    ``when: false`` ones are left out of the answers file), the paths (each part rendered; an empty part drops
    the file; ``_exclude`` applies to the rendered path) and the files (``.jinja`` ones rendered, others
    copied). A copier run clones the template and compiles every template again; here the clone and the
    compiled templates are shared by all renders, and templates (one-string ones, and files with what they
    include or import) are memoized on the values of the names they read. This leans on copier internals
    (through :mod:`scaffold.copier_internals`), so tests compare its output with real copier renders byte for byte.
    """

    def __init__(self, src_path: str | None = None, vcs_ref: str | None = None) -> None:
        from scaffold import template

        self._src = src_path or str(template.PACKAGED_BUNDLE)
        self._ref = vcs_ref or template.latest_version()
        self._scratch = tempfile.TemporaryDirectory(prefix="flash-new-fast-")
        self._worker = copier_internals.open_template(self._src, self._ref, Path(self._scratch.name) / "unused")
        self.template = self._worker.template
        self.env = self._worker.jinja_env
        self.root = self.template.local_abspath
        self.questions: dict[str, dict] = self.template.questions_data
        self._compiled: dict[str, object] = {}
        self._matchers: dict[tuple[str, ...], object] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._rendered: dict[tuple[str, str], str] = {}
        self._file_names: dict[str, frozenset[str] | None] = {}
        self._files: dict[tuple[str, str], bytes] = {}

    def close(self) -> None:
        copier_internals.close_template(self._worker)
        self._scratch.cleanup()

    def __enter__(self) -> FastRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- helpers --

    def _string(self, source: str):
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = self.env.from_string(source)
        return compiled

    def _render_string(self, source: str, context: dict) -> str:
        """Render a one-string template (a default, a path part); memoized on the values of the names it reads.

        A template without includes or imports reads nothing but the names ``jinja2.meta`` finds in it, so the
        same values give the same text.
        """
        names = self._names.get(source)
        if names is None:
            names = self._names[source] = tuple(sorted(meta.find_undeclared_variables(self.env.parse(source))))
        key = (source, repr([(name, context.get(name, _MISSING)) for name in names]))
        text = self._rendered.get(key)
        if text is None:
            text = self._rendered[key] = self._string(source).render(context)
        return text

    def _reads(self, name: str) -> frozenset[str] | None:
        """The names template file ``name`` reads, with those of every template it includes or imports.

        ``None`` when it refers to a template by a computed name: then what it reads is not known.
        """
        if name not in self._file_names:
            self._file_names[name] = None  # a template that refers back to itself reads nothing more
            parsed = self.env.parse(self.env.loader.get_source(self.env, name)[0])
            names = set(meta.find_undeclared_variables(parsed))
            for referenced in meta.find_referenced_templates(parsed):
                more = None if referenced is None else self._reads(referenced)
                if more is None:
                    return None
                names |= more
            self._file_names[name] = frozenset(names)
        return self._file_names[name]

    def _render_file(self, source: Path, context: dict) -> bytes:
        """Render a template file; memoized on the values of the names it reads, as one-string templates are."""
        names = self._reads(source.as_posix())
        key = None if names is None else (str(source), repr([(n, context.get(n, _MISSING)) for n in sorted(names)]))
        data = None if key is None else self._files.get(key)
        if data is None:
            template = self._compiled.get(str(source))
            if template is None:
                template = self._compiled[str(source)] = self.env.get_template(source.as_posix())
            data = template.render(context).encode()
            if key is not None:
                self._files[key] = data
        return data

    def _render_value(self, value, context: dict):
        """``Question.render_value``: strings are templates, lists are rendered item by item."""
        if isinstance(value, str):
            return self._render_string(value, context)
        if isinstance(value, list):
            return [self._render_value(item, context) for item in value]
        return value

    def _parse(self, details: dict, answer):
        """``Question.parse_answer`` for the types this template uses."""
        type_name = details.get("type", "yaml")
        choices = details.get("choices")
        if isinstance(choices, dict):
            choices = list(choices.values())

        def cast(value):
            if type_name == "str":
                return str(value)
            if type_name in ("yaml", "json") and isinstance(value, str):
                return yaml.safe_load(value)
            if type_name == "bool":
                return copier_internals.cast_to_bool(value)
            if type_name == "int":
                return int(value)
            if type_name == "float":
                return float(value)
            return value

        if details.get("multiselect"):
            if isinstance(answer, str):
                answer = yaml.safe_load(answer)
            answer = [cast(a) for a in answer]
            return [cast(choice) for choice in choices if cast(choice) in answer]
        value = cast(answer)
        if choices and value not in [cast(choice) for choice in choices]:
            raise ValueError(f"{value!r} is not a valid choice")
        return value

    @cached_property
    def _sources(self) -> list[tuple[Path, tuple[str, ...], bool]]:
        """The template's files: source path, destination path parts (templates) and whether it is a template."""
        suffix = self.template.templates_suffix
        copy_root = self.root / (self.template.subdirectory or "")
        found = []
        for entry in copier_internals.scantree(str(copy_root)):
            if entry.is_dir(follow_symlinks=True):
                continue
            relpath = Path(entry.path).relative_to(copy_root)
            is_template = relpath.name.endswith(suffix)
            if suffix and (copy_root / f"{relpath}{suffix}").exists():
                continue  # a templated sibling wins
            if suffix and is_template:
                relpath = relpath.with_suffix("")
            found.append((Path(entry.path).relative_to(self.root), relpath.parts, is_template))
        return found

    def _excluded(self, context: dict):
        from pathspec import PathSpec

        patterns = tuple(
            line
            for exclusion in self.template.exclude
            for line in self._render_string(exclusion, {**context, "_copier_operation": "copy"}).splitlines()
        )
        matcher = self._matchers.get(patterns)
        if matcher is None:
            spec = PathSpec.from_lines(copier_internals.pathspec_pattern(), (normalize("NFD", p) for p in patterns))
            matcher = self._matchers[patterns] = spec.match_file
        return matcher

    # -- the two steps of a render --

    def context(self, answers: dict) -> tuple[dict, dict]:
        """The render context for ``answers`` and the answers copier records (``_copier_answers``)."""
        context = dict(answers)
        context.update({"_commit": self.template.commit, "_src_path": self.template.url})
        hidden = set()
        for name, details in self.questions.items():
            if not copier_internals.cast_to_bool(self._render_value(details.get("when", True), context)):
                hidden.add(name)
            if name in answers:
                context[name] = self._parse(details, answers[name])
            elif "default" in details:
                context[name] = self._parse(details, self._render_value(details["default"], context))
        # flash-new renders from its own bundle and records the project's copy of it (scaffold.render)
        recorded = {"_commit": self.template.commit, "_src_path": SRC_PATH}
        recorded.update((k, context[k]) for k in self.questions if k in context and k not in hidden)
        return context, recorded

    def render(self, answers: dict, only: Callable[[str], bool] | None = None) -> dict[str, bytes]:
        """The files copier would write for ``answers``, by path relative to the destination.

        ``only`` keeps the files whose path it accepts (the others are not rendered).
        """
        context, recorded = self.context(answers)
        answers_relpath = Path(self._render_string(str(self.template.answers_relpath), context))
        context = {**context, "_copier_answers": recorded, "_copier_conf": {"answers_file": answers_relpath}}
        excluded = self._excluded(context)
        files: dict[str, bytes] = {}
        for source, parts, is_template in self._sources:
            rendered: list[str] = []
            for part in parts:
                text = self._render_string(part, context)
                if not text:  # an empty part drops the file
                    rendered = []
                    break
                if text == str(answers_relpath):  # the answers file, wherever its template sits
                    rendered = [text]
                    break
                rendered.append(text)
            else:
                sibling = self.root / f"{Path(*rendered)}{self.template.templates_suffix}"
                if not is_template and sibling.exists():
                    continue
            if not rendered:
                continue
            path = Path(*rendered)
            if excluded(path) or (only is not None and not only(path.as_posix())):
                continue
            if is_template:
                data = self._render_file(source, context)
            else:
                data = (self.root / source).read_bytes()
            files[path.as_posix()] = data
        return dict(sorted(files.items()))
