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
"""The ``OutputTransform`` of the MyregRegressor task."""

from typing import Any

from torch import Tensor

from flash.core.data.io.output_transform import OutputTransform


class MyregOutputTransform(OutputTransform):
    """Detaches each prediction and moves it to the CPU, so that an ``Output`` never holds on to the graph."""

    @staticmethod
    def per_sample_transform(sample: Any) -> Any:
        """Detach and move one prediction."""
        if isinstance(sample, Tensor):
            return sample.detach().cpu()
        return sample
