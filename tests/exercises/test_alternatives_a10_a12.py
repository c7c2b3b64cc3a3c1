"""Correct answers that differ from the solutions pass every check of a10, a11 and a12.

The solution regions are one way to write each function; a learner may mask with ``-inf``
instead of a finite minimum, reduce with ``np.logaddexp``, loop over rows or steps with
Python dictionaries, rank with a stable sort, or train without an item bias and with
another learning rate. Each of these passes all test cells (visible and hidden) for several
seeds, so the checks test the contract, not the solution's implementation.
"""

import numpy as np
import pytest

import ex_support as s

ALTERNATIVES = {
    "sampled_softmax_loss": '''
def sampled_softmax_loss(user_emb, pos_emb, neg_emb, log_q_pos=None, log_q_neg=None,
                         pos_ids=None, neg_ids=None, remove_accidental_hits=True):
    # float64 throughout, hits masked with -inf, log-sum-exp by np.logaddexp.reduce
    u, p, n = (np.asarray(a, dtype=float) for a in (user_emb, pos_emb, neg_emb))
    o_pos = np.einsum("bd,bd->b", u, p) - (0.0 if log_q_pos is None else np.asarray(log_q_pos))
    o_neg = u @ n.T - (0.0 if log_q_neg is None else np.asarray(log_q_neg))
    if remove_accidental_hits and pos_ids is not None and neg_ids is not None:
        o_neg = np.where(np.equal.outer(pos_ids, neg_ids), -np.inf, o_neg)
    logits = np.column_stack([o_pos, o_neg])
    lse = np.logaddexp.reduce(logits, axis=1)
    B = len(u)
    prob = np.exp(logits - lse[:, None])
    g = prob / B
    g[:, 0] -= 1.0 / B
    d_user = g[:, :1] * p + g[:, 1:] @ n
    return float(np.mean(lse - o_pos)), d_user, g[:, :1] * u, g[:, 1:].T @ u
''',
    "unigram_power_distribution": '''
def unigram_power_distribution(counts, power=0.75):
    # in logs: exp(power * log c) without overflow, zero counts masked
    c = np.asarray(counts, dtype=float)
    log_w = np.full(c.shape, -np.inf)
    log_w[c > 0] = power * np.log(c[c > 0])
    w = np.exp(log_w - log_w.max())
    return w / w.sum()
''',
    "log_uniform_distribution": '''
def log_uniform_distribution(range_max):
    # the formula as written, a difference of two logs
    k = np.arange(range_max)
    return (np.log(k + 2) - np.log(k + 1)) / np.log(range_max + 1)
''',
    "bpr_loss": '''
def bpr_loss(pos_scores, neg_scores, reduction="mean"):
    # softplus(neg - pos) = logaddexp(0, neg - pos)
    pos, neg = np.asarray(pos_scores), np.asarray(neg_scores)
    losses = np.logaddexp(0, neg - (pos.reshape(-1, 1) if neg.ndim == 2 else pos))
    return {"none": losses, "sum": losses.sum(), "mean": losses.mean()}[reduction]
''',
    "in_batch_softmax_loss": '''
def in_batch_softmax_loss(user_emb, item_emb, log_q=None, item_ids=None,
                          remove_accidental_hits=True):
    # -inf for the hits, a row loop for the loss, matrices for the gradients
    U, V = np.asarray(user_emb, dtype=float), np.asarray(item_emb, dtype=float)
    B = len(U)
    o = U @ V.T
    if log_q is not None:
        o = o - np.asarray(log_q)
    if remove_accidental_hits and item_ids is not None:
        same = np.equal.outer(item_ids, item_ids) & ~np.eye(B, dtype=bool)
        o = np.where(same, -np.inf, o)
    loss = sum(np.logaddexp.reduce(o[b]) - o[b, b] for b in range(B)) / B
    P = np.exp(o - np.logaddexp.reduce(o, axis=1, keepdims=True))
    G = (P - np.eye(B)) / B
    return loss, G @ V, G.T @ U
''',
    "streaming_frequency": '''
def streaming_frequency(batch_ids, H, alpha=0.01):
    # Python dictionaries, one set of buckets per step
    last, gap = {}, {}
    for t, batch in enumerate(batch_ids):
        for h in {int(i) % H for i in batch}:
            gap[h] = t + 1 if h not in last else (1 - alpha) * gap[h] + alpha * (t - last[h])
            last[h] = t
    return np.array([1.0 / gap[h] if h in gap else 0.0 for h in range(H)])
''',
    "hard_negative_mining": '''
def hard_negative_mining(logits, labels, num_hard_negatives):
    # a row loop with sorted(): positives first, then by decreasing logit, then by column
    logits, labels = np.asarray(logits), np.asarray(labels)
    width = min(num_hard_negatives + 1, logits.shape[1])
    rows = [sorted(range(logits.shape[1]), key=lambda j: (-labels[b, j], -logits[b, j], j))
            [:width] for b in range(len(logits))]
    cols = np.array(rows, dtype=int).reshape(len(logits), width)
    return np.take_along_axis(logits, cols, 1), np.take_along_axis(labels, cols, 1)
''',
    "evaluate": '''
def evaluate(user_emb, item_emb, heldout_items, seen, k=10):
    # mask with -inf (except the held-out item), then the position in a stable sort
    scores = np.asarray(user_emb, dtype=float) @ np.asarray(item_emb, dtype=float).T
    users = np.arange(len(scores))
    mask = np.array(seen, dtype=bool)
    mask[users, heldout_items] = False
    order = np.argsort(-np.where(mask, -np.inf, scores), axis=1, kind="stable")
    ranks = np.argmax(order == np.asarray(heldout_items)[:, None], axis=1)
    gains = np.where(ranks < k, 1 / np.log2(ranks + 2), 0.0)
    return np.mean(ranks < k), gains.mean()
''',
    "recommended_popularity": '''
def recommended_popularity(user_emb, item_emb, seen, item_counts, k=10):
    # lexsort: unseen before seen, then by decreasing score; ranks by counts, then index
    scores = np.asarray(user_emb, dtype=float) @ np.asarray(item_emb, dtype=float).T
    top = np.lexsort((-scores, np.asarray(seen, dtype=bool)), axis=1)[:, :k]
    counts = np.asarray(item_counts)
    order = np.lexsort((np.arange(len(counts)), -counts))
    rank = np.argsort(order)
    return rank[top].mean()
''',
    "train_two_tower": '''
def train_two_tower(user_ids, item_ids, num_users, num_items, loss="in-batch", logq=1.0,
                    seed=0):
    # no item bias, d = 24, learning rate 0.05, -inf for the accidental hits
    rng = np.random.default_rng(seed)
    U = 0.1 * rng.standard_normal((num_users, 24))
    V = 0.1 * rng.standard_normal((num_items, 24))
    q = np.bincount(item_ids, minlength=num_items) / len(item_ids)
    log_q = np.log(np.maximum(q, 1e-6))
    state = {"U": [np.zeros_like(U), np.zeros_like(U)], "V": [np.zeros_like(V), np.zeros_like(V)]}
    t = 0
    for epoch in range(6):
        perm = rng.permutation(len(user_ids))
        for batch in np.array_split(perm, max(1, len(perm) // 256)):
            us, its = user_ids[batch], item_ids[batch]
            u = U[us]
            cand = V if loss == "full" else V[its]
            o = u @ cand.T
            if loss == "full":
                target = its
            else:
                o = o - logq * log_q[its]
                o[np.equal.outer(its, its) & ~np.eye(len(its), dtype=bool)] = -np.inf
                target = np.arange(len(its))
            p = np.exp(o - o.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(its)), target] -= 1
            p /= len(its)
            gU = np.zeros_like(U)
            np.add.at(gU, us, p @ cand)
            if loss == "full":
                gV = p.T @ u
            else:
                gV = np.zeros_like(V)
                np.add.at(gV, its, p.T @ u)
            t += 1
            for name, theta, g in (("U", U, gU), ("V", V, gV)):
                m, v = state[name]
                m[:] = 0.9 * m + 0.1 * g
                v[:] = 0.999 * v + 0.001 * g * g
                theta -= 0.05 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return U, V
''',
}

AIDS = ("a10_sampled_softmax", "a11_in_batch_negatives", "a12_capstone")
CELLS = [(aid, gid, function) for aid in AIDS
         for gid, function, _ in s.grade_cells(s.instructor_notebook(aid))]


def test_every_function_has_an_alternative():
    assert {function for _, _, function in CELLS} == set(ALTERNATIVES)


@pytest.mark.parametrize("aid,grade_id,function", CELLS, ids=[c[1] for c in CELLS])
def test_alternative_passes(aid, grade_id, function):
    fn = s.run_code(["import numpy as np\n", ALTERNATIVES[function]])[function]
    for seed in (None, 1, 2, 20250917):
        message = s.run_cell_checks(grade_id, fn, seed=seed)
        assert message is None, f"seed {seed}: {message}"
