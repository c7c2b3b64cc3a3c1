"""Checks of assignment a10_sampled_softmax: the sampled softmax with the logQ correction and
accidental hits removed (loss and gradients), word2vec's unigram^3/4 proposal, TensorFlow's
log-uniform proposal and the BPR loss.

References: :func:`crossentropy.recsys.losses.sampled_softmax_loss` (the pinned convention:
log Q, the log of each candidate's expected count K q(j) in the sample, is subtracted from
every candidate, the positive included) and :mod:`crossentropy.sampling`.
"""

import numpy as np

from crossentropy.recsys.losses import full_softmax_loss, sampled_logits
from crossentropy.recsys.losses import sampled_softmax_loss as ref_sampled
from crossentropy.recsys.losses import softmax_loss_from_logits
from crossentropy.sampling import bpr_loss as ref_bpr
from crossentropy.sampling import log_uniform_distribution as ref_log_uniform
from crossentropy.sampling import unigram_power_distribution as ref_unigram

from ._core import (
    assert_close,
    assert_finite,
    assert_gradient,
    call_valid,
    parts,
    register,
)

LOSS = "sampled_softmax_loss"
UNIGRAM = "unigram_power_distribution"
LOG_UNIFORM = "log_uniform_distribution"
BPR = "bpr_loss"
NAMES = ("loss", "d_user_emb", "d_pos_emb", "d_neg_emb")
ARGS = ("log_q_pos", "log_q_neg", "pos_ids", "neg_ids", "remove_accidental_hits")

NO_SHIFT = ("the loss overflowed: exp of logits of 1e4 (or of 100 in float32) is inf; "
            "compute log-sum-exp with each row's maximum subtracted, m + log(sum(exp(o - m)))")


def _emb(rng, shape, scale=1.0, dtype=np.float64):
    return (rng.normal(size=shape) * scale).astype(dtype)


def _log_q(rng, n, num_draws):
    """log of expected counts K q(j) of a popularity-like proposal."""
    return np.log(num_draws * rng.uniform(0.001, 0.2, size=n))


def _ref(u, pos, neg, **kwargs):
    args = [np.array(a, dtype=np.float64) for a in (u, pos, neg)]
    return ref_sampled(*args, **kwargs)


# --------------------------------------------------------------------------- the loss


def _loss_hints(u, pos, neg, kw):
    want = _ref(u, pos, neg, **kw)[0]
    batch = len(u)
    lq_pos, lq_neg = kw.get("log_q_pos"), kw.get("log_q_neg")
    hints = []
    if batch > 1:
        hints.append((want * batch, "returned the sum over the batch; the loss is the mean "
                                    "over the B rows"))
    if lq_pos is not None or lq_neg is not None:
        flipped = {**kw, "log_q_pos": None if lq_pos is None else -lq_pos,
                   "log_q_neg": None if lq_neg is None else -lq_neg}
        hints.append((_ref(u, pos, neg, **flipped)[0], "the logQ correction has the wrong "
                      "sign: s + log Q doubles the popularity bias instead of removing it "
                      "(TFRS issue #219); subtract: o_j = s_j - log Q(j)"))
    if lq_pos is not None:
        hints.append((_ref(u, pos, neg, **{**kw, "log_q_pos": None})[0], "log Q was "
                      "subtracted from the negatives only; the pinned convention corrects "
                      "every candidate, the positive included (o_0 = u . v_pos - log_q_pos, "
                      "as tf.nn.sampled_softmax_loss does)"))
    if lq_neg is not None:
        hints.append((_ref(u, pos, neg, **{**kw, "log_q_neg": None})[0], "log Q was "
                      "subtracted from the positive only; every candidate is corrected, the "
                      "K negatives too (o_k = u . v_k - log_q_neg[k])"))
    if lq_pos is not None and lq_neg is not None:
        hints.append((_ref(u, pos, neg, **{**kw, "log_q_pos": None, "log_q_neg": None})[0],
                      "the loss equals the uncorrected one: subtract log_q_pos from the "
                      "positive's logit and log_q_neg[k] from negative k's"))
    remove = kw.get("remove_accidental_hits", True)
    if kw.get("pos_ids") is not None and kw.get("neg_ids") is not None:
        if remove:
            hints.append((_ref(u, pos, neg, **{**kw, "remove_accidental_hits": False})[0],
                          "accidental hits were not removed: a sampled negative with "
                          "neg_ids[k] == pos_ids[b] is row b's own positive, a false "
                          "negative; set its logit to a very negative finite number "
                          "(MIN_LOGIT) before the softmax"))
        else:
            hints.append((_ref(u, pos, neg, **{**kw, "remove_accidental_hits": True})[0],
                          "with remove_accidental_hits=False the hits must stay negatives; "
                          "remove them only when asked"))
    return hints


