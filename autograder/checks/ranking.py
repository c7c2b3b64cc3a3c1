"""Checks of assignment a08_watch_time_ranking: the watch-time weighted logistic loss and its
gradient, the closed-form odds of an intercept-only model, and the weighted per-user pairwise
loss (Covington et al. 2016, section 4)."""

import numpy as np

import crossentropy as ce
from crossentropy.ranking import fit_intercept_only_odds as ref_odds
from crossentropy.ranking import weighted_bce_watch_time as ref_loss
from crossentropy.ranking import weighted_bce_watch_time_grad as ref_grad
from crossentropy.ranking import weighted_per_user_pairwise_loss as ref_pairwise

from ._core import (
    CheckFailed,
    assert_close,
    assert_finite,
    assert_gradient,
    assert_raises,
    call_valid,
    fmt,
    logits,
    numeric,
    register,
)

LOSS = "weighted_bce_watch_time"
GRAD = "weighted_bce_watch_time_grad"
ODDS = "fit_intercept_only_odds"
PAIRWISE = "weighted_per_user_pairwise_loss"


def _impressions(rng, n, click_rate=0.3, noisy_negatives=False):
    """Clicks and watch times; with ``noisy_negatives`` the unclicked rows carry watch times
    too (a log may hold anything there: the weight of a negative is 1 whatever it says)."""
    clicked = rng.random(n) < click_rate
    clicked[0], clicked[-1] = True, False  # at least one of each
    watch = rng.exponential(5.0, size=n)
    if not noisy_negatives:
        watch = np.where(clicked, watch, 0.0)
    return clicked.astype(np.int64), watch


# --------------------------------------------------------------------------- the loss


def _loss_hints(z, y, t, reduction):
    y = np.asarray(y).astype(np.int64)
    t = np.asarray(t, dtype=np.float64)
    weights = np.where(y == 1, t, 1.0)
    per = ref_loss(z, y, t, reduction="none")
    plain = ce.binary_cross_entropy_with_logits(z, y.astype(float), reduction="none")
    all_time = plain * t  # T as the weight of every impression (negatives get their T, or 0)
    plus_one = plain * (t + (1 - y))  # assumes T = 0 on negatives
    hints = []

    def reduce(values):
        if reduction == "none":
            return values
        return np.sum(values) if reduction == "sum" else np.mean(values)

    hints.append((reduce(plain), "the watch-time weights are missing: a clicked impression "
                  "counts T times, an unclicked one once"))
    hints.append((reduce(all_time), "the unclicked impressions must have weight 1, not their "
                  "watch time: w = T if clicked else 1"))
    if np.any(t[y == 0] != 0):
        hints.append((reduce(plus_one), "the unclicked impressions carry watch times in this "
                      "log: their weight is 1 whatever watch_time says (np.where(clicked, T, "
                      "1)), not T + 1 - clicked"))
    if np.all(np.isfinite(per)) and np.any(per != 0):
        hints.append((-reduce(per), "the loss is negative: it is -log sigma(z) for a click and "
                      "-log(1 - sigma(z)) otherwise, times the weight"))
    if reduction == "mean" and per.size > 1:
        hints.append((np.sum(per) / np.sum(weights), "divided by the sum of the weights: this "
                      "loss's mean divides the weighted sum by the number of impressions N"))
        hints.append((np.sum(per), "returned the sum: reduction='mean' divides by N"))
        hints.append((per, "returned the per-impression losses: reduction='mean' averages "
                      "them"))
    if reduction == "sum" and per.size > 1:
        hints.append((np.mean(per), "returned the mean: reduction='sum' adds the losses"))
    return hints


def _loss(fn, z, y, t, what, reduction=None, dtype=None, rtol=None, atol=None):
    kwargs = {} if reduction is None else {"reduction": reduction}
    want = ref_loss(z, y, t, **kwargs)
    got = call_valid(fn, (z, y, t), kwargs, what)
    return assert_close(got, want, what, rtol=rtol, atol=atol, dtype=dtype,
                        hints=_loss_hints(z, y, t, reduction or "mean"),
                        shape_hint="reduction='none' returns one loss per impression, 'mean' "
                                   "and 'sum' one number")


HAND = (np.array([2.0, -1.0, -1.0]), np.array([1, 0, 1]), np.array([10.0, 0.0, 0.5]))


