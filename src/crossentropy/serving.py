r"""Serving and holding out for a retrieval model: top-K with seen items masked, random holdout.

A candidate generator scores every item for a user and serves the K best it has not shown
before (:func:`top_k`). Its offline evaluation holds out one watch per user. The protocol of
:mod:`crossentropy.recsys.protocol` holds out the *last* watch; :func:`random_holdout` holds
out a random one instead, the split that leaks the future into training (Covington et al.
2016, §3.4), and :func:`split_with_holdout` turns either choice into a
:class:`~crossentropy.recsys.protocol.Split` for :func:`crossentropy.recsys.train.evaluate`.
"""

import numpy as np

from .recsys.protocol import Split

__all__ = ["top_k", "random_holdout", "split_with_holdout"]


def top_k(scores, k, exclude=None):
    r"""The ``k`` highest-scoring items of each row, best first, never an excluded one.

    Ties go to the lower item index, the order of :func:`crossentropy.recsys.metrics.
    heldout_ranks`: the item in column :math:`r` of the result is the one whose 0-based rank
    is :math:`r`. The cost is O(N) per row for the selection (``np.partition``) plus a sort
    of the k items (and of any items tied with the k-th).

    Parameters
    ----------
    scores : array_like, shape (num_users, num_items)
        Finite scores (or logits) of every item for each user.
    k : int
        Between 1 and the number of items that are not excluded in every row.
    exclude : array_like of bool, shape (num_users, num_items), optional
        Items never to recommend, typically those the user has already watched.

    Returns
    -------
    ndarray of int64, shape (num_users, k)

    Raises
    ------
    ValueError
        for scores that are not 2-D or not finite, an ``exclude`` of another shape, or a
        ``k`` larger than the number of candidates left in some row.

    Examples
    --------
    >>> scores = np.array([[0.1, 0.9, 0.5, 0.9], [0.3, 0.2, 0.8, 0.4]])
    >>> top_k(scores, 2).tolist()
    [[1, 3], [2, 3]]
    >>> top_k(scores, 2, exclude=[[0, 1, 0, 0], [0, 0, 1, 1]]).tolist()
    [[3, 2], [0, 1]]
    """
    s = np.asarray(scores)
    if s.ndim != 2:
        raise ValueError(f"scores must have shape (num_users, num_items), got {s.shape}")
    if not (np.issubdtype(s.dtype, np.floating) or np.issubdtype(s.dtype, np.integer)):
        raise ValueError(f"scores must be real numbers, got dtype {s.dtype}")
    s = s.astype(np.float64)
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite (exclude items with `exclude`, not with -inf)")
    num_users, num_items = s.shape
    available = np.full(num_users, num_items)
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        if exclude.shape != s.shape:
            raise ValueError(f"exclude must have the shape of scores {s.shape}, "
                             f"got {exclude.shape}")
        available = available - exclude.sum(axis=1)
        s[exclude] = -np.inf
    if not (np.issubdtype(type(k), np.integer) and k >= 1):
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    if num_users and k > available.min():
        raise ValueError(f"k = {k} exceeds the {available.min()} candidates left in row "
                         f"{int(np.argmin(available))}")
    if num_users == 0:
        return np.empty((0, k), dtype=np.int64)
    kth_best = np.partition(s, num_items - k, axis=1)[:, num_items - k]
    candidate = s >= kth_best[:, None]  # the k best and everything tied with the k-th
    counts = candidate.sum(axis=1)
    rows, cols = np.nonzero(candidate)  # row by row, columns ascending
    slot = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    ids = np.zeros((num_users, counts.max()), dtype=np.int64)
    values = np.full(ids.shape, -np.inf)
    ids[rows, slot], values[rows, slot] = cols, s[rows, cols]
    order = np.argsort(-values, axis=1, kind="stable")[:, :k]  # stable: ties by index
    return np.take_along_axis(ids, order, axis=1)


def random_holdout(log, seed=0):
    """One uniformly random watch per user, as a mask: the leaky alternative to the last one.

    The counterpart of :func:`crossentropy.recsys.protocol.leave_last_out`. The watches the
    user made *after* the held-out one stay in training, so a model can learn the future
    it is then asked to predict.

    Parameters
    ----------
    log : crossentropy.recsys.data.Interactions
    seed : int

    Returns
    -------
    ndarray of bool, shape (len(log),)
        True for the one held-out row of each user.

    Examples
    --------
    >>> from crossentropy.recsys.data import Interactions
    >>> log = Interactions(np.array([1, 1, 1, 2]), np.array([10, 11, 12, 10]),
    ...                    np.arange(4.0))
    >>> held = random_holdout(log, seed=0)
    >>> int(held[:3].sum()), bool(held[3])
    (1, True)
    """
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(log)), log.user_ids))  # users, shuffled within each
    first = np.ones(len(log), dtype=bool)
    first[1:] = log.user_ids[order][1:] != log.user_ids[order][:-1]
    held_out = np.zeros(len(log), dtype=bool)
    held_out[order[first]] = True
    return held_out


def split_with_holdout(log, held_out):
    """A :class:`~crossentropy.recsys.protocol.Split` holding out the rows of a mask.

    Like :func:`crossentropy.recsys.protocol.prepare` without its filtering step: ids are
    remapped to ``0 .. num_users - 1`` and ``0 .. num_items - 1`` over the whole log, the
    held-out rows become ``test_item_ids``, all others the training watches.

    Parameters
    ----------
    log : crossentropy.recsys.data.Interactions
    held_out : array_like of bool, shape (len(log),)
        Exactly one True per user (:func:`random_holdout`, or ``leave_last_out(log)``).

    Returns
    -------
    Split

    Raises
    ------
    ValueError
        if ``held_out`` has the wrong length or some user has no or several held-out rows.

    Examples
    --------
    >>> from crossentropy.recsys.data import Interactions
    >>> from crossentropy.recsys.protocol import leave_last_out
    >>> log = Interactions(np.array([5, 5, 7, 7]), np.array([3, 9, 9, 4]), np.arange(4.0))
    >>> split = split_with_holdout(log, leave_last_out(log))
    >>> split.train_item_ids.tolist(), split.test_item_ids.tolist(), split.item_labels.tolist()
    ([0, 2], [2, 1], [3, 4, 9])
    """
    held_out = np.asarray(held_out, dtype=bool)
    if held_out.shape != (len(log),):
        raise ValueError(f"held_out must have shape ({len(log)},), got {held_out.shape}")
    user_labels, users = np.unique(log.user_ids, return_inverse=True)
    item_labels, items = np.unique(log.item_ids, return_inverse=True)
    per_user = np.bincount(users[held_out], minlength=len(user_labels))
    if np.any(per_user != 1):
        bad = int(np.flatnonzero(per_user != 1)[0])
        raise ValueError(f"every user needs exactly one held-out row; user "
                         f"{user_labels[bad]} has {per_user[bad]}")
    test_item_ids = np.empty(len(user_labels), dtype=np.int64)
    test_item_ids[users[held_out]] = items[held_out]
    return Split(len(user_labels), len(item_labels), users[~held_out].astype(np.int64),
                 items[~held_out].astype(np.int64), test_item_ids, user_labels, item_labels)