def _kwargs(**kw):
    return {k: v for k, v in kw.items() if v is not None}


def _loss(fn, u, pos, neg, what, rtol=None, atol=None, finite_advice=None, **kw):
    kw = _kwargs(**kw)
    want = _ref(u, pos, neg, **kw)
    got = parts(call_valid(fn, (u, pos, neg), kw, what), 4, what, NAMES)
    if finite_advice:
        assert_finite(got[0], f"{what}, loss", finite_advice)
    assert_close(got[0], np.float64(want[0]), f"{what}, loss", rtol=rtol, atol=atol,
                 hints=_loss_hints(u, pos, neg, kw),
                 shape_hint="the loss is one number, the mean over the batch")
    return got, want


def loss_small(fn, rng):
    u = np.array([[1.0, 0.0]])
    pos = np.array([[2.0, 0.0]])
    neg = np.eye(2)
    _loss(fn, u, pos, neg, f"{LOSS} of one row: user [1, 0], positive [2, 0], negatives "
          "[[1, 0], [0, 1]] (logits [2, 1, 0], loss log(e^2 + e + 1) - 2 = 0.40761)")


def loss_random(fn, rng):
    _loss(fn, _emb(rng, (4, 3)), _emb(rng, (4, 3)), _emb(rng, (6, 3)), f"{LOSS} of 4 random "
          "rows and 6 shared negatives, d = 3")


def loss_hidden(fn, rng):
    _loss(fn, _emb(rng, (7, 5)), _emb(rng, (7, 5)), _emb(rng, (3, 5)), f"{LOSS} of 7 rows "
          "and 3 negatives, d = 5")
    _loss(fn, _emb(rng, (5, 2), dtype=np.float32), _emb(rng, (5, 2), dtype=np.float32),
          _emb(rng, (4, 2), dtype=np.float32), f"{LOSS} of float32 embeddings", rtol=1e-4,
          atol=1e-6)


def logq_small(fn, rng):
    u = np.array([[1.0, 0.0]])
    pos = np.array([[2.0, 0.0]])
    neg = np.eye(2)
    _loss(fn, u, pos, neg, f"{LOSS} of one row with log_q_pos = log([0.5]), log_q_neg = "
          "log([0.5, 0.25]) (corrected logits [2.6931, 1.6931, 1.3863])",
          log_q_pos=np.log([0.5]), log_q_neg=np.log([0.5, 0.25]))


def logq_random(fn, rng):
    _loss(fn, _emb(rng, (5, 3)), _emb(rng, (5, 3)), _emb(rng, (8, 3)), f"{LOSS} of 5 rows "
          "and 8 negatives with log_q_pos and log_q_neg (popularity sampling, K = 8)",
          log_q_pos=_log_q(rng, 5, 8), log_q_neg=_log_q(rng, 8, 8))


def logq_uniform(fn, rng):
    u, pos, neg = _emb(rng, (4, 3)), _emb(rng, (4, 3)), _emb(rng, (5, 3))
    log_q = np.log(5 / 100)  # K = 5 uniform draws from 100 items: Q(j) = K / N
    _loss(fn, u, pos, neg, f"{LOSS} with uniform sampling, log Q = log(K / N) = log(5 / 100) "
          "for every candidate (a constant cancels: the loss equals the uncorrected one)",
          log_q_pos=np.full(4, log_q), log_q_neg=np.full(5, log_q))


def logq_hidden(fn, rng):
    _loss(fn, _emb(rng, (6, 4)), _emb(rng, (6, 4)), _emb(rng, (10, 4)), f"{LOSS} of 6 rows "
          "and 10 negatives with log_q_pos and log_q_neg", log_q_pos=_log_q(rng, 6, 10),
          log_q_neg=_log_q(rng, 10, 10))
    _loss(fn, _emb(rng, (3, 2), dtype=np.float32), _emb(rng, (3, 2), dtype=np.float32),
          _emb(rng, (4, 2), dtype=np.float32), f"{LOSS} of float32 embeddings with log Q",
          log_q_pos=_log_q(rng, 3, 4), log_q_neg=_log_q(rng, 4, 4), rtol=1e-4, atol=1e-6)


