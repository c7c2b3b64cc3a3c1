"""Filtering (items then users, one pass each), the leave-last-out tie rule, remapping."""

import numpy as np

from crossentropy.recsys.data import Interactions, synthetic_watch_log
from crossentropy.recsys.protocol import filter_min_count, leave_last_out, prepare
from crossentropy.recsys.train import exclusion_mask


def log_of(users, items, times=None):
    users, items = np.asarray(users), np.asarray(items)
    times = np.arange(len(users), dtype=float) if times is None else np.asarray(times, float)
    return Interactions(users, items, times)


def test_filter_drops_items_first_then_users_one_pass_each():
    # min_count 3: item "x" (2 watches) goes; user 2 is then left with 2 watches and goes,
    # which leaves items "a" and "b" with 2 watches each, but there is no second pass.
    users = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4]
    items = list("abcd" "abx" "acd" "bcdx")
    codes = np.array([ord(c) for c in items])
    kept = filter_min_count(log_of(users, codes), min_count=3)
    assert kept.user_ids.tolist() == [1, 1, 1, 1, 3, 3, 3, 4, 4, 4]
    assert "".join(chr(c) for c in kept.item_ids) == "abcd" "acd" "bcd"
    # users first (the wrong order) would have kept user 2's "a" and "b"
    assert 2 not in kept.user_ids


def test_filter_keeps_rows_at_the_threshold():
    kept = filter_min_count(log_of([1] * 5, [1, 1, 1, 1, 1]), min_count=5)
    assert len(kept) == 5


def test_last_watch_by_timestamp_ties_go_to_the_later_row():
    log = log_of([5, 5, 5, 6, 6], [1, 2, 3, 1, 2], times=[10, 30, 30, 50, 40])
    assert leave_last_out(log).tolist() == [False, False, True, True, False]


def test_held_out_watch_is_never_earlier_than_a_training_watch():
    log = synthetic_watch_log(num_users=200, num_items=100, watches_per_user=8, seed=1)
    rng = np.random.default_rng(0)
    shuffled = log.select(rng.permutation(len(log)))  # row order must not matter
    held = leave_last_out(shuffled)
    last_time = {u: t for u, t in zip(shuffled.user_ids[held], shuffled.timestamps[held])}
    assert len(last_time) == 200
    for u, t in zip(shuffled.user_ids[~held], shuffled.timestamps[~held]):
        assert t <= last_time[u]


def test_prepare_remaps_ids_and_holds_out_one_watch_per_user():
    users = np.repeat([40, 10, 30], 6)
    items = np.tile([100, 200, 300, 400, 500, 600], 3)
    split = prepare(log_of(users, items, times=np.tile(np.arange(6), 3)), min_count=3)
    assert split.num_users == 3 and split.num_items == 6
    assert split.user_labels.tolist() == [10, 30, 40]
    assert split.test_item_ids.tolist() == [5, 5, 5]  # item 600 is each user's last watch
    assert len(split.train_user_ids) == 15 and 5 not in split.train_item_ids
    assert split.item_counts.tolist() == [3, 3, 3, 3, 3, 0]


def test_exclusion_mask_marks_exactly_the_training_items():
    split = prepare(synthetic_watch_log(num_users=50, num_items=60, watches_per_user=7, seed=2))
    mask = exclusion_mask(split, np.arange(split.num_users))
    expected = np.zeros_like(mask)
    expected[split.train_user_ids, split.train_item_ids] = True
    assert np.array_equal(mask, expected)
    assert not mask[np.arange(split.num_users), split.test_item_ids].any()
    sub = np.array([7, 3])
    assert np.array_equal(exclusion_mask(split, sub), expected[sub])
