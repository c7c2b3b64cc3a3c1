"""Softmax cross-entropy from logits, with the semantics of PyTorch's ``F.cross_entropy``.

The classes are on the last axis: logits have shape (..., C). Targets are either class
indices (integer dtype, shape ``logits.shape[:-1]``) or class probabilities (floating dtype,
shape of the logits). The loss, its gradient, or both come from one softmax pass over the
logits (see :mod:`crossentropy._rowwise`).
"""

from typing import NamedTuple

import numpy as np

from . import _validation as v
from ._rowwise import softmax_rows

__all__ = [
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "softmax_cross_entropy_value_and_grad",
]


class _Problem(NamedTuple):
    logits: np.ndarray  # (R, C), C-contiguous, float32 or float64
    out_dtype: np.dtype
    batch_shape: tuple
    targets: np.ndarray  # (R,) indices, 0 where ignored; or (R, C) probabilities
    counted: np.ndarray | None  # (R,) targets not ignored; None for probability targets
    weight: np.ndarray | None  # (C,)
    smoothing: float
    reduction: str


def _prepare(logits, targets, weight, ignore_index, reduction, label_smoothing):
    logits = v.as_float_array(logits, "logits")
    out_dtype = logits.dtype
    # float16 is computed in float32 (exp and sums in half precision lose too much).
    work_dtype = np.float32 if out_dtype == np.float16 else out_dtype
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"logits must have shape (..., C) with C >= 1, got {logits.shape}")
    num_classes = logits.shape[-1]
    v.check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}")
    if weight is not None:
        weight = v.as_float_array(weight, "weight", dtype=work_dtype)
        if weight.shape != (num_classes,):
            raise ValueError(
                f"weight must have shape ({num_classes},), one per class, got {weight.shape}"
            )
        v.check_nonnegative(weight, "weight")
    targets = np.asarray(targets)
    flat_logits = np.ascontiguousarray(logits.reshape(-1, num_classes), dtype=work_dtype)
    counted = None
    if np.issubdtype(targets.dtype, np.integer):
        if targets.shape != logits.shape[:-1]:
            raise ValueError(
                f"class-index targets must have shape logits.shape[:-1] = {logits.shape[:-1]}, "
                f"got {targets.shape}"
            )
        counted = v.check_class_indices(targets, num_classes, ignore_index).reshape(-1)
        targets = np.where(counted, targets.reshape(-1), 0)
    elif np.issubdtype(targets.dtype, np.floating):
        targets = v.as_float_array(targets, "targets", dtype=work_dtype)
        v.check_same_shape(logits, targets, "logits", "probability targets")
        v.check_distribution(targets, -1, "probability targets")
        targets = targets.reshape(-1, num_classes)
    else:
        raise ValueError(
            "targets must be integer class indices or floating class probabilities, "
            f"got dtype {targets.dtype}"
        )
    return _Problem(
        flat_logits, out_dtype, logits.shape[:-1], targets, counted, weight,
        float(label_smoothing), reduction,
    )


def _index_loss(problem, with_grad):
    """Per-row losses, the mean's denominator and (optionally) the gradient, index targets."""
    logits, targets, counted = problem.logits, problem.targets, problem.counted
    eps = problem.smoothing
    num_rows, num_classes = logits.shape
    dtype = logits.dtype
    class_weight = np.ones(num_classes, dtype) if problem.weight is None else problem.weight
    target_weight = np.where(counted, class_weight[targets], 0).astype(dtype, copy=False)
    total_weight = class_weight.sum()
    denominator = target_weight.sum() if problem.reduction == "mean" else 1
    scale = 0 if denominator == 0 else 1 / denominator  # nothing counted: zero gradient
    grad = row_scale = None
    if with_grad:
        # d loss_n / dz_n = (1 - eps) w_y (p - e_y) + (eps / C) (W p - w), W = sum_c w_c: the
        # softmax is scaled per row here, the e_y and w terms are subtracted below.
        grad = np.empty_like(logits)
        row_scale = ((1 - eps) * target_weight + (eps / num_classes) * total_weight * counted)
        row_scale = (row_scale * scale).astype(dtype, copy=False)
    stats = softmax_rows(logits, probs_out=grad, row_scale=row_scale,
                         dot_weights=class_weight if eps > 0 else None)
    log_sum = np.log(stats.sum_exp)
    rows = np.arange(num_rows)
    target_nll = log_sum - (logits[rows, targets] - stats.shift)
    # A zero weight (or an ignored target) times an infinite -log p counts as 0.
    losses = np.multiply(target_weight, target_nll, out=np.zeros_like(log_sum),
                         where=target_weight > 0)
    if eps > 0:
        # sum_c w_c (-log p_c) = W log_sum - sum_c w_c (z_c - shift)
        smooth = np.where(counted, total_weight * log_sum - stats.shifted_dot, 0)
        losses = (1 - eps) * losses if eps < 1 else np.zeros_like(losses)
        losses += (eps / num_classes) * smooth
    if with_grad:
        grad[rows[counted], targets[counted]] -= ((1 - eps) * scale) * target_weight[counted]
        if eps > 0:
            grad -= ((eps / num_classes) * scale * counted)[:, None] * class_weight
    return losses, denominator, grad


