"""Ranking impressions for expected watch time (Covington et al., 2016, section 4).

Each impression (a video shown to a user on a page) is a row: a logit from the ranking
model, whether it was clicked, and the watch time that followed a click. Weighted logistic
regression weights each clicked impression by its watch time and each unclicked one by 1;
its odds :math:`e^{z}` then estimate the expected watch time, which is what serving sorts by.
The evaluation metric counts the watch time of positives ranked below a negative of the
same page.
"""

import numpy as np

from . import _validation as v
from .binary import binary_cross_entropy_with_logits_value_and_grad

__all__ = [
    "watch_time_weights",
    "weighted_bce_watch_time",
    "weighted_bce_watch_time_grad",
    "weighted_bce_watch_time_value_and_grad",
    "fit_intercept_only_odds",
    "weighted_per_user_pairwise_loss",
]


def _clicks_and_times(clicked, watch_time, shape=None, dtype=None):
    clicked = np.asarray(clicked)
    if clicked.dtype != np.bool_:
        values = v.as_float_array(clicked, "clicked")
        if values.size and not np.all((values == 0) | (values == 1)):
            raise ValueError("clicked must hold 0/1 (or booleans)")
        clicked = values == 1
    watch_time = v.as_float_array(watch_time, "watch_time", dtype=dtype)
    v.check_same_shape(clicked, watch_time, "clicked", "watch_time")
    if shape is not None and clicked.shape != shape:
        raise ValueError(
            f"logits and clicked must have the same shape, got {shape} and {clicked.shape}"
        )
    if watch_time.size and not np.all(np.isfinite(watch_time)):
        raise ValueError("watch_time must be finite")
    v.check_nonnegative(watch_time, "watch_time")
    return clicked, watch_time


def watch_time_weights(clicked, watch_time):
    r"""Per-impression weights of weighted logistic regression: :math:`T_i` if clicked, else 1.

    Parameters
    ----------
    clicked : array_like of bool or 0/1
        Whether each impression was clicked (the positives), any shape.
    watch_time : array_like
        Non-negative watch time :math:`T_i` of each impression, same shape; read only where
        ``clicked``.

    Returns
    -------
    ndarray
        The weights, same shape, float dtype of ``watch_time`` (integers: float64).

    Examples
    --------
    >>> print(watch_time_weights([1, 0, 1], [4.0, 9.0, 0.5]))
    [4.  1.  0.5]
    """
    clicked, watch_time = _clicks_and_times(clicked, watch_time)
    return np.where(clicked, watch_time, 1).astype(watch_time.dtype, copy=False)


def weighted_bce_watch_time_value_and_grad(logits, clicked, watch_time, reduction="mean"):
    r"""Watch-time weighted logistic loss and its gradient with respect to the logits.

    Parameters
    ----------
    logits : array_like
        Finite logits :math:`z_i`, any shape.
    clicked : array_like of bool or 0/1
        Labels :math:`y_i`, same shape.
    watch_time : array_like
        Non-negative watch times :math:`T_i`, same shape; used only where clicked.
    reduction : {"mean", "sum", "none"}, optional
        "mean" divides the weighted sum by the number of impressions :math:`N` (as PyTorch's
        ``weight`` argument does), not by the sum of the weights.

    Returns
    -------
    loss : scalar or ndarray
        The loss, dtype of ``logits``.
    grad : ndarray
        :math:`\partial L / \partial z`, shape and dtype of ``logits`` (for "none", the
        gradient of the sum).

    Notes
    -----
    .. math::

        L = \frac{1}{N} \sum_i \big[ y_i T_i \operatorname{softplus}(-z_i)
            + (1 - y_i) \operatorname{softplus}(z_i) \big],
        \qquad
        \frac{\partial L}{\partial z_i} = \frac{w_i}{N} (\sigma(z_i) - y_i)

    with :math:`w_i = T_i` for positives and 1 for negatives. It is
    :func:`~crossentropy.binary_cross_entropy_with_logits` with
    ``weight = watch_time_weights(clicked, watch_time)``, so it is stable for any finite
    logit. Setting the gradient of the intercept to 0 shows that the fitted odds
    :math:`e^{z}` estimate :math:`\sum_{\text{pos}} T_i / \#\text{neg}`
    (:func:`fit_intercept_only_odds`).

    Examples
    --------
    >>> loss, grad = weighted_bce_watch_time_value_and_grad([0.0, 0.0], [1, 0], [3.0, 0.0])
    >>> print(loss, grad)
    1.3863 [-0.75  0.25]
    """
    logits = v.as_float_array(logits, "logits")
    clicked, watch_time = _clicks_and_times(clicked, watch_time, logits.shape, logits.dtype)
    weight = np.where(clicked, watch_time, 1).astype(logits.dtype, copy=False)
    return binary_cross_entropy_with_logits_value_and_grad(
        logits, clicked.astype(logits.dtype), weight=weight, reduction=reduction
    )


