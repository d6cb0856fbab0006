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
"""The ``InputTransform`` of the MytaskTask task, in a module of its own."""

from typing import Any, Callable, Dict

import torch

from flash.core.data.io.input import DataKeys
from flash.core.data.io.input_transform import InputTransform


class MytaskInputTransform(InputTransform):
    """Turns every sample into tensors: float features and integer class targets."""

    @staticmethod
    def to_tensor(sample: Dict[str, Any]) -> Dict[str, Any]:
        """Convert one sample; static so that it can be used outside a transform too."""
        sample[DataKeys.INPUT] = torch.as_tensor(sample[DataKeys.INPUT]).float()
        if DataKeys.TARGET in sample:
            sample[DataKeys.TARGET] = torch.as_tensor(sample[DataKeys.TARGET]).long()
        return sample

    def per_sample_transform(self) -> Callable:
        """Apply ``to_tensor`` to each sample at every stage."""
        return self.to_tensor
