"""Checks of assignment a12_capstone: full-ranking evaluation with the seen items masked, the
popularity of what a model recommends, and the orderings of short training runs.

``evaluate`` and ``recommended_popularity`` are compared with
:mod:`crossentropy.recsys.metrics` on seeded random embeddings. ``train_two_tower`` is the
learner's whole trainer: the checks train it on a small synthetic watch log
(:func:`crossentropy.recsys.data.synthetic_watch_log`, 400 users, 150 items, 10 watches
each, the last one held out) and grade *orderings* of the held-out recall@10, which a
correct trainer satisfies for every seed with a wide margin (measured over 60 seeds, three
logs and several learning rates, with and without item bias): the full softmax beats the
popularity baseline, the logQ correction lifts in-batch recall and pulls its
recommendations back from the long tail, the flipped sign is worse than no correction, and
corrected in-batch comes close to the full softmax.
"""

import contextlib
import functools

import numpy as np

from crossentropy.recsys.data import synthetic_watch_log
from crossentropy.recsys.metrics import ndcg_at_k, recall_at_k
from crossentropy.recsys.protocol import prepare
from crossentropy.recsys.train import exclusion_mask

from ._core import CheckFailed, assert_close, call_valid, fmt, parts, register

EVAL = "evaluate"
POP = "recommended_popularity"
TRAIN = "train_two_tower"

try:  # multithreaded BLAS on tiny matrices is slow on a busy machine; one thread is plenty
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None


def _one_thread():
    if threadpool_limits is None:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


# --------------------------------------------------------------------------- references


def evaluate_reference(user_emb, item_emb, heldout_items, seen, k=10):
    """(recall@k, NDCG@k) of the scores ``user_emb @ item_emb.T``, seen items excluded."""
    scores = np.asarray(user_emb, dtype=np.float64) @ np.asarray(item_emb, np.float64).T
    return (recall_at_k(scores, heldout_items, k, seen), ndcg_at_k(scores, heldout_items, k,
                                                                   seen))


def popularity_ranks(item_counts):
    """0 for the most watched item, 1 for the next ...; equal counts: lower index first."""
    counts = np.asarray(item_counts)
    ranks = np.empty(len(counts), dtype=np.int64)
    ranks[np.lexsort((np.arange(len(counts)), -counts))] = np.arange(len(counts))
    return ranks


def _top_k(scores, seen, k):
    return np.lexsort((-scores, np.asarray(seen, dtype=bool)), axis=-1)[:, :k]


def recommended_popularity_reference(user_emb, item_emb, seen, item_counts, k=10):
    """Mean popularity rank of the k items recommended to each user (seen ones excluded)."""
    scores = np.asarray(user_emb, dtype=np.float64) @ np.asarray(item_emb, np.float64).T
    return float(np.mean(popularity_ranks(item_counts)[_top_k(scores, seen, k)]))


# --------------------------------------------------------------------------- evaluate


