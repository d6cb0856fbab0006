"""Flash's examples test runs the task's example (``tests/examples/test_scripts.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold import pyedit
from scaffold.names import MAX_LINE_WIDTH, line_width
from scaffold.registrations.base import SNAKE
from scaffold.registrations.examples_test_import import EXAMPLES_TEST, SKLEARN_FLAG
from scaffold.registrations.list_entry import ListEntry


@dataclass
class ExamplesTestEntry(ListEntry):
    """A ``pytest.param("<data_type>", "<example>.py", marks=...)`` case of ``test_example``.

    It is skipped where the data type's topic is not installed, as Flash's own entries are.
    """

    kind = "examples-test-entry"
    legacy = ({"op": "list-item", "locate": "test_example"},)
    anchor = "the parametrize list of test_example"
    what = "the run of its example"

    @staticmethod
    def lists(module):
        return pyedit.parametrize_lists(module, "test_example")

    @classmethod
    def for_task(cls, host, context, plan):
        if not host.is_flash:
            return []
        data_type, page = context["data_type"], context["doc_page"]
        flag = context.get("topic_flag", SKLEARN_FLAG)
        condition = f'not {flag}, reason="{data_type.replace("_", " ")} libraries aren\'t installed"'
        marks = f"            marks=pytest.mark.skipif({condition}),\n"
        if line_width(marks.rstrip("\n")) > MAX_LINE_WIDTH:  # as black splits it
            marks = f"            marks=pytest.mark.skipif(\n                {condition}\n            ),\n"
        text = f'        pytest.param(\n            "{data_type}",\n            "{page}.py",\n{marks}        ),\n'
        return [cls(EXAMPLES_TEST, key=[data_type, f"{page}.py"], text=text)]

    def describe(self) -> str:
        return f"{self.file} does not run the example {'/'.join(self.key)} in test_example"

    def check(self, where):
        if self.file != EXAMPLES_TEST:
            raise self.refuse(where, "file")
        if len(self.key) != 2:
            raise self.refuse(where, "key")
        self.require(where, "key", self.key[0], SNAKE)
        self.require(where, "key", self.key[1], rf"{SNAKE}\.py")
