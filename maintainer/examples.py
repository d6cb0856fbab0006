"""The committed example renders in ``generated_examples/``: what each one is, and how to make them again.

``python -m maintainer.examples`` (``make examples``) re-renders them; a test fails when a fresh render differs
from what is committed. Each is rendered as it lands in a Lightning Flash checkout (package ``flash`` under
``src/flash``); registrations are edits of a host's shared files and are not part of these renders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scaffold.names import EXTRAS, TaskOptions

OUT = Path(__file__).resolve().parent.parent / "generated_examples"

EXAMPLES = {
    "myclf": TaskOptions("myclf"),
    "template": TaskOptions("template", model_class="TemplateSKLearnClassifier"),
    "myreg": TaskOptions(
        "myreg", kind="regression", inputs=["numpy", "sklearn", "dataframe", "csv", "tensor"], extras=list(EXTRAS)
    ),
    "mytask": TaskOptions("mytask", kind="task", inputs=["numpy", "csv", "tensor"], extras=list(EXTRAS)),
    "mysteps": TaskOptions(
        "mysteps", kind="task", inputs=["numpy", "dataframe"], extras=["output", "output-transform"], steps="explicit"
    ),
}


def render_example(name: str) -> dict[str, bytes]:
    from scaffold.render import render

    options = EXAMPLES[name]
    options.validate()
    return render({**options.answers(), "package": "flash", "package_dir": "src/flash"}).files


def committed(name: str) -> dict[str, bytes]:
    root = OUT / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def regenerate() -> None:
    for name in EXAMPLES:
        target = OUT / name
        if target.exists():
            shutil.rmtree(target)
        for path, data in render_example(name).items():
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_bytes(data)
        print(f"rendered generated_examples/{name}")


if __name__ == "__main__":
    regenerate()
