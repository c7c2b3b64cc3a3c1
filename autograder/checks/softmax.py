"""Checks of assignment a05_softmax: log-sum-exp, softmax, log-softmax and the softmax Jacobian."""

import numpy as np

import crossentropy as ce
from crossentropy.jacobian import softmax_jacobian as ref_jacobian
from crossentropy.testing import numerical_gradient

from ._core import CheckFailed, assert_close, assert_finite, call_valid, logits, register

INF = np.inf


def _x(values, dtype=np.float64):
    return np.array(values, dtype=dtype)


def _kwargs(axis, keepdims=None):
    out = {}
    if axis is not None:
        out["axis"] = axis
    if keepdims is not None:
        out["keepdims"] = keepdims
    return out


# --------------------------------------------------------------------------- logsumexp


def _lse(fn, x, what, axis=None, keepdims=None, rtol=None, atol=None):
    ax = -1 if axis is None else axis
    want = ce.logsumexp(x, axis=ax, keepdims=bool(keepdims))
    hints = []
    with np.errstate(all="ignore"):
        if x.size and np.all(np.isfinite(x)):
            m = np.max(x, axis=ax, keepdims=True)
            hints.append((want - (m if keepdims else np.squeeze(m, axis=ax)),
                          "the maximum was subtracted but not added back: logsumexp(x) = m + "
                          "log(sum(exp(x - m)))"))
        if x.ndim > 1 and not keepdims:
            other = 0 if ax in (-1, x.ndim - 1) else -1
            hints.append((ce.logsumexp(x, axis=other), f"reduced along axis {other}; reduce "
                          f"along axis={ax}"))
    got = call_valid(fn, (x,), _kwargs(axis, keepdims), what)
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                 shape_hint="logsumexp removes `axis` from the shape (keeps it with length 1 "
                            "when keepdims=True)")


def lse_small(fn, rng):
    _lse(fn, _x([1.0, 2.0, 3.0]), "logsumexp([1, 2, 3])")


def lse_random(fn, rng):
    _lse(fn, logits(rng, (4, 5)), "logsumexp of random logits of shape (4, 5) (one value per "
         "row)")


def lse_hidden(fn, rng):
    _lse(fn, logits(rng, (2, 3, 6)), "logsumexp of random logits of shape (2, 3, 6)")
    _lse(fn, logits(rng, 7, dtype=np.float32), "logsumexp of float32 logits", rtol=1e-5,
         atol=1e-5)


OVERFLOW_LSE = ("exp(1000) overflows to inf; shift by the maximum: logsumexp(x) = m + "
                "log(sum(exp(x - m))) with m = max(x) along the axis")
ROW_MAX = ("a row whose logits are far below the largest logit of the whole array gave a "
           "non-finite value: shift each row by its own maximum "
           "(np.max(x, axis=axis, keepdims=True)), not by the maximum of the array")


def lse_large(fn, rng):
    x = _x([1000.0, 1.0])
    assert_finite(call_valid(fn, (x,), {}, "logsumexp"), "logsumexp([1000, 1])", OVERFLOW_LSE)
    _lse(fn, x, "logsumexp([1000, 1])")
    x = _x([-1000.0, -1000.0])
    assert_finite(call_valid(fn, (x,), {}, "logsumexp"), "logsumexp([-1000, -1000])",
                  "exp(-1000) underflows to 0 and log(0) is -inf; " + OVERFLOW_LSE)
    _lse(fn, x, "logsumexp([-1000, -1000])")


def lse_rows(fn, rng):
    x = _x([[1000.0, 999.0], [-1000.0, -1001.0]])
    assert_finite(call_valid(fn, (x,), {}, "logsumexp"), "logsumexp([[1000, 999], "
                  "[-1000, -1001]])", ROW_MAX)
    _lse(fn, x, "logsumexp([[1000, 999], [-1000, -1001]])")


def lse_large_hidden(fn, rng):
    x = logits(rng, (5, 4), scale=1e4)
    assert_finite(call_valid(fn, (x,), {}, "logsumexp"), "logsumexp of logits of size 1e4",
                  OVERFLOW_LSE)
    _lse(fn, x, "logsumexp of logits of size 1e4")
    x = _x([100.0, 90.0, -50.0], np.float32)
    assert_finite(call_valid(fn, (x,), {}, "logsumexp"), "logsumexp of float32 [100, 90, -50] "
                  "(exp overflows float32 above 88.7)", OVERFLOW_LSE)
    _lse(fn, x, "logsumexp of float32 [100, 90, -50]", rtol=1e-6, atol=1e-5)


def lse_axis(fn, rng):
    x = logits(rng, (3, 4))
    _lse(fn, x, "logsumexp(x, axis=0) for x of shape (3, 4)", axis=0)
    _lse(fn, x, "logsumexp(x, keepdims=True) for x of shape (3, 4)", keepdims=True)


