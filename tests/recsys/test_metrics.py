"""recall@K and NDCG@K over all items on hand-computed fixtures."""

import numpy as np
import pytest

from crossentropy.recsys.metrics import heldout_ranks, ndcg_at_k, recall_at_k
from crossentropy.recsys.baselines import Popularity
from crossentropy.recsys.data import synthetic_watch_log
from crossentropy.recsys.protocol import prepare
from crossentropy.recsys.train import evaluate, exclusion_mask

SCORES = np.array([[0.9, 0.1, 0.8, 0.3, 0.5],
                   [0.2, 0.2, 0.2, 0.9, 0.1],
                   [0.0, 0.1, 0.2, 0.3, 0.4]])
HELD_OUT = np.array([4, 2, 0])


def test_ranks_by_hand_with_ties_to_the_lower_index():
    # row 0: 0.9 and 0.8 beat 0.5 -> rank 2; row 1: 0.9 beats, ties 0 and 1 come first -> 3
    assert heldout_ranks(SCORES, HELD_OUT).tolist() == [2, 3, 4]


def test_excluded_items_are_not_candidates():
    exclude = np.zeros_like(SCORES, dtype=bool)
    exclude[0, [0, 2]] = True
    exclude[1, 3] = True
    assert heldout_ranks(SCORES, HELD_OUT, exclude).tolist() == [0, 2, 4]


def test_held_out_item_is_ranked_even_if_marked_excluded():
    exclude = np.zeros_like(SCORES, dtype=bool)
    exclude[0, 4] = True
    assert heldout_ranks(SCORES, HELD_OUT, exclude).tolist() == [2, 3, 4]


@pytest.mark.parametrize("k, recall, ndcg", [
    (1, 0.0, 0.0),
    (3, 1 / 3, (1 / np.log2(4)) / 3),
    (4, 2 / 3, (1 / np.log2(4) + 1 / np.log2(5)) / 3),
    (5, 1.0, (1 / np.log2(4) + 1 / np.log2(5) + 1 / np.log2(6)) / 3),
])
def test_recall_and_ndcg_by_hand(k, recall, ndcg):
    assert recall_at_k(SCORES, HELD_OUT, k) == pytest.approx(recall)
    assert ndcg_at_k(SCORES, HELD_OUT, k) == pytest.approx(ndcg)


def test_perfect_ranking_scores_one():
    scores = np.eye(4)
    assert recall_at_k(scores, np.arange(4), k=1) == 1.0
    assert ndcg_at_k(scores, np.arange(4), k=1) == 1.0


def test_reduction_none_gives_per_user_values():
    assert recall_at_k(SCORES, HELD_OUT, 4, reduction="none").tolist() == [1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="reduction"):
        recall_at_k(SCORES, HELD_OUT, 4, reduction="sum")


@pytest.mark.parametrize("bad", [np.array([0, 1]), np.array([0, 1, 5]), np.array([0.0, 1, 2])])
def test_bad_item_ids_raise(bad):
    with pytest.raises(ValueError, match="item_ids"):
        recall_at_k(SCORES, bad, 2)


def test_evaluate_agrees_with_the_metric_functions():
    split = prepare(synthetic_watch_log(num_users=300, num_items=80, watches_per_user=10, seed=0))
    model = Popularity(split)
    users = np.arange(split.num_users)
    scores = np.asarray(model.scores(users))
    mask = exclusion_mask(split, users)
    result = evaluate(model, split, ks=(10,), chunk_size=64)
    assert result["recall@10"] == pytest.approx(recall_at_k(scores, split.test_item_ids, 10, mask))
    assert result["ndcg@10"] == pytest.approx(ndcg_at_k(scores, split.test_item_ids, 10, mask))
    # excluding training items can only help the held-out item
    assert result["recall@10"] >= recall_at_k(scores, split.test_item_ids, 10)
