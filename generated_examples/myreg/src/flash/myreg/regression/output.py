# Copyright The PyTorch Lightning team.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
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
