r"""Retrieval losses over dot-product scores, each with its gradients.

The score of user :math:`u` for item :math:`j` is :math:`s_{uj} = u \cdot v_j`. Every loss
is a mean over the batch of ``B`` (user, positive item) pairs and returns the gradients
with respect to the embeddings it was given, so a trainer only scatters them into its
tables. The ``*_logits`` functions expose the corrected logits for inspection.

**The logQ convention (pinned).** For a candidate set drawn from a proposal :math:`Q`, the
logit of *every* candidate, the positive included, is corrected by subtracting the log of
its expected count in the sample,

.. math::

    o_j = s_{uj} - \log Q(j),

as in Yi et al. (RecSys 2019) for in-batch negatives and ``tf.nn.sampled_softmax_loss``
for sampled ones. Consequences: a constant :math:`\log Q` (uniform sampling) cancels in the
softmax, so uniform sampling needs no correction; the *flipped* sign
:math:`s + \log Q` (TFRS issue #219) doubles the popularity bias instead of removing it.
Accidental hits (a negative that is the row's own positive) get the finite logit
``MIN_LOGIT`` (TFRS uses ``float32.min / 100``), so their probability is exactly 0 and no
NaN can appear even when every negative is a hit.
"""

import numpy as np

from .model import sum_rows as _sum_rows

__all__ = ["MIN_LOGIT", "softmax_loss_from_logits", "full_softmax_loss", "sampled_logits",
           "sampled_softmax_loss", "in_batch_logits", "in_batch_softmax_loss",
           "bce_negative_sampling_loss"]

MIN_LOGIT = float(np.finfo(np.float32).min) / 100.0
_FLOAT32_EXP_FLOOR = np.float32(-60.0)
# Logits within +-_NO_SHIFT_BOUND need no max-subtraction before exp in float32: e^60 times
# a million candidates stays far below float32's overflow, e^-60 far above its subnormals.
_NO_SHIFT_BOUND = 60.0


def softmax_loss_from_logits(logits, label_indices, overwrite=False, sample_weight=None):
    r"""Mean softmax cross-entropy of rows of logits and its gradient.

    .. math::

        \ell = \frac{1}{B} \sum_b w_b \Big( \log \sum_j e^{o_{bj}} - o_{b y_b} \Big),
        \qquad \frac{\partial \ell}{\partial o_{bj}} = w_b \frac{\mathrm{softmax}(o_b)_j
        - \mathbb{1}[j = y_b]}{B}

    with :math:`w_b = 1` unless ``sample_weight`` is given (a mean over the ``B`` rows, not
    over the weights: weights that average 1 keep the loss's scale).

    In float32 the shifted logits are floored at -60 before ``exp`` (a relative change of
    at most :math:`C e^{-60} \approx 10^{-26} C` in the partition sum) so that no subnormal
    probability slows the matrix products that use the gradient; float64 is exact.

    Parameters
    ----------
    logits : ndarray, shape (B, C)
    label_indices : ndarray of int, shape (B,)
    overwrite : bool
        Compute the gradient in the memory of ``logits`` (the training loop's fused path).
    sample_weight : ndarray, shape (B,), optional
        Weight of each row.

    Returns
    -------
    loss : float
    d_logits : ndarray, shape (B, C), dtype of ``logits``

    Examples
    --------
    >>> loss, d_logits = softmax_loss_from_logits(np.array([[1000.0, 0.0]]), np.array([1]))
    >>> float(loss), d_logits.tolist()
    (1000.0, [[1.0, -1.0]])
    """
    logits = np.asarray(logits)
    out = logits if overwrite else np.array(logits, dtype=np.result_type(logits, np.float32))
    batch = out.shape[0]
    scale = _row_scale(batch, sample_weight)
    row_loss, c = _softmax_factors(out, label_indices, scale)
    np.multiply(out, c[:, None].astype(out.dtype), out=out)
    out[np.arange(batch), label_indices] -= scale.astype(out.dtype)
    return (float(row_loss.sum()) if batch else 0.0), out


