"""Typical wrong answers of a07_gradient_checking (format: see a01_entropy.py)."""

_FD = '''
def softmax_cross_entropy_numerical_grad(logits, targets, h=None):
    z = @@COPY@@
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(float)
    t = np.asarray(targets)
    rows = np.arange(z.shape[0])
    @@STEP@@

    def loss(v):
        @@LOSS@@

    grad = np.empty_like(z)
    for index in np.ndindex(z.shape):
        original = z[index]
        @@DIFF@@
    return grad
'''
_GOOD_FD = {
    "@@COPY@@": "np.array(logits, copy=True)",
    "@@STEP@@": "if h is None:\n        h = np.finfo(z.dtype).eps ** (1 / 3)",
    "@@LOSS@@": "m = np.max(v, axis=-1, keepdims=True)\n"
                "        lse = m[:, 0] + np.log(np.sum(np.exp(v - m), axis=-1))\n"
                "        return np.mean(lse - v[rows, t])",
    "@@DIFF@@": "z[index] = original + h\n"
                "        plus = loss(z)\n"
                "        z[index] = original - h\n"
                "        minus = loss(z)\n"
                "        z[index] = original\n"
                "        grad[index] = (plus - minus) / (2 * h)",
}


def _fd(**changes):
    source = _FD
    for key, value in {**_GOOD_FD, **changes}.items():
        source = source.replace(key, value)
    return source


_SPARSE = '''
def grad_check_sparse(W, X, y, analytic, num_checks=10, h=1e-6, seed=0):
    W = np.array(W, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    analytic = np.asarray(analytic, dtype=float)
    rows = np.arange(X.shape[0])

    def loss(weights):
        z = X @ weights
        m = np.max(z, axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.sum(np.exp(z - m), axis=1))
        return np.mean(lse - z[rows, y])

    @@RNG@@
    indices = np.stack([@@DRAW_I@@, @@DRAW_J@@], axis=1)
    errors = np.empty(num_checks)
    for k, (i, j) in enumerate(indices):
        original = W[i, j]
        @@DIFF@@
        a = analytic[i, j]
        errors[k] = @@ERROR@@
    return indices, errors
'''
_GOOD_SPARSE = {
    "@@RNG@@": "rng = np.random.default_rng(seed)",
    "@@DRAW_I@@": "rng.integers(0, W.shape[0], size=num_checks)",
    "@@DRAW_J@@": "rng.integers(0, W.shape[1], size=num_checks)",
    "@@DIFF@@": "W[i, j] = original + h\n"
                "        plus = loss(W)\n"
                "        W[i, j] = original - h\n"
                "        minus = loss(W)\n"
                "        W[i, j] = original\n"
                "        numerical = (plus - minus) / (2 * h)",
    "@@ERROR@@": "abs(a - numerical) / max(abs(a), abs(numerical), 1e-12)",
}


def _sparse(**changes):
    source = _SPARSE
    for key, value in {**_GOOD_SPARSE, **changes}.items():
        source = source.replace(key, value)
    return source


_VJP = '''
def softmax_vjp(logits, cotangent):
    z = np.asarray(logits, dtype=float)
    v = np.asarray(cotangent, dtype=float)
    @@CHECK@@
    e = np.exp(@@SHIFT@@)
    p = e / np.sum(e, axis=-1, keepdims=True)
    return @@RESULT@@
'''
_GOOD_VJP = {
    "@@CHECK@@": "if v.shape != z.shape:\n        raise ValueError('shapes differ')",
    "@@SHIFT@@": "z - np.max(z, axis=-1, keepdims=True)",
    "@@RESULT@@": "p * (v - np.sum(v * p, axis=-1, keepdims=True))",
}


def _vjp(**changes):
    source = _VJP
    for key, value in {**_GOOD_VJP, **changes}.items():
        source = source.replace(key, value)
    return source


FD = "test_softmax_cross_entropy_numerical_grad"
SPARSE = "test_grad_check_sparse"
VJP = "test_softmax_vjp"
FIRST = "test_find_first_nonfinite"