def lse_axis_hidden(fn, rng):
    x = logits(rng, (2, 5, 3))
    _lse(fn, x, "logsumexp(x, axis=1, keepdims=True) for shape (2, 5, 3)", axis=1,
         keepdims=True)
    _lse(fn, x, "logsumexp(x, axis=0) for shape (2, 5, 3)", axis=0)


NEG_INF = ("with every logit -inf the maximum is -inf and x - m is -inf - (-inf) = NaN; where "
           "the maximum is not finite, shift by 0 instead")


def lse_infinite(fn, rng):
    _lse(fn, _x([-INF, 0.0]), "logsumexp([-inf, 0]) (a -inf logit contributes exp(-inf) = 0)")
    x = _x([-INF, -INF])
    got = np.asarray(call_valid(fn, (x,), {}, "logsumexp"))
    if got.dtype.kind in "biuf" and np.isnan(got).any():
        raise CheckFailed(f"logsumexp([-inf, -inf]): got NaN, expected -inf; {NEG_INF}")
    _lse(fn, x, "logsumexp([-inf, -inf]) (the log of a sum of zeros: -inf)")


def lse_infinite_hidden(fn, rng):
    x = logits(rng, (4, 3))
    x[1] = -INF
    x[2, 0] = -INF
    _lse(fn, x, "logsumexp of a (4, 3) batch with a row of -inf and a single -inf")


register("test_logsumexp", "logsumexp", [lse_small, lse_random], [lse_hidden])
register("test_logsumexp-stability", "logsumexp", [lse_large, lse_rows], [lse_large_hidden])
register("test_logsumexp-axis", "logsumexp", [lse_axis], [lse_axis_hidden])
register("test_logsumexp-infinite", "logsumexp", [lse_infinite], [lse_infinite_hidden])


# --------------------------------------------------------------------------- softmax

OVERFLOW_SOFTMAX = ("softmax overflowed for logits of 1000: subtract the row maximum first "
                    "(softmax(x) = softmax(x - max(x)), so nothing changes but exp stays <= 1)")


def _softmax(fn, x, what, axis=None, rtol=None, atol=None, dtype=None):
    ax = -1 if axis is None else axis
    want = ce.softmax(x, axis=ax)
    hints = []
    with np.errstate(all="ignore"):
        if x.ndim > 1:
            other = 0 if ax in (-1, x.ndim - 1) else -1
            hints.append((ce.softmax(x, axis=other), f"normalised along axis {other}; the "
                          f"probabilities must sum to 1 along axis={ax}"))
        hints.append((np.exp(x - np.max(x, axis=ax, keepdims=True)), "the exponentials are "
                      "not normalised: divide by their sum along the axis"))
        hints.append((ce.log_softmax(x, axis=ax), "returned log-probabilities: softmax "
                      "returns probabilities"))
    got = call_valid(fn, (x,), _kwargs(axis), what)
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints, dtype=dtype,
                 shape_hint="softmax keeps the shape of x (use keepdims=True in the sums)")


def softmax_small(fn, rng):
    _softmax(fn, _x([1.0, 2.0, 3.0]), "softmax([1, 2, 3])")


def softmax_random(fn, rng):
    _softmax(fn, logits(rng, (3, 4)), "softmax of random logits of shape (3, 4) (rows sum "
             "to 1)")


def softmax_hidden(fn, rng):
    _softmax(fn, logits(rng, (2, 3, 5)), "softmax of random logits of shape (2, 3, 5)")
    _softmax(fn, logits(rng, (4, 6), dtype=np.float32), "softmax of float32 logits",
             rtol=1e-5, atol=1e-6)
    _softmax(fn, logits(rng, (5, 1)), "softmax of a single class (probability 1)")


def softmax_large(fn, rng):
    x = _x([1000.0, 1001.0, 1002.0])
    assert_finite(call_valid(fn, (x,), {}, "softmax"), "softmax([1000, 1001, 1002])",
                  OVERFLOW_SOFTMAX)
    _softmax(fn, x, "softmax([1000, 1001, 1002])")


def softmax_rows(fn, rng):
    x = _x([[1000.0, 999.0], [-1000.0, -1001.0]])
    assert_finite(call_valid(fn, (x,), {}, "softmax"), "softmax([[1000, 999], "
                  "[-1000, -1001]])", ROW_MAX)
    _softmax(fn, x, "softmax([[1000, 999], [-1000, -1001]])")