def _eval_hints(user_emb, item_emb, heldout, seen, k):
    scores = user_emb @ item_emb.T
    hints = []
    rank = _ranks(scores, heldout, seen)
    hit = rank < k
    recall = float(np.mean(hit))
    hints.append((np.array([recall, np.mean(np.where(hit, 1 / np.log(rank + 2.0), 0.0))]),
                  "the NDCG discount is 1 / log2(rank + 2) with 0-based ranks (base 2, not "
                  "the natural log)"))
    hints.append((np.array([recall, np.mean(np.where(hit, 1 / np.log2(rank + 3.0), 0.0))]),
                  "the ranks are off by one in NDCG: with 0-based ranks r (r = 0 for the top "
                  "item) the gain is 1 / log2(r + 2), so a hit at the top scores 1"))
    wide = rank < k + 1
    hints.append((np.array([np.mean(wide), np.mean(np.where(wide, 1 / np.log2(rank + 2.0),
                                                            0.0))]),
                  f"counted the top k + 1 = {k + 1} items: a hit is a 0-based rank < k"))
    if np.any(seen):
        hints.append((np.array(evaluate_reference(user_emb, item_emb, heldout, None, k)),
                      "the seen items were not masked: a user's training items are not "
                      "candidates (set their scores to -inf before ranking); otherwise "
                      "the top of every list is the user's own history"))
        gone = np.asarray(seen, dtype=bool)[np.arange(len(heldout)), heldout]
        if np.any(gone):
            r = np.where(gone, scores.shape[1], rank)
            h = r < k
            hints.append((np.array([np.mean(h), np.mean(np.where(h, 1 / np.log2(r + 2.0),
                                                                 0.0))]),
                          "the held-out item was masked because it is also in `seen`: it is "
                          "always ranked (mask the seen items other than the held-out one)"))
    ahead = (scores >= scores[np.arange(len(heldout)), heldout][:, None])
    ahead[np.arange(len(heldout)), heldout] = False
    if seen is not None:
        ahead &= ~np.asarray(seen, dtype=bool)
    r = ahead.sum(axis=1)
    if np.any(r != rank):
        h = r < k
        hints.append((np.array([np.mean(h), np.mean(np.where(h, 1 / np.log2(r + 2.0), 0.0))]),
                      "ties were ranked against the held-out item: an item with the same "
                      "score counts as ahead only if its index is lower (the order of a "
                      "stable sort by decreasing score, np.argsort(-scores, kind='stable'))"))
    return hints


def _ranks(scores, heldout, seen):
    rows = np.arange(len(heldout))
    target = scores[rows, heldout][:, None]
    cols = np.arange(scores.shape[1])
    ahead = (scores > target) | ((scores == target) & (cols < heldout[:, None]))
    if seen is not None:
        ahead &= ~np.asarray(seen, dtype=bool)
    return ahead.sum(axis=1)


def _evaluate(fn, user_emb, item_emb, heldout, seen, what, k=None):
    kwargs = {} if k is None else {"k": k}
    k = 10 if k is None else k
    want = np.array(evaluate_reference(user_emb, item_emb, heldout, seen, k))
    got = parts(call_valid(fn, (user_emb, item_emb, heldout, seen), kwargs, what), 2, what,
                ("recall", "ndcg"))
    if any(g.shape != () for g in got):
        raise CheckFailed(f"{what}: recall and NDCG must each be one number (the mean over "
                          f"users), got shapes {got[0].shape} and {got[1].shape}")
    hints = _eval_hints(np.asarray(user_emb, np.float64), np.asarray(item_emb, np.float64),
                        heldout, seen, k)
    assert_close(np.array([got[0], got[1]], dtype=np.float64), want,
                 f"{what}, (recall, ndcg)", hints=hints)


def _data(rng, users, items, dim=4, seen_fraction=0.0):
    u = rng.normal(size=(users, dim))
    v = rng.normal(size=(items, dim))
    heldout = rng.integers(0, items, size=users).astype(np.int64)
    seen = rng.random((users, items)) < seen_fraction
    seen[np.arange(users), heldout] = False
    return u, v, heldout, seen


def eval_small(fn, rng):
    u = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 2.0], [-1.0, 1.0]])
    # scores [[1, .5, 0, -1], [0, .5, 2, 1]]: held-out 1 has rank 1, held-out 0 rank 3
    _evaluate(fn, u, v, np.array([1, 0]), np.zeros((2, 4), dtype=bool),
              f"{EVAL} with scores [[1, 0.5, 0, -1], [0, 0.5, 2, 1]], held-out items [1, 0], "
              "k=2 (ranks 1 and 3: recall 0.5, NDCG 1 / (2 log2 3) = 0.31546)", k=2)


def eval_random(fn, rng):
    u, v, heldout, seen = _data(rng, 50, 30)
    _evaluate(fn, u, v, heldout, seen, f"{EVAL} of 50 random users and 30 items, nothing "
              "seen, k=10")


