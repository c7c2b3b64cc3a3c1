"""Maximum likelihood for a categorical model: counts, empirical cross-entropy, perplexity,
and the temperature of a distribution.

Observations are integer class indices in ``[0, K)`` (which video was watched next); a model
is a distribution ``q`` of shape (K,).
"""

import numpy as np

from ._validation import as_float_array, check_distribution
from .information import _minus_log
from .special import softmax

__all__ = ["empirical_distribution", "empirical_cross_entropy", "perplexity", "temper"]


def _class_indices(samples, num_classes):
    samples = np.asarray(samples)
    if samples.ndim != 1 or not (samples.size == 0 or np.issubdtype(samples.dtype, np.integer)):
        raise ValueError(f"samples must be a 1-D array of class indices, got shape "
                         f"{samples.shape} and dtype {samples.dtype}")
    if samples.size and not (samples.min() >= 0 and samples.max() < num_classes):
        raise ValueError(f"samples must lie in [0, {num_classes}), got values in "
                         f"[{samples.min()}, {samples.max()}]")
    return samples


def empirical_distribution(samples, num_classes):
    r"""The maximum-likelihood categorical distribution of ``samples``: normalised counts.

    Parameters
    ----------
    samples : array_like of int, shape (N,)
        Observed class indices in ``[0, num_classes)``, N > 0.
    num_classes : int
        K, the number of classes.

    Returns
    -------
    ndarray, shape (K,)
        :math:`\hat p_k = n_k / N`, float64. It minimises
        :func:`empirical_cross_entropy` over all distributions ``q``.

    Examples
    --------
    >>> print(empirical_distribution([0, 2, 2, 1], num_classes=4))
    [0.25 0.25 0.5  0.  ]
    """
    samples = _class_indices(samples, num_classes)
    if samples.size == 0:
        raise ValueError("samples must not be empty")
    return np.bincount(samples, minlength=num_classes) / samples.size


def empirical_cross_entropy(samples, q, base=None):
    r"""Average negative log-likelihood of ``samples`` under the model ``q``.

    Parameters
    ----------
    samples : array_like of int, shape (N,)
        Observed class indices in ``[0, K)``.
    q : array_like, shape (K,)
        Model distribution.
    base : float or None, optional
        Base of the logarithm: None for nats, 2 for bits.

    Returns
    -------
    scalar
        .. math::

            H(\hat p, q) = -\frac{1}{N} \sum_{n=1}^{N} \log q_{x_n}
                         = H(\hat p) + D_{\mathrm{KL}}(\hat p \,\|\, q)

        in the dtype of ``q``; +inf if a sample has :math:`q_{x_n} = 0`, NaN for N = 0.

    Examples
    --------
    >>> print(empirical_cross_entropy([0, 0, 1], [0.5, 0.5], base=2))
    1.0
    """
    q = as_float_array(q, "q")
    if q.ndim != 1:
        raise ValueError(f"q must be one distribution of shape (K,), got shape {q.shape}")
    check_distribution(q, -1, "q")
    samples = _class_indices(samples, q.shape[0])
    if samples.size == 0:
        return q.dtype.type(np.nan)
    value = _minus_log(q)[samples].mean(dtype=q.dtype)
    return value / (q.dtype.type(1) if base is None else q.dtype.type(np.log(base)))


def perplexity(samples, q):
    r"""Perplexity of the model ``q`` on ``samples``: exp of the empirical cross-entropy.

    Parameters
    ----------
    samples : array_like of int, shape (N,)
        Observed class indices in ``[0, K)``.
    q : array_like, shape (K,)
        Model distribution.

    Returns
    -------
    scalar
        :math:`\exp H(\hat p, q) = \big(\prod_n q_{x_n}\big)^{-1/N}`, the effective number of
        equally likely choices the model hesitates between: K for the uniform model, 1 for a
        model that is always certain and right.

    Examples
    --------
    >>> print(perplexity([0, 1, 2, 3], np.full(4, 0.25)))
    4.0
    """
    return np.exp(empirical_cross_entropy(samples, q))


def temper(p, temperature, axis=-1):
    r"""Sharpen or flatten distributions: :math:`q \propto p^{1/T}` along ``axis``.

    Parameters
    ----------
    p : array_like
        Distributions along ``axis``.
    temperature : float
        T > 0. T = 1 returns ``p``; T < 1 sharpens towards the most likely outcome (one-hot as
        T -> 0); T > 1 flattens towards uniform over the support of ``p`` (as T -> inf).
    axis : int, optional
        Axis of the outcomes, by default the last.

    Returns
    -------
    ndarray
        Distributions of the shape and dtype of ``p``; zeros of ``p`` stay exactly 0.

    Notes
    -----
    .. math::

        q_i = \frac{p_i^{1/T}}{\sum_j p_j^{1/T}} = \mathrm{softmax}\!\left(\frac{\log p}{T}\right)_i

    Evaluated as the softmax of :math:`\log p / T` with :math:`\log 0 = -\infty`, so small T
    neither underflows every term to 0 nor divides 0 by 0. For logits z the same operation
    is ``softmax(z / T)``.

    Examples
    --------
    >>> print(temper([0.5, 0.3, 0.2], 0.5))
    [0.65789474 0.23684211 0.10526316]
    >>> print(temper([0.5, 0.5, 0.0], 10.0))
    [0.5 0.5 0. ]
    """
    p = as_float_array(p, "p")
    check_distribution(p, axis, "p")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    log_p = -_minus_log(p)
    return softmax(log_p / p.dtype.type(temperature), axis=axis)
