"""Binary cross-entropy from probabilities or from logits, with PyTorch's semantics.

Element-wise losses: ``probs``/``logits`` and ``targets`` have the same (any) shape, targets
are probabilities in [0, 1]. ``weight`` multiplies the element losses and ``pos_weight`` the
positive term; both broadcast to the loss shape (``pos_weight`` of shape (C,) weights the
classes on the last axis), never beyond it.
"""

import numpy as np

from . import _validation as v
from ._parallel import BLOCK_BYTES, blocks, run_in_threads

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "binary_cross_entropy_with_logits_value_and_grad",
]

_MAX_MINUS_LOG = 100  # PyTorch's BCELoss clamps each log at -100 (pytorch/pytorch#31365)


def _optional_weight(weight, name, shape, dtype):
    if weight is None:
        return None
    weight = v.as_float_array(weight, name, dtype=dtype)
    v.check_broadcastable_to(weight, shape, name, "loss")
    v.check_nonnegative(weight, name)
    return weight


def _clamped_minus_log(log_ufunc, x, defined):
    """min(-log_ufunc(x), 100), set to 100 where not ``defined`` (log 0), without a warning."""
    log_x = log_ufunc(x, out=np.full_like(x, -_MAX_MINUS_LOG), where=defined)
    return np.minimum(np.negative(log_x, out=log_x), _MAX_MINUS_LOG, out=log_x)


@np.errstate(under="ignore")
def binary_cross_entropy(probs, targets, weight=None, reduction="mean"):
    r"""Binary cross-entropy of probabilities, as ``torch.nn.functional.binary_cross_entropy``.

    Parameters
    ----------
    probs : array_like
        Predicted probabilities of the positive class, in [0, 1], any shape.
    targets : array_like
        Target probabilities in [0, 1], same shape as ``probs``.
    weight : array_like, optional
        Non-negative weights broadcastable to the shape of ``probs``.
    reduction : {"mean", "sum", "none"}, optional
        "none" returns the element losses, shape of ``probs``.

    Returns
    -------
    scalar or ndarray
        The loss in the floating dtype of ``probs`` (integers: float64).

    Raises
    ------
    ValueError
        If the shapes differ, a value lies outside [0, 1], ``weight`` is negative or does not
        broadcast to the shape of ``probs``, or ``reduction`` is unknown.

    Notes
    -----
    .. math::

        \ell = -w \big[ y \max(\log p, -100) + (1 - y) \max(\log(1 - p), -100) \big]

    The clamp at -100 is PyTorch's: it keeps :math:`p = 0` or 1 finite (a loss of at most
    100 per element) instead of :math:`\infty`. :math:`\log(1 - p)` is computed as
    ``log1p(-p)``. "mean" divides by the number of elements; an empty input gives NaN for
    "mean" and 0 for "sum". Prefer :func:`binary_cross_entropy_with_logits`, which needs no
    clamp.

    See Also
    --------
    binary_cross_entropy_with_logits

    Examples
    --------
    >>> print(binary_cross_entropy([0.8], [1.0]))
    0.2231
    >>> print(binary_cross_entropy([0.0, 1.0], [1.0, 1.0], reduction="none"))
    [100.   0.]
    """
    probs = v.as_float_array(probs, "probs")
    targets = v.as_float_array(targets, "targets", dtype=probs.dtype)
    v.check_same_shape(probs, targets, "probs", "targets")
    v.check_probabilities(probs, "probs")
    v.check_probabilities(targets, "targets")
    weight = _optional_weight(weight, "weight", probs.shape, probs.dtype)
    v.check_reduction(reduction)
    minus_log_p = _clamped_minus_log(np.log, probs, probs > 0)
    minus_log_not_p = _clamped_minus_log(np.log1p, -probs, probs < 1)
    losses = targets * minus_log_p + (1 - targets) * minus_log_not_p
    if weight is not None:
        losses *= weight
    return v.reduce_losses(losses, reduction)


def _prepare_logits(logits, targets, weight, pos_weight, reduction):
    logits = v.as_float_array(logits, "logits")
    if logits.dtype == np.float16:  # computed in float32, returned as float16
        logits = logits.astype(np.float32)
    targets = v.as_float_array(targets, "targets", dtype=logits.dtype)
    v.check_same_shape(logits, targets, "logits", "targets")  # their range: block by block
    weight = _optional_weight(weight, "weight", logits.shape, logits.dtype)
    pos_weight = _optional_weight(pos_weight, "pos_weight", logits.shape, logits.dtype)
    v.check_reduction(reduction)
    return logits, targets, weight, pos_weight


def _flat(array, shape):
    """A flat C-ordered view of ``array`` broadcast to ``shape`` (a copy if it has to be)."""
    return None if array is None else np.broadcast_to(array, shape).reshape(-1)


