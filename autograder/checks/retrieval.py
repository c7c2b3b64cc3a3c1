"""Checks of assignment a09_extreme_classification: serving the top K with seen items
excluded, full-ranking recall@K and NDCG@K for one held-out item per user, and the
full-softmax loss of a retrieval model with its embedding gradients."""

import numpy as np

from crossentropy.recsys.losses import full_softmax_loss as ref_full
from crossentropy.recsys.metrics import heldout_ranks
from crossentropy.recsys.metrics import ndcg_at_k as ref_ndcg
from crossentropy.recsys.metrics import recall_at_k as ref_recall
from crossentropy.serving import top_k as ref_top_k
from crossentropy.testing import numerical_gradient

from ._core import (
    CheckFailed,
    assert_close,
    assert_finite,
    assert_raises,
    call_valid,
    numeric,
    parts,
    register,
)

TOPK = "top_k"
RECALL = "recall_at_k"
NDCG = "ndcg_at_k"
FULL = "full_softmax_loss"


def _seen(rng, shape, rate=0.2, keep=None, left=10):
    """A random watch-history mask; ``keep`` (item per row) is never marked, and every row
    keeps at least ``left`` items unmarked."""
    mask = rng.random(shape) < rate
    if keep is not None:
        mask[np.arange(shape[0]), keep] = False
    for row in range(shape[0]):
        free = np.flatnonzero(~mask[row])
        if free.size < left:
            marked = np.flatnonzero(mask[row])
            mask[row, rng.choice(marked, size=left - free.size, replace=False)] = False
    return mask


# --------------------------------------------------------------------------- top_k


def _top_k(fn, scores, k, what, exclude=None):
    want = ref_top_k(scores, k, exclude)
    s = np.asarray(scores, dtype=float)
    hints = [(np.argsort(s, axis=1, kind="stable")[:, ::-1][:, :k], "equal scores must go to "
              "the lower item index first; reversing an ascending argsort puts the higher "
              "index first (use np.argsort(-scores, kind='stable'))"),
             (np.argsort(s, axis=1, kind="stable")[:, :k], "these are the k *lowest* scores: "
              "sort by decreasing score"),
             (np.sort(ref_top_k(scores, k, exclude), axis=1), "the right items, but not best "
              "first: np.argpartition leaves the k items unordered, sort them by score")]
    if exclude is not None:
        hints.append((ref_top_k(scores, k), "exclude was ignored: a user's already watched "
                      "items must never be recommended"))
        zeroed = np.where(exclude, 0.0, s)
        if np.all(np.isfinite(zeroed)):
            hints.append((ref_top_k(zeroed, k), "excluded items were given the score 0, which "
                          "still beats negative scores; remove them (a score of -inf)"))
    args = (scores, k) if exclude is None else (scores, k, exclude)
    got = call_valid(fn, args, {}, what)
    got = numeric(got, what)
    if exclude is not None and got.shape == want.shape and got.dtype.kind in "iu" \
            and np.all((got >= 0) & (got < s.shape[1])):
        served = np.take_along_axis(np.asarray(exclude, bool), got.astype(np.int64), axis=1)
        if served.any() and not any(np.array_equal(got, h[0]) for h in hints):
            row = int(np.flatnonzero(served.any(axis=1))[0])
            raise CheckFailed(f"{what}: row {row} recommends an excluded (already watched) "
                              "item; excluded items are never returned")
    assert_close(got, want, what, rtol=0, atol=0, hints=hints,
                 shape_hint="return the item indices, shape (num_users, k)")


def top_k_small(fn, rng):
    _top_k(fn, np.array([[0.1, 0.9, 0.5, 0.3], [3.0, -1.0, 2.0, 0.0]]), 2,
           f"{TOPK}([[0.1, 0.9, 0.5, 0.3], [3, -1, 2, 0]], 2) (= [[1, 2], [0, 2]])")


def top_k_random(fn, rng):
    _top_k(fn, rng.normal(size=(6, 40)), 5, f"{TOPK} of random scores (6 users, 40 items), "
           "k=5")


def top_k_hidden(fn, rng):
    _top_k(fn, rng.normal(size=(30, 500)), 10, f"{TOPK} of 30 users x 500 items, k=10")
    _top_k(fn, rng.normal(size=(3, 7)), 7, f"{TOPK} with k = the number of items (a full "
           "ranking)")
    _top_k(fn, rng.normal(size=(4, 9)) * 1e3, 1, f"{TOPK} with k=1")


