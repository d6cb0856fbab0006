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
"""The MyregRegressor tests' examples: their sizes, in one place, and how to make them."""

import numpy as np
import torch
from flash.core.data.io.input import DataKeys

# The examples' sizes: every test reads them from here.
NUM_FEATURES = 4


def examples(num_examples: int = 12):
    """Random features, with targets that cover every class (real values, for regression)."""
    features = np.random.rand(num_examples, NUM_FEATURES).astype(np.float32)
    targets = np.random.rand(num_examples).astype(np.float32)
    return features, targets


class DummyDataset(torch.utils.data.Dataset):
    """Random samples in Flash's dictionary format, enough to run every stage once."""

    def __getitem__(self, index):
        return {
            DataKeys.INPUT: torch.randn(NUM_FEATURES),
            DataKeys.TARGET: torch.rand(1)[0],
        }

    def __len__(self) -> int:
        return 10
