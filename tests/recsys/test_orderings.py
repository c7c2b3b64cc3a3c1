"""What a learner must see, as orderings on a seeded synthetic log (not exact numbers).

3000 users x 2000 items (Zipf popularity, 25 watches each), d = 16, batch 512, 10 epochs.
Measured when written (recall@10): full 0.239, uniform K=64 0.229, popularity K=256 without
logQ 0.084 / with 0.233 / flipped 0.039, in-batch without 0.094 / with 0.243 / flipped
0.035, popularity baseline 0.070. The margins below are well inside those numbers.
"""

import numpy as np
import pytest

from crossentropy.recsys.baselines import Popularity
from crossentropy.recsys.data import synthetic_watch_log
from crossentropy.recsys.protocol import prepare
from crossentropy.recsys.train import evaluate, train

COMMON = dict(dim=16, batch_size=512, num_epochs=10, lr=0.01, weight_decay=0.0, seed=0,
              threads=1)
MODES = {
    "full": dict(loss="softmax"),
    "uniform": dict(loss="sampled", sampler="uniform", num_negatives=64),
    "popularity": dict(loss="sampled", sampler="popularity", num_negatives=256, logq=0.0),
    "popularity+logq": dict(loss="sampled", sampler="popularity", num_negatives=256),
    "popularity-flipped": dict(loss="sampled", sampler="popularity", num_negatives=256,
                               logq=-1.0),
    "in-batch": dict(loss="in-batch", logq=0.0),
    "in-batch+logq": dict(loss="in-batch"),
    "in-batch-flipped": dict(loss="in-batch", logq=-1.0),
}


@pytest.fixture(scope="module")
def results():
    split = prepare(synthetic_watch_log(num_users=3000, num_items=2000, watches_per_user=25,
                                        seed=0))
    out = {"popularity-baseline": evaluate(Popularity(split), split)["recall@10"]}
    for name, mode in MODES.items():
        model, _ = train(split, progress=False, **COMMON, **mode)
        out[name] = evaluate(model, split)["recall@10"]
    return out


pytestmark = pytest.mark.slow


def test_full_softmax_is_best(results):
    others = [value for name, value in results.items() if name != "full"]
    assert results["full"] >= max(others) - 0.02
    assert results["full"] > 2.5 * results["popularity-baseline"]


def test_uniform_sampled_is_within_15_percent_of_full(results):
    assert results["uniform"] >= 0.85 * results["full"]


@pytest.mark.parametrize("negatives", ["popularity", "in-batch"])
def test_without_logq_popular_negatives_collapse_recall(results, negatives):
    assert results[f"{negatives}+logq"] > 2 * results[negatives]
    assert results[negatives] < 0.5 * results["full"]


@pytest.mark.parametrize("negatives", ["popularity", "in-batch"])
def test_with_logq_and_enough_negatives_they_come_close_to_full(results, negatives):
    assert results[f"{negatives}+logq"] >= 0.9 * results["full"]


@pytest.mark.parametrize("negatives", ["popularity", "in-batch"])
def test_flipped_sign_is_worse_than_no_correction(results, negatives):
    assert results[f"{negatives}-flipped"] < 0.75 * results[negatives]


def test_the_collapse_drifts_to_the_long_tail():
    """Uncorrected in-batch negatives push popular items down: the top-10 gets less popular."""
    split = prepare(synthetic_watch_log(num_users=1000, num_items=500, watches_per_user=25,
                                        seed=1))
    ranks = {}
    for logq in (1.0, 0.0):
        model, _ = train(split, progress=False, loss="in-batch", logq=logq,
                         **{**COMMON, "num_epochs": 5})
        top = np.argsort(-model.scores(), axis=1)[:, :10]
        popularity_rank = np.argsort(np.argsort(-split.item_counts))
        ranks[logq] = np.median(popularity_rank[top])
    assert ranks[0.0] > 2 * ranks[1.0]
