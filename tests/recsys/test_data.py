"""The synthetic generator, the CSV loader (with its line-numbered errors) and the writer."""

import os

import numpy as np
import pytest

from crossentropy.recsys.data import (DataFormatError, load_interactions, synthetic_watch_log,
                                      write_interactions)

# Next to the repository, not in it: ../shared/data from the repo root.
MOVIELENS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
                         os.pardir, "shared", "data", "movielens-latest-small",
                         "ratings.csv")


def write(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_synthetic_log_is_seeded_and_has_distinct_watches_per_user():
    a = synthetic_watch_log(num_users=30, num_items=40, watches_per_user=10, seed=3)
    b = synthetic_watch_log(num_users=30, num_items=40, watches_per_user=10, seed=3)
    assert np.array_equal(a.item_ids, b.item_ids) and np.array_equal(a.timestamps, b.timestamps)
    per_user = a.item_ids.reshape(30, 10)
    assert all(len(set(row)) == 10 for row in per_user)
    assert np.all(np.diff(a.timestamps.reshape(30, 10), axis=1) > 0)
    assert a.watch_time.shape == (300,) and np.all(a.watch_time > 0)
    assert not np.array_equal(a.item_ids, synthetic_watch_log(30, 40, 10, seed=4).item_ids)


def test_synthetic_log_popularity_follows_zipf():
    # without tastes (affinity_scale 0) the watches follow the Zipf popularity alone
    log = synthetic_watch_log(num_users=2000, num_items=200, watches_per_user=5,
                              affinity_scale=0.0, seed=0)
    counts = np.bincount(log.item_ids, minlength=200)
    assert counts[:10].sum() > 5 * counts[-50:].sum()
    assert np.corrcoef(np.log(np.arange(1, 201)), np.log(counts + 1))[0, 1] < -0.9
    # with tastes the head still dominates the tail
    log = synthetic_watch_log(num_users=2000, num_items=200, watches_per_user=5, seed=0)
    counts = np.bincount(log.item_ids, minlength=200)
    assert counts[:10].sum() > 1.5 * counts[-50:].sum()


def test_write_then_load_round_trips(tmp_path):
    log = synthetic_watch_log(num_users=20, num_items=30, watches_per_user=5, seed=0)
    path = tmp_path / "synth.csv"
    write_interactions(path, log)
    back = load_interactions(path)
    for name in ("user_ids", "item_ids", "timestamps"):
        assert np.array_equal(getattr(back, name), getattr(log, name))
    np.testing.assert_allclose(back.watch_time, log.watch_time)


def test_loader_reads_columns_in_any_order_with_aliases(tmp_path):
    path = write(tmp_path, "timestamp,rating,movieId,userId,extra\n5,4.5,10,1,a\n3,1.0,11,2,b\n")
    log = load_interactions(path)
    assert log.user_ids.tolist() == [1, 2] and log.item_ids.tolist() == [10, 11]
    assert log.timestamps.tolist() == [5.0, 3.0] and log.ratings.tolist() == [4.5, 1.0]


def test_loader_without_timestamp_uses_row_order(tmp_path):
    log = load_interactions(write(tmp_path, "user,item\n1,2\n1,3\n\n"))  # trailing blank line
    assert log.timestamps.tolist() == [0.0, 1.0] and log.ratings is None


@pytest.mark.parametrize("text, message", [
    ("", "line 1: the file is empty"),
    ("userId,rating\n1,2.0\n", "line 1: the header 'userId,rating' has no 'item' column"),
    ("movie,item\n1,2\n", "line 1: the header 'movie,item' has no 'user' column"),
    ("user,item\n", "line 2: no interactions after the header"),
    ("user,item,timestamp\n1,2,3\n1,2\n", "line 3: expected 3 fields"),
    ("user,item\n1,2\n1,2,3\n", "line 3: expected 2 fields"),
    ("user,item\n1,2\n1,2\nabc,2\n", "line 4: user 'abc' is not an integer"),
    ("user,item\n1,2.5\n", "line 2: item '2.5' is not an integer"),
    ("user,item,timestamp\n1,2,yesterday\n", "line 2: timestamp 'yesterday' is not a number"),
    ("user,item,rating\n1,2,\n", "line 2: rating '' is not a number"),
    ("user,item,rating\n1,2,nan\n", "line 2: rating 'nan' is not finite"),
    ("user,user_id,item\n1,2,3\n", "line 1: the header names the 'user' column twice"),
])
def test_loader_errors_name_the_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError) as info:
        load_interactions(path)
    assert message in str(info.value)
    assert str(info.value).startswith(os.fspath(path))
    assert isinstance(info.value, ValueError)


def test_loader_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_interactions(tmp_path / "nope.csv")


@pytest.mark.skipif(not os.path.exists(MOVIELENS),
                    reason="MovieLens latest-small not present in ../shared/data")
def test_loader_reads_movielens_as_it_is():
    log = load_interactions(MOVIELENS)
    assert len(log) == 100_836
    assert len(np.unique(log.user_ids)) == 610 and log.ratings.max() == 5.0
