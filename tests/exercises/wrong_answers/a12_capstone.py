"""Typical wrong answers of a12_capstone (format: see a01_entropy.py)."""


def _fill(template, good, changes):
    source = template
    for key, value in {**good, **changes}.items():
        source = source.replace(key, value)
    return source


_EVAL = '''
def evaluate(user_emb, item_emb, heldout_items, seen, k=10):
    scores = np.asarray(user_emb) @ np.asarray(item_emb).T
    heldout = np.asarray(heldout_items)
    rows = np.arange(len(heldout))
    target = scores[rows, heldout][:, None]
    columns = np.arange(scores.shape[1])
    ahead = @@AHEAD@@
    @@MASK@@
    ranks = ahead.sum(axis=1)
    hit = @@HIT@@
    recall = float(np.mean(hit))
    ndcg = float(np.mean(np.where(hit, 1.0 / @@DISCOUNT@@, 0.0)))
    return recall, ndcg
'''
_GOOD_EVAL = {
    "@@AHEAD@@": "(scores > target) | ((scores == target) & (columns < heldout[:, None]))",
    "@@MASK@@": "ahead &= ~np.asarray(seen, dtype=bool)",
    "@@HIT@@": "ranks < k",
    "@@DISCOUNT@@": "np.log2(ranks + 2.0)",
}


def _eval(**changes):
    return _fill(_EVAL, _GOOD_EVAL, changes)


_POP = '''
def recommended_popularity(user_emb, item_emb, seen, item_counts, k=10):
    scores = np.asarray(user_emb) @ np.asarray(item_emb).T
    @@MASK@@
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    counts = np.asarray(item_counts)
    ranks = np.empty(len(counts), dtype=int)
    ranks[@@ORDER@@] = np.arange(len(counts))
    return float(np.mean(@@VALUE@@))
'''
_GOOD_POP = {
    "@@MASK@@": "scores = np.where(np.asarray(seen, dtype=bool), -np.inf, scores)",
    "@@ORDER@@": "np.argsort(-counts, kind=\"stable\")",
    "@@VALUE@@": "ranks[top]",
}


def _pop(**changes):
    return _fill(_POP, _GOOD_POP, changes)


_TRAIN = '''
def train_two_tower(user_ids, item_ids, num_users, num_items, loss="in-batch", logq=1.0,
                    seed=0):
    dim, num_epochs, batch_size, lr = 16, 6, 256, 0.03
    user_ids, item_ids = np.asarray(user_ids), np.asarray(item_ids)
    rng = np.random.default_rng(seed)
    user_emb = rng.normal(0.0, 0.1, (num_users, dim + 1))
    item_emb = rng.normal(0.0, 0.1, (num_items, dim + 1))
    user_emb[:, dim] = 1.0
    item_emb[:, dim] = 0.0
    counts = np.bincount(item_ids, minlength=num_items)
    log_q = np.log(np.maximum(counts / counts.sum(), 1e-6))
    tables = (user_emb, item_emb)
    first = [np.zeros_like(t) for t in tables]
    second = [np.zeros_like(t) for t in tables]
    step = 0
    for _ in range(num_epochs):
        order = rng.permutation(len(user_ids))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            users, items = user_ids[rows], item_ids[rows]
            batch = len(rows)
            u = user_emb[users]
            if loss == "full":
                candidates, targets = item_emb, items
                logits = u @ candidates.T
            else:
                candidates, targets = item_emb[items], np.arange(batch)
                logits = @@IN_BATCH@@
                hits = items[:, None] == items[None, :]
                np.fill_diagonal(hits, False)
                logits[hits] = -1e30
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(batch), targets] -= 1
            g = @@SCALE@@
            grad_user = np.zeros_like(user_emb)
            np.add.at(grad_user, users, g @ candidates)
            grad_user[:, dim] = 0.0
            if loss == "full":
                grad_item = @@FULL_ITEMS@@
            else:
                grad_item = np.zeros_like(item_emb)
                np.add.at(grad_item, items, g.T @ u)
            step += 1
            for table, grad, m, v in zip(tables, (grad_user, grad_item), first, second):
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad ** 2
                m_hat, v_hat = m / (1 - 0.9 ** step), v / (1 - 0.999 ** step)
                table @@UPDATE@@ lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return user_emb, item_emb
'''
_GOOD_TRAIN = {
    "@@FULL_ITEMS@@": "g.T @ u",
    "@@IN_BATCH@@": "u @ candidates.T - logq * log_q[items][None, :]",
    "@@SCALE@@": "p / batch",
    "@@UPDATE@@": "-=",
}


