"""The ``OutputTransform`` of the MystepsTask task."""

from typing import Any

from flash.core.data.io.output_transform import OutputTransform
from torch import Tensor


class MystepsOutputTransform(OutputTransform):
    """Detaches each prediction and moves it to the CPU, so that an ``Output`` never holds on to the graph."""

    @staticmethod
    def per_sample_transform(sample: Any) -> Any:
        """Detach and move one prediction."""
        if isinstance(sample, Tensor):
            return sample.detach().cpu()
        return sample
