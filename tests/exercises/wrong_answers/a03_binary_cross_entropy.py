"""Typical wrong answers of a03_binary_cross_entropy (format: see a01_entropy.py)."""

_BCE_HEAD = '''
def binary_cross_entropy_with_logits(logits, targets, weight=None, pos_weight=None,
                                     reduction="mean"):
    x = np.asarray(logits, dtype=float)
    y = np.asarray(targets, dtype=float)
'''
_SHAPE = '''    if x.shape != y.shape:
        raise ValueError("shapes differ")
'''
_STABLE = '''    soft = np.log1p(np.exp(-np.abs(x)))
    minus_log_p = np.maximum(-x, 0) + soft
    minus_log_not_p = np.maximum(x, 0) + soft
'''
_COMBINE = '''    a = 1.0 if pos_weight is None else np.asarray(pos_weight, dtype=float)
    losses = a * y * minus_log_p + (1 - y) * minus_log_not_p
    if weight is not None:
        losses = losses * np.asarray(weight, dtype=float)
'''
_REDUCE = '''    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.mean() if losses.size else np.nan
'''

_GRAD_HEAD = '''
def binary_cross_entropy_with_logits_grad(logits, targets, weight=None, pos_weight=None,
                                          reduction="mean"):
    x = np.asarray(logits, dtype=float)
    y = np.asarray(targets, dtype=float)
    e = np.exp(-np.abs(x))
    p = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    a = 1.0 if pos_weight is None else np.asarray(pos_weight, dtype=float)
'''
_GRAD_TAIL = '''    if weight is not None:
        grad = grad * np.asarray(weight, dtype=float)
    if reduction == "mean" and grad.size:
        grad = grad / grad.size
    return grad
'''

