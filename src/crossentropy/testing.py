"""Helpers for checking gradients and distributions, used by the tests and the autograder."""

import numpy as np

from ._validation import check_distribution

__all__ = ["numerical_gradient", "check_gradient", "assert_distribution"]


def _default_step(dtype):
    # eps^(1/3) balances the O(h^2) truncation error of central differences against the
    # O(eps/h) rounding error: 6e-6 for float64, 5e-3 for float32.
    return float(np.cbrt(np.finfo(dtype).eps))


def numerical_gradient(f, x, h=None):
    r"""Gradient of the scalar function ``f`` at ``x`` by central differences.

    Parameters
    ----------
    f : callable
        Takes an array of the shape of ``x`` and returns a scalar.
    x : ndarray
        Floating point. Each entry is perturbed in place, one at a time, and restored
        afterwards, also if ``f`` raises.
    h : float, optional
        Step. By default :math:`\varepsilon^{1/3}` of the dtype (6e-6 for float64, 5e-3 for
        float32).

    Returns
    -------
    ndarray
        Same shape and dtype as ``x``.

    Notes
    -----
    .. math::

        \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    with an error of order :math:`h^2 f''' + \varepsilon f / h`. It costs :math:`2 n`
    evaluations of ``f``: use it on small inputs.

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> print(numerical_gradient(lambda z: np.sum(z**2), x))
    [2. 4.]
    """
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise ValueError("x must be a floating-point ndarray (it is perturbed in place)")
    h = _default_step(x.dtype) if h is None else h
    grad = np.empty_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be contiguous (it is perturbed in place)")
    for i in range(flat_x.size):
        original = flat_x[i]
        try:
            flat_x[i] = original + h
            f_plus = f(x)
            flat_x[i] = original - h
            f_minus = f(x)
        finally:
            flat_x[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def check_gradient(f, grad, x, rtol=1e-6, atol=1e-8, h=None):
    r"""Assert that ``grad(x)`` matches the central-difference gradient of ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        Scalar function of an array of the shape of ``x``.
    grad : callable
        Claimed gradient of ``f``; returns an array of the shape of ``x``.
    x : ndarray
        Floating-point point of evaluation (restored after the check).
    rtol, atol : float, optional
        Tolerances of ``np.testing.assert_allclose``. The defaults suit float64; for float32
        use about 1e-3.
    h : float, optional
        Step of :func:`numerical_gradient`.

    Raises
    ------
    AssertionError
        If the shapes differ or the gradients disagree; the message gives the worst entry.

    Notes
    -----
    Passes when, entry by entry,

    .. math::

        \Big| g_i(x) - \frac{f(x + h e_i) - f(x - h e_i)}{2h} \Big|
        \le \text{atol} + \text{rtol} \, \Big| \frac{f(x + h e_i) - f(x - h e_i)}{2h} \Big|

    Examples
    --------
    >>> check_gradient(lambda z: np.sum(z**3), lambda z: 3 * z**2, np.array([1.0, -2.0]))
    >>> check_gradient(lambda z: np.sum(z**3), lambda z: 2 * z**2,
    ...                np.array([1.0, -2.0]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: analytic and numerical gradients differ at index (1,): 8.0 vs 12.0...
    """
    analytic = np.asarray(grad(x.copy()))
    numerical = numerical_gradient(f, x, h)
    if analytic.shape != numerical.shape:
        raise AssertionError(
            f"gradient has shape {analytic.shape}, expected the shape of x {numerical.shape}"
        )
    mismatch = np.abs(analytic - numerical) > atol + rtol * np.abs(numerical)
    if mismatch.any():
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(analytic - numerical)),
                                                       analytic.shape))
        raise AssertionError(
            f"analytic and numerical gradients differ at index {worst}: "
            f"{analytic[worst]} vs {numerical[worst]} ({mismatch.sum()} of {mismatch.size} "
            f"entries outside rtol={rtol}, atol={atol})"
        )


def assert_distribution(p, axis=-1):
    r"""Assert that ``p`` holds probability distributions along ``axis``.

    Passes when :math:`p_i \ge 0` and :math:`|\sum_i p_i - 1| \le \sqrt{\epsilon}`, with
    :math:`\epsilon` the machine epsilon of the dtype; raises AssertionError with the reason
    otherwise.

    Examples
    --------
    >>> assert_distribution(np.array([[0.25, 0.75], [1.0, 0.0]]))
    >>> assert_distribution(np.array([0.5, 0.6]))
    Traceback (most recent call last):
    ...
    AssertionError: p must sum to 1 along axis -1 (tolerance 1.5e-08), found a sum of 1.1
    """
    p = np.asarray(p)
    if not np.issubdtype(p.dtype, np.floating):
        raise AssertionError(f"p must have a floating dtype, got {p.dtype}")
    try:
        check_distribution(p, axis, "p")
    except ValueError as error:
        raise AssertionError(str(error)) from None
