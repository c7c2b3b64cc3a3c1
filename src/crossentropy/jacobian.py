"""Derivatives of the softmax: its Jacobian and the vector-Jacobian product.

The softmax maps C logits to C probabilities, so its derivative is a C x C matrix per
sample. Backpropagation never needs the matrix itself, only its product with a vector
(:func:`softmax_vjp`, O(C)); the matrix (:func:`softmax_jacobian`, O(C^2)) is for looking
at, testing, and the Hessian of the cross-entropy, which it equals.
"""

import numpy as np

from ._validation import as_float_array
from .special import softmax

__all__ = ["softmax_jacobian", "softmax_vjp"]


def softmax_jacobian(logits):
    r"""Jacobian of the softmax over the last axis, one C x C matrix per sample.

    Parameters
    ----------
    logits : array_like, shape (..., C)
        Logits, classes on the last axis. ``-inf`` is allowed (that class has probability 0
        and a zero row and column).

    Returns
    -------
    ndarray, shape (..., C, C)
        ``J[..., i, j]`` is :math:`\partial p_i / \partial z_j`, in the floating dtype of
        ``logits`` (integers: float64).

    Notes
    -----
    With :math:`p = \operatorname{softmax}(z)`:

    .. math::

        J = \frac{\partial p}{\partial z} = \operatorname{diag}(p) - p p^\top,
        \qquad J_{ij} = p_i (\delta_{ij} - p_j)

    :math:`J` is symmetric and positive semi-definite, its rows and columns sum to 0 (adding
    a constant to every logit changes nothing), so it is singular with :math:`J \mathbf{1} =
    0`. It is also the Hessian of :math:`\operatorname{logsumexp}(z)`, hence of the
    cross-entropy :math:`\operatorname{logsumexp}(z) - z_y`: the covariance matrix of the
    one-hot vector of a class drawn from :math:`p`. The probabilities come from the stable
    :func:`~crossentropy.softmax`, so logits of any finite size work.

    See Also
    --------
    softmax_vjp, crossentropy.softmax

    Examples
    --------
    >>> print(softmax_jacobian([0.0, 0.0]))
    [[ 0.25 -0.25]
     [-0.25  0.25]]
    >>> print(softmax_jacobian([[1000.0, 0.0, -np.inf]]).shape)
    (1, 3, 3)
    """
    logits = as_float_array(logits, "logits")
    if logits.ndim == 0:
        raise ValueError("logits must have shape (..., C), got a scalar")
    p = softmax(logits)
    jacobian = -p[..., :, None] * p[..., None, :]
    diagonal = np.einsum("...ii->...i", jacobian)  # a writable view of the diagonal
    diagonal += p
    return jacobian


def softmax_vjp(logits, cotangent):
    r"""Product of a vector with the softmax Jacobian, :math:`v^\top J`, without forming J.

    Parameters
    ----------
    logits : array_like, shape (..., C)
        Logits, classes on the last axis.
    cotangent : array_like, shape (..., C)
        The gradient of some scalar loss with respect to the probabilities,
        :math:`v = \partial L / \partial p`; same shape as ``logits``.

    Returns
    -------
    ndarray, shape (..., C)
        :math:`\partial L / \partial z = J^\top v`, dtype of ``logits``.

    Notes
    -----
    .. math::

        J^\top v = p \odot (v - \langle v, p \rangle)

    which costs O(C) per sample instead of the O(C^2) of ``softmax_jacobian(z) @ v`` (the
    two agree because :math:`J` is symmetric). This is the step a loss applied *after* a
    softmax (the double-softmax bug) backpropagates through.

    See Also
    --------
    softmax_jacobian

    Examples
    --------
    >>> print(softmax_vjp([0.0, 0.0], [1.0, 0.0]))
    [ 0.25 -0.25]
    """
    logits = as_float_array(logits, "logits")
    cotangent = as_float_array(cotangent, "cotangent", dtype=logits.dtype)
    if cotangent.shape != logits.shape:
        raise ValueError(
            f"cotangent must have the shape of logits {logits.shape}, got {cotangent.shape}"
        )
    p = softmax(logits)
    inner = np.sum(cotangent * p, axis=-1, keepdims=True)
    return p * (cotangent - inner)