def loss_hand(fn, rng):
    _loss(fn, *HAND, f"{LOSS}([2, -1, -1], [1, 0, 1], [10, 0, 0.5], reduction='none') (= [1.269, "
          "0.313, 0.657])", reduction="none")
    _loss(fn, *HAND, f"{LOSS}([2, -1, -1], [1, 0, 1], [10, 0, 0.5]) (the mean, 0.7464)")


def loss_random(fn, rng):
    y, t = _impressions(rng, 20)
    _loss(fn, logits(rng, 20), y, t, f"{LOSS} of 20 random impressions")


def loss_hidden(fn, rng):
    y, t = _impressions(rng, 40, noisy_negatives=True)
    _loss(fn, logits(rng, 40), y, t, f"{LOSS} of 40 impressions whose unclicked rows carry "
          "watch times (ignored: their weight is 1)")
    y, t = _impressions(rng, 12)
    _loss(fn, logits(rng, 12), y.astype(bool), t, f"{LOSS} with boolean clicks")
    z = logits(rng, (3, 4))
    y = (rng.random((3, 4)) < 0.5).astype(np.int64)
    _loss(fn, z, y, np.where(y == 1, rng.exponential(3.0, (3, 4)), 0.0),
          f"{LOSS} of a (3, 4) batch")


def loss_reduction(fn, rng):
    y, t = _impressions(rng, 8)
    z = logits(rng, 8)
    _loss(fn, z, y, t, f"{LOSS}(..., reduction='sum')", reduction="sum")
    _loss(fn, z, y, t, f"{LOSS}(..., reduction='none')", reduction="none")


def loss_reduction_hidden(fn, rng):
    y, t = _impressions(rng, 15, noisy_negatives=True)
    z = logits(rng, 15)
    _loss(fn, z, y, t, f"{LOSS}(..., reduction='sum') with watch times on unclicked rows",
          reduction="sum")
    _loss(fn, z, y, t, f"{LOSS}(..., reduction='none') with watch times on unclicked rows",
          reduction="none")


STABLE = ("the loss overflowed at a logit of +-1000: log(sigmoid(z)) is log 0 there. Use the "
          "stable softplus of chapter 3: -log sigma(z) = max(-z, 0) + log1p(exp(-|z|)) and "
          "-log(1 - sigma(z)) = max(z, 0) + log1p(exp(-|z|))")


def loss_large(fn, rng):
    z, y, t = np.array([1000.0, -1000.0, 1000.0, -1000.0]), np.array([0, 1, 1, 0]), \
        np.array([0.0, 2.0, 3.0, 0.0])
    what = f"{LOSS}([1000, -1000, 1000, -1000], [0, 1, 1, 0], [0, 2, 3, 0], reduction='none') " \
           "(= [1000, 2000, 0, 0])"
    assert_finite(call_valid(fn, (z, y, t), {"reduction": "none"}, what), what, STABLE)
    _loss(fn, z, y, t, what, reduction="none")


def loss_large_hidden(fn, rng):
    y, t = _impressions(rng, 10)
    z = logits(rng, 10, scale=500.0)
    z[0], z[-1] = -abs(z[0]), abs(z[-1])  # two confident mistakes: a large loss
    what = f"{LOSS} of logits of size 500"
    assert_finite(call_valid(fn, (z, y, t), {}, what), what, STABLE)
    _loss(fn, z, y, t, what)
    y, t = _impressions(rng, 9)
    z32, t32 = logits(rng, 9, dtype=np.float32), t.astype(np.float32)
    # softplus(z) - z y (the canonical form) loses up to an ulp of z to cancellation, times
    # the weight: allow that much, against the float64 value.
    slack = float(4 * np.finfo(np.float32).eps * (1 + np.max(np.abs(z32))) * max(np.max(t), 1))
    what = f"{LOSS} of float32 logits and watch times (keep float32)"
    got = call_valid(fn, (z32, y, t32), {"reduction": "none"}, what)
    assert_close(got, ref_loss(z32.astype(np.float64), y, t32.astype(np.float64),
                               reduction="none"), what, rtol=1e-4, atol=slack, dtype=np.float32,
                 hints=_loss_hints(z32.astype(np.float64), y, t32.astype(np.float64), "none"))


SHAPES = ("logits of shape (N, 1) against clicks of shape (N,) broadcast silently to (N, N); "
          "check that logits, clicked and watch_time have the same shape and raise ValueError")


