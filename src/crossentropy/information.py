"""Entropy, cross-entropy and Kullback-Leibler divergence of discrete distributions.

``p`` and ``q`` hold distributions along ``axis``: non-negative entries that sum to 1 (within
:func:`crossentropy._validation.distribution_tolerance` of the dtype). They must have the same
shape; nothing is broadcast. The result has the shape of ``p`` without ``axis``.
"""

import numpy as np

from ._validation import as_float_array, check_distribution, check_same_shape

__all__ = ["entropy", "cross_entropy", "kl_divergence"]

# p * log q can underflow to 0 for tiny p; that 0 is the intended result.
_quiet_underflow = np.errstate(under="ignore")


def _log_base(base, dtype):
    """The divisor that turns nats into units of ``base`` (1 for nats)."""
    if base is None:
        return dtype.type(1)
    if not (np.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"base must be a positive number other than 1, or None, got {base!r}")
    return dtype.type(np.log(base))


def _minus_log(q):
    """-log(q) with -log(0) = +inf, without a divide-by-zero warning."""
    minus_log = np.log(q, out=np.full_like(q, -np.inf), where=q > 0)
    return np.negative(minus_log, out=minus_log)


def _sum_p_times(p, values, axis):
    """Sum of ``p * values`` along ``axis`` with terms where p = 0 counted as 0, even when the
    value is infinite (the 0 log 0 = 0 convention)."""
    terms = np.multiply(p, values, out=np.zeros_like(p), where=p > 0)
    return terms.sum(axis=axis)


def _distributions(p, q, axis):
    p = as_float_array(p, "p")
    q = as_float_array(q, "q", dtype=p.dtype)
    check_same_shape(p, q, "p", "q")
    check_distribution(p, axis, "p")
    check_distribution(q, axis, "q")
    return p, q


@_quiet_underflow
def entropy(p, axis=-1, base=None):
    r"""Shannon entropy of the distributions ``p`` along ``axis``.

    Parameters
    ----------
    p : array_like
        Probabilities; each slice along ``axis`` is a distribution.
    axis : int, optional
        Axis of the outcomes, by default the last.
    base : float or None, optional
        Base of the logarithm: None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar
        Entropies, shape ``p.shape`` without ``axis``, dtype of ``p`` (integers: float64).

    Raises
    ------
    ValueError
        If ``p`` has negative entries or a slice that does not sum to 1.

    Notes
    -----
    .. math::

        H(p) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0

    Terms with :math:`p_i = 0` are set to 0 with ``np.where``-style masking rather than by
    adding an epsilon inside the log. :math:`0 \le H(p) \le \log K` for :math:`K` outcomes.

    See Also
    --------
    cross_entropy, kl_divergence

    Examples
    --------
    >>> print(entropy([0.5, 0.5], base=2))
    1.0
    >>> print(entropy([[1.0, 0.0], [0.25, 0.75]]))
    [0.         0.56233514]
    """
    p = as_float_array(p, "p")
    check_distribution(p, axis, "p")
    return _sum_p_times(p, _minus_log(p), axis) / _log_base(base, p.dtype)


@_quiet_underflow
def cross_entropy(p, q, axis=-1, base=None):
    r"""Cross-entropy of the distributions ``q`` relative to ``p`` along ``axis``.

    Parameters
    ----------
    p : array_like
        True distributions.
    q : array_like
        Model distributions, same shape as ``p``.
    axis : int, optional
        Axis of the outcomes, by default the last.
    base : float or None, optional
        Base of the logarithm: None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar
        Cross-entropies, shape ``p.shape`` without ``axis``, dtype of ``p``.

    Raises
    ------
    ValueError
        If the shapes differ, or ``p`` or ``q`` is not a distribution along ``axis``.

    Notes
    -----
    .. math::

        H(p, q) = -\sum_i p_i \log q_i = H(p) + D_{\mathrm{KL}}(p \,\|\, q)

    It is :math:`+\infty` where some :math:`q_i = 0 < p_i`, and terms with :math:`p_i = 0`
    are 0 whatever :math:`q_i`. For losses computed from logits, use
    :func:`crossentropy.softmax_cross_entropy`, which never forms :math:`\log q`.

    See Also
    --------
    entropy, kl_divergence, softmax_cross_entropy

    Examples
    --------
    >>> print(cross_entropy([1.0, 0.0], [0.8, 0.2]))
    0.2231436
    >>> print(cross_entropy([0.5, 0.5], [1.0, 0.0]))
    inf
    """
    p, q = _distributions(p, q, axis)
    return _sum_p_times(p, _minus_log(q), axis) / _log_base(base, p.dtype)


@_quiet_underflow
def kl_divergence(p, q, axis=-1, base=None):
    r"""Kullback-Leibler divergence of ``q`` from ``p`` along ``axis``.

    Parameters
    ----------
    p : array_like
        True distributions.
    q : array_like
        Model distributions, same shape as ``p``.
    axis : int, optional
        Axis of the outcomes, by default the last.
    base : float or None, optional
        Base of the logarithm: None for nats, 2 for bits.

    Returns
    -------
    ndarray or scalar
        Divergences :math:`\ge 0`, shape ``p.shape`` without ``axis``, dtype of ``p``.

    Raises
    ------
    ValueError
        If the shapes differ, or ``p`` or ``q`` is not a distribution along ``axis``.

    Notes
    -----
    .. math::

        D_{\mathrm{KL}}(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}

    with :math:`0 \log(0/q) = 0` and :math:`+\infty` where :math:`q_i = 0 < p_i`. The argument
    order is the mathematical one: ``kl_divergence(p, q)`` is :math:`D(p \| q)` (PyTorch's
    ``F.kl_div(input, target)`` takes log ``q`` first and computes :math:`D(target \| q)`).
    Each term is :math:`p_i(\log p_i - \log q_i)`, masked where :math:`p_i = 0`; rounding can
    leave a result of order ``-eps`` when ``p == q``.

    See Also
    --------
    entropy, cross_entropy

    Examples
    --------
    >>> print(kl_divergence([0.5, 0.5], [0.9, 0.1]))
    0.5108256
    >>> print(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    """
    p, q = _distributions(p, q, axis)
    # log p - log q only where p > 0: there log p is finite, so the difference is never NaN.
    log_ratio = np.subtract(_minus_log(q), _minus_log(p), out=np.zeros_like(p), where=p > 0)
    return _sum_p_times(p, log_ratio, axis) / _log_base(base, p.dtype)
