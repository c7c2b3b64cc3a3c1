r"""A dot-product (matrix-factorisation / linear two-tower) model and a row-wise Adam.

The score of user :math:`u` for item :math:`j` is :math:`s_{uj} = p_u \cdot q_j + b_j`
with an optional item bias :math:`b_j` (which can learn log popularity). The bias is
stored as one more column of the item table, against a constant 1 in the user table, so a
score is a single dot product of table rows and the losses in :mod:`.losses` see plain
embeddings.
"""

import numpy as np

__all__ = ["EmbeddingModel", "Adam", "sum_rows"]


class EmbeddingModel:
    """User and item embeddings scored by dot product.

    Parameters
    ----------
    num_users, num_items, dim : int
    item_bias : bool
        Add a learned bias per item.
    init_scale : float
        Embeddings start as N(0, init_scale^2); biases at 0.
    seed : int
    dtype : float dtype (float32 by default)

    Attributes
    ----------
    user_table : ndarray, shape (num_users, dim + item_bias)
        User embeddings, then a constant column of ones if ``item_bias``.
    item_table : ndarray, shape (num_items, dim + item_bias)
        Item embeddings, then the bias.

    Examples
    --------
    >>> model = EmbeddingModel(num_users=3, num_items=5, dim=4, seed=0)
    >>> model.user_table.shape, model.scores(np.array([0, 2])).shape
    ((3, 5), (2, 5))
    >>> bool(np.allclose(model.scores()[1], model.user_emb[1] @ model.item_emb.T))
    True
    """

    def __init__(self, num_users, num_items, dim=64, item_bias=True, init_scale=0.1, seed=0,
                 dtype=np.float32):
        rng = np.random.default_rng(seed)
        self.dim, self.item_bias_enabled = int(dim), bool(item_bias)
        width = self.dim + self.item_bias_enabled
        self.user_table = np.zeros((num_users, width), dtype=dtype)
        self.item_table = np.zeros((num_items, width), dtype=dtype)
        self.user_table[:, :dim] = rng.normal(0.0, init_scale, (num_users, dim))
        self.item_table[:, :dim] = rng.normal(0.0, init_scale, (num_items, dim))
        if self.item_bias_enabled:
            self.user_table[:, dim] = 1.0

    @property
    def num_users(self):
        return self.user_table.shape[0]

    @property
    def num_items(self):
        return self.item_table.shape[0]

    @property
    def user_emb(self):
        """User embeddings, shape (num_users, dim) (a view)."""
        return self.user_table[:, :self.dim]

    @property
    def item_emb(self):
        """Item embeddings, shape (num_items, dim) (a view)."""
        return self.item_table[:, :self.dim]

    @property
    def item_bias(self):
        """Item biases, shape (num_items,); zeros when the model has none."""
        if self.item_bias_enabled:
            return self.item_table[:, self.dim]
        return np.zeros(self.num_items, dtype=self.item_table.dtype)

    def scores(self, user_ids=None):
        """Scores of all items for ``user_ids`` (default: every user), (len(user_ids), N)."""
        users = self.user_table if user_ids is None else self.user_table[user_ids]
        return users @ self.item_table.T


def sum_rows(ids, rows):
    r"""Sum the rows of ``rows`` that share an id: a sort-based, fast ``np.add.at``.

    Parameters
    ----------
    ids : ndarray of int, shape (n,)
    rows : ndarray, shape (n, d)

    Returns
    -------
    unique_ids : ndarray, shape (m,), sorted
    sums : ndarray, shape (m, d)

    Notes
    -----
    For each distinct id :math:`a` among the ``ids`` :math:`i_1, \dots, i_n`,

    .. math::

        S_a = \sum_{r \,:\, i_r = a} x_r,

    with :math:`x_r` row :math:`r` of ``rows``. A stable sort groups equal ids and
    ``np.add.reduceat`` sums each group. The trainer uses it to merge the gradients of a
    table row that occurs several times in a batch before a row-wise Adam step.

    Examples
    --------
    >>> ids, sums = sum_rows(np.array([3, 1, 3]), np.array([[1.0], [2.0], [4.0]]))
    >>> ids.tolist(), sums.tolist()
    ([1, 3], [[2.0], [5.0]])
    """
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_ids[1:] != sorted_ids[:-1]]))
    return sorted_ids[starts], np.add.reduceat(rows[order], starts, axis=0)


