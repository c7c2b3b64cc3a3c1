"""Tests of crossentropy.sampling: negative-sampling distributions, BPR and NEG losses."""

import numpy as np
import pytest

from crossentropy import binary_cross_entropy_with_logits, softmax_cross_entropy
from crossentropy.recsys.losses import bce_negative_sampling_loss, sampled_softmax_loss
from crossentropy.sampling import (
    LogUniformSampler,
    bpr_loss,
    bpr_loss_value_and_grad,
    log_uniform_distribution,
    negative_sampling_loss,
    negative_sampling_loss_value_and_grad,
    unigram_power_distribution,
)
from crossentropy.testing import check_gradient

REDUCTIONS = ["mean", "sum", "none"]


# --- unigram_power_distribution -------------------------------------------------------------

def test_unigram_power_matches_the_formula():
    counts = np.array([100.0, 10.0, 1.0, 0.0, 5.0])
    expected = np.where(counts > 0, counts, 0) ** 0.75
    np.testing.assert_allclose(unigram_power_distribution(counts), expected / expected.sum(),
                               rtol=1e-12)


def test_unigram_power_one_is_the_data_and_zero_is_uniform_over_occurring_items():
    counts = np.array([6, 3, 1, 0])
    np.testing.assert_allclose(unigram_power_distribution(counts, power=1.0), [0.6, 0.3, 0.1, 0])
    np.testing.assert_allclose(unigram_power_distribution(counts, power=0.0), [1 / 3] * 3 + [0])


def test_unigram_power_flattens_popularity():
    """Does 0 < power < 1 give the rarest item more than its share of the data?"""
    counts = np.array([1000, 100, 10, 1])
    data = counts / counts.sum()
    flattened = unigram_power_distribution(counts, power=0.75)
    assert flattened[-1] > data[-1] and flattened[0] < data[0]


def test_unigram_power_does_not_overflow_on_huge_counts():
    probs = unigram_power_distribution([1e300, 1e299], power=2.0)
    np.testing.assert_allclose(probs, [100 / 101, 1 / 101])


@pytest.mark.parametrize("counts, power", [([[1, 2]], 0.75), ([1, -1], 0.75), ([0, 0], 0.75),
                                           ([1, np.inf], 0.75), ([1, 2], -0.5)])
def test_unigram_power_rejects_bad_input(counts, power):
    with pytest.raises(ValueError):
        unigram_power_distribution(counts, power)


# --- log-uniform ----------------------------------------------------------------------------

@pytest.mark.parametrize("range_max", [1, 2, 7, 1000, 10**6])
def test_log_uniform_sums_to_one_and_decreases(range_max):
    probs = log_uniform_distribution(range_max)
    assert probs.shape == (range_max,)
    assert probs.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(probs) < 0)


def test_log_uniform_matches_tensorflows_formula():
    k = np.arange(50)
    expected = (np.log(k + 2) - np.log(k + 1)) / np.log(51)
    np.testing.assert_allclose(log_uniform_distribution(50), expected, rtol=1e-12)


@pytest.mark.parametrize("range_max", [0, -3, 2.5])
def test_log_uniform_rejects_a_bad_range(range_max):
    with pytest.raises(ValueError):
        log_uniform_distribution(range_max)


def test_log_uniform_sampler_frequencies_match_the_probabilities():
    sampler = LogUniformSampler(20)
    draws = sampler.sample(400_000, np.random.default_rng(3))
    assert draws.dtype == np.int64 and draws.min() >= 0 and draws.max() <= 19
    frequencies = np.bincount(draws, minlength=20) / draws.size
    np.testing.assert_allclose(frequencies, sampler.probs, atol=3e-3)


