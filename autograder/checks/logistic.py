"""Checks of assignment a04_logistic_regression: the loss-and-gradient step, gradient descent,
scikit-learn's log loss and the expected calibration error."""

import numpy as np

from crossentropy.calibration import expected_calibration_error as ref_ece
from crossentropy.calibration import log_loss as ref_log_loss
from crossentropy.logistic import fit_logistic_regression as ref_fit
from crossentropy.logistic import logistic_regression_loss_and_grad as ref_step
from crossentropy.testing import numerical_gradient

from ._core import assert_close, assert_finite, call_valid, parts, register

STEP = "logistic_regression_loss_and_grad"
FIT = "fit_logistic_regression"


def _data(rng, n, d, separable=False):
    X = rng.normal(size=(n, d))
    w_true = rng.normal(size=d) * 2
    z = X @ w_true + 0.3
    y = (z > 0) if separable else (rng.random(n) < 1 / (1 + np.exp(-z)))
    return X, y.astype(np.float64)


def _step(fn, w, b, X, y, what, parts_to_check=("loss", "dw", "db"), **kwargs):
    loss, dw, db = ref_step(w, b, X, y, **kwargs)
    n = X.shape[0]
    result = call_valid(fn, (w, b, X, y), kwargs, what)
    got_loss, got_dw, got_db = parts(result, 3, what, ["loss", "dw", "db"])
    l2 = kwargs.get("l2", 0.0)
    if "loss" in parts_to_check:
        penalty = l2 / 2 * float(w @ w)
        hints = [((loss - penalty) * n + penalty, "returned the summed loss: the loss is the "
                  "mean over the N examples"),
                 (loss - penalty + 2 * penalty, "the penalty is (l2 / 2) * ||w||^2, with the "
                  "factor 1/2 (so that its gradient is l2 * w)"),
                 (loss - penalty, "the L2 penalty (l2 / 2) * ||w||^2 is missing from the loss")]
        if l2:
            hints.append((loss + l2 / 2 * b * b, "the bias is not penalised: (l2 / 2) * ||w||^2 "
                          "only"))
        assert_close(got_loss, loss, f"{what}: loss", hints=hints,
                     shape_hint="the loss is one number")
    if "dw" in parts_to_check:
        data_dw = dw - l2 * w
        hints = [(data_dw * n + l2 * w, "dw is N times too large: the loss is a mean, so its "
                  "gradient X^T (sigma(z) - y) is divided by N"),
                 (-data_dw + l2 * w, "dw has the wrong sign: the residual is sigma(z) - y"),
                 (data_dw, "the gradient of the penalty, l2 * w, is missing from dw"),
                 (data_dw + 2 * l2 * w, "the gradient of (l2 / 2) * ||w||^2 is l2 * w, not "
                  "2 * l2 * w")]
        assert_close(got_dw, dw, f"{what}: dw", hints=hints,
                     shape_hint="dw has the shape of w, (D,): X^T @ residual, not X @ ...")
    if "db" in parts_to_check:
        hints = [(db * n, "db is N times too large: divide by N (the loss is a mean)"),
                 (-db, "db has the wrong sign: it is the mean of sigma(z) - y")]
        if l2:
            hints.append((db + l2 * b, "the bias is not penalised, so db has no l2 term"))
        assert_close(got_db, db, f"{what}: db", hints=hints, shape_hint="db is one number")
    return got_loss, got_dw, got_db


def step_zero(fn, rng):
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    _step(fn, np.zeros(2), 0.0, X, np.array([1.0, 0.0]),
          f"{STEP}(zeros(2), 0.0, X, y) for X = identity, y = [1, 0]")


def step_random(fn, rng):
    X, y = _data(rng, 20, 3)
    w, b = rng.normal(size=3), float(rng.normal())
    _step(fn, w, b, X, y, f"{STEP} on 20 random examples with 3 features",
          parts_to_check=("loss",))


def step_random_hidden(fn, rng):
    X, y = _data(rng, 50, 4)
    _step(fn, rng.normal(size=4), float(rng.normal()), X, y,
          f"{STEP} on 50 random examples with 4 features", parts_to_check=("loss",))
    X, y = _data(rng, 30, 2)
    _step(fn, rng.normal(size=2), 0.5, X, rng.random(30), f"{STEP} with soft targets",
          parts_to_check=("loss",))


def _fd_check(fn, w, b, X, y, what, **kwargs):
    """dw and db against central differences of the reference loss."""
    _, got_dw, got_db = _step(fn, w, b, X, y, what, parts_to_check=("dw", "db"), **kwargs)
    theta = np.concatenate([w, [b]])

    def loss(t):
        return ref_step(t[:-1], t[-1], X, y, **kwargs)[0]

    numerical = numerical_gradient(loss, theta)
    assert_close(got_dw, numerical[:-1], f"{what}: dw against finite differences", rtol=1e-5,
                 atol=1e-8)
    assert_close(got_db, numerical[-1], f"{what}: db against finite differences", rtol=1e-5,
                 atol=1e-8)