def _probability_loss(problem, with_grad):
    """Per-row losses, the mean's denominator and (optionally) the gradient, soft targets."""
    logits, weight, eps = problem.logits, problem.weight, problem.smoothing
    num_rows, num_classes = logits.shape
    coefficients = problem.targets if eps == 0 else (1 - eps) * problem.targets + eps / num_classes
    if weight is not None:
        coefficients = coefficients * weight
    coefficient_sums = coefficients.sum(axis=1)
    denominator = num_rows if problem.reduction == "mean" else 1
    scale = 0 if denominator == 0 else 1 / denominator
    grad = np.empty_like(logits) if with_grad else None
    stats = softmax_rows(logits, probs_out=grad, row_scale=coefficient_sums * scale)
    shifted = logits - stats.shift[:, None]
    # A zero coefficient times a -inf logit counts as 0 (0 log 0 = 0); PyTorch gives NaN.
    weighted_shifted = np.multiply(coefficients, shifted, out=np.zeros_like(shifted),
                                   where=coefficients != 0)
    losses = coefficient_sums * np.log(stats.sum_exp) - weighted_shifted.sum(axis=1)
    if with_grad:
        grad -= coefficients * scale
    return losses, denominator, grad


def _evaluate(problem, with_grad):
    compute = _probability_loss if problem.counted is None else _index_loss
    with np.errstate(under="ignore"):
        losses, denominator, grad = compute(problem, with_grad)
        loss = v.reduce_losses(losses.reshape(problem.batch_shape), problem.reduction, denominator)
    out_dtype = problem.out_dtype
    loss = loss.astype(out_dtype, copy=False) if loss.ndim else out_dtype.type(loss)
    if grad is not None:
        grad = grad.astype(out_dtype, copy=False).reshape(problem.batch_shape + grad.shape[-1:])
    return loss, grad


def softmax_cross_entropy(logits, targets, weight=None, ignore_index=-100, reduction="mean",
                          label_smoothing=0.0):
    r"""Cross-entropy between targets and the softmax of ``logits``, as ``F.cross_entropy``.

    Parameters
    ----------
    logits : array_like, shape (..., C)
        Unnormalised log-probabilities, classes on the last axis; (C,) is one sample.
        ``-inf`` is allowed (probability exactly 0), NaN and ``+inf`` are not.
    targets : array_like
        Either class indices (integer dtype, shape ``logits.shape[:-1]``, values in [0, C) or
        ``ignore_index``), or class probabilities (floating dtype, shape of ``logits``, each
        row non-negative and summing to 1).
    weight : array_like, shape (C,), optional
        Non-negative weight of each class.
    ignore_index : int, optional
        Class-index target that is left out of the loss and of the mean's denominator.
        Unused with probability targets.
    reduction : {"mean", "sum", "none"}, optional
        "none" returns the per-sample losses, shape ``logits.shape[:-1]``.
    label_smoothing : float in [0, 1], optional
        Mix the targets with the uniform distribution: :math:`(1 - \varepsilon) y +
        \varepsilon / C`.

    Returns
    -------
    scalar or ndarray
        The loss in the floating dtype of ``logits`` (integers: float64).

    Raises
    ------
    ValueError
        For a target of the wrong shape or dtype, a class index out of range, probability
        targets that are not distributions, a ``weight`` not of shape (C,) or negative, an
        unknown ``reduction``, ``label_smoothing`` outside [0, 1], NaN or ``+inf`` logits,
        or a row of logits that is all ``-inf``.

    Notes
    -----
    With :math:`\log p_{n,c} = z_{n,c} - \operatorname{logsumexp}(z_n)`, class index targets
    :math:`y_n` and :math:`m_n = [y_n \ne \text{ignore\_index}]`:

    .. math::

        \ell_n = m_n \Big[ (1 - \varepsilon)\, w_{y_n} (-\log p_{n,y_n})
                 + \frac{\varepsilon}{C} \sum_c w_c (-\log p_{n,c}) \Big],
        \qquad \text{mean} = \frac{\sum_n \ell_n}{\sum_n m_n w_{y_n}}

    so the mean of a weighted loss is a weighted mean, not the mean of the :math:`\ell_n`
    (pytorch/pytorch#25571). With probability targets :math:`t_n`,

    .. math::

        \ell_n = -\sum_c w_c \big((1 - \varepsilon) t_{n,c} + \varepsilon / C\big)
                 \log p_{n,c}, \qquad \text{mean} = \frac{1}{N} \sum_n \ell_n

    with :math:`N` the number of samples. Without ``weight``, :math:`w = 1`.

    Numerics: the log-probabilities are never formed from the softmax; each row is shifted
    by (at most a few tens below) its maximum and :math:`-\log p_{n,c} = \log \sum_j
    e^{z_{n,j} - s_n} - (z_{n,c} - s_n)`, so logits of :math:`\pm 10^4` keep full precision.
    float16 is computed in float32 and returned as float16.

    Edge cases: an empty batch, or every target ignored, gives NaN for "mean" (as PyTorch)
    and 0 for "sum". A ``-inf`` logit on a class with positive target probability gives
    ``+inf``. A term with zero target probability or zero weight counts 0 even if its logit
    is ``-inf`` (PyTorch gives NaN there).

    See Also
    --------
    softmax_cross_entropy_value_and_grad, binary_cross_entropy_with_logits, log_softmax

    Examples
    --------
    >>> logits = [[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]]
    >>> print(np.round(softmax_cross_entropy(logits, [0, 1], reduction="none"), 4))
    [0.2761 2.9518]
    >>> pred = [[0.2, 0.3, 0.5], [0.5, 0.2, 0.3]]
    >>> print(softmax_cross_entropy(pred, [2, 1], weight=[2.0, 4.0, 6.0]))
    1.0598
    >>> print(softmax_cross_entropy([[-np.inf, 0.0, 0.0]], [[0.0, 0.5, 0.5]]))
    0.6931
    """
    problem = _prepare(logits, targets, weight, ignore_index, reduction, label_smoothing)
    return _evaluate(problem, with_grad=False)[0]


