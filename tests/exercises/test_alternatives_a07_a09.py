"""Correct answers that differ from the solutions pass every check of a07, a08 and a09.

The solution regions are one way to write each function; a learner may vectorise where the
solution loops, loop where it vectorises, take the step from ``np.cbrt``, draw coordinates
with ``rng.choice``, form the Jacobian, or rank with a stable sort. Each of these passes all
test cells (visible and hidden) for several seeds, so the checks test the contract, not the
solution's implementation. A regression test for the inputs of the a05 softmax check with
``-inf`` logits closes the file.
"""

import numpy as np
import pytest

import ex_support as s

ALTERNATIVES = {
    "softmax_cross_entropy_numerical_grad": '''
def softmax_cross_entropy_numerical_grad(logits, targets, h=None):
    # every perturbation at once: a batch of (N * C) perturbed copies of the logits
    z = np.asarray(logits)
    z = z if np.issubdtype(z.dtype, np.floating) else z.astype(np.float64)
    h = np.cbrt(np.finfo(z.dtype).eps) if h is None else h
    n, c = z.shape
    eye = np.eye(n * c, dtype=z.dtype).reshape(n * c, n, c)
    rows = np.arange(n)

    def losses(batch):
        m = batch.max(axis=-1, keepdims=True)
        lse = np.log(np.exp(batch - m).sum(axis=-1)) + m[..., 0]
        return (lse - batch[:, rows, targets]).mean(axis=-1)

    plus = losses(z + eye * z.dtype.type(h))
    minus = losses(z - eye * z.dtype.type(h))
    return ((plus - minus) / z.dtype.type(2 * h)).reshape(n, c).astype(z.dtype)
''',
    "grad_check_sparse": '''
def grad_check_sparse(W, X, y, analytic, num_checks=10, h=1e-6, seed=0):
    # flat coordinates from rng.choice, and the loss updated through the logits only
    rng = np.random.default_rng(seed)
    flat = rng.choice(W.size, size=num_checks, replace=True)
    rows, cols = np.unravel_index(flat, W.shape)
    Z = X @ W
    r = np.arange(len(y))

    def loss(logits):
        return np.mean(np.logaddexp.reduce(logits, axis=1) - logits[r, y])

    errors = []
    for i, j in zip(rows, cols):
        plus, minus = Z.copy(), Z.copy()
        plus[:, j] = X @ np.where(np.arange(W.shape[0]) == i, W[:, j] + h, W[:, j])
        minus[:, j] = X @ np.where(np.arange(W.shape[0]) == i, W[:, j] - h, W[:, j])
        numerical = (loss(plus) - loss(minus)) / (2 * h)
        a = analytic[i, j]
        denominator = max(abs(a), abs(numerical))
        errors.append(0.0 if denominator == 0 else abs(a - numerical) / denominator)
    return np.stack([rows, cols], axis=1), np.array(errors)
''',
    "softmax_vjp": '''
def softmax_vjp(logits, cotangent):
    # the O(C^2) way: form J = diag(p) - p p^T and multiply
    z, v = np.asarray(logits, dtype=float), np.asarray(cotangent, dtype=float)
    if z.shape != v.shape:
        raise ValueError("cotangent and logits must have the same shape")
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True)
    J = np.einsum("...i,ij->...ij", p, np.eye(z.shape[-1])) - p[..., :, None] * p[..., None, :]
    return np.einsum("...ij,...j->...i", J, v)
''',
    "find_first_nonfinite": '''
def find_first_nonfinite(values):
    bad = np.argwhere(~np.isfinite(np.asarray(values, dtype=float)))
    return tuple(int(i) for i in bad[0]) if len(bad) else None
''',
    "weighted_bce_watch_time": '''
def weighted_bce_watch_time(logits, clicked, watch_time, reduction="mean"):
    z = np.asarray(logits)
    z = z if np.issubdtype(z.dtype, np.floating) else z.astype(float)
    y = np.asarray(clicked, dtype=z.dtype)
    t = np.asarray(watch_time, dtype=z.dtype)
    if z.shape != y.shape or z.shape != t.shape:
        raise ValueError("logits, clicked and watch_time must have the same shape")
    weight = y * t + (1 - y)
    losses = weight * (y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))
    return {"none": losses, "sum": losses.sum()}.get(reduction, losses.mean())
''',
    "weighted_bce_watch_time_grad": '''
def weighted_bce_watch_time_grad(logits, clicked, watch_time, reduction="mean"):
    z = np.asarray(logits, dtype=float)
    y = np.asarray(clicked, dtype=float)
    weight = np.where(y == 1, watch_time, 1.0)
    sigma = 0.5 * (1 + np.tanh(z / 2))  # never overflows
    grad = weight * (sigma - y)
    return grad / grad.size if reduction == "mean" else grad
''',
    "fit_intercept_only_odds": '''
def fit_intercept_only_odds(clicked, watch_time):
    y = np.asarray(clicked) == 1
    k, n = y.sum(), y.size
    total = np.asarray(watch_time, dtype=float)[y].sum()
    if n == k:
        return np.inf if total > 0 else np.nan
    return total / (n - k)
''',
    "weighted_per_user_pairwise_loss": '''
def weighted_per_user_pairwise_loss(scores, clicked, watch_time, user_ids, page_ids=None):
    # every pair at once: an (N, N) mask of (clicked i, unclicked j) on the same page
    s = np.asarray(scores, dtype=float)
    y = np.asarray(clicked) == 1
    t = np.asarray(watch_time, dtype=float)
    users = np.asarray(user_ids)
    same = users[:, None] == users[None, :]
    if page_ids is not None:
        pages = np.asarray(page_ids)
        same &= pages[:, None] == pages[None, :]
    pair = same & y[:, None] & ~y[None, :]
    weight = np.where(pair, t[:, None], 0.0)
    lost = weight * ((s[None, :] > s[:, None]) + 0.5 * (s[None, :] == s[:, None]))
    total = weight.sum()
    return lost.sum() / total if total > 0 else np.nan
''',
    "top_k": '''
def top_k(scores, k, exclude=None):
    # argpartition for the candidates, then a sort on (-score, index)
    s = np.asarray(scores, dtype=float)
    out = []
    for u in range(s.shape[0]):
        items = np.arange(s.shape[1])
        if exclude is not None:
            items = items[~np.asarray(exclude, bool)[u]]
        if k < 1 or k > items.size:
            raise ValueError("not enough candidates")
        row = s[u, items]
        kth = row[np.argpartition(-row, k - 1)[k - 1]]
        keep = items[row >= kth]
        keep = keep[np.lexsort((keep, -s[u, keep]))][:k]
        out.append(keep)
    return np.array(out, dtype=np.int64).reshape(s.shape[0], k)
''',
    "recall_at_k": '''
def recall_at_k(scores, item_ids, k=10, exclude=None, reduction="mean"):
    # the rank is the held-out item's position in a stable sort of the candidates
    s = np.array(scores, dtype=float)
    items = np.asarray(item_ids)
    rows = np.arange(s.shape[0])
    if exclude is not None:
        mask = np.asarray(exclude, bool).copy()
        mask[rows, items] = False
        s[mask] = -np.inf
    order = np.argsort(-s, axis=1, kind="stable")
    ranks = np.argmax(order == items[:, None], axis=1)
    hits = (ranks < k).astype(float)
    return hits if reduction == "none" else hits.mean()
''',
    "ndcg_at_k": '''
def ndcg_at_k(scores, item_ids, k=10, exclude=None, reduction="mean"):
    s = np.array(scores, dtype=float)
    items = np.asarray(item_ids)
    rows = np.arange(s.shape[0])
    if exclude is not None:
        mask = np.asarray(exclude, bool).copy()
        mask[rows, items] = False
        s[mask] = -np.inf
    order = np.argsort(-s, axis=1, kind="stable")
    ranks = np.argmax(order == items[:, None], axis=1)
    gains = np.zeros(len(items))
    hit = ranks < k
    gains[hit] = np.log(2) / np.log(ranks[hit] + 2)
    return gains if reduction == "none" else gains.mean()
''',
    "full_softmax_loss": '''
def full_softmax_loss(user_emb, item_emb, item_ids):
    # the softmax part dense, the positives' part scattered with np.add.at
    U, V, ids = np.asarray(user_emb, float), np.asarray(item_emb, float), np.asarray(item_ids)
    B = len(ids)
    S = U @ V.T
    lse = np.logaddexp.reduce(S, axis=1)
    loss = np.mean(lse - np.einsum("bd,bd->b", U, V[ids]))
    P = np.exp(S - lse[:, None])
    d_user = (P @ V - V[ids]) / B
    d_item = P.T @ U / B
    np.add.at(d_item, ids, -U / B)
    return loss, d_user, d_item
''',
}

AIDS = ("a07_gradient_checking", "a08_watch_time_ranking", "a09_extreme_classification")
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


def test_softmax_infinite_inputs_keep_a_finite_logit_per_row():
    """The hidden a05 case with -inf logits: every row keeps a finite logit (a row of -inf
    has no softmax and is not tested), and some logits are -inf, never +inf."""
    from autograder.checks.softmax import softmax_infinite_hidden

    import crossentropy as ce

    seen = []

    def softmax(x, axis=-1):
        seen.append(np.array(x))
        return ce.softmax(x, axis=axis)

    for seed in range(50):
        softmax_infinite_hidden(softmax, np.random.default_rng(seed))
    stacked = np.stack(seen)
    assert np.isfinite(stacked).any(axis=-1).all()
    assert np.isneginf(stacked).any() and not np.isposinf(stacked).any()