def eval_hidden(fn, rng):
    u, v, heldout, seen = _data(rng, 80, 60, dim=8)
    _evaluate(fn, u, v, heldout, seen, f"{EVAL} of 80 users and 60 items, k=5", k=5)
    u, v, heldout, seen = _data(rng, 40, 20)
    _evaluate(fn, u, v, heldout, seen, f"{EVAL} with k=20 = all items (recall 1)", k=20)


def eval_seen(fn, rng):
    u = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 2.0], [-1.0, 1.0]])
    seen = np.array([[True, False, False, False], [False, True, True, False]])
    _evaluate(fn, u, v, np.array([1, 0]), seen, f"{EVAL} with scores [[1, 0.5, 0, -1], [0, "
              "0.5, 2, 1]], held-out [1, 0], seen [[0], [1, 2]], k=2 (ranks 0 and 1)", k=2)
    u, v, heldout, seen = _data(rng, 60, 40, seen_fraction=0.3)
    _evaluate(fn, u, v, heldout, seen, f"{EVAL} of 60 users and 40 items, about 30% of the "
              "items seen by each user")


def eval_seen_heldout(fn, rng):
    u, v, heldout, seen = _data(rng, 30, 25, seen_fraction=0.4)
    seen[np.arange(0, 30, 3), heldout[::3]] = True  # watched before and again in the test
    _evaluate(fn, u, v, heldout, seen, f"{EVAL} where a third of the held-out items are also "
              "in `seen` (the held-out item is always ranked)")


def eval_seen_hidden(fn, rng):
    u, v, heldout, seen = _data(rng, 100, 50, dim=6, seen_fraction=0.5)
    _evaluate(fn, u, v, heldout, seen, f"{EVAL} of 100 users, half of the items seen, k=3",
              k=3)


def eval_ties(fn, rng):
    u = np.array([[1.0], [1.0]])
    v = np.array([[2.0], [1.0], [2.0], [2.0], [1.0]])
    _evaluate(fn, u, v, np.array([2, 4]), np.zeros((2, 5), dtype=bool),
              f"{EVAL} with scores [2, 1, 2, 2, 1] for both users and held-out items [2, 4], "
              "k=2 (ties go to the lower index: ranks 1 and 4)", k=2)
    u = rng.integers(-2, 3, size=(40, 2)).astype(np.float64)
    v = rng.integers(-2, 3, size=(15, 2)).astype(np.float64)
    heldout = rng.integers(0, 15, size=40).astype(np.int64)
    _evaluate(fn, u, v, heldout, np.zeros((40, 15), dtype=bool), f"{EVAL} of integer "
              "embeddings (many tied scores), k=3", k=3)


def eval_ties_hidden(fn, rng):
    u = rng.integers(-1, 2, size=(50, 3)).astype(np.float64)
    v = rng.integers(-1, 2, size=(12, 3)).astype(np.float64)
    heldout = rng.integers(0, 12, size=50).astype(np.int64)
    _evaluate(fn, u, v, heldout, np.zeros((50, 12), dtype=bool), f"{EVAL} of integer "
              "embeddings in {-1, 0, 1}, k=4", k=4)


register(f"test_{EVAL}", EVAL, [eval_small, eval_random], [eval_hidden])
register(f"test_{EVAL}-seen", EVAL, [eval_seen, eval_seen_heldout], [eval_seen_hidden])
register(f"test_{EVAL}-ties", EVAL, [eval_ties], [eval_ties_hidden])


# --------------------------------------------------------------------------- popularity