def gradient_random(fn, rng):
    X, y = _data(rng, 12, 3)
    _fd_check(fn, rng.normal(size=3), float(rng.normal()), X, y,
              f"{STEP} on 12 random examples with 3 features")


def gradient_hidden(fn, rng):
    X, y = _data(rng, 40, 5)
    _fd_check(fn, rng.normal(size=5), -0.7, X, y, f"{STEP} on 40 examples with 5 features")
    X, y = _data(rng, 25, 1)
    _fd_check(fn, rng.normal(size=1), 0.2, X, rng.random(25), f"{STEP} with soft targets")


def l2_penalty(fn, rng):
    X, y = _data(rng, 15, 3)
    w, b = rng.normal(size=3), 0.8
    _step(fn, w, b, X, y, f"{STEP}(..., l2=0.5)", l2=0.5)


def l2_penalty_hidden(fn, rng):
    X, y = _data(rng, 30, 4)
    _fd_check(fn, rng.normal(size=4), -1.2, X, y, f"{STEP}(..., l2=0.1)", l2=0.1)
    _step(fn, rng.normal(size=4), 2.0, X, y, f"{STEP}(..., l2=3.0)", l2=3.0)


NAIVE = ("the loss overflowed for confident predictions: log(sigmoid(z)) is log 0 once sigma "
         "rounds to 0 or 1; compute the BCE from the logits z, "
         "max(z, 0) - z * y + log1p(exp(-|z|))")


def stability(fn, rng):
    X = np.array([[1.0], [-1.0], [2.0]])
    y = np.array([0.0, 1.0, 1.0])
    w = np.array([800.0])
    result = call_valid(fn, (w, 0.0, X, y), {}, STEP)
    loss = parts(result, 3, f"{STEP} with weights of 800 (logits up to 1600)",
                 ["loss", "dw", "db"])[0]
    assert_finite(loss, f"{STEP} with weights of 800 (logits up to 1600): loss", NAIVE)
    _step(fn, w, 0.0, X, y, f"{STEP} with weights of 800 (logits up to 1600)")


def stability_hidden(fn, rng):
    X, y = _data(rng, 20, 3)
    w = rng.normal(size=3) * 500
    result = call_valid(fn, (w, 10.0, X, y), {}, STEP)
    got = parts(result, 3, f"{STEP} with weights of size 500", ["loss", "dw", "db"])
    for value, name in zip(got, ("loss", "dw", "db")):
        assert_finite(value, f"{STEP} with weights of size 500: {name}", NAIVE)
    _step(fn, w, 10.0, X, y, f"{STEP} with weights of size 500")


register(f"test_{STEP}", STEP, [step_zero, step_random], [step_random_hidden])
register(f"test_{STEP}-gradient", STEP, [gradient_random], [gradient_hidden])
register(f"test_{STEP}-l2", STEP, [l2_penalty], [l2_penalty_hidden])
register(f"test_{STEP}-stability", STEP, [stability], [stability_hidden])


# --------------------------------------------------------------------------- fit


def _fit(fn, X, y, what, check=("w", "b"), **kwargs):
    want = ref_fit(X, y, **kwargs)
    result = call_valid(fn, (X, y), kwargs, what)
    w, b, losses = parts(result, 3, what, ["w", "b", "losses"])
    lr = kwargs.get("lr", 0.5)
    if "w" in check:
        up = ref_fit(X, y, **{**kwargs, "lr": -lr})
        hints = [(up.w, "the weights moved uphill: a gradient-descent step is w - lr * dw")]
        assert_close(w, want.w, f"{what}: w", rtol=1e-6, atol=1e-9, hints=hints,
                     shape_hint="w has shape (D,)")
        assert_close(b, want.b, f"{what}: b", rtol=1e-6, atol=1e-9,
                     hints=[(up.b, "b moved uphill: the step is b - lr * db")])
    if "losses" in check:
        steps = kwargs.get("num_steps", 500)
        assert_close(losses, want.losses, f"{what}: losses", rtol=1e-6, atol=1e-9,
                     hints=[(want.losses[:-1], "losses has num_steps entries; it needs "
                             "num_steps + 1: the loss before every step and after the last"),
                            (want.losses[1:], "losses starts after the first step; record "
                             "the loss before each step (losses[0] = log 2 at w = 0) and "
                             "after the last")],
                     shape_hint=f"losses has num_steps + 1 = {steps + 1} entries")


