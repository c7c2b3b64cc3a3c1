"""Shared fixtures: a seeded generator and PyTorch as an optional oracle."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20240901)


@pytest.fixture
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch is an optional oracle: pip install torch==2.13.0"
    )