def _ids_with_hits(rng, batch, num_neg, num_items):
    pos_ids = rng.integers(0, num_items, size=batch).astype(np.int64)
    neg_ids = rng.integers(0, num_items, size=num_neg).astype(np.int64)
    neg_ids[0] = pos_ids[0]  # at least one accidental hit
    return pos_ids, neg_ids


def hits_small(fn, rng):
    u = np.array([[1.0, 0.0]])
    pos = np.array([[2.0, 0.0]])
    neg = np.array([[2.0, 0.0], [0.0, 1.0]])
    _loss(fn, u, pos, neg, f"{LOSS} with pos_ids [7], neg_ids [7, 3] (negative 0 is the "
          "positive again: removed, the loss is log(e^2 + 1) - 2 = 0.12693)",
          pos_ids=np.array([7]), neg_ids=np.array([7, 3]))


def hits_random(fn, rng):
    pos_ids, neg_ids = _ids_with_hits(rng, 5, 6, 4)
    _loss(fn, _emb(rng, (5, 3)), _emb(rng, (5, 3)), _emb(rng, (6, 3)), f"{LOSS} with pos_ids "
          f"{pos_ids.tolist()} and neg_ids {neg_ids.tolist()}", pos_ids=pos_ids,
          neg_ids=neg_ids)
    _loss(fn, _emb(rng, (3, 2)), _emb(rng, (3, 2)), _emb(rng, (4, 2)), f"{LOSS} with pos_ids "
          "[2, 5, 2] and neg_ids [2, 2, 2, 2] (rows 0 and 2: every negative is a hit, their "
          "loss is 0)", pos_ids=np.array([2, 5, 2]), neg_ids=np.array([2, 2, 2, 2]))


def hits_full(fn, rng):
    v = _emb(rng, (6, 3))
    u = _emb(rng, (3, 3))
    pos_ids = np.array([0, 2, 5])
    got, _ = _loss(fn, u, v[pos_ids], v, f"{LOSS} with every item of a catalogue of 6 as a "
                   "negative exactly once (neg_ids = arange(6)), no log Q", pos_ids=pos_ids,
                   neg_ids=np.arange(6))
    full = full_softmax_loss(u, v, pos_ids)[0]
    assert_close(got[0], full, f"{LOSS} with every item as a negative once: the sampled loss "
                 "must equal the full softmax over the catalogue (the positive's copy among "
                 "the negatives is an accidental hit)")


def hits_off(fn, rng):
    pos_ids, neg_ids = _ids_with_hits(rng, 4, 5, 3)
    _loss(fn, _emb(rng, (4, 3)), _emb(rng, (4, 3)), _emb(rng, (5, 3)), f"{LOSS} with pos_ids "
          f"{pos_ids.tolist()}, neg_ids {neg_ids.tolist()} and remove_accidental_hits=False",
          pos_ids=pos_ids, neg_ids=neg_ids, remove_accidental_hits=False)


def hits_hidden(fn, rng):
    pos_ids, neg_ids = _ids_with_hits(rng, 8, 12, 5)
    _loss(fn, _emb(rng, (8, 4)), _emb(rng, (8, 4)), _emb(rng, (12, 4)), f"{LOSS} with log Q "
          f"and pos_ids {pos_ids.tolist()}, neg_ids {neg_ids.tolist()}", pos_ids=pos_ids,
          neg_ids=neg_ids, log_q_pos=_log_q(rng, 8, 12), log_q_neg=_log_q(rng, 12, 12))
    pos_ids, neg_ids = _ids_with_hits(rng, 4, 3, 2)
    _loss(fn, _emb(rng, (4, 2), dtype=np.float32), _emb(rng, (4, 2), dtype=np.float32),
          _emb(rng, (3, 2), dtype=np.float32), f"{LOSS} of float32 embeddings with hits",
          pos_ids=pos_ids, neg_ids=neg_ids, rtol=1e-4, atol=1e-6)