def _value_and_grad(logits, targets, weight, pos_weight, reduction, with_grad):
    """Element losses (or their block sums) and the gradient, block by block in threads.

    The range of the targets is checked here too, on each block while it is in the cache."""
    shape, size = logits.shape, logits.size
    x, y, w, a = (_flat(array, shape) for array in (logits, targets, weight, pos_weight))
    block_length = BLOCK_BYTES // (2 * logits.itemsize)
    all_blocks = blocks(size, block_length)
    losses = np.empty_like(x) if reduction == "none" else None
    block_sums = np.empty(len(all_blocks), x.dtype)
    target_lows, target_highs = np.empty_like(block_sums), np.empty_like(block_sums)
    grad = np.empty_like(x) if with_grad else None
    grad_scale = 1 / size if reduction == "mean" and size else 1

    def process(run):
        # Non-finite logits are detected below, so their invalid operations are not reported.
        with np.errstate(under="ignore", invalid="ignore"):
            for start, stop in run:
                part = slice(start, stop)
                index = start // block_length
                target_lows[index], target_highs[index] = y[part].min(), y[part].max()
                loss_out = np.empty(stop - start, x.dtype) if losses is None else losses[part]
                _block(x[part], y[part], _part(w, part), _part(a, part), loss_out,
                       None if grad is None else grad[part], grad_scale)
                block_sums[index] = loss_out.sum()

    run_in_threads(process, all_blocks, x.nbytes)
    if size:
        v.check_probability_range(target_lows.min(), target_highs.max(), "targets")
    # A non-finite logit always makes a non-finite loss, so the logits are only scanned then.
    if not np.isfinite(block_sums).all() and not np.isfinite(x).all():
        raise ValueError("logits must be finite (no NaN or ±inf)")
    if losses is None:
        loss = v.reduce_losses(block_sums, reduction, denominator=size)
    else:
        loss = losses.reshape(shape)
    return loss, None if grad is None else grad.reshape(shape)


def _as_dtype(result, dtype):
    return result.astype(dtype, copy=False) if np.ndim(result) else dtype.type(result)


def _part(array, part):
    return None if array is None else array[part]


def _block(x, y, weight, pos_weight, loss_out, grad_out, grad_scale):
    """Losses (and gradient) of one block, sharing e = exp(-|x|).

    softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e), and sigmoid(x) = max(e, [x >= 0]) /
    (1 + e), i.e. 1 / (1 + e) for x >= 0 and e / (1 + e) below: neither form overflows or
    loses the relative precision of small values. The loss adds log1p(e) last, after
    max(x, 0) - x y, which is exactly 0 for a confident correct prediction (x >= 0 with
    y = 1, or x < 0 with y = 0): a tiny loss keeps its digits.
    """
    # np.exp, not the exp2 shortcut: its error grows with |x|, where e is the whole loss.
    exp_minus_abs = np.abs(x)
    np.exp(np.negative(exp_minus_abs, out=exp_minus_abs), out=exp_minus_abs)
    log1p_exp = np.log1p(exp_minus_abs)
    scratch = np.empty_like(x)
    if pos_weight is None:
        # -y log sigmoid(x) - (1 - y) log sigmoid(-x) = max(x, 0) - x y + log1p(e)
        np.maximum(x, 0, out=loss_out)
        loss_out -= np.multiply(x, y, out=scratch)
        loss_out += log1p_exp
    else:
        # (1 - y) x + (1 + (a - 1) y) softplus(-x), softplus(-x) = max(-x, 0) + log1p(e)
        positive_coef = 1 + (pos_weight - 1) * y
        np.multiply(1 - y, x, out=loss_out)
        loss_out += np.multiply(positive_coef, np.maximum(np.negative(x), 0), out=scratch)
        loss_out += np.multiply(positive_coef, log1p_exp, out=scratch)
    if weight is not None:
        loss_out *= weight
    if grad_out is None:
        return
    nonnegative = np.greater_equal(x, 0, out=scratch, casting="unsafe")
    one_plus_exp = np.add(exp_minus_abs, 1, out=log1p_exp)
    if pos_weight is None:
        np.maximum(exp_minus_abs, nonnegative, out=grad_out)
        grad_out /= one_plus_exp
        grad_out -= y  # sigmoid(x) - y
    else:
        # (1 - y) - (1 + (a - 1) y) sigmoid(-x), sigmoid(-x) = max(e, [x < 0]) / (1 + e)
        sigmoid_minus_x = np.maximum(exp_minus_abs, 1 - nonnegative) / one_plus_exp
        np.subtract(1, y, out=grad_out)
        grad_out -= positive_coef * sigmoid_minus_x
    if weight is not None:
        grad_out *= weight
    if grad_scale != 1:
        grad_out *= grad_scale