def softmax_cross_entropy_value_and_grad(logits, targets, weight=None, ignore_index=-100,
                                         reduction="mean", label_smoothing=0.0):
    r"""Loss and gradient with respect to the logits, from one softmax pass.

    Takes the arguments of :func:`softmax_cross_entropy`.

    Returns
    -------
    loss : scalar or ndarray
        As :func:`softmax_cross_entropy`.
    grad : ndarray
        :math:`\partial L / \partial z`, shape and dtype of ``logits``. For
        ``reduction="none"`` it is the gradient of the *sum* of the per-sample losses.

    Notes
    -----
    With :math:`p_n = \operatorname{softmax}(z_n)`, :math:`W = \sum_c w_c`, :math:`e_y` the
    one-hot vector and :math:`D` the mean's denominator (1 for "sum" and "none"):

    .. math::

        \frac{\partial L}{\partial z_n} = \frac{m_n}{D}\Big[(1 - \varepsilon)\, w_{y_n}
        (p_n - e_{y_n}) + \frac{\varepsilon}{C} (W p_n - w)\Big]

    for index targets, and :math:`\frac{1}{D}\big(p_n \sum_c v_{n,c} - v_n\big)` with
    :math:`v_{n,c} = w_c((1 - \varepsilon) t_{n,c} + \varepsilon / C)` for probability
    targets. The softmax is computed once, block by block, written straight into the
    gradient and scaled in place. When nothing counts (empty batch, every target ignored) the
    "mean" loss is NaN and the gradient is 0, as in PyTorch.

    Examples
    --------
    >>> loss, grad = softmax_cross_entropy_value_and_grad([[0.0, 0.0]], [1])
    >>> print(loss, grad)
    0.6931 [[ 0.5 -0.5]]
    """
    problem = _prepare(logits, targets, weight, ignore_index, reduction, label_smoothing)
    return _evaluate(problem, with_grad=True)


def softmax_cross_entropy_grad(logits, targets, weight=None, ignore_index=-100,
                               reduction="mean", label_smoothing=0.0):
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits.

    Same arguments; returns an array of the shape and dtype of ``logits``. See
    :func:`softmax_cross_entropy_value_and_grad` for the formula; for ``reduction="none"``
    it is the gradient of the sum of the per-sample losses.

    Notes
    -----
    .. math::

        \frac{\partial\, \ell}{\partial z_{n}} = \operatorname{softmax}(z_n) - e_{y_n}
        \quad \text{(no weight, no smoothing, "sum")}

    Examples
    --------
    >>> print(softmax_cross_entropy_grad([[0.0, np.log(3.0)]], [0], reduction="sum"))
    [[-0.75  0.75]]
    """
    return softmax_cross_entropy_value_and_grad(
        logits, targets, weight, ignore_index, reduction, label_smoothing
    )[1]