def top_k_ties(fn, rng):
    _top_k(fn, np.array([[0.2, 0.7, 0.1, 0.7]]), 4, f"{TOPK}([[0.2, 0.7, 0.1, 0.7]], 4) (= "
           "[[1, 3, 0, 2]]: the tie goes to the lower index)")
    _top_k(fn, rng.integers(0, 3, size=(5, 12)).astype(float), 4, f"{TOPK} of scores in "
           "{0, 1, 2} (many ties), k=4")


def top_k_ties_hidden(fn, rng):
    scores = rng.integers(0, 4, size=(20, 30)).astype(float)
    _top_k(fn, scores, 10, f"{TOPK} of 20 x 30 scores in {{0, 1, 2, 3}}, k=10")
    _top_k(fn, np.zeros((2, 6)), 3, f"{TOPK} of all-equal scores (= [0, 1, 2] per row)")


def top_k_exclude(fn, rng):
    _top_k(fn, np.array([[0.1, 0.9, 0.5, 0.9], [-0.3, -0.2, -0.8, -0.4]]), 2,
           f"{TOPK}([[0.1, 0.9, 0.5, 0.9], [-0.3, -0.2, -0.8, -0.4]], 2, exclude=[[0, 1, 0, 0], "
           "[0, 0, 1, 1]]) (= [[3, 2], [1, 0]])",
           exclude=np.array([[0, 1, 0, 0], [0, 0, 1, 1]], dtype=bool))
    scores = rng.normal(size=(8, 30))
    _top_k(fn, scores, 6, f"{TOPK} of random scores with the watched items excluded",
           exclude=_seen(rng, scores.shape, 0.3))


def top_k_exclude_hidden(fn, rng):
    scores = rng.normal(size=(40, 200)) - 2.0  # mostly negative scores
    _top_k(fn, scores, 10, f"{TOPK} of 40 x 200 negative scores with a watch history",
           exclude=_seen(rng, scores.shape, 0.25))
    scores = rng.normal(size=(10, 50))
    _top_k(fn, scores, 5, f"{TOPK} where the 10 best items of every row are excluded",
           exclude=scores >= np.sort(scores, axis=1)[:, [-10]])


VALIDATION = ("when a row has fewer than k items left after the exclusions there is no top k: "
              "raise ValueError rather than return watched items (or k < 1)")


def top_k_rejects(fn, rng):
    assert_raises(fn, (rng.normal(size=(2, 3)), 2, np.array([[0, 0, 0], [1, 1, 0]], bool)),
                  what=f"{TOPK}(scores of shape (2, 3), k=2, exclude=...) where row 1 has one "
                  "candidate left", advice=VALIDATION)


def top_k_rejects_hidden(fn, rng):
    assert_raises(fn, (rng.normal(size=(3, 4)), 5), what=f"{TOPK}(scores of shape (3, 4), k=5)",
                  advice=VALIDATION)
    assert_raises(fn, (rng.normal(size=(3, 4)), 0), what=f"{TOPK}(scores, k=0)",
                  advice=VALIDATION)


register(f"test_{TOPK}", TOPK, [top_k_small, top_k_random], [top_k_hidden])
register(f"test_{TOPK}-ties", TOPK, [top_k_ties], [top_k_ties_hidden])
register(f"test_{TOPK}-exclude", TOPK, [top_k_exclude], [top_k_exclude_hidden])
register(f"test_{TOPK}-validation", TOPK, [top_k_rejects], [top_k_rejects_hidden])


# --------------------------------------------------------------------------- recall and NDCG


def _ranks_variants(scores, items, exclude):
    """0-based ranks under typical mistakes: (ties ahead, ties behind, exclude dropped,
    held-out item excluded too)."""
    s = np.asarray(scores, dtype=float)
    rows = np.arange(s.shape[0])
    target = s[rows, items][:, None]
    others = np.ones(s.shape, bool)
    others[rows, items] = False
    candidates = others if exclude is None else others & ~np.asarray(exclude, bool)
    ties_ahead = ((s >= target) & candidates).sum(axis=1)
    ties_behind = ((s > target) & candidates).sum(axis=1)
    no_exclude = heldout_ranks(scores, items)
    return ties_ahead, ties_behind, no_exclude


