"""Loss values and gradients (finite differences, float64), the pinned logQ convention,
accidental hits, and the identities between the losses."""

import numpy as np
import pytest

from crossentropy.recsys import losses
from crossentropy.recsys.losses import (MIN_LOGIT, bce_negative_sampling_loss,
                                        full_softmax_loss, in_batch_logits,
                                        in_batch_softmax_loss, sampled_logits,
                                        sampled_softmax_loss, softmax_loss_from_logits)
from crossentropy.recsys.samplers import PopularitySampler, UniformSampler


def numerical_gradient(f, x, h=1e-6):
    """Central differences of the scalar f() with respect to the array x (changed in place)."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        up = f()
        x[index] = saved - h
        down = f()
        x[index] = saved
        grad[index] = (up - down) / (2 * h)
    return grad


def assert_gradients(f, arrays, analytic):
    for x, grad in zip(arrays, analytic):
        numeric = numerical_gradient(f, x)
        error = np.abs(numeric - grad).max() / max(np.abs(numeric).max(), 1e-12)
        assert error < 1e-6, error


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return {"user": rng.normal(size=(5, 3)), "items": rng.normal(size=(7, 3)),
            "pos_ids": np.array([0, 3, 3, 6, 1]), "neg_ids": np.array([2, 3, 5, 0]),
            "log_q_pos": rng.normal(size=5), "log_q_neg": rng.normal(size=4)}


def test_full_softmax_gradients(batch):
    u, v, ids = batch["user"], batch["items"], batch["pos_ids"]
    _, d_user, d_item = full_softmax_loss(u, v, ids)
    assert_gradients(lambda: full_softmax_loss(u, v, ids)[0], [u, v], [d_user, d_item])


def test_full_softmax_value_matches_a_direct_formula(batch):
    u, v, ids = batch["user"], batch["items"], batch["pos_ids"]
    scores = u @ v.T
    expected = np.mean(np.log(np.exp(scores).sum(1)) - scores[np.arange(5), ids])
    assert full_softmax_loss(u, v, ids)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("hits", [True, False])
def test_sampled_softmax_gradients(batch, hits):
    u, v = batch["user"], batch["items"]
    pos, neg = v[batch["pos_ids"]].copy(), v[batch["neg_ids"]].copy()
    args = (batch["log_q_pos"], batch["log_q_neg"], batch["pos_ids"], batch["neg_ids"], hits)
    _, d_user, d_pos, d_neg = sampled_softmax_loss(u, pos, neg, *args)
    assert_gradients(lambda: sampled_softmax_loss(u, pos, neg, *args)[0], [u, pos, neg],
                     [d_user, d_pos, d_neg])


def test_in_batch_softmax_gradients(batch):
    u, v = batch["user"], batch["items"][batch["pos_ids"]].copy()
    args = (batch["log_q_pos"], batch["pos_ids"], True)
    _, d_user, d_item = in_batch_softmax_loss(u, v, *args)
    assert_gradients(lambda: in_batch_softmax_loss(u, v, *args)[0], [u, v], [d_user, d_item])


def test_bce_gradients(batch):
    u, v = batch["user"], batch["items"]
    pos, neg = v[batch["pos_ids"]].copy(), v[batch["neg_ids"]].copy()
    args = (batch["pos_ids"], batch["neg_ids"], True)
    _, d_user, d_pos, d_neg = bce_negative_sampling_loss(u, pos, neg, *args)
    assert_gradients(lambda: bce_negative_sampling_loss(u, pos, neg, *args)[0],
                     [u, pos, neg], [d_user, d_pos, d_neg])


def test_logits_gradient_is_softmax_minus_one_hot():
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    loss, grad = softmax_loss_from_logits(logits, np.array([2, 0]))
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    p[[0, 1], [2, 0]] -= 1
    np.testing.assert_allclose(grad, p / 2)
    assert logits[0, 0] == 1.0  # not overwritten by default


def test_sampled_with_every_item_and_uniform_q_equals_full_softmax(batch):
    u, v, ids = batch["user"], batch["items"], batch["pos_ids"]
    everything = np.arange(len(v))
    sampler = UniformSampler(len(v))
    log_q_pos = sampler.log_expected_count(ids, len(v))
    log_q_neg = sampler.log_expected_count(everything, len(v))
    full = full_softmax_loss(u, v, ids)
    for q_pos, q_neg in [(None, None), (log_q_pos, log_q_neg), (log_q_pos + 3, log_q_neg + 3)]:
        sampled = sampled_softmax_loss(u, v[ids], v, q_pos, q_neg, ids, everything)
        assert sampled[0] == pytest.approx(full[0], rel=1e-12)
        np.testing.assert_allclose(sampled[1], full[1], atol=1e-12)
        # the item gradient: positives' rows plus the negatives' rows give the dense one
        d_items = sampled[3].copy()
        np.add.at(d_items, ids, sampled[2])
        np.testing.assert_allclose(d_items, full[2], atol=1e-12)


def test_logq_is_subtracted_from_every_candidate_including_the_positive():
    u, pos, neg = np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((3, 2))
    log_q_pos, log_q_neg = np.log([0.5]), np.log([0.5, 0.25, 2.0])
    logits = sampled_logits(u, pos, neg, log_q_pos, log_q_neg)
    np.testing.assert_allclose(logits, [[-np.log(0.5), -np.log(0.5), -np.log(0.25),
                                         -np.log(2.0)]])
    ib = in_batch_logits(np.eye(2), np.eye(2), log_q=np.log([0.1, 0.9]))
    np.testing.assert_allclose(ib, [[1 - np.log(0.1), -np.log(0.9)],
                                    [-np.log(0.1), 1 - np.log(0.9)]])
    # corrected > uncorrected for q < 1 (TFRS's sampling-correction fixture)
    assert np.all(in_batch_logits(np.eye(2), np.eye(2), np.log([0.1, 0.9]))
                  > in_batch_logits(np.eye(2), np.eye(2)))


def _fit_biases(logq_sign, seed=0, num_items=20, num_negatives=64, steps=3000):
    """Learn one score per item (d = 1, user vector 1) from positives ~ p, negatives ~ q = p."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, num_items + 1)
    p /= p.sum()
    sampler = PopularitySampler(p * 1000)  # q = p
    bias = np.zeros((num_items, 1))
    ones = np.ones((256, 1))
    for _ in range(steps):
        pos_ids = rng.choice(num_items, 256, p=p)
        neg_ids = sampler.sample(num_negatives, rng)
        log_q_pos = logq_sign * sampler.log_expected_count(pos_ids, num_negatives)
        log_q_neg = logq_sign * sampler.log_expected_count(neg_ids, num_negatives)
        _, _, d_pos, d_neg = sampled_softmax_loss(ones, bias[pos_ids], bias[neg_ids],
                                                  log_q_pos, log_q_neg, pos_ids, neg_ids)
        grad = np.zeros_like(bias)
        np.add.at(grad, pos_ids, d_pos)
        np.add.at(grad, neg_ids, d_neg)
        bias -= 1.0 * grad
    return bias[:, 0] - bias[:, 0].mean(), np.log(p) - np.log(p).mean()