def _pop(fn, user_emb, item_emb, seen, counts, what, k=None):
    kwargs = {} if k is None else {"k": k}
    k = 10 if k is None else k
    want = recommended_popularity_reference(user_emb, item_emb, seen, counts, k)
    scores = user_emb @ item_emb.T
    n = len(counts)
    top = _top_k(scores, seen, k)
    ranks = popularity_ranks(counts)
    hints = [(np.mean(n - 1 - ranks[top]), "the popularity ranks are reversed: rank 0 is the "
                                           "MOST watched item"),
             (np.mean(np.asarray(counts)[top]), "returned the mean count of the recommended "
                                                "items; return their mean popularity rank "
                                                "(0 = most watched)"),
             (np.mean(ranks[top] + 1), "the ranks are 1-based; the most watched item has "
                                       "rank 0")]
    if np.any(seen):
        hints.append((np.mean(ranks[_top_k(scores, np.zeros_like(seen), k)]), "the seen items "
                      "were recommended: exclude each user's training items before taking the "
                      "top k"))
    stable_desc = np.empty(n, dtype=np.int64)
    stable_desc[np.lexsort((-np.arange(n), -np.asarray(counts)))] = np.arange(n)
    if np.any(stable_desc != ranks):
        hints.append((np.mean(stable_desc[top]), "items with equal counts share the order of "
                      "their index: the lower index gets the lower (more popular) rank"))
    got = call_valid(fn, (user_emb, item_emb, seen, counts), kwargs, what)
    assert_close(got, want, what, hints=hints, shape_hint="return one number: the mean over "
                 "users and their k recommendations")


def _counts(rng, items, distinct=True):
    if distinct:
        return rng.permutation(np.arange(1, items + 1) * 3).astype(np.int64)
    return rng.integers(0, 4, size=items).astype(np.int64)


def pop_small(fn, rng):
    u = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 2.0], [-1.0, 1.0]])
    counts = np.array([10, 40, 20, 30])  # popularity ranks [3, 0, 2, 1]
    _pop(fn, u, v, np.zeros((2, 4), dtype=bool), counts, f"{POP} with scores [[1, 0.5, 0, "
         "-1], [0, 0.5, 2, 1]], counts [10, 40, 20, 30] (ranks [3, 0, 2, 1]), k=2: user 0 "
         "gets items 0, 1, user 1 items 2, 3; mean rank (3 + 0 + 2 + 1) / 4 = 1.5", k=2)


def pop_random(fn, rng):
    u, v, _, seen = _data(rng, 30, 25)
    _pop(fn, u, v, seen, _counts(rng, 25), f"{POP} of 30 random users, 25 items with distinct "
         "counts, k=10")


def pop_hidden(fn, rng):
    u, v, _, seen = _data(rng, 60, 40, dim=6)
    _pop(fn, u, v, seen, _counts(rng, 40), f"{POP} of 60 users and 40 items, k=5", k=5)


def pop_seen(fn, rng):
    u, v, _, seen = _data(rng, 30, 25, seen_fraction=0.3)
    _pop(fn, u, v, seen, _counts(rng, 25), f"{POP} of 30 users who saw about 30% of 25 items")
    u, v, _, seen = _data(rng, 20, 15)
    _pop(fn, u, v, seen, _counts(rng, 15, distinct=False), f"{POP} with tied counts (equal "
         "counts: the lower index is more popular)", k=4)


def pop_seen_hidden(fn, rng):
    u, v, _, seen = _data(rng, 50, 30, seen_fraction=0.5)
    _pop(fn, u, v, seen, _counts(rng, 30, distinct=False), f"{POP} with tied counts and half "
         "of the items seen, k=3", k=3)


register(f"test_{POP}", POP, [pop_small, pop_random], [pop_hidden])
register(f"test_{POP}-seen", POP, [pop_seen], [pop_seen_hidden])


# --------------------------------------------------------------------------- training

NUM_USERS, NUM_ITEMS, WATCHES = 400, 150, 10


@functools.lru_cache(maxsize=4)
def watch_log_split(seed):
    """The graded log: (train_users, train_items, heldout, num_users, num_items, seen)."""
    split = prepare(synthetic_watch_log(num_users=NUM_USERS, num_items=NUM_ITEMS,
                                        watches_per_user=WATCHES, seed=seed), min_count=1)
    seen = exclusion_mask(split, np.arange(split.num_users))
    return (split.train_user_ids, split.train_item_ids, split.test_item_ids, split.num_users,
            split.num_items, seen)