def _exp_inplace(out, shift, hits=None):
    """Replace the logits ``out`` (B, C) by ``exp(out - shift)`` in place; return the shift.

    ``shift`` ``"max"`` subtracts each row's maximum (always safe; in float32 the shifted
    logits are also floored at -60, see :func:`softmax_loss_from_logits`); ``"auto"``
    skips the subtraction and the floor, two passes over ``out``, when every logit lies
    within +-``_NO_SHIFT_BOUND`` (two cheap reductions tell); a number is a bound on
    ``|out|`` known in advance (skip without looking when it is small enough). ``hits``
    (rows, cols) are candidates to drop: their ``exp`` becomes exactly 0 (and the row
    maximum ignores them). Returns the subtracted shift per row (float64, shape (B,)).
    """
    batch = out.shape[0]
    if hits is not None and not len(hits[0]):
        hits = None
    if shift == "auto":
        small = out.size == 0 or (out.max() <= _NO_SHIFT_BOUND
                                  and out.min() >= -_NO_SHIFT_BOUND)
    else:
        small = not isinstance(shift, str) and shift <= _NO_SHIFT_BOUND
    with np.errstate(under="ignore"):
        if small:
            row_shift = np.zeros(batch)
        else:
            if hits is not None:
                out[hits] = MIN_LOGIT
            row_max = out.max(axis=1, keepdims=True)
            row_shift = row_max[:, 0].astype(np.float64)
            np.subtract(out, row_max, out=out)
            if out.dtype == np.float32:
                # Keeps subnormal numbers (which slow the matrix products of the backward
                # pass some 30-fold) out of the gradient: probabilities below e^-60 of the
                # row's top one are raised to it, far below float32's resolution of the loss.
                np.maximum(out, _FLOAT32_EXP_FLOOR, out=out)
        np.exp(out, out=out)
    if hits is not None:
        out[hits] = 0
    return row_shift


def _softmax_factors(out, label_indices, scale, shift="max", hits=None):
    r"""Softmax cross-entropy of logits ``out`` (overwritten), in factored form.

    Leaves :math:`E_{bj} = e^{o_{bj} - m_b}` in ``out`` and returns ``(row_loss, c)`` with
    ``row_loss[b]`` the row's scaled loss and :math:`c_b = \text{scale}_b / \sum_j E_{bj}`,
    so that the gradient is :math:`G = \mathrm{diag}(c) E - \mathrm{diag}(\text{scale})
    Y` (:math:`Y` the one-hot labels). The backward products then use :math:`E` as it is,
    and :math:`G` is never written: two passes over the (B, C) array (``exp``, the row sums)
    instead of six. ``shift`` and ``hits`` as for :func:`_exp_inplace`.
    """
    rows = np.arange(out.shape[0])
    target = out[rows, label_indices].astype(np.float64)
    row_shift = _exp_inplace(out, shift, hits)
    row_sum = out.sum(axis=1).astype(np.float64)
    row_loss = (np.log(row_sum) + row_shift - target) * scale
    return row_loss, scale / row_sum


