r"""Gradient checking and numerical debugging (chapter 7): the data-in, data-out tools.

:func:`crossentropy.testing.numerical_gradient` differentiates any function by central
differences. The functions here are the pieces of a gradient check and of a NaN hunt that
take arrays and return arrays, so that a test (or a grader in another process) can call
them on plain data:

- :func:`relative_error`: how far an analytic gradient is from a numerical one, scale-free;
- :func:`softmax_cross_entropy_numerical_grad`: central differences of the mean softmax
  cross-entropy with respect to its logits, the oracle of
  :func:`~crossentropy.softmax_cross_entropy_grad`;
- :func:`grad_check_sparse`: CS231n's sparse check of a linear softmax classifier's weight
  gradient, on a few random coordinates;
- :func:`find_first_nonfinite`: where a training trace first went ``inf`` or ``nan``.
"""

import numpy as np

from ._validation import as_float_array
from .categorical import softmax_cross_entropy
from .testing import numerical_gradient

__all__ = ["relative_error", "softmax_cross_entropy_numerical_grad", "grad_check_sparse",
           "find_first_nonfinite"]

_TINY = 1e-12


def relative_error(analytic, numerical, tiny=_TINY):
    r"""Element-wise relative error between two gradients.

    .. math::

        e_i = \frac{|a_i - n_i|}{\max(|a_i|, |n_i|, \text{tiny})}

    Unchanged when both gradients are multiplied by the same factor; 0 where both are 0.
    In float64, errors below :math:`10^{-7}` mean the gradient is right, around
    :math:`10^{-4}` something is off, above :math:`10^{-2}` it is wrong. (CS231n divides by
    :math:`|a| + |n|`, which gives half of this for nearly equal values.)

    Parameters
    ----------
    analytic, numerical : array_like
        Same shape.
    tiny : float, optional
        Floor of the denominator, so that two zeros give 0 instead of 0 / 0.

    Returns
    -------
    ndarray of float64, the shape of the inputs

    Examples
    --------
    >>> print(relative_error([1.0, 0.0, -2.0], [1.0001, 0.0, 2.0]))
    [9.9990001e-05 0.0000000e+00 2.0000000e+00]
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numerical, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numerical must have the same shape, got {a.shape} and "
                         f"{n.shape}")
    return np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)


def softmax_cross_entropy_numerical_grad(logits, targets, h=None):
    r"""Central-difference gradient of the mean softmax cross-entropy w.r.t. the logits.

    .. math::

        \frac{\partial L}{\partial z_{nc}} \approx
        \frac{L(z + h e_{nc}) - L(z - h e_{nc})}{2h},
        \qquad L(z) = \frac{1}{N}\sum_n \big(\operatorname{logsumexp}(z_n) - z_{n y_n}\big)

    one logit at a time; the truncation error is :math:`O(h^2)`, the rounding error
    :math:`O(\varepsilon L / h)`.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Not modified (a copy is perturbed).
    targets : array_like of int, shape (N,)
        Class indices.
    h : float, optional
        Step; by default :math:`\varepsilon^{1/3}` of the logits' dtype (6e-6 in float64,
        5e-3 in float32), the bottom of the error's U-curve.

    Returns
    -------
    ndarray, shape and floating dtype of ``logits`` (integers: float64)

    Examples
    --------
    >>> z = np.array([[0.0, np.log(3.0)]])
    >>> print(softmax_cross_entropy_numerical_grad(z, np.array([0])).round(8))
    [[-0.75  0.75]]
    """
    z = np.array(as_float_array(logits, "logits"), copy=True)
    t = np.asarray(targets)
    return numerical_gradient(lambda v: softmax_cross_entropy(v, t), z, h)


def grad_check_sparse(W, X, y, analytic, num_checks=10, h=1e-6, seed=0):
    r"""Check a weight gradient of the linear softmax classifier on random coordinates.

    The loss is :math:`L(W) = \frac{1}{N}\sum_n \operatorname{CE}(x_n^\top W, y_n)`, the mean
    softmax cross-entropy of the logits :math:`XW`. For ``num_checks`` coordinates
    :math:`(i, j)` drawn with ``np.random.default_rng(seed)``, the numerical derivative

    .. math::

        n_{ij} = \frac{L(W + h E_{ij}) - L(W - h E_{ij})}{2h}

    is compared with ``analytic[i, j]`` by :func:`relative_error`. Costs ``2 * num_checks``
    loss evaluations instead of the :math:`2 D C` of a full check: a wrong formula is rarely
    wrong in only a few entries.

    Parameters
    ----------
    W : ndarray, shape (D, C)
        Weights (not modified).
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
    analytic : ndarray, shape (D, C)
        The gradient to check.
    num_checks : int, optional
    h : float, optional
    seed : int, optional
        Coordinates drawn with ``rng.integers`` (with replacement), reproducible.

    Returns
    -------
    indices : ndarray of int64, shape (num_checks, 2)
        The checked coordinates :math:`(i, j)`.
    errors : ndarray of float64, shape (num_checks,)
        Their relative errors.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W, X, y = rng.normal(size=(3, 4)), rng.normal(size=(20, 3)), rng.integers(0, 4, 20)
    >>> import crossentropy as ce
    >>> right = X.T @ ce.softmax_cross_entropy_grad(X @ W, y)
    >>> indices, errors = grad_check_sparse(W, X, y, right, num_checks=5)
    >>> indices.shape, bool(errors.max() < 1e-7)
    ((5, 2), True)
    >>> bool(grad_check_sparse(W, X, y, 2 * right, num_checks=5)[1].min() > 0.4)
    True
    """
    W = np.array(as_float_array(W, "W"), copy=True)
    X = as_float_array(X, "X")
    y = np.asarray(y)
    analytic = np.asarray(analytic)
    if W.ndim != 2 or X.ndim != 2 or X.shape[1] != W.shape[0]:
        raise ValueError(f"W must have shape (D, C) and X shape (N, D), got {W.shape} and "
                         f"{X.shape}")
    if analytic.shape != W.shape:
        raise ValueError(f"analytic must have the shape of W {W.shape}, got {analytic.shape}")
    rng = np.random.default_rng(seed)
    indices = np.stack([rng.integers(0, W.shape[0], size=num_checks),
                        rng.integers(0, W.shape[1], size=num_checks)], axis=1).astype(np.int64)
    numerical = np.empty(num_checks)
    for k, (i, j) in enumerate(indices):
        original = W[i, j]
        W[i, j] = original + h
        plus = float(softmax_cross_entropy(X @ W, y))
        W[i, j] = original - h
        minus = float(softmax_cross_entropy(X @ W, y))
        W[i, j] = original
        numerical[k] = (plus - minus) / (2 * h)
    return indices, relative_error(analytic[indices[:, 0], indices[:, 1]], numerical)


def find_first_nonfinite(values):
    """Index of the first NaN or infinity of ``values`` in C (row-major) order, or None.

    Parameters
    ----------
    values : array_like
        A training trace (losses per step), a weight matrix, anything numeric.

    Returns
    -------
    tuple of int or None
        The index, one int per axis (``(i,)`` for a 1-D trace); ``None`` if every entry is
        finite (also for an empty array).

    Examples
    --------
    >>> find_first_nonfinite([2.3, 1.9, np.inf, np.nan])
    (2,)
    >>> find_first_nonfinite(np.array([[0.0, 1.0], [-np.inf, 0.0]]))
    (1, 0)
    >>> find_first_nonfinite([1.0, 2.0]) is None
    True
    """
    values = np.asarray(values)
    if values.dtype.kind not in "biufc":
        raise ValueError(f"values must be numeric, got dtype {values.dtype}")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size == 0:
        return None
    return tuple(int(i) for i in np.unravel_index(bad[0], values.shape))
