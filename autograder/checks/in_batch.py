"""Checks of assignment a11_in_batch_negatives: the in-batch softmax with the logQ correction
and accidental hits removed, the streaming frequency estimate of Yi et al. that supplies its
log Q, and hard-negative mining.

References: :func:`crossentropy.recsys.losses.in_batch_softmax_loss` (the pinned convention:
log Q is subtracted from every candidate, the positive on the diagonal included),
:class:`crossentropy.frequency.StreamingFrequencyEstimator` (with the hash ``id mod H``)
and :func:`crossentropy.mining.hard_negative_mining`.
"""

import numpy as np

from crossentropy.frequency import StreamingFrequencyEstimator
from crossentropy.mining import hard_negative_mining as ref_mining
from crossentropy.recsys.losses import MIN_LOGIT, in_batch_softmax_loss as ref_in_batch
from crossentropy.recsys.losses import softmax_loss_from_logits

from ._core import (
    CheckFailed,
    assert_close,
    assert_finite,
    assert_gradient,
    call_valid,
    parts,
    register,
)

LOSS = "in_batch_softmax_loss"
FREQ = "streaming_frequency"
MINE = "hard_negative_mining"
GRAD_NAMES = ("loss", "d_user_emb", "d_item_emb")

NO_SHIFT = ("the loss overflowed: exp of logits of 1e4 (or of 100 in float32) is inf; "
            "compute log-sum-exp with the row maximum subtracted, m + log(sum(exp(o - m)))")


def _emb(rng, shape, scale=1.0, dtype=np.float64):
    return (rng.normal(size=shape) * scale).astype(dtype)


def _log_q(rng, batch):
    """log Q of each candidate column: log-probabilities of a Zipf-like popularity."""
    p = rng.uniform(0.002, 0.6, size=batch)
    return np.log(p)


def _loss_of_logits(o, columns=None):
    """Mean softmax cross-entropy of the rows of ``o``, positive ``columns`` (default: the
    diagonal)."""
    o = np.array(o, dtype=np.float64)
    labels = np.arange(len(o)) if columns is None else columns
    return softmax_loss_from_logits(o, labels)[0]


def _logits(user_emb, item_emb):
    return np.asarray(user_emb, np.float64) @ np.asarray(item_emb, np.float64).T


# --------------------------------------------------------------------------- the loss


def _loss_hints(user_emb, item_emb, log_q, item_ids, remove):
    """Known wrong answers for the loss value."""
    kwargs = dict(log_q=log_q, item_ids=item_ids, remove_accidental_hits=remove)
    want = ref_in_batch(user_emb, item_emb, **kwargs)[0]
    batch = len(user_emb)
    hints = []
    if batch > 1:
        hints.append((want * batch, "returned the sum over the batch (TFRS's Retrieval task "
                                    "sums by default); the loss is the mean over the B rows"))
    if log_q is not None:
        hints.append((ref_in_batch(user_emb, item_emb, -log_q, item_ids, remove)[0],
                      "the logQ correction has the wrong sign: s + log Q doubles the "
                      "popularity bias instead of removing it (TFRS issue #219); subtract: "
                      "o[b, c] = u_b . v_c - log_q[c]"))
        o = _logits(user_emb, item_emb) - log_q[None, :]
        diag = np.arange(batch)
        o[diag, diag] += log_q  # negatives corrected, the positive not
        if remove and item_ids is not None:
            hits = item_ids[None, :] == item_ids[:, None]
            np.fill_diagonal(hits, False)
            o[hits] = MIN_LOGIT
        hints.append((_loss_of_logits(o), "log Q was subtracted from the negatives only; the "
                      "pinned convention corrects every candidate, the positive on the "
                      "diagonal included (o[b, b] = u_b . v_b - log_q[b])"))
        hints.append((ref_in_batch(user_emb, item_emb, None, item_ids, remove)[0],
                      "the loss equals the uncorrected one: subtract log_q[c] from column c, "
                      "each candidate's own log Q (log_q[None, :]); a shift of a whole row "
                      "(log_q[:, None]) cancels in the softmax"))
    if item_ids is not None and remove:
        hints.append((ref_in_batch(user_emb, item_emb, log_q, item_ids, False)[0],
                      "accidental hits were not removed: a column c != b with item_ids[c] == "
                      "item_ids[b] is the row's own positive again, a false negative; set its "
                      "logit to a very negative finite number (e.g. MIN_LOGIT = "
                      "np.finfo(np.float32).min / 100) before the softmax"))
    if item_ids is not None and remove:
        o = _logits(user_emb, item_emb) - (0 if log_q is None else log_q[None, :])
        o[item_ids[None, :] == item_ids[:, None]] = MIN_LOGIT
        hints.append((_loss_of_logits(o), "the diagonal was removed too: o[b, b] is the "
                      "row's positive, never an accidental hit (clear the diagonal of the "
                      "hit mask, np.fill_diagonal(hits, False))"))
    if item_ids is not None and not remove:
        hints.append((ref_in_batch(user_emb, item_emb, log_q, item_ids, True)[0],
                      "with remove_accidental_hits=False the duplicates must stay candidates; "
                      "remove them only when asked"))
    if log_q is None and item_ids is None and batch > 1:
        hints.append((ref_in_batch(item_emb, user_emb)[0], "the logits are transposed: row "
                      "b holds user b's scores of every candidate, o = user_emb @ item_emb.T"))
    return hints