def loss_rejects(fn, rng):
    y, t = _impressions(rng, 5)
    assert_raises(fn, (logits(rng, (5, 1)), y, t), what=f"{LOSS} of logits of shape (5, 1) and "
                  "clicks of shape (5,)", advice=SHAPES)


def loss_rejects_hidden(fn, rng):
    y, t = _impressions(rng, 4)
    assert_raises(fn, (logits(rng, 4), y, t[:, None]), what=f"{LOSS} with watch_time of shape "
                  "(4, 1)", advice=SHAPES)


register(f"test_{LOSS}", LOSS, [loss_hand, loss_random], [loss_hidden])
register(f"test_{LOSS}-reduction", LOSS, [loss_reduction], [loss_reduction_hidden])
register(f"test_{LOSS}-stability", LOSS, [loss_large], [loss_large_hidden])
register(f"test_{LOSS}-shapes", LOSS, [loss_rejects], [loss_rejects_hidden])


# --------------------------------------------------------------------------- the gradient


def _grad(fn, z, y, t, what, reduction=None, fd=True):
    kwargs = {} if reduction is None else {"reduction": reduction}
    want = ref_grad(z, y, t, **kwargs)
    y_arr = np.asarray(y)
    weights = np.where(y_arr == 1, t, 1.0)
    hints = [(-want, "the gradient has the wrong sign: d loss / dz = w (sigma(z) - y) / N"),
             (want / weights, "the weights are missing: d loss / dz = w (sigma(z) - y) / N "
              "with w = T for clicks and 1 otherwise")]
    if (reduction or "mean") == "mean" and z.size > 1:
        hints.append((want * z.size, "the mean divides the loss by N, so the gradient is "
                      "divided by N too"))
        hints.append((want * z.size / np.sum(weights), "divided by the sum of the weights: "
                      "this loss's mean divides by the number of impressions N"))
    got = call_valid(fn, (z, y, t), kwargs, what)
    got = assert_close(got, want, what, hints=hints,
                       shape_hint="the gradient has the shape of logits")
    if fd:
        loss_kwargs = {"reduction": "sum"} if reduction == "none" else kwargs
        assert_gradient(got, lambda v: ref_loss(v, y, t, **loss_kwargs), z, what)


def grad_hand(fn, rng):
    _grad(fn, np.array([0.0, 0.0]), np.array([1, 0]), np.array([3.0, 0.0]),
          f"{GRAD}([0, 0], [1, 0], [3, 0]) (= [-0.75, 0.25])")


def grad_random(fn, rng):
    y, t = _impressions(rng, 10)
    _grad(fn, logits(rng, 10), y, t, f"{GRAD} of 10 random impressions")


def grad_hidden(fn, rng):
    y, t = _impressions(rng, 25, noisy_negatives=True)
    _grad(fn, logits(rng, 25), y, t, f"{GRAD} of 25 impressions whose unclicked rows carry "
          "watch times")
    z = logits(rng, (2, 5))
    y = (rng.random((2, 5)) < 0.5).astype(np.int64)
    _grad(fn, z, y, np.where(y == 1, 2.0, 0.0), f"{GRAD} of a (2, 5) batch")


def grad_reduction(fn, rng):
    y, t = _impressions(rng, 6)
    z = logits(rng, 6)
    _grad(fn, z, y, t, f"{GRAD}(..., reduction='sum')", reduction="sum")
    _grad(fn, z, y, t, f"{GRAD}(..., reduction='none') (the gradient of the sum)",
          reduction="none")


def grad_reduction_hidden(fn, rng):
    y, t = _impressions(rng, 11, noisy_negatives=True)
    _grad(fn, logits(rng, 11), y, t, f"{GRAD}(..., reduction='sum') with watch times on "
          "unclicked rows", reduction="sum")


GRAD_STABLE = ("the gradient is NaN at logits of +-1000: exp(z) / (1 + exp(z)) is inf / inf; "
               "compute sigma(z) through exp(-|z|) (chapter 3's stable sigmoid)")


def grad_large(fn, rng):
    z, y, t = np.array([1000.0, -1000.0, 1000.0]), np.array([0, 1, 1]), np.array([0.0, 2.0, 3.0])
    what = f"{GRAD}([1000, -1000, 1000], [0, 1, 1], [0, 2, 3], reduction='sum') (= [1, -2, 0])"
    assert_finite(call_valid(fn, (z, y, t), {"reduction": "sum"}, what), what, GRAD_STABLE)
    _grad(fn, z, y, t, what, reduction="sum", fd=False)