def test_logq_sign_on_a_toy_with_a_known_optimum():
    """Full softmax's optimum is score_j = log p_j + c. With negatives drawn from q = p,
    the corrected sampled softmax finds it; without the correction the scores flatten
    (log p - log q = const); with the flipped sign they come out as -log p."""
    corrected, target = _fit_biases(+1)
    none, _ = _fit_biases(0)
    flipped, _ = _fit_biases(-1)
    assert np.abs(corrected - target).max() < 0.25 * np.ptp(target)
    assert np.ptp(none) < 0.25 * np.ptp(target)
    assert np.corrcoef(flipped, target)[0, 1] < -0.9
    error = lambda scores: np.abs(scores - target).mean()  # noqa: E731
    assert error(corrected) < error(none) < error(flipped)


def test_accidental_hits_are_removed_and_never_nan():
    u = np.ones((2, 2), dtype=np.float32)
    items = np.ones((2, 2), dtype=np.float32)
    pos_ids = np.array([4, 4])
    # every negative is the positive: all hits, loss 0 (up to float32's rounding of
    # log(exp(2)) - 2), no gradient through the hits, finite gradients
    loss, d_user, d_pos, d_neg = sampled_softmax_loss(u, items, items, None, None, pos_ids,
                                                      np.array([4, 4]))
    assert abs(loss) < 1e-6 and np.all(d_neg == 0)
    assert all(np.isfinite(g).all() for g in (d_user, d_pos, d_neg))
    loss, d_user, d_item = in_batch_softmax_loss(u, items, None, pos_ids)
    assert abs(loss) < 1e-6 and np.isfinite(d_user).all() and np.isfinite(d_item).all()
    # the same with logits too large to skip the max-shift: exactly 0 then
    big = np.full((2, 2), 50.0, dtype=np.float32)
    assert sampled_softmax_loss(big, big, big, None, None, pos_ids, np.array([4, 4]))[0] == 0
    logits = in_batch_logits(u, items, None, pos_ids)
    assert logits[0, 0] == 2.0 and logits[1, 1] == 2.0 and logits[0, 1] == MIN_LOGIT
    # a hit on a row leaves the other rows' candidates alone
    hit = sampled_logits(u, items, items, pos_ids=np.array([4, 5]), neg_ids=np.array([5, 6]))
    assert hit[1, 1] == MIN_LOGIT and hit[0, 1] == 2.0 and hit[1, 0] == 2.0


