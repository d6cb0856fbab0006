"""The MystepsTask tests' examples: their sizes, in one place, and how to make them."""

import numpy as np
import torch
from flash.core.data.io.input import DataKeys

# The examples' sizes: every test reads them from here.
NUM_FEATURES = 4
NUM_CLASSES = 3


def examples(num_examples: int = 12):
    """Random features, with targets that cover every class."""
    features = np.random.rand(num_examples, NUM_FEATURES).astype(np.float32)
    targets = np.arange(num_examples) % NUM_CLASSES
    return features, targets


class DummyDataset(torch.utils.data.Dataset):
    """Random samples in Flash's dictionary format, enough to run every stage once."""

    def __getitem__(self, index):
        return {
            DataKeys.INPUT: torch.randn(NUM_FEATURES),
            DataKeys.TARGET: torch.randint(NUM_CLASSES, (1,))[0],
        }

    def __len__(self) -> int:
        return 10
