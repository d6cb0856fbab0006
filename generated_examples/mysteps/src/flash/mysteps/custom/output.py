"""The ``Output`` of the MystepsTask task: predictions as plain Python values."""

from typing import Any

from flash.core.data.io.output import Output
from flash.core.registry import FlashRegistry

MYSTEPS_OUTPUTS = FlashRegistry("outputs")


@MYSTEPS_OUTPUTS(name="class_index")
class MystepsOutput(Output):
    """Turns one prediction (the scores of every class) into the index of the most likely class."""

    def transform(self, sample: Any) -> int:
        """Take the arg-max of the scores."""
        return int(sample.argmax(-1).item())
