"""Typical wrong answers of a10_sampled_softmax (format: see a01_entropy.py)."""


def _fill(template, good, changes):
    source = template
    for key, value in {**good, **changes}.items():
        source = source.replace(key, value)
    return source


_LOSS = '''
MIN_LOGIT = float(np.finfo(np.float32).min) / 100


def sampled_softmax_loss(user_emb, pos_emb, neg_emb, log_q_pos=None, log_q_neg=None,
                         pos_ids=None, neg_ids=None, remove_accidental_hits=True):
    u, pos, neg = np.asarray(user_emb), np.asarray(pos_emb), np.asarray(neg_emb)
    logits = np.concatenate([np.sum(u * pos, axis=1, keepdims=True), u @ neg.T], axis=1)
    if log_q_pos is not None:
        @@LOGQ_POS@@
    if log_q_neg is not None:
        @@LOGQ_NEG@@
    if @@REMOVE@@ and pos_ids is not None and neg_ids is not None:
        hits = np.asarray(neg_ids)[None, :] == np.asarray(pos_ids)[:, None]
        logits[:, 1:][hits] = MIN_LOGIT
    batch = logits.shape[0]
    shift = @@SHIFT@@
    e = np.exp(logits - shift)
    total = e.sum(axis=1, keepdims=True)
    loss = @@REDUCE@@(np.log(total[:, 0]) + shift[:, 0] - logits[:, 0])
    g = e / total
    g[:, 0] -= 1
    g = @@SCALE@@
    g_pos, g_neg = g[:, :1], g[:, 1:]
    return loss, @@D_USER@@, g_pos * u, g_neg.T @ u
'''
_GOOD = {
    "@@LOGQ_POS@@": "logits[:, 0] -= np.asarray(log_q_pos)",
    "@@LOGQ_NEG@@": "logits[:, 1:] -= np.asarray(log_q_neg)[None, :]",
    "@@REMOVE@@": "remove_accidental_hits",
    "@@SHIFT@@": "logits.max(axis=1, keepdims=True)",
    "@@REDUCE@@": "np.mean",
    "@@SCALE@@": "g / batch",
    "@@D_USER@@": "g_pos * pos + g_neg @ neg",
}


def _loss(**changes):
    return _fill(_LOSS, _GOOD, changes)


_UNIGRAM = '''
def unigram_power_distribution(counts, power=0.75):
    counts = np.asarray(counts, dtype=float)
    occurs = counts > 0
    weights = @@WEIGHTS@@
    return @@RESULT@@
'''
_GOOD_UNIGRAM = {
    "@@WEIGHTS@@": "np.where(occurs, np.where(occurs, counts, 1.0) ** power, 0.0)",
    "@@RESULT@@": "weights / weights.sum()",
}


def _unigram(**changes):
    return _fill(_UNIGRAM, _GOOD_UNIGRAM, changes)


_BPR = '''
def bpr_loss(pos_scores, neg_scores, reduction="mean"):
    pos, neg = np.asarray(pos_scores), np.asarray(neg_scores)
    diff = @@DIFF@@
    losses = @@LOSSES@@
    if reduction == "none":
        return losses
    if reduction == "sum":
        return np.sum(losses)
    return @@MEAN@@
'''
_GOOD_BPR = {
    "@@DIFF@@": "(pos[:, None] if neg.ndim == 2 else pos) - neg",
    "@@LOSSES@@": "np.maximum(-diff, 0) + np.log1p(np.exp(-np.abs(diff)))",
    "@@MEAN@@": "np.mean(losses)",
}


def _bpr(**changes):
    return _fill(_BPR, _GOOD_BPR, changes)


S = "test_sampled_softmax_loss"
U = "test_unigram_power_distribution"
B = "test_bpr_loss"
WITH_LOGQ = {f"{S}-logq", f"{S}-accidental_hits", f"{S}-gradient", f"{S}-stability"}