def binary_cross_entropy_with_logits(logits, targets, weight=None, pos_weight=None,
                                     reduction="mean"):
    r"""Binary cross-entropy of ``sigmoid(logits)``, as ``F.binary_cross_entropy_with_logits``.

    Parameters
    ----------
    logits : array_like
        Finite logits of the positive class, any shape (..., C).
    targets : array_like
        Target probabilities in [0, 1], same shape as ``logits``.
    weight : array_like, optional
        Non-negative element weights broadcastable to the shape of ``logits``.
    pos_weight : array_like, optional
        Non-negative weight of the positive term, broadcastable to the shape of ``logits``:
        shape (C,) gives one weight per class of the last axis.
    reduction : {"mean", "sum", "none"}, optional
        "none" returns the element losses, shape of ``logits``.

    Returns
    -------
    scalar or ndarray
        The loss in the floating dtype of ``logits`` (integers: float64).

    Raises
    ------
    ValueError
        If the shapes differ, a logit is not finite, a target lies outside [0, 1], a weight
        is negative or does not broadcast to the shape of ``logits``, or ``reduction`` is
        unknown.

    Notes
    -----
    With :math:`a = \text{pos\_weight}` (1 if None):

    .. math::

        \ell = -w \big[ a\, y \log \sigma(x) + (1 - y) \log(1 - \sigma(x)) \big]
              = w \big[ (1 - y)\, x + (1 + (a - 1) y) \operatorname{softplus}(-x) \big]

    and, for :math:`a = 1`, :math:`\ell = w[\max(x, 0) - x y + \log(1 + e^{-|x|})]`.
    :math:`\log(1 - \sigma(x))` is :math:`\log \sigma(-x)`, never ``log(1 - sigmoid(x))``,
    and the only exponential is :math:`e^{-|x|} \le 1`: the loss is exact for logits of
    :math:`\pm 10^9`. "mean" divides by the number of elements; an empty input gives NaN for
    "mean" and 0 for "sum".

    See Also
    --------
    binary_cross_entropy_with_logits_value_and_grad, binary_cross_entropy, log_sigmoid

    Examples
    --------
    >>> print(binary_cross_entropy_with_logits([-1e9, -1e-9], [1.0, 0.0]))
    500000000.3466
    >>> print(binary_cross_entropy_with_logits([1000.0, -1000.0], [0.0, 1.0], reduction="none"))
    [1000. 1000.]
    """
    out_dtype = v.as_float_array(logits, "logits").dtype
    prepared = _prepare_logits(logits, targets, weight, pos_weight, reduction)
    return _as_dtype(_value_and_grad(*prepared, reduction, with_grad=False)[0], out_dtype)


def binary_cross_entropy_with_logits_value_and_grad(logits, targets, weight=None,
                                                    pos_weight=None, reduction="mean"):
    r"""Loss and gradient with respect to the logits, from one exponential pass.

    Takes the arguments of :func:`binary_cross_entropy_with_logits`.

    Returns
    -------
    loss : scalar or ndarray
        As :func:`binary_cross_entropy_with_logits`.
    grad : ndarray
        :math:`\partial L / \partial x`, shape and dtype of ``logits``. For
        ``reduction="none"`` it is the gradient of the *sum* of the element losses.

    Notes
    -----
    .. math::

        \frac{\partial \ell}{\partial x} = w \big[ (1 - y) - (1 + (a - 1) y)\, \sigma(-x)
        \big] \;\overset{a = 1}{=}\; w\, (\sigma(x) - y)

    divided by the number of elements for "mean". The sigmoid reuses the :math:`e^{-|x|}` of
    the loss: :math:`\sigma(x) = 1/(1 + e^{-|x|})` for :math:`x \ge 0` and
    :math:`e^{-|x|}/(1 + e^{-|x|})` otherwise.

    Examples
    --------
    >>> loss, grad = binary_cross_entropy_with_logits_value_and_grad([0.0, 0.0], [1.0, 0.0])
    >>> print(loss, grad)
    0.6931 [-0.25  0.25]
    """
    out_dtype = v.as_float_array(logits, "logits").dtype
    prepared = _prepare_logits(logits, targets, weight, pos_weight, reduction)
    loss, grad = _value_and_grad(*prepared, reduction, with_grad=True)
    return _as_dtype(loss, out_dtype), _as_dtype(grad, out_dtype)


def binary_cross_entropy_with_logits_grad(logits, targets, weight=None, pos_weight=None,
                                          reduction="mean"):
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to the logits.

    Same arguments; returns an array of the shape and dtype of ``logits`` (for
    ``reduction="none"``, the gradient of the sum of the element losses). See
    :func:`binary_cross_entropy_with_logits_value_and_grad` for the formula.

    Notes
    -----
    .. math::

        \frac{\partial}{\partial x} \sum \ell = \sigma(x) - y
        \quad \text{(no weights, "sum")}

    Examples
    --------
    >>> print(binary_cross_entropy_with_logits_grad([0.0, 2.0], [1.0, 1.0], reduction="sum"))
    [-0.5        -0.11920292]
    """
    return binary_cross_entropy_with_logits_value_and_grad(
        logits, targets, weight, pos_weight, reduction
    )[1]