def _parts_of_gradient(u, pos, neg, kw):
    logits = sampled_logits(u, pos, neg, *(kw.get(a) for a in ARGS[:4]),
                            kw.get("remove_accidental_hits", True))
    grad = softmax_loss_from_logits(logits, np.zeros(len(u), dtype=np.intp))[1]
    return grad[:, :1], grad[:, 1:]


def _gradient(fn, u, pos, neg, what, **kw):
    kw = _kwargs(**kw)
    got = parts(call_valid(fn, (u, pos, neg), kw, what), 4, what, NAMES)
    want = _ref(u, pos, neg, **kw)
    batch = len(u)
    g_pos, g_neg = _parts_of_gradient(u, pos, neg, kw)
    extra = {1: [(g_pos * pos, "d_user_emb misses the negatives' part: d_user_emb = g_pos * "
                               "pos_emb + g_neg @ neg_emb, with (g_pos, g_neg) the columns of "
                               "(softmax(o) - onehot(0)) / B"),
                 (g_neg @ neg, "d_user_emb misses the positive's part g_pos * pos_emb")]}
    for index, name, wrt in ((1, "d_user_emb", u), (2, "d_pos_emb", pos), (3, "d_neg_emb", neg)):
        hints = [(-want[index], f"{name} has the wrong sign: the gradient of the loss with "
                                "respect to the logits is (softmax(o) - onehot(0)) / B"),
                 (want[index] * batch, f"{name} was not divided by B: the loss is a mean over "
                                       "the batch, so is its gradient")] + extra.get(index, [])

        def loss(x, index=index):
            args = [u, pos, neg]
            args[index - 1] = x
            return ref_sampled(*args, **kw)[0]

        assert_gradient(got[index], loss, wrt, f"{what}, {name}", hints=hints)


def grad_small(fn, rng):
    u = np.array([[1.0, 0.0]])
    pos = np.array([[2.0, 0.0]])
    _gradient(fn, u, pos, np.eye(2), f"gradients of {LOSS} of one row: user [1, 0], positive "
              "[2, 0], negatives [[1, 0], [0, 1]]")


def grad_random(fn, rng):
    pos_ids, neg_ids = _ids_with_hits(rng, 4, 5, 4)
    _gradient(fn, _emb(rng, (4, 3)), _emb(rng, (4, 3)), _emb(rng, (5, 3)), f"gradients of "
              f"{LOSS} of 4 rows and 5 negatives with log Q, pos_ids {pos_ids.tolist()} and "
              f"neg_ids {neg_ids.tolist()}", log_q_pos=_log_q(rng, 4, 5),
              log_q_neg=_log_q(rng, 5, 5), pos_ids=pos_ids, neg_ids=neg_ids)


def grad_hidden(fn, rng):
    _gradient(fn, _emb(rng, (6, 2)), _emb(rng, (6, 2)), _emb(rng, (3, 2)), f"gradients of "
              f"{LOSS} of 6 rows and 3 negatives")
    pos_ids, neg_ids = _ids_with_hits(rng, 5, 7, 3)
    _gradient(fn, _emb(rng, (5, 4)), _emb(rng, (5, 4)), _emb(rng, (7, 4)), f"gradients of "
              f"{LOSS} with pos_ids {pos_ids.tolist()}, neg_ids {neg_ids.tolist()}",
              pos_ids=pos_ids, neg_ids=neg_ids)


def large_small(fn, rng):
    u = np.array([[100.0, 0.0], [0.0, 100.0]])
    pos = np.array([[-100.0, 0.0], [0.0, 100.0]])
    neg = np.array([[100.0, 0.0], [0.0, -100.0], [50.0, 50.0]])
    _loss(fn, u, pos, neg, f"{LOSS} with logits of 1e4 (users [[100, 0], [0, 100]], "
          "positives [[-100, 0], [0, 100]], negatives [[100, 0], [0, -100], [50, 50]])",
          finite_advice=NO_SHIFT)


def large_float32(fn, rng):
    u = _emb(rng, (3, 3), scale=8.0, dtype=np.float32)
    pos = _emb(rng, (3, 3), scale=8.0, dtype=np.float32)
    neg = _emb(rng, (4, 3), scale=8.0, dtype=np.float32)
    _loss(fn, u, pos, neg, f"{LOSS} of float32 embeddings with logits of about 100 (exp "
          "overflows float32 above 88.7)", rtol=1e-4, atol=1e-4, finite_advice=NO_SHIFT)


