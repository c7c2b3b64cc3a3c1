"""One pass of softmax statistics over the rows of a 2-D array of logits.

The softmax losses and their gradients need, per row, a shift, the sum of ``exp(z - shift)``
and (for the gradient) the normalised exponentials. Computing them block by block keeps each
block in the CPU cache across the passes (max, subtract, exp, sum, scale), and the blocks are
spread over threads (:mod:`crossentropy._parallel`).
"""

from typing import NamedTuple

import numpy as np

from ._fastexp import exp
from ._parallel import BLOCK_BYTES, blocks, run_in_threads


class RowStats(NamedTuple):
    """Per-row results: ``logsumexp = shift + log(sum_exp)``; ``shifted_dot`` is
    ``(z - shift) @ dot_weights`` when those were given."""

    shift: np.ndarray
    sum_exp: np.ndarray
    shifted_dot: np.ndarray | None


def softmax_rows(logits, probs_out=None, row_scale=None, dot_weights=None):
    """Softmax statistics of each row of ``logits`` (C-contiguous float32/float64, (R, C)).

    With ``probs_out`` (an (R, C) array), ``row_scale[:, None] * softmax(logits)`` is written
    into it. Every row must have a finite maximum, otherwise ValueError.

    Blocks are first computed without a shift, which saves the pass that finds the maximum:
    a row keeps that result when its sum of exponentials lies in [exp(-b), C exp(b)], with
    b = threshold/2 (a sixth of the dtype's exp range). Then L = log sum_exp lies in
    [-b, b + log C], and since the row's softmax p has sum_c p_c (L - z_c) = H(p) <= log C,
    the relative error of the sum that the rounding of exp's argument adds is at most
    sum_c p_c |z_c| eps <= (b + 2 log C) eps. The blocks holding any other row (and all
    blocks, when the first one fails) are computed again with a shift: the block's largest
    logit when every row maximum lies within ``threshold`` below it (one scalar subtraction,
    cheaper than a per-row broadcast), else each row's own maximum. Then exp never
    overflows and every row keeps an exponential of at least ``exp(-threshold)``.

    The threads run no per-block Python checks: a small NumPy call holds the GIL and makes
    the other thread wait for it.
    """
    num_rows, num_classes = logits.shape
    dtype = logits.dtype
    shift = np.zeros(num_rows, dtype)
    sum_exp = np.empty(num_rows, dtype)
    shifted_dot = None if dot_weights is None else np.empty(num_rows, dtype)
    threshold = -np.log(np.finfo(dtype).tiny) / 3  # 29 for float32, 236 for float64
    low_sum, high_sum = np.exp(-threshold / 2), np.exp(threshold / 2) * num_classes
    ones = np.ones(num_classes, dtype)
    rows_per_block = max(1, BLOCK_BYTES // (num_classes * dtype.itemsize))

    def run_blocks(run, shifted):
        scratch = None
        if probs_out is None and run:
            scratch = np.empty((min(rows_per_block, num_rows), num_classes), dtype)
        # Unshifted, exp may overflow and a sum may be inf or NaN: such rows are redone.
        errors = dict(under="ignore") if shifted else dict(all="ignore")
        with np.errstate(**errors):
            for start, stop in run:
                block = logits[start:stop]
                buffer = scratch[: stop - start] if probs_out is None else probs_out[start:stop]
                if shifted:
                    block = _shift(block, buffer, shift[start:stop], threshold)
                if dot_weights is not None:
                    _shifted_dot(block, dot_weights, shifted_dot[start:stop])
                exp(block, out=buffer)
                np.matmul(buffer, ones, out=sum_exp[start:stop])
                if probs_out is not None:
                    buffer *= (row_scale[start:stop] / sum_exp[start:stop])[:, None]

    all_blocks = blocks(num_rows, rows_per_block)
    redo = all_blocks
    if all_blocks:
        run_blocks(all_blocks[:1], shifted=False)
        first_stop = all_blocks[0][1]
        if _kept(sum_exp[:first_stop], low_sum, high_sum).all():
            run_in_threads(lambda run: run_blocks(run, False), all_blocks[1:], logits.nbytes)
            bad_blocks = np.unique(np.flatnonzero(~_kept(sum_exp, low_sum, high_sum))
                                   // rows_per_block)
            redo = [all_blocks[index] for index in bad_blocks]
    run_in_threads(lambda run: run_blocks(run, True), redo,
                   len(redo) * rows_per_block * num_classes * dtype.itemsize)
    return RowStats(shift, sum_exp, shifted_dot)


def _kept(sums, low, high):
    """Rows whose unshifted sum of exponentials is accurate (NaN is not)."""
    return (low <= sums) & (sums <= high)


def _shift(block, buffer, shift_out, threshold):
    """``block`` minus its largest logit (or each row's maximum, when the row maxima spread
    over more than ``threshold``), written into ``buffer``; the shifts into ``shift_out``."""
    row_max = block.max(axis=1)
    if not np.isfinite(row_max).all():
        raise ValueError(_describe_bad_rows(block[~np.isfinite(row_max)]))
    top = row_max.max()
    if row_max.min() >= top - threshold:
        shift_out[:] = top
        return np.subtract(block, top, out=buffer)
    shift_out[:] = row_max
    return np.subtract(block, row_max[:, None], out=buffer)


def _shifted_dot(shifted, weights, out):
    with np.errstate(invalid="ignore"):  # 0 * -inf, repaired below
        np.matmul(shifted, weights, out=out)
    undefined = np.isnan(out)
    if undefined.any():
        # A -inf logit of a zero-weight class gives 0 * -inf: count it as 0 (0 log 0 = 0).
        rows = shifted[undefined]
        out[undefined] = np.where(weights > 0, rows, 0) @ weights


def _describe_bad_rows(rows):
    if np.isnan(rows).any():
        return "logits contain NaN"
    if np.isposinf(rows).any():
        return "logits contain +inf"
    return "a row of logits is all -inf: no class has a positive probability"
