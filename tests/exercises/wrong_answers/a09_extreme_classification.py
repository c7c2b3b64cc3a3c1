"""Typical wrong answers of a09_extreme_classification (format: see a01_entropy.py)."""

_TOP_K = '''
def top_k(scores, k, exclude=None):
    s = np.array(scores, dtype=float)
    if exclude is not None:
        exclude = np.asarray(exclude, dtype=bool)
        @@MASK@@
        left = s.shape[1] - exclude.sum(axis=1)
    else:
        left = np.full(s.shape[0], s.shape[1])
    @@VALIDATE@@
    order = @@ORDER@@
    return order[:, :k]
'''
_GOOD_TOP_K = {
    "@@MASK@@": "s[exclude] = -np.inf",
    "@@VALIDATE@@": "if k < 1 or (left.size and k > left.min()):\n"
                    "        raise ValueError('k out of range')",
    "@@ORDER@@": "np.argsort(-s, axis=1, kind='stable')",
}


def _top_k(**changes):
    source = _TOP_K
    for key, value in {**_GOOD_TOP_K, **changes}.items():
        source = source.replace(key, value)
    return source


_METRIC = '''
def @@NAME@@(scores, item_ids, k=10, exclude=None, reduction="mean"):
    s = np.asarray(scores, dtype=float)
    items = np.asarray(item_ids)
    @@HIDE@@
    rows = np.arange(s.shape[0])
    target = s[rows, items][:, None]
    columns = np.arange(s.shape[1])
    ahead = @@AHEAD@@
    if exclude is not None:
        @@EXCLUDE@@
    ranks = ahead.sum(axis=1)
    values = @@VALUES@@
    return @@REDUCE@@
'''
_GOOD_METRIC = {
    "@@HIDE@@": "pass",
    "@@AHEAD@@": "(s > target) | ((s == target) & (columns < items[:, None]))",
    "@@EXCLUDE@@": "ahead &= ~np.asarray(exclude, dtype=bool)",
    "@@REDUCE@@": "values if reduction == 'none' else float(np.mean(values))",
}
_RECALL_VALUES = "(ranks < k).astype(float)"
_NDCG_VALUES = "np.where(ranks < k, 1.0 / np.log2(ranks + 2.0), 0.0)"


def _recall(**changes):
    source = _METRIC.replace("@@NAME@@", "recall_at_k")
    for key, value in {**_GOOD_METRIC, "@@VALUES@@": _RECALL_VALUES, **changes}.items():
        source = source.replace(key, value)
    return source


def _ndcg(**changes):
    source = _METRIC.replace("@@NAME@@", "ndcg_at_k")
    for key, value in {**_GOOD_METRIC, "@@VALUES@@": _NDCG_VALUES, **changes}.items():
        source = source.replace(key, value)
    return source


_FULL = '''
def full_softmax_loss(user_emb, item_emb, item_ids):
    U = np.asarray(user_emb, dtype=float)
    V = np.asarray(item_emb, dtype=float)
    ids = np.asarray(item_ids)
    batch = U.shape[0]
    rows = np.arange(batch)
    S = U @ V.T
    m = @@MAX@@
    e = np.exp(S - m)
    total = np.sum(e, axis=1, keepdims=True)
    loss = @@LOSS@@
    @@GRADS@@
'''
_GOOD_FULL = {
    "@@MAX@@": "np.max(S, axis=1, keepdims=True)",
    "@@LOSS@@": "float(np.mean(m[:, 0] + np.log(total[:, 0]) - S[rows, ids]))",
    "@@GRADS@@": "G = e / total\n"
                 "    G[rows, ids] -= 1.0\n"
                 "    G /= batch\n"
                 "    return loss, G @ V, G.T @ U",
}


def _full(**changes):
    source = _FULL
    for key, value in {**_GOOD_FULL, **changes}.items():
        source = source.replace(key, value)
    return source


TOPK = "test_top_k"
RECALL = "test_recall_at_k"
NDCG = "test_ndcg_at_k"
FULL = "test_full_softmax_loss"

