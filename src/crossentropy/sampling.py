r"""Negative-sampling distributions and the losses that use sampled negatives without a softmax.

Two proposal distributions for sampled negatives, beside the uniform and popularity samplers
of :mod:`crossentropy.recsys.samplers`:

- :func:`unigram_power_distribution`: word2vec's :math:`q(j) \propto c_j^{\alpha}`,
  :math:`\alpha = 3/4` (Mikolov et al. 2013);
- :func:`log_uniform_distribution` and :class:`LogUniformSampler`: the Zipfian
  ``log_uniform_candidate_sampler`` of TensorFlow, for ids sorted by decreasing frequency.

And two losses on scores of a positive and sampled negatives that are *not* a softmax over
the candidates: word2vec's negative sampling (NEG, independent binary decisions) and BPR
(Rendle et al. 2009, a logistic loss on score differences). Both go through
:func:`crossentropy.log_sigmoid`, so they are finite for any finite score.
"""

import numpy as np

from . import _validation as v
from .recsys.samplers import UniformSampler
from .special import log_sigmoid, sigmoid

__all__ = [
    "unigram_power_distribution",
    "log_uniform_distribution",
    "LogUniformSampler",
    "bpr_loss",
    "bpr_loss_value_and_grad",
    "negative_sampling_loss",
    "negative_sampling_loss_value_and_grad",
]