def softmax_large_hidden(fn, rng):
    x = logits(rng, (4, 5), scale=1e4)
    assert_finite(call_valid(fn, (x,), {}, "softmax"), "softmax of logits of size 1e4",
                  OVERFLOW_SOFTMAX)
    _softmax(fn, x, "softmax of logits of size 1e4")
    x = _x([[100.0, 0.0, -5.0]], np.float32)
    assert_finite(call_valid(fn, (x,), {}, "softmax"), "softmax of float32 logits [100, 0, -5] "
                  "(exp overflows float32 above 88.7)", OVERFLOW_SOFTMAX)
    _softmax(fn, x, "softmax of float32 logits [100, 0, -5]", rtol=1e-5, atol=1e-6)


def softmax_axis(fn, rng):
    _softmax(fn, logits(rng, (3, 4)), "softmax(x, axis=0) for x of shape (3, 4) (columns sum "
             "to 1)", axis=0)


def softmax_axis_hidden(fn, rng):
    _softmax(fn, logits(rng, (2, 4, 3)), "softmax(x, axis=1) for shape (2, 4, 3)", axis=1)


def softmax_infinite(fn, rng):
    _softmax(fn, _x([-INF, 0.0, 0.0]), "softmax([-inf, 0, 0]) (a -inf logit has probability "
             "exactly 0)")
    _softmax(fn, _x([[-INF, 2.0], [3.0, -INF]]), "softmax([[-inf, 2], [3, -inf]])")


def softmax_infinite_hidden(fn, rng):
    x = logits(rng, (4, 5))
    x[x < -2] = -INF
    x[:, 0] = rng.normal(size=4)  # every row keeps a finite logit
    _softmax(fn, x, "softmax of a (4, 5) batch with -inf logits")


register("test_softmax", "softmax", [softmax_small, softmax_random], [softmax_hidden])
register("test_softmax-stability", "softmax", [softmax_large, softmax_rows],
         [softmax_large_hidden])
register("test_softmax-axis", "softmax", [softmax_axis], [softmax_axis_hidden])
register("test_softmax-infinite", "softmax", [softmax_infinite], [softmax_infinite_hidden])


# --------------------------------------------------------------------------- log_softmax

LOG_OF_ZERO = ("log(softmax(x)) takes the log of probabilities that underflowed to 0 (and "
               "x - log(sum(exp(x))) overflows); compute (x - m) - log(sum(exp(x - m))) with m "
               "the row maximum")


def _log_softmax(fn, x, what, axis=None, rtol=None, atol=None):
    ax = -1 if axis is None else axis
    want = ce.log_softmax(x, axis=ax)
    hints = [(ce.softmax(x, axis=ax), "returned probabilities: log_softmax returns their logs")]
    if x.ndim > 1:
        other = 0 if ax in (-1, x.ndim - 1) else -1
        hints.append((ce.log_softmax(x, axis=other), f"normalised along axis {other}; use "
                      f"axis={ax}"))
    got = call_valid(fn, (x,), _kwargs(axis), what)
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                 shape_hint="log_softmax keeps the shape of x (use keepdims=True)")


def log_softmax_small(fn, rng):
    _log_softmax(fn, _x([1.0, 2.0, 3.0]), "log_softmax([1, 2, 3])")


def log_softmax_random(fn, rng):
    _log_softmax(fn, logits(rng, (3, 4)), "log_softmax of random logits of shape (3, 4)")


def log_softmax_hidden(fn, rng):
    _log_softmax(fn, logits(rng, (2, 3, 5)), "log_softmax of random logits of shape (2, 3, 5)")
    _log_softmax(fn, logits(rng, 6, dtype=np.float32), "log_softmax of float32 logits",
                 rtol=1e-5, atol=1e-5)


def log_softmax_large(fn, rng):
    x = _x([1000.0, 1.0])
    assert_finite(call_valid(fn, (x,), {}, "log_softmax"), "log_softmax([1000, 1])",
                  LOG_OF_ZERO)
    _log_softmax(fn, x, "log_softmax([1000, 1]) (= [0, -999])")
    x = _x([[0.0, -800.0], [1e4, 0.0]])
    assert_finite(call_valid(fn, (x,), {}, "log_softmax"), "log_softmax([[0, -800], [1e4, 0]])",
                  LOG_OF_ZERO)
    _log_softmax(fn, x, "log_softmax([[0, -800], [1e4, 0]])")


def log_softmax_large_hidden(fn, rng):
    x = logits(rng, (5, 4), scale=1e4)
    assert_finite(call_valid(fn, (x,), {}, "log_softmax"), "log_softmax of logits of size 1e4",
                  LOG_OF_ZERO)
    _log_softmax(fn, x, "log_softmax of logits of size 1e4")
    x = _x([[1000.0, 999.0], [-1000.0, -1001.0]])
    assert_finite(call_valid(fn, (x,), {}, "log_softmax"), "log_softmax([[1000, 999], "
                  "[-1000, -1001]])", ROW_MAX)
    _log_softmax(fn, x, "log_softmax([[1000, 999], [-1000, -1001]])")