def large_hidden(fn, rng):
    u, pos, neg = (_emb(rng, s, scale=60.0) for s in ((5, 3), (5, 3), (6, 3)))
    got, want = _loss(fn, u, pos, neg, f"{LOSS} with logits of size 1e4",
                      finite_advice=NO_SHIFT)
    for index, name in enumerate(NAMES[1:], start=1):
        assert_finite(got[index], f"{LOSS} with logits of size 1e4, {name}", NO_SHIFT)
        assert_close(got[index], want[index], f"{LOSS} with logits of size 1e4, {name}",
                     rtol=1e-6, atol=1e-8)
    u, pos, neg = (_emb(rng, s, scale=9.0, dtype=np.float32) for s in ((4, 2), (4, 2), (5, 2)))
    _loss(fn, u, pos, neg, f"{LOSS} of float32 embeddings, logits of about 100, with log Q",
          log_q_pos=_log_q(rng, 4, 5), log_q_neg=_log_q(rng, 5, 5), rtol=1e-4, atol=1e-4,
          finite_advice=NO_SHIFT)


register(f"test_{LOSS}", LOSS, [loss_small, loss_random], [loss_hidden])
register(f"test_{LOSS}-logq", LOSS, [logq_small, logq_random, logq_uniform], [logq_hidden])
register(f"test_{LOSS}-accidental_hits", LOSS, [hits_small, hits_random, hits_full, hits_off],
         [hits_hidden])
register(f"test_{LOSS}-gradient", LOSS, [grad_small, grad_random], [grad_hidden])
register(f"test_{LOSS}-stability", LOSS, [large_small, large_float32], [large_hidden])


# --------------------------------------------------------------------------- proposals


def _unigram(fn, counts, what, power=None):
    kwargs = {} if power is None else {"power": power}
    alpha = 0.75 if power is None else power
    want = ref_unigram(counts, alpha)
    c = np.asarray(counts, dtype=np.float64)
    with np.errstate(all="ignore"):
        raw = c ** alpha
        hints = [(raw, "the weights c^power are not normalised: divide by their sum"),
                 (c / c.sum(), f"returned counts / total: raise the counts to the power "
                               f"{alpha} first, then normalise"),
                 (raw / raw.sum(), "an item with a zero count got probability > 0: 0^0 is 1 "
                                   "in NumPy; items that never occur are never drawn, also "
                                   "for power 0")]
        if alpha != 0.75:
            w = c ** 0.75
            hints.append((w / w.sum(), f"used the power 0.75 instead of power={alpha}"))
    got = call_valid(fn, (counts,), kwargs, what)
    assert_close(got, want, what, hints=hints, shape_hint="one probability per item")


def unigram_small(fn, rng):
    _unigram(fn, np.array([9, 1, 0]), f"{UNIGRAM}([9, 1, 0], power=0.5) (= [0.75, 0.25, 0])",
             power=0.5)
    _unigram(fn, np.array([9.0, 1.0, 0.0]), f"{UNIGRAM}([9, 1, 0]) (default power 0.75)")


def unigram_random(fn, rng):
    counts = rng.integers(1, 1000, size=12)
    _unigram(fn, counts, f"{UNIGRAM} of 12 random counts")
    _unigram(fn, counts, f"{UNIGRAM} of 12 random counts, power=1 (the data's own "
             "frequencies)", power=1.0)


def unigram_hidden(fn, rng):
    counts = (rng.pareto(1.0, size=50) * 100).astype(np.int64) + 1
    _unigram(fn, counts, f"{UNIGRAM} of 50 Zipf-like counts", power=0.75)
    _unigram(fn, rng.integers(1, 10**9, size=8), f"{UNIGRAM} of counts up to 1e9", power=0.25)


def unigram_zeros(fn, rng):
    _unigram(fn, np.array([5, 0, 3, 0]), f"{UNIGRAM}([5, 0, 3, 0], power=0) (uniform over the "
             "items that occur: [0.5, 0, 0.5, 0])", power=0.0)
    counts = rng.integers(0, 4, size=10)
    counts[0] = 2
    _unigram(fn, counts, f"{UNIGRAM} of counts with zeros {counts.tolist()}")