def _train(**changes):
    return _fill(_TRAIN, _GOOD_TRAIN, changes)


E = "test_evaluate"
P = "test_recommended_popularity"
T = "test_train_two_tower"

WRONG = [
    dict(function="evaluate", mistake="seen items not masked", fails={f"{E}-seen"},
         message="the seen items were not masked", source=_eval(**{"@@MASK@@": "pass"})),
    dict(function="evaluate", mistake="held-out item masked with the seen ones",
         fails={f"{E}-seen"}, message="the held-out item was masked",
         source=_eval(**{"@@MASK@@": "ahead &= ~np.asarray(seen, dtype=bool)\n"
                                     "    gone = np.asarray(seen, dtype=bool)[rows, heldout]\n"
                                     "    ahead[gone] = True"})),
    dict(function="evaluate", mistake="natural log in the NDCG discount",
         fails={E, f"{E}-seen", f"{E}-ties"}, message="base 2, not the natural log",
         source=_eval(**{"@@DISCOUNT@@": "np.log(ranks + 2.0)"})),
    dict(function="evaluate", mistake="1-based ranks in NDCG",
         fails={E, f"{E}-seen", f"{E}-ties"}, message="off by one in NDCG",
         source=_eval(**{"@@DISCOUNT@@": "np.log2(ranks + 3.0)"})),
    dict(function="evaluate", mistake="top k + 1 counted", fails={E, f"{E}-seen", f"{E}-ties"},
         message="counted the top k + 1",
         source=_eval(**{"@@HIT@@": "ranks <= k"})),
    dict(function="evaluate", mistake="ties counted against the held-out item",
         fails={f"{E}-ties"}, message="ties were ranked against the held-out item",
         source=_eval(**{"@@AHEAD@@": "(scores >= target) & (columns != heldout[:, None])"})),
    dict(function="recommended_popularity", mistake="seen items recommended",
         fails={f"{P}-seen"}, message="the seen items were recommended",
         source=_pop(**{"@@MASK@@": "pass"})),
    dict(function="recommended_popularity", mistake="ranks reversed (0 = least watched)",
         fails={P, f"{P}-seen"}, message="reversed",
         source=_pop(**{"@@ORDER@@": "np.argsort(counts, kind=\"stable\")"})),
    dict(function="recommended_popularity", mistake="mean count instead of rank",
         fails={P, f"{P}-seen"}, message="returned the mean count",
         source=_pop(**{"@@VALUE@@": "counts[top]"})),
    dict(function="recommended_popularity", mistake="tied counts by higher index",
         fails={f"{P}-seen"}, message="items with equal counts",
         source=_pop(**{"@@ORDER@@": "np.lexsort((-np.arange(len(counts)), -counts))"})),
    dict(function="train_two_tower", mistake="logQ sign flipped (TFRS #219)",
         fails={f"{T}-logq", f"{T}-sign", f"{T}-full"}, message="the sign is probably flipped",
         source=_train(**{"@@IN_BATCH@@": "u @ candidates.T + logq * log_q[items][None, :]"})),
    dict(function="train_two_tower", mistake="logq argument ignored",
         fails={f"{T}-logq", f"{T}-sign", f"{T}-full"}, message="the correction should lift",
         source=_train(**{"@@IN_BATCH@@": "u @ candidates.T"})),
    dict(function="train_two_tower", mistake="full softmax never updates the items",
         fails={T}, message="not clearly above the popularity baseline",
         source=_train(**{"@@FULL_ITEMS@@": "np.zeros_like(item_emb)"})),
    dict(function="train_two_tower", mistake="gradient ascent",
         fails={T, f"{T}-logq", f"{T}-sign"},
         message="not clearly above the popularity baseline",
         source=_train(**{"@@UPDATE@@": "+="})),
]
