"""Full-ranking metrics for one held-out item per user: rank, recall@K, NDCG@K.

Every item is a candidate (no sampled metrics); the items a user watched in training can be
excluded. With one relevant item per user recall@K equals the hit rate @K.
"""

import numpy as np

__all__ = ["heldout_ranks", "recall_at_k", "ndcg_at_k", "metrics_from_ranks"]


def _check(scores, item_ids, exclude):
    scores = np.asarray(scores)
    item_ids = np.asarray(item_ids)
    if scores.ndim != 2:
        raise ValueError(f"scores must have shape (num_users, num_items), got {scores.shape}")
    if item_ids.shape != (scores.shape[0],):
        raise ValueError(f"item_ids must have shape ({scores.shape[0]},), one held-out item "
                         f"per row of scores, got {item_ids.shape}")
    if not np.issubdtype(item_ids.dtype, np.integer):
        raise ValueError(f"item_ids must be integers, got dtype {item_ids.dtype}")
    if item_ids.size and (item_ids.min() < 0 or item_ids.max() >= scores.shape[1]):
        raise ValueError(f"item_ids must lie in [0, {scores.shape[1]})")
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        if exclude.shape != scores.shape:
            raise ValueError(f"exclude must have the shape of scores {scores.shape}, "
                             f"got {exclude.shape}")
    return scores, item_ids, exclude


def heldout_ranks(scores, item_ids, exclude=None):
    r"""0-based rank of each row's held-out item among all non-excluded items.

    .. math::

        r_u = \#\{ j \ne i_u : j \text{ not excluded},\;
              s_{uj} > s_{ui_u} \text{ or } (s_{uj} = s_{ui_u} \text{ and } j < i_u) \}

    Ties go to the lower item index, as a stable sort by descending score would order them.
    The held-out item itself is always ranked, even if ``exclude`` marks it.

    Parameters
    ----------
    scores : array_like, shape (num_users, num_items)
    item_ids : array_like of int, shape (num_users,)
        The held-out item of each row.
    exclude : array_like of bool, shape (num_users, num_items), optional
        Items that are not candidates (the user's training items).

    Returns
    -------
    ndarray of int64, shape (num_users,)

    Examples
    --------
    >>> scores = np.array([[0.1, 0.9, 0.5, 0.3], [0.4, 0.4, 0.2, 0.8]])
    >>> heldout_ranks(scores, [2, 1]).tolist()
    [1, 2]
    >>> heldout_ranks(scores, [2, 1], exclude=[[0, 1, 0, 0], [0, 0, 0, 1]]).tolist()
    [0, 1]
    """
    scores, item_ids, exclude = _check(scores, item_ids, exclude)
    rows = np.arange(scores.shape[0])
    target = scores[rows, item_ids][:, None]
    columns = np.arange(scores.shape[1])
    ahead = (scores > target) | ((scores == target) & (columns < item_ids[:, None]))
    if exclude is not None:
        ahead &= ~exclude
    return ahead.sum(axis=1, dtype=np.int64)


def metrics_from_ranks(ranks, k):
    r"""``(recall@k, ndcg@k)`` per user from 0-based ranks (see :func:`recall_at_k`).

    Parameters
    ----------
    ranks : array_like of int
        0-based rank :math:`r_u` of each user's held-out item (:func:`heldout_ranks`).
    k : int

    Returns
    -------
    recall, ndcg : ndarray of float64, shape of ``ranks``
        The per-user values; their means are recall@K and NDCG@K.

    Notes
    -----
    .. math::

        \mathrm{recall}_u = \mathbb{1}[r_u < K], \qquad
        \mathrm{ndcg}_u = \frac{\mathbb{1}[r_u < K]}{\log_2(r_u + 2)}

    Examples
    --------
    >>> recall, ndcg = metrics_from_ranks(np.array([0, 3, 12]), k=10)
    >>> recall.tolist(), ndcg.round(4).tolist()  # 1 / log2(5) = 0.4307
    ([1.0, 1.0, 0.0], [1.0, 0.4307, 0.0])
    """
    ranks = np.asarray(ranks)
    hit = ranks < k
    return hit.astype(np.float64), np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0)


def _reduce(values, reduction):
    if reduction == "none":
        return values
    if reduction != "mean":
        raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")
    return float(values.mean()) if values.size else float("nan")


def recall_at_k(scores, item_ids, k=10, exclude=None, reduction="mean"):
    r"""Recall@K with one held-out item per user (= hit rate @K), ranking all items.

    .. math::

        \mathrm{recall@}K = \frac{1}{U} \sum_u \mathbb{1}[r_u < K]

    where :math:`r_u` is the 0-based rank of user :math:`u`'s held-out item among the items
    not in ``exclude`` (:func:`heldout_ranks`; ties to the lower item index).

    Parameters
    ----------
    scores : array_like, shape (num_users, num_items)
    item_ids : array_like of int, shape (num_users,)
    k : int
    exclude : array_like of bool, shape (num_users, num_items), optional
        The user's training items, which are never recommended.
    reduction : {'mean', 'none'}
        Mean over users (a float) or the per-user 0/1 values, shape (num_users,).

    Examples
    --------
    >>> scores = np.array([[0.1, 0.9, 0.5, 0.3], [0.4, 0.4, 0.2, 0.8]])
    >>> recall_at_k(scores, [2, 1], k=2)
    0.5
    >>> recall_at_k(scores, [2, 1], k=2, exclude=[[0, 1, 0, 0], [0, 0, 0, 1]])
    1.0
    """
    return _reduce(metrics_from_ranks(heldout_ranks(scores, item_ids, exclude), k)[0],
                   reduction)


def ndcg_at_k(scores, item_ids, k=10, exclude=None, reduction="mean"):
    r"""NDCG@K with one held-out item per user, ranking all items.

    .. math::

        \mathrm{NDCG@}K = \frac{1}{U} \sum_u \frac{\mathbb{1}[r_u < K]}{\log_2(r_u + 2)}

    With one relevant item the ideal DCG is 1, so a hit at the top scores 1 and a hit at
    0-based rank :math:`r` scores :math:`1/\log_2(r + 2)`. Parameters as for
    :func:`recall_at_k`.

    Examples
    --------
    >>> scores = np.array([[0.1, 0.9, 0.5, 0.3], [0.4, 0.4, 0.2, 0.8]])
    >>> round(ndcg_at_k(scores, [2, 1], k=2), 6)  # ranks 1 and 2: (1/log2(3) + 0) / 2
    0.315465
    >>> ndcg_at_k(scores, [2, 1], k=2, reduction="none").round(4).tolist()
    [0.6309, 0.0]
    """
    return _reduce(metrics_from_ranks(heldout_ranks(scores, item_ids, exclude), k)[1],
                   reduction)
