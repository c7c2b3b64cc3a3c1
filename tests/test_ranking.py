"""Tests of crossentropy.ranking: watch-time weighted logistic regression and its metric."""

import itertools

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from crossentropy import binary_cross_entropy_with_logits
from crossentropy.ranking import (
    fit_intercept_only_odds,
    watch_time_weights,
    weighted_bce_watch_time,
    weighted_bce_watch_time_grad,
    weighted_bce_watch_time_value_and_grad,
    weighted_per_user_pairwise_loss,
)


def impressions(seed, n=500, click_rate=0.2):
    rng = np.random.default_rng(seed)
    clicked = rng.random(n) < click_rate
    watch = np.where(clicked, rng.exponential(5.0, n), 0.0)
    return rng, clicked, watch


def test_watch_time_weights_are_time_for_positives_and_one_for_negatives():
    np.testing.assert_array_equal(watch_time_weights([True, False, True], [2.0, 7.0, 0.0]),
                                  [2.0, 1.0, 0.0])


def test_weighted_bce_watch_time_hand_values():
    # positives: T * softplus(-z); negatives: softplus(z)
    z = np.array([0.0, 1.0, -2.0])
    loss = weighted_bce_watch_time(z, [1, 0, 1], [3.0, 0.0, 0.5], reduction="none")
    expected = [3 * np.log(2), np.log1p(np.e), 0.5 * np.log1p(np.exp(2.0))]
    np.testing.assert_allclose(loss, expected, rtol=1e-14)


def test_weighted_bce_watch_time_mean_divides_by_impressions():
    rng, clicked, watch = impressions(0)
    z = rng.normal(size=clicked.size)
    total = weighted_bce_watch_time(z, clicked, watch, reduction="sum")
    assert weighted_bce_watch_time(z, clicked, watch) == pytest.approx(total / clicked.size)


def test_weighted_bce_watch_time_is_bce_with_watch_time_weights():
    rng, clicked, watch = impressions(1)
    z = rng.normal(size=clicked.size) * 3
    expected = binary_cross_entropy_with_logits(z, clicked.astype(float),
                                                weight=watch_time_weights(clicked, watch))
    assert weighted_bce_watch_time(z, clicked, watch) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_weighted_bce_watch_time_grad_matches_central_differences(reduction):
    rng, clicked, watch = impressions(2, n=12, click_rate=0.5)
    z = rng.normal(size=12)
    h = 1e-6
    numeric = np.array([
        (weighted_bce_watch_time(z + h * e, clicked, watch, reduction)
         - weighted_bce_watch_time(z - h * e, clicked, watch, reduction)) / (2 * h)
        for e in np.eye(12)
    ])
    analytic = weighted_bce_watch_time_grad(z, clicked, watch, reduction)
    assert np.max(np.abs(numeric - analytic)) / np.max(np.abs(analytic)) < 1e-7


def test_weighted_bce_watch_time_is_stable_at_huge_logits():
    loss, grad = weighted_bce_watch_time_value_and_grad([1000.0, -1000.0], [0, 1], [0.0, 2.0],
                                                        reduction="none")
    np.testing.assert_allclose(loss, [1000.0, 2000.0])
    np.testing.assert_allclose(grad, [1.0, -2.0])


def test_weighted_bce_watch_time_keeps_float32():
    loss, grad = weighted_bce_watch_time_value_and_grad(np.zeros(3, np.float32), [1, 0, 1],
                                                        [1.0, 0.0, 2.0])
    assert loss.dtype == np.float32 and grad.dtype == np.float32


@pytest.mark.parametrize("clicked, watch, match", [
    ([0, 2], [0.0, 1.0], "0/1"),
    ([0, 1], [0.0, -1.0], "non-negative"),
    ([0, 1], [0.0, np.inf], "finite"),
    ([0, 1, 1], [0.0, 1.0], "same shape"),
])
def test_ranking_inputs_are_validated(clicked, watch, match):
    with pytest.raises(ValueError, match=match):
        watch_time_weights(clicked, watch)


def test_weighted_bce_watch_time_rejects_logits_of_another_shape():
    with pytest.raises(ValueError, match="same shape"):
        weighted_bce_watch_time(np.zeros((2, 1)), [0, 1], [0.0, 1.0])


def test_fit_intercept_only_odds_closed_form_is_the_minimiser():
    _, clicked, watch = impressions(3, n=2000, click_rate=0.1)
    odds = fit_intercept_only_odds(clicked, watch)
    assert odds == pytest.approx(watch[clicked].sum() / np.count_nonzero(~clicked), rel=1e-15)
    best = minimize_scalar(
        lambda b: weighted_bce_watch_time(np.full(clicked.size, b), clicked, watch),
        bracket=(-5, 5), tol=1e-12)
    assert np.exp(best.x) == pytest.approx(odds, rel=1e-6)
    grad = weighted_bce_watch_time_grad(np.full(clicked.size, np.log(odds)), clicked, watch)
    assert abs(grad.sum()) < 1e-12


