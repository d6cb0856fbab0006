"""The ``Output`` of the MyregRegressor task: predictions as plain Python values."""

from typing import Any, List, Union

from flash.core.data.io.output import Output
from flash.core.registry import FlashRegistry

MYREG_OUTPUTS = FlashRegistry("outputs")


@MYREG_OUTPUTS(name="values")
class MyregOutput(Output):
    """Turns one prediction into a ``float`` (a list of floats for several targets)."""

    def transform(self, sample: Any) -> Union[float, List[float]]:
        """Convert the prediction tensor to Python numbers."""
        return sample.tolist()