WRONG = [
    dict(function="sampled_softmax_loss", mistake="logQ sign flipped (TFRS #219)",
         fails=WITH_LOGQ, message="wrong sign: s + log Q doubles the popularity bias",
         source=_loss(**{"@@LOGQ_POS@@": "logits[:, 0] += np.asarray(log_q_pos)",
                         "@@LOGQ_NEG@@": "logits[:, 1:] += np.asarray(log_q_neg)[None, :]"})),
    dict(function="sampled_softmax_loss", mistake="logQ on the negatives only",
         fails=WITH_LOGQ, message="subtracted from the negatives only",
         source=_loss(**{"@@LOGQ_POS@@": "pass"})),
    dict(function="sampled_softmax_loss", mistake="logQ on the positive only",
         fails=WITH_LOGQ, message="subtracted from the positive only",
         source=_loss(**{"@@LOGQ_NEG@@": "pass"})),
    dict(function="sampled_softmax_loss", mistake="accidental hits not removed",
         fails={f"{S}-accidental_hits", f"{S}-gradient"},
         message="accidental hits were not removed", source=_loss(**{"@@REMOVE@@": "False"})),
    dict(function="sampled_softmax_loss", mistake="hits removed even when not asked",
         fails={f"{S}-accidental_hits"}, message="remove them only when asked",
         source=_loss(**{"@@REMOVE@@": "True"})),
    dict(function="sampled_softmax_loss", mistake="sum over the batch",
         fails={S} | WITH_LOGQ, message="returned the sum over the batch",
         source=_loss(**{"@@REDUCE@@": "np.sum", "@@SCALE@@": "g"})),
    dict(function="sampled_softmax_loss", mistake="no max subtraction",
         fails={f"{S}-stability"}, message="the loss overflowed",
         source=_loss(**{"@@SHIFT@@": "np.zeros((batch, 1))"})),
    dict(function="sampled_softmax_loss", mistake="d_user without the negatives' part",
         fails={f"{S}-gradient", f"{S}-stability"}, message="misses the negatives' part",
         source=_loss(**{"@@D_USER@@": "g_pos * pos"})),
    dict(function="sampled_softmax_loss", mistake="gradient sign flipped",
         fails={f"{S}-gradient", f"{S}-stability"}, message="has the wrong sign",
         source=_loss(**{"@@SCALE@@": "-g / batch"})),
    dict(function="unigram_power_distribution", mistake="not normalised",
         fails={U, f"{U}-zeros"}, message="not normalised",
         source=_unigram(**{"@@RESULT@@": "weights"})),
    dict(function="unigram_power_distribution", mistake="0 ** 0 = 1 for unseen items",
         fails={f"{U}-zeros"}, message="0^0 is 1",
         source=_unigram(**{"@@WEIGHTS@@": "counts ** power"})),
    dict(function="unigram_power_distribution", mistake="power fixed at 0.75",
         fails={U, f"{U}-zeros"}, message="used the power 0.75",
         source=_unigram(**{"@@WEIGHTS@@": "np.where(occurs, counts, 0.0) ** 0.75"})),
    dict(function="log_uniform_distribution", mistake="divided by log(range_max)",
         fails={"test_log_uniform_distribution"}, message="divide by log(range_max + 1)",
         source='''
def log_uniform_distribution(range_max):
    k = np.arange(range_max, dtype=float)
    return np.log((k + 2) / (k + 1)) / np.log(max(range_max, 2))
'''),
    dict(function="log_uniform_distribution", mistake="ids from 1",
         fails={"test_log_uniform_distribution"}, message="the ids start at 0",
         source='''
def log_uniform_distribution(range_max):
    k = np.arange(1, range_max + 1, dtype=float)
    return np.log((k + 2) / (k + 1)) / np.log(range_max + 1)
'''),
    dict(function="bpr_loss", mistake="difference flipped", fails={B, f"{B}-stability",
                                                                    f"{B}-reduction"},
         message="the difference is flipped",
         source=_bpr(**{"@@DIFF@@": "neg - (pos[:, None] if neg.ndim == 2 else pos)"})),
    dict(function="bpr_loss", mistake="-log(sigmoid(d)) overflows", fails={f"{B}-stability"},
         message="-log(sigmoid(d)) is inf",
         source=_bpr(**{"@@LOSSES@@": "-np.log(1 / (1 + np.exp(-diff)))"})),
    dict(function="bpr_loss", mistake="mean of the row sums",
         fails={B, f"{B}-stability", f"{B}-reduction"},
         message="summed each row's K pairs",
         source=_bpr(**{"@@MEAN@@": "np.mean(losses.sum(axis=-1)) if losses.ndim == 2 "
                                    "else np.mean(losses)"})),
    dict(function="bpr_loss", mistake="(B,) against (B, K) without a new axis",
         fails={B, f"{B}-stability", f"{B}-reduction"}, message="broadcasts the positives",
         source=_bpr(**{"@@DIFF@@": "pos - neg"})),
]