def _loss(fn, user_emb, item_emb, what, log_q=None, item_ids=None, remove=None, rtol=None,
          atol=None, finite_advice=None):
    kwargs = {}
    if log_q is not None:
        kwargs["log_q"] = log_q
    if item_ids is not None:
        kwargs["item_ids"] = item_ids
    if remove is not None:
        kwargs["remove_accidental_hits"] = remove
    remove = True if remove is None else remove
    want = ref_in_batch(np.array(user_emb, np.float64), np.array(item_emb, np.float64),
                        log_q, item_ids, remove)
    result = call_valid(fn, (user_emb, item_emb), kwargs, what)
    got = parts(result, 3, what, GRAD_NAMES)
    if finite_advice:
        assert_finite(got[0], f"{what}, loss", finite_advice)
    hints = _loss_hints(np.array(user_emb, np.float64), np.array(item_emb, np.float64),
                        log_q, item_ids, remove)
    assert_close(got[0], np.float64(want[0]), f"{what}, loss", rtol=rtol, atol=atol,
                 hints=hints, shape_hint="the loss is one number, the mean over the batch")
    return got, want


TFRS_Q = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
TFRS_C = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])


def loss_example(fn, rng):
    _loss(fn, TFRS_Q, TFRS_C, f"{LOSS} of TFRS's fixture (users [[1, 2, 3], [2, 3, 4]], "
          "items [[1, 1, 1], [1, 1, 0]]: logits [[6, 3], [9, 5]], mean loss 2.0333687)")


def loss_random(fn, rng):
    _loss(fn, _emb(rng, (5, 3)), _emb(rng, (5, 3)), f"{LOSS} of a batch of 5 random (user, "
          "item) pairs, d = 3")


def loss_hidden(fn, rng):
    _loss(fn, _emb(rng, (8, 4)), _emb(rng, (8, 4)), f"{LOSS} of a batch of 8 pairs, d = 4")
    _loss(fn, _emb(rng, (1, 3)), _emb(rng, (1, 3)), f"{LOSS} of a batch of one pair (the "
          "positive is the only candidate: loss 0)")


def logq_small(fn, rng):
    log_q = np.log(np.array([0.5, 0.1]))
    _loss(fn, TFRS_Q, TFRS_C, f"{LOSS} of TFRS's fixture with log_q = log([0.5, 0.1])",
          log_q=log_q)


def logq_random(fn, rng):
    _loss(fn, _emb(rng, (6, 3)), _emb(rng, (6, 3)), f"{LOSS} of 6 random pairs with log_q",
          log_q=_log_q(rng, 6))


def logq_constant(fn, rng):
    u, v = _emb(rng, (4, 3)), _emb(rng, (4, 3))
    _loss(fn, u, v, f"{LOSS} with a constant log_q = log(0.25) (a constant cancels in the "
          "softmax: the loss equals the uncorrected one)", log_q=np.full(4, np.log(0.25)))


