"""Numerically stable sigmoid, softmax and their logarithms.

Every function keeps float16/float32/float64 input in its dtype (integers become float64) and
raises no floating-point warning for finite input: the max shift keeps ``exp`` from
overflowing, and the underflow of ``exp`` to 0 for very negative arguments is the intended
result, so it is silenced.
"""

import numpy as np

from ._validation import as_float_array

__all__ = ["sigmoid", "log_sigmoid", "logsumexp", "softmax", "log_softmax"]

_quiet_underflow = np.errstate(under="ignore")


@_quiet_underflow
def sigmoid(x):
    r"""Logistic sigmoid, element-wise.

    Parameters
    ----------
    x : array_like
        Logits, any shape.

    Returns
    -------
    ndarray
        :math:`\sigma(x)` in [0, 1], same shape and floating dtype as ``x``.

    Notes
    -----
    .. math::

        \sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}

    Both forms are evaluated through :math:`e^{-|x|} \le 1`, which never overflows: the first
    for :math:`x \ge 0`, the second for :math:`x < 0`, so small probabilities keep their full
    relative precision (``sigmoid(-100)`` is 3.7e-44, not 0).

    See Also
    --------
    log_sigmoid

    Examples
    --------
    >>> print(sigmoid([-1e4, -100.0, 0.0, 2.0, 1e4]))
    [0.00000000e+00 3.72007598e-44 5.00000000e-01 8.80797078e-01 1.00000000e+00]
    """
    x = as_float_array(x, "x")
    exp_minus_abs = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, exp_minus_abs) / (1 + exp_minus_abs)


@_quiet_underflow
def log_sigmoid(x):
    r"""Logarithm of the logistic sigmoid, element-wise.

    Parameters
    ----------
    x : array_like
        Logits, any shape.

    Returns
    -------
    ndarray
        :math:`\log \sigma(x) \le 0`, same shape and floating dtype as ``x``.

    Notes
    -----
    .. math::

        \log \sigma(x) = -\log(1 + e^{-x}) = \min(x, 0) - \log(1 + e^{-|x|})

    The right-hand form is evaluated with ``log1p``: it neither overflows for very negative
    :math:`x` (``log_sigmoid(-1000) = -1000``, where ``log(sigmoid(-1000))`` is ``-inf``) nor
    rounds to 0 for large positive :math:`x`. :math:`\log(1 - \sigma(x))` is
    ``log_sigmoid(-x)``.

    See Also
    --------
    sigmoid

    Examples
    --------
    >>> print(log_sigmoid([-1000.0, 0.0, 29.0, 400.0]))
    [-1.00000000e+003 -6.93147181e-001 -2.54366565e-013 -1.91516960e-174]
    """
    x = as_float_array(x, "x")
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _shift_and_log_sum(x, axis):
    """Return the shift, ``x - shift`` and ``log sum exp(x - shift)`` along ``axis`` (kept with
    length 1), and where the maximum is finite.

    The shift is the maximum where that is finite and 0 elsewhere: shifting by a non-finite
    maximum would turn the row into NaN (``-inf - -inf``). With a shift of 0 an all -inf row
    sums to 0 (log -inf), and a +inf or NaN entry propagates by itself.
    """
    maximum = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    finite = np.isfinite(maximum)
    shift = np.where(finite, maximum, 0).astype(x.dtype, copy=False)
    shifted = x - shift
    sum_exp = np.exp(shifted).sum(axis=axis, keepdims=True)
    log_sum = np.log(sum_exp, out=np.full_like(sum_exp, -np.inf), where=sum_exp != 0)
    return shift, shifted, log_sum, finite


def _log_sum_or_nan(x, axis):
    """``x - shift`` and its log sum exp, NaN for rows without a finite maximum (no softmax)."""
    _, shifted, log_sum, finite = _shift_and_log_sum(x, axis)
    return shifted, np.where(finite, log_sum, np.nan).astype(x.dtype, copy=False)


