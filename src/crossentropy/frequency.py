r"""Streaming estimate of how often an item appears in a training batch (Yi et al., 2019).

In-batch negatives need :math:`\log q(j)`, the log-probability that item :math:`j` is in a
batch, for the logQ correction. With a fixed catalogue it can be counted once; with new
items every day and a drifting popularity, Yi et al. estimate it from the stream of batches
itself, without a vocabulary, by tracking the **gap** between consecutive steps at which
an item shows up. An item that appears every :math:`k` steps has gap :math:`k` and
probability :math:`1/k` of being in a batch.

For each hash function :math:`h_r` (``r = 1 .. n_hashes``) two arrays of ``H`` buckets are
kept: :math:`A_r`, the last step a bucket was seen, and :math:`B_r`, a moving average of its
gap. When item :math:`y` is in the batch of global step :math:`t`,

.. math::

    B_r[h_r(y)] \leftarrow (1 - \alpha)\, B_r[h_r(y)] + \alpha\,\big(t - A_r[h_r(y)]\big),
    \qquad A_r[h_r(y)] \leftarrow t,

and the estimate is :math:`\hat p(y) = 1 / \max_r B_r[h_r(y)]`. Two items that share a
bucket reset each other's last step, so a collision can only make a gap look *shorter* and
:math:`\hat p` *larger*; the maximum over hash functions keeps the least collided estimate
(count-min sketches take a minimum of counts for the same reason).

Conventions of this implementation:

- A bucket seen for the first time at step :math:`t` starts at :math:`B = t + 1` (one
  appearance in the steps :math:`0 .. t`); buckets never seen give :math:`\hat p = 0`, so
  clip before taking a log (TFRS clips probabilities at :math:`10^{-6}`).
- An item that appears several times in one batch, or several items of one batch that share
  a bucket, update that bucket once: :math:`\hat p` estimates the probability of being in a
  batch (at most 1), not the expected number of copies. For popular items the two differ
  (tensorflow/recommenders#635).
"""

import numpy as np

__all__ = ["StreamingFrequencyEstimator"]


class StreamingFrequencyEstimator:
    r"""Hashed streaming estimate of each item's probability of being in a batch.

    Parameters
    ----------
    H : int
        Buckets per hash function (no vocabulary needed; ids are hashed).
    alpha : float in (0, 1]
        Weight of the newest gap in the moving average: larger adapts faster to a change
        of popularity, smaller averages out more noise (about :math:`1/\alpha` steps of
        memory per appearance).
    n_hashes : int
        Independent hash functions; the estimate takes the largest gap among them.
    seed : int
        Draws the hash functions (multiply-add-shift on 64-bit integers).

    Attributes
    ----------
    last_step : ndarray of int64, shape (n_hashes, H)
        :math:`A`: the last step each bucket was seen, -1 if never.
    gap : ndarray of float64, shape (n_hashes, H)
        :math:`B`: the moving average of each bucket's gap, ``inf`` if never seen.

    Examples
    --------
    An item in every fourth batch is in a batch with probability 1/4:

    >>> estimator = StreamingFrequencyEstimator(H=64, alpha=0.1)
    >>> for step in range(0, 400, 4):
    ...     estimator.update([7], step)
    >>> estimator.prob([7, 8]).round(3).tolist()
    [0.25, 0.0]
    """

    def __init__(self, H, alpha=0.01, n_hashes=1, seed=0):
        if int(H) < 1 or int(n_hashes) < 1:
            raise ValueError(f"H and n_hashes must be at least 1, got {H} and {n_hashes}")
        if not 0 < alpha <= 1:
            raise ValueError(f"alpha must be in (0, 1], got {alpha}")
        self.H, self.alpha, self.n_hashes = int(H), float(alpha), int(n_hashes)
        rng = np.random.default_rng(seed)
        self._mult = rng.integers(0, 2**64, self.n_hashes, dtype=np.uint64, endpoint=False)
        self._mult |= np.uint64(1)  # odd multipliers: the multiplication is a bijection
        self._add = rng.integers(0, 2**64, self.n_hashes, dtype=np.uint64, endpoint=False)
        self.last_step = np.full((self.n_hashes, self.H), -1, dtype=np.int64)
        self.gap = np.full((self.n_hashes, self.H), np.inf)
        self.step = -1

    def _buckets(self, ids, r):
        """Bucket of each id under hash function ``r``, int64 array of the shape of ids."""
        keys = np.atleast_1d(ids).astype(np.int64).view(np.uint64)
        mixed = (keys * self._mult[r] + self._add[r]) >> np.uint64(32)  # wraps mod 2^64
        return (mixed % np.uint64(self.H)).astype(np.int64).reshape(np.shape(ids))

    @staticmethod
    def _ids(ids):
        ids = np.asarray(ids)
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"item ids must be integers, got dtype {ids.dtype}")
        return ids.astype(np.int64)

    def update(self, ids, step):
        """Record that the items ``ids`` (any shape, repeats allowed) are in batch ``step``.

        Parameters
        ----------
        ids : array_like of int
        step : int
            The global training step; non-negative and larger than at the previous call.
        """
        step = int(step)
        if step < 0 or step <= self.step:
            raise ValueError(f"steps must be non-negative and increase: got {step} after "
                             f"{self.step}")
        ids = self._ids(ids).ravel()
        self.step = step
        for r in range(self.n_hashes):
            buckets = np.unique(self._buckets(ids, r))
            previous = self.last_step[r, buckets]
            seen = previous >= 0
            averaged = ((1 - self.alpha) * self.gap[r, buckets[seen]]
                        + self.alpha * (step - previous[seen]))
            self.gap[r, buckets[seen]] = averaged
            self.gap[r, buckets[~seen]] = step + 1
            self.last_step[r, buckets] = step

    def prob(self, ids):
        r"""Estimated probability :math:`\hat p` that each item is in a batch.

        Parameters
        ----------
        ids : array_like of int

        Returns
        -------
        ndarray of float64, shape of ``ids``
            :math:`1 / \max_r B_r[h_r(\text{id})]`; 0 for an id whose buckets were never
            seen.
        """
        ids = self._ids(ids)
        gaps = np.stack([self.gap[r, self._buckets(ids, r)] for r in range(self.n_hashes)])
        return 1.0 / gaps.max(axis=0)