def weighted_bce_watch_time(logits, clicked, watch_time, reduction="mean"):
    r"""Watch-time weighted logistic loss (Covington et al. 2016, section 4.2).

    Takes the arguments of :func:`weighted_bce_watch_time_value_and_grad`; returns the loss.

    Notes
    -----
    .. math::

        L = \frac{1}{N} \sum_i w_i \big[ -y_i \log \sigma(z_i)
            - (1 - y_i) \log(1 - \sigma(z_i)) \big],
        \qquad w_i = \begin{cases} T_i & y_i = 1 \\ 1 & y_i = 0 \end{cases}

    Examples
    --------
    >>> print(weighted_bce_watch_time([2.0, -1.0], [1, 0], [10.0, 0.0], reduction="none"))
    [1.26928011 0.31326169]
    """
    return weighted_bce_watch_time_value_and_grad(logits, clicked, watch_time, reduction)[0]


def weighted_bce_watch_time_grad(logits, clicked, watch_time, reduction="mean"):
    r"""Gradient of :func:`weighted_bce_watch_time` with respect to the logits.

    Notes
    -----
    .. math::

        \frac{\partial L}{\partial z_i} = \frac{w_i}{N} (\sigma(z_i) - y_i)

    Examples
    --------
    >>> print(weighted_bce_watch_time_grad([0.0, 0.0], [1, 0], [3.0, 0.0], reduction="sum"))
    [-1.5  0.5]
    """
    return weighted_bce_watch_time_value_and_grad(logits, clicked, watch_time, reduction)[1]


def fit_intercept_only_odds(clicked, watch_time):
    r"""Odds :math:`e^{b^*}` of the intercept-only weighted logistic regression, in closed form.

    Parameters
    ----------
    clicked : array_like of bool or 0/1
        Labels of the :math:`N` impressions, :math:`k` of them positive.
    watch_time : array_like
        Non-negative watch times, same shape; used only where clicked.

    Returns
    -------
    float
        :math:`\sum_{\text{pos}} T_i / (N - k)`; ``inf`` if every impression was clicked
        (and some watch time is positive), NaN if there is nothing to estimate from.

    Notes
    -----
    With one logit :math:`b` for every impression the weighted loss is
    :math:`\sum_{\text{pos}} T_i \operatorname{softplus}(-b) + (N - k)
    \operatorname{softplus}(b)`; its derivative :math:`-(1 - \sigma(b)) \sum T_i + (N - k)
    \sigma(b)` vanishes at

    .. math::

        e^{b^*} = \frac{\sigma(b^*)}{1 - \sigma(b^*)} = \frac{\sum_{\text{pos}} T_i}{N - k}
        = \frac{E[T]}{1 - P} \approx E[T] (1 + P)

    where :math:`E[T] = \sum T_i / N` is the mean watch time per impression (0 for the
    unclicked) and :math:`P = k / N` the click rate. For small :math:`P` the odds are the
    expected watch time.

    Examples
    --------
    >>> print(fit_intercept_only_odds([1, 0, 0, 1, 0], [6.0, 0.0, 0.0, 3.0, 0.0]))
    3.0
    """
    clicked, watch_time = _clicks_and_times(clicked, watch_time)
    total_time = float(np.sum(watch_time, where=clicked, dtype=np.float64))
    negatives = int(clicked.size - np.count_nonzero(clicked))
    if negatives == 0:
        return float("inf") if total_time > 0 else float("nan")
    return total_time / negatives