def fit_small(fn, rng):
    X = np.array([[-1.0], [1.0], [2.0], [-2.0]])
    _fit(fn, X, np.array([0.0, 1.0, 1.0, 1.0]), f"{FIT}(X, y, lr=1.0, num_steps=20) on 4 "
         "points", lr=1.0, num_steps=20)


def fit_random(fn, rng):
    X, y = _data(rng, 40, 3)
    _fit(fn, X, y, f"{FIT}(X, y, lr=0.5, num_steps=50) on 40 random examples", lr=0.5,
         num_steps=50)


def fit_hidden(fn, rng):
    X, y = _data(rng, 60, 4)
    _fit(fn, X, y, f"{FIT} with l2=0.1", lr=0.3, num_steps=40, l2=0.1)
    X, y = _data(rng, 30, 2)
    _fit(fn, X, y, f"{FIT} with the default lr and num_steps")


def fit_losses(fn, rng):
    X, y = _data(rng, 30, 2)
    _fit(fn, X, y, f"{FIT}(X, y, lr=0.5, num_steps=10)", check=("losses",), lr=0.5,
         num_steps=10)


def fit_losses_hidden(fn, rng):
    X, y = _data(rng, 50, 3, separable=True)
    _fit(fn, X, y, f"{FIT} on separable data, num_steps=30", check=("losses",), lr=1.0,
         num_steps=30)
    _fit(fn, X, y, f"{FIT} with num_steps=0", check=("losses",), num_steps=0)


register(f"test_{FIT}", FIT, [fit_small, fit_random], [fit_hidden])
register(f"test_{FIT}-losses", FIT, [fit_losses], [fit_losses_hidden])


# --------------------------------------------------------------------------- log_loss

EXAMPLE_TRUE = np.array([1, 0, 0, 1])
EXAMPLE_PROB = np.array([[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]])


def _log_loss(fn, y_true, y_prob, what, rtol=None, **kwargs):
    want = ref_log_loss(y_true, y_prob, **kwargs)
    hints = []
    y_prob = np.asarray(y_prob)
    if y_prob.ndim == 1:
        hints.append((ref_log_loss(1 - np.asarray(y_true), y_prob, **kwargs), "a 1-D y_prob is "
                      "the probability of label 1, not of label 0"))
    eps = np.finfo(y_prob.dtype).eps
    with np.errstate(all="ignore"):
        p2 = np.stack([1 - y_prob, y_prob], 1) if y_prob.ndim == 1 else y_prob
        picked = p2[np.arange(len(y_true)), np.asarray(y_true)]
        w = np.ones(len(y_true)) if kwargs.get("sample_weight") is None else \
            np.asarray(kwargs["sample_weight"], dtype=np.float64)
        fixed = -np.log(np.clip(picked, 1e-15, 1 - 1e-15))
        raw = -np.log(picked.astype(np.float64))
    normalize = kwargs.get("normalize", True)
    denominator = w.sum() if normalize else 1.0
    if np.any(picked != np.clip(picked, eps, 1 - eps)):
        hints.append(((w * fixed).sum() / denominator, "clipped with a fixed eps of 1e-15; "
                      "scikit-learn clips to [eps, 1 - eps] with eps = "
                      "np.finfo(y_prob.dtype).eps (2.2e-16 in float64, 1.2e-7 in float32)"))
    hints.append(((w * raw).sum() / denominator, "without clipping a probability of 0 for the "
                  "true label costs inf; clip to [eps, 1 - eps] with eps = "
                  "np.finfo(y_prob.dtype).eps"))
    if kwargs.get("sample_weight") is not None and normalize:
        hints.append(((w * fixed).sum() / len(w), "the weighted mean divides by the sum of the "
                      "weights, not by N"))
        hints.append((fixed.mean(), "sample_weight was ignored"))
    if not normalize:
        hints.append(((w * fixed).sum() / w.sum(), "normalize=False asks for the (weighted) "
                      "sum, not the mean"))
    got = call_valid(fn, (y_true, y_prob), kwargs, what)
    assert_close(got, want, what, rtol=rtol, hints=hints, shape_hint="return one number")


def log_loss_example(fn, rng):
    _log_loss(fn, EXAMPLE_TRUE, EXAMPLE_PROB, "log_loss([1, 0, 0, 1], [[.1, .9], [.9, .1], "
              "[.8, .2], [.35, .65]])")
    _log_loss(fn, EXAMPLE_TRUE, EXAMPLE_PROB[:, 1].copy(), "log_loss([1, 0, 0, 1], "
              "[.9, .1, .2, .65]) (1-D: the probability of label 1)")


def log_loss_random(fn, rng):
    y_prob = rng.dirichlet(np.ones(4), size=20)
    y_true = rng.integers(0, 4, size=20)
    _log_loss(fn, y_true, y_prob, "log_loss of 20 samples over 4 classes")