def _run(fn, data_seed, loss, logq, seed):
    """Train the learner's model once; (recall@10, mean popularity rank of the top 10)."""
    users, items, heldout, num_users, num_items, seen = watch_log_split(data_seed)
    what = (f"{TRAIN}(..., loss={loss!r}, logq={logq:g}, seed={seed}) on the log of seed "
            f"{data_seed}")
    with _one_thread():
        result = call_valid(fn, (users.copy(), items.copy(), num_users, num_items),
                            {"loss": loss, "logq": logq, "seed": seed}, what)
    u, v = parts(result, 2, what, ("user_emb", "item_emb"))
    if u.ndim != 2 or v.ndim != 2 or u.shape[0] != num_users or v.shape[0] != num_items \
            or u.shape[1] != v.shape[1]:
        raise CheckFailed(f"{what}: expected user_emb of shape ({num_users}, d) and item_emb "
                          f"of shape ({num_items}, d) with the same d (scores = user_emb @ "
                          f"item_emb.T), got {u.shape} and {v.shape}")
    if not (np.all(np.isfinite(u)) and np.all(np.isfinite(v))):
        raise CheckFailed(f"{what}: the embeddings hold NaN or inf (a diverging step, or an "
                          "unshifted softmax)")
    counts = np.bincount(items, minlength=num_items)
    recall = evaluate_reference(u, v, heldout, seen)[0]
    popularity = recommended_popularity_reference(u, v, seen, counts)
    return recall, popularity


def popularity_baseline(data_seed):
    """recall@10 of recommending the most watched unseen items."""
    users, items, heldout, num_users, num_items, seen = watch_log_split(data_seed)
    counts = np.bincount(items, minlength=num_items).astype(np.float64)
    scores = np.tile(counts + np.arange(num_items, 0, -1) * 1e-6, (num_users, 1))
    return recall_at_k(scores, heldout, 10, seen)


def _seeds(rng, hidden):
    data_seed = 1 + int(rng.integers(2)) if hidden else 0
    return data_seed, int(rng.integers(10_000))


def _basic(fn, rng, hidden=False):
    data_seed, seed = _seeds(rng, hidden)
    recall, _ = _run(fn, data_seed, "full", 0.0, seed)
    baseline = popularity_baseline(data_seed)
    if not recall >= 1.15 * baseline:
        raise CheckFailed(f"{TRAIN} with loss='full' (seed {seed}, log {data_seed}) reached "
                          f"recall@10 = {fmt(recall)}, not clearly above the popularity "
                          f"baseline {fmt(baseline)} (needed: 1.15 x): check the full-softmax "
                          "gradient (softmax(u V^T) - onehot) / B, that every step updates "
                          "both tables, and the suggested hyper-parameters")


def basic_visible(fn, rng):
    _basic(fn, rng)


def basic_hidden(fn, rng):
    _basic(fn, rng, hidden=True)


def _logq(fn, rng, hidden=False):
    data_seed, seed = _seeds(rng, hidden)
    corrected, pop_corrected = _run(fn, data_seed, "in-batch", 1.0, seed)
    plain, pop_plain = _run(fn, data_seed, "in-batch", 0.0, seed)
    if corrected < plain:
        raise CheckFailed(f"{TRAIN} with loss='in-batch' (seed {seed}, log {data_seed}): "
                          f"recall@10 = {fmt(corrected)} with logq=1, lower than "
                          f"{fmt(plain)} without the correction: the sign is probably "
                          "flipped (s + log Q doubles the popularity bias, TFRS #219); the "
                          "corrected logit is s - logq * log Q(i_c), for every candidate "
                          "column c, the diagonal included")
    if not corrected >= 1.1 * plain:
        raise CheckFailed(f"{TRAIN} with loss='in-batch' (seed {seed}, log {data_seed}): "
                          f"recall@10 = {fmt(corrected)} with logq=1, {fmt(plain)} without; "
                          "the correction should lift it by 10% or more (on this log by about "
                          "50%): subtract logq * log Q(i_c) from every candidate column c, the "
                          "diagonal included, with Q the item's share of the training watches "
                          "(counts / counts.sum())")
    if not pop_plain >= pop_corrected + 15:
        raise CheckFailed(f"{TRAIN} with loss='in-batch' (seed {seed}, log {data_seed}): the "
                          f"mean popularity rank of the top 10 is {fmt(pop_corrected)} with "
                          f"logq=1 and {fmt(pop_plain)} without; uncorrected in-batch "
                          "negatives over-penalise popular items, so without the correction "
                          "the recommendations should drift to the long tail (a rank at least "
                          "15 higher)")


