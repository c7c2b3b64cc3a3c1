"""Loss values to compare a training run against before trusting it.

Two numbers every softmax classifier should be checked against: the loss of a model that
knows nothing (:func:`chance_level_loss`), which an untrained network must start near, and
the lowest loss reachable when a softmax is applied twice (:func:`double_softmax_floor`),
which a run stuck at that value is probably hitting.
"""

import numpy as np

__all__ = ["chance_level_loss", "double_softmax_floor"]


def _check_num_classes(num_classes):
    array = np.asarray(num_classes)
    if not np.issubdtype(array.dtype, np.integer) or np.any(array < 1):
        raise ValueError(f"num_classes must be integers >= 1, got {num_classes!r}")
    return array.astype(np.float64)


def chance_level_loss(num_classes):
    r"""Softmax cross-entropy of a model that gives every class the same probability.

    Parameters
    ----------
    num_classes : int or array_like of int
        Number of classes :math:`C \ge 1`.

    Returns
    -------
    float or ndarray
        :math:`\log C` in nats, float64, the shape of ``num_classes``.

    Notes
    -----
    Equal logits give :math:`p_c = 1/C`, so every sample costs :math:`-\log(1/C) = \log C`,
    whatever its label. Small random initial weights give nearly equal logits, so the first
    loss of a training run should be close to this value; one far above it means the
    logits start large (a bad initialisation or scale), one far below it a leak of the labels.

    Examples
    --------
    >>> print(round(chance_level_loss(10), 4))
    2.3026
    >>> print(np.round(chance_level_loss([2, 1_000_000]), 2))
    [ 0.69 13.82]
    """
    result = np.log(_check_num_classes(num_classes))
    return float(result) if result.ndim == 0 else result


def double_softmax_floor(num_classes):
    r"""Lowest cross-entropy reachable when the logits are softmax probabilities.

    If a model outputs probabilities and the loss applies its own softmax to them, the loss
    sees "logits" in [0, 1]. Its best case is a perfect one-hot output.

    Parameters
    ----------
    num_classes : int or array_like of int
        Number of classes :math:`C \ge 1`.

    Returns
    -------
    float or ndarray
        The floor in nats, float64, the shape of ``num_classes``.

    Notes
    -----
    For a one-hot input the second softmax gives the right class
    :math:`e / (e + C - 1)`, so

    .. math::

        \ell_{\min} = -\log \frac{e}{e + C - 1} = \log\!\Big(1 + \frac{C - 1}{e}\Big)

    computed with ``log1p``. It is 0 for :math:`C = 1`, 0.3133 for 2 classes, 0.7437 for 4
    and grows like :math:`\log C - 1`: the loss can never approach 0, and its gradient
    shrinks as the first softmax saturates.

    See Also
    --------
    chance_level_loss

    Examples
    --------
    >>> print(np.round(double_softmax_floor([2, 4, 10]), 4))
    [0.3133 0.7437 1.4612]
    """
    result = np.log1p((_check_num_classes(num_classes) - 1) / np.e)
    return float(result) if result.ndim == 0 else result