class Adam:
    r"""Adam with decoupled weight decay (AdamW), stepping whole tables or some of their rows.

    For a parameter :math:`\theta` with gradient :math:`g` at step :math:`t`:

    .. math::

        m &\leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2 \\
        \theta &\leftarrow (1 - \eta \lambda)\, \theta - \eta
        \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t} \frac{m}{\sqrt{v} + \hat\epsilon},
        \qquad \hat\epsilon = \epsilon \sqrt{1 - \beta_2^t}

    (the bias-corrected form of ``torch.optim.AdamW``). The decay is decoupled from the
    gradient, so its strength does not depend on how the loss is scaled (mean over a batch
    of 1024 or sum). A row-wise step updates only the rows that got a gradient ("lazy"
    Adam): the moments and the decay of the other rows wait, and :math:`t` is the global
    step, so a step over all rows is exactly the dense one. ``frozen_columns`` are never
    changed (the model's constant column of ones); ``undecayed_columns`` get their gradient
    steps but no weight decay (the item bias: as for biases in general, shrinking it
    towards 0 only fights the log-popularity it has to learn).

    Examples
    --------
    >>> table = np.zeros((3, 2)); adam = Adam({"w": table}, lr=0.1)
    >>> adam.next_step(); adam.step_rows("w", np.array([1]), np.array([[1.0, -1.0]]))
    >>> table.round(6).tolist()
    [[0.0, 0.0], [-0.1, 0.1], [0.0, 0.0]]
    """

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 frozen_columns=None, undecayed_columns=None):
        self.params = params
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.weight_decay = weight_decay
        self.frozen = frozen_columns or {}
        self.undecayed = undecayed_columns or {}
        self.m = {name: np.zeros_like(p) for name, p in params.items()}
        self.v = {name: np.zeros_like(p) for name, p in params.items()}
        self.t = 0

    def next_step(self):
        """Advance the global step counter (once per minibatch)."""
        self.t += 1
        self._scale = self.lr * np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
        self._eps = self.eps * np.sqrt(1 - self.beta2 ** self.t)

    def _update(self, theta, m, v, grad, frozen, undecayed=None):
        """Update m and v in place; return the new theta's change, in grad's memory."""
        dtype = theta.dtype
        m *= dtype.type(self.beta1)
        m += dtype.type(1 - self.beta1) * grad
        np.square(grad, out=grad)
        v *= dtype.type(self.beta2)
        v += dtype.type(1 - self.beta2) * grad
        np.sqrt(v, out=grad)
        grad += dtype.type(self._eps)
        np.divide(m, grad, out=grad)
        grad *= dtype.type(self._scale)
        if self.weight_decay:
            decay = dtype.type(self.lr * self.weight_decay) * theta
            if undecayed is not None:
                decay[:, undecayed] = 0
            grad += decay
        if frozen is not None:
            grad[:, frozen] = 0
        return grad

    def step_dense(self, name, grad):
        """Update the whole table ``name``; ``grad`` (same shape) is overwritten."""
        theta = self.params[name]
        theta -= self._update(theta, self.m[name], self.v[name], grad, self.frozen.get(name),
                              self.undecayed.get(name))

    def step_rows(self, name, rows, grad):
        """Update rows ``rows`` (unique ids) of ``name`` with ``grad`` of shape (len(rows), d)."""
        theta_all = self.params[name]
        theta, m, v = theta_all[rows], self.m[name][rows], self.v[name][rows]
        delta = self._update(theta, m, v, np.array(grad, dtype=theta.dtype),
                             self.frozen.get(name), self.undecayed.get(name))
        self.m[name][rows] = m
        self.v[name][rows] = v
        theta_all[rows] = theta - delta
