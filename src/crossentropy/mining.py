r"""Hard-negative mining: keep each row's positive and its highest-scoring negatives.

With in-batch or sampled negatives most candidates are easy (their probability is already
tiny) and contribute almost nothing to the gradient. TensorFlow Recommenders'
``HardNegativeMining(num_hard_negatives)`` keeps, in each row of logits, the positive and
the ``k`` negatives the model scores highest, and the loss is then the softmax
cross-entropy over those ``k + 1`` columns only:

.. math::

    \ell_b = \log \Big( e^{o_{b y_b}} + \sum_{j \in \mathrm{top}_k(b)} e^{o_{bj}} \Big)
    - o_{b y_b}, \qquad \mathrm{top}_k(b) = \text{the } k \text{ largest } o_{bj},\;
    j \ne y_b .

TFRS finds the columns with ``top_k(logits + labels * MAX_FLOAT, k + 1)``: the boost puts
the positive first whatever its logit. Hard negatives sharpen the ranking at the top, but
for popular items the hardest "negatives" are often accidental positives: remove accidental
hits (:mod:`crossentropy.recsys.losses`) before mining.
"""

import numpy as np

from ._validation import as_float_array

__all__ = ["hard_negative_mining"]


def hard_negative_mining(logits, labels, num_hard_negatives):
    r"""The positive and the ``num_hard_negatives`` highest-scoring negatives of each row.

    Columns are ordered by decreasing label (the positive of a one-hot row first), then by
    decreasing logit, equal keys keeping the lower column first (a stable sort); the first
    :math:`\min(k + 1, C)` columns are kept, and ``labels`` are gathered with the same
    columns, so the softmax cross-entropy of the result is the mined loss above.

    Parameters
    ----------
    logits : array_like, shape (B, C)
    labels : array_like, shape (B, C)
        One-hot rows (1 for the positive); several positives per row are kept first.
    num_hard_negatives : int
        :math:`k \ge 0`; more than :math:`C - 1` keeps every column (sorted).

    Returns
    -------
    mined_logits : ndarray, shape (B, min(k + 1, C)), dtype of ``logits``
    mined_labels : ndarray, shape (B, min(k + 1, C)), dtype of ``labels``

    Raises
    ------
    ValueError
        if the shapes differ or are not 2-D, or ``num_hard_negatives`` is not an integer
        :math:`\ge 0`.

    Examples
    --------
    >>> logits = np.array([[1.0, 5.0, 3.0, 4.0], [2.0, 0.0, 6.0, -1.0]])
    >>> labels = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    >>> mined_logits, mined_labels = hard_negative_mining(logits, labels, 2)
    >>> mined_logits.tolist(), mined_labels.tolist()
    ([[1.0, 5.0, 4.0], [0.0, 6.0, 2.0]], [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    """
    logits = as_float_array(logits, "logits")
    labels_array = np.asarray(labels)
    if logits.ndim != 2 or labels_array.shape != logits.shape:
        raise ValueError(f"logits and labels must have the same shape (B, C), got "
                         f"{logits.shape} and {labels_array.shape}")
    k = num_hard_negatives
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"num_hard_negatives must be an integer >= 0, got {k!r}")
    width = min(int(k) + 1, logits.shape[1])
    # lexsort: the last key is the primary one; the sort is stable, so ties keep the column
    # order.
    order = np.lexsort((-logits, -labels_array.astype(np.float64)), axis=1)[:, :width]
    return (np.take_along_axis(logits, order, axis=1),
            np.take_along_axis(labels_array, order, axis=1))