@_quiet_underflow
def logsumexp(x, axis=-1, keepdims=False):
    r"""Logarithm of the sum of exponentials along ``axis``.

    Parameters
    ----------
    x : array_like
        Input of any shape.
    axis : int, optional
        Axis to reduce, by default the last.
    keepdims : bool, optional
        Keep the reduced axis with length 1.

    Returns
    -------
    ndarray
        ``x.shape`` without ``axis`` (or with it of length 1), same floating dtype as ``x``.

    Notes
    -----
    .. math::

        \operatorname{logsumexp}(x) = m + \log \sum_i e^{x_i - m}, \qquad m = \max_i x_i

    The shift by :math:`m` keeps every exponential in [0, 1] and one of them equal to 1.
    ``-inf`` entries contribute 0; a row that is all ``-inf`` (or empty) gives ``-inf``, a
    ``+inf`` entry gives ``+inf``, a NaN gives NaN.

    See Also
    --------
    softmax, log_softmax

    Examples
    --------
    >>> print(logsumexp([1000.0, 1000.0]))
    1000.6931471805599
    >>> print(logsumexp([[0.0, -np.inf], [-np.inf, -np.inf]]))
    [  0. -inf]
    """
    x = as_float_array(x, "x")
    shift, _, log_sum, _ = _shift_and_log_sum(x, axis)
    result = shift + log_sum
    return result if keepdims else np.squeeze(result, axis=axis)


@_quiet_underflow
def softmax(x, axis=-1):
    r"""Softmax along ``axis``: exponentials normalised to sum to 1.

    Parameters
    ----------
    x : array_like
        Logits of any shape.
    axis : int, optional
        Axis of the classes, by default the last.

    Returns
    -------
    ndarray
        Probabilities, same shape and floating dtype as ``x``.

    Notes
    -----
    .. math::

        \operatorname{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}},
        \qquad m = \max_j x_j

    computed as :math:`\exp(x_i - m - \log \sum_j e^{x_j - m})`. A ``-inf`` logit gets
    probability exactly 0. A row with no finite maximum (all ``-inf``, or containing ``+inf``
    or NaN) has no softmax; it gives NaN, as in PyTorch and SciPy, but without a warning.

    See Also
    --------
    log_softmax, logsumexp

    Examples
    --------
    >>> print(softmax([1000.0, 1.0, -np.inf]))
    [1. 0. 0.]
    >>> print(softmax([[0.0, np.log(3)], [-np.inf, -np.inf]]))
    [[0.25 0.75]
     [ nan  nan]]
    """
    x = as_float_array(x, "x")
    shifted, log_sum = _log_sum_or_nan(x, axis)
    return np.exp(shifted - log_sum)


@_quiet_underflow
def log_softmax(x, axis=-1):
    r"""Logarithm of the softmax along ``axis``.

    Parameters
    ----------
    x : array_like
        Logits of any shape.
    axis : int, optional
        Axis of the classes, by default the last.

    Returns
    -------
    ndarray
        Log-probabilities (:math:`\le 0`), same shape and floating dtype as ``x``.

    Notes
    -----
    .. math::

        \log \operatorname{softmax}(x)_i = (x_i - m) - \log \sum_j e^{x_j - m},
        \qquad m = \max_j x_j

    Subtracting :math:`m` first keeps the precision of large logits (``x - logsumexp(x)``
    would round at the scale of :math:`m`), and unlike ``log(softmax(x))`` it never takes the
    log of an underflowed 0: ``log_softmax([1000, 1]) = [0, -999]``. A ``-inf`` logit gives
    ``-inf``; a row with no finite maximum gives NaN, as for :func:`softmax`.

    See Also
    --------
    softmax, logsumexp

    Examples
    --------
    >>> print(log_softmax([1000.0, 1.0]))
    [   0. -999.]
    """
    x = as_float_array(x, "x")
    shifted, log_sum = _log_sum_or_nan(x, axis)
    return shifted - log_sum
