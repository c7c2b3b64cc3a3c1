"""Typical wrong answers of a11_in_batch_negatives (format: see a01_entropy.py)."""

_LOSS = '''
MIN_LOGIT = float(np.finfo(np.float32).min) / 100


def in_batch_softmax_loss(user_emb, item_emb, log_q=None, item_ids=None,
                          remove_accidental_hits=True):
    u, v = np.asarray(user_emb), np.asarray(item_emb)
    logits = @@SCORES@@
    if log_q is not None:
        @@LOGQ@@
    batch = logits.shape[0]
    if @@REMOVE@@ and item_ids is not None:
        ids = np.asarray(item_ids)
        hits = ids[:, None] == ids[None, :]
        @@DIAGONAL@@
        logits = np.where(hits, MIN_LOGIT, logits)
    shift = @@SHIFT@@
    e = np.exp(logits - shift)
    total = e.sum(axis=1, keepdims=True)
    diag = np.arange(batch)
    loss = @@REDUCE@@(np.log(total[:, 0]) + shift[:, 0] - logits[diag, diag])
    g = e / total
    g[diag, diag] -= 1
    g = @@SCALE@@
    return loss, @@GRADS@@
'''
_GOOD = {
    "@@SCORES@@": "u @ v.T",
    "@@LOGQ@@": "logits = logits - np.asarray(log_q)[None, :]",
    "@@REMOVE@@": "remove_accidental_hits",
    "@@DIAGONAL@@": "np.fill_diagonal(hits, False)",
    "@@SHIFT@@": "logits.max(axis=1, keepdims=True)",
    "@@REDUCE@@": "np.mean",
    "@@SCALE@@": "g / batch",
    "@@GRADS@@": "g @ v, g.T @ u",
}


def _fill(template, good, changes):
    source = template
    for key, value in {**good, **changes}.items():
        source = source.replace(key, value)
    return source


def _loss(**changes):
    return _fill(_LOSS, _GOOD, changes)


_FREQ = '''
def streaming_frequency(batch_ids, H, alpha=0.01):
    last = np.full(H, -1)
    gap = np.full(H, @@START@@)
    for step, ids in enumerate(np.asarray(batch_ids)):
        @@LOOP@@
            seen = buckets[last[buckets] >= 0]
            fresh = buckets[last[buckets] < 0]
            gap[seen] = @@AVERAGE@@
            gap[fresh] = @@FIRST@@
            last[buckets] = step
    return @@RESULT@@
'''
_GOOD_FREQ = {
    "@@START@@": "np.inf",
    "@@LOOP@@": "for buckets in [np.unique(np.asarray(ids) % H)]:",
    "@@AVERAGE@@": "(1 - alpha) * gap[seen] + alpha * (step - last[seen])",
    "@@FIRST@@": "step + 1",
    "@@RESULT@@": "1.0 / gap",
}


def _freq(**changes):
    return _fill(_FREQ, _GOOD_FREQ, changes)


_MINE = '''
def hard_negative_mining(logits, labels, num_hard_negatives):
    logits, labels = np.asarray(logits), np.asarray(labels)
    width = @@WIDTH@@
    boosted = @@BOOST@@
    columns = np.argsort(@@KEY@@, axis=1, kind="stable")[:, :width]
    return (np.take_along_axis(logits, columns, axis=1), @@LABELS@@)
'''
_GOOD_MINE = {
    "@@WIDTH@@": "min(num_hard_negatives + 1, logits.shape[1])",
    "@@BOOST@@": "np.where(labels > 0, np.inf, logits)",
    "@@KEY@@": "-boosted",
    "@@LABELS@@": "np.take_along_axis(labels, columns, axis=1)",
}


def _mine(**changes):
    return _fill(_MINE, _GOOD_MINE, changes)


L = "test_in_batch_softmax_loss"
F = "test_streaming_frequency"
M = "test_hard_negative_mining"
ALL_L = {L, f"{L}-logq", f"{L}-accidental_hits", f"{L}-gradient", f"{L}-stability"}

