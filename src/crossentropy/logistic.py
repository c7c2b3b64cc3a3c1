r"""Logistic regression trained by full-batch gradient descent on the binary cross-entropy.

The model scores a feature row x with the logit :math:`z = x \cdot w + b` and predicts
:math:`P(y = 1 \mid x) = \sigma(z)`. ``X`` has shape (N, D), ``y`` shape (N,) with labels (or
soft targets) in [0, 1], ``w`` shape (D,), ``b`` a scalar.
"""

from typing import NamedTuple

import numpy as np

from ._validation import as_float_array
from .binary import binary_cross_entropy_with_logits_value_and_grad

__all__ = ["logistic_regression_loss_and_grad", "fit_logistic_regression", "LogisticFit"]


def _data(X, y):
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D), got {X.shape}")
    y = as_float_array(y, "y", dtype=X.dtype)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    return X, y


def logistic_regression_loss_and_grad(w, b, X, y, l2=0.0, sample_weight=None):
    r"""Mean binary cross-entropy of a logistic regression, with its gradient.

    Parameters
    ----------
    w : array_like, shape (D,)
        Weights.
    b : float
        Bias (intercept).
    X : array_like, shape (N, D)
        Features.
    y : array_like, shape (N,)
        Targets in [0, 1].
    l2 : float, optional
        Strength :math:`\lambda \ge 0` of the penalty :math:`\tfrac{\lambda}{2}\|w\|^2` (the
        bias is not penalised).
    sample_weight : array_like, shape (N,), optional
        Per-example weights :math:`s_n`; the mean still divides by N (PyTorch's ``weight``).

    Returns
    -------
    loss : scalar
        :math:`L = \frac{1}{N}\sum_n s_n\,\ell(x_n \cdot w + b, y_n) + \frac{\lambda}{2}\|w\|^2`,
        with :math:`\ell(z, y) = \max(z, 0) - z y + \log(1 + e^{-|z|})`.
    dw : ndarray, shape (D,)
        :math:`\frac{1}{N} X^\top \big(s \odot (\sigma(Xw + b) - y)\big) + \lambda w`.
    db : scalar
        :math:`\frac{1}{N} \sum_n s_n (\sigma(z_n) - y_n)`.

    Notes
    -----
    The loss is computed from the logits, so it is finite for any finite weights, and the
    residual :math:`\sigma(z) - y` is the whole gradient with respect to the logit: there is
    no :math:`\sigma'(z)` factor that vanishes when the model is confidently wrong.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> loss, dw, db = logistic_regression_loss_and_grad(np.zeros(2), 0.0, X, [1.0, 0.0])
    >>> print(loss, dw, db)
    0.693147 [-0.25  0.25] 0.0
    """
    X, y = _data(X, y)
    w = as_float_array(w, "w", dtype=X.dtype)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},), got {w.shape}")
    if not l2 >= 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    logits = X @ w + X.dtype.type(b)
    loss, grad_logits = binary_cross_entropy_with_logits_value_and_grad(
        logits, y, weight=sample_weight, reduction="mean")
    l2 = X.dtype.type(l2)
    loss = loss + l2 / 2 * (w @ w)
    dw = X.T @ grad_logits + l2 * w
    return X.dtype.type(loss), dw, X.dtype.type(grad_logits.sum())


class LogisticFit(NamedTuple):
    """Result of :func:`fit_logistic_regression`: parameters and the loss at every step."""

    w: np.ndarray
    b: float
    losses: np.ndarray


def fit_logistic_regression(X, y, lr=0.5, num_steps=500, l2=0.0, sample_weight=None):
    r"""Fit a logistic regression by full-batch gradient descent from w = 0, b = 0.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Features (standardised features make one learning rate suit every weight).
    y : array_like, shape (N,)
        Targets in [0, 1].
    lr : float, optional
        Step size :math:`\eta`.
    num_steps : int, optional
        Number of gradient steps.
    l2, sample_weight : optional
        As in :func:`logistic_regression_loss_and_grad`.

    Returns
    -------
    LogisticFit
        ``w`` (D,), ``b`` and ``losses`` (num_steps + 1,): the training loss before each step
        and after the last.

    Notes
    -----
    Each step is :math:`w \leftarrow w - \eta\,\partial L/\partial w`,
    :math:`b \leftarrow b - \eta\,\partial L/\partial b`. The loss is convex, so a small
    enough step size converges to the minimum; with ``l2 = 0`` on separable data there is no
    minimum and :math:`\|w\|` keeps growing.

    Examples
    --------
    >>> X = np.array([[-1.0], [1.0], [2.0], [-2.0]])
    >>> fit = fit_logistic_regression(X, [0.0, 1.0, 1.0, 1.0], lr=1.0, num_steps=200)
    >>> print(fit.losses[0] > fit.losses[-1], fit.losses.shape)
    True (201,)
    """
    X, y = _data(X, y)
    w = np.zeros(X.shape[1], dtype=X.dtype)
    b = X.dtype.type(0)
    losses = np.empty(num_steps + 1, dtype=X.dtype)
    for step in range(num_steps + 1):
        losses[step], dw, db = logistic_regression_loss_and_grad(w, b, X, y, l2, sample_weight)
        if step < num_steps:
            w = w - lr * dw
            b = b - lr * db
    return LogisticFit(w, float(b), losses)