def logq_hidden(fn, rng):
    _loss(fn, _emb(rng, (9, 5)), _emb(rng, (9, 5)), f"{LOSS} of 9 random pairs with log_q",
          log_q=_log_q(rng, 9))
    _loss(fn, _emb(rng, (5, 2), dtype=np.float32), _emb(rng, (5, 2), dtype=np.float32),
          f"{LOSS} of float32 embeddings with log_q", log_q=_log_q(rng, 5), rtol=1e-4,
          atol=1e-6)


def _duplicates(rng, batch, distinct):
    ids = rng.integers(0, distinct, size=batch).astype(np.int64)
    ids[1] = ids[0]  # at least one accidental hit
    return ids


def hits_small(fn, rng):
    ids = np.array([4, 7, 4])
    u, v = _emb(rng, (3, 2)), _emb(rng, (3, 2))
    v[2] = v[0]  # the same item twice
    _loss(fn, u, v, f"{LOSS} with item_ids [4, 7, 4] (rows 0 and 2 share their positive)",
          item_ids=ids)


def hits_random(fn, rng):
    ids = _duplicates(rng, 7, 3)
    _loss(fn, _emb(rng, (7, 3)), _emb(rng, (7, 3)), f"{LOSS} with item_ids {ids.tolist()}",
          item_ids=ids)
    _loss(fn, _emb(rng, (5, 3)), _emb(rng, (5, 3)), f"{LOSS} with item_ids [1, 1, 1, 1, 1] "
          "(every negative is a hit: each row keeps only its positive, loss 0)",
          item_ids=np.ones(5, dtype=np.int64))


def hits_off(fn, rng):
    ids = _duplicates(rng, 6, 3)
    _loss(fn, _emb(rng, (6, 3)), _emb(rng, (6, 3)), f"{LOSS} with item_ids {ids.tolist()} "
          "and remove_accidental_hits=False (the duplicates stay negatives)", item_ids=ids,
          remove=False)


def hits_hidden(fn, rng):
    ids = _duplicates(rng, 10, 4)
    _loss(fn, _emb(rng, (10, 4)), _emb(rng, (10, 4)), f"{LOSS} with log_q and item_ids "
          f"{ids.tolist()}", log_q=_log_q(rng, 10), item_ids=ids)
    ids = _duplicates(rng, 4, 2)
    _loss(fn, _emb(rng, (4, 2), dtype=np.float32), _emb(rng, (4, 2), dtype=np.float32),
          f"{LOSS} of float32 embeddings with item_ids {ids.tolist()}", item_ids=ids,
          rtol=1e-4, atol=1e-6)


def _gradient(fn, user_emb, item_emb, what, log_q=None, item_ids=None):
    kwargs = {}
    if log_q is not None:
        kwargs["log_q"] = log_q
    if item_ids is not None:
        kwargs["item_ids"] = item_ids
    result = call_valid(fn, (user_emb, item_emb), kwargs, what)
    got = parts(result, 3, what, GRAD_NAMES)
    want = ref_in_batch(user_emb, item_emb, log_q, item_ids)
    batch = len(user_emb)
    for index, name, wrt in ((1, "d_user_emb", user_emb), (2, "d_item_emb", item_emb)):
        other = want[3 - index]
        hints = [(-want[index], f"{name} has the wrong sign: the gradient of the loss is "
                                "(softmax(o) - I) / B times the embeddings"),
                 (want[index] * batch, f"{name} was not divided by B: the loss is a mean "
                                       "over the batch, so is its gradient")]
        if np.shape(other) == np.shape(want[index]):
            hints.append((other, "d_user_emb and d_item_emb are swapped: d_user_emb = G "
                                 "@ item_emb and d_item_emb = G.T @ user_emb with G = "
                                 "(softmax(o) - I) / B"))

        def loss(x, index=index):
            args = [user_emb, item_emb]
            args[index - 1] = x
            return ref_in_batch(args[0], args[1], log_q, item_ids)[0]

        assert_gradient(got[index], loss, wrt, f"{what}, {name}", hints=hints)


