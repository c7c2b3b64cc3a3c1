"""Tests of hard-negative mining (crossentropy.mining)."""

import numpy as np
import pytest

from crossentropy.mining import hard_negative_mining
from crossentropy.recsys.losses import softmax_loss_from_logits


def _one_hot(rng, rows, cols):
    labels = np.zeros((rows, cols))
    labels[np.arange(rows), rng.integers(0, cols, size=rows)] = 1.0
    return labels


def test_keeps_the_positive_first_even_with_the_lowest_logit():
    logits = np.array([[-9.0, 1.0, 2.0, 3.0]])
    labels = np.array([[1.0, 0.0, 0.0, 0.0]])
    mined, mined_labels = hard_negative_mining(logits, labels, 2)
    assert mined.tolist() == [[-9.0, 3.0, 2.0]]
    assert mined_labels.tolist() == [[1.0, 0.0, 0.0]]


def test_matches_a_loop_over_rows():
    """Are the kept negatives the k largest of the row, in decreasing order?"""
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(size=(20, 9)), _one_hot(rng, 20, 9)
    mined, mined_labels = hard_negative_mining(logits, labels, 4)
    for b in range(20):
        pos = int(np.argmax(labels[b]))
        negatives = sorted(np.delete(logits[b], pos), reverse=True)[:4]
        assert mined[b].tolist() == [logits[b, pos]] + negatives
        assert mined_labels[b].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_ties_keep_the_lower_column_and_dtypes_are_kept():
    logits = np.array([[2.0, 2.0, 1.0, 2.0]], dtype=np.float32)
    labels = np.array([[0, 0, 1, 0]], dtype=np.int64)
    mined, mined_labels = hard_negative_mining(logits, labels, 10)
    assert mined.dtype == np.float32 and mined_labels.dtype == np.int64
    assert mined.tolist() == [[1.0, 2.0, 2.0, 2.0]] and mined_labels.tolist() == [[1, 0, 0, 0]]


def test_mined_loss_is_at_most_the_full_loss_and_k_zero_gives_zero():
    """Dropping negatives can only lower the softmax loss; with k = C - 1 it is unchanged."""
    rng = np.random.default_rng(1)
    logits, labels = rng.normal(size=(8, 6)) * 3, _one_hot(rng, 8, 6)
    full = softmax_loss_from_logits(logits, labels.argmax(1))[0]
    previous = 0.0
    for k in range(6):
        mined, _ = hard_negative_mining(logits, labels, k)
        loss = softmax_loss_from_logits(mined, np.zeros(8, dtype=int))[0]
        assert previous - 1e-12 <= loss <= full + 1e-12
        previous = loss
    assert previous == pytest.approx(full)
    assert softmax_loss_from_logits(hard_negative_mining(logits, labels, 0)[0],
                                    np.zeros(8, dtype=int))[0] == 0.0


@pytest.mark.parametrize("args", [
    (np.zeros((2, 3)), np.zeros((2, 4)), 1),
    (np.zeros(3), np.zeros(3), 1),
    (np.zeros((2, 3)), np.zeros((2, 3)), -1),
    (np.zeros((2, 3)), np.zeros((2, 3)), 1.5),
])
def test_rejects_bad_input(args):
    with pytest.raises(ValueError):
        hard_negative_mining(*args)