def _metric_hints(name, scores, items, k, exclude, reduction):
    ranks = heldout_ranks(scores, items, exclude)
    ahead, behind, no_exclude = _ranks_variants(scores, items, exclude)

    def value(r, kk=k, discount=None):
        hit = r < kk
        if name == RECALL:
            per = hit.astype(float)
        else:
            with np.errstate(divide="ignore"):
                per = np.where(hit, 1.0 / (discount(r) if discount else np.log2(r + 2.0)), 0.0)
        return per if reduction == "none" else float(per.mean())

    hints = [(value(ahead), "an item with the same score as the held-out one was counted "
              "ahead of it; ties go to the lower item index (count s_j == s_i as ahead only "
              "for j < i)"),
             (value(behind), "items with the same score as the held-out one were never "
              "counted ahead; ties go to the lower item index (count s_j == s_i as ahead for "
              "j < i)"),
             (value(ranks, kk=k + 1), "off by one: with 0-based ranks r, a hit is r < K (the "
              "top K are ranks 0 .. K-1)")]
    if exclude is not None:
        hints.append((value(no_exclude), "exclude was ignored: the user's training items are "
                      "not candidates, so they cannot push the held-out item down"))
        hints.append((value(np.where(np.asarray(exclude, bool)[np.arange(len(items)), items],
                                     np.iinfo(np.int64).max // 2, ranks)),
                      "the held-out item itself was excluded: it is always ranked, even if "
                      "exclude marks it (only the *other* items are masked)"))
    if name == NDCG:  # before the generic ones: "no cutoff" can equal "off by one"
        hints[:0] = _ndcg_hints(value, ranks)
    return hints


def _ndcg_hints(value, ranks):
    return [(value(ranks, discount=lambda r: np.log2(r + 1.0)), "with 0-based ranks the "
             "discount is 1 / log2(r + 2): the top item (r = 0) scores 1, 1 / log2(1) is a "
             "division by zero"),
            (value(ranks, discount=lambda r: np.log(r + 2.0)), "the discount uses log2, not "
             "the natural log: 1 / log2(r + 2)"),
            (value(ranks, discount=lambda r: r + 1.0), "this is the reciprocal rank "
             "1 / (r + 1); NDCG discounts by 1 / log2(r + 2)"),
            (value(ranks, kk=np.iinfo(np.int64).max), "hits beyond K were counted: NDCG@K is 0 "
             "for a held-out item ranked K or lower")]


def _metric(fn, name, reference, scores, items, what, k=None, exclude=None, reduction=None):
    kwargs = {}
    if k is not None:
        kwargs["k"] = k
    if exclude is not None:
        kwargs["exclude"] = exclude
    if reduction is not None:
        kwargs["reduction"] = reduction
    want = reference(scores, items, **kwargs)
    hints = _metric_hints(name, scores, items, 10 if k is None else k, exclude,
                          reduction or "mean")
    if (reduction or "mean") == "mean":
        hints.append((reference(scores, items, **{**kwargs, "reduction": "none"}), "returned "
                      "one value per user: reduction='mean' (the default) averages them"))
    else:
        hints.append((reference(scores, items, **{**kwargs, "reduction": "mean"}), "returned "
                      "the mean: reduction='none' returns one value per user"))
    got = call_valid(fn, (scores, items), kwargs, what)
    return assert_close(got, want, what, hints=hints,
                        shape_hint="reduction='mean' returns one number, 'none' one value per "
                                   "user, shape (num_users,)")


TOY = np.array([[0.1, 0.9, 0.5, 0.3], [0.4, 0.4, 0.2, 0.8]])
DISTINCT = np.array([[0.1, 0.9, 0.5, 0.3], [0.4, 0.6, 0.2, 0.8]])


def _random_case(rng, users=12, items=60):
    scores = rng.normal(size=(users, items))
    held = rng.integers(0, items, size=users)
    scores[np.arange(users)[: users // 2], held[: users // 2]] += 2.0  # some hits
    return scores, held


def recall_small(fn, rng):
    _metric(fn, RECALL, ref_recall, DISTINCT, np.array([2, 0]), f"{RECALL}("
            f"{DISTINCT.tolist()}, [2, 0], k=2) (ranks 1 and 2: 0.5)", k=2)
    _metric(fn, RECALL, ref_recall, DISTINCT, np.array([2, 0]), f"{RECALL}(..., k=2, "
            "reduction='none') (= [1, 0])", k=2, reduction="none")


def recall_random(fn, rng):
    scores, held = _random_case(rng)
    _metric(fn, RECALL, ref_recall, scores, held, f"{RECALL} of 12 users x 60 items, k=5", k=5)
    _metric(fn, RECALL, ref_recall, scores, held, f"{RECALL} of 12 users x 60 items with the "
            "default k=10")


def recall_hidden(fn, rng):
    scores, held = _random_case(rng, 50, 300)
    _metric(fn, RECALL, ref_recall, scores, held, f"{RECALL} of 50 users x 300 items, k=20",
            k=20, reduction="none")
    _metric(fn, RECALL, ref_recall, scores, np.argmax(scores, axis=1), f"{RECALL} of a perfect "
            "ranking (1)", k=1)
    _metric(fn, RECALL, ref_recall, scores, held, f"{RECALL} with k = the number of items (1)",
            k=300)


def _metric_ties(fn, name, reference):
    _metric(fn, name, reference, TOY, np.array([1, 0]), f"{name}({TOY.tolist()}, [1, 0], k=2) "
            "(user 1's items 0 and 1 tie: item 0 comes first, rank 1)", k=2, reduction="none")
    scores = np.array([[1.0, 2.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]])
    _metric(fn, name, reference, scores, np.array([2, 3]), f"{name} of scores "
            f"{scores.tolist()} for items [2, 3], k=3 (ranks 2 and 3)", k=3, reduction="none")


def _metric_ties_hidden(fn, name, reference, rng):
    scores = rng.integers(0, 3, size=(20, 25)).astype(float)
    _metric(fn, name, reference, scores, rng.integers(0, 25, size=20), f"{name} of scores in "
            "{0, 1, 2} (many ties), k=8", k=8, reduction="none")


def _metric_exclude(fn, name, reference, rng):
    _metric(fn, name, reference, DISTINCT, np.array([2, 0]), f"{name}({DISTINCT.tolist()}, "
            "[2, 0], k=1, exclude=[[0, 1, 0, 0], [0, 0, 0, 1]]) (the watched items 1 and 3 are "
            "not candidates: ranks 0 and 1)", k=1,
            exclude=np.array([[0, 1, 0, 0], [0, 0, 0, 1]], bool))
    scores, held = _random_case(rng)
    _metric(fn, name, reference, scores, held, f"{name} of 12 users x 60 items with their "
            "training items excluded, k=5", k=5, exclude=_seen(rng, scores.shape, 0.3, held))


def _metric_exclude_hidden(fn, name, reference, rng):
    scores, held = _random_case(rng, 40, 200)
    seen = _seen(rng, scores.shape, 0.2)
    seen[np.arange(0, 40, 4), held[::4]] = True  # the held-out item is marked for some users
    _metric(fn, name, reference, scores, held, f"{name} where exclude also marks some users' "
            "held-out item (it is still ranked), k=10", k=10, exclude=seen, reduction="none")


def recall_ties(fn, rng):
    _metric_ties(fn, RECALL, ref_recall)


def recall_ties_hidden(fn, rng):
    _metric_ties_hidden(fn, RECALL, ref_recall, rng)


def recall_exclude(fn, rng):
    _metric_exclude(fn, RECALL, ref_recall, rng)


def recall_exclude_hidden(fn, rng):
    _metric_exclude_hidden(fn, RECALL, ref_recall, rng)


register(f"test_{RECALL}", RECALL, [recall_small, recall_random], [recall_hidden])
register(f"test_{RECALL}-ties", RECALL, [recall_ties], [recall_ties_hidden])
register(f"test_{RECALL}-exclude", RECALL, [recall_exclude], [recall_exclude_hidden])


def ndcg_small(fn, rng):
    _metric(fn, NDCG, ref_ndcg, TOY, np.array([2, 1]), f"{NDCG}({TOY.tolist()}, [2, 1], k=2) "
            "(ranks 1 and 2: (1 / log2(3) + 0) / 2 = 0.3155)", k=2)
    _metric(fn, NDCG, ref_ndcg, TOY, np.array([1, 3]), f"{NDCG}({TOY.tolist()}, [1, 3], k=2, "
            "reduction='none') (both at the top: [1, 1])", k=2, reduction="none")


def ndcg_random(fn, rng):
    scores, held = _random_case(rng)
    _metric(fn, NDCG, ref_ndcg, scores, held, f"{NDCG} of 12 users x 60 items, k=5",
            k=5, reduction="none")
    _metric(fn, NDCG, ref_ndcg, scores, held, f"{NDCG} of 12 users x 60 items with the "
            "default k=10")


def ndcg_hidden(fn, rng):
    scores, held = _random_case(rng, 50, 300)
    _metric(fn, NDCG, ref_ndcg, scores, held, f"{NDCG} of 50 users x 300 items, k=50", k=50)
    _metric(fn, NDCG, ref_ndcg, scores, np.argmax(scores, axis=1), f"{NDCG} of a perfect "
            "ranking (1)", k=3)


def ndcg_ties(fn, rng):
    _metric_ties(fn, NDCG, ref_ndcg)


def ndcg_ties_hidden(fn, rng):
    _metric_ties_hidden(fn, NDCG, ref_ndcg, rng)


def ndcg_exclude(fn, rng):
    _metric_exclude(fn, NDCG, ref_ndcg, rng)


def ndcg_exclude_hidden(fn, rng):
    _metric_exclude_hidden(fn, NDCG, ref_ndcg, rng)


register(f"test_{NDCG}", NDCG, [ndcg_small, ndcg_random], [ndcg_hidden])
register(f"test_{NDCG}-ties", NDCG, [ndcg_ties], [ndcg_ties_hidden])
register(f"test_{NDCG}-exclude", NDCG, [ndcg_exclude], [ndcg_exclude_hidden])


# --------------------------------------------------------------------------- full softmax


def _embeddings(rng, batch, items, dim, scale=1.0, distinct=True):
    user_emb = rng.normal(size=(batch, dim)) * scale
    item_emb = rng.normal(size=(items, dim)) * scale
    ids = rng.choice(items, size=batch, replace=not distinct) if distinct else \
        rng.integers(0, items, size=batch)
    return user_emb, item_emb, ids.astype(np.int64)


def _non_accumulating(user_emb, item_emb, ids):
    """d_item with the positives' -u_b / B written by fancy-index assignment: duplicates of
    an item keep only one of their contributions."""
    batch = len(ids)
    s = user_emb @ item_emb.T
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    d_item = p.T @ user_emb / batch
    d_item[ids] -= user_emb / batch
    return d_item


def _full(fn, user_emb, item_emb, ids, what, check=("loss", "d_user", "d_item"), rtol=None,
          atol=None):
    loss, d_user, d_item = ref_full(user_emb, item_emb, ids)
    batch = len(ids)
    result = call_valid(fn, (user_emb, item_emb, ids), {}, what)
    got_loss, got_user, got_item = parts(result, 3, what, ["loss", "d_user_emb", "d_item_emb"])
    if "loss" in check:
        assert_close(got_loss, loss, f"{what}: loss", rtol=rtol, atol=atol,
                     hints=[(loss * batch, "returned the summed loss: the loss is the mean over "
                             "the B rows of the batch"),
                            (-loss, "the loss is logsumexp(s_b) - s_b,i_b, not its negative")],
                     shape_hint="the loss is one number")
    if "d_user" in check:
        s = user_emb @ item_emb.T
        with np.errstate(all="ignore"):
            p = np.exp(s - s.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
        assert_close(got_user, d_user, f"{what}: d_user_emb", rtol=rtol, atol=atol,
                     hints=[(d_user * batch, "d_user_emb is B times too large: the loss is a "
                             "mean over the batch"),
                            (-d_user, "d_user_emb has the wrong sign: (p_b - onehot) V / B"),
                            (p @ item_emb / batch, "the positive's term is missing: d u_b = "
                             "(sum_j p_bj v_j - v_{i_b}) / B")],
                     shape_hint="d_user_emb has the shape of user_emb, (B, d)")
    if "d_item" in check:
        hints = [(d_item * batch, "d_item_emb is B times too large: the loss is a mean over the "
                  "batch"),
                 (-d_item, "d_item_emb has the wrong sign: (P - Y)^T U / B")]
        if len(np.unique(ids)) < len(ids):
            hints.append((_non_accumulating(user_emb, item_emb, ids), "an item that is the "
                          "positive of several rows got only one of their contributions: "
                          "d_item[ids] -= ... does not add up duplicates; use np.add.at (or "
                          "(P - Y)^T U with a one-hot Y)"))
        s = user_emb @ item_emb.T
        with np.errstate(all="ignore"):
            p = np.exp(s - s.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
        positives = np.zeros_like(item_emb)
        np.add.at(positives, ids, -user_emb / batch)
        hints.append((positives, "only the positive items got a gradient; in the full softmax "
                      "every item is a candidate: d v_j = sum_b (p_bj - [j = i_b]) u_b / B"))
        assert_close(got_item, d_item, f"{what}: d_item_emb", rtol=rtol, atol=atol, hints=hints,
                     shape_hint="d_item_emb has the shape of item_emb, (N, d): every item "
                                "gets a gradient")
    return got_loss, got_user, got_item


def full_small(fn, rng):
    _full(fn, np.zeros((2, 3)), np.ones((4, 3)), np.array([0, 3]),
          f"{FULL}(zeros((2, 3)), ones((4, 3)), [0, 3]) (loss log 4)")


def full_random(fn, rng):
    u, v, ids = _embeddings(rng, 6, 20, 4)
    _full(fn, u, v, ids, f"{FULL} of a batch of 6 users, 20 items, d = 4")


def full_hidden(fn, rng):
    u, v, ids = _embeddings(rng, 32, 300, 8, scale=0.7)
    _full(fn, u, v, ids, f"{FULL} of a batch of 32 users, 300 items, d = 8")
    u, v, ids = _embeddings(rng, 1, 5, 2)
    _full(fn, u, v, ids, f"{FULL} of a batch of one")


def _fd_full(fn, u, v, ids, what):
    _, got_user, got_item = _full(fn, u, v, ids, what, check=())
    num_user = numerical_gradient(lambda x: ref_full(x, v, ids)[0], u.copy())
    num_item = numerical_gradient(lambda x: ref_full(u, x, ids)[0], v.copy())
    assert_close(got_user, num_user, f"{what}: d_user_emb against finite differences of the "
                 "loss", rtol=1e-5, atol=1e-8)
    assert_close(got_item, num_item, f"{what}: d_item_emb against finite differences of the "
                 "loss", rtol=1e-5, atol=1e-8)


def full_gradient(fn, rng):
    u, v, ids = _embeddings(rng, 4, 7, 3)
    _fd_full(fn, u, v, ids, f"{FULL} of 4 users, 7 items, d = 3")


def full_gradient_hidden(fn, rng):
    u, v, ids = _embeddings(rng, 5, 9, 2, scale=1.5)
    _fd_full(fn, u, v, ids, f"{FULL} of 5 users, 9 items, d = 2")


def full_duplicates(fn, rng):
    u, v, _ = _embeddings(rng, 4, 6, 3)
    ids = np.array([2, 5, 2, 2])
    _full(fn, u, v, ids, f"{FULL} with item 2 the positive of three rows (their "
          "contributions add up)", check=("loss", "d_item"))
    _fd_full(fn, u, v, ids, f"{FULL} with item 2 the positive of three rows")


def full_duplicates_hidden(fn, rng):
    u, v, ids = _embeddings(rng, 40, 10, 4, distinct=False)
    _full(fn, u, v, ids, f"{FULL} of a batch of 40 over 10 items (many repeated positives)")
    u, v, _ = _embeddings(rng, 3, 4, 2)
    _full(fn, np.vstack([u[:1]] * 3), v, np.array([1, 1, 1]), f"{FULL} of one user three "
          "times with the same positive")


OVERFLOW = ("the loss overflowed for scores of about 1000: compute logsumexp(s_b) with the row "
            "maximum subtracted, and the probabilities from the shifted scores")


def full_large(fn, rng):
    u = np.array([[30.0, 0.0], [0.0, -30.0]])
    v = np.array([[30.0, 1.0], [-30.0, 5.0], [0.0, 30.0]])
    ids = np.array([1, 0])
    what = f"{FULL} with scores of +-900"
    loss, _, _ = parts(call_valid(fn, (u, v, ids), {}, what), 3, what,
                       ["loss", "d_user_emb", "d_item_emb"])
    assert_finite(loss, f"{what}: loss", OVERFLOW)
    _full(fn, u, v, ids, what)


def full_large_hidden(fn, rng):
    u, v, ids = _embeddings(rng, 8, 50, 6, scale=20.0)
    what = f"{FULL} of embeddings scaled by 20 (scores of about +-1000)"
    result = parts(call_valid(fn, (u, v, ids), {}, what), 3, what,
                   ["loss", "d_user_emb", "d_item_emb"])
    for name, value in zip(("loss", "d_user_emb", "d_item_emb"), result):
        assert_finite(value, f"{what}: {name}", OVERFLOW)
    _full(fn, u, v, ids, what)


register(f"test_{FULL}", FULL, [full_small, full_random], [full_hidden])
register(f"test_{FULL}-gradient", FULL, [full_gradient], [full_gradient_hidden])
register(f"test_{FULL}-duplicates", FULL, [full_duplicates], [full_duplicates_hidden])
register(f"test_{FULL}-stability", FULL, [full_large], [full_large_hidden])
