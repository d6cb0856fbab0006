"""A new data type's requirements files: ``requirements/datatype_<data_type>.txt``, which Flash's ``setup.py``
turns into the extra ``<data_type>``, and ``requirements/testing_<data_type>.txt``, which CI's row for the topic
installs with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.registrations.base import SNAKE
from scaffold.registrations.created_file import CreatedFile
from scaffold.registrations.topic import registers_topic

# What a generated task needs beyond Flash's base requirements (its sklearn input and its example's data), at the
# bound Flash's existing topics pin it to; the topic flag checks the same package (topic.TOPIC_NEEDS).
TOPIC_REQUIREMENTS = "scikit-learn <=1.3.0\n"
_FILES = {
    "datatype": (
        "# The {data_type} extra (pip install lightning-flash[{data_type}]): what the {data_type} tasks need beyond"
        " requirements/base.txt.\n\n" + TOPIC_REQUIREMENTS
    ),
    "testing": "# What the tests of {data_type} need beyond requirements/test.txt and the {data_type} extra.\n",
}


def requirements_text(role: str, data_type: str) -> str:
    """What ``requirements/<role>_<data_type>.txt`` holds when flash-new creates it."""
    return _FILES[role].format(data_type=data_type)


@dataclass
class TopicRequirements(CreatedFile):
    """``requirements/{datatype,testing}_<data_type>.txt`` when the data type has none; deleted with the last task
    of the data type, unless the contributor has written in it."""

    kind = "topic-requirements"

    text: str

    @classmethod
    def for_task(cls, host, context, plan):
        if not registers_topic(host, context):
            return []
        data_type = context["data_type"]
        return [cls(f"requirements/{role}_{data_type}.txt", text=requirements_text(role, data_type)) for role in _FILES]

    def content(self) -> str:
        return self.text

    def describe(self) -> str:
        return f"{self.file} is missing: the data type's topic has no requirements without it"

    def check(self, where):
        self.require(where, "file", self.file, rf"requirements/(?:datatype|testing)_{SNAKE}\.txt")
        role, data_type = re.fullmatch(rf"requirements/(datatype|testing)_({SNAKE})\.txt", self.file).groups()
        if self.text != requirements_text(role, data_type):
            raise self.refuse(where, "text")