def log_loss_hidden(fn, rng):
    p = rng.random(30)
    _log_loss(fn, (rng.random(30) < p).astype(np.int64), p, "log_loss of 30 binary predictions")
    y_prob = rng.dirichlet(np.ones(3), size=10).astype(np.float32)
    _log_loss(fn, rng.integers(0, 3, size=10), y_prob, "log_loss of float32 probabilities",
              rtol=1e-5)


def log_loss_clip(fn, rng):
    _log_loss(fn, np.array([1]), np.array([0.0]), "log_loss([1], [0.0]) (capped at "
              "-log(eps) = 36.04 in float64)")
    _log_loss(fn, np.array([1, 0]), np.array([[1.0, 0.0], [1.0, 0.0]]),
              "log_loss([1, 0], [[1, 0], [1, 0]])")


def log_loss_clip_hidden(fn, rng):
    _log_loss(fn, np.array([1]), np.array([0.0], dtype=np.float32),
              "log_loss([1], float32 [0.0]) (capped at -log(eps) = 15.94 in float32)",
              rtol=1e-5)
    _log_loss(fn, np.array([0, 1, 1]), np.array([0.0, 1.0, 1e-20]), "log_loss([0, 1, 1], "
              "[0, 1, 1e-20])")


def log_loss_weights(fn, rng):
    w = np.array([1.0, 2.0, 0.5, 3.0])
    _log_loss(fn, EXAMPLE_TRUE, EXAMPLE_PROB, "log_loss(..., sample_weight=[1, 2, 0.5, 3])",
              sample_weight=w)
    _log_loss(fn, EXAMPLE_TRUE, EXAMPLE_PROB, "log_loss(..., normalize=False)",
              normalize=False)


def log_loss_weights_hidden(fn, rng):
    y_prob = rng.dirichlet(np.ones(3), size=12)
    y_true = rng.integers(0, 3, size=12)
    w = rng.uniform(0, 3, size=12)
    _log_loss(fn, y_true, y_prob, "log_loss with random sample weights", sample_weight=w)
    _log_loss(fn, y_true, y_prob, "log_loss with sample weights and normalize=False",
              sample_weight=w, normalize=False)


register("test_log_loss", "log_loss", [log_loss_example, log_loss_random], [log_loss_hidden])
register("test_log_loss-clipping", "log_loss", [log_loss_clip], [log_loss_clip_hidden])
register("test_log_loss-weights", "log_loss", [log_loss_weights], [log_loss_weights_hidden])


# --------------------------------------------------------------------------- calibration


def _ece(fn, y_true, y_prob, what, **kwargs):
    want = ref_ece(y_true, y_prob, **kwargs)
    n_bins = kwargs.get("n_bins", 10)
    y_prob = np.asarray(y_prob, dtype=np.float64)
    bins = np.minimum((y_prob * n_bins).astype(int), n_bins - 1)
    gaps = [abs(np.mean(y_true[bins == b]) - np.mean(y_prob[bins == b]))
            for b in range(n_bins) if np.any(bins == b)]
    hints = [(np.mean(gaps), "returned the plain mean of the bin gaps: weight each bin's gap "
              "by its share of the samples n_b / N")]
    got = call_valid(fn, (y_true, y_prob), kwargs, what)
    assert_close(got, want, what, hints=hints, shape_hint="return one number")


def ece_example(fn, rng):
    _ece(fn, np.array([0, 1, 1, 1]), np.array([0.1, 0.4, 0.8, 0.9]),
         "expected_calibration_error([0, 1, 1, 1], [0.1, 0.4, 0.8, 0.9], n_bins=2)", n_bins=2)


def ece_random(fn, rng):
    p = rng.random(200)
    y = (rng.random(200) < p ** 1.5).astype(np.int64)
    _ece(fn, y, p, "expected_calibration_error of 200 predictions (10 bins)")


def ece_edges(fn, rng):
    p = np.array([0.0, 0.1, 0.2, 0.5, 0.7, 1.0, 1.0])
    _ece(fn, np.array([0, 0, 1, 1, 0, 1, 0]), p, "expected_calibration_error with "
         "probabilities on bin edges (0.1 opens bin 1; 1.0 belongs to the last bin)", n_bins=10)


def ece_hidden(fn, rng):
    p = rng.random(300)
    y = (rng.random(300) < p).astype(np.int64)
    _ece(fn, y, p, "expected_calibration_error of 300 calibrated predictions, 15 bins",
         n_bins=15)
    p = rng.uniform(0.6, 0.9, size=50)
    _ece(fn, (rng.random(50) < 0.5).astype(np.int64), p,
         "expected_calibration_error with empty bins", n_bins=5)


register("test_expected_calibration_error", "expected_calibration_error",
         [ece_example, ece_random], [ece_hidden])
register("test_expected_calibration_error-edges", "expected_calibration_error",
         [ece_edges], [])