WRONG = [
    dict(function="top_k", mistake="reversed ascending argsort: ties to the higher index",
         fails={f"{TOPK}-ties"}, message="equal scores must go to the lower item index",
         source=_top_k(**{"@@ORDER@@": "np.argsort(s, axis=1, kind='stable')[:, ::-1]"})),
    dict(function="top_k", mistake="argpartition, not sorted",
         fails={TOPK, f"{TOPK}-ties", f"{TOPK}-exclude"}, message="not best first",
         source=_top_k(**{"@@ORDER@@": "np.sort(np.argpartition(-s, k - 1, axis=1)[:, :k], "
                                       "axis=1)"})),
    dict(function="top_k", mistake="lowest scores",
         fails={TOPK, f"{TOPK}-ties", f"{TOPK}-exclude"}, message="lowest",
         source=_top_k(**{"@@ORDER@@": "np.argsort(s, axis=1, kind='stable')"})),
    dict(function="top_k", mistake="exclude ignored",
         fails={f"{TOPK}-exclude", f"{TOPK}-validation"},
         message="exclude was ignored",
         source=_top_k(**{"@@MASK@@": "pass",
                          "@@VALIDATE@@": "if k < 1 or k > s.shape[1]:\n"
                                          "        raise ValueError('k out of range')"})),
    dict(function="top_k", mistake="excluded items scored 0", fails={f"{TOPK}-exclude"},
         message="given the score 0", source=_top_k(**{"@@MASK@@": "s[exclude] = 0.0"})),
    dict(function="top_k", mistake="no check of k", fails={f"{TOPK}-validation"},
         message="expected ValueError", source=_top_k(**{"@@VALIDATE@@": "pass"})),
    dict(function="recall_at_k", mistake="ties counted ahead (>=)", fails={f"{RECALL}-ties"},
         message="counted ahead",
         source=_recall(**{"@@AHEAD@@": "(s >= target) & (columns != items[:, None])"})),
    dict(function="recall_at_k", mistake="ties never ahead (>)", fails={f"{RECALL}-ties"},
         message="never counted ahead", source=_recall(**{"@@AHEAD@@": "s > target"})),
    dict(function="recall_at_k", mistake="exclude ignored", fails={f"{RECALL}-exclude"},
         message="exclude was ignored", source=_recall(**{"@@EXCLUDE@@": "pass"})),
    dict(function="recall_at_k", mistake="held-out item excluded too",
         fails={f"{RECALL}-exclude"}, message="held-out item itself was excluded",
         source=_recall(**{"@@HIDE@@": "s = s if exclude is None else np.where(exclude, "
                                       "-np.inf, s)"})),
    dict(function="recall_at_k", mistake="off by one: rank <= k",
         fails={RECALL, f"{RECALL}-ties", f"{RECALL}-exclude"}, message="off by one",
         source=_recall(**{"@@VALUES@@": "(ranks <= k).astype(float)"})),
    dict(function="recall_at_k", mistake="reduction ignored",
         fails={RECALL, f"{RECALL}-ties", f"{RECALL}-exclude"}, message="returned the mean",
         source=_recall(**{"@@REDUCE@@": "float(np.mean(values))"})),
    dict(function="ndcg_at_k", mistake="1 / log2(r + 1) with 0-based ranks",
         fails={NDCG, f"{NDCG}-ties", f"{NDCG}-exclude"}, message="division by zero",
         source=_ndcg(**{"@@VALUES@@": "np.where(ranks < k, 1.0 / np.log2(ranks + 1.0), "
                                       "0.0)"})),
    dict(function="ndcg_at_k", mistake="natural log",
         fails={NDCG, f"{NDCG}-ties", f"{NDCG}-exclude"}, message="log2",
         source=_ndcg(**{"@@VALUES@@": "np.where(ranks < k, 1.0 / np.log(ranks + 2.0), 0.0)"})),
    dict(function="ndcg_at_k", mistake="reciprocal rank",
         fails={NDCG, f"{NDCG}-ties", f"{NDCG}-exclude"}, message="reciprocal rank",
         source=_ndcg(**{"@@VALUES@@": "np.where(ranks < k, 1.0 / (ranks + 1.0), 0.0)"})),
    dict(function="ndcg_at_k", mistake="no cutoff at K",
         fails={NDCG, f"{NDCG}-ties", f"{NDCG}-exclude"},
         message="hits beyond K", source=_ndcg(**{"@@VALUES@@": "1.0 / np.log2(ranks + 2.0)"})),
    dict(function="ndcg_at_k", mistake="ties counted ahead (>=)", fails={f"{NDCG}-ties"},
         message="counted ahead",
         source=_ndcg(**{"@@AHEAD@@": "(s >= target) & (columns != items[:, None])"})),
    dict(function="ndcg_at_k", mistake="exclude ignored", fails={f"{NDCG}-exclude"},
         message="exclude was ignored", source=_ndcg(**{"@@EXCLUDE@@": "pass"})),
    dict(function="full_softmax_loss", mistake="dV[ids] -= ... drops repeated positives",
         fails={f"{FULL}-duplicates"}, message="np.add.at",
         source=_full(**{"@@GRADS@@": "P = e / total\n"
                                      "    d_item = P.T @ U / batch\n"
                                      "    d_item[ids] -= U / batch\n"
                                      "    return loss, (P @ V - V[ids]) / batch, d_item"})),
    dict(function="full_softmax_loss", mistake="only the positives get an item gradient",
         fails={FULL, f"{FULL}-gradient", f"{FULL}-duplicates", f"{FULL}-stability"},
         message="only the positive items got a gradient",
         source=_full(**{"@@GRADS@@": "P = e / total\n"
                                      "    d_item = np.zeros_like(V)\n"
                                      "    np.add.at(d_item, ids, -U / batch)\n"
                                      "    return loss, (P @ V - V[ids]) / batch, d_item"})),
    dict(function="full_softmax_loss", mistake="summed loss",
         fails={FULL, f"{FULL}-duplicates", f"{FULL}-stability"}, message="summed loss",
         source=_full(**{"@@LOSS@@": "float(np.sum(m[:, 0] + np.log(total[:, 0]) - "
                                     "S[rows, ids]))"})),
    dict(function="full_softmax_loss", mistake="gradients not divided by B",
         fails={FULL, f"{FULL}-gradient", f"{FULL}-duplicates", f"{FULL}-stability"},
         message="B times too large",
         source=_full(**{"@@GRADS@@": "G = e / total\n"
                                      "    G[rows, ids] -= 1.0\n"
                                      "    return loss, G @ V, G.T @ U"})),
    dict(function="full_softmax_loss", mistake="d_user without the positive's term",
         fails={FULL, f"{FULL}-gradient", f"{FULL}-duplicates", f"{FULL}-stability"},
         message="positive's term is missing",
         source=_full(**{"@@GRADS@@": "P = e / total\n"
                                      "    G = P.copy()\n"
                                      "    G[rows, ids] -= 1.0\n"
                                      "    return loss, P @ V / batch, G.T @ U / batch"})),
    dict(function="full_softmax_loss", mistake="no max shift", fails={f"{FULL}-stability"},
         message="overflowed", source=_full(**{"@@MAX@@": "np.zeros((batch, 1))"})),
]
