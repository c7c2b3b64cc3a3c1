"""Typical wrong answers of a05_softmax (format: see a01_entropy.py)."""

WRONG = [
    dict(function="logsumexp", mistake="no max subtraction: log(sum(exp(x)))",
         fails={"test_logsumexp-stability"}, message="overflows to inf",
         source='''
def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x, dtype=float)
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
'''),
    dict(function="logsumexp", mistake="maximum subtracted but not added back",
         fails={"test_logsumexp", "test_logsumexp-stability", "test_logsumexp-axis",
                "test_logsumexp-infinite"},
         message="not added back",
         source='''
def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    return np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims))
'''),
    dict(function="logsumexp", mistake="global maximum instead of each row's",
         fails={"test_logsumexp-stability"}, message="its own maximum",
         source='''
def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x, dtype=float)
    m = np.max(x) if np.isfinite(np.max(x)) else 0.0
    return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims))
'''),
    dict(function="logsumexp", mistake="-inf - (-inf) = NaN for an all -inf row",
         fails={"test_logsumexp-infinite"}, message="shift by 0",
         source='''
def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)
'''),
    dict(function="logsumexp", mistake="keepdims ignored",
         fails={"test_logsumexp-axis"}, message="keepdims",
         source='''
def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis)
'''),
    dict(function="softmax", mistake="no max subtraction",
         fails={"test_softmax-stability"},
         message="softmax overflowed for logits of 1000: subtract the row maximum first",
         source='''
def softmax(x, axis=-1):
    e = np.exp(np.asarray(x, dtype=float))
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    dict(function="softmax", mistake="global maximum instead of each row's",
         fails={"test_softmax-stability"}, message="its own maximum",
         source='''
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    dict(function="softmax", mistake="normalised along the last axis whatever axis says",
         fails={"test_softmax-axis"}, message="normalised along axis",
         source='''
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
'''),
    dict(function="softmax", mistake="returns log-probabilities",
         fails={"test_softmax", "test_softmax-stability", "test_softmax-axis",
                "test_softmax-infinite"},
         message="returned log-probabilities",
         source='''
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    s = x - np.max(x, axis=axis, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))
'''),
    dict(function="log_softmax", mistake="log(softmax(x))",
         fails={"test_log_softmax-stability"}, message="log(softmax(x))",
         source='''
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return np.log(e / np.sum(e, axis=axis, keepdims=True))
'''),
    dict(function="log_softmax", mistake="x - log(sum(exp(x))) overflows",
         fails={"test_log_softmax-stability"}, message="overflows",
         source='''
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))
'''),
    dict(function="log_softmax", mistake="wrong axis (always 0)",
         fails={"test_log_softmax", "test_log_softmax-stability", "test_log_softmax-axis"},
         message="normalised along axis 0",
         source='''
def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    s = x - np.max(x, axis=0, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=0, keepdims=True))
'''),
    dict(function="softmax_jacobian", mistake="p * p instead of the outer product",
         fails={"test_softmax_jacobian", "test_softmax_jacobian-batch",
                "test_softmax_jacobian-stability"},
         message="outer product",
         source='''
def softmax_jacobian(logits):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    return np.diag(p) - p * p
'''),
    dict(function="softmax_jacobian", mistake="no batch support (np.diag, np.outer)",
         fails={"test_softmax_jacobian-batch", "test_softmax_jacobian-stability"},
         message="one C x C matrix per row",
         source='''
def softmax_jacobian(logits):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    return np.diag(p.ravel()) - np.outer(p, p)
'''),
    dict(function="softmax_jacobian", mistake="unshifted exponentials",
         fails={"test_softmax_jacobian-stability"}, message="subtract the row maximum",
         source='''
def softmax_jacobian(logits):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z)
    p = e / e.sum(axis=-1, keepdims=True)
    j = -p[..., :, None] * p[..., None, :]
    idx = np.arange(z.shape[-1])
    j[..., idx, idx] += p
    return j
'''),
]