def logq_visible(fn, rng):
    _logq(fn, rng)


def logq_hidden(fn, rng):
    _logq(fn, rng, hidden=True)


def _sign(fn, rng, hidden=False):
    data_seed, seed = _seeds(rng, hidden)
    flipped, _ = _run(fn, data_seed, "in-batch", -1.0, seed)
    plain, _ = _run(fn, data_seed, "in-batch", 0.0, seed)
    if not flipped < plain - 0.01:
        raise CheckFailed(f"{TRAIN} with loss='in-batch' (seed {seed}, log {data_seed}): "
                          f"recall@10 = {fmt(flipped)} with logq=-1 (the flipped sign, s + log "
                          f"Q) and {fmt(plain)} with logq=0; the flipped sign doubles the "
                          "popularity bias and must be worse than no correction (TFRS #257): "
                          "the corrected logit is s - logq * log Q, so logq=-1 must give s + "
                          "log Q")


def sign_visible(fn, rng):
    _sign(fn, rng)


def sign_hidden(fn, rng):
    _sign(fn, rng, hidden=True)


def _full(fn, rng, hidden=False):
    data_seed, seed = _seeds(rng, hidden)
    full, _ = _run(fn, data_seed, "full", 0.0, seed)
    corrected, _ = _run(fn, data_seed, "in-batch", 1.0, seed)
    if not corrected >= full - 0.06:
        raise CheckFailed(f"{TRAIN} (seed {seed}, log {data_seed}): recall@10 = "
                          f"{fmt(corrected)} for in-batch with logq=1 and {fmt(full)} for the "
                          "full softmax; with the correction, in-batch negatives should come "
                          "within 0.06 of the full softmax (on this log they match it): check "
                          "the correction of the positive and the removal of accidental hits")


def full_visible(fn, rng):
    _full(fn, rng)


def full_hidden(fn, rng):
    _full(fn, rng, hidden=True)


register(f"test_{TRAIN}", TRAIN, [basic_visible], [basic_hidden])
register(f"test_{TRAIN}-logq", TRAIN, [logq_visible], [logq_hidden])
register(f"test_{TRAIN}-sign", TRAIN, [sign_visible], [sign_hidden])
register(f"test_{TRAIN}-full", TRAIN, [full_visible], [full_hidden])


def train_two_tower_reference(user_ids, item_ids, num_users, num_items, loss="in-batch",
                              logq=1.0, seed=0):
    """The library's trainer with the notebook's hyper-parameters, as (user_emb, item_emb)."""
    from crossentropy.recsys.protocol import Split
    from crossentropy.recsys.train import train

    split = Split(num_users, num_items, np.asarray(user_ids), np.asarray(item_ids),
                  np.zeros(num_users, dtype=np.int64), np.arange(num_users),
                  np.arange(num_items))
    model, _ = train(split, loss="softmax" if loss == "full" else "in-batch", logq=logq,
                     dim=16, num_epochs=6, batch_size=256, lr=0.03, weight_decay=0.0,
                     init_scale=0.1, seed=seed, progress=False)
    return model.user_table.astype(np.float64), model.item_table.astype(np.float64)


#: The reference of every function graded here (for the course's own tests).
REFERENCES = {EVAL: evaluate_reference, POP: recommended_popularity_reference,
              TRAIN: train_two_tower_reference}