def test_log_uniform_sampler_expected_count_plugs_into_the_sampled_softmax():
    """Is log_expected_count log(K P(k)), usable as the logQ of sampled_softmax_loss?"""
    sampler = LogUniformSampler(30)
    ids = np.array([0, 5, 29])
    np.testing.assert_allclose(sampler.log_expected_count(ids, num_draws=8),
                               np.log(8 * log_uniform_distribution(30)[ids]))
    rng = np.random.default_rng(0)
    user, items = rng.normal(size=(4, 3)), rng.normal(size=(30, 3))
    pos, neg = np.array([1, 2, 3, 4]), sampler.sample(8, rng)
    loss = sampled_softmax_loss(user, items[pos], items[neg],
                                sampler.log_expected_count(pos, 8),
                                sampler.log_expected_count(neg, 8), pos, neg)[0]
    assert np.isfinite(loss)


# --- BPR ------------------------------------------------------------------------------------

def test_bpr_hand_values():
    np.testing.assert_allclose(bpr_loss([0.0], [0.0]), np.log(2))
    np.testing.assert_allclose(bpr_loss([3.0, 1.0], [[1.0, 4.0], [1.0, 1.0]], reduction="none"),
                               [[np.log1p(np.exp(-2)), np.log1p(np.exp(1))], [np.log(2)] * 2])


def test_bpr_with_one_negative_is_the_two_way_softmax():
    """Is -log sigma(s+ - s-) the softmax cross-entropy of the logits [s+, s-] at label 0?"""
    rng = np.random.default_rng(1)
    pos, neg = rng.normal(size=50) * 4, rng.normal(size=50) * 4
    expected = softmax_cross_entropy(np.stack([pos, neg], axis=1), np.zeros(50, dtype=int),
                                     reduction="none")
    # logsumexp - z loses digits for tiny losses; log1p(exp(-d)) keeps them
    np.testing.assert_allclose(bpr_loss(pos, neg, reduction="none"), expected, rtol=1e-9,
                               atol=1e-13)