def test_fit_intercept_only_odds_is_mean_watch_time_over_one_minus_p():
    _, clicked, watch = impressions(4, n=10_000, click_rate=0.05)
    mean_time, p = watch.mean(), clicked.mean()
    odds = fit_intercept_only_odds(clicked, watch)
    assert odds == pytest.approx(mean_time / (1 - p), rel=1e-12)
    assert odds == pytest.approx(mean_time * (1 + p), rel=p**2 * 1.01)


def test_fit_intercept_only_odds_edge_cases():
    assert fit_intercept_only_odds([1, 1], [2.0, 3.0]) == np.inf
    assert np.isnan(fit_intercept_only_odds([], []))
    assert fit_intercept_only_odds([0, 0], [5.0, 5.0]) == 0.0


def brute_force_pairwise_loss(scores, clicked, watch, users, pages):
    mispredicted = total = 0.0
    for i, j in itertools.permutations(range(len(scores)), 2):
        if clicked[i] and not clicked[j] and users[i] == users[j] and pages[i] == pages[j]:
            total += watch[i]
            mispredicted += watch[i] * ((scores[j] > scores[i]) + 0.5 * (scores[j] == scores[i]))
    return mispredicted / total


def test_weighted_per_user_pairwise_loss_hand_fixture():
    # page (u1, p1): positive T=2 scores 0.9 above both negatives; positive T=8 scores 0.1
    # below both. Page (u1, p2): one positive T=5 tied with its one negative.
    scores = [0.9, 0.1, 0.5, 0.4, 0.3, 0.3]
    clicked = [1, 1, 0, 0, 1, 0]
    watch = [2.0, 8.0, 0.0, 0.0, 5.0, 0.0]
    users = [1, 1, 1, 1, 1, 1]
    pages = [1, 1, 1, 1, 2, 2]
    # mispredicted 8*2 + 5*0.5 = 18.5 of 2*2 + 8*2 + 5*1 = 25
    assert weighted_per_user_pairwise_loss(scores, clicked, watch, users, pages) == 18.5 / 25


def test_weighted_per_user_pairwise_loss_matches_brute_force():
    rng = np.random.default_rng(5)
    n = 300
    users, pages = rng.integers(0, 6, n), rng.integers(0, 4, n)
    clicked = rng.random(n) < 0.3
    watch = np.where(clicked, rng.exponential(3.0, n), 0.0)
    scores = np.round(rng.normal(size=n), 1)  # rounded: many ties
    expected = brute_force_pairwise_loss(scores, clicked, watch, users, pages)
    got = weighted_per_user_pairwise_loss(scores, clicked, watch, users, pages)
    assert got == pytest.approx(expected, rel=1e-12)


def test_weighted_per_user_pairwise_loss_groups_by_user_without_pages():
    scores, clicked, watch = [1.0, 0.0, 0.0, 1.0], [1, 0, 1, 0], [1.0, 0.0, 3.0, 0.0]
    # user a: positive above its negative; user b: positive below -> 3 / 4
    assert weighted_per_user_pairwise_loss(scores, clicked, watch, ["a", "a", "b", "b"]) == 0.75


def test_weighted_per_user_pairwise_loss_is_invariant_to_monotone_transforms():
    rng = np.random.default_rng(6)
    users = rng.integers(0, 20, 400)
    clicked = rng.random(400) < 0.25
    watch = np.where(clicked, rng.exponential(2.0, 400), 0.0)
    logits = rng.normal(size=400)
    base = weighted_per_user_pairwise_loss(logits, clicked, watch, users)
    for transformed in (np.exp(logits), 1 / (1 + np.exp(-logits)), 3 * logits + 7):
        assert weighted_per_user_pairwise_loss(transformed, clicked, watch, users) == base


def test_weighted_per_user_pairwise_loss_reference_scorers():
    clicked, watch, users = [1, 0, 1, 0], [4.0, 0.0, 1.0, 0.0], [0, 0, 1, 1]
    assert weighted_per_user_pairwise_loss([5, 5, 5, 5], clicked, watch, users) == 0.5
    assert weighted_per_user_pairwise_loss([1, 0, 1, 0], clicked, watch, users) == 0.0
    assert weighted_per_user_pairwise_loss([0, 1, 0, 1], clicked, watch, users) == 1.0


def test_weighted_per_user_pairwise_loss_without_pairs_is_nan():
    assert np.isnan(weighted_per_user_pairwise_loss([1.0, 2.0], [1, 0], [3.0, 0.0], [0, 1]))


def test_weighted_per_user_pairwise_loss_rejects_bad_shapes():
    with pytest.raises(ValueError, match="1-D"):
        weighted_per_user_pairwise_loss(np.zeros((2, 1)), [1, 0], [1.0, 0.0], [0, 0])
    with pytest.raises(ValueError, match="NaN"):
        weighted_per_user_pairwise_loss([np.nan, 0.0], [1, 0], [1.0, 0.0], [0, 0])
