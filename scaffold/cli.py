"""The ``flash-new`` command line: parse, call :mod:`scaffold.tasks`, print. Nothing else lives here."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from scaffold import __version__
from scaffold.errors import CANCELLED, Cancelled, FlashNewError


class _Commands(TyperGroup):
    """The commands, run so that a :class:`FlashNewError` becomes its message and exit code: the one place it does."""

    def invoke(self, ctx):
        try:
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:  # Ctrl-C or SIGTERM where no step of the run says more: every restore has run
                raise Cancelled(CANCELLED) from None
        except FlashNewError as error:
            message = " ".join(str(error).splitlines())
            if message:  # an error without a message is a verdict the output already carries (``check --json``)
                print(f"flash-new: error: {message}", file=sys.stderr)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=_Commands,
    name="flash-new",
    help="Add a complete, registered and tested task to a Lightning Flash codebase.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Dest = Annotated[
    Path | None,
    typer.Option(
        "--dest",
        help="The repository to work in (default: the one the working directory lies in, found by walking up to "
        "the nearest folder holding .flash-new/, else pyproject.toml, setup.py, setup.cfg or .git).",
        show_default=False,
    ),
]
Package = Annotated[str | None, typer.Option("--package", help="The package of a non-Flash project.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Print the plan; write nothing.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite conflicting or edited files.")]


def _console(stderr: bool = False):
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR")) or not (sys.stderr if stderr else sys.stdout).isatty()
    # Plain output has no escape sequence at all: no colour, and no bold either (rich's no_color keeps bold).
    return Console(
        stderr=stderr, no_color=plain, color_system=None if plain else "auto", highlight=False, soft_wrap=True
    )


_STYLES = {
    "create": "green",
    "modify": "yellow",
    "delete": "red",
    "identical": "dim",
    "conflict": "bold red",
    "keep": "cyan",
}


def _print_plan(plan, as_json: bool, dry_run: bool) -> None:
    if as_json:
        print(json.dumps({**plan.to_json(), "dry_run": dry_run}, indent=2))
        return
    console = _console()
    for change in plan.changes:
        style = _STYLES.get(change.action, "")
        console.print(f"[{style}]{change.action:>10}[/{style}]  {change.path}", markup=True)
    if dry_run:
        for change in plan.changes:
            if change.action == "modify":
                console.print(change.diff(), markup=False, end="")


def _version(value: bool) -> None:
    if value:
        print(f"flash-new {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Add a complete, registered and tested task to a Lightning Flash codebase."""


