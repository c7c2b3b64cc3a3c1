"""Typical wrong answers of a01_entropy: each breaks one function in one way.

``fails`` is the exact set of that function's test cells that must fail (the others pass);
``message`` must appear in the failure message of the first failing cell.
"""

WRONG = [
    dict(function="entropy", mistake="bits for nats (log2 always)",
         fails={"test_entropy", "test_entropy-zeros", "test_entropy-axis"},
         message="returned bits",
         source='''
def entropy(p, axis=-1, base=None):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=axis), 1):
        raise ValueError("not a distribution")
    safe = np.where(p > 0, p, 1)
    h = -np.sum(np.where(p > 0, p * np.log2(safe), 0), axis=axis)
    return h if base is None else h * np.log(2) / np.log(base)
'''),
    dict(function="entropy", mistake="log(0): 0 * log 0 is NaN",
         fails={"test_entropy-zeros"}, message="NaN",
         source='''
def entropy(p, axis=-1, base=None):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=axis), 1):
        raise ValueError("not a distribution")
    h = -np.sum(p * np.log(p), axis=axis)
    return h if base is None else h / np.log(base)
'''),
    dict(function="entropy", mistake="flipped sign",
         fails={"test_entropy", "test_entropy-zeros", "test_entropy-axis"},
         message="minus sign",
         source='''
def entropy(p, axis=-1, base=None):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=axis), 1):
        raise ValueError("not a distribution")
    h = np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0), axis=axis)
    return h if base is None else h / np.log(base)
'''),
    dict(function="entropy", mistake="sums over the whole array, ignoring axis",
         fails={"test_entropy-axis"}, message="reduce only along `axis`",
         source='''
def entropy(p, axis=-1, base=None):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.allclose(p.sum(axis=axis), 1):
        raise ValueError("not a distribution")
    h = -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0))
    return h if base is None else h / np.log(base)
'''),
    dict(function="entropy", mistake="no validation",
         fails={"test_entropy-validation"}, message="expected ValueError",
         source='''
def entropy(p, axis=-1, base=None):
    p = np.asarray(p, dtype=float)
    h = -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0), axis=axis)
    return h if base is None else h / np.log(base)
'''),
    dict(function="cross_entropy", mistake="arguments swapped: H(q, p)",
         fails={"test_cross_entropy", "test_cross_entropy-support", "test_cross_entropy-axis"},
         message="you computed H(q, p)",
         source='''
def cross_entropy(p, q, axis=-1, base=None):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        terms = np.where(q > 0, -q * np.log(p), 0)
    h = terms.sum(axis=axis)
    return h if base is None else h / np.log(base)
'''),
    dict(function="cross_entropy", mistake="eps inside the log hides +inf",
         fails={"test_cross_entropy-support"}, message="a finite number",
         source='''
def cross_entropy(p, q, axis=-1, base=None):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    h = -np.sum(p * np.log(q + 1e-12), axis=axis)
    return h if base is None else h / np.log(base)
'''),
    dict(function="cross_entropy", mistake="0 * log 0 where p = q = 0",
         fails={"test_cross_entropy-support"}, message="NaN",
         source='''
def cross_entropy(p, q, axis=-1, base=None):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    h = -np.sum(p * np.log(q), axis=axis)
    return h if base is None else h / np.log(base)
'''),
    dict(function="cross_entropy", mistake="wrong axis (always the last)",
         fails={"test_cross_entropy-axis"}, message="sum along `axis`",
         source='''
def cross_entropy(p, q, axis=-1, base=None):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        terms = np.where(p > 0, -p * np.log(q), 0)
    h = terms.sum(axis=-1)
    return h if base is None else h / np.log(base)
'''),
    dict(function="kl_divergence", mistake="direction swapped: KL(q || p)",
         fails={"test_kl_divergence", "test_kl_divergence-support"},
         message="you computed KL(q || p)",
         source='''
def kl_divergence(p, q, axis=-1, base=None):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (np.log(q) - np.log(p)), 0)
    d = terms.sum(axis=axis)
    return d if base is None else d / np.log(base)
'''),
    dict(function="kl_divergence", mistake="0 log(0 / q) is NaN",
         fails={"test_kl_divergence-support"}, message="NaN",
         source='''
def kl_divergence(p, q, axis=-1, base=None):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    d = np.sum(p * np.log(p / q), axis=axis)
    return d if base is None else d / np.log(base)
'''),
    dict(function="kl_divergence", mistake="flipped sign: sum p log(q / p)",
         fails={"test_kl_divergence", "test_kl_divergence-support"},
         message="minus sign",
         source='''
def kl_divergence(p, q, axis=-1, base=None):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    positive = p > 0
    with np.errstate(divide="ignore"):
        terms = np.where(positive, p * (np.log(q) - np.log(np.where(positive, p, 1))), 0)
    d = terms.sum(axis=axis)
    return d if base is None else d / np.log(base)
'''),
    dict(function="mutual_information", mistake="both marginals summed over the same axis",
         fails={"test_mutual_information", "test_mutual_information-zeros",
                "test_mutual_information-batch"},
         message="expected",
         source='''
def mutual_information(p_xy, base=None):
    p_xy = np.asarray(p_xy, dtype=float)
    p_x = p_xy.sum(axis=-1)
    p_y = p_xy.sum(axis=-1)
    outer = p_x[..., :, None] * p_y[..., None, :]
    positive = p_xy > 0
    terms = np.where(positive, p_xy * np.log(np.where(positive, p_xy, 1) /
                                               np.where(positive, outer, 1)), 0)
    mi = terms.sum(axis=(-2, -1))
    return mi if base is None else mi / np.log(base)
'''),
    dict(function="mutual_information", mistake="0 log 0 in the zero cells",
         fails={"test_mutual_information-zeros"}, message="NaN",
         source='''
def mutual_information(p_xy, base=None):
    p_xy = np.asarray(p_xy, dtype=float)
    outer = p_xy.sum(axis=-1)[..., :, None] * p_xy.sum(axis=-2)[..., None, :]
    mi = np.sum(p_xy * np.log(p_xy / outer), axis=(-2, -1))
    return mi if base is None else mi / np.log(base)
'''),
    dict(function="mutual_information", mistake="no batch: marginals over axes 0 and 1",
         fails={"test_mutual_information-batch"}, message="leading axes are a batch",
         source='''
def mutual_information(p_xy, base=None):
    p_xy = np.asarray(p_xy, dtype=float)
    outer = np.outer(p_xy.sum(axis=1), p_xy.sum(axis=0))
    positive = p_xy > 0
    terms = np.where(positive, p_xy * np.log(np.where(positive, p_xy, 1) /
                                               np.where(positive, outer, 1)), 0)
    mi = terms.sum()
    return mi if base is None else mi / np.log(base)
'''),
]
