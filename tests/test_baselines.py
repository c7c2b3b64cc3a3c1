"""Tests of crossentropy.baselines: chance_level_loss and double_softmax_floor."""

import numpy as np
import pytest

from crossentropy import softmax, softmax_cross_entropy
from crossentropy.baselines import chance_level_loss, double_softmax_floor


def test_chance_level_loss_cs231n_value():
    assert chance_level_loss(10) == pytest.approx(2.302585092994046, rel=1e-15)


def test_chance_level_loss_is_the_loss_of_equal_logits():
    labels = np.arange(7) % 5
    assert softmax_cross_entropy(np.zeros((7, 5)), labels) == pytest.approx(chance_level_loss(5))


def test_chance_level_loss_of_a_million_items():
    assert round(chance_level_loss(1_000_000), 2) == 13.82


def test_double_softmax_floor_is_the_loss_of_a_perfect_probability_output():
    for num_classes in (2, 3, 4, 10, 1000):
        one_hot = np.eye(num_classes)[:1]
        loss = softmax_cross_entropy(one_hot, np.array([0]))
        assert double_softmax_floor(num_classes) == pytest.approx(loss, rel=1e-12)


def test_double_softmax_floor_is_not_beaten_by_any_softmax_output():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2000, 4)) * 20
    losses = softmax_cross_entropy(softmax(logits), np.zeros(2000, dtype=int), reduction="none")
    assert losses.min() >= double_softmax_floor(4) - 1e-12


def test_double_softmax_floor_values_and_vectorisation():
    np.testing.assert_allclose(double_softmax_floor([1, 2, 4]), [0.0, 0.31326, 0.74366],
                               atol=1e-5)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "ten"])
def test_baselines_reject_bad_class_counts(bad):
    with pytest.raises(ValueError):
        chance_level_loss(bad)
    with pytest.raises(ValueError):
        double_softmax_floor(bad)