def unigram_power_distribution(counts, power=0.75):
    r"""Sampling distribution proportional to a power of the counts (word2vec's unigram^3/4).

    .. math::

        q(j) = \frac{c_j^{\alpha}}{\sum_i c_i^{\alpha}}, \qquad q(j) = 0 \text{ if } c_j = 0

    ``power`` :math:`\alpha = 1` samples like the data, :math:`\alpha = 0` uniformly over the
    items that occur, and :math:`0 < \alpha < 1` flattens popularity: rare items are drawn
    more often than their share of the data. Items with a zero count are never drawn, for
    every :math:`\alpha` (also :math:`\alpha = 0`, where :math:`0^0` would be 1).

    Parameters
    ----------
    counts : array_like, shape (num_items,)
        Non-negative, finite occurrence counts, not all 0.
    power : float
        :math:`\alpha \ge 0`.

    Returns
    -------
    ndarray of float64, shape (num_items,)
        Sums to 1.

    Raises
    ------
    ValueError
        for counts that are not 1-D, negative, non-finite or all zero, or a negative power.

    Examples
    --------
    >>> unigram_power_distribution([9, 1, 0], power=0.5).tolist()
    [0.75, 0.25, 0.0]
    >>> unigram_power_distribution([9, 1, 0]).round(4).tolist()
    [0.8386, 0.1614, 0.0]
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or not np.all(np.isfinite(counts)) or np.any(counts < 0):
        raise ValueError("counts must be a 1-D array of finite, non-negative counts")
    if not counts.sum() > 0:
        raise ValueError("counts must not be all zero")
    if not power >= 0:
        raise ValueError(f"power must be non-negative, got {power!r}")
    occurs = counts > 0
    weights = np.zeros_like(counts)
    # In logs, so that huge counts raised to a power cannot overflow.
    log_weights = power * np.log(counts[occurs])
    weights[occurs] = np.exp(log_weights - log_weights.max())
    return weights / weights.sum()


def log_uniform_distribution(range_max):
    r"""The log-uniform (Zipfian) distribution over ids ``0 .. range_max - 1``.

    .. math::

        P(k) = \frac{\log(k + 2) - \log(k + 1)}{\log(\text{range\_max} + 1)}

    The numerators telescope, so the probabilities sum to exactly 1, and
    :math:`P(k) \approx 1 / ((k + 1) \log(\text{range\_max} + 1))` is Zipf's law with
    exponent 1. It is the proposal of TensorFlow's ``log_uniform_candidate_sampler``, for
    vocabularies sorted by decreasing frequency (id 0 the most frequent).

    Parameters
    ----------
    range_max : int
        Number of ids, at least 1.

    Returns
    -------
    ndarray of float64, shape (range_max,)

    Examples
    --------
    >>> log_uniform_distribution(3).round(4).tolist()
    [0.5, 0.2925, 0.2075]
    >>> float(log_uniform_distribution(1_000_000).sum())
    1.0
    """
    range_max = _check_range_max(range_max)
    k = np.arange(range_max, dtype=np.float64)
    return np.log1p(1.0 / (k + 1.0)) / np.log1p(range_max)


def _check_range_max(range_max):
    if not (np.issubdtype(type(range_max), np.integer) and range_max >= 1):
        raise ValueError(f"range_max must be an integer >= 1, got {range_max!r}")
    return int(range_max)


class LogUniformSampler(UniformSampler):
    r"""Draws ids with replacement from :func:`log_uniform_distribution`.

    Sampling inverts the cumulative distribution
    :math:`F(k) = \log(k + 2) / \log(\text{range\_max} + 1)`: for :math:`U \sim
    \mathcal{U}[0, 1)`, :math:`k = \lfloor (\text{range\_max} + 1)^{U} \rfloor - 1`.
    The expected count of id :math:`k` in ``num_draws`` draws is
    :math:`Q(k) = \text{num\_draws} \cdot P(k)` (draws with replacement; TensorFlow's
    ``unique=True`` variant uses another formula). It has the interface of the samplers in
    :mod:`crossentropy.recsys.samplers`, so its :meth:`log_expected_count` is the logQ
    correction of :func:`crossentropy.recsys.losses.sampled_softmax_loss`.

    Parameters
    ----------
    range_max : int

    Examples
    --------
    >>> sampler = LogUniformSampler(4)
    >>> draws = sampler.sample(100_000, np.random.default_rng(0))
    >>> (np.bincount(draws, minlength=4) / draws.size).round(2).tolist()
    [0.43, 0.25, 0.18, 0.14]
    >>> np.exp(sampler.log_prob(np.arange(4))).round(2).tolist()
    [0.43, 0.25, 0.18, 0.14]
    >>> sampler.log_expected_count(np.array([0]), num_draws=10).round(4).tolist()
    [1.4602]
    """

    def __init__(self, range_max):
        super().__init__(_check_range_max(range_max))
        self.probs = log_uniform_distribution(self.num_items)
        self._log_probs = np.log(self.probs)

    def sample(self, num_draws, rng):
        """``num_draws`` ids, with replacement, shape (num_draws,)."""
        with np.errstate(over="ignore"):
            draws = np.floor(np.exp(rng.random(num_draws) * np.log1p(self.num_items))) - 1
        return np.clip(draws, 0, self.num_items - 1).astype(np.int64)

    def log_prob(self, item_ids):
        """:math:`\\log P(k)` for each id, shape of ``item_ids``."""
        return self._log_probs[item_ids]


def _scores(pos_scores, neg_scores, require_2d_neg):
    pos = v.as_float_array(pos_scores, "pos_scores")
    neg = v.as_float_array(neg_scores, "neg_scores")
    dtype = np.result_type(pos.dtype, neg.dtype)
    pos, neg = pos.astype(dtype, copy=False), neg.astype(dtype, copy=False)
    if pos.ndim != 1:
        raise ValueError(f"pos_scores must have shape (B,), one score per row, got {pos.shape}")
    if neg.ndim == 1 and not require_2d_neg:
        neg = neg[:, None]
    if neg.ndim != 2 or neg.shape[0] != pos.shape[0]:
        want = "(B, K)" if require_2d_neg else "(B,) or (B, K)"
        raise ValueError(f"neg_scores must have shape {want} with B = {pos.shape[0]} rows "
                         f"like pos_scores, got {np.shape(neg_scores)}")
    return pos, neg


def _bpr(pos_scores, neg_scores, reduction, with_grad):
    v.check_reduction(reduction)
    pos, neg = _scores(pos_scores, neg_scores, require_2d_neg=False)
    diff = pos[:, None] - neg
    losses = -log_sigmoid(diff)
    if reduction == "none":
        loss = losses.reshape(np.shape(neg_scores))
    else:
        loss = v.reduce_losses(losses, reduction)
    if not with_grad:
        return loss
    scale = 1 / losses.size if reduction == "mean" and losses.size else 1
    d_diff = (-sigmoid(-diff) * scale).astype(diff.dtype, copy=False)  # d(-log sigma(d))/dd
    return loss, d_diff.sum(axis=1), (-d_diff).reshape(np.shape(neg_scores))


def bpr_loss(pos_scores, neg_scores, reduction="mean"):
    r"""Bayesian personalised ranking loss (Rendle et al. 2009) of score differences.

    For a positive score :math:`s^+_b` and negatives :math:`s^-_{bk}`,

    .. math::

        \ell_{bk} = -\log \sigma(s^+_b - s^-_{bk}) = \operatorname{softplus}(s^-_{bk} - s^+_b),

    a logistic loss on the difference: a smooth surrogate of the 0/1 loss
    :math:`[s^-_{bk} > s^+_b]` whose mean over pairs is 1 - AUC. With one negative it equals
    the two-way softmax cross-entropy :math:`\log(e^{s^+} + e^{s^-}) - s^+`. Computed as
    ``-log_sigmoid(difference)``: finite for any finite scores, where the naive
    ``-log(sigmoid(d))`` is ``inf`` below :math:`d \approx -745` (float64).

    Parameters
    ----------
    pos_scores : array_like, shape (B,)
    neg_scores : array_like, shape (B,) or (B, K)
        One or K negatives per row.
    reduction : {"mean", "sum", "none"}
        "mean" over all B K pairs; "none" returns the pair losses, shape of ``neg_scores``.

    Returns
    -------
    scalar or ndarray
        In the floating dtype of the scores (integers: float64). An empty batch gives NaN
        for "mean" and 0 for "sum".

    Raises
    ------
    ValueError
        if ``pos_scores`` is not 1-D (a (B, 1) column would silently broadcast to B x B
        pairs) or ``neg_scores`` has another number of rows.

    Examples
    --------
    >>> print(bpr_loss([2.0, 0.0], [[0.0, 4.0], [0.0, 0.0]], reduction="none"))
    [[0.12692801 2.12692801]
     [0.69314718 0.69314718]]
    >>> print(bpr_loss([0.0], [1000.0]))
    1000.0
    """
    return _bpr(pos_scores, neg_scores, reduction, with_grad=False)


def bpr_loss_value_and_grad(pos_scores, neg_scores, reduction="mean"):
    r""":func:`bpr_loss` and its gradients with respect to both score arrays.

    .. math::

        \frac{\partial \ell_{bk}}{\partial s^+_b} = -\sigma(s^-_{bk} - s^+_b), \qquad
        \frac{\partial \ell_{bk}}{\partial s^-_{bk}} = \sigma(s^-_{bk} - s^+_b),

    divided by the number of pairs for "mean"; for "none", the gradients of the sum.

    Returns
    -------
    loss : scalar or ndarray
    d_pos : ndarray, shape (B,)
    d_neg : ndarray, shape of ``neg_scores``

    Examples
    --------
    >>> loss, d_pos, d_neg = bpr_loss_value_and_grad([0.0, 0.0], [0.0, 0.0])
    >>> print(loss, d_pos, d_neg)
    0.6931471805599453 [-0.25 -0.25] [0.25 0.25]
    """
    return _bpr(pos_scores, neg_scores, reduction, with_grad=True)


def _neg(pos_scores, neg_scores, reduction, with_grad):
    v.check_reduction(reduction)
    pos, neg = _scores(pos_scores, neg_scores, require_2d_neg=True)
    losses = -log_sigmoid(pos) - log_sigmoid(-neg).sum(axis=1)
    loss = losses if reduction == "none" else v.reduce_losses(losses, reduction)
    if not with_grad:
        return loss
    scale = 1 / pos.size if reduction == "mean" and pos.size else 1
    d_pos = (-sigmoid(-pos) * scale).astype(pos.dtype, copy=False)
    d_neg = (sigmoid(neg) * scale).astype(neg.dtype, copy=False)
    return loss, d_pos, d_neg


def negative_sampling_loss(pos_scores, neg_scores, reduction="mean"):
    r"""word2vec's negative-sampling loss (NEG, Mikolov et al. 2013) on scores.

    .. math::

        \ell_b = -\log \sigma(s^+_b) - \sum_{k=1}^{K} \log \sigma(-s^-_{bk})

    K + 1 independent binary cross-entropies: the positive labelled 1, each sampled negative
    labelled 0. Unlike a softmax it depends on the level of the scores, not only on their
    differences, and it is not an estimate of the softmax loss: at its optimum
    :math:`s_j = \log \frac{p(j)}{K q(j)}` for negatives drawn from :math:`q`, so with
    non-uniform negatives the scores rank by :math:`p(j) / q(j)`, not by :math:`p(j)`.
    (:func:`crossentropy.recsys.losses.bce_negative_sampling_loss` is the same loss on
    embeddings, with negatives shared by the batch.)

    Parameters
    ----------
    pos_scores : array_like, shape (B,)
    neg_scores : array_like, shape (B, K)
        The K negatives of each row.
    reduction : {"mean", "sum", "none"}
        "mean" over the B rows (each row sums its K + 1 terms); "none": shape (B,).

    Returns
    -------
    scalar or ndarray

    Raises
    ------
    ValueError
        for a ``pos_scores`` that is not 1-D or a ``neg_scores`` that is not (B, K).

    Examples
    --------
    >>> print(round(negative_sampling_loss([0.0], [[0.0, 0.0]]), 6), round(3 * np.log(2), 6))
    2.079442 2.079442
    >>> print(negative_sampling_loss([1000.0, -1000.0], [[-1000.0], [1000.0]], reduction="none"))
    [   0. 2000.]
    """
    return _neg(pos_scores, neg_scores, reduction, with_grad=False)


def negative_sampling_loss_value_and_grad(pos_scores, neg_scores, reduction="mean"):
    r""":func:`negative_sampling_loss` and its gradients.

    .. math::

        \frac{\partial \ell_b}{\partial s^+_b} = \sigma(s^+_b) - 1, \qquad
        \frac{\partial \ell_b}{\partial s^-_{bk}} = \sigma(s^-_{bk}),

    divided by B for "mean"; for "none", the gradients of the sum.

    Returns
    -------
    loss : scalar or ndarray
    d_pos : ndarray, shape (B,)
    d_neg : ndarray, shape (B, K)

    Examples
    --------
    >>> loss, d_pos, d_neg = negative_sampling_loss_value_and_grad([0.0], [[0.0, 0.0]])
    >>> print(d_pos, d_neg)
    [-0.5] [[0.5 0.5]]
    """
    return _neg(pos_scores, neg_scores, reduction, with_grad=True)