def test_in_batch_matches_the_tfrs_fixture():
    query = np.array([[1.0, 2, 3], [2, 3, 4]])
    candidates = np.array([[1.0, 1, 1], [1, 1, 0]])
    loss = in_batch_softmax_loss(query, candidates)[0]
    # scores [[6, 3], [9, 5]]: -log sigmoid(3) - log(1 - sigmoid(4)), TFRS sums the rows
    expected = np.log1p(np.exp(-3.0)) + np.log1p(np.exp(4.0))
    assert 2 * loss == pytest.approx(expected, rel=1e-12)
    assert 2 * loss == pytest.approx(4.0667373, abs=1e-7)


def test_losses_are_finite_for_extreme_scores():
    u = np.array([[1e4, 0.0]], dtype=np.float32)
    items = np.array([[1.0, 0.0], [-1.0, 0.0]], dtype=np.float32)
    with np.errstate(all="raise"):
        loss, *grads = full_softmax_loss(u, items, np.array([1]))
    assert loss == pytest.approx(2e4) and all(np.isfinite(g).all() for g in grads)
    loss, *grads = bce_negative_sampling_loss(u, items[1:], items[:1])
    assert loss == pytest.approx(2e4) and all(np.isfinite(g).all() for g in grads)


def test_float32_stays_float32(batch):
    u = batch["user"].astype(np.float32)
    v = batch["items"].astype(np.float32)
    for result in (full_softmax_loss(u, v, batch["pos_ids"]),
                   sampled_softmax_loss(u, v[:5], v[:4]),
                   in_batch_softmax_loss(u, v[:5]),
                   bce_negative_sampling_loss(u, v[:5], v[:4])):
        assert all(g.dtype == np.float32 for g in result[1:])


def test_float32_floor_keeps_subnormals_out_of_the_gradient():
    logits = np.array([[0.0, -200.0, -80.0]], dtype=np.float32)
    _, grad = softmax_loss_from_logits(logits, np.array([0]))
    tiny = np.finfo(np.float32).tiny
    assert np.all((grad == 0) | (np.abs(grad) >= tiny))
    assert losses.MIN_LOGIT < -1e30


