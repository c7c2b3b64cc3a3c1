"""Scoring predicted probabilities: scikit-learn's log loss and calibration diagnostics.

``y_true`` holds integer labels (0/1 for a binary problem, ``[0, K)`` for K classes);
``y_prob`` holds predicted probabilities, shape (N,) for P(label = 1) or (N, K).
"""

import numpy as np

from ._validation import as_float_array, check_probabilities

__all__ = ["log_loss", "reliability_curve", "expected_calibration_error"]


def _labels(y_true, n, num_classes):
    y_true = np.asarray(y_true)
    if y_true.shape != (n,):
        raise ValueError(f"y_true must have shape ({n},), got {y_true.shape}")
    if y_true.dtype == np.bool_:
        y_true = y_true.astype(np.int64)
    if not np.issubdtype(y_true.dtype, np.integer):
        if not np.all(np.mod(y_true, 1) == 0):
            raise ValueError("y_true must hold integer labels")
        y_true = y_true.astype(np.int64)
    if n and not (y_true.min() >= 0 and y_true.max() < num_classes):
        raise ValueError(f"y_true must lie in [0, {num_classes}), got values in "
                         f"[{y_true.min()}, {y_true.max()}]")
    return y_true


def log_loss(y_true, y_prob, sample_weight=None, normalize=True):
    r"""Cross-entropy of predicted probabilities, as ``sklearn.metrics.log_loss``.

    Parameters
    ----------
    y_true : array_like of int, shape (N,)
        True labels: 0/1 with 1-D ``y_prob``, or class indices in ``[0, K)``.
    y_prob : array_like, shape (N,) or (N, K)
        Predicted probabilities: of label 1 when 1-D, of each class when 2-D.
    sample_weight : array_like, shape (N,), optional
        Non-negative weights of the samples.
    normalize : bool, optional
        True: the (weighted) mean loss; False: the (weighted) sum.

    Returns
    -------
    scalar
        The loss in nats, dtype of ``y_prob`` (integers: float64).

    Notes
    -----
    Probabilities are first clipped to :math:`[\epsilon, 1 - \epsilon]` with
    :math:`\epsilon` = ``np.finfo(y_prob.dtype).eps``, then

    .. math::

        \mathrm{log\_loss} = -\frac{1}{\sum_n w_n} \sum_n w_n \log p_{n, y_n}

    The clip caps each sample's loss at :math:`-\log \epsilon` = 36.04 in float64 and 15.94
    in float32, so a confidently wrong prediction costs a finite amount; it also changes the
    loss of every prediction closer than :math:`\epsilon` to 0 or 1. Rows of a 2-D
    ``y_prob`` are not renormalised (scikit-learn only warns when they do not sum to 1).
    This is a *metric* on probabilities; train on logits with
    :func:`crossentropy.binary_cross_entropy_with_logits`, which needs no clipping.

    Examples
    --------
    >>> print(log_loss([1, 0, 0, 1], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]))
    0.21616
    >>> print(log_loss([1, 0, 0, 1], [.9, .1, .2, .65]))
    0.21616
    >>> print(round(float(log_loss([1], [0.0])), 2))
    36.04
    """
    y_prob = as_float_array(y_prob, "y_prob")
    if y_prob.ndim == 1:
        y_prob = np.stack([1 - y_prob, y_prob], axis=1)
    if y_prob.ndim != 2:
        raise ValueError(f"y_prob must have shape (N,) or (N, K), got {y_prob.shape}")
    check_probabilities(y_prob, "y_prob")
    n, num_classes = y_prob.shape
    y_true = _labels(y_true, n, num_classes)
    eps = np.finfo(y_prob.dtype).eps
    clipped = np.clip(y_prob[np.arange(n), y_true], eps, 1 - eps)
    losses = -np.log(clipped)
    if sample_weight is None:
        weights = np.ones_like(losses)
    else:
        weights = as_float_array(sample_weight, "sample_weight", dtype=y_prob.dtype)
        if weights.shape != (n,) or (n and weights.min() < 0):
            raise ValueError(f"sample_weight must be non-negative of shape ({n},)")
    total = (weights * losses).sum(dtype=y_prob.dtype)
    if not normalize:
        return total
    return y_prob.dtype.type(total / weights.sum(dtype=y_prob.dtype))


def _binary(y_true, y_prob):
    y_prob = as_float_array(y_prob, "y_prob")
    if y_prob.ndim != 1:
        raise ValueError(f"y_prob must be 1-D probabilities of label 1, got {y_prob.shape}")
    check_probabilities(y_prob, "y_prob")
    return _labels(y_true, y_prob.shape[0], 2), y_prob


def reliability_curve(y_true, y_prob, n_bins=10):
    r"""Mean prediction and observed frequency of label 1 in equal-width probability bins.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (N,)
        Observed labels (1 = watched).
    y_prob : array_like, shape (N,)
        Predicted probabilities of label 1.
    n_bins : int, optional
        Number of bins of equal width on [0, 1]; bin b holds :math:`b/B \le p < (b+1)/B`
        (the last bin includes 1).

    Returns
    -------
    mean_prob, frac_positive, counts : ndarray, shape (B,)
        Per bin: the mean predicted probability, the fraction of label 1 and the number of
        samples. Empty bins have count 0 and NaN means. A calibrated model has
        ``frac_positive ~ mean_prob`` in every bin with many samples.

    Examples
    --------
    >>> mean, frac, counts = reliability_curve([0, 1, 1, 1], [0.1, 0.4, 0.8, 0.9], n_bins=2)
    >>> print(mean, frac, counts)
    [0.25 0.85] [0.5 1. ] [2 2]
    """
    y_true, y_prob = _binary(y_true, y_prob)
    if not (isinstance(n_bins, (int, np.integer)) and n_bins >= 1):
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    bins = np.minimum((y_prob * n_bins).astype(np.int64), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    sum_prob = np.bincount(bins, weights=y_prob, minlength=n_bins)
    sum_true = np.bincount(bins, weights=y_true, minlength=n_bins)
    nonempty = counts > 0
    mean_prob = np.divide(sum_prob, counts, out=np.full(n_bins, np.nan), where=nonempty)
    frac_positive = np.divide(sum_true, counts, out=np.full(n_bins, np.nan), where=nonempty)
    return mean_prob, frac_positive, counts


def expected_calibration_error(y_true, y_prob, n_bins=10):
    r"""Expected calibration error of binary predictions over equal-width bins.

    Parameters
    ----------
    y_true : array_like of {0, 1}, shape (N,)
        Observed labels.
    y_prob : array_like, shape (N,)
        Predicted probabilities of label 1.
    n_bins : int, optional
        Number of bins, as in :func:`reliability_curve`.

    Returns
    -------
    float
        .. math::

            \mathrm{ECE} = \sum_{b} \frac{n_b}{N}\,\big|\bar y_b - \bar p_b\big|

        the count-weighted gap between observed frequency and mean prediction, in [0, 1];
        NaN for N = 0. It is 0 for perfectly calibrated bins, but it depends on the binning
        and is noisy for small N.

    Examples
    --------
    >>> print(expected_calibration_error([0, 1, 1, 1], [0.1, 0.4, 0.8, 0.9], n_bins=2))
    0.2
    """
    mean_prob, frac_positive, counts = reliability_curve(y_true, y_prob, n_bins)
    total = counts.sum()
    if total == 0:
        return float("nan")
    nonempty = counts > 0
    gaps = np.abs(frac_positive[nonempty] - mean_prob[nonempty])
    return float((counts[nonempty] * gaps).sum() / total)