WRONG = [
    dict(function="softmax_cross_entropy_numerical_grad", mistake="forward differences",
         fails={FD, f"{FD}-step", f"{FD}-dtype"}, message="forward differences",
         source=_fd(**{"@@DIFF@@": "z[index] = original + h\n"
                                   "        plus = loss(z)\n"
                                   "        z[index] = original\n"
                                   "        grad[index] = (plus - loss(z)) / h"})),
    dict(function="softmax_cross_entropy_numerical_grad", mistake="logit left at z - h",
         fails={FD, f"{FD}-step", f"{FD}-dtype"}, message="restore it",
         source=_fd(**{"@@DIFF@@": "z[index] += h\n"
                                   "        plus = loss(z)\n"
                                   "        z[index] -= 2 * h\n"
                                   "        grad[index] = (plus - loss(z)) / (2 * h)"})),
    dict(function="softmax_cross_entropy_numerical_grad", mistake="h = 1e-6 always",
         fails={f"{FD}-step", f"{FD}-dtype"}, message="use the h argument",
         source=_fd(**{"@@STEP@@": "h = 1e-6"})),
    dict(function="softmax_cross_entropy_numerical_grad", mistake="default step 1e-6 in float32",
         fails={f"{FD}-dtype"}, message="eps^(1/3) of float32",
         source=_fd(**{"@@STEP@@": "if h is None:\n        h = 1e-6"})),
    dict(function="softmax_cross_entropy_numerical_grad", mistake="upcasts float32 to float64",
         fails={f"{FD}-dtype"}, message="keep the dtype",
         source=_fd(**{"@@COPY@@": "np.array(logits, dtype=float)"})),
    dict(function="softmax_cross_entropy_numerical_grad", mistake="summed loss, not the mean",
         fails={FD, f"{FD}-step", f"{FD}-dtype", f"{FD}-stability"},
         message="N times too large",
         source=_fd(**{"@@LOSS@@": "m = np.max(v, axis=-1, keepdims=True)\n"
                                   "        lse = m[:, 0] + np.log(np.sum(np.exp(v - m), "
                                   "axis=-1))\n"
                                   "        return np.sum(lse - v[rows, t])"})),
    dict(function="softmax_cross_entropy_numerical_grad", mistake="log of the softmax",
         fails={f"{FD}-stability"}, message="overflowed for logits of 1000",
         source=_fd(**{"@@LOSS@@": "e = np.exp(v - np.max(v, axis=-1, keepdims=True))\n"
                                   "        p = e / e.sum(axis=-1, keepdims=True)\n"
                                   "        return -np.mean(np.log(p[rows, t]))"})),
    dict(function="grad_check_sparse", mistake="absolute error", fails={SPARSE, f"{SPARSE}-step"},
         message="absolute errors",
         source=_sparse(**{"@@ERROR@@": "abs(a - numerical)"})),
    dict(function="grad_check_sparse", mistake="CS231n's |a| + |n| denominator",
         fails={SPARSE, f"{SPARSE}-step"}, message="|a| + |n|",
         source=_sparse(**{"@@ERROR@@": "abs(a - numerical) / max(abs(a) + abs(numerical), "
                                        "1e-12)"})),
    dict(function="grad_check_sparse", mistake="forward differences",
         fails={f"{SPARSE}-step"}, message="forward differences",
         source=_sparse(**{"@@DIFF@@": "W[i, j] = original + h\n"
                                       "        plus = loss(W)\n"
                                       "        W[i, j] = original\n"
                                       "        numerical = (plus - loss(W)) / h"})),
    dict(function="grad_check_sparse", mistake="W left perturbed",
         fails={f"{SPARSE}-step"}, message="relative errors",
         source=_sparse(**{"@@DIFF@@": "W[i, j] += h\n"
                                       "        plus = loss(W)\n"
                                       "        W[i, j] -= 2 * h\n"
                                       "        numerical = (plus - loss(W)) / (2 * h)"})),
    dict(function="grad_check_sparse", mistake="unseeded global RNG",
         fails={f"{SPARSE}-indices"}, message="same seed",
         source=_sparse(**{"@@RNG@@": "pass",
                           "@@DRAW_I@@": "np.random.randint(0, W.shape[0], size=num_checks)",
                           "@@DRAW_J@@": "np.random.randint(0, W.shape[1], size=num_checks)"})),
    dict(function="grad_check_sparse", mistake="seed ignored", fails={f"{SPARSE}-indices"},
         message="the seed was ignored",
         source=_sparse(**{"@@RNG@@": "rng = np.random.default_rng(0)"})),
    dict(function="softmax_vjp", mistake="missing - <v, p>",
         fails={VJP, f"{VJP}-batch", f"{VJP}-stability"}, message="term is missing",
         source=_vjp(**{"@@RESULT@@": "p * v"})),
    dict(function="softmax_vjp", mistake="<v, p> as sum(v)",
         fails={VJP, f"{VJP}-batch", f"{VJP}-stability"}, message="not sum(v)",
         source=_vjp(**{"@@RESULT@@": "p * (v - np.sum(v, axis=-1, keepdims=True))"})),
    dict(function="softmax_vjp", mistake="flipped sign",
         fails={VJP, f"{VJP}-batch", f"{VJP}-stability"}, message="sign is flipped",
         source=_vjp(**{"@@RESULT@@": "p * (np.sum(v * p, axis=-1, keepdims=True) - v)"})),
    dict(function="softmax_vjp", mistake="<v, p> over the whole batch",
         fails={f"{VJP}-batch", f"{VJP}-stability"}, message="whole batch",
         source=_vjp(**{"@@RESULT@@": "p * (v - np.sum(v * p))"})),
    dict(function="softmax_vjp", mistake="unshifted softmax", fails={f"{VJP}-stability"},
         message="subtract the row maximum", source=_vjp(**{"@@SHIFT@@": "z"})),
    dict(function="softmax_vjp", mistake="no shape check", fails={f"{VJP}-shapes"},
         message="expected ValueError", source=_vjp(**{"@@CHECK@@": "pass"})),
    dict(function="find_first_nonfinite", mistake="np.isnan misses infinities",
         fails={f"{FIRST}-infinite"}, message="np.isnan misses infinities",
         source='''
def find_first_nonfinite(values):
    values = np.asarray(values)
    bad = np.flatnonzero(np.isnan(values))
    if bad.size == 0:
        return None
    return tuple(int(i) for i in np.unravel_index(bad[0], values.shape))
'''),
    dict(function="find_first_nonfinite", mistake="returns the last one",
         fails={FIRST, f"{FIRST}-infinite", f"{FIRST}-shapes"}, message="the last non-finite",
         source='''
def find_first_nonfinite(values):
    values = np.asarray(values)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size == 0:
        return None
    return tuple(int(i) for i in np.unravel_index(bad[-1], values.shape))
'''),
    dict(function="find_first_nonfinite", mistake="argmax of an all-False mask",
         fails={f"{FIRST}-none"}, message="np.argmax of an all-False mask",
         source='''
def find_first_nonfinite(values):
    values = np.asarray(values)
    i = np.argmax(~np.isfinite(values))
    return tuple(int(j) for j in np.unravel_index(i, values.shape))
'''),
    dict(function="find_first_nonfinite", mistake="flat index", fails={f"{FIRST}-shapes"},
         message="flat index",
         source='''
def find_first_nonfinite(values):
    values = np.asarray(values)
    bad = np.flatnonzero(~np.isfinite(values))
    return (int(bad[0]),) if bad.size else None
'''),
    dict(function="find_first_nonfinite", mistake="np.where(isnan)[0][0]",
         fails={f"{FIRST}-infinite", f"{FIRST}-none"}, message="np.isnan misses infinities",
         source='''
def find_first_nonfinite(values):
    values = np.asarray(values)
    return tuple(int(i[0]) for i in np.where(np.isnan(values)))
'''),
]