def test_sample_weights_scale_each_row_and_keep_the_gradients_right(batch):
    """Weighted losses: the gradient checks hold, and weight w on a row equals w copies of it."""
    u, v, ids = batch["user"], batch["items"], batch["pos_ids"]
    w = np.array([0.5, 2.0, 1.0, 0.0, 1.5])
    pos, neg = v[ids].copy(), v[batch["neg_ids"]].copy()
    sampled_args = (batch["log_q_pos"], batch["log_q_neg"], ids, batch["neg_ids"], True)
    cases = [
        (lambda: full_softmax_loss(u, v, ids, sample_weight=w), [u, v]),
        (lambda: sampled_softmax_loss(u, pos, neg, *sampled_args, sample_weight=w),
         [u, pos, neg]),
        (lambda: in_batch_softmax_loss(u, pos, batch["log_q_pos"], ids, True,
                                       sample_weight=w), [u, pos]),
        (lambda: bce_negative_sampling_loss(u, pos, neg, ids, batch["neg_ids"], True,
                                            sample_weight=w), [u, pos, neg]),
    ]
    for f, arrays in cases:
        assert_gradients(lambda: f()[0], arrays, f()[1:])
    # integer weights = repeated rows (the mean is over the B rows, so rescale by B)
    counts = np.array([1, 2, 0, 3, 1])
    repeated = np.repeat(np.arange(5), counts)
    weighted = full_softmax_loss(u, v, ids, sample_weight=counts)[0] * 5
    plain = full_softmax_loss(u[repeated], v, ids[repeated])[0] * counts.sum()
    assert weighted == pytest.approx(plain, rel=1e-12)


def test_hit_pairs_match_a_dense_comparison():
    rng = np.random.default_rng(3)
    row_ids, candidate_ids = rng.integers(0, 6, 40), rng.integers(0, 6, 25)
    rows, cols = losses._hit_pairs(row_ids, candidate_ids)
    dense = np.zeros((40, 25), dtype=bool)
    dense[rows, cols] = True
    assert np.array_equal(dense, row_ids[:, None] == candidate_ids[None, :])
    assert len(rows) == dense.sum()  # each pair once
    rows, cols = losses._hit_pairs(row_ids, row_ids, skip_diagonal=True)
    dense = row_ids[:, None] == row_ids[None, :]
    np.fill_diagonal(dense, False)
    assert sorted(zip(rows.tolist(), cols.tolist())) == sorted(zip(*np.nonzero(dense)))


@pytest.mark.parametrize("size", [0.1, 2.0, 30.0])  # bound, look, shift
def test_full_softmax_float32_paths_agree_with_float64(size):
    """Small logits skip the max-subtraction (by the norm bound, or by looking), large ones
    take it; all three agree with the float64 computation."""
    rng = np.random.default_rng(4)
    u, v = rng.normal(size=(64, 8)) * size, rng.normal(size=(300, 8)) * size
    ids = rng.integers(0, 300, 64)
    exact = full_softmax_loss(u, v, ids)
    fast = full_softmax_loss(u.astype(np.float32), v.astype(np.float32), ids,
                             workspace=np.empty((100, 300), np.float32))
    assert fast[0] == pytest.approx(exact[0], rel=1e-5)
    for approx, reference in zip(fast[1:], exact[1:]):
        assert approx.dtype == np.float32
        np.testing.assert_allclose(approx, reference, rtol=1e-4,
                                   atol=1e-5 * np.abs(reference).max())


def test_bce_negative_weight_scales_the_negatives_only(batch):
    u, v = batch["user"], batch["items"]
    pos, neg = v[batch["pos_ids"]].copy(), v[batch["neg_ids"]].copy()
    args = (batch["pos_ids"], batch["neg_ids"], True)
    f = lambda w: bce_negative_sampling_loss(u, pos, neg, *args, negative_weight=w)  # noqa
    assert_gradients(lambda: f(0.25)[0], [u, pos, neg], f(0.25)[1:])
    only_pos = f(0.0)
    assert np.all(only_pos[3] == 0)
    assert f(0.25)[0] == pytest.approx(only_pos[0] + 0.25 * (f(1.0)[0] - only_pos[0]))