WRONG = [
    dict(function="sigmoid", mistake="exp(x) / (1 + exp(x)) overflows to inf / inf",
         fails={"test_sigmoid-stability"}, message="inf / inf is NaN",
         source='''
def sigmoid(x):
    x = np.asarray(x)
    return np.exp(x) / (1 + np.exp(x))
'''),
    dict(function="sigmoid", mistake="flipped sign: 1 / (1 + exp(x))",
         fails={"test_sigmoid", "test_sigmoid-stability", "test_sigmoid-dtype"},
         message="sigmoid(-x)",
         source='''
def sigmoid(x):
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x <= 0, 1 / (1 + e), e / (1 + e))
'''),
    dict(function="sigmoid", mistake="upcasts float32 to float64",
         fails={"test_sigmoid-dtype"}, message="keep the input's dtype",
         source='''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
'''),
    dict(function="sigmoid", mistake="1 - sigmoid(-x) loses small probabilities",
         fails={"test_sigmoid-stability"}, message="full relative precision",
         source='''
def sigmoid(x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(float)
    positive = 1 / (1 + np.exp(-np.abs(x)))
    return np.where(x >= 0, positive, 1 - positive)
'''),
    dict(function="log_sigmoid", mistake="log(sigmoid(x))",
         fails={"test_log_sigmoid-stability"}, message="log(sigmoid(x))",
         source='''
def log_sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.log(np.where(x >= 0, 1 / (1 + e), e / (1 + e)))
'''),
    dict(function="log_sigmoid", mistake="-log(1 + exp(-x)) overflows",
         fails={"test_log_sigmoid-stability"}, message="log1p",
         source='''
def log_sigmoid(x):
    x = np.asarray(x, dtype=float)
    return -np.log(1 + np.exp(-x))
'''),
    dict(function="log_sigmoid", mistake="log(1 - sigmoid(x)) instead",
         fails={"test_log_sigmoid", "test_log_sigmoid-stability"},
         message="log sigmoid(-x)",
         source='''
def log_sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.minimum(-x, 0) - np.log1p(np.exp(-np.abs(x)))
'''),
    dict(function="binary_cross_entropy_with_logits", mistake="naive log of sigmoid",
         fails={"test_binary_cross_entropy_with_logits-stability"}, message="logit form",
         source=_BCE_HEAD + _SHAPE + '''    p = 1 / (1 + np.exp(-x))
    minus_log_p = -np.log(p)
    minus_log_not_p = -np.log(1 - p)
''' + _COMBINE + _REDUCE),
    dict(function="binary_cross_entropy_with_logits", mistake="sum for the default reduction",
         fails={"test_binary_cross_entropy_with_logits",
                "test_binary_cross_entropy_with_logits-reduction",
                "test_binary_cross_entropy_with_logits-stability",
                "test_binary_cross_entropy_with_logits-weights"},
         message="returned the sum",
         source=_BCE_HEAD + _SHAPE + _STABLE + _COMBINE + '''    if reduction == "none":
        return losses
    return losses.sum()
'''),
    dict(function="binary_cross_entropy_with_logits", mistake="y and 1 - y swapped",
         fails={"test_binary_cross_entropy_with_logits",
                "test_binary_cross_entropy_with_logits-reduction",
                "test_binary_cross_entropy_with_logits-stability",
                "test_binary_cross_entropy_with_logits-weights"},
         message="swapped",
         source=_BCE_HEAD + _SHAPE + _STABLE + '''    a = 1.0 if pos_weight is None else np.asarray(pos_weight, dtype=float)
    losses = a * (1 - y) * minus_log_p + y * minus_log_not_p
    if weight is not None:
        losses = losses * np.asarray(weight, dtype=float)
''' + _REDUCE),
    dict(function="binary_cross_entropy_with_logits", mistake="pos_weight ignored",
         fails={"test_binary_cross_entropy_with_logits-weights"}, message="pos_weight was ignored",
         source=_BCE_HEAD + _SHAPE + _STABLE + '''    losses = y * minus_log_p + (1 - y) * minus_log_not_p
    if weight is not None:
        losses = losses * np.asarray(weight, dtype=float)
''' + _REDUCE),
    dict(function="binary_cross_entropy_with_logits", mistake="no shape check: (N, 1) vs (N,)",
         fails={"test_binary_cross_entropy_with_logits-shapes"}, message="broadcast silently",
         source=_BCE_HEAD + _STABLE + _COMBINE + _REDUCE),
    dict(function="binary_cross_entropy_with_logits_grad", mistake="flipped sign: y - sigmoid",
         fails={"test_binary_cross_entropy_with_logits_grad",
                "test_binary_cross_entropy_with_logits_grad-reduction",
                "test_binary_cross_entropy_with_logits_grad-stability",
                "test_binary_cross_entropy_with_logits_grad-weights"},
         message="wrong sign",
         source=_GRAD_HEAD + '''    grad = a * y * (1 - p) - (1 - y) * p
''' + _GRAD_TAIL),
    dict(function="binary_cross_entropy_with_logits_grad", mistake="mean without 1 / N",
         fails={"test_binary_cross_entropy_with_logits_grad",
                "test_binary_cross_entropy_with_logits_grad-reduction",
                "test_binary_cross_entropy_with_logits_grad-weights"},
         message="divided by N",
         source=_GRAD_HEAD + '''    grad = (1 - y) * p - a * y * (1 - p)
    if weight is not None:
        grad = grad * np.asarray(weight, dtype=float)
    return grad
'''),
    dict(function="binary_cross_entropy_with_logits_grad", mistake="naive sigmoid overflows",
         fails={"test_binary_cross_entropy_with_logits_grad-stability"},
         message="inf / inf",
         source='''
def binary_cross_entropy_with_logits_grad(logits, targets, weight=None, pos_weight=None,
                                          reduction="mean"):
    x = np.asarray(logits, dtype=float)
    y = np.asarray(targets, dtype=float)
    p = np.exp(x) / (1 + np.exp(x))
    a = 1.0 if pos_weight is None else np.asarray(pos_weight, dtype=float)
''' + '''    grad = (1 - y) * p - a * y * (1 - p)
''' + _GRAD_TAIL),
    dict(function="binary_cross_entropy_with_logits_grad", mistake="pos_weight ignored",
         fails={"test_binary_cross_entropy_with_logits_grad-weights"},
         message="pos_weight was ignored",
         source=_GRAD_HEAD + '''    grad = p - y
''' + _GRAD_TAIL),
]
