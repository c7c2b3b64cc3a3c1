r"""Negative samplers with the log of their expected counts, for the logQ correction.

A sampler draws ``num_draws`` item ids with replacement from a proposal :math:`q`; the
expected number of times item :math:`j` appears is :math:`Q(j) = \text{num\_draws} \cdot
q(j)`, and :math:`\log Q(j)` is what :mod:`.losses` subtracts from the logits.
"""

import numpy as np

__all__ = ["UniformSampler", "PopularitySampler", "LOG_Q_FLOOR"]

# Smallest probability used inside a log (TFRS clips at 1e-6 as well): an item never seen
# in training still gets a finite correction.
LOG_Q_FLOOR = 1e-6


class UniformSampler:
    r"""Draws items uniformly, :math:`q(j) = 1/N`.

    Examples
    --------
    >>> sampler = UniformSampler(4)
    >>> sampler.sample(5, np.random.default_rng(0)).tolist()
    [3, 2, 2, 1, 1]
    >>> sampler.log_expected_count(np.array([0, 3]), num_draws=2).round(4).tolist()
    [-0.6931, -0.6931]
    """

    def __init__(self, num_items):
        self.num_items = int(num_items)

    def sample(self, num_draws, rng):
        """``num_draws`` item ids, with replacement, shape (num_draws,)."""
        return rng.integers(0, self.num_items, num_draws)

    def log_prob(self, item_ids):
        """:math:`\\log q(j)` for each id, shape of ``item_ids``."""
        return np.full(np.shape(item_ids), -np.log(self.num_items))

    def log_expected_count(self, item_ids, num_draws):
        """:math:`\\log(\\text{num\\_draws} \\cdot q(j))` for each id."""
        return np.log(num_draws) + self.log_prob(item_ids)


class PopularitySampler(UniformSampler):
    r"""Draws items in proportion to a power of their counts, :math:`q(j) \propto c_j^\alpha`.

    ``alpha = 1`` samples like the log itself (the distribution of in-batch negatives),
    ``alpha = 0.75`` is word2vec's unigram power, ``alpha = 0`` is uniform over the items
    with a positive count.

    Parameters
    ----------
    counts : array_like, shape (num_items,)
        Training watches per item.
    alpha : float

    Examples
    --------
    >>> sampler = PopularitySampler([6, 3, 1, 0])
    >>> np.exp(sampler.log_prob(np.arange(4))).round(4).tolist()
    [0.6, 0.3, 0.1, 0.0]
    >>> counts = np.bincount(sampler.sample(10_000, np.random.default_rng(0)), minlength=4)
    >>> counts.tolist()
    [6019, 3001, 980, 0]
    """

    def __init__(self, counts, alpha=1.0):
        counts = np.asarray(counts, dtype=np.float64)
        super().__init__(len(counts))
        if counts.ndim != 1 or np.any(counts < 0) or not counts.sum() > 0:
            raise ValueError("counts must be a 1-D array of non-negative counts, not all 0")
        weights = np.where(counts > 0, counts, 1.0) ** alpha * (counts > 0)
        self.probs = weights / weights.sum()
        self._cdf = np.cumsum(self.probs)
        self._log_probs = np.log(np.maximum(self.probs, LOG_Q_FLOOR))

    def sample(self, num_draws, rng):
        draws = np.searchsorted(self._cdf, rng.random(num_draws) * self._cdf[-1], side="right")
        return np.minimum(draws, self.num_items - 1)

    def log_prob(self, item_ids):
        return self._log_probs[item_ids]
