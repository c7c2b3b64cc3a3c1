"""Tests of crossentropy.serving: top-K with exclusions, random holdout, custom splits."""

import numpy as np
import pytest

from crossentropy.recsys.data import Interactions, synthetic_watch_log
from crossentropy.recsys.metrics import heldout_ranks
from crossentropy.recsys.protocol import leave_last_out, prepare
from crossentropy.serving import random_holdout, split_with_holdout, top_k


def stable_top_k(scores, k, exclude=None):
    """Reference: a full stable sort by descending score, excluded items dropped."""
    out = []
    for u, row in enumerate(np.asarray(scores, dtype=float)):
        order = np.argsort(-row, kind="stable")
        if exclude is not None:
            order = order[~np.asarray(exclude, bool)[u][order]]
        out.append(order[:k])
    return np.array(out, dtype=np.int64).reshape(len(out), k)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 3, 10])
def test_top_k_equals_a_stable_full_sort_with_ties(seed, k):
    """Scores drawn from 4 values make many ties; the lower index must win each of them."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, size=(20, 30)).astype(float)
    exclude = rng.random((20, 30)) < 0.3
    np.testing.assert_array_equal(top_k(scores, k), stable_top_k(scores, k))
    np.testing.assert_array_equal(top_k(scores, k, exclude), stable_top_k(scores, k, exclude))


def test_top_k_column_r_is_the_item_of_rank_r():
    """Does top_k agree with heldout_ranks: the item in column r has 0-based rank r?"""
    rng = np.random.default_rng(1)
    scores = np.round(rng.normal(size=(8, 40)), 1)
    exclude = rng.random((8, 40)) < 0.2
    top = top_k(scores, 12, exclude)
    for r in range(12):
        np.testing.assert_array_equal(heldout_ranks(scores, top[:, r], exclude), r)


def test_top_k_never_returns_an_excluded_item():
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(50, 100))
    exclude = scores > 0.5  # the best items are all excluded
    top = top_k(scores, 10, exclude)
    assert not exclude[np.arange(50)[:, None], top].any()


def test_top_k_of_every_item_is_a_full_ranking():
    scores = np.array([[0.2, 0.7, 0.1, 0.7]])
    assert top_k(scores, 4).tolist() == [[1, 3, 0, 2]]


def test_top_k_accepts_integer_scores_and_no_users():
    assert top_k(np.array([[3, 1, 2]]), 2).tolist() == [[0, 2]]
    assert top_k(np.zeros((0, 5)), 3).shape == (0, 3)


@pytest.mark.parametrize("scores, k, exclude", [
    (np.zeros(5), 2, None),  # not 2-D
    (np.array([[0.0, np.nan]]), 1, None),
    (np.array([[0.0, -np.inf]]), 1, None),  # exclude with `exclude`, not -inf
    (np.zeros((2, 3)), 0, None),
    (np.zeros((2, 3)), 4, None),
    (np.zeros((2, 3)), 2, np.array([[0, 0, 0], [1, 1, 0]], bool)),  # row 1 has 1 candidate
    (np.zeros((2, 3)), 1, np.zeros((2, 2), bool)),
])
def test_top_k_rejects_bad_input(scores, k, exclude):
    with pytest.raises(ValueError):
        top_k(scores, k, exclude)


def test_top_k_does_not_modify_its_input():
    scores = np.array([[0.3, 0.1, 0.2]])
    top_k(scores, 1, exclude=np.array([[True, False, False]]))
    assert scores.tolist() == [[0.3, 0.1, 0.2]]


def small_log():
    return synthetic_watch_log(num_users=60, num_items=40, watches_per_user=6, seed=3)


def test_random_holdout_holds_out_one_row_per_user_reproducibly():
    log = small_log()
    held = random_holdout(log, seed=5)
    assert np.bincount(log.user_ids[held]).tolist() == [1] * 60
    np.testing.assert_array_equal(held, random_holdout(log, seed=5))
    assert not np.array_equal(held, random_holdout(log, seed=6))


def test_random_holdout_picks_every_position_about_equally_often():
    log = synthetic_watch_log(num_users=3000, num_items=50, watches_per_user=5, seed=0)
    position = np.tile(np.arange(5), 3000)
    counts = np.bincount(position[random_holdout(log, seed=1)], minlength=5)
    np.testing.assert_allclose(counts / 3000, 0.2, atol=0.03)


def test_random_holdout_leaves_future_watches_in_training_and_the_last_watch_none():
    log = small_log()
    for held, expect_future in ((random_holdout(log, seed=0), True),
                                (leave_last_out(log), False)):
        held_time = np.zeros(log.user_ids.max() + 1)
        held_time[log.user_ids[held]] = log.timestamps[held]
        future = (~held) & (log.timestamps > held_time[log.user_ids])
        assert future.any() == expect_future


def test_split_with_the_last_watch_held_out_is_prepare_without_filtering():
    log = small_log()
    ours = split_with_holdout(log, leave_last_out(log))
    theirs = prepare(log, min_count=1)
    for field in ("num_users", "num_items"):
        assert getattr(ours, field) == getattr(theirs, field)
    for field in ("train_user_ids", "train_item_ids", "test_item_ids", "user_labels",
                  "item_labels"):
        np.testing.assert_array_equal(getattr(ours, field), getattr(theirs, field))


def test_split_with_holdout_remaps_raw_ids():
    log = Interactions(np.array([10, 10, 30]), np.array([7, 2, 7]), np.arange(3.0))
    split = split_with_holdout(log, np.array([False, True, True]))
    assert split.user_labels.tolist() == [10, 30] and split.item_labels.tolist() == [2, 7]
    assert split.train_item_ids.tolist() == [1] and split.test_item_ids.tolist() == [0, 1]


@pytest.mark.parametrize("held", [[True, True, True], [False, False, True], [True, False]])
def test_split_with_holdout_needs_one_row_per_user(held):
    log = Interactions(np.array([10, 10, 30]), np.array([7, 2, 7]), np.arange(3.0))
    with pytest.raises(ValueError):
        split_with_holdout(log, np.array(held))
