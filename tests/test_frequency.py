"""Tests of the streaming frequency estimator of Yi et al. (crossentropy.frequency)."""

import numpy as np
import pytest

from crossentropy.frequency import StreamingFrequencyEstimator


@pytest.mark.parametrize("k", [1, 3, 10, 50])
def test_prob_of_an_item_every_k_steps_tends_to_one_over_k(k):
    """Does an item seen at steps 0, k, 2k, ... get an estimate close to 1/k?"""
    estimator = StreamingFrequencyEstimator(H=1024, alpha=0.05)
    for step in range(0, 400 * k, k):
        estimator.update([42], step)
    np.testing.assert_allclose(estimator.prob([42]), [1 / k], rtol=1e-6)


def test_every_k_steps_with_other_items_in_the_batches():
    """Do items with different periods in the same batches each get their own 1/k?"""
    estimator = StreamingFrequencyEstimator(H=4096, alpha=0.05, n_hashes=2)
    periods = {5: 2, 17: 5, 99: 20}
    for step in range(4000):
        estimator.update([item for item, k in periods.items() if step % k == 0] + [1], step)
    np.testing.assert_allclose(estimator.prob(list(periods) + [1]),
                               [1 / k for k in periods.values()] + [1.0], rtol=1e-3)


def test_adapts_after_a_shift_in_popularity():
    """After an item's period changes from 4 to 20 steps, does the estimate follow it?"""
    estimator = StreamingFrequencyEstimator(H=256, alpha=0.1)
    for step in range(0, 2000, 4):
        estimator.update([3], step)
    assert estimator.prob([3])[0] == pytest.approx(0.25, rel=1e-3)
    estimates = []
    for step in range(2000, 4000, 20):
        estimator.update([3], step)
        estimates.append(estimator.prob([3])[0])
    assert estimates[0] > 0.1  # the moving average remembers the old gap at first
    assert estimates[-1] == pytest.approx(0.05, rel=1e-3)


def test_faster_alpha_adapts_in_fewer_appearances():
    """Is the estimate after 10 appearances at the new rate closer with a larger alpha?"""
    errors = {}
    for alpha in (0.02, 0.3):
        estimator = StreamingFrequencyEstimator(H=256, alpha=alpha)
        for step in range(0, 400, 2):
            estimator.update([9], step)
        for step in range(400, 400 + 10 * 10, 10):
            estimator.update([9], step)
        errors[alpha] = abs(estimator.prob([9])[0] - 0.1)
    assert errors[0.3] < 0.2 * errors[0.02]


def test_multiple_hashes_reduce_the_collision_bias():
    """With few buckets, does taking the max gap of 4 hashes overestimate less than 1 hash?"""
    rng = np.random.default_rng(0)
    num_items, batch = 2000, 64
    q = 1 / np.arange(1, num_items + 1)
    q /= q.sum()
    in_batch = 1 - (1 - q) ** batch  # exact probability of being in a batch
    stream = [rng.choice(num_items, batch, p=q) for _ in range(2000)]
    bias = {}
    for n_hashes in (1, 4):
        estimator = StreamingFrequencyEstimator(H=500, alpha=0.05, n_hashes=n_hashes, seed=1)
        for step, ids in enumerate(stream):
            estimator.update(ids, step)
        bias[n_hashes] = np.mean(np.log(estimator.prob(np.arange(num_items)) / in_batch))
    assert bias[1] > 1.0  # collisions shorten gaps: a large overestimate
    assert bias[4] < bias[1] - 0.5


def test_without_collisions_it_estimates_the_probability_of_being_in_a_batch():
    """With ample buckets, is p-hat within 15 % of 1 - (1 - q)^B for the popular items?"""
    rng = np.random.default_rng(1)
    num_items, batch = 300, 32
    q = 1 / np.arange(1, num_items + 1)
    q /= q.sum()
    estimator = StreamingFrequencyEstimator(H=1 << 16, alpha=0.01)
    for step in range(6000):
        estimator.update(rng.choice(num_items, batch, p=q), step)
    in_batch = 1 - (1 - q[:20]) ** batch
    np.testing.assert_allclose(estimator.prob(np.arange(20)), in_batch, rtol=0.15)


def test_an_item_twice_in_a_batch_counts_once():
    """Is the estimate truncated at 1 per batch, whatever the number of copies?"""
    once = StreamingFrequencyEstimator(H=128, alpha=0.1)
    thrice = StreamingFrequencyEstimator(H=128, alpha=0.1)
    for step in range(0, 300, 3):
        once.update([5], step)
        thrice.update([5, 5, 5], step)
    assert once.prob([5])[0] == thrice.prob([5])[0] == pytest.approx(1 / 3, rel=1e-4)


def test_unseen_items_have_probability_zero_and_shapes_are_kept():
    estimator = StreamingFrequencyEstimator(H=1 << 12, alpha=0.1, n_hashes=3)
    estimator.update(np.array([[1, 2], [3, 4]]), 0)
    assert estimator.prob(np.array([[1, 2], [3, 10**12]])).shape == (2, 2)
    assert estimator.prob([10**12])[0] == 0.0
    assert estimator.prob(1) == pytest.approx(1.0)  # first seen at step 0: gap 1


def test_first_sighting_counts_the_steps_since_the_start():
    """Is an item first seen at step t estimated at 1 / (t + 1)?"""
    estimator = StreamingFrequencyEstimator(H=64)
    estimator.update([8], 9)
    assert estimator.prob([8])[0] == pytest.approx(0.1)


def test_negative_and_huge_ids_hash_into_range():
    estimator = StreamingFrequencyEstimator(H=7, n_hashes=2)
    ids = np.array([-5, 0, 2**62, -(2**63)])
    estimator.update(ids, 0)
    for r in range(2):
        buckets = estimator._buckets(ids, r)
        assert buckets.min() >= 0 and buckets.max() < 7


def test_the_seed_picks_the_hash_functions():
    ids = np.arange(1000)
    a, b, c = (StreamingFrequencyEstimator(H=97, seed=s) for s in (0, 0, 1))
    assert np.array_equal(a._buckets(ids, 0), b._buckets(ids, 0))
    assert not np.array_equal(a._buckets(ids, 0), c._buckets(ids, 0))


@pytest.mark.parametrize("kwargs", [dict(H=0), dict(H=8, n_hashes=0), dict(H=8, alpha=0.0),
                                    dict(H=8, alpha=1.5)])
def test_invalid_parameters_raise(kwargs):
    with pytest.raises(ValueError):
        StreamingFrequencyEstimator(**kwargs)


def test_steps_must_increase_and_ids_must_be_integers():
    estimator = StreamingFrequencyEstimator(H=8)
    estimator.update([1], 5)
    with pytest.raises(ValueError, match="increase"):
        estimator.update([1], 5)
    with pytest.raises(ValueError, match="integers"):
        estimator.update([1.5], 6)
    with pytest.raises(ValueError, match="non-negative"):
        StreamingFrequencyEstimator(H=8).update([1], -1)
