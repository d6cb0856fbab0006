"""Flash Zero lists the task, so that ``flash <data_type>_<task_type>`` runs it (``flash/__main__.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold import pyedit
from scaffold.registrations.base import MODULE, PACKAGE_DIR
from scaffold.registrations.list_entry import ListEntry


@dataclass
class FlashZeroEntry(ListEntry):
    """The task's module in the ``tasks`` list of Flash's ``__main__.py`` (tasks made with the ``cli`` extra)."""

    kind = "flash-zero-entry"
    legacy = ({"op": "list-item", "locate": "tasks"},)
    anchor = "the list assigned to tasks"
    what = "its Flash Zero command"

    @staticmethod
    def lists(module):
        return pyedit.assigned_lists(module, "tasks")

    @classmethod
    def for_task(cls, host, context, plan):
        if not host.is_flash or "cli" not in context["extras"]:
            return []
        module = context["module"]
        return [cls(f"{host.package_dir}/__main__.py", key=[module], text=f'    "{module}",\n')]

    def describe(self) -> str:
        return f"{self.file} does not list {self.key[0]} among Flash Zero's tasks"

    def check(self, where):
        self.require(where, "file", self.file, rf"{PACKAGE_DIR}/__main__\.py")
        if len(self.key) != 1:
            raise self.refuse(where, "key")
        self.require(where, "key", self.key[0], MODULE)
