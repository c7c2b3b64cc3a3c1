"""The command line's defaults on a real log: MovieLens latest-small under the protocol.

The data set is not part of the repository; it lives next to it, in
``../shared/data/movielens-latest-small`` from the repository root, and the test is skipped
when it is absent. It trains the default in-batch model (the loss whose defaults beat EASE;
~40 s on two shared cores) through the command line's own entry point and compares it with
EASE (Steck 2019, l2 = 200) evaluated the same way in the same run.

Measured when written (seed 0, the default): in-batch recall@10 0.0951, NDCG@10 0.0448;
EASE 0.0885, 0.0410; popularity 0.0443, 0.0211. The margin is 4 of 610 users, and the
result is seed-dependent: seeds 1 and 2 of the same defaults give recall@10 0.082 and
0.080 (on the validation split the defaults and EASE tie, 0.082 each). A change to the
training arithmetic can therefore move this test; it checks the shipped defaults, not a
claim that the model is better than EASE in expectation.
"""

import json
import pathlib

import pytest

from crossentropy.recsys.cli import main

REPO = pathlib.Path(__file__).resolve().parents[2]
MOVIELENS = REPO.parent / "shared" / "data" / "movielens-latest-small" / "ratings.csv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not MOVIELENS.exists(),
                       reason=f"MovieLens latest-small not found at {MOVIELENS} "
                              "(../shared/data/movielens-latest-small from the repo root)"),
]


def test_default_in_batch_model_reaches_ease_on_movielens(capsys):
    status = main(["train", "--ratings", str(MOVIELENS), "--loss", "in-batch", "--ease",
                   "--no-progress", "--json"])
    assert status == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["num_users"] == 610 and result["num_items"] > 3000
    assert result["logq"] is True
    assert result["recall@10"] >= result["ease"]["recall@10"], result
    assert result["ndcg@10"] >= result["ease"]["ndcg@10"], result
    assert result["recall@10"] > 1.5 * result["popularity"]["recall@10"]
