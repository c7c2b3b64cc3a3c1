"""Typical wrong answers of a06_softmax_cross_entropy (format: see a01_entropy.py)."""

_SCE = '''
def softmax_cross_entropy(logits, targets, weight=None, ignore_index=-100, reduction="mean",
                          label_smoothing=0.0):
    z = np.asarray(logits, dtype=float)
    t = np.asarray(targets)
    num_classes = z.shape[-1]
    eps = label_smoothing
    @@LOGP@@
    w = np.ones(num_classes) if weight is None else np.asarray(weight, dtype=float)
    if np.issubdtype(t.dtype, np.integer):
        counted = t != ignore_index
        safe_t = np.where(counted, t, 0)
        nll = -np.take_along_axis(log_p, safe_t[..., None], axis=-1)[..., 0]
        w_y = np.where(counted, w[safe_t], 0.0)
        losses = (1 - eps) * np.where(w_y > 0, w_y * nll, 0.0)
        if eps > 0:
            smooth = -np.sum(w * log_p, axis=-1)
            @@SMOOTH@@
        denominator = @@DENOMINATOR@@
    else:
        coefficient = ((1 - eps) * t + eps / num_classes) * w
        terms = @@TERMS@@
        losses = -np.sum(terms, axis=-1)
        denominator = losses.size
    if reduction == "none":
        return losses
    if reduction == "sum":
        return np.sum(losses)
    return np.sum(losses) / denominator if denominator else np.nan
'''
_GOOD = {
    "@@LOGP@@": "shifted = z - np.max(z, axis=-1, keepdims=True)\n"
                "    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))",
    "@@SMOOTH@@": "losses = losses + np.where(counted, eps / num_classes * smooth, 0.0)",
    "@@DENOMINATOR@@": "np.sum(w_y)",
    "@@TERMS@@": "np.where(coefficient != 0, coefficient * log_p, 0.0)",
}


def _sce(**changes):
    source = _SCE
    for key, value in {**_GOOD, **changes}.items():
        source = source.replace(key, value)
    return source


_GRAD = '''
def softmax_cross_entropy_grad(logits, targets, weight=None, ignore_index=-100,
                               reduction="mean", label_smoothing=0.0):
    z = np.asarray(logits, dtype=float)
    t = np.asarray(targets)
    num_classes = z.shape[-1]
    eps = label_smoothing
    e = np.exp(@@SHIFT@@)
    p = e / np.sum(e, axis=-1, keepdims=True)
    w = np.ones(num_classes) if weight is None else np.asarray(weight, dtype=float)
    if np.issubdtype(t.dtype, np.integer):
        counted = t != ignore_index
        safe_t = np.where(counted, t, 0)
        one_hot = np.zeros_like(p)
        np.put_along_axis(one_hot, safe_t[..., None], 1.0, axis=-1)
        w_y = np.where(counted, w[safe_t], 0.0)
        grad = (1 - eps) * w_y[..., None] * (@@RESIDUAL@@)
        grad = grad + (eps / num_classes) * counted[..., None] * (w.sum() * p - w)
        denominator = @@DENOMINATOR@@
    else:
        v = ((1 - eps) * t + eps / num_classes) * w
        grad = p * np.sum(v, axis=-1, keepdims=True) - v
        denominator = p.size // num_classes
    if reduction == "mean":
        grad = grad / denominator if denominator else np.zeros_like(grad)
    return grad
'''
_GOOD_GRAD = {"@@SHIFT@@": "z - np.max(z, axis=-1, keepdims=True)",
              "@@RESIDUAL@@": "p - one_hot", "@@DENOMINATOR@@": "np.sum(w_y)"}


def _grad(**changes):
    source = _GRAD
    for key, value in {**_GOOD_GRAD, **changes}.items():
        source = source.replace(key, value)
    return source


SCE = "test_softmax_cross_entropy"
GRAD = "test_softmax_cross_entropy_grad"

WRONG = [
    dict(function="softmax_cross_entropy", mistake="log(softmax(z)) underflows",
         fails={f"{SCE}-stability"}, message="log(softmax(z))",
         source=_sce(**{"@@LOGP@@": "e = np.exp(z - np.max(z, axis=-1, keepdims=True))\n"
                                    "    log_p = np.log(e / e.sum(axis=-1, keepdims=True))"})),
    dict(function="softmax_cross_entropy", mistake="double softmax",
         fails={SCE, f"{SCE}-reduction", f"{SCE}-stability", f"{SCE}-weights",
                f"{SCE}-ignore_index", f"{SCE}-label_smoothing", f"{SCE}-soft_targets"},
         message="double-softmax",
         source=_sce(**{"@@LOGP@@": "e = np.exp(z - np.max(z, axis=-1, keepdims=True))\n"
                                    "    z = e / e.sum(axis=-1, keepdims=True)\n"
                                    "    shifted = z - np.max(z, axis=-1, keepdims=True)\n"
                                    "    log_p = shifted - np.log(np.sum(np.exp(shifted), "
                                    "axis=-1, keepdims=True))"})),
    dict(function="softmax_cross_entropy", mistake="weighted mean divided by N",
         fails={f"{SCE}-weights", f"{SCE}-ignore_index"}, message="weighted mean",
         source=_sce(**{"@@DENOMINATOR@@": "t.size"})),
    dict(function="softmax_cross_entropy", mistake="ignored targets stay in the denominator",
         fails={f"{SCE}-ignore_index"}, message="ignored targets must leave the denominator",
         source=_sce(**{"@@DENOMINATOR@@": "np.sum(np.where(counted, w_y, 1.0))"})),
    dict(function="softmax_cross_entropy", mistake="smoothing with eps / (C - 1)",
         fails={f"{SCE}-label_smoothing"}, message="eps / C",
         source=_sce(**{"@@SMOOTH@@": "losses = losses + np.where(counted, eps / "
                                      "(num_classes - 1) * (smooth - nll), 0.0)"})),
    dict(function="softmax_cross_entropy", mistake="0 * -inf = NaN for soft targets",
         fails={f"{SCE}-soft_targets"}, message="NaN",
         source=_sce(**{"@@TERMS@@": "coefficient * log_p"})),
    dict(function="softmax_cross_entropy_grad", mistake="flipped sign: onehot - p",
         fails={GRAD, f"{GRAD}-reduction", f"{GRAD}-weights", f"{GRAD}-stability",
                f"{GRAD}-targets"},
         message="wrong sign",
         source=_grad(**{"@@RESIDUAL@@": "one_hot - p"})),
    dict(function="softmax_cross_entropy_grad", mistake="mean not divided by the weights",
         fails={GRAD, f"{GRAD}-weights", f"{GRAD}-stability", f"{GRAD}-targets"},
         message="divided by N too",
         source=_grad(**{"@@DENOMINATOR@@": "1"})),
    dict(function="softmax_cross_entropy_grad", mistake="unshifted exponentials",
         fails={f"{GRAD}-stability"}, message="subtract the row maximum",
         source=_grad(**{"@@SHIFT@@": "z"})),
    dict(function="double_softmax_floor", mistake="off by one: e + C",
         fails={"test_double_softmax_floor"}, message="off by one",
         source='''
def double_softmax_floor(num_classes):
    return -np.log(np.e / (np.e + num_classes))
'''),
    dict(function="double_softmax_floor", mistake="bits",
         fails={"test_double_softmax_floor"}, message="returned bits",
         source='''
def double_softmax_floor(num_classes):
    return -np.log2(np.e / (np.e + num_classes - 1))
'''),
]
