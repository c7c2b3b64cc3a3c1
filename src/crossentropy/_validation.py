"""Checks at the boundary of the public functions, and the shared reduction step.

Every check raises ``ValueError`` with a message that names the offending argument, so that
input that makes no sense never turns into a silent NaN further down.
"""

import numpy as np

REDUCTIONS = ("mean", "sum", "none")
_KEPT_FLOAT_DTYPES = (np.float16, np.float32, np.float64)


def as_float_array(x, name, dtype=None):
    """Return ``x`` as an ndarray of a floating dtype.

    float16, float32 and float64 are kept; integers and booleans become float64. With ``dtype``
    given, the array is converted to it (used to bring targets and weights to the logits' dtype).
    """
    array = np.asarray(x)
    if dtype is not None:
        if not _is_real_number(array.dtype):
            raise ValueError(f"{name} must hold real numbers, got dtype {array.dtype}")
        return array.astype(dtype, copy=False)
    if array.dtype.type in _KEPT_FLOAT_DTYPES:
        return array
    if array.dtype == np.bool_ or np.issubdtype(array.dtype, np.integer):
        return array.astype(np.float64)
    raise ValueError(
        f"{name} must be float16, float32, float64, integer or boolean, got dtype {array.dtype}"
    )


def _is_real_number(dtype):
    integral = dtype == np.bool_ or np.issubdtype(dtype, np.integer)
    return integral or dtype.type in _KEPT_FLOAT_DTYPES


def check_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def reduce_losses(losses, reduction, denominator=None):
    """Apply ``reduction`` to the per-element ``losses``.

    "mean" divides the sum by ``denominator`` (default: the number of losses). A zero
    denominator (an empty batch, or every target ignored) gives NaN, as in PyTorch, produced
    explicitly so that no RuntimeWarning is raised. The sum of no losses is 0.
    """
    if reduction == "none":
        return losses
    dtype = losses.dtype.type
    total = losses.sum(dtype=np.promote_types(losses.dtype, np.float32))  # float16: in float32
    if reduction == "sum":
        return dtype(total)
    if denominator is None:
        denominator = losses.size
    if denominator == 0:
        return dtype(np.nan)
    return dtype(total / denominator)


def check_same_shape(a, b, name_a, name_b):
    """Refuse mismatched shapes instead of broadcasting, e.g. (N, 1) against (N,)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_broadcastable_to(x, shape, name, target_name):
    """Require that ``x`` broadcasts to ``shape`` without enlarging it."""
    try:
        broadcast = np.broadcast_shapes(x.shape, shape)
    except ValueError:
        broadcast = None
    if broadcast != tuple(shape):
        raise ValueError(
            f"{name} of shape {x.shape} does not broadcast to the {target_name} shape {shape}"
        )


def check_nonnegative(x, name):
    """Require finite, non-negative values (weights, probabilities)."""
    # Written as `not (min >= 0 ...)` so that a NaN fails the check too.
    if x.size and not (np.min(x) >= 0 and np.max(x) < np.inf):
        raise ValueError(
            f"{name} must be finite and non-negative, got values in [{np.min(x)}, {np.max(x)}]"
        )


def check_probabilities(x, name):
    """Require every value of ``x`` to lie in [0, 1]."""
    if x.size:
        check_probability_range(np.min(x), np.max(x), name)


def check_probability_range(lowest, highest, name):
    """Require that values whose minimum and maximum are given lie in [0, 1] (NaN fails)."""
    if not (lowest >= 0 and highest <= 1):
        raise ValueError(f"{name} must lie in [0, 1], got values in [{lowest}, {highest}]")


def distribution_tolerance(dtype):
    """Tolerance on the sum of a distribution: sqrt(eps), i.e. 1.5e-8 for float64, 3.5e-4 for
    float32 and 3.1e-2 for float16."""
    return float(np.sqrt(np.finfo(dtype).eps))


def check_distribution(p, axis, name):
    """Require non-negative entries that sum to 1 along ``axis`` within the dtype's tolerance."""
    check_nonnegative(p, name)
    if p.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    sums = p.sum(axis=axis, dtype=np.float64)
    tolerance = distribution_tolerance(p.dtype)
    if sums.size and not (np.max(np.abs(sums - 1)) <= tolerance):
        worst = sums.flat[np.argmax(np.abs(sums - 1))]
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (tolerance {tolerance:.1e}), "
            f"found a sum of {worst}"
        )


def check_class_indices(targets, num_classes, ignore_index):
    """Require integer targets in [0, num_classes) except those equal to ``ignore_index``.

    Returns the boolean mask of the targets that count (not ignored).
    """
    counted = targets != ignore_index
    indices = targets[counted]
    if indices.size and not (indices.min() >= 0 and indices.max() < num_classes):
        bad = indices[(indices < 0) | (indices >= num_classes)][0]
        raise ValueError(
            f"class index {bad} is out of range for {num_classes} classes "
            f"(valid: 0..{num_classes - 1}, or ignore_index={ignore_index})"
        )
    return counted
