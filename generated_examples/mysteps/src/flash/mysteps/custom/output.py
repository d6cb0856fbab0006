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