def grad_large_hidden(fn, rng):
    y, t = _impressions(rng, 8)
    z = logits(rng, 8, scale=800.0)
    z[0], z[-1] = -abs(z[0]), abs(z[-1])
    what = f"{GRAD} of logits of size 800"
    assert_finite(call_valid(fn, (z, y, t), {}, what), what, GRAD_STABLE)
    _grad(fn, z, y, t, what, fd=False)


register(f"test_{GRAD}", GRAD, [grad_hand, grad_random], [grad_hidden])
register(f"test_{GRAD}-reduction", GRAD, [grad_reduction], [grad_reduction_hidden])
register(f"test_{GRAD}-stability", GRAD, [grad_large], [grad_large_hidden])


# --------------------------------------------------------------------------- the odds


def _odds(fn, y, t, what):
    want = ref_odds(y, t)
    y_arr = np.asarray(y) == 1
    k, n = int(y_arr.sum()), y_arr.size
    total = float(np.sum(np.where(y_arr, t, 0.0)))
    hints = []
    if n and np.isfinite(want):
        hints.append((total / n, "this is E[T] = sum(T) / N, the mean watch time per "
                      "impression; the odds divide by the number of unclicked impressions, "
                      "N - k: e^b = sum(T) / (N - k)"))
        if k:
            hints.append((total / k, "this is the mean watch time of a click, sum(T) / k; the "
                          "odds divide by the number of unclicked impressions, N - k"))
        if want > 0:
            hints.append((np.log(want), "returned the intercept b*; the odds are e^b*"))
            hints.append((want / (1 + want), "returned sigma(b*), a probability; the odds are "
                          "sigma / (1 - sigma) = e^b*"))
        if np.any(np.asarray(t)[~y_arr] != 0) and n - k:
            hints.append((float(np.sum(t)) / (n - k), "summed the watch times of unclicked "
                          "impressions too; only clicked impressions count their watch time"))
    try:
        got = fn(y, t)
    except ZeroDivisionError as error:
        raise CheckFailed(f"{what}: raised ZeroDivisionError ({error}); with no unclicked "
                          "impression the odds sum(T) / 0 are inf (nan when sum(T) is 0 "
                          "too, and when there is no impression at all): return those "
                          "instead") from None
    except ValueError as error:
        raise CheckFailed(f"{what}: raised ValueError on valid input ({error})") from None
    return assert_close(got, want, what, hints=hints, shape_hint="return one number")


def odds_hand(fn, rng):
    _odds(fn, np.array([1, 0, 0, 1, 0]), np.array([6.0, 0.0, 0.0, 3.0, 0.0]),
          f"{ODDS}([1, 0, 0, 1, 0], [6, 0, 0, 3, 0]) (= 9 / 3 = 3)")


def odds_random(fn, rng):
    y, t = _impressions(rng, 200, click_rate=0.1)
    got = numeric(_odds(fn, y, t, f"{ODDS} of 200 random impressions"), ODDS)
    # The odds minimise the weighted loss of one logit b shared by every impression.
    b = float(np.log(got))
    slope = float(ref_grad(np.full(y.size, b), y, t, reduction="sum").sum())
    if abs(slope) > 1e-6 * max(1.0, float(np.sum(t))):
        raise CheckFailed(f"{ODDS}: at b = log(odds) the weighted loss still has slope "
                          f"{fmt(slope)}; it should be a minimum")


def odds_hidden(fn, rng):
    y, t = _impressions(rng, 500, click_rate=0.02, noisy_negatives=True)
    _odds(fn, y, t, f"{ODDS} of 500 impressions whose unclicked rows carry watch times "
          "(ignored)")
    y, t = _impressions(rng, 50, click_rate=0.5)
    _odds(fn, y.astype(bool), t, f"{ODDS} with boolean clicks")


def odds_edges(fn, rng):
    _odds(fn, np.array([1, 1]), np.array([4.0, 1.0]), f"{ODDS}([1, 1], [4, 1]) (every "
          "impression clicked: no negatives, the odds are inf)")
    _odds(fn, np.array([0, 0, 0]), np.array([0.0, 0.0, 0.0]), f"{ODDS}([0, 0, 0], [0, 0, 0]) "
          "(no click: 0)")


