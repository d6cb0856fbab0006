"""Registration: the edits a task makes in files it shares with the rest of the repository.

Each edit is planned into a :class:`~scaffold.plan.Plan` (so ``--dry-run`` shows it and a failure undoes
it) and described by a record kept in the task's :class:`~scaffold.state.TaskRecord`. The records say exactly
what was inserted where, so that ``check`` can verify the edits and ``remove`` can undo them, leaving each shared file as it
would be had the task never been added.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from scaffold import pyedit, rst, state
from scaffold.errors import UsageError
from scaffold.host import Host
from scaffold.names import MAX_LINE_WIDTH, line_width
from scaffold.plan import Plan

# The captions of Flash's own data types in its docs index.
FLASH_CAPTIONS = {
    "image": "Image and Video",
    "video": "Image and Video",
    "audio": "Audio",
    "tabular": "Tabular",
    "text": "Text",
    "pointcloud": "Point Cloud",
    "graph": "Graph",
}
API_CAPTION = "API Reference"
DOCS_INDEX = "docs/source/index.rst"
CHANGELOG = "CHANGELOG.md"
EXAMPLES_TEST = "tests/examples/test_scripts.py"
IMPORT_FLAGS = "flash.core.utilities.imports"
SKLEARN_FLAG = "_SKLEARN_AVAILABLE"


def caption(data_type: str) -> str:
    return FLASH_CAPTIONS.get(data_type, data_type.replace("_", " ").title())


def _text(plan: Plan, path: str) -> str | None:
    data = plan.current(path)
    return None if data is None else data.decode("utf-8")


def _set(plan: Plan, path: str, text: str | None) -> None:
    plan.add(path, None if text is None else text.encode("utf-8"), generated=False)


def _missing(path: str, expected: str) -> UsageError:
    return UsageError(f"{path} does not have {expected}: add it by hand or fix the file, then run again")


def md_escape(text: str) -> str:
    """``text`` as Markdown that reads verbatim: a backslash before every ASCII punctuation character.

    CommonMark lets any of them be escaped; escaping all of them covers emphasis, code, links, HTML and
    entities (``&amp;``) alike.
    """
    return "".join("\\" + c if c in string.punctuation else c for c in text)


# ---- the edits --------------------------------------------------------------------------------------------


def _python_import(plan: Plan, path: str, module: str, names: list[str]) -> dict:
    """``from <module> import <names>  # noqa: F401`` in ``path``, after the imports that sort before it.

    Past 120 columns the names go one per line, as a formatter would put them.
    """
    line = f"from {module} import {', '.join(names)}  # noqa: F401\n"
    if line_width(line.rstrip("\n")) > MAX_LINE_WIDTH:
        line = f"from {module} import (  # noqa: F401\n" + "".join(f"    {name},\n" for name in names) + ")\n"
    text = _text(plan, path)
    created = text is None
    text = text or ""
    existing = pyedit.import_froms(text, path)
    inserted = not any(m == module and sorted(n) == sorted(names) for m, n, _ in existing)
    if inserted:
        after = 0
        for imported, _, span in existing:
            if imported <= module:
                after = span.end
        _set(plan, path, pyedit.insert_lines(text, after, line))
    return {
        "file": path,
        "op": "python-import",
        "module": module,
        "names": names,
        "text": line,
        "created": created,
        "inserted": inserted,
    }


def _ensure_file(plan: Plan, path: str) -> dict:
    created = plan.current(path) is None
    if created:
        _set(plan, path, "")
    return {"file": path, "op": "ensure-file", "created": created}


def _toctree_entry(plan: Plan, path: str, title: str, entry: str, *, create_before: str | None) -> dict:
    """``entry`` in the toctree captioned ``title``; a new toctree goes before the ``create_before`` one."""
    text = _text(plan, path)
    if text is None:
        raise _missing(path, "a Sphinx index (the file is missing)")
    lines = text.splitlines(keepends=True)
    tree = rst.find(lines, title)
    created = tree is None
    inserted = created or entry not in [e for _, e in tree.entries]
    if tree is None:
        anchor = rst.find(lines, create_before) if create_before else None
        if create_before and anchor is None:
            raise _missing(path, f"a toctree captioned {create_before!r}")
        if anchor:
            lines[anchor.start : anchor.start] = [rst.new_block(title, entry)]
        else:  # at the end of the file, after one blank line
            lines.append(
                ("\n" if lines and lines[-1].strip() else "") + rst.new_block(title, entry).rstrip("\n") + "\n"
            )
    elif inserted:
        lines[tree.end : tree.end] = [f"{rst.entry_indent(lines, tree)}{entry}\n"]
    _set(plan, path, "".join(lines))
    return {
        "file": path,
        "op": "toctree-entry",
        "caption": title,
        "entry": entry,
        "created": created,
        "inserted": inserted,
    }


def _append_block(plan: Plan, path: str, block: str, header: str) -> dict:
    """``block`` at the end of ``path``; a missing file is created with ``header`` first."""
    text = _text(plan, path)
    created = text is None
    text = header if text is None else text
    if block not in text:
        text = text.rstrip("\n") + "\n\n" + block if text.strip() else block
    _set(plan, path, text)
    return {"file": path, "op": "append-block", "text": block, "header": header, "created": created}


def _changelog_line(plan: Plan, path: str, line: str) -> dict:
    """``line`` first under ``### Added`` of the unreleased section of a Keep a Changelog file."""
    text = _text(plan, path)
    lines = text.splitlines(keepends=True)
    unreleased = next((i for i, x in enumerate(lines) if x.startswith("## ") and "unreleased" in x.lower()), None)
    if unreleased is None:
        raise _missing(path, "an '## [Unreleased]' section")
    end = next((i for i in range(unreleased + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    added = next((i for i in range(unreleased + 1, end) if lines[i].strip() == "### Added"), None)
    created = added is None
    inserted = line not in lines[unreleased:end]
    if inserted:
        if added is None:
            lines[unreleased + 1 : unreleased + 1] = ["\n", "### Added\n", "\n", line]
        else:
            at = added + 1
            while at < end and not lines[at].strip():
                at += 1
            lines[at:at] = [line]
    _set(plan, path, "".join(lines))
    return {"file": path, "op": "changelog-line", "text": line, "created": created, "inserted": inserted}


def _list_item(plan: Plan, path: str, locate: str, key: list[str], item: str) -> dict:
    """``item`` (whole lines) at the end of a list literal, found by ``locate``, unless an element has ``key``."""
    text = _text(plan, path)
    if text is None:
        raise _missing(path, "the list to register in (the file is missing)")
    elements, span = pyedit.list_elements(text, path, _LOCATORS[locate])
    keys = [pyedit.call_string_args(node) or [pyedit.string_value(node)] for node, _ in elements]
    inserted = key not in [k[: len(key)] for k in keys]
    if inserted:
        _set(plan, path, pyedit.insert_lines(text, span.end - 1, item))
    return {"file": path, "op": "list-item", "locate": locate, "key": key, "text": item, "inserted": inserted}


def _import_name(plan: Plan, path: str, module: str, name: str) -> dict:
    """``name`` in the parenthesised ``from <module> import (...)`` of ``path``, in sorted position."""
    text = _text(plan, path)
    found = [(names, span) for m, names, span in pyedit.import_froms(text, path) if m == module]
    if not found:
        raise _missing(path, f"an import from {module}")
    names, span = found[0]
    added = name not in names
    if added:
        lines = text.splitlines(keepends=True)
        body = [i for i in range(span.start, span.end - 1) if lines[i].strip().rstrip(",") in names]
        if not body:
            raise _missing(path, f"a parenthesised import from {module}, one name per line")
        after = max([i for i in body if lines[i].strip().rstrip(",") < name], default=span.start - 1)
        indent = lines[body[0]][: len(lines[body[0]]) - len(lines[body[0]].lstrip())]
        text = pyedit.insert_lines(text, after + 1, f"{indent}{name},\n")
        _set(plan, path, text)
    return {"file": path, "op": "import-name", "module": module, "name": name, "added": added}


_LOCATORS = {
    "tasks": lambda module: pyedit.find_assigned_list(module, "tasks"),
    "test_example": lambda module: pyedit.find_parametrize_list(module, "test_example"),
}


# ---- what a task registers --------------------------------------------------------------------------------


def _api_block(ctx: dict) -> str:
    tt = ctx["task_type"]
    heading = tt.replace("_", " ").title()
    inputs = "".join(f"    {tt}.data.{ctx['input_classes'][s]}\n" for s in ctx["inputs"] if s != "numpy")
    inputs = f"    {tt}.data.{ctx['input_classes']['numpy']}\n" + inputs
    return (
        f"{heading}\n{'_' * len(heading)}\n\n"
        ".. autosummary::\n    :toctree: generated/\n    :nosignatures:\n    :template: classtemplate.rst\n\n"
        f"    ~{tt}.model.{ctx['model_class']}\n    ~{tt}.data.{ctx['data_class']}\n\n{inputs}"
    )


def _api_header(ctx: dict) -> str:
    title = f"{ctx['package']}.{ctx['data_type']}"
    rule = "#" * len(title)
    return (
        f"{rule}\n{title}\n{rule}\n\n.. contents::\n    :depth: 2\n    :local:\n    :backlinks: top\n\n"
        f".. currentmodule:: {title}\n"
    )


def changelog_text(ctx: dict) -> str:
    return f"- Added the `{ctx['model_class']}` task: {md_escape(ctx['description'])}\n"


def register(host: Host, ctx: dict, plan: Plan) -> list[dict]:
    """Plan every registration of the task described by ``ctx``; return their records."""
    dt, page = ctx["data_type"], ctx["doc_page"]
    records = [
        _python_import(
            plan, f"{host.package_dir}/{dt}/__init__.py", ctx["module"], [ctx["data_class"], ctx["model_class"]]
        ),
        _ensure_file(plan, f"tests/{dt}/__init__.py"),
    ]
    if host.is_flash or host.path(DOCS_INDEX).is_file():
        records.append(
            _toctree_entry(plan, DOCS_INDEX, caption(dt), f"reference/{page}", create_before=_api_anchor(host, plan))
        )
    if host.is_flash:
        api_page = f"docs/source/api/{dt}.rst"
        records.append(_toctree_entry(plan, DOCS_INDEX, API_CAPTION, f"api/{dt}", create_before=None))
        records.append(_append_block(plan, api_page, _api_block(ctx), _api_header(ctx)))
    if host.is_flash or host.path(CHANGELOG).is_file():
        records.append(_changelog_line(plan, CHANGELOG, changelog_text(ctx)))
    if host.is_flash:
        records.append(_import_name(plan, EXAMPLES_TEST, IMPORT_FLAGS, SKLEARN_FLAG))
        item = (
            "        pytest.param(\n"
            f'            "{dt}",\n'
            f'            "{page}.py",\n'
            f'            marks=pytest.mark.skipif(not {SKLEARN_FLAG}, reason="scikit-learn isn\'t installed"),\n'
            "        ),\n"
        )
        records.append(_list_item(plan, EXAMPLES_TEST, "test_example", [dt, f"{page}.py"], item))
        if "cli" in ctx["extras"]:
            main = f"{host.package_dir}/__main__.py"
            records.append(_list_item(plan, main, "tasks", [ctx["module"]], f'    "{ctx["module"]}",\n'))
    return _inherit(records, list(other_records(host, ctx["task_name"])))


# What an edit inserts, and what it may have created around it, identified across tasks.
_ELEMENT = {
    "python-import": ("module",),
    "toctree-entry": ("caption", "entry"),
    "import-name": ("module", "name"),
    "list-item": ("locate", "key"),
    "append-block": ("text",),
    "changelog-line": ("text",),
}
_CONTAINER = {
    "python-import": (),
    "ensure-file": (),
    "append-block": (),
    "toctree-entry": ("caption",),
    "changelog-line": ("op",),
}


def _same(a: dict, b: dict, keys: tuple[str, ...]) -> bool:
    return a["file"] == b["file"] and all(a.get(k) == b.get(k) for k in keys)


def _inherit(records: list[dict], others: list[dict]) -> list[dict]:
    """Share ownership: an edit another task made (an insertion, a created file or toctree) is ours too.

    Whatever flash-new put in a shared file is removed with the last task that relies on it; whatever the
    host had before any task never is.
    """
    for record in records:
        element, container = _ELEMENT.get(record["op"]), _CONTAINER.get(record["op"])
        for other in others:
            if other["op"] != record["op"]:
                continue
            for flag in ("inserted", "added"):
                if flag in record and element is not None and _same(record, other, element) and other.get(flag):
                    record[flag] = True
            if (
                "created" in record
                and container is not None
                and _same(record, other, container)
                and other.get("created")
            ):
                record["created"] = True
    return records


def _api_anchor(host: Host, plan: Plan) -> str | None:
    """New data-type toctrees go before the API toctree in Flash, at the end elsewhere."""
    text = _text(plan, DOCS_INDEX) or ""
    if host.is_flash or rst.find(text.splitlines(keepends=True), API_CAPTION):
        return API_CAPTION
    return None


def other_records(host: Host, task_name: str) -> Iterable[dict]:
    """The registration records of every other task in the repository."""
    for name in state.recorded_tasks(host.root):
        record = state.load_record(host.root, name) if name != task_name else None
        if record is not None:
            yield from record.registrations


# ---- checking and undoing ---------------------------------------------------------------------------------


def _present(text: str | None, record: dict) -> bool:
    """Whether the edit ``record`` describes is in ``text``."""
    if text is None:
        return False
    op, path = record["op"], record["file"]
    if op == "ensure-file":
        return True
    if op == "python-import":
        return any(
            m == record["module"] and sorted(n) == sorted(record["names"])
            for m, n, _ in pyedit.import_froms(text, path)
        )
    if op == "toctree-entry":
        tree = rst.find(text.splitlines(keepends=True), record["caption"])
        return tree is not None and record["entry"] in [e for _, e in tree.entries]
    if op in ("append-block", "changelog-line"):
        return record["text"] in text
    if op == "list-item":
        elements, _ = pyedit.list_elements(text, path, _LOCATORS[record["locate"]])
        keys = [pyedit.call_string_args(node) or [pyedit.string_value(node)] for node, _ in elements]
        return record["key"] in [k[: len(record["key"])] for k in keys]
    if op == "import-name":
        return any(m == record["module"] and record["name"] in n for m, n, _ in pyedit.import_froms(text, path))
    raise ValueError(f"unknown registration {op!r}")


def missing(host: Host, records: list[dict]) -> list[str]:
    """The registrations of ``records`` that are no longer in their files, one line each."""
    problems = []
    for record in records:
        path = host.path(record["file"])
        text = path.read_text() if path.is_file() else None
        try:
            present = _present(text, record)
        except pyedit.AnchorMissing:
            present = False
        if not present:
            what = record.get("entry") or record.get("name") or record.get("module") or record["op"]
            problems.append(f"{record['file']}: {what} is not registered")
    return problems


def _shared(others: list[dict], record: dict) -> bool:
    """Whether a remaining task relies on the element ``record`` inserted."""
    return any(o["op"] == record["op"] and _same(o, record, _ELEMENT[record["op"]]) for o in others)


def _used_by_others(others: list[dict], path: str) -> bool:
    return any(o["file"] == path for o in others)


def unregister(host: Host, task_name: str, records: list[dict], plan: Plan) -> None:
    """Plan the exact reversal of ``records`` (newest first), keeping what other tasks still rely on."""
    others = list(other_records(host, task_name))
    for record in reversed(records):
        path, op = record["file"], record["op"]
        text = _text(plan, path)
        if text is None:
            continue
        if op == "python-import" and record["inserted"] and not _shared(others, record):
            for module, names, span in pyedit.import_froms(text, path):
                if module == record["module"] and sorted(names) == sorted(record["names"]):
                    text, _ = pyedit.remove_lines(text, span)
                    break
            if record["created"] and not text.strip() and not _used_by_others(others, path):
                text = None
        elif op == "ensure-file":
            if record["created"] and not text.strip() and not _used_by_others(others, path):
                text = None
        elif op == "toctree-entry" and record["inserted"] and not _shared(others, record):
            lines = text.splitlines(keepends=True)
            tree = rst.find(lines, record["caption"])
            if tree is not None:
                for index, entry in tree.entries:
                    if entry == record["entry"]:
                        del lines[index]
                        break
                tree = rst.find(lines, record["caption"])
                if record["created"] and tree is not None and not tree.entries:
                    if tree.end >= len(lines) or not "".join(lines[tree.end :]).strip():  # the last block
                        start = tree.start - 1 if tree.start and not lines[tree.start - 1].strip() else tree.start
                        del lines[start:]
                    else:
                        end = tree.end + 1 if not lines[tree.end].strip() else tree.end
                        del lines[tree.start : end]
            text = "".join(lines)
        elif op == "append-block":
            at = text.find(record["text"])
            if at >= 0:
                start = at - 1 if at >= 2 and text[at - 2 : at] == "\n\n" else at
                text = text[:start] + text[at + len(record["text"]) :]
            if record["created"] and text == record["header"] and not _used_by_others(others, path):
                text = None
        elif op == "changelog-line" and record["inserted"]:
            lines = text.splitlines(keepends=True)
            if record["text"] in lines:
                at = lines.index(record["text"])
                del lines[at]
                if record["created"] and at >= 3 and lines[at - 2] == "### Added\n":
                    following = lines[at] if at < len(lines) else "## "
                    if not following.startswith("- "):
                        del lines[at - 3 : at]
            text = "".join(lines)
        elif op == "list-item" and record["inserted"]:
            elements, _ = pyedit.list_elements(text, path, _LOCATORS[record["locate"]])
            for node, span in elements:
                key = pyedit.call_string_args(node) or [pyedit.string_value(node)]
                if key[: len(record["key"])] == record["key"]:
                    text, _ = pyedit.remove_lines(text, span)
                    break
        elif op == "import-name" and record["added"] and not _shared(others, record):
            if record["name"] not in pyedit.names_used(text, path):
                for module, _names, span in pyedit.import_froms(text, path):
                    if module == record["module"]:
                        lines = text.splitlines(keepends=True)
                        for index in range(span.start, span.end - 1):
                            if lines[index].strip().rstrip(",") == record["name"]:
                                del lines[index]
                                break
                        text = "".join(lines)
                        break
        _set(plan, path, text)
