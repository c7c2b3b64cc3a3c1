"""The evaluation protocol: filtering, leave-last-out split and id remapping.

Fixed so that results compare with published full-ranking baselines:

1. every interaction counts as a watch (ratings are ignored);
2. items with fewer than ``min_count`` watches are dropped, then users with fewer than
   ``min_count`` watches in what remains, one pass each (not iterated to a fixed point);
3. for every user the last watch by timestamp is held out, ties going to the later row;
   training uses all the other watches;
4. ids are remapped to ``0 .. num_users - 1`` and ``0 .. num_items - 1``;
5. evaluation ranks all items for each user with the user's training items excluded
   (:mod:`.metrics`, :func:`.train.evaluate`).
"""

import dataclasses

import numpy as np

__all__ = ["Split", "filter_min_count", "leave_last_out", "prepare"]


def filter_min_count(log, min_count=5):
    r"""Drop items, then users, with fewer than ``min_count`` watches (one pass each).

    Parameters
    ----------
    log : Interactions
    min_count : int

    Returns
    -------
    Interactions
        The kept rows, in their original order. Users are counted *after* the item pass,
        and item counts are not re-checked after the user pass.

    Notes
    -----
    With rows :math:`r = (u_r, i_r)` and :math:`m` = ``min_count``, the item pass keeps

    .. math::

        R' = \{ r : c_{i_r} \ge m \}, \qquad c_j = \#\{ r : i_r = j \},

    and the user pass keeps

    .. math::

        R'' = \{ r \in R' : n_{u_r} \ge m \}, \qquad n_u = \#\{ r \in R' : u_r = u \}.

    Every row counts, repeated (user, item) pairs included. An item in :math:`R''` can have
    fewer than :math:`m` watches left (its users may have been dropped).

    Examples
    --------
    >>> from crossentropy.recsys.data import Interactions
    >>> users = np.array([0, 0, 1, 1, 1]); items = np.array([5, 6, 5, 5, 7])
    >>> kept = filter_min_count(Interactions(users, items, np.arange(5.0)), min_count=2)
    >>> kept.user_ids.tolist(), kept.item_ids.tolist()
    ([1, 1], [5, 5])
    """
    _, item_index, item_counts = np.unique(log.item_ids, return_inverse=True,
                                           return_counts=True)
    log = log.select(item_counts[item_index] >= min_count)
    _, user_index, user_counts = np.unique(log.user_ids, return_inverse=True,
                                           return_counts=True)
    return log.select(user_counts[user_index] >= min_count)


def leave_last_out(log):
    r"""Index of every user's last watch: latest timestamp, ties to the later row.

    Parameters
    ----------
    log : Interactions

    Returns
    -------
    ndarray of bool, shape (len(log),)
        True for the one held-out row of each user.

    Notes
    -----
    The held-out row of user :math:`u` is the largest of the user's rows in the order of
    (timestamp, row index):

    .. math::

        r^*_u = \arg\max_{r \,:\, u_r = u} \; (t_r, r)
        \quad \text{(lexicographically)},

    i.e. the latest timestamp :math:`t_r` and, among equal timestamps, the row written last.

    Examples
    --------
    >>> from crossentropy.recsys.data import Interactions
    >>> log = Interactions(np.array([1, 1, 1, 2]), np.array([10, 11, 12, 10]),
    ...                    np.array([5.0, 9.0, 9.0, 1.0]))
    >>> leave_last_out(log).tolist()
    [False, False, True, True]
    """
    rows = np.arange(len(log))
    order = np.lexsort((rows, log.timestamps, log.user_ids))  # by user, time, then row
    sorted_users = log.user_ids[order]
    last = np.ones(len(log), dtype=bool)
    last[:-1] = sorted_users[1:] != sorted_users[:-1]
    held_out = np.zeros(len(log), dtype=bool)
    held_out[order[last]] = True
    return held_out


@dataclasses.dataclass(frozen=True)
class Split:
    """A log after :func:`prepare`: remapped training watches and one test watch per user.

    Attributes
    ----------
    num_users, num_items : int
    train_user_ids, train_item_ids : ndarray of int64, shape (num_train,)
        Training watches in the log's row order.
    test_item_ids : ndarray of int64, shape (num_users,)
        The held-out watch of user ``u`` is ``test_item_ids[u]``.
    user_labels, item_labels : ndarray of int64
        Original id of each remapped user / item.
    """

    num_users: int
    num_items: int
    train_user_ids: np.ndarray
    train_item_ids: np.ndarray
    test_item_ids: np.ndarray
    user_labels: np.ndarray
    item_labels: np.ndarray

    @property
    def item_counts(self):
        """Training watches per item, shape (num_items,)."""
        return np.bincount(self.train_item_ids, minlength=self.num_items)

    def train_csr(self):
        """Training items of each user as CSR ``(indptr, indices)``, indices sorted per user."""
        order = np.lexsort((self.train_item_ids, self.train_user_ids))
        counts = np.bincount(self.train_user_ids, minlength=self.num_users)
        indptr = np.concatenate([[0], np.cumsum(counts)])
        return indptr, self.train_item_ids[order]


def prepare(log, min_count=5):
    r"""Apply the whole protocol to a raw log: filter, hold out the last watch, remap ids.

    Parameters
    ----------
    log : Interactions
    min_count : int
        Minimum watches per item, then per user (5 in the published protocol).

    Returns
    -------
    Split

    Raises
    ------
    ValueError
        if nothing survives the filter.

    Notes
    -----
    After :func:`filter_min_count` and :func:`leave_last_out`, ids are remapped in sorted
    order: a kept user (item) label :math:`a` among the sorted distinct labels
    :math:`A` becomes

    .. math::

        \tilde a = \#\{ a' \in A : a' < a \} \in \{0, \dots, |A| - 1\},

    so ``user_labels[u]`` is the original id of user ``u``. The training watches are the
    kept rows without the held-out ones, and ``test_item_ids[u]`` is the remapped item of
    user ``u``'s held-out row; every user keeps at least ``min_count`` - 1 training watches.

    Examples
    --------
    >>> from crossentropy.recsys.data import synthetic_watch_log
    >>> split = prepare(synthetic_watch_log(num_users=50, num_items=40, seed=0))
    >>> split.num_users, len(split.test_item_ids), len(split.train_user_ids) + split.num_users
    (50, 50, 1250)
    """
    kept = filter_min_count(log, min_count)
    if len(kept) == 0:
        raise ValueError(f"no watches left after dropping items and users with fewer than "
                         f"{min_count} watches (the log has {len(log)} rows)")
    user_labels, users = np.unique(kept.user_ids, return_inverse=True)
    item_labels, items = np.unique(kept.item_ids, return_inverse=True)
    held_out = leave_last_out(kept)
    test_item_ids = np.empty(len(user_labels), dtype=np.int64)
    test_item_ids[users[held_out]] = items[held_out]
    return Split(len(user_labels), len(item_labels), users[~held_out].astype(np.int64),
                 items[~held_out].astype(np.int64), test_item_ids, user_labels, item_labels)