def full_softmax_loss(user_emb, item_emb, item_ids, workspace=None, sample_weight=None):
    r"""Softmax cross-entropy over the whole catalogue (Covington et al. 2016).

    .. math::

        \ell = \frac{1}{B} \sum_b \Big( \log \sum_{j=1}^{N} e^{u_b \cdot v_j}
        - u_b \cdot v_{i_b} \Big)

    Parameters
    ----------
    user_emb : ndarray, shape (B, d)
        Embedding of each batch row's user.
    item_emb : ndarray, shape (N, d)
        All item embeddings.
    item_ids : ndarray of int, shape (B,)
        The positive item of each row.
    workspace : ndarray, shape (>= B, N), optional
        Memory for the (B, N) logits, reused across training steps (its dtype must be the
        result dtype of the embeddings).
    sample_weight : ndarray, shape (B,), optional
        Weight of each row's term (:func:`softmax_loss_from_logits`).

    Returns
    -------
    loss : float
    d_user_emb : ndarray, shape (B, d)
    d_item_emb : ndarray, shape (N, d)
        Dense: every item is a candidate, so every item gets a gradient; the step costs
        O(B N d).

    Examples
    --------
    >>> user_emb = np.zeros((2, 3)); item_emb = np.ones((4, 3))
    >>> loss, d_user, d_item = full_softmax_loss(user_emb, item_emb, np.array([0, 3]))
    >>> round(loss, 6), round(float(np.log(4)), 6), d_user.shape, d_item.shape
    (1.386294, 1.386294, (2, 3), (4, 3))
    """
    batch, num_items = len(user_emb), len(item_emb)
    dtype = np.result_type(user_emb, item_emb, np.float32)
    exp_logits = (np.empty((batch, num_items), dtype) if workspace is None
                  else workspace[:batch])
    scale = _row_scale(batch, sample_weight)
    np.matmul(user_emb, item_emb.T, out=exp_logits)
    # |u . v| <= |u| |v| bounds every logit for O((B + N) d), so most steps skip both the
    # max-subtraction and the check; the others look at the logits (or shift if need be).
    bound = _max_norm(user_emb) * _max_norm(item_emb)
    row_loss, c = _softmax_factors(exp_logits, item_ids, scale,
                                   bound if bound <= _NO_SHIFT_BOUND else "auto")
    # G = diag(c) E - diag(scale) Y, so G V and G^T U need only E: the normalisation and
    # the one-hot move to (B, d) arrays.
    c = c.astype(dtype)[:, None]
    d_user = exp_logits @ item_emb
    d_user *= c
    d_user -= (scale[:, None] * item_emb[item_ids]).astype(dtype)
    # (U^T E)^T is the same product as E^T U, but BLAS runs it faster from this layout.
    d_item = np.ascontiguousarray(((user_emb * c).T @ exp_logits).T)
    ids, sums = _sum_rows(item_ids, scale[:, None] * user_emb)
    d_item[ids] -= sums.astype(dtype)
    return float(row_loss.sum()), d_user, d_item


def _with_log_q(user_emb, candidate_emb, log_q):
    """``(U', C'^T)`` with ``U' = [U, 1]`` and ``C' = [C, -log Q]``: ``U' C'^T = U C^T - log Q``.

    Folding the correction into the matrix product saves a pass over the (B, K) logits.
    """
    dtype = np.result_type(user_emb, candidate_emb, np.float32)
    dim = user_emb.shape[1]
    users = np.empty((len(user_emb), dim + 1), dtype)
    users[:, :dim] = user_emb
    users[:, dim] = 1
    candidates = np.empty((len(candidate_emb), dim + 1), dtype)
    candidates[:, :dim] = candidate_emb
    candidates[:, dim] = -np.asarray(log_q)
    return users, candidates.T


def _row_scale(batch, sample_weight):
    scale = np.full(batch, 1.0 / max(batch, 1))
    if sample_weight is not None:
        scale *= np.asarray(sample_weight, dtype=np.float64)
    return scale


def _max_norm(rows):
    if len(rows) == 0:
        return 0.0
    return float(np.sqrt(np.einsum("ij,ij->i", rows, rows).max()))


