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

    The shift of a block is 0 when all its row maxima lie in [-threshold/2, threshold/2] (the
    common case, which saves a pass), else its largest logit when every row maximum lies within
    ``threshold`` (a third of the dtype's exp range) below that (one scalar subtraction, cheaper
    than a per-row broadcast), else each row's own maximum. Either way exp never overflows and
    every row keeps an exponential of at least ``exp(-threshold)``, far from underflow.
    """
    num_rows, num_classes = logits.shape
    dtype = logits.dtype
    shift = np.empty(num_rows, dtype)
    sum_exp = np.empty(num_rows, dtype)
    shifted_dot = None if dot_weights is None else np.empty(num_rows, dtype)
    threshold = -np.log(np.finfo(dtype).tiny) / 3  # 29 for float32, 236 for float64
    small = threshold / 2
    ones = np.ones(num_classes, dtype)
    rows_per_block = max(1, BLOCK_BYTES // (num_classes * dtype.itemsize))

    def process(run):
        scratch = None
        if probs_out is None and run:
            scratch = np.empty((min(rows_per_block, num_rows), num_classes), dtype)
        with np.errstate(under="ignore"):
            for start, stop in run:
                block = logits[start:stop]
                buffer = scratch[: stop - start] if probs_out is None else probs_out[start:stop]
                row_max = block.max(axis=1)
                if not np.isfinite(row_max).all():
                    raise ValueError(_describe_bad_rows(block[~np.isfinite(row_max)]))
                top, bottom = row_max.max(), row_max.min()
                if -small <= bottom and top <= small:
                    shifted = block  # no shift needed: exp(z) can neither overflow nor vanish
                    shift[start:stop] = 0
                elif bottom >= top - threshold:
                    shifted = np.subtract(block, top, out=buffer)
                    shift[start:stop] = top
                else:
                    shifted = np.subtract(block, row_max[:, None], out=buffer)
                    shift[start:stop] = row_max
                if dot_weights is not None:
                    _shifted_dot(shifted, dot_weights, shifted_dot[start:stop])
                exp(shifted, out=buffer)
                np.matmul(buffer, ones, out=sum_exp[start:stop])
                if probs_out is not None:
                    buffer *= (row_scale[start:stop] / sum_exp[start:stop])[:, None]

    run_in_threads(process, blocks(num_rows, rows_per_block), logits.nbytes)
    return RowStats(shift, sum_exp, shifted_dot)


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