def unigram_zeros_hidden(fn, rng):
    counts = rng.integers(0, 3, size=20)
    counts[3] = 1
    _unigram(fn, counts, f"{UNIGRAM} of 20 counts with zeros, power=0", power=0.0)
    _unigram(fn, counts, f"{UNIGRAM} of 20 counts with zeros, power=2", power=2.0)


register(f"test_{UNIGRAM}", UNIGRAM, [unigram_small, unigram_random], [unigram_hidden])
register(f"test_{UNIGRAM}-zeros", UNIGRAM, [unigram_zeros], [unigram_zeros_hidden])


def _log_uniform(fn, range_max, what):
    want = ref_log_uniform(range_max)
    k = np.arange(range_max, dtype=np.float64)
    with np.errstate(all="ignore"):
        hints = [(np.log((k + 2) / (k + 1)) / np.log(range_max),
                  "divide by log(range_max + 1): the numerators log(k + 2) - log(k + 1) "
                  "telescope to log(range_max + 1), so the probabilities sum to 1"),
                 (np.log((k + 3) / (k + 2)) / np.log(range_max + 1),
                  "the ids start at 0: P(0) = log(2) / log(range_max + 1) is the largest"),
                 (np.log((k + 1) / np.maximum(k, 1e-300)) / np.log(range_max + 1),
                  "off by one: P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) for ids "
                  "k = 0 .. range_max - 1")]
    got = call_valid(fn, (range_max,), {}, what)
    assert_close(got, want, what, hints=hints, shape_hint="one probability per id, shape "
                 "(range_max,)")


def log_uniform_small(fn, rng):
    _log_uniform(fn, 3, f"{LOG_UNIFORM}(3) (= [0.5, 0.2925, 0.2075])")
    _log_uniform(fn, 1, f"{LOG_UNIFORM}(1) (= [1.0])")
    size = int(rng.integers(5, 50))
    _log_uniform(fn, size, f"{LOG_UNIFORM}({size})")


def log_uniform_hidden(fn, rng):
    _log_uniform(fn, 1_000_000, f"{LOG_UNIFORM}(1000000) (the tail is about 1 / (k log N))")
    size = int(rng.integers(100, 1000))
    _log_uniform(fn, size, f"{LOG_UNIFORM}({size})")


register(f"test_{LOG_UNIFORM}", LOG_UNIFORM, [log_uniform_small], [log_uniform_hidden])


# --------------------------------------------------------------------------- BPR


NAIVE_BPR = ("-log(sigmoid(d)) is inf once sigmoid(d) underflows to 0 (d below -745 in "
             "float64, -88 in float32), and log(1 + exp(-d)) overflows there; use the stable "
             "softplus(-d) = max(-d, 0) + log1p(exp(-|d|))")


def _bpr(fn, pos, neg, what, reduction=None, rtol=None, atol=None, finite=False):
    kwargs = {} if reduction is None else {"reduction": reduction}
    red = "mean" if reduction is None else reduction
    want = ref_bpr(pos, neg, red)
    none = ref_bpr(pos, neg, "none")
    hints = [(ref_bpr(-np.asarray(pos), -np.asarray(neg), red), "the difference is flipped: "
              "BPR is -log sigmoid(s_pos - s_neg), small when the positive scores higher")]
    if red == "mean" and none.size > 1:
        hints.append((np.sum(none), "returned the sum: reduction='mean' divides by the number "
                                    "of (positive, negative) pairs"))
        if none.ndim == 2 and none.shape[1] > 1:
            hints.append((np.mean(np.sum(none, axis=1)), "summed each row's K pairs before "
                          "the mean; the mean is over all B * K pairs"))
    if red == "sum" and none.size > 1:
        hints.append((np.mean(none), "returned the mean: reduction='sum' adds the pair "
                                     "losses"))
    if np.ndim(neg) == 2 and np.shape(neg)[0] == np.shape(neg)[1]:
        wrong = np.logaddexp(0.0, np.asarray(neg, np.float64) - np.asarray(pos, np.float64))
        wrong = {"none": wrong, "sum": np.sum(wrong), "mean": np.mean(wrong)}[red]
        hints.append((wrong, "pos_scores - neg_scores broadcasts the positives along the K "
                             "columns (B == K here, so NumPy did not complain); compare "
                             "pos_scores[:, None] with each row's negatives"))
    if red != "none":
        hints.append((none, f"returned the pair losses: reduction={red!r} reduces them to "
                            "one number"))
    got = call_valid(fn, (pos, neg), kwargs, what,
                     advice="for neg_scores of shape (B, K) compare pos_scores[:, None] with "
                            "each row's negatives")
    if finite:
        assert_finite(got, what, NAIVE_BPR)
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                 shape_hint="reduction='none' returns one loss per pair, the shape of "
                            "neg_scores")