def grad_small(fn, rng):
    _gradient(fn, TFRS_Q, TFRS_C, f"gradients of {LOSS} on TFRS's fixture")


def grad_random(fn, rng):
    ids = _duplicates(rng, 5, 3)
    _gradient(fn, _emb(rng, (5, 3)), _emb(rng, (5, 3)), f"gradients of {LOSS} of 5 random "
              f"pairs with log_q and item_ids {ids.tolist()}", log_q=_log_q(rng, 5),
              item_ids=ids)


def grad_hidden(fn, rng):
    _gradient(fn, _emb(rng, (7, 2)), _emb(rng, (7, 2)), f"gradients of {LOSS} of 7 random "
              "pairs", log_q=_log_q(rng, 7))
    ids = _duplicates(rng, 6, 2)
    _gradient(fn, _emb(rng, (6, 4)), _emb(rng, (6, 4)), f"gradients of {LOSS} with item_ids "
              f"{ids.tolist()}", item_ids=ids)


def large_small(fn, rng):
    u = np.array([[100.0, 0.0], [0.0, -100.0]])
    v = np.array([[100.0, 0.0], [-100.0, 1.0]])
    _loss(fn, u, v, f"{LOSS} with logits of 1e4 (users [[100, 0], [0, -100]], items "
          "[[100, 0], [-100, 1]])", finite_advice=NO_SHIFT)


def large_float32(fn, rng):
    u = _emb(rng, (4, 3), scale=8.0, dtype=np.float32)
    v = _emb(rng, (4, 3), scale=8.0, dtype=np.float32)
    _loss(fn, u, v, f"{LOSS} of float32 embeddings with logits of about 100 (exp overflows "
          "float32 above 88.7)", rtol=1e-4, atol=1e-4, finite_advice=NO_SHIFT)


def large_hidden(fn, rng):
    u, v = _emb(rng, (6, 3), scale=60.0), _emb(rng, (6, 3), scale=60.0)
    got, want = _loss(fn, u, v, f"{LOSS} with logits of size 1e4", finite_advice=NO_SHIFT)
    for index, name in ((1, "d_user_emb"), (2, "d_item_emb")):
        assert_finite(got[index], f"{LOSS} with logits of size 1e4, {name}", NO_SHIFT)
        assert_close(got[index], want[index], f"{LOSS} with logits of size 1e4, {name}",
                     rtol=1e-6, atol=1e-8)
    u = _emb(rng, (5, 2), scale=9.0, dtype=np.float32)
    v = _emb(rng, (5, 2), scale=9.0, dtype=np.float32)
    _loss(fn, u, v, f"{LOSS} of float32 embeddings, logits of about 100, with log_q",
          log_q=_log_q(rng, 5), rtol=1e-4, atol=1e-4, finite_advice=NO_SHIFT)


register(f"test_{LOSS}", LOSS, [loss_example, loss_random], [loss_hidden])
register(f"test_{LOSS}-logq", LOSS, [logq_small, logq_random, logq_constant], [logq_hidden])
register(f"test_{LOSS}-accidental_hits", LOSS, [hits_small, hits_random, hits_off],
         [hits_hidden])
register(f"test_{LOSS}-gradient", LOSS, [grad_small, grad_random], [grad_hidden])
register(f"test_{LOSS}-stability", LOSS, [large_small, large_float32], [large_hidden])


# --------------------------------------------------------------------------- frequency


class ModuloEstimator(StreamingFrequencyEstimator):
    """The library's estimator with one hash function, ``h(y) = y mod H``."""

    def __init__(self, H, alpha):
        super().__init__(H, alpha, n_hashes=1)

    def _buckets(self, ids, r):
        return np.asarray(ids, dtype=np.int64) % self.H


def streaming_frequency_reference(batch_ids, H, alpha=0.01):
    """Estimate of every bucket after the batches ``batch_ids[t]`` of steps t = 0, 1, ..."""
    estimator = ModuloEstimator(H, alpha)
    for step, ids in enumerate(np.asarray(batch_ids)):
        estimator.update(ids, step)
    return estimator.prob(np.arange(H))


