"""Typical wrong answers of a04_logistic_regression (format: see a01_entropy.py)."""

_STEP_HEAD = '''
def logistic_regression_loss_and_grad(w, b, X, y, l2=0.0, sample_weight=None):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    z = X @ w + b
    e = np.exp(-np.abs(z))
    sig = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
'''
_STABLE_LOSS = '''    loss = np.sum(s * (np.maximum(z, 0) - z * y + np.log1p(e))) / n + l2 / 2 * np.dot(w, w)
'''
_GOOD_GRAD = '''    r = s * (sig - y) / n
    return loss, X.T @ r + l2 * w, r.sum()
'''

_FIT = '''
def fit_logistic_regression(X, y, lr=0.5, num_steps=500, l2=0.0, sample_weight=None):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    w, b = np.zeros(d), 0.0
    losses = []
    for step in range(num_steps + 1):
        z = X @ w + b
        e = np.exp(-np.abs(z))
        loss = np.sum(s * (np.maximum(z, 0) - z * y + np.log1p(e))) / n + l2 / 2 * (w @ w)
        r = s * (np.where(z >= 0, 1 / (1 + e), e / (1 + e)) - y) / n
        @@BODY@@
    return w, b, np.array(losses)
'''

_LOG_LOSS = '''
def log_loss(y_true, y_prob, sample_weight=None, normalize=True):
    y_prob = np.asarray(y_prob)
    if not np.issubdtype(y_prob.dtype, np.floating):
        y_prob = y_prob.astype(float)
    y_true = np.asarray(y_true).astype(int)
    if y_prob.ndim == 1:
        y_prob = np.stack([@@COLUMNS@@], axis=1)
    p = y_prob[np.arange(len(y_true)), y_true]
    @@CLIP@@
    losses = -np.log(p)
    s = np.ones(len(losses)) if sample_weight is None else np.asarray(sample_weight, float)
    @@REDUCE@@
'''
_GOOD_CLIP = "eps = np.finfo(y_prob.dtype).eps; p = np.clip(p, eps, 1 - eps)"
_GOOD_REDUCE = "return np.sum(s * losses) / np.sum(s) if normalize else np.sum(s * losses)"


def _log_loss(columns="1 - y_prob, y_prob", clip=_GOOD_CLIP, reduce=_GOOD_REDUCE):
    return (_LOG_LOSS.replace("@@COLUMNS@@", columns).replace("@@CLIP@@", clip)
            .replace("@@REDUCE@@", reduce))


_ECE = '''
def expected_calibration_error(y_true, y_prob, n_bins=10):
    y_true, y_prob = np.asarray(y_true, dtype=float), np.asarray(y_prob, dtype=float)
    bins = @@BINS@@
    gaps, counts = [], []
    for b in range(n_bins):
        in_bin = bins == b
        if in_bin.any():
            gaps.append(abs(y_true[in_bin].mean() - y_prob[in_bin].mean()))
            counts.append(in_bin.sum())
    @@RESULT@@
'''
_GOOD_BINS = "np.minimum((y_prob * n_bins).astype(int), n_bins - 1)"
_GOOD_RESULT = "return float(np.dot(counts, gaps) / len(y_prob))"

WRONG = [
    dict(function="logistic_regression_loss_and_grad", mistake="gradient not divided by N",
         fails={"test_logistic_regression_loss_and_grad-gradient",
                "test_logistic_regression_loss_and_grad-l2",
                "test_logistic_regression_loss_and_grad-stability",
                "test_logistic_regression_loss_and_grad"},
         message="dw is N times too large",
         source=_STEP_HEAD + _STABLE_LOSS + '''    r = s * (sig - y)
    return loss, X.T @ r + l2 * w, r.sum()
'''),
    dict(function="logistic_regression_loss_and_grad", mistake="penalty l2 * ||w||^2 (no 1/2)",
         fails={"test_logistic_regression_loss_and_grad-l2"}, message="factor 1/2",
         source=_STEP_HEAD + '''    loss = np.sum(s * (np.maximum(z, 0) - z * y + np.log1p(e))) / n + l2 * np.dot(w, w)
''' + _GOOD_GRAD),
    dict(function="logistic_regression_loss_and_grad", mistake="naive log(sigmoid) loss",
         fails={"test_logistic_regression_loss_and_grad-stability"},
         message="compute the BCE from the logits",
         source=_STEP_HEAD + '''    loss = -np.sum(s * (y * np.log(sig) + (1 - y) * np.log(1 - sig))) / n \\
        + l2 / 2 * np.dot(w, w)
''' + _GOOD_GRAD),
    dict(function="logistic_regression_loss_and_grad", mistake="residual y - sigmoid",
         fails={"test_logistic_regression_loss_and_grad",
                "test_logistic_regression_loss_and_grad-gradient",
                "test_logistic_regression_loss_and_grad-l2",
                "test_logistic_regression_loss_and_grad-stability"},
         message="wrong sign",
         source=_STEP_HEAD + _STABLE_LOSS + '''    r = s * (y - sig) / n
    return loss, X.T @ r + l2 * w, r.sum()
'''),
    dict(function="fit_logistic_regression", mistake="gradient ascent",
         fails={"test_fit_logistic_regression", "test_fit_logistic_regression-losses"},
         message="uphill",
         source=_FIT.replace("@@BODY@@", '''losses.append(loss)
        if step < num_steps:
            w, b = w + lr * (X.T @ r + l2 * w), b + lr * r.sum()''')),
    dict(function="fit_logistic_regression", mistake="losses recorded after each step only",
         fails={"test_fit_logistic_regression-losses"},
         message="record the loss before each step",
         source=_FIT.replace("@@BODY@@", '''if step < num_steps:
            w, b = w - lr * (X.T @ r + l2 * w), b - lr * r.sum()
            if step > 0:
                losses.append(loss)
        else:
            losses.append(loss)''')),
    dict(function="log_loss", mistake="fixed eps of 1e-15",
         fails={"test_log_loss-clipping"}, message="fixed eps of 1e-15",
         source=_log_loss(clip="p = np.clip(p, 1e-15, 1 - 1e-15)")),
    dict(function="log_loss", mistake="no clipping: log(0)",
         fails={"test_log_loss-clipping"}, message="without clipping",
         source=_log_loss(clip="pass")),
    dict(function="log_loss", mistake="weighted mean divided by N",
         fails={"test_log_loss-weights"}, message="sum of the weights",
         source=_log_loss(reduce="return np.sum(s * losses) / len(s) if normalize "
                                 "else np.sum(s * losses)")),
    dict(function="log_loss", mistake="1-D y_prob read as the probability of label 0",
         fails={"test_log_loss", "test_log_loss-clipping"}, message="probability of label 1",
         source=_log_loss(columns="y_prob, 1 - y_prob")),
    dict(function="expected_calibration_error", mistake="unweighted mean of the bin gaps",
         fails={"test_expected_calibration_error", "test_expected_calibration_error-edges"},
         message="weight each bin",
         source=_ECE.replace("@@BINS@@", _GOOD_BINS).replace("@@RESULT@@",
                                                             "return float(np.mean(gaps))")),
    dict(function="expected_calibration_error", mistake="p = 1 falls outside the last bin",
         fails={"test_expected_calibration_error-edges"}, message="expected",
         source=_ECE.replace("@@BINS@@", "(y_prob * n_bins).astype(int)")
         .replace("@@RESULT@@", _GOOD_RESULT)),
]