@app.command()
def task(
    name: Annotated[str, typer.Argument(help="The task name, a snake_case identifier.")],
    data_type: Annotated[str | None, typer.Option(help="The data type (default: NAME).")] = None,
    task_type: Annotated[str | None, typer.Option(help="The task type (default: from --kind).")] = None,
    kind: Annotated[str | None, typer.Option(help="classification (the default), regression or task.")] = None,
    inputs: Annotated[
        list[str] | None, typer.Option("--inputs", help="Data sources: numpy, sklearn, dataframe, csv, tensor.")
    ] = None,
    extras: Annotated[
        list[str] | None,
        typer.Option(
            "--extras", help="input-transform-module, output, visualization, output-transform, cli; 'none' for none."
        ),
    ] = None,
    cli: Annotated[bool, typer.Option("--cli", help="Add Flash Zero (same as --extras cli).")] = False,
    steps: Annotated[
        str | None,
        typer.Option(
            "--steps",
            help="How the step methods are written: super (unpack the batch, call Flash's steps; the default) or "
            "explicit (written out in full, for a task that needs its own behaviour at a stage).",
        ),
    ] = None,
    description: Annotated[str | None, typer.Option(help="One line describing the task.")] = None,
    data_class: Annotated[str | None, typer.Option(help="The DataModule class name.")] = None,
    model_class: Annotated[str | None, typer.Option(help="The Task class name.")] = None,
    dest: Dest = None,
    package: Package = None,
    defaults: Annotated[bool, typer.Option("--defaults", help="Never ask; take defaults for the rest.")] = False,
    dry_run: DryRun = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """Generate a task and register it everywhere a contribution touches."""
    from scaffold import tasks
    from scaffold.names import TaskOptions

    chosen_extras = None if extras is None else [e for e in extras if e != "none"]
    if cli:
        chosen_extras = (chosen_extras if chosen_extras is not None else ["visualization"]) + ["cli"]
    flags = {
        "data_type": data_type,
        "task_type": task_type,
        "kind": kind,
        "inputs": inputs,
        "extras": chosen_extras,
        "steps": steps,
        "description": description,
        "data_class": data_class,
        "model_class": model_class,
    }
    given = {key: value for key, value in flags.items() if value is not None}
    options = TaskOptions(task_name=name, **given, given=tuple(given))
    # In a terminal the questions the flags left open are asked, for a dry run too: its plan is the real run's.
    interactive = not defaults and not as_json and sys.stdin.isatty() and sys.stdout.isatty()
    plan = tasks.create_task(dest, options, package=package, dry_run=dry_run, force=force, interactive=interactive)
    _print_plan(plan, as_json, dry_run)
    if not dry_run and not as_json:
        _next_steps(plan)


def _next_steps(plan) -> None:
    created = [c.path for c in plan.changes if c.action == "create"]
    tests = sorted({str(Path(p).parent) for p in created if p.startswith("tests/") and "/test_" in p})
    examples = [p for p in created if p.startswith("examples/")]
    # a src/ layout is importable once installed (pip install -e .); until then PYTHONPATH=src does it
    env = "PYTHONPATH=src " if any(p.startswith("src/") for p in created) else ""
    console = _console()
    console.print("\nNext steps:", style="bold")
    if Path.cwd().resolve() != plan.root:  # the paths are the repository's: run them from there
        console.print(f"  cd {os.path.relpath(plan.root)}", markup=False)
    for folder in tests:
        console.print(f"  {env}python -m pytest {folder}", markup=False)
    for example in examples:
        console.print(f"  {env}python {example}", markup=False)


@app.command()
def remove(
    name: Annotated[str, typer.Argument(help="The task to remove.")],
    dest: Dest = None,
    package: Package = None,
    dry_run: DryRun = False,
    as_json: AsJson = False,
    force: Force = False,
) -> None:
    """Delete a task's files and undo exactly its registrations."""
    from scaffold import tasks

    plan = tasks.remove_task(dest, name, package=package, dry_run=dry_run, force=force)
    _print_plan(plan, as_json, dry_run)
    kept = [change.path for change in plan.changes if change.action == "keep"]
    if kept and not as_json:
        print(
            f"kept {len(kept)} file(s) you added in the task's folders (flash-new did not generate them): "
            "delete them by hand if the task is gone for good"
        )


@app.command()
def rollback(dest: Dest = None) -> None:
    """Restore the tree after a flash-new run that was killed before it finished."""
    from scaffold.plan import rollback as undo

    restored = undo(dest)
    print(f"restored {len(restored)} file(s)" if restored else "nothing to roll back")


@app.command()
def update(
    names: Annotated[list[str] | None, typer.Argument(help="The tasks to update.", show_default=False)] = None,
    all_tasks: Annotated[bool, typer.Option("--all", help="Update every task of the repository.")] = False,
    to: Annotated[str | None, typer.Option("--to", help="The template version (default: the newest).")] = None,
    kind: Annotated[str | None, typer.Option(help="New answer: classification, regression or task.")] = None,
    inputs: Annotated[list[str] | None, typer.Option("--inputs", help="New answer: the data sources.")] = None,
    extras: Annotated[list[str] | None, typer.Option("--extras", help="New answer: the extras ('none': none).")] = None,
    cli: Annotated[bool, typer.Option("--cli", help="Add Flash Zero to the task's extras.")] = False,
    steps: Annotated[str | None, typer.Option("--steps", help="New answer: super or explicit.")] = None,
    description: Annotated[str | None, typer.Option(help="New answer: one line describing the task.")] = None,
    data_class: Annotated[str | None, typer.Option(help="New answer: the DataModule class name.")] = None,
    model_class: Annotated[str | None, typer.Option(help="New answer: the Task class name.")] = None,
    data_type: Annotated[
        str | None, typer.Option(help="Cannot change: remove the task and generate it again.", hidden=True)
    ] = None,
    task_type: Annotated[
        str | None, typer.Option(help="Cannot change: remove the task and generate it again.", hidden=True)
    ] = None,
    dest: Dest = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show each change as a diff; write nothing.")] = False,
    as_json: AsJson = False,
    print_copier_command: Annotated[
        bool,
        typer.Option(
            "--print-copier-command", help="Check each task's answers and template, print its plain copier command."
        ),
    ] = False,
) -> None:
    """Bring tasks to a newer template version, or give one task new answers, keeping your edits (the tree must be
    committed)."""
    from scaffold import update as updating

    if print_copier_command:
        print("\n".join(updating.copier_commands(dest, names or [], all_tasks=all_tasks, to=to)))
        return
    given = {
        "kind": kind,
        "inputs": inputs,
        "extras": None if extras is None else [e for e in extras if e != "none"],
        "steps": steps,
        "description": description,
        "data_class": data_class,
        "model_class": model_class,
        "data_type": data_type,
        "task_type": task_type,
    }
    data = {key: value for key, value in given.items() if value is not None}
    results = updating.update_tasks(
        dest, names or [], all_tasks=all_tasks, to=to, data=data, add_extras=["cli"] if cli else [], dry_run=dry_run
    )
    if as_json:
        print(json.dumps({"tasks": [r.to_json() for r in results], "dry_run": dry_run}, indent=2))
    else:
        console = _console()
        for r in results:
            moved = f"already at {r.new_version}"
            if r.old_version != r.new_version:
                moved = f"{r.old_version} -> {r.new_version}"
            verb = "would change" if dry_run else "changed"
            console.print(f"{r.name}: {moved}, {len(r.changed)} file(s) {verb}", markup=False)
            if r.preview is not None:
                _print_changes(console, r.preview)
                continue
            for path in r.conflicts:
                console.print(f"  [bold red]conflict[/bold red]  {path}", markup=True)
            for path in r.removed_edited:
                console.print(f"  removed by the template although you edited it (see git): {path}", markup=False)
    if not dry_run:
        updating.raise_for_conflicts(results)


def _print_changes(console, changes) -> None:
    """A preview's changes: a status line each, then a unified diff of each."""
    for change in changes:
        style = _STYLES.get(change.action, "")
        console.print(f"[{style}]{change.action:>10}[/{style}]  {change.path}", markup=True)
    for change in changes:
        console.print(change.diff(), markup=False, end="")


Strict = Annotated[bool, typer.Option("--strict", help="Fail on open TODO(flash-new) to-dos too.")]


@app.command()
def check(dest: Dest = None, as_json: AsJson = False, strict: Strict = False) -> None:
    """Exit 1 unless every task is current, complete and free of conflicts and placeholders; list open to-dos."""
    from scaffold import check as checking
    from scaffold.errors import CheckFailed

    report = checking.check(dest, strict=strict)
    _print_report(report, as_json, show=bool(report.tasks or report.problems), full=True)
    if not report.ok and as_json:
        raise CheckFailed("")  # the JSON says what failed ("ok", "problems"): nothing for people on stderr
    if not report.ok:
        failing = [t.name for t in report.tasks if not t.ok] or ["the repository"]
        verb = "needs" if len(failing) == 1 else "need"
        raise CheckFailed(f"{', '.join(failing)} {verb} attention: see the table above")


def _print_report(report, as_json: bool, show: bool, full: bool) -> None:
    """A check or list report: JSON, a table, or a line saying there is nothing to show."""
    from scaffold import check as checking

    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    elif show:
        console = _wide(_console())
        console.print(checking.table(report, full=full))
        for line in checking.todo_report(report) if full else []:
            console.print(line, markup=False, highlight=False)
    else:
        print(f"no flash-new tasks in {report.root}")


def _wide(console):
    """Logs and hooks are no terminal: give tables room rather than folding every problem over lines."""
    if not console.is_terminal:
        console.width = 200
    return console


@app.command(name="list")
def list_(dest: Dest = None, as_json: AsJson = False) -> None:
    """List the tasks, their template version and whether it is current."""
    from scaffold import check as checking

    report = checking.list_tasks(dest)
    _print_report(report, as_json, show=bool(report.tasks), full=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