def weighted_per_user_pairwise_loss(scores, clicked, watch_time, user_ids, page_ids=None):
    r"""Fraction of watch time mispredicted over (positive, negative) pairs of each page.

    The offline metric of Covington et al. (2016, Table 1): within each page (the
    impressions shown to one user at once), every clicked impression is paired with every
    unclicked one; when the unclicked one scores higher, the clicked one's watch time
    counts as mispredicted.

    Parameters
    ----------
    scores : array_like, shape (N,)
        Model scores (logits, odds, anything where higher means "rank first").
    clicked : array_like of bool or 0/1, shape (N,)
        Whether each impression was clicked.
    watch_time : array_like, shape (N,)
        Non-negative watch times; read only where clicked.
    user_ids : array_like, shape (N,)
        The user of each impression.
    page_ids : array_like, shape (N,), optional
        The page of each impression; pages are grouped by ``(user_ids, page_ids)``. Without
        it, each user is one page.

    Returns
    -------
    float
        The loss in [0, 1]; NaN if no page holds a pair with positive watch time.

    Notes
    -----
    For pages :math:`g`, positives :math:`i` and negatives :math:`j` of the same page:

    .. math::

        \text{loss} = \frac{\sum_g \sum_{i \in g^+} \sum_{j \in g^-} T_i
            \big([s_j > s_i] + \tfrac12 [s_j = s_i]\big)}
            {\sum_g \sum_{i \in g^+} \sum_{j \in g^-} T_i}

    A tie counts half, so a constant scorer loses exactly 0.5. The loss depends on the
    scores only through their order within a page: any strictly increasing transform
    (``exp``, a sigmoid) leaves it unchanged. Computed without a loop over pages, by
    sorting the negatives on (page, score rank) and counting with ``searchsorted``.

    Examples
    --------
    >>> scores = [0.9, 0.1, 0.5, 0.4, 0.6]
    >>> clicked = [1, 1, 0, 0, 0]
    >>> watch = [2.0, 8.0, 0.0, 0.0, 0.0]
    >>> users = [7, 7, 7, 7, 7]
    >>> print(weighted_per_user_pairwise_loss(scores, clicked, watch, users))
    0.8
    """
    scores = v.as_float_array(scores, "scores")
    clicked, watch_time = _clicks_and_times(clicked, watch_time)
    user_ids = np.asarray(user_ids)
    keys = [user_ids] if page_ids is None else [user_ids, np.asarray(page_ids)]
    for name, array in (("scores", scores), ("user_ids", user_ids), ("page_ids", keys[-1])):
        if array.ndim != 1 or array.shape != clicked.shape or clicked.ndim != 1:
            raise ValueError(
                f"{name} and clicked must be 1-D of the same length, got {array.shape} and "
                f"{clicked.shape}"
            )
    if np.isnan(scores).any():
        raise ValueError("scores must not be NaN")
    # Dense page index g and dense score rank r; key = g * num_ranks + r orders by page, then
    # by score, so the negatives of a page beating a positive are a contiguous key range.
    page = np.zeros(clicked.shape, np.int64)
    for key in keys:
        _, index = np.unique(key, return_inverse=True)
        _, page = np.unique(page * (index.max(initial=0) + 1) + index, return_inverse=True)
        page = page.reshape(-1).astype(np.int64)
    ranks, rank = np.unique(scores, return_inverse=True)
    num_ranks = np.int64(max(ranks.size, 1))
    rank = rank.reshape(-1).astype(np.int64)
    negative_keys = np.sort(page[~clicked] * num_ranks + rank[~clicked])
    pos_page, pos_rank = page[clicked], rank[clicked]
    pos_time = watch_time[clicked].astype(np.float64)
    page_start = np.searchsorted(negative_keys, pos_page * num_ranks, side="left")
    page_end = np.searchsorted(negative_keys, (pos_page + 1) * num_ranks, side="left")
    below = np.searchsorted(negative_keys, pos_page * num_ranks + pos_rank, side="left")
    not_above = np.searchsorted(negative_keys, pos_page * num_ranks + pos_rank, side="right")
    mispredicted = (page_end - not_above) + 0.5 * (not_above - below)
    total = float(np.sum(pos_time * (page_end - page_start)))
    if total == 0:
        return float("nan")
    return float(np.sum(pos_time * mispredicted)) / total