def _hit_pairs(row_ids, candidate_ids, skip_diagonal=False):
    """(rows, cols) where ``candidate_ids[col] == row_ids[row]``, by sorting: O((B + K) log K)
    plus the number of hits, not the O(B K) of a dense comparison."""
    row_ids, candidate_ids = np.asarray(row_ids), np.asarray(candidate_ids)
    order = np.argsort(candidate_ids, kind="stable")
    sorted_ids = candidate_ids[order]
    low = np.searchsorted(sorted_ids, row_ids, side="left")
    counts = np.searchsorted(sorted_ids, row_ids, side="right") - low
    total = int(counts.sum())
    rows = np.repeat(np.arange(len(row_ids)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    cols = order[np.repeat(low, counts) + offsets]
    if skip_diagonal:
        keep = rows != cols
        rows, cols = rows[keep], cols[keep]
    return rows, cols


def sampled_logits(user_emb, pos_emb, neg_emb, log_q_pos=None, log_q_neg=None, pos_ids=None,
                   neg_ids=None, remove_accidental_hits=True):
    r"""Corrected logits of the positive and K shared sampled negatives, shape (B, 1 + K).

    Column 0 holds the positive, :math:`o_{b0} = u_b \cdot v_{i_b} - \log Q(i_b)`;
    column :math:`1 + k` the negative :math:`n_k`,
    :math:`o_{b,1+k} = u_b \cdot v_{n_k} - \log Q(n_k)`, where :math:`Q(j)` is the
    expected count of item :math:`j` among the K draws (module docstring). A negative equal
    to the row's positive (``neg_ids[k] == pos_ids[b]``) is set to ``MIN_LOGIT`` when
    ``remove_accidental_hits`` and both id arrays are given.

    Parameters
    ----------
    user_emb, pos_emb : ndarray, shape (B, d)
    neg_emb : ndarray, shape (K, d)
        Negatives shared by all rows of the batch.
    log_q_pos : ndarray, shape (B,), optional
    log_q_neg : ndarray, shape (K,), optional
        :math:`\log Q`; omitted means no correction.
    pos_ids : ndarray of int, shape (B,), optional
    neg_ids : ndarray of int, shape (K,), optional
    remove_accidental_hits : bool

    Examples
    --------
    >>> u = np.array([[1.0, 0.0]]); pos = np.array([[2.0, 0.0]]); neg = np.eye(2)
    >>> sampled_logits(u, pos, neg, np.log([0.5]), np.log([0.5, 0.25])).round(4).tolist()
    [[2.6931, 1.6931, 1.3863]]
    >>> hit = sampled_logits(u, pos, neg, pos_ids=np.array([7]), neg_ids=np.array([7, 3]))
    >>> bool(hit[0, 1] == MIN_LOGIT), float(hit[0, 2])
    (True, 0.0)
    """
    batch, num_neg = user_emb.shape[0], neg_emb.shape[0]
    logits = np.empty((batch, 1 + num_neg), dtype=np.result_type(user_emb, neg_emb))
    np.einsum("bd,bd->b", user_emb, pos_emb, out=logits[:, 0])
    if log_q_neg is None:
        np.matmul(user_emb, neg_emb.T, out=logits[:, 1:])
    else:  # the correction rides along in the product, as one more column
        np.matmul(*_with_log_q(user_emb, neg_emb, log_q_neg), out=logits[:, 1:])
    if log_q_pos is not None:
        logits[:, 0] -= log_q_pos
    if remove_accidental_hits and pos_ids is not None and neg_ids is not None:
        rows, cols = _hit_pairs(pos_ids, neg_ids)
        logits[rows, cols + 1] = MIN_LOGIT
    return logits


def sampled_softmax_loss(user_emb, pos_emb, neg_emb, log_q_pos=None, log_q_neg=None,
                         pos_ids=None, neg_ids=None, remove_accidental_hits=True,
                         sample_weight=None):
    r"""Sampled softmax with the logQ correction, K shared negatives per batch.

    .. math::

        \ell = \frac{1}{B} \sum_b \Big( \log \Big( e^{o_{b0}} + \sum_{k=1}^{K}
        e^{o_{b,k}} \Big) - o_{b0} \Big), \qquad o = \text{sampled\_logits}(\dots)

    Cost O(B K d). With every item as a negative exactly once (``Q`` = 1, log Q = 0) and
    accidental hits removed it equals :func:`full_softmax_loss`. Parameters as for
    :func:`sampled_logits`; ``sample_weight`` (B,) weights the rows' terms.

    Returns
    -------
    loss : float
    d_user_emb, d_pos_emb : ndarray, shape (B, d)
    d_neg_emb : ndarray, shape (K, d)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> u, v = rng.normal(size=(3, 4)), rng.normal(size=(6, 4))
    >>> pos = np.array([0, 2, 5]); everything = np.arange(6)
    >>> loss = sampled_softmax_loss(u, v[pos], v, pos_ids=pos, neg_ids=everything)[0]
    >>> bool(np.isclose(loss, full_softmax_loss(u, v, pos)[0]))
    True
    """
    logits = sampled_logits(user_emb, pos_emb, neg_emb, log_q_pos, log_q_neg)
    hits = None
    if remove_accidental_hits and pos_ids is not None and neg_ids is not None:
        rows, cols = _hit_pairs(pos_ids, neg_ids)
        hits = (rows, cols + 1)
    scale = _row_scale(len(logits), sample_weight)
    row_loss, c = _softmax_factors(logits, np.zeros(len(logits), dtype=np.intp), scale,
                                   "auto", hits)
    # G = diag(c) E - diag(scale) [1 0 ... 0]: the positive's column and the negatives'
    dtype = logits.dtype
    g_pos = (c * logits[:, 0] - scale).astype(dtype)[:, None]
    c = c.astype(dtype)[:, None]
    exp_neg = logits[:, 1:]
    d_user = exp_neg @ neg_emb
    d_user *= c
    d_user += g_pos * pos_emb
    return float(row_loss.sum()), d_user, g_pos * user_emb, exp_neg.T @ (c * user_emb)


def in_batch_logits(user_emb, item_emb, log_q=None, item_ids=None,
                    remove_accidental_hits=True):
    r"""Corrected in-batch logits, shape (B, B), the positives on the diagonal.

    .. math::

        o_{bc} = u_b \cdot v_{i_c} - \log Q(i_c)

    Every row's candidates are the batch's positives; :math:`Q(j)` is the probability of
    item :math:`j` being in a batch (any constant factor cancels). With ``item_ids`` and
    ``remove_accidental_hits``, an off-diagonal candidate with the row's own item id (the
    same item twice in one batch) is set to ``MIN_LOGIT``; diagonal entries never are.

    Parameters
    ----------
    user_emb, item_emb : ndarray, shape (B, d)
    log_q : ndarray, shape (B,), optional
        :math:`\log Q(i_c)` of each candidate column; omitted means no correction.
    item_ids : ndarray of int, shape (B,), optional
    remove_accidental_hits : bool

    Examples
    --------
    >>> u = np.eye(2); v = np.array([[1.0, 0.0], [1.0, 0.0]])
    >>> (in_batch_logits(u, v, item_ids=np.array([4, 4])) == MIN_LOGIT).tolist()
    [[False, True], [True, False]]
    """
    if log_q is None:
        logits = user_emb @ item_emb.T
    else:  # the correction rides along in the product, as one more column
        logits = np.matmul(*_with_log_q(user_emb, item_emb, log_q))
    if remove_accidental_hits and item_ids is not None:
        logits[_hit_pairs(item_ids, item_ids, skip_diagonal=True)] = MIN_LOGIT
    return logits


def in_batch_softmax_loss(user_emb, item_emb, log_q=None, item_ids=None,
                          remove_accidental_hits=True, sample_weight=None):
    r"""In-batch softmax (two-tower "batch softmax") with the logQ correction.

    .. math::

        \ell = \frac{1}{B} \sum_b \Big( \log \sum_{c=1}^{B} e^{o_{bc}} - o_{bb} \Big),
        \qquad o = \text{in\_batch\_logits}(\dots)

    Cost O(B^2 d). Parameters as for :func:`in_batch_logits`; ``sample_weight`` (B,)
    weights the rows' terms.

    Returns
    -------
    loss : float
    d_user_emb, d_item_emb : ndarray, shape (B, d)

    Examples
    --------
    >>> q = np.array([[1.0, 2, 3], [2, 3, 4]]); c = np.array([[1.0, 1, 1], [1, 1, 0]])
    >>> round(in_batch_softmax_loss(q, c)[0] * 2, 7)  # TFRS's fixture, a sum over 2 rows
    4.0667373
    """
    logits = in_batch_logits(user_emb, item_emb, log_q)
    hits = None
    if remove_accidental_hits and item_ids is not None:
        hits = _hit_pairs(item_ids, item_ids, skip_diagonal=True)
    batch = len(logits)
    scale = _row_scale(batch, sample_weight)
    row_loss, c = _softmax_factors(logits, np.arange(batch), scale, "auto", hits)
    # G = diag(c) E - diag(scale): the positives are the diagonal
    dtype = logits.dtype
    scale_col = scale.astype(dtype)[:, None]
    c = c.astype(dtype)[:, None]
    d_user = logits @ item_emb
    d_user *= c
    d_user -= scale_col * item_emb
    d_item = logits.T @ (c * user_emb)
    d_item -= scale_col * user_emb
    return float(row_loss.sum()), d_user, d_item


def _log_sigmoid(x):
    with np.errstate(under="ignore"):
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _sigmoid(x):
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def bce_negative_sampling_loss(user_emb, pos_emb, neg_emb, pos_ids=None, neg_ids=None,
                               remove_accidental_hits=True, sample_weight=None,
                               negative_weight=1.0):
    r"""Binary cross-entropy with K shared sampled negatives (word2vec's NEG).

    .. math::

        \ell = \frac{1}{B} \sum_b w_b \Big( -\log \sigma(u_b \cdot v_{i_b})
        - \lambda \sum_{k=1}^{K} m_{bk} \log \sigma(-u_b \cdot v_{n_k}) \Big)

    with :math:`m_{bk} = 0` for an accidental hit (``neg_ids[k] == pos_ids[b]``, when both
    are given and ``remove_accidental_hits``) and 1 otherwise, :math:`w_b` the
    ``sample_weight`` of row :math:`b` (1 by default) and :math:`\lambda` the
    ``negative_weight`` (word2vec's 1; :math:`1/K`, the negatives' mean, balances them
    against the positive and trains much faster with hundreds of negatives). Any
    :math:`\lambda` keeps the optimum's ranking: :math:`\sigma(s_{uj}) = p / (p + \lambda
    q)` for positive and negative rates :math:`p, q` of the pair, increasing in :math:`p`. Stable for any score
    (:math:`\log\sigma` via ``log1p``). No logQ correction: each term is a separate binary
    decision, not a softmax over the candidates.

    Returns
    -------
    loss : float
    d_user_emb, d_pos_emb : ndarray, shape (B, d)
    d_neg_emb : ndarray, shape (K, d)

    Examples
    --------
    >>> u = np.array([[1000.0]]); pos = np.array([[1.0]]); neg = np.array([[-1.0], [1.0]])
    >>> loss = bce_negative_sampling_loss(u, pos, neg)[0]
    >>> float(loss)
    1000.0
    """
    s_pos = np.einsum("bd,bd->b", user_emb, pos_emb)
    s_neg = user_emb @ neg_emb.T
    scale = _row_scale(len(s_pos), sample_weight)
    # -log sigma(-x) = max(x, 0) + log1p(e) and sigma(x) = (x >= 0 ? 1 : e) / (1 + e) with
    # e = exp(-|x|): one exp for the loss and the gradient, never an overflow.
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(s_neg))
        e_pos = np.exp(-np.abs(s_pos))
    softplus = np.log1p(e)
    softplus += np.maximum(s_neg, 0)
    g_neg = np.where(s_neg >= 0, 1, e).astype(s_neg.dtype, copy=False)
    e += 1
    g_neg /= e
    if remove_accidental_hits and pos_ids is not None and neg_ids is not None:
        hits = _hit_pairs(pos_ids, neg_ids)
        softplus[hits] = 0
        g_neg[hits] = 0
    pos_terms = np.log1p(e_pos) + np.maximum(-s_pos, 0)  # -log sigma(s_pos)
    loss = float(((pos_terms + negative_weight * softplus.sum(axis=1, dtype=np.float64))
                  * scale).sum())
    sigma_pos = np.where(s_pos >= 0, 1, e_pos) / (1 + e_pos)
    g_pos = ((sigma_pos - 1) * scale)[:, None].astype(s_neg.dtype)
    g_neg *= (negative_weight * scale[:, None]).astype(s_neg.dtype)
    return loss, g_pos * pos_emb + g_neg @ neg_emb, g_pos * user_emb, g_neg.T @ user_emb
