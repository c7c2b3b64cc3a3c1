"""The model, the row-wise Adam and the training loop on small synthetic logs."""

import numpy as np
import pytest

from crossentropy.recsys.baselines import EASE, Popularity
from crossentropy.recsys.data import synthetic_watch_log
from crossentropy.recsys.model import Adam, EmbeddingModel, sum_rows
from crossentropy.recsys.protocol import prepare
from crossentropy.recsys.samplers import PopularitySampler, UniformSampler
from crossentropy.recsys.train import TrainConfig, evaluate, train


@pytest.fixture(scope="module")
def split():
    return prepare(synthetic_watch_log(num_users=600, num_items=200, watches_per_user=20,
                                       seed=0))


def test_sum_rows_matches_add_at():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 10, 50)
    rows = rng.normal(size=(50, 3))
    unique, sums = sum_rows(ids, rows)
    expected = np.zeros((10, 3))
    np.add.at(expected, ids, rows)
    assert unique.tolist() == sorted(set(ids.tolist()))
    np.testing.assert_allclose(sums, expected[unique])


def test_row_wise_adam_over_all_rows_equals_dense_adam():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(6, 3)), None
    b = a.copy()
    dense = Adam({"w": a}, lr=0.01, weight_decay=0.1)
    rows = Adam({"w": b}, lr=0.01, weight_decay=0.1)
    for _ in range(5):
        grad = rng.normal(size=(6, 3))
        dense.next_step()
        dense.step_dense("w", grad.copy())
        rows.next_step()
        rows.step_rows("w", np.arange(6), grad)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_adam_matches_the_adamw_formula_and_leaves_other_rows_alone():
    theta = np.array([[1.0, 2.0], [3.0, 4.0]])
    adam = Adam({"w": theta}, lr=0.1, weight_decay=0.5)
    adam.next_step()
    adam.step_rows("w", np.array([0]), np.array([[0.2, -0.4]]))
    # first step: m/(sqrt(v)+eps) with bias correction = sign(g)
    np.testing.assert_allclose(theta[0], [1.0 * (1 - 0.05) - 0.1, 2.0 * (1 - 0.05) + 0.1],
                               rtol=1e-6)
    assert theta[1].tolist() == [3.0, 4.0]


def test_frozen_column_of_ones_never_moves(split):
    model, _ = train(split, loss="sampled", num_epochs=1, dim=4, progress=False,
                     weight_decay=0.5)
    assert np.all(model.user_table[:, 4] == 1.0)


def test_model_scores_include_the_item_bias():
    model = EmbeddingModel(3, 4, dim=2, seed=0)
    model.item_table[:, 2] = [1.0, 2.0, 3.0, 4.0]
    expected = model.user_emb @ model.item_emb.T + model.item_bias
    np.testing.assert_allclose(model.scores(), expected, rtol=1e-6)
    assert EmbeddingModel(3, 4, dim=2, item_bias=False).user_table.shape == (3, 2)


@pytest.mark.parametrize("loss", ["softmax", "sampled", "in-batch", "bce"])
def test_training_is_seeded_and_lowers_the_loss(split, loss):
    kwargs = dict(loss=loss, num_epochs=3, dim=8, batch_size=256, lr=0.02, progress=False)
    model_a, history = train(split, **kwargs)
    model_b, _ = train(split, **kwargs)
    assert np.array_equal(model_a.item_table, model_b.item_table)
    assert history[-1]["loss"] < history[0]["loss"]
    assert np.isfinite(model_a.item_table).all()


def test_trained_model_beats_popularity(split):
    model, history = train(split, loss="softmax", num_epochs=12, dim=16, batch_size=256,
                           lr=0.02, progress=False, eval_every=12)
    popularity = evaluate(Popularity(split), split)
    assert history[-1]["recall@10"] == evaluate(model, split)["recall@10"]
    assert history[-1]["recall@20"] > 1.2 * popularity["recall@20"]


def test_ease_beats_popularity(split):
    assert (evaluate(EASE(split, l2=50.0), split)["recall@20"]
            > evaluate(Popularity(split), split)["recall@20"])


def test_samplers_draw_as_their_log_probabilities_say():
    rng = np.random.default_rng(0)
    counts = np.array([50.0, 30.0, 15.0, 5.0, 0.0])
    for sampler in (PopularitySampler(counts, alpha=1.0), PopularitySampler(counts, 0.5),
                    UniformSampler(5)):
        draws = np.bincount(sampler.sample(200_000, rng), minlength=5) / 200_000
        probs = np.exp(sampler.log_prob(np.arange(5)))
        probs[probs < 1e-5] = 0
        np.testing.assert_allclose(draws, probs, atol=0.005)
        np.testing.assert_allclose(sampler.log_expected_count(np.arange(4), 10),
                                   np.log(10 * probs[:4]))


def test_config_rejects_unknown_values():
    with pytest.raises(ValueError, match="loss"):
        TrainConfig(loss="hinge")
    with pytest.raises(ValueError, match="sampler"):
        TrainConfig(sampler="zipf")
    with pytest.raises(ValueError, match="batch_size"):
        TrainConfig(batch_size=0)


def test_adam_leaves_undecayed_columns_out_of_the_weight_decay():
    theta = np.ones((2, 3))
    adam = Adam({"w": theta}, lr=0.1, weight_decay=0.5, undecayed_columns={"w": 2})
    adam.next_step()
    adam.step_rows("w", np.array([0, 1]), np.zeros((2, 3)))
    np.testing.assert_allclose(theta[:, :2], 0.95)
    np.testing.assert_allclose(theta[:, 2], 1.0)


def test_item_bias_is_not_decayed_unless_asked(split):
    kwargs = dict(loss="softmax", num_epochs=2, dim=4, batch_size=256, progress=False,
                  weight_decay=3.0, lr=0.05)
    free, _ = train(split, **kwargs)
    decayed, _ = train(split, decay_bias=True, **kwargs)
    assert np.abs(free.item_bias).mean() > np.abs(decayed.item_bias).mean()


def test_blas_thread_limit_gives_the_same_model(split):
    pytest.importorskip("threadpoolctl")
    kwargs = dict(loss="sampled", num_epochs=1, dim=4, batch_size=256, progress=False)
    one, _ = train(split, threads=1, **kwargs)
    default, _ = train(split, **kwargs)
    np.testing.assert_allclose(one.item_table, default.item_table, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match="threads"):
        TrainConfig(threads=-1)