def _zero_start(batch_ids, H, alpha):
    """The estimate of a learner who starts A and B at 0 and averages the first gap in."""
    last, gap = np.zeros(H), np.zeros(H)
    for step, ids in enumerate(np.asarray(batch_ids)):
        buckets = np.unique(np.asarray(ids) % H)
        gap[buckets] = (1 - alpha) * gap[buckets] + alpha * (step - last[buckets])
        last[buckets] = step
    with np.errstate(divide="ignore"):
        return np.where(gap > 0, 1.0 / gap, 0.0)


def _no_dedup(batch_ids, H, alpha):
    """The estimate of a learner who updates a bucket once per id, repeats included."""
    last, gap = np.full(H, -1), np.full(H, np.inf)
    for step, ids in enumerate(np.asarray(batch_ids)):
        for bucket in np.asarray(ids) % H:
            if last[bucket] < 0:
                gap[bucket] = step + 1
            else:
                gap[bucket] = (1 - alpha) * gap[bucket] + alpha * (step - last[bucket])
            last[bucket] = step
    with np.errstate(divide="ignore"):
        return 1.0 / gap


def _gaps(batch_ids, H, alpha):
    estimator = ModuloEstimator(H, alpha)
    for step, ids in enumerate(np.asarray(batch_ids)):
        estimator.update(ids, step)
    return estimator.gap[0]


def _freq(fn, batch_ids, H, alpha, what):
    want = streaming_frequency_reference(batch_ids, H, alpha)
    hints = [(_no_dedup(batch_ids, H, alpha), DUPLICATE)]
    gaps = _gaps(batch_ids, H, alpha)
    hints.append((np.where(np.isfinite(gaps), gaps, 0.0), "returned the gaps B; the estimate "
                  "is their inverse, p = 1 / B (0 for a bucket never seen)"))
    hints.append((streaming_frequency_reference(batch_ids, H, 1 - alpha) if alpha < 1 else want,
                  "alpha weighs the newest gap: B <- (1 - alpha) B + alpha (t - A), not "
                  "alpha B + (1 - alpha) (t - A)"))
    hints.append((_zero_start(batch_ids, H, alpha), "a bucket seen for the first time at step "
                  "t starts at B = t + 1 (one appearance in the steps 0 .. t) and A = t; do "
                  "not average its first gap with an initial B = 0"))
    got = call_valid(fn, (batch_ids, H), {"alpha": alpha}, what)
    assert_close(got, want, what, hints=hints,
                 shape_hint=f"return one estimate per bucket, shape (H,) = ({H},)")


def _distinct_batches(rng, num_steps, batch, num_items):
    """Batches without repeated ids in which every id appears at least once."""
    rows = np.array([rng.choice(num_items, size=batch, replace=False)
                     for _ in range(num_steps)], dtype=np.int64)
    missing = np.setdiff1d(np.arange(num_items), rows)
    for j, item in enumerate(missing):  # put each missing id into a late batch
        row = rows[-1 - j % num_steps]
        row[np.flatnonzero(~np.isin(row, missing))[0]] = item
    return rows


def freq_periodic(fn, rng):
    batches = np.array([[3, 0], [1, 0], [3, 0], [2, 0]] * 30, dtype=np.int64)
    _freq(fn, batches, 4, 0.1, f"{FREQ} of 120 batches [[3, 0], [1, 0], [3, 0], [2, 0], ...] "
          "with H = 4, alpha = 0.1 (item 0 in every batch: p -> 1; item 3 every 2nd: p -> "
          "1/2; items 1 and 2 every 4th: p -> 1/4)")


def freq_random(fn, rng):
    batches = _distinct_batches(rng, 60, 5, 12)
    _freq(fn, batches, 12, 0.05, f"{FREQ} of 60 random batches of 5 distinct ids in [0, 12), "
          "H = 12, alpha = 0.05")