WRONG = [
    dict(function="in_batch_softmax_loss", mistake="logQ sign flipped (TFRS #219)",
         fails={f"{L}-logq", f"{L}-gradient", f"{L}-accidental_hits", f"{L}-stability"},
         message="wrong sign: s + log Q doubles the popularity bias",
         source=_loss(**{"@@LOGQ@@": "logits = logits + np.asarray(log_q)[None, :]"})),
    dict(function="in_batch_softmax_loss", mistake="logQ on the negatives only",
         fails={f"{L}-logq", f"{L}-gradient", f"{L}-accidental_hits", f"{L}-stability"},
         message="subtracted from the negatives only",
         source=_loss(**{"@@LOGQ@@": "logits = logits - np.asarray(log_q)[None, :]\n"
                                     "        logits[np.arange(len(logits)), "
                                     "np.arange(len(logits))] += np.asarray(log_q)"})),
    dict(function="in_batch_softmax_loss", mistake="logQ per row instead of per column",
         fails={f"{L}-logq", f"{L}-gradient", f"{L}-accidental_hits", f"{L}-stability"},
         message="a shift of a whole row",
         source=_loss(**{"@@LOGQ@@": "logits = logits - np.asarray(log_q)[:, None]"})),
    dict(function="in_batch_softmax_loss", mistake="accidental hits not removed",
         fails={f"{L}-accidental_hits", f"{L}-gradient"},
         message="accidental hits were not removed",
         source=_loss(**{"@@REMOVE@@": "False"})),
    dict(function="in_batch_softmax_loss", mistake="the diagonal removed as a hit",
         fails={f"{L}-accidental_hits", f"{L}-gradient"}, message="the diagonal was removed",
         source=_loss(**{"@@DIAGONAL@@": "pass"})),
    dict(function="in_batch_softmax_loss", mistake="hits removed even when not asked",
         fails={f"{L}-accidental_hits"}, message="remove them only when asked",
         source=_loss(**{"@@REMOVE@@": "True"})),
    dict(function="in_batch_softmax_loss", mistake="sum over the batch (TFRS's SUM)",
         fails=ALL_L, message="returned the sum over the batch",
         source=_loss(**{"@@REDUCE@@": "np.sum", "@@SCALE@@": "g"})),
    dict(function="in_batch_softmax_loss", mistake="no max subtraction",
         fails={f"{L}-stability"}, message="the loss overflowed",
         source=_loss(**{"@@SHIFT@@": "np.zeros((batch, 1))"})),
    dict(function="in_batch_softmax_loss", mistake="transposed logits",
         fails=ALL_L, message="the logits are transposed",
         source=_loss(**{"@@SCORES@@": "v @ u.T"})),
    dict(function="in_batch_softmax_loss", mistake="gradient sign flipped",
         fails={f"{L}-gradient", f"{L}-stability"}, message="has the wrong sign",
         source=_loss(**{"@@SCALE@@": "-g / batch"})),
    dict(function="in_batch_softmax_loss", mistake="gradients swapped",
         fails={f"{L}-gradient", f"{L}-stability"}, message="are swapped",
         source=_loss(**{"@@GRADS@@": "g.T @ u, g @ v"})),
    dict(function="streaming_frequency", mistake="repeats in a batch update twice",
         fails={f"{F}-duplicates"}, message="updates its bucket once",
         source=_freq(**{"@@LOOP@@": "for buckets in (np.array([h]) for h in "
                                     "np.asarray(ids) % H):"})),
    dict(function="streaming_frequency", mistake="alpha on the wrong term",
         fails={F, f"{F}-duplicates", f"{F}-unseen"}, message="alpha weighs the newest gap",
         source=_freq(**{"@@AVERAGE@@": "alpha * gap[seen] + (1 - alpha) * "
                                        "(step - last[seen])"})),
    dict(function="streaming_frequency", mistake="returned the gaps B",
         fails={F, f"{F}-duplicates", f"{F}-unseen"}, message="returned the gaps B",
         source=_freq(**{"@@RESULT@@": "np.where(np.isfinite(gap), gap, 0.0)"})),
    dict(function="streaming_frequency", mistake="first gap averaged with B = 0",
         fails={F, f"{F}-duplicates", f"{F}-unseen"}, message="seen for the first time",
         source=_freq(**{"@@START@@": "0.0", "@@FIRST@@": "alpha * step",
                         "@@RESULT@@": "np.where(gap > 0, 1.0 / np.where(gap > 0, gap, 1), "
                                       "0.0)"})),
    dict(function="streaming_frequency", mistake="1 / 0 for buckets never seen",
         fails={f"{F}-unseen"}, message="never seen",
         source=_freq(**{"@@START@@": "0.0"})),
    dict(function="hard_negative_mining", mistake="the positive is not boosted",
         fails={M, f"{M}-edges"}, message="the positive was not kept",
         source=_mine(**{"@@BOOST@@": "logits"})),
    dict(function="hard_negative_mining", mistake="easiest negatives",
         fails={M, f"{M}-edges"}, message="easiest negatives",
         source=_mine(**{"@@BOOST@@": "np.where(labels > 0, -np.inf, logits)",
                         "@@KEY@@": "boosted"})),
    dict(function="hard_negative_mining", mistake="k columns instead of k + 1",
         fails={M, f"{M}-edges"}, message="keep the positive and the",
         source=_mine(**{"@@WIDTH@@": "min(num_hard_negatives, logits.shape[1])"})),
    dict(function="hard_negative_mining", mistake="labels not gathered",
         fails={M, f"{M}-edges"}, message="must be gathered",
         source=_mine(**{"@@LABELS@@": "labels[:, :width]"})),
]