def test_bpr_is_invariant_to_a_common_shift():
    rng = np.random.default_rng(2)
    pos, neg = rng.normal(size=6), rng.normal(size=(6, 3))
    assert bpr_loss(pos + 100.0, neg + 100.0) == pytest.approx(bpr_loss(pos, neg), rel=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("neg_shape", [(5,), (5, 3)])
def test_bpr_gradients_match_finite_differences(reduction, neg_shape):
    rng = np.random.default_rng(4)
    pos, neg = rng.normal(size=5) * 2, rng.normal(size=neg_shape) * 2

    def total(p, n):  # for "none" the gradients are those of the sum
        return np.sum(bpr_loss(p, n, reduction))

    _, d_pos, d_neg = bpr_loss_value_and_grad(pos, neg, reduction)
    check_gradient(lambda p: total(p, neg), lambda p: d_pos, pos.copy())
    check_gradient(lambda n: total(pos, n), lambda n: d_neg, neg.copy())
    assert d_neg.shape == neg.shape


def test_bpr_value_and_grad_returns_the_loss():
    rng = np.random.default_rng(5)
    pos, neg = rng.normal(size=4), rng.normal(size=(4, 2))
    for reduction in REDUCTIONS:
        np.testing.assert_allclose(bpr_loss_value_and_grad(pos, neg, reduction)[0],
                                   bpr_loss(pos, neg, reduction))


def test_bpr_is_stable_at_extreme_differences():
    """At d = -1000 the naive -log(sigmoid(d)) is inf; the loss must be 1000, silently."""
    with np.errstate(all="raise"):
        losses = bpr_loss([0.0, 1000.0, 0.0], [1000.0, 0.0, -1e300], reduction="none")
        _, d_pos, d_neg = bpr_loss_value_and_grad([0.0, 1000.0], [1000.0, 0.0])
    np.testing.assert_allclose(losses, [1000.0, 0.0, 0.0])
    np.testing.assert_allclose(d_pos, [-0.5, 0.0])
    np.testing.assert_allclose(d_neg, [0.5, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bpr_keeps_the_dtype(dtype):
    pos, neg = np.array([1.0, -2.0], dtype), np.array([[0.5], [300.0]], dtype)
    loss, d_pos, d_neg = bpr_loss_value_and_grad(pos, neg)
    assert np.asarray(loss).dtype == dtype and d_pos.dtype == dtype and d_neg.dtype == dtype
    assert np.isfinite(loss)


def test_bpr_refuses_a_column_of_positive_scores():
    """(B, 1) against (B,) would broadcast to B x B pairs; it must raise instead."""
    with pytest.raises(ValueError, match="pos_scores"):
        bpr_loss(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match="neg_scores"):
        bpr_loss(np.zeros(3), np.zeros((4, 2)))


def test_bpr_of_an_empty_batch():
    assert np.isnan(bpr_loss(np.zeros(0), np.zeros((0, 2))))
    assert bpr_loss(np.zeros(0), np.zeros(0), reduction="sum") == 0.0


# --- NEG ------------------------------------------------------------------------------------

def test_neg_is_a_sum_of_binary_cross_entropies():
    rng = np.random.default_rng(6)
    pos, neg = rng.normal(size=7) * 3, rng.normal(size=(7, 4)) * 3
    logits = np.concatenate([pos[:, None], neg], axis=1)
    targets = np.zeros_like(logits)
    targets[:, 0] = 1
    per_row = binary_cross_entropy_with_logits(logits, targets, reduction="none").sum(axis=1)
    np.testing.assert_allclose(negative_sampling_loss(pos, neg, reduction="none"), per_row,
                               rtol=1e-12)
    np.testing.assert_allclose(negative_sampling_loss(pos, neg), per_row.mean(), rtol=1e-12)


def test_neg_equals_the_recsys_loss_with_shared_negatives():
    rng = np.random.default_rng(7)
    user, pos_emb, neg_emb = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), \
        rng.normal(size=(4, 3))
    expected = bce_negative_sampling_loss(user, pos_emb, neg_emb)[0]
    scores = negative_sampling_loss(np.einsum("bd,bd->b", user, pos_emb), user @ neg_emb.T)
    assert scores == pytest.approx(expected, rel=1e-12)


def test_neg_depends_on_the_level_of_the_scores():
    """Unlike BPR and the softmax, NEG changes when every score moves by the same amount."""
    pos, neg = np.array([1.0]), np.array([[0.0, -1.0]])
    assert negative_sampling_loss(pos + 5, neg + 5) != pytest.approx(
        negative_sampling_loss(pos, neg))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_neg_gradients_match_finite_differences(reduction):
    rng = np.random.default_rng(8)
    pos, neg = rng.normal(size=5) * 2, rng.normal(size=(5, 3)) * 2
    _, d_pos, d_neg = negative_sampling_loss_value_and_grad(pos, neg, reduction)
    check_gradient(lambda p: np.sum(negative_sampling_loss(p, neg, reduction)),
                   lambda p: d_pos, pos.copy())
    check_gradient(lambda n: np.sum(negative_sampling_loss(pos, n, reduction)),
                   lambda n: d_neg, neg.copy())


def test_neg_is_stable_at_extreme_scores():
    with np.errstate(all="raise"):
        loss = negative_sampling_loss([-1000.0, 1000.0], [[1000.0], [-1000.0]],
                                      reduction="none")
        _, d_pos, d_neg = negative_sampling_loss_value_and_grad([-1000.0], [[1000.0]])
    np.testing.assert_allclose(loss, [2000.0, 0.0])
    np.testing.assert_allclose(d_pos, [-1.0])
    np.testing.assert_allclose(d_neg, [[1.0]])


def test_neg_optimum_is_the_log_ratio_of_data_to_noise():
    """For one 'user', the minimiser of the expected NEG loss is s_j = log(p_j / (K q_j))."""
    p = np.array([0.5, 0.3, 0.2])
    q = np.array([0.2, 0.3, 0.5])
    num_neg = 4
    s = np.zeros(3)
    for _ in range(3000):  # gradient descent on the expected loss
        s -= 0.5 * (p * (1 / (1 + np.exp(-s)) - 1) + num_neg * q / (1 + np.exp(-s)))
    np.testing.assert_allclose(s, np.log(p / (num_neg * q)), atol=1e-8)


def test_neg_requires_a_matrix_of_negatives():
    with pytest.raises(ValueError, match="neg_scores"):
        negative_sampling_loss(np.zeros(3), np.zeros(3))