def freq_hidden(fn, rng):
    batches = _distinct_batches(rng, 200, 8, 30)
    _freq(fn, batches, 30, 0.02, f"{FREQ} of 200 random batches of 8 distinct ids, H = 30, "
          "alpha = 0.02")
    batches = _distinct_batches(rng, 40, 3, 6)
    _freq(fn, batches, 6, 1.0, f"{FREQ} with alpha = 1 (B is the last gap)")


DUPLICATE = ("an item twice in one batch (or two items of one batch in the same bucket) "
             "updates its bucket once: the second copy would see a gap of 0 (hat p "
             "estimates the probability of being in a batch, at most 1)")


def freq_duplicates(fn, rng):
    batches = np.array([[5, 5, 1], [0, 2, 2], [5, 5, 5], [3, 4, 4]] * 10, dtype=np.int64)
    _freq(fn, batches, 6, 0.1, f"{FREQ} of batches with repeated ids ([[5, 5, 1], [0, 2, 2], "
          "[5, 5, 5], [3, 4, 4], ...], H = 6)")
    _check_at_most_one(fn, batches, 6, 0.1)


def _check_at_most_one(fn, batches, H, alpha):
    got = np.asarray(call_valid(fn, (batches, H), {"alpha": alpha}, FREQ), dtype=np.float64)
    if got.shape == (H,) and np.any(got > 1 + 1e-9):
        raise CheckFailed(f"{FREQ}: an estimate exceeds 1 ({got.max():.4g}); " + DUPLICATE)


def freq_collisions(fn, rng):
    batches = np.array([[0, 4], [3, 7], [8, 1], [2, 6]] * 15, dtype=np.int64)
    _freq(fn, batches, 4, 0.2, f"{FREQ} of [[0, 4], [3, 7], [8, 1], [2, 6], ...] with H = 4 "
          "(0, 4 and 8 share bucket 0; 0 and 4 are in the same batch, so are 3 and 7, 2 and 6)")


def freq_duplicates_hidden(fn, rng):
    batches = rng.integers(0, 8, size=(80, 6)).astype(np.int64)
    batches[:, 0] = 0  # item 0 in every batch, sometimes twice
    batches[:, 1] = np.arange(80) % 5  # every bucket seen
    _freq(fn, batches, 5, 0.05, f"{FREQ} of 80 random batches with repeats and collisions, "
          "H = 5")
    _check_at_most_one(fn, batches, 5, 0.05)


UNSEEN = ("a bucket that was never seen has no estimate yet: return 0 for it (B starts at "
          "infinity, or test whether the bucket was seen), not inf or NaN")


def freq_unseen(fn, rng):
    batches = np.array([[1, 4], [1, 2]] * 15, dtype=np.int64)
    got = call_valid(fn, (batches, 8), {"alpha": 0.1}, FREQ)
    assert_finite(got, f"{FREQ} with H = 8 where buckets 0, 3, 5, 6, 7 are never seen", UNSEEN)
    _freq(fn, batches, 8, 0.1, f"{FREQ} with H = 8 where buckets 0, 3, 5, 6, 7 are never seen "
          "(their estimate is 0)")
    late = np.array([[1]] * 9 + [[2]], dtype=np.int64)
    _freq(fn, late, 3, 0.5, f"{FREQ} of [[1]] * 9 + [[2]], H = 3: item 2 first seen at step "
          "9 (B = 10, p = 0.1)")


def freq_unseen_hidden(fn, rng):
    batches = _distinct_batches(rng, 30, 4, 10)
    got = call_valid(fn, (batches, 25), {"alpha": 0.05}, FREQ)
    assert_finite(got, f"{FREQ} with H = 25 and ids in [0, 10)", UNSEEN)
    _freq(fn, batches, 25, 0.05, f"{FREQ} with H = 25 and ids in [0, 10) (buckets 10 .. 24 "
          "never seen)")


register(f"test_{FREQ}", FREQ, [freq_periodic, freq_random], [freq_hidden])
register(f"test_{FREQ}-duplicates", FREQ, [freq_duplicates, freq_collisions],
         [freq_duplicates_hidden])
register(f"test_{FREQ}-unseen", FREQ, [freq_unseen], [freq_unseen_hidden])