def odds_edges_hidden(fn, rng):
    _odds(fn, np.array([1, 1, 1]), np.zeros(3), f"{ODDS} of clicks all watched for 0 minutes "
          "(0 / 0: nan)")
    _odds(fn, np.zeros(0, dtype=np.int64), np.zeros(0), f"{ODDS} of no impressions (nan)")


register(f"test_{ODDS}", ODDS, [odds_hand, odds_random], [odds_hidden])
register(f"test_{ODDS}-edges", ODDS, [odds_edges], [odds_edges_hidden])


# --------------------------------------------------------------------------- pairwise loss


def _pairwise(fn, scores, y, t, users, what, pages=None):
    want = ref_pairwise(scores, y, t, users, pages)
    y_arr = np.asarray(y)
    hints = []
    if np.isfinite(want):
        unweighted = ref_pairwise(scores, y, np.where(y_arr == 1, 1.0, 0.0), users, pages)
        hints.append((unweighted, "this counts mispredicted pairs, not watch time: each "
                      "(clicked, unclicked) pair weighs the clicked impression's watch time T"))
        hints.append((1 - want, "this is the fraction ranked *right*: a pair is mispredicted "
                      "when the unclicked impression scores higher than the clicked one"))
        if pages is not None:
            hints.append((ref_pairwise(scores, y, t, users), "page_ids were ignored: pairs are "
                          "formed within a page, (user, page), only"))
        hints.append((ref_pairwise(scores, y, t, np.zeros_like(users), pages), "impressions of "
                      "different users were paired: pairs are formed within each user's page "
                      "only"))
        ahead, tied = _strict_and_tied(scores, y_arr, t, users, pages)
        if tied > 0:
            total = _pair_weight(y_arr, t, users, pages)
            hints.append((ahead / total, "ties count 0 here; a tie between a clicked and an "
                          "unclicked impression counts half (a constant scorer loses 0.5)"))
            hints.append(((ahead + tied) / total, "ties count 1 here; a tie between a clicked "
                          "and an unclicked impression counts half (a constant scorer loses "
                          "0.5)"))
    args = (scores, y, t, users) + (() if pages is None else (pages,))
    got = call_valid(fn, args, {}, what)
    return assert_close(got, want, what, hints=hints, shape_hint="return one number")


def _groups(y, users, pages):
    keys = list(zip(users.tolist(), (pages if pages is not None else users).tolist()))
    return keys


def _strict_and_tied(scores, y, t, users, pages):
    keys = _groups(y, np.asarray(users), None if pages is None else np.asarray(pages))
    ahead = tied = 0.0
    for i in np.flatnonzero(y == 1):
        for j in np.flatnonzero(y == 0):
            if keys[i] == keys[j]:
                ahead += t[i] * (scores[j] > scores[i])
                tied += t[i] * (scores[j] == scores[i])
    return ahead, tied


def _pair_weight(y, t, users, pages):
    keys = _groups(y, np.asarray(users), None if pages is None else np.asarray(pages))
    return sum(t[i] for i in np.flatnonzero(y == 1) for j in np.flatnonzero(y == 0)
               if keys[i] == keys[j])


CHAPTER = (np.array([0.9, 0.1, 0.5, 0.4, 0.6]), np.array([1, 1, 0, 0, 0]),
           np.array([2.0, 8.0, 0.0, 0.0, 0.0]), np.array([7, 7, 7, 7, 7]))


def _page(rng, n, click_rate=0.3):
    y, t = _impressions(rng, n, click_rate)
    return rng.normal(size=n), y, t


def pairwise_hand(fn, rng):
    _pairwise(fn, *CHAPTER, f"{PAIRWISE}([0.9, 0.1, 0.5, 0.4, 0.6], [1, 1, 0, 0, 0], [2, 8, 0, "
              "0, 0], one user) (= 24 / 30 = 0.8)")


def pairwise_random(fn, rng):
    s, y, t = _page(rng, 12)
    _pairwise(fn, s, y, t, np.zeros(12, dtype=np.int64), f"{PAIRWISE} of one page of 12 "
              "random impressions")


def pairwise_hidden(fn, rng):
    s, y, t = _page(rng, 30, click_rate=0.2)
    _pairwise(fn, s, y.astype(bool), t, np.full(30, 3), f"{PAIRWISE} of one page of 30 "
              "impressions, boolean clicks")
    s, y, t = _page(rng, 10, click_rate=0.5)
    t = np.where(y == 1, t, rng.exponential(2.0, 10))
    _pairwise(fn, s, y, t, np.zeros(10, dtype=np.int64), f"{PAIRWISE} with watch times on the "
              "unclicked rows (ignored: only the clicked impression's T weighs a pair)")


