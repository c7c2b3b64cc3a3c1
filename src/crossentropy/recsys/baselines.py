"""Reference models evaluated under the same protocol: popularity and EASE.

Both expose ``scores(user_ids)`` like :class:`~.model.EmbeddingModel`, so
:func:`.train.evaluate` ranks them the same way.
"""

import numpy as np

__all__ = ["Popularity", "EASE"]


class Popularity:
    """Scores every item by its number of training watches, the same for every user.

    Examples
    --------
    >>> from crossentropy.recsys.data import synthetic_watch_log
    >>> from crossentropy.recsys.protocol import prepare
    >>> split = prepare(synthetic_watch_log(num_users=100, num_items=50, seed=0))
    >>> Popularity(split).scores(np.array([0, 1])).shape
    (2, 50)
    """

    def __init__(self, split):
        self.counts = split.item_counts.astype(np.float64)

    def scores(self, user_ids):
        return np.broadcast_to(self.counts, (len(user_ids), len(self.counts)))


class EASE:
    r"""EASE (Steck, WWW 2019): a closed-form item-item linear autoencoder.

    With the binary user-item matrix :math:`X` of the training watches,

    .. math::

        P = (X^\top X + \lambda I)^{-1}, \qquad
        B_{ij} = -\frac{P_{ij}}{P_{jj}} \;(i \ne j), \quad B_{jj} = 0,

    and the scores of user :math:`u` are :math:`X_u B`. Costs one N x N inverse, so it suits
    catalogues up to some ten thousand items.

    Parameters
    ----------
    split : protocol.Split
    l2 : float
        :math:`\lambda`, tuned once on MovieLens latest-small.

    Examples
    --------
    >>> from crossentropy.recsys.data import synthetic_watch_log
    >>> from crossentropy.recsys.protocol import prepare
    >>> split = prepare(synthetic_watch_log(num_users=100, num_items=50, seed=0))
    >>> ease = EASE(split, l2=10.0)
    >>> bool(np.all(np.diag(ease.weights) == 0)), ease.scores(np.array([0])).shape
    (True, (1, 50))
    """

    def __init__(self, split, l2=200.0):
        x = np.zeros((split.num_users, split.num_items), dtype=np.float64)
        x[split.train_user_ids, split.train_item_ids] = 1.0
        gram = x.T @ x
        gram[np.diag_indices_from(gram)] += l2
        inverse = np.linalg.inv(gram)
        self.weights = -inverse / np.diag(inverse)
        np.fill_diagonal(self.weights, 0.0)
        self.x = x

    def scores(self, user_ids):
        return self.x[user_ids] @ self.weights