def log_softmax_axis(fn, rng):
    _log_softmax(fn, logits(rng, (3, 4)), "log_softmax(x, axis=0) for x of shape (3, 4)",
                 axis=0)


def log_softmax_axis_hidden(fn, rng):
    _log_softmax(fn, logits(rng, (2, 4, 3)), "log_softmax(x, axis=1) for shape (2, 4, 3)",
                 axis=1)


register("test_log_softmax", "log_softmax", [log_softmax_small, log_softmax_random],
         [log_softmax_hidden])
register("test_log_softmax-stability", "log_softmax", [log_softmax_large],
         [log_softmax_large_hidden])
register("test_log_softmax-axis", "log_softmax", [log_softmax_axis], [log_softmax_axis_hidden])


# --------------------------------------------------------------------------- softmax_jacobian


def _jacobian(fn, z, what, fd=True, shape_hint=None):
    want = ref_jacobian(z)
    with np.errstate(all="ignore"):
        p = ce.softmax(z)
        diag = np.zeros_like(want)
        np.einsum("...ii->...i", diag)[...] = p
        elementwise = diag - (p * p)[..., None, :]  # np.diag(p) - p * p
    hints = [(-want, "the sign is flipped: J = diag(p) - p p^T (dp_i / dz_i = p_i (1 - p_i) "
                     "> 0)"),
             (elementwise, "p p^T is an outer product (p[:, None] * p[None, :]), not the "
                           "element-wise p * p"),
             (diag, "the - p p^T term is missing: J = diag(p) - p p^T")]
    got = call_valid(fn, (z,), {}, what)
    got = assert_close(got, want, what, hints=hints,
                       shape_hint=shape_hint or "the Jacobian of logits of shape (C,) "
                                                "has shape (C, C)")
    if fd and z.ndim == 1:
        rows = [numerical_gradient(lambda v, i=i: ce.softmax(v)[i], z.copy())
                for i in range(z.shape[0])]
        assert_close(got, np.array(rows), f"{what} (against finite differences of softmax)",
                     rtol=1e-5, atol=1e-8)


def jacobian_small(fn, rng):
    _jacobian(fn, _x([0.0, 0.0]), "softmax_jacobian([0, 0])")


def jacobian_random(fn, rng):
    _jacobian(fn, logits(rng, 4), "softmax_jacobian of 4 random logits")


def jacobian_hidden(fn, rng):
    _jacobian(fn, logits(rng, 7), "softmax_jacobian of 7 random logits")
    _jacobian(fn, _x([2.0]), "softmax_jacobian of a single class ([[0]])", fd=False)


BATCH = ("with logits of shape (N, C) return one C x C matrix per row, shape (N, C, C): build "
         "diag(p) and p p^T with broadcasting (p[..., :, None] * p[..., None, :])")


def jacobian_batch(fn, rng):
    _jacobian(fn, logits(rng, (3, 4)), "softmax_jacobian of logits of shape (3, 4)",
              shape_hint=BATCH)


def jacobian_batch_hidden(fn, rng):
    _jacobian(fn, logits(rng, (2, 2, 5)), "softmax_jacobian of logits of shape (2, 2, 5)",
              shape_hint=BATCH)


def jacobian_large(fn, rng):
    z = _x([1000.0, 0.0, -1000.0])
    assert_finite(call_valid(fn, (z,), {}, "softmax_jacobian"), "softmax_jacobian([1000, 0, "
                  "-1000])", OVERFLOW_SOFTMAX)
    _jacobian(fn, z, "softmax_jacobian([1000, 0, -1000])", fd=False)


def jacobian_large_hidden(fn, rng):
    z = logits(rng, (3, 4), scale=1e4)
    assert_finite(call_valid(fn, (z,), {}, "softmax_jacobian"), "softmax_jacobian of logits of "
                  "size 1e4", OVERFLOW_SOFTMAX)
    _jacobian(fn, z, "softmax_jacobian of logits of size 1e4", fd=False)
    _jacobian(fn, _x([1000.0, 0.0, -INF]), "softmax_jacobian([1000, 0, -inf]) (a -inf class "
              "has a zero row and column)", fd=False)


register("test_softmax_jacobian", "softmax_jacobian", [jacobian_small, jacobian_random],
         [jacobian_hidden])
register("test_softmax_jacobian-batch", "softmax_jacobian", [jacobian_batch],
         [jacobian_batch_hidden])
register("test_softmax_jacobian-stability", "softmax_jacobian", [jacobian_large],
         [jacobian_large_hidden])