def pairwise_ties(fn, rng):
    _pairwise(fn, np.zeros(5), np.array([1, 0, 1, 0, 0]), np.array([3.0, 0.0, 1.0, 0.0, 0.0]),
              np.zeros(5, dtype=np.int64), f"{PAIRWISE} of a constant scorer (every pair tied: "
              "0.5)")
    _pairwise(fn, np.array([1.0, 2.0, 1.0, 0.0]), np.array([1, 1, 0, 0]),
              np.array([2.0, 6.0, 0.0, 0.0]), np.zeros(4, dtype=np.int64),
              f"{PAIRWISE}([1, 2, 1, 0], [1, 1, 0, 0], [2, 6, 0, 0], one user) (one tie: "
              "(2 * 0.5) / 16)")


def pairwise_ties_hidden(fn, rng):
    s = rng.integers(0, 3, size=20).astype(float)
    y, t = _impressions(rng, 20, click_rate=0.4)
    _pairwise(fn, s, y, t, np.full(20, 4), f"{PAIRWISE} of one page with scores in {{0, 1, "
              "2}} (many ties)")


def _log(rng, users=6, pages=3, per_page=5):
    n = users * pages * per_page
    user_ids = np.repeat(rng.permutation(100)[:users], pages * per_page)
    page_ids = np.tile(np.repeat(np.arange(pages), per_page), users)
    y, t = _impressions(rng, n, click_rate=0.35)
    return rng.normal(size=n), y, t, user_ids, page_ids


def pairwise_pages(fn, rng):
    s, y, t, users, pages = _log(rng)
    _pairwise(fn, s, y, t, users, f"{PAIRWISE} of 6 users x 3 pages x 5 impressions", pages)
    _pairwise(fn, s, y, t, users, f"{PAIRWISE} of 6 users, page_ids omitted (each user is one "
              "page)")


def pairwise_pages_hidden(fn, rng):
    s, y, t, users, pages = _log(rng, users=10, pages=2, per_page=8)
    order = rng.permutation(s.size)  # impressions of a page need not be contiguous
    _pairwise(fn, s[order], y[order], t[order], users[order], f"{PAIRWISE} of 10 users x 2 "
              "pages, shuffled rows", pages[order])
    _pairwise(fn, np.array([0.3, 0.1, 0.9, 0.2]), np.array([1, 0, 0, 1]),
              np.array([5.0, 0.0, 0.0, 2.0]), np.array([1, 1, 2, 2]), f"{PAIRWISE} where the "
              "only higher-scoring negative belongs to another user")
    _pairwise(fn, np.array([0.3, 0.1, 0.9]), np.array([1, 1, 0]), np.array([5.0, 2.0, 0.0]),
              np.array([1, 1, 2]), f"{PAIRWISE} with no (clicked, unclicked) pair on any page "
              "(nan)")


def pairwise_invariance(fn, rng):
    s, y, t = _page(rng, 15)
    users = np.zeros(15, dtype=np.int64)
    for name, transformed in (("exp(s)", np.exp(s)), ("3 s + 7", 3 * s + 7),
                              ("sigmoid(s)", 1 / (1 + np.exp(-s)))):
        _pairwise(fn, transformed, y, t, users, f"{PAIRWISE} of {name} (only the order "
                  "within a page matters)")


def pairwise_invariance_hidden(fn, rng):
    s, y, t = _page(rng, 25)
    users = np.full(25, 9)
    for name, transformed in (("s ** 3", s ** 3), ("exp(5 s)", np.exp(5 * s)),
                              ("-1 / (s - 10)", -1 / (s - 10))):
        _pairwise(fn, transformed, y, t, users, f"{PAIRWISE} of {name} on a page of 25")


register(f"test_{PAIRWISE}", PAIRWISE, [pairwise_hand, pairwise_random], [pairwise_hidden])
register(f"test_{PAIRWISE}-ties", PAIRWISE, [pairwise_ties], [pairwise_ties_hidden])
register(f"test_{PAIRWISE}-pages", PAIRWISE, [pairwise_pages], [pairwise_pages_hidden])
register(f"test_{PAIRWISE}-invariance", PAIRWISE, [pairwise_invariance],
         [pairwise_invariance_hidden])
