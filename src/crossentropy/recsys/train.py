"""Training the embedding model with minibatch Adam, and full-ranking evaluation.

One epoch visits every training watch once in a seeded random order, in minibatches of
``batch_size`` (user, item) pairs. The loss decides the candidates of each row:

``"softmax"``   every item (dense item gradient, O(B N d) per step);
``"sampled"``   the positive and ``num_negatives`` items drawn per batch from ``sampler``;
``"in-batch"``  the positives of the batch (logQ from the training item frequencies);
``"bce"``       binary cross-entropy on the positive and ``num_negatives`` sampled items.

Sampled, in-batch and BCE steps touch only the rows in the batch (row-wise Adam), so their
cost is O(B (K + B) d), independent of the catalogue size.
"""

import contextlib
import dataclasses
import time

import numpy as np

from . import losses
from .metrics import metrics_from_ranks
from .model import Adam, EmbeddingModel, sum_rows
from .samplers import PopularitySampler, UniformSampler

__all__ = ["TrainConfig", "LOSSES", "train", "evaluate", "exclusion_mask", "blas_threads"]

LOSSES = ("softmax", "sampled", "in-batch", "bce")


@dataclasses.dataclass
class TrainConfig:
    """Hyper-parameters of :func:`train`.

    These are generic defaults; the command line's per-loss values, chosen on MovieLens
    latest-small, are :data:`.cli.TUNED` (:func:`.cli.default_config` builds them).

    ``logq`` is the coefficient of the correction: 1 subtracts log Q (the pinned convention,
    :mod:`.losses`), 0 switches it off, -1 is the flipped sign of TFRS issue #219. It
    applies to ``"sampled"`` and ``"in-batch"``. ``sampler`` is ``"uniform"`` or
    ``"popularity"`` (counts ** ``alpha``) for ``"sampled"`` and ``"bce"``.
    ``weight_decay`` (decoupled, AdamW) applies to the embeddings and, with ``decay_bias``,
    to the item bias too (by default the bias is free to learn log-popularity).
    ``negative_weight`` weighs each sampled negative of ``"bce"`` (``None``: 1 /
    ``num_negatives``, the negatives' mean; see :func:`.losses.bce_negative_sampling_loss`).
    ``threads`` limits NumPy's BLAS while training (:func:`blas_threads`; 0 leaves it be).
    """

    loss: str = "softmax"
    num_negatives: int = 256
    sampler: str = "uniform"
    alpha: float = 1.0
    logq: float = 1.0
    dim: int = 64
    num_epochs: int = 20
    batch_size: int = 1024
    lr: float = 0.005
    weight_decay: float = 1.0
    init_scale: float = 0.1
    item_bias: bool = True
    decay_bias: bool = False
    remove_accidental_hits: bool = True
    negative_weight: float | None = None
    threads: int = 0
    seed: int = 0

    def __post_init__(self):
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.sampler not in ("uniform", "popularity"):
            raise ValueError(f"sampler must be 'uniform' or 'popularity', got {self.sampler!r}")
        for name in ("num_negatives", "dim", "num_epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.threads < 0:
            raise ValueError(f"threads must be 0 (leave BLAS alone) or more, got {self.threads}")


def blas_threads(count):
    """Context limiting NumPy's BLAS to ``count`` threads (0: unchanged).

    Uses ``threadpoolctl`` when it is installed and does nothing otherwise. The products of
    a training step are small (B x d times d x N), and on a machine whose cores are busy
    with other work one BLAS thread is often faster than several that wait for each other.
    The previous limits are restored when the ``with`` block ends.

    Examples
    --------
    >>> with blas_threads(1):
    ...     product = np.ones((2, 3)) @ np.ones((3, 2))
    >>> product.tolist()
    [[3.0, 3.0], [3.0, 3.0]]
    >>> import contextlib
    >>> isinstance(blas_threads(0), contextlib.nullcontext)
    True
    """
    if not count:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=count, user_api="blas")


def _progress(total, enabled, description):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional: train silently without it
        return None
    return tqdm(total=total, desc=description, unit="batch", leave=False)


