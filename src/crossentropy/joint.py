"""Conditional entropy and mutual information of a joint distribution of two variables.

``p_xy`` is a joint distribution table: ``p_xy[..., i, j] = P(X = i, Y = j)`` on the last two
axes, non-negative and summing to 1 over both. Leading axes are batch axes.
"""

import numpy as np

from ._validation import as_float_array, check_nonnegative
from .information import _log_base, _minus_log, _sum_p_times, entropy

__all__ = ["conditional_entropy", "mutual_information"]


def _joint(p_xy):
    p_xy = as_float_array(p_xy, "p_xy")
    if p_xy.ndim < 2:
        raise ValueError(f"p_xy must have at least two axes (X, Y), got shape {p_xy.shape}")
    check_nonnegative(p_xy, "p_xy")
    sums = p_xy.sum(axis=(-2, -1), dtype=np.float64)
    tolerance = float(np.sqrt(np.finfo(p_xy.dtype).eps))
    if sums.size and not np.max(np.abs(sums - 1)) <= tolerance:
        raise ValueError(f"p_xy must sum to 1 over its last two axes, found a sum of "
                         f"{sums.flat[np.argmax(np.abs(sums - 1))]}")
    return p_xy


def _joint_entropy(p_xy):
    """H(X, Y) in nats: the entropy of the flattened table."""
    flat = p_xy.reshape(p_xy.shape[:-2] + (-1,))
    return _sum_p_times(flat, _minus_log(flat), -1)


def conditional_entropy(p_xy, base=None):
    r"""Conditional entropy :math:`H(Y \mid X)` of a joint table ``p_xy[..., x, y]``.

    Parameters
    ----------
    p_xy : array_like, shape (..., K_x, K_y)
        Joint probabilities :math:`P(X = i, Y = j)`; each table sums to 1.
    base : float or None, optional
        Base of the logarithm: None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar
        :math:`H(Y \mid X) \ge 0`, shape ``p_xy.shape[:-2]``. For :math:`H(X \mid Y)` pass
        ``np.swapaxes(p_xy, -1, -2)``.

    Notes
    -----
    .. math::

        H(Y \mid X) = -\sum_{i,j} p(i, j) \log \frac{p(i, j)}{p(i)} = H(X, Y) - H(X)

    with :math:`0 \log 0 = 0`; computed as the difference of the joint and marginal entropies.

    Examples
    --------
    >>> print(conditional_entropy([[0.25, 0.25], [0.5, 0.0]], base=2))
    0.5
    """
    p_xy = _joint(p_xy)
    p_x = p_xy.sum(axis=-1)
    value = _joint_entropy(p_xy) - entropy(p_x)
    return np.maximum(value, 0) / _log_base(base, p_xy.dtype)


def mutual_information(p_xy, base=None):
    r"""Mutual information :math:`I(X; Y)` of a joint table ``p_xy[..., x, y]``.

    Parameters
    ----------
    p_xy : array_like, shape (..., K_x, K_y)
        Joint probabilities :math:`P(X = i, Y = j)`; each table sums to 1.
    base : float or None, optional
        Base of the logarithm: None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar
        :math:`I(X; Y) \ge 0`, 0 exactly when X and Y are independent; shape
        ``p_xy.shape[:-2]``.

    Notes
    -----
    .. math::

        I(X; Y) = \sum_{i,j} p(i, j) \log \frac{p(i, j)}{p(i)\,p(j)}
                = D_{\mathrm{KL}}\big(p_{XY} \,\|\, p_X \otimes p_Y\big)
                = H(X) + H(Y) - H(X, Y)

    Computed from the three entropies (each with :math:`0 \log 0 = 0`); rounding below 0 is
    clipped to 0.

    Examples
    --------
    >>> print(mutual_information([[0.1, 0.5], [0.1, 0.3]]))
    0.005132
    >>> print(mutual_information([[0.25, 0.25], [0.25, 0.25]]))
    0.0
    """
    p_xy = _joint(p_xy)
    value = entropy(p_xy.sum(axis=-1)) + entropy(p_xy.sum(axis=-2)) - _joint_entropy(p_xy)
    return np.maximum(value, 0) / _log_base(base, p_xy.dtype)
