"""crossentropy.likelihood: maximum likelihood, perplexity and temperature."""

import numpy as np
import pytest

from crossentropy import cross_entropy, entropy, kl_divergence
from crossentropy.likelihood import (empirical_cross_entropy, empirical_distribution,
                                     perplexity, temper)


def test_counts_minimise_the_empirical_cross_entropy():
    """Does no random distribution beat the normalised counts (maximum likelihood)?"""
    rng = np.random.default_rng(0)
    samples = rng.integers(0, 5, size=200)
    p_hat = empirical_distribution(samples, 5)
    best = empirical_cross_entropy(samples, p_hat)
    for q in rng.dirichlet(np.ones(5), size=500):
        assert empirical_cross_entropy(samples, q) >= best


def test_empirical_cross_entropy_decomposes():
    """H(p_hat, q) = H(p_hat) + KL(p_hat || q) = cross_entropy(p_hat, q)."""
    rng = np.random.default_rng(1)
    samples = rng.integers(0, 4, size=50)
    q = rng.dirichlet(np.ones(4))
    p_hat = empirical_distribution(samples, 4)
    value = empirical_cross_entropy(samples, q)
    assert value == pytest.approx(entropy(p_hat) + kl_divergence(p_hat, q))
    assert value == pytest.approx(cross_entropy(p_hat, q))


def test_perplexity_of_the_uniform_model_is_the_number_of_classes():
    samples = np.random.default_rng(2).integers(0, 7, size=30)
    assert perplexity(samples, np.full(7, 1 / 7)) == pytest.approx(7)


def test_a_zero_probability_sample_gives_infinite_loss_without_warning():
    assert empirical_cross_entropy([0, 1], [1.0, 0.0]) == np.inf


def test_base_two():
    assert empirical_cross_entropy([0, 1, 2, 3], np.full(4, 0.25), base=2) == pytest.approx(2)


@pytest.mark.parametrize("samples", [[0, 3], [[0, 1]], [0.5, 1.0]])
def test_bad_samples_raise(samples):
    with pytest.raises(ValueError):
        empirical_cross_entropy(samples, [0.5, 0.5])


def test_temper_limits():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    np.testing.assert_allclose(temper(p, 1.0), p)
    np.testing.assert_allclose(temper(p, 1e-3), [1, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(temper(p, 1e6), [1 / 3, 1 / 3, 1 / 3, 0], atol=1e-5)
    assert temper(p, 1e6)[3] == 0


def test_entropy_grows_with_temperature():
    p = np.random.default_rng(3).dirichlet(np.ones(6))
    values = [entropy(temper(p, t)) for t in (0.1, 0.3, 1.0, 3.0, 10.0)]
    assert np.all(np.diff(values) > 0)


def test_temper_keeps_float32_and_axis():
    p = np.array([[0.2, 0.8], [0.6, 0.4]], dtype=np.float32)
    out = temper(p.T, 0.5, axis=0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=0), 1, rtol=1e-6)


@pytest.mark.parametrize("t", [0.0, -1.0, np.inf, np.nan])
def test_temper_rejects_bad_temperatures(t):
    with pytest.raises(ValueError):
        temper([0.5, 0.5], t)