def train(split, config=None, progress=True, eval_every=0, **overrides):
    r"""Train an :class:`~.model.EmbeddingModel` on ``split``'s training watches.

    Parameters
    ----------
    split : protocol.Split
    config : TrainConfig, optional
        Hyper-parameters; keyword ``overrides`` replace single fields
        (``train(split, loss="sampled", num_epochs=3)``).
    progress : bool
        Show a tqdm progress bar (on stderr).
    eval_every : int
        Also evaluate on the test watches every ``eval_every`` epochs (0: never).

    Returns
    -------
    model : EmbeddingModel
    history : list of dict
        One entry per epoch: ``epoch``, ``loss`` (mean training loss), ``seconds``, and the
        test metrics when evaluated.

    Notes
    -----
    With scores :math:`s_{uj} = p_u \cdot q_j + b_j` (:class:`~.model.EmbeddingModel`),
    each step takes a minibatch :math:`\mathcal{B}` of training watches :math:`(u, i)` and
    the gradient :math:`g` of its mean loss

    .. math::

        L_{\mathcal{B}}(\theta) = \frac{1}{|\mathcal{B}|} \sum_{(u, i) \in \mathcal{B}}
        \ell_{\mathcal{B}}(u, i), \qquad
        \ell_{\mathcal{B}}(u, i) = \log \sum_{j=1}^{N} e^{s_{uj}} - s_{ui}
        \quad \text{for } \texttt{"softmax"}

    (``"sampled"`` and ``"in-batch"`` replace the :math:`N` items by their candidates,
    ``"bce"`` is the binary cross-entropy of the positive and the sampled negatives; see
    :mod:`.losses`), then makes one :class:`~.model.Adam` step with learning rate
    :math:`\eta` = ``lr`` and decoupled weight decay :math:`\lambda` = ``weight_decay``:

    .. math::

        \theta \leftarrow (1 - \eta \lambda)\, \theta
        - \eta \frac{\hat m}{\sqrt{\hat v} + \epsilon},

    :math:`\hat m, \hat v` the bias-corrected moments of :math:`g`. The objective is thus
    the mean loss over the training watches, regularised by the decay: under plain gradient
    descent the decay would be the gradient of :math:`\tfrac{\lambda}{2} \|\theta\|^2`,
    under Adam's per-coordinate scaling it is not the gradient of any penalty (AdamW). The
    decay applies to the embeddings, and to the item bias only with ``decay_bias``; the
    users' constant column of ones is frozen. Table rows a step does not touch (the users
    outside the batch; for ``"sampled"``, ``"in-batch"`` and ``"bce"`` the items outside
    its candidates) are neither moved nor decayed by it (row-wise Adam). The ``loss`` of an
    epoch is :math:`\frac{1}{n} \sum_{\mathcal{B}} |\mathcal{B}|\, L_{\mathcal{B}}`
    over its :math:`n` watches, each batch at the parameters before its own step.

    Examples
    --------
    >>> from crossentropy.recsys.data import synthetic_watch_log
    >>> from crossentropy.recsys.protocol import prepare
    >>> split = prepare(synthetic_watch_log(num_users=200, num_items=100, seed=0))
    >>> model, history = train(split, loss="in-batch", num_epochs=2, batch_size=256,
    ...                        dim=8, progress=False)
    >>> len(history), history[1]["loss"] < history[0]["loss"]
    (2, True)
    """
    config = dataclasses.replace(config or TrainConfig(), **overrides)
    rng = np.random.default_rng(config.seed)
    model = EmbeddingModel(split.num_users, split.num_items, config.dim, config.item_bias,
                           config.init_scale, seed=config.seed)
    frozen = config.dim if config.item_bias else None
    adam = Adam({"user": model.user_table, "item": model.item_table}, lr=config.lr,
                weight_decay=config.weight_decay, frozen_columns={"user": frozen},
                undecayed_columns={} if config.decay_bias else {"item": frozen})
    counts = split.item_counts
    if config.sampler == "popularity":
        sampler = PopularitySampler(counts, config.alpha)
    else:
        sampler = UniformSampler(split.num_items)
    log_freq = np.log(np.maximum(counts / counts.sum(), 1e-6)).astype(np.float32)
    users_all, items_all = split.train_user_ids, split.train_item_ids
    num_train, batch_size = len(users_all), config.batch_size
    num_batches = -(-num_train // batch_size)
    step = _STEPS[config.loss]
    history = []
    model._workspace = None
    bar = _progress(num_batches * config.num_epochs, progress, f"{config.loss}")
    with blas_threads(config.threads):
        try:
            for epoch in range(1, config.num_epochs + 1):
                start = time.perf_counter()
                order = rng.permutation(num_train)
                total = 0.0
                for b in range(num_batches):
                    rows = order[b * batch_size:(b + 1) * batch_size]
                    adam.next_step()
                    total += step(model, adam, users_all[rows], items_all[rows], config,
                                  sampler, log_freq, rng) * len(rows)
                    if bar is not None:
                        bar.update()
                entry = {"epoch": epoch, "loss": total / num_train,
                         "seconds": time.perf_counter() - start}
                if eval_every and (epoch % eval_every == 0 or epoch == config.num_epochs):
                    entry.update(evaluate(model, split))
                history.append(entry)
                if bar is not None:
                    bar.set_postfix(loss=f"{entry['loss']:.4f}")
        finally:
            model._workspace = None
            if bar is not None:
                bar.close()
    return model, history


def _step_users(adam, user_ids, d_users):
    rows, grads = sum_rows(user_ids, d_users)
    adam.step_rows("user", rows, grads)


def _step_softmax(model, adam, user_ids, item_ids, config, sampler, log_freq, rng):
    users = model.user_table[user_ids]
    if getattr(model, "_workspace", None) is None or len(model._workspace) < len(users):
        model._workspace = np.empty((len(users), model.num_items), model.item_table.dtype)
    loss, d_users, d_items = losses.full_softmax_loss(users, model.item_table, item_ids,
                                                      model._workspace)
    _step_users(adam, user_ids, d_users)
    adam.step_dense("item", d_items)
    return loss


def _step_sampled(model, adam, user_ids, item_ids, config, sampler, log_freq, rng):
    neg_ids = sampler.sample(config.num_negatives, rng)
    users, pos, neg = model.user_table[user_ids], model.item_table[item_ids], \
        model.item_table[neg_ids]
    if config.loss == "bce":
        loss, d_users, d_pos, d_neg = losses.bce_negative_sampling_loss(
            users, pos, neg, item_ids, neg_ids, config.remove_accidental_hits,
            negative_weight=(1.0 / config.num_negatives if config.negative_weight is None
                             else config.negative_weight))
    else:
        log_q_pos = log_q_neg = None
        if config.logq:
            k = config.num_negatives
            log_q_pos = (config.logq * sampler.log_expected_count(item_ids, k)).astype(
                np.float32)
            log_q_neg = (config.logq * sampler.log_expected_count(neg_ids, k)).astype(
                np.float32)
        loss, d_users, d_pos, d_neg = losses.sampled_softmax_loss(
            users, pos, neg, log_q_pos, log_q_neg, item_ids, neg_ids,
            config.remove_accidental_hits)
    _step_users(adam, user_ids, d_users)
    rows, grads = sum_rows(np.concatenate([item_ids, neg_ids]), np.concatenate([d_pos, d_neg]))
    adam.step_rows("item", rows, grads)
    return loss


def _step_in_batch(model, adam, user_ids, item_ids, config, sampler, log_freq, rng):
    users, items = model.user_table[user_ids], model.item_table[item_ids]
    log_q = config.logq * log_freq[item_ids] if config.logq else None
    loss, d_users, d_items = losses.in_batch_softmax_loss(
        users, items, log_q, item_ids, config.remove_accidental_hits)
    _step_users(adam, user_ids, d_users)
    rows, grads = sum_rows(item_ids, d_items)
    adam.step_rows("item", rows, grads)
    return loss


_STEPS = {"softmax": _step_softmax, "sampled": _step_sampled, "in-batch": _step_in_batch,
          "bce": _step_sampled}


def exclusion_mask(split, user_ids):
    r"""Boolean (len(user_ids), num_items): True where the user watched the item in training.

    Parameters
    ----------
    split : protocol.Split
    user_ids : ndarray of int, shape (n,)
        Remapped user ids.

    Returns
    -------
    ndarray of bool, shape (n, split.num_items)

    Notes
    -----
    .. math::

        M_{aj} = \mathbb{1}\big[(u_a, j) \text{ is a training watch}\big]

    for row :math:`a` (user :math:`u_a` = ``user_ids[a]``) and item :math:`j`. The held-out
    watch is not a training watch: its item is marked only if the user also watched it in
    training.

    Examples
    --------
    >>> from crossentropy.recsys.data import Interactions
    >>> from crossentropy.recsys.protocol import prepare
    >>> log = Interactions(np.array([0, 0, 0, 1, 1]), np.array([0, 1, 2, 1, 2]),
    ...                    np.array([0.0, 1.0, 2.0, 0.0, 1.0]))
    >>> split = prepare(log, min_count=1)  # held out: item 2 for both users
    >>> exclusion_mask(split, np.array([1, 0])).astype(int).tolist()
    [[0, 1, 0], [1, 1, 0]]
    """
    indptr, indices = split.train_csr()
    starts, stops = indptr[user_ids], indptr[np.asarray(user_ids) + 1]
    lengths = stops - starts
    rows = np.repeat(np.arange(len(user_ids)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    mask = np.zeros((len(user_ids), split.num_items), dtype=bool)
    mask[rows, indices[np.repeat(starts, lengths) + offsets]] = True
    return mask


def evaluate(model, split, ks=(10, 20), chunk_size=1024):
    r"""Recall@K and NDCG@K of ``model`` on ``split``'s held-out watches, all items ranked.

    Parameters
    ----------
    model : object with ``scores(user_ids) -> ndarray (len(user_ids), num_items)``
        An :class:`~.model.EmbeddingModel` or a baseline from :mod:`.baselines`.
    split : protocol.Split
    ks : tuple of int
    chunk_size : int
        Users scored at a time (memory: chunk_size x num_items scores).

    Returns
    -------
    dict
        ``{"recall@10": ..., "ndcg@10": ..., ...}``, means over all users; the user's
        training items are never candidates (:func:`.metrics.heldout_ranks`).

    Notes
    -----
    With :math:`i_u` = ``split.test_item_ids[u]``, the scores :math:`s_{uj}` of the model and
    :math:`M` = :func:`exclusion_mask`, the 0-based rank of the held-out item is

    .. math::

        r_u = \#\{ j : M_{uj} = 0,\;
              s_{uj} > s_{ui_u} \text{ or } (s_{uj} = s_{ui_u} \text{ and } j < i_u) \}

    (ties to the lower item index), and over the :math:`U` users

    .. math::

        \mathrm{recall@}K = \frac{1}{U} \sum_u \mathbb{1}[r_u < K], \qquad
        \mathrm{NDCG@}K = \frac{1}{U} \sum_u \frac{\mathbb{1}[r_u < K]}{\log_2(r_u + 2)}.

    Examples
    --------
    >>> from crossentropy.recsys.baselines import Popularity
    >>> from crossentropy.recsys.data import synthetic_watch_log
    >>> from crossentropy.recsys.protocol import prepare
    >>> split = prepare(synthetic_watch_log(num_users=50, num_items=40, seed=0))
    >>> class Oracle:  # scores each user's held-out item 1, every other item 0
    ...     def scores(self, user_ids):
    ...         return np.eye(split.num_items)[split.test_item_ids[user_ids]]
    >>> evaluate(Oracle(), split, ks=(1,))
    {'recall@1': 1.0, 'ndcg@1': 1.0}
    >>> result = evaluate(Popularity(split), split, ks=(5, 20))
    >>> list(result), result["recall@5"] <= result["recall@20"]
    (['recall@5', 'ndcg@5', 'recall@20', 'ndcg@20'], True)
    """
    ranks = np.empty(split.num_users, dtype=np.int64)
    for start in range(0, split.num_users, chunk_size):
        users = np.arange(start, min(start + chunk_size, split.num_users))
        scores = np.asarray(model.scores(users))
        targets = split.test_item_ids[users]
        target_scores = scores[np.arange(len(users)), targets][:, None]
        ahead = (scores > target_scores) | ((scores == target_scores)
                                            & (np.arange(split.num_items) < targets[:, None]))
        ahead &= ~exclusion_mask(split, users)
        ranks[users] = ahead.sum(axis=1)
    result = {}
    for k in ks:
        recall, ndcg = metrics_from_ranks(ranks, k)
        result[f"recall@{k}"] = float(recall.mean())
        result[f"ndcg@{k}"] = float(ndcg.mean())
    return result
