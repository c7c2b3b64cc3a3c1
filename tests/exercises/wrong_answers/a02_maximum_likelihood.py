"""Typical wrong answers of a02_maximum_likelihood (format: see a01_entropy.py)."""

WRONG = [
    dict(function="empirical_distribution", mistake="counts, not frequencies",
         fails={"test_empirical_distribution", "test_empirical_distribution-unseen"},
         message="returned the counts",
         source='''
def empirical_distribution(samples, num_classes):
    samples = np.asarray(samples)
    if samples.size and (samples.min() < 0 or samples.max() >= num_classes):
        raise ValueError("out of range")
    return np.bincount(samples, minlength=num_classes).astype(float)
'''),
    dict(function="empirical_distribution", mistake="no minlength: unseen classes dropped",
         fails={"test_empirical_distribution-unseen"}, message="minlength",
         source='''
def empirical_distribution(samples, num_classes):
    samples = np.asarray(samples)
    if samples.size and (samples.min() < 0 or samples.max() >= num_classes):
        raise ValueError("out of range")
    return np.bincount(samples) / samples.size
'''),
    dict(function="empirical_distribution", mistake="add-one smoothing is not the MLE",
         fails={"test_empirical_distribution", "test_empirical_distribution-unseen"},
         message="add-one",
         source='''
def empirical_distribution(samples, num_classes):
    samples = np.asarray(samples)
    if samples.size and (samples.min() < 0 or samples.max() >= num_classes):
        raise ValueError("out of range")
    counts = np.bincount(samples, minlength=num_classes)
    return (counts + 1) / (samples.size + num_classes)
'''),
    dict(function="empirical_distribution", mistake="only checks the upper bound",
         fails={"test_empirical_distribution-validation"}, message="negative class index",
         source='''
def empirical_distribution(samples, num_classes):
    samples = np.asarray(samples)
    if samples.size and samples.max() >= num_classes:
        raise ValueError("out of range")
    counts = np.zeros(num_classes)
    for s in samples:
        counts[s] += 1
    return counts / samples.size
'''),
    dict(function="empirical_cross_entropy", mistake="sum instead of mean",
         fails={"test_empirical_cross_entropy", "test_empirical_cross_entropy-zeros"},
         message="returned N times",
         source='''
def empirical_cross_entropy(samples, q, base=None):
    q = np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        value = -np.sum(np.log(q[np.asarray(samples)]))
    return value if base is None else value / np.log(base)
'''),
    dict(function="empirical_cross_entropy", mistake="clipping q hides the infinity",
         fails={"test_empirical_cross_entropy-zeros"}, message="a finite number",
         source='''
def empirical_cross_entropy(samples, q, base=None):
    q = np.clip(np.asarray(q, dtype=float), 1e-12, 1)
    value = -np.mean(np.log(q[np.asarray(samples)]))
    return value if base is None else value / np.log(base)
'''),
    dict(function="empirical_cross_entropy", mistake="base ignored",
         fails={"test_empirical_cross_entropy"}, message="expected",
         source='''
def empirical_cross_entropy(samples, q, base=None):
    q = np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        return -np.mean(np.log(q[np.asarray(samples)]))
'''),
    dict(function="perplexity", mistake="2 ** cross-entropy in nats",
         fails={"test_perplexity"}, message="don't mix the bases",
         source='''
def perplexity(samples, q):
    q = np.asarray(q, dtype=float)
    return 2 ** np.mean(-np.log(q[np.asarray(samples)]))
'''),
    dict(function="perplexity", mistake="exp of the summed log-loss",
         fails={"test_perplexity"}, message="use the mean",
         source='''
def perplexity(samples, q):
    q = np.asarray(q, dtype=float)
    return np.exp(np.sum(-np.log(q[np.asarray(samples)])))
'''),
    dict(function="perplexity", mistake="returns the cross-entropy",
         fails={"test_perplexity"}, message="its exponential",
         source='''
def perplexity(samples, q):
    q = np.asarray(q, dtype=float)
    return np.mean(-np.log(q[np.asarray(samples)]))
'''),
    dict(function="temper", mistake="p ** T instead of p ** (1 / T)",
         fails={"test_temper", "test_temper-extremes", "test_temper-axis"},
         message="p ** (1 / T)",
         source='''
def temper(p, temperature, axis=-1):
    p = np.asarray(p, dtype=float)
    q = p ** temperature
    return q / q.sum(axis=axis, keepdims=True)
'''),
    dict(function="temper", mistake="powers underflow for small T",
         fails={"test_temper-extremes"}, message="underflows",
         source='''
def temper(p, temperature, axis=-1):
    p = np.asarray(p, dtype=float)
    q = p ** (1 / temperature)
    return q / q.sum(axis=axis, keepdims=True)
'''),
    dict(function="temper", mistake="normalised along the last axis only",
         fails={"test_temper-axis"}, message="expected",
         source='''
def temper(p, temperature, axis=-1):
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):
        z = np.log(p) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''),
]