# --------------------------------------------------------------------------- mining


def _mine(fn, logits, labels, k, what):
    want = ref_mining(logits, labels, k)
    width = want[0].shape[1]
    hints = []
    order_desc = np.argsort(-logits, axis=1, kind="stable")[:, :width]
    hints.append((np.take_along_axis(logits, order_desc, axis=1), "the positive was not "
                  "kept: boost it before taking the top k (TFRS adds labels * MAX_FLOAT), so "
                  "that column 0 is always the positive, followed by the k hardest "
                  "negatives"))
    order_asc = np.lexsort((logits, -labels), axis=1)[:, :width]
    hints.append((np.take_along_axis(logits, order_asc, axis=1), "picked the easiest "
                  "negatives (the lowest logits): hard negatives are the ones the model scores "
                  "highest"))
    result = call_valid(fn, (logits, labels, k), {}, what)
    got = parts(result, 2, what, ("mined_logits", "mined_labels"))
    shape_hint = (f"keep the positive and the {k} hardest negatives: min(k + 1, C) = {width} "
                  "columns")
    assert_close(got[0], want[0], f"{what}, mined logits", hints=hints, shape_hint=shape_hint)
    assert_close(got[1], want[1], f"{what}, mined labels",
                 hints=[(labels[:, :width], "the labels must be gathered with the same "
                                            "columns as the logits")],
                 shape_hint=shape_hint)


def _one_hot(rng, rows, cols):
    labels = np.zeros((rows, cols))
    labels[np.arange(rows), rng.integers(0, cols, size=rows)] = 1.0
    return labels


def mine_small(fn, rng):
    logits = np.array([[1.0, 5.0, 3.0, 4.0], [2.0, 0.0, 6.0, -1.0]])
    labels = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    _mine(fn, logits, labels, 2, f"{MINE}([[1, 5, 3, 4], [2, 0, 6, -1]], positives in columns "
          "0 and 1, num_hard_negatives=2) (expected [[1, 5, 4], [0, 6, 2]])")


def mine_random(fn, rng):
    logits = rng.normal(size=(5, 8)) * 3
    _mine(fn, logits, _one_hot(rng, 5, 8), 3, f"{MINE} of random (5, 8) logits, "
          "num_hard_negatives=3")


def mine_hidden(fn, rng):
    logits = rng.normal(size=(6, 10)) * 3
    _mine(fn, logits, _one_hot(rng, 6, 10), 4, f"{MINE} of random (6, 10) logits, "
          "num_hard_negatives=4")
    logits = rng.normal(size=(3, 4)).astype(np.float32)
    _mine(fn, logits, _one_hot(rng, 3, 4).astype(np.float32), 1, f"{MINE} of float32 logits")


def mine_edges(fn, rng):
    logits = np.array([[2.0, 2.0, 1.0, 2.0], [0.0, 3.0, 3.0, 3.0]])
    labels = np.array([[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    _mine(fn, logits, labels, 2, f"{MINE} with tied logits [[2, 2, 1, 2], [0, 3, 3, 3]] "
          "(ties go to the lower column)")
    logits = rng.normal(size=(3, 4))
    _mine(fn, logits, _one_hot(rng, 3, 4), 10, f"{MINE} with num_hard_negatives=10 > C - 1 = "
          "3 (keep all C columns, sorted)")


def mine_edges_hidden(fn, rng):
    logits = rng.normal(size=(4, 6)) * 1e4
    _mine(fn, logits, _one_hot(rng, 4, 6), 2, f"{MINE} of logits of size 1e4")
    logits = rng.normal(size=(2, 5))
    _mine(fn, logits, _one_hot(rng, 2, 5), 0, f"{MINE} with num_hard_negatives=0 (the "
          "positive alone)")


register(f"test_{MINE}", MINE, [mine_small, mine_random], [mine_hidden])
register(f"test_{MINE}-edges", MINE, [mine_edges], [mine_edges_hidden])

#: The reference of every function graded here (for the course's own tests).
REFERENCES = {LOSS: ref_in_batch, FREQ: streaming_frequency_reference, MINE: ref_mining}