def bpr_small(fn, rng):
    _bpr(fn, np.array([2.0, 0.0]), np.array([0.0, 0.0]), f"{BPR}([2, 0], [0, 0]) (= mean of "
         "-log sigmoid(2) and log 2 = 0.41004)")
    _bpr(fn, np.array([2.0, 0.0]), np.array([[0.0, 4.0], [0.0, 0.0]]), f"{BPR}([2, 0], "
         "[[0, 4], [0, 0]]) (K = 2 negatives per row; the mean over the 4 pairs)")


def bpr_random(fn, rng):
    _bpr(fn, rng.normal(size=6) * 2, rng.normal(size=(6, 4)) * 2, f"{BPR} of 6 rows with 4 "
         "random negatives each")


def bpr_hidden(fn, rng):
    _bpr(fn, rng.normal(size=9) * 3, rng.normal(size=9) * 3, f"{BPR} of 9 (positive, "
         "negative) pairs")
    _bpr(fn, rng.normal(size=3).astype(np.float32), rng.normal(size=(3, 5)).astype(np.float32),
         f"{BPR} of float32 scores", rtol=1e-5, atol=1e-6)


def bpr_large(fn, rng):
    pos, neg = np.array([0.0, 1000.0]), np.array([1000.0, 0.0])
    _bpr(fn, pos, neg, f"{BPR}([0, 1000], [1000, 0], reduction='none') (= [1000, 0])",
         reduction="none", finite=True)
    pos = np.array([-50.0, 3.0], dtype=np.float32)
    neg = np.array([[60.0, 0.0], [-90.0, 3.0]], dtype=np.float32)
    _bpr(fn, pos, neg, f"{BPR} of float32 scores with differences of -110 and 93",
         reduction="none", rtol=1e-5, atol=1e-5, finite=True)


def bpr_large_hidden(fn, rng):
    pos, neg = rng.normal(size=5) * 1e4, rng.normal(size=(5, 3)) * 1e4
    _bpr(fn, pos, neg, f"{BPR} of scores of size 1e4", finite=True)
    _bpr(fn, pos, neg, f"{BPR} of scores of size 1e4, reduction='none'", reduction="none",
         finite=True)


def bpr_reduction(fn, rng):
    pos, neg = rng.normal(size=4), rng.normal(size=(4, 3))
    _bpr(fn, pos, neg, f"{BPR}(..., reduction='sum') of 4 rows and 3 negatives",
         reduction="sum")
    _bpr(fn, pos, neg, f"{BPR}(..., reduction='none') of 4 rows and 3 negatives (shape "
         "(4, 3))", reduction="none")
    _bpr(fn, pos, neg[:, 0], f"{BPR}(..., reduction='none') of 4 pairs (shape (4,))",
         reduction="none")


def bpr_reduction_hidden(fn, rng):
    pos, neg = rng.normal(size=7), rng.normal(size=(7, 2))
    _bpr(fn, pos, neg, f"{BPR}(..., reduction='sum') of 7 rows", reduction="sum")
    _bpr(fn, pos, neg, f"{BPR}(..., reduction='mean') of 7 rows", reduction="mean")


register(f"test_{BPR}", BPR, [bpr_small, bpr_random], [bpr_hidden])
register(f"test_{BPR}-stability", BPR, [bpr_large], [bpr_large_hidden])
register(f"test_{BPR}-reduction", BPR, [bpr_reduction], [bpr_reduction_hidden])

#: The reference of every function graded here (for the course's own tests).
REFERENCES = {LOSS: ref_sampled, UNIGRAM: ref_unigram, LOG_UNIFORM: ref_log_uniform,
              BPR: ref_bpr}
