"""Checks of assignment a07_gradient_checking: central differences of the softmax
cross-entropy, a sparse gradient check, the softmax vector-Jacobian product and the first
non-finite entry of a trace.

The learner's tools take and return arrays (a grader in another process cannot pass them a
Python function), so the function being differentiated is fixed: the mean softmax
cross-entropy of chapter 6, of the logits or of a linear model's weights.
"""

import numpy as np

import crossentropy as ce
from crossentropy.debugging import find_first_nonfinite as ref_first
from crossentropy.debugging import grad_check_sparse as ref_sparse
from crossentropy.debugging import relative_error
from crossentropy.debugging import softmax_cross_entropy_numerical_grad as ref_fd
from crossentropy.jacobian import softmax_vjp as ref_vjp
from crossentropy.testing import numerical_gradient

from ._core import (
    CheckFailed,
    assert_close,
    close,
    assert_finite,
    assert_raises,
    call_valid,
    fmt,
    logits,
    numeric,
    parts,
    register,
)

FD = "softmax_cross_entropy_numerical_grad"
SPARSE = "grad_check_sparse"
VJP = "softmax_vjp"
FIRST = "find_first_nonfinite"


def _labels(rng, n, c):
    return rng.integers(0, c, size=n).astype(np.int64)


def _compare(result, want, what, rtol, atol, hints, shape_hint=""):
    """assert_close, but a hint counts only if the result is close to it with the hint's own
    tolerance (value, message[, rtol, atol]): a finite-difference mistake can be as small as
    1e-7, too small for assert_close's loose hint matching to tell it from the answer."""
    got = numeric(result, what)
    want = np.asarray(want)
    if got.shape == want.shape and close(got, want, rtol, atol):
        return got
    for hint in hints:
        value, message = np.asarray(hint[0]), hint[1]
        h_rtol, h_atol = (hint[2], hint[3]) if len(hint) > 2 else (rtol, atol)
        if value.shape == got.shape and close(got, value, h_rtol, h_atol):
            raise CheckFailed(f"{what}: {message}")
    # an array atol (one per entry) is reported by its smallest entry, which fails too
    return assert_close(got, want, what, rtol=rtol, atol=float(np.min(atol)),
                        shape_hint=shape_hint)


# --------------------------------------------------------------------------- central differences


def _forward(z, t, h):
    """The forward difference (L(z + h e) - L(z)) / h, a typical mistake."""
    z = np.array(z, copy=True)
    h = float(np.cbrt(np.finfo(z.dtype).eps)) if h is None else h
    base = ce.softmax_cross_entropy(z, t)
    out = np.empty_like(z)
    for i in np.ndindex(z.shape):
        original = z[i]
        z[i] = original + h
        out[i] = (ce.softmax_cross_entropy(z, t) - base) / h
        z[i] = original
    return out


def _not_restored(z, t, h):
    """Central differences that leave each perturbed logit at x - h (no restore)."""
    z = np.array(z, copy=True)
    h = float(np.cbrt(np.finfo(z.dtype).eps)) if h is None else h
    out = np.empty_like(z)
    for i in np.ndindex(z.shape):
        z[i] += h
        plus = ce.softmax_cross_entropy(z, t)
        z[i] -= 2 * h
        out[i] = (plus - ce.softmax_cross_entropy(z, t)) / (2 * h)
    return out


def _fd(fn, z, t, what, h=None):
    """The learner's central differences against the reference's, with the same step."""
    want = ref_fd(z, t, h)
    n = z.shape[0]
    hints = [(_forward(z, t, h), "these are forward differences (L(z + h) - L(z)) / h, whose "
              "error is O(h); use central differences (L(z + h) - L(z - h)) / (2h), error "
              "O(h^2)"),
             (_not_restored(z, t, h), "each perturbed logit was left at z - h: restore it "
              "(z[i] = original) before moving to the next one, or every later derivative "
              "is taken at a shifted point"),
             (want * n, "N times too large: the loss is the mean over the N samples, not the "
              "sum"),
             (-want, "the sign is flipped: (L(z + h) - L(z - h)) / (2h), plus step first")]
    if h is not None:
        hints.append((ref_fd(z, t), f"this is the derivative with the default step, but h={h:g} "
                      "was passed: use the h argument"))
    hints.append((want / 2, "half the derivative: divide by 2h (z + h and z - h are 2h apart), "
                  "not by 4h"))
    args = (z.copy(), t) if h is None else (z.copy(), t, h)
    got = call_valid(fn, args, {}, what)
    # The rounding error is about eps * L / h: 1e-10 at the default step of float64 (a step
    # of 1e-6 is fine too), 1e-13 at h >= 1e-3. Forward differences are off by >= 1e-7.
    atol = 1e-8 if h is None else 1e-9
    return _compare(got, want, what, 1e-7, atol, hints,
                    shape_hint="the gradient has the shape of logits, (N, C)")


def fd_example(fn, rng):
    _fd(fn, np.array([[0.0, np.log(3.0)]]), np.array([0]),
        f"{FD}([[0, log 3]], [0]) (about [[-0.75, 0.75]])")


def fd_random(fn, rng):
    _fd(fn, logits(rng, (4, 5)), _labels(rng, 4, 5), f"{FD} of (4, 5) random logits")


def fd_hidden(fn, rng):
    z, t = logits(rng, (6, 3)), _labels(rng, 6, 3)
    got = _fd(fn, z, t, f"{FD} of (6, 3) random logits")
    assert_close(got, ce.softmax_cross_entropy_grad(z, t), f"{FD} of (6, 3) random logits "
                 "against the analytic gradient softmax(z) - onehot(y), divided by N",
                 rtol=1e-6, atol=1e-8)
    _fd(fn, logits(rng, (1, 7)), _labels(rng, 1, 7), f"{FD} of a single sample of 7 classes")


def fd_step(fn, rng):
    z, t = logits(rng, (3, 4)), _labels(rng, 3, 4)
    _fd(fn, z, t, f"{FD}(logits, targets, h=1e-2) (a large step: the truncation error shows)",
        h=1e-2)


def fd_step_hidden(fn, rng):
    z, t = logits(rng, (5, 3)), _labels(rng, 5, 3)
    _fd(fn, z, t, f"{FD}(logits, targets, h=1e-3)", h=1e-3)
    _fd(fn, z, t, f"{FD}(logits, targets, h=0.1)", h=0.1)


DTYPE_STEP = ("in float32 the default step must be eps^(1/3) of float32, about 5e-3: with "
              "h = 1e-6, z + h rounds to a few float32 steps and the rounding error eps * L / "
              "h swamps the derivative. Take the step from the dtype of the logits "
              "(np.finfo(logits.dtype).eps ** (1 / 3))")


def _fd32(fn, z, t, what):
    z32 = z.astype(np.float32)
    got = call_valid(fn, (z32.copy(), t), {}, what)
    got = numeric(got, what)
    analytic = ce.softmax_cross_entropy_grad(z, t)
    if got.shape != analytic.shape:
        raise CheckFailed(f"{what}: expected shape {analytic.shape}, got shape {got.shape}")
    if not np.all(np.isfinite(got)) or np.max(np.abs(got - analytic)) > 5e-4:
        worst = float(np.max(np.abs(got.astype(np.float64) - analytic)))
        raise CheckFailed(f"{what}: off from the true gradient by {fmt(worst)} (a float32 "
                          f"central difference with a good step is within 1e-4); {DTYPE_STEP}")
    if got.dtype != np.float32:
        raise CheckFailed(f"{what}: returned {got.dtype} for float32 logits; keep the dtype of "
                          "the logits (np.empty_like(logits), or evaluate the loss in float32)")


def fd_dtype(fn, rng):
    z = logits(rng, (4, 5))
    _fd32(fn, z, _labels(rng, 4, 5), f"{FD} of float32 logits with the default step")


def fd_dtype_hidden(fn, rng):
    z = logits(rng, (6, 4), scale=2.0)
    _fd32(fn, z, _labels(rng, 6, 4), f"{FD} of float32 logits (6, 4) with the default step")
    _fd(fn, logits(rng, (3, 3)), _labels(rng, 3, 3), f"{FD} of float64 logits with the default "
        "step (eps^(1/3) of float64, about 6e-6)")


STABLE = ("the loss overflowed for logits of 1000 (log(softmax(z)) is log 0 = -inf, or exp "
          "overflows): evaluate each loss stably, logsumexp(z) - z_y with the row maximum "
          "subtracted")


def fd_large(fn, rng):
    z, t = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]]), np.array([2, 1])
    what = f"{FD}([[1000, 0, -1000], [0, 1000, 0]], [2, 1])"
    got = assert_finite(call_valid(fn, (z.copy(), t), {}, what), what, STABLE)
    assert_close(got, ce.softmax_cross_entropy_grad(z, t), f"{what} against the analytic "
                 "gradient", rtol=1e-6, atol=1e-5)


def fd_large_hidden(fn, rng):
    z, t = logits(rng, (3, 4), scale=300.0), _labels(rng, 3, 4)
    what = f"{FD} of logits of size 300"
    got = assert_finite(call_valid(fn, (z.copy(), t), {}, what), what, STABLE)
    assert_close(got, ce.softmax_cross_entropy_grad(z, t), f"{what} against the analytic "
                 "gradient", rtol=1e-6, atol=1e-5)


register(f"test_{FD}", FD, [fd_example, fd_random], [fd_hidden])
register(f"test_{FD}-step", FD, [fd_step], [fd_step_hidden])
register(f"test_{FD}-dtype", FD, [fd_dtype], [fd_dtype_hidden])
register(f"test_{FD}-stability", FD, [fd_large], [fd_large_hidden])


# --------------------------------------------------------------------------- sparse check


def _model(rng, n=30, d=5, c=4):
    """A linear softmax classifier whose gradient entries are all at least 1e-3 in size, so
    that relative errors are not dominated by rounding (which is about 1e-8 / |g|)."""
    for _ in range(200):
        W = rng.normal(size=(d, c)) * 0.5
        X = rng.normal(size=(n, d))
        y = _labels(rng, n, c)
        analytic = X.T @ ce.softmax_cross_entropy_grad(X @ W, y)
        if np.min(np.abs(analytic)) > 1e-3:
            break
    return W, X, y, analytic


def _numerical_at(W, X, y, indices, h):
    out = []
    for i, j in indices:
        step = np.zeros_like(W)
        step[i, j] = h
        out.append((float(ce.softmax_cross_entropy(X @ (W + step), y))
                    - float(ce.softmax_cross_entropy(X @ (W - step), y))) / (2 * h))
    return np.array(out)


def _forward_at(W, X, y, indices, h):
    base = float(ce.softmax_cross_entropy(X @ W, y))
    out = []
    for i, j in indices:
        step = np.zeros_like(W)
        step[i, j] = h
        out.append((float(ce.softmax_cross_entropy(X @ (W + step), y)) - base) / h)
    return np.array(out)


def _sparse_call(fn, W, X, y, analytic, num_checks, h, seed, what):
    result = call_valid(fn, (W.copy(), X, y, analytic), {"num_checks": num_checks, "h": h,
                                                         "seed": seed}, what)
    indices, errors = parts(result, 2, what, ["indices", "errors"])
    if indices.shape != (num_checks, 2):
        raise CheckFailed(f"{what}: indices must have shape (num_checks, 2) = ({num_checks}, 2),"
                          f" one (row, column) pair of W per check, got shape {indices.shape}")
    if indices.dtype.kind not in "iu" and not np.all(indices == np.round(indices)):
        raise CheckFailed(f"{what}: indices must be integers, got {fmt(indices)}")
    indices = indices.astype(np.int64)
    if np.any(indices < 0) or np.any(indices >= np.array(W.shape)):
        raise CheckFailed(f"{what}: an index lies outside W of shape {W.shape}: "
                          f"{fmt(indices)}")
    if errors.shape != (num_checks,):
        raise CheckFailed(f"{what}: errors must have shape (num_checks,) = ({num_checks},), one "
                          f"relative error per checked coordinate, got shape {errors.shape}")
    return indices, errors


def _sparse(fn, W, X, y, analytic, what, num_checks=8, h=1e-6, seed=0, noise=3e-6):
    """Run the learner's check and recompute the errors at the coordinates it chose.

    Two correct checks differ in their numerical derivatives by their rounding (about
    eps * L / h: 1e-9 at h = 1e-6) and the relative error divides that by |g| >= 1e-3. At
    h = 1e-6 the tolerance ``noise / |g|`` (3e-6 / |g|) also forgives forward differences
    (off by h f'' / 2 <= 3e-7), which the large steps of the "step" cell expose instead."""
    indices, errors = _sparse_call(fn, W, X, y, analytic, num_checks, h, seed, what)
    a = analytic[indices[:, 0], indices[:, 1]]
    n = _numerical_at(W, X, y, indices, h)
    want = relative_error(a, n)
    atol = 1e-9 + noise / np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-12)
    hints = [(np.abs(a - n), "these are absolute errors |a - n|; the relative error divides by "
              "max(|a|, |n|), so that it does not depend on the scale of the loss"),
             (np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-12), "the denominator "
              "|a| + |n| (CS231n's) gives half the error; divide by max(|a|, |n|)"),
             (relative_error(a, _forward_at(W, X, y, indices, h)), "the numerical derivatives "
              "are forward differences; use (L(W + h E) - L(W - h E)) / (2h)", 2e-2, atol),
             (np.abs(a - n) / np.maximum(np.abs(n), 1e-12), "divided by |numerical| only; "
              "divide by max(|a|, |n|) (symmetric, and finite when one of them is 0)")]
    _compare(errors, want, f"{what}: the relative errors at the coordinates you checked "
             f"({fmt(indices)})", 1e-4, atol, hints, shape_hint="one relative error per check")
    return indices, errors



def _corrupt(rng, analytic):
    factor = 1 + rng.uniform(0.05, 0.6, size=analytic.shape) * rng.choice([-1, 1],
                                                                             size=analytic.shape)
    return analytic * factor


def sparse_right(fn, rng):
    W, X, y, analytic = _model(rng)
    what = f"{SPARSE}(W, X, y, analytic) with the right analytic gradient"
    _, errors = _sparse(fn, W, X, y, analytic, what)
    if np.max(errors) > 1e-3:
        raise CheckFailed(f"{what}: relative errors up to {fmt(np.max(errors))} for a correct "
                          "gradient (central differences with h = 1e-6 give about 1e-8)")


def sparse_wrong(fn, rng):
    W, X, y, analytic = _model(rng)
    _sparse(fn, W, X, y, _corrupt(rng, analytic), f"{SPARSE} with an analytic gradient that "
            "is 5% to 60% off in every entry", num_checks=6, seed=3)


def sparse_hidden(fn, rng):
    W, X, y, analytic = _model(rng, n=50, d=7, c=3)
    _sparse(fn, W, X, y, _corrupt(rng, analytic), f"{SPARSE} on a (7, 3) model with a wrong "
            "gradient", num_checks=10, seed=11)
    wrong = analytic.copy()
    wrong[2] = -wrong[2]
    _sparse(fn, W, X, y, wrong, f"{SPARSE} with one row of the gradient flipped",
            num_checks=12, seed=5)


SEED = ("draw the coordinates with rng = np.random.default_rng(seed), so that the same seed "
        "checks the same coordinates (and another seed others)")


def sparse_indices(fn, rng):
    W, X, y, analytic = _model(rng)
    what = f"{SPARSE}(..., num_checks=15, seed=7) called twice"
    first, _ = _sparse_call(fn, W, X, y, analytic, 15, 1e-6, 7, what)
    second, _ = _sparse_call(fn, W, X, y, analytic, 15, 1e-6, 7, what)
    if not np.array_equal(first, second):
        raise CheckFailed(f"{what}: checked different coordinates ({fmt(first[:3])}... then "
                          f"{fmt(second[:3])}...); {SEED}")
    other, _ = _sparse_call(fn, W, X, y, analytic, 15, 1e-6, 8, f"{SPARSE}(..., seed=8)")
    if np.array_equal(first, other):
        raise CheckFailed(f"{SPARSE} with seed=7 and seed=8 checked the same 15 coordinates: "
                          f"the seed was ignored; {SEED}")


def sparse_indices_hidden(fn, rng):
    W, X, y, analytic = _model(rng, n=20, d=3, c=6)
    what = f"{SPARSE} of a (3, 6) weight matrix, num_checks=40"
    indices, _ = _sparse_call(fn, W, X, y, analytic, 40, 1e-6, 1, what)
    if len({tuple(p) for p in indices.tolist()}) < 5:
        raise CheckFailed(f"{what}: only {len({tuple(p) for p in indices.tolist()})} distinct "
                          "coordinates among 40 checks; draw rows and columns at random")
    _sparse_call(fn, W, X, y, analytic, 1, 1e-6, 2, f"{SPARSE}(..., num_checks=1)")


def sparse_step(fn, rng):
    W, X, y, analytic = _model(rng)
    _sparse(fn, W, X, y, analytic, f"{SPARSE}(..., h=1e-2) with the right gradient (the "
            "O(h^2) truncation error shows)", h=1e-2, seed=2, noise=1e-10)


def sparse_step_hidden(fn, rng):
    W, X, y, analytic = _model(rng, n=40, d=4, c=5)
    _sparse(fn, W, X, y, analytic, f"{SPARSE}(..., h=0.05)", h=0.05, seed=9, noise=1e-10)


register(f"test_{SPARSE}", SPARSE, [sparse_right, sparse_wrong], [sparse_hidden])
register(f"test_{SPARSE}-indices", SPARSE, [sparse_indices], [sparse_indices_hidden])
register(f"test_{SPARSE}-step", SPARSE, [sparse_step], [sparse_step_hidden])


# --------------------------------------------------------------------------- softmax_vjp


def _vjp(fn, z, v, what, fd=True, shape_hint=None):
    want = ref_vjp(z, v)
    with np.errstate(all="ignore"):
        p = ce.softmax(z)
        hints = [(-want, "the sign is flipped: J^T v = p * (v - <v, p>)"),
                 (p * v, "the - <v, p> term is missing: J^T v = p * (v - sum(v * p))"),
                 (p * (v - np.sum(v, axis=-1, keepdims=True)), "the inner product <v, p> is "
                  "sum(v * p) along the classes, not sum(v)")]
        if z.ndim > 1:
            hints.append((p * (v - np.sum(v * p)), "<v, p> was summed over the whole batch: "
                          "sum over the classes only (axis=-1, keepdims=True)"))
    got = call_valid(fn, (z, v), {}, what)
    got = assert_close(got, want, what, hints=hints,
                       shape_hint=shape_hint or "J^T v has the shape of the logits")
    if fd:
        numerical = numerical_gradient(lambda x: float(np.sum(v * ce.softmax(x))), z.copy())
        assert_close(got, numerical, f"{what} (against finite differences of sum(v * "
                     "softmax(z)))", rtol=1e-5, atol=1e-8)


def vjp_example(fn, rng):
    _vjp(fn, np.array([0.0, 0.0]), np.array([1.0, 0.0]), f"{VJP}([0, 0], [1, 0]) (= [0.25, "
         "-0.25])")


def vjp_random(fn, rng):
    _vjp(fn, logits(rng, 5), rng.normal(size=5), f"{VJP} of 5 random logits and a random v")


def vjp_hidden(fn, rng):
    _vjp(fn, logits(rng, 8), rng.normal(size=8), f"{VJP} of 8 random logits")
    z = logits(rng, 4)
    _vjp(fn, z, np.full(4, 2.5), f"{VJP} with a constant v (softmax sums to 1, so J^T v = 0)")


BATCH = ("for logits of shape (N, C) each row is its own softmax: compute <v, p> per row with "
         "np.sum(v * p, axis=-1, keepdims=True)")


def vjp_batch(fn, rng):
    _vjp(fn, logits(rng, (3, 4)), rng.normal(size=(3, 4)), f"{VJP} of (3, 4) logits",
         shape_hint=BATCH)


def vjp_batch_hidden(fn, rng):
    _vjp(fn, logits(rng, (2, 3, 5)), rng.normal(size=(2, 3, 5)), f"{VJP} of (2, 3, 5) logits",
         shape_hint=BATCH)
    _vjp(fn, logits(rng, (4, 4)), rng.normal(size=(4, 4)), f"{VJP} of (4, 4) logits",
         shape_hint=BATCH)


OVERFLOW = ("the softmax overflowed for logits of 1000: subtract the row maximum before exp")


def vjp_large(fn, rng):
    z, v = np.array([1000.0, 999.0, 0.0]), np.array([1.0, -1.0, 3.0])
    what = f"{VJP}([1000, 999, 0], [1, -1, 3])"
    assert_finite(call_valid(fn, (z, v), {}, what), what, OVERFLOW)
    _vjp(fn, z, v, what, fd=False)


def vjp_large_hidden(fn, rng):
    z, v = logits(rng, (3, 5), scale=1e4), rng.normal(size=(3, 5))
    what = f"{VJP} of logits of size 1e4"
    assert_finite(call_valid(fn, (z, v), {}, what), what, OVERFLOW)
    _vjp(fn, z, v, what, fd=False)
    _vjp(fn, np.array([2.0, -np.inf, 0.0]), np.array([1.0, 5.0, -1.0]),
         f"{VJP}([2, -inf, 0], [1, 5, -1]) (a -inf class has p = 0 and gets 0)", fd=False)


SHAPES = ("logits and cotangent must have the same shape; a (C,) cotangent against (N, C) "
          "logits broadcasts silently: check the shapes and raise ValueError")


def vjp_rejects(fn, rng):
    assert_raises(fn, (logits(rng, (3, 4)), rng.normal(size=4)),
                  what=f"{VJP} of logits of shape (3, 4) and a cotangent of shape (4,)",
                  advice=SHAPES)


def vjp_rejects_hidden(fn, rng):
    assert_raises(fn, (logits(rng, (2, 5)), rng.normal(size=(2, 1))),
                  what=f"{VJP} of logits of shape (2, 5) and a cotangent of shape (2, 1)",
                  advice=SHAPES)


register(f"test_{VJP}", VJP, [vjp_example, vjp_random], [vjp_hidden])
register(f"test_{VJP}-batch", VJP, [vjp_batch], [vjp_batch_hidden])
register(f"test_{VJP}-stability", VJP, [vjp_large], [vjp_large_hidden])
register(f"test_{VJP}-shapes", VJP, [vjp_rejects], [vjp_rejects_hidden])


# --------------------------------------------------------------------------- first non-finite


def _first(fn, values, what):
    want = ref_first(values)
    try:
        got = fn(values)
    except ValueError as error:
        raise CheckFailed(f"{what}: raised ValueError on valid input ({error})") from None
    except (IndexError, TypeError) as error:
        if want is None:
            raise CheckFailed(f"{what}: raised {type(error).__name__} ({error}); when every "
                              "entry is finite there is no index to return: return None") \
                from None
        raise
    if want is None:
        if got is not None:
            raise CheckFailed(f"{what}: every entry is finite, expected None, got "
                              f"{fmt(numeric(got, what))} (np.argmax of an all-False mask is 0: "
                              "check that something was found)")
        return
    if got is None:
        raise CheckFailed(f"{what}: returned None, but entry {want} is "
                          f"{np.asarray(values)[want]}" + ("; np.isnan misses infinities: "
                                                          "use ~np.isfinite" if
                                                          np.isinf(np.asarray(values)[want])
                                                          else ""))
    array = np.asarray(values)
    got = numeric(got, what)
    if got.shape != (array.ndim,):
        hint = ""
        if got.size == 1 and array.ndim > 1 and \
                got.reshape(-1)[0] == np.ravel_multi_index(want, array.shape):
            hint = "; this is the flat index: convert it with np.unravel_index(i, values.shape)"
        raise CheckFailed(f"{what}: expected a tuple of {array.ndim} index (one per axis), "
                          f"{want}, got {fmt(got)}{hint}")
    got_index = tuple(int(i) for i in got)
    if got_index == want:
        return
    bad = [tuple(int(j) for j in i) for i in np.argwhere(~np.isfinite(array))]
    nan_only = [tuple(int(j) for j in i) for i in np.argwhere(np.isnan(array))]
    if nan_only and got_index == nan_only[0]:
        raise CheckFailed(f"{what}: returned {got_index}, the first NaN, but the infinity at "
                          f"{want} comes earlier: np.isnan misses infinities, use ~np.isfinite")
    if got_index == bad[-1]:
        raise CheckFailed(f"{what}: returned {got_index}, the last non-finite entry; the "
                          f"first is {want} (the first one is where the run broke)")
    if array.ndim > 1 and got_index in bad:
        raise CheckFailed(f"{what}: returned {got_index}, expected {want}: 'first' means in C "
                          "(row-major) order, the order of values.ravel()")
    raise CheckFailed(f"{what}: expected {want}, got {got_index}")


def first_small(fn, rng):
    _first(fn, np.array([2.3, 1.9, np.nan, 1.7]), f"{FIRST}([2.3, 1.9, nan, 1.7])")


def first_random(fn, rng):
    trace = np.exp(-np.arange(30) / 10.0) + rng.random(30)
    at = int(rng.integers(5, 25))
    trace[at:] = np.nan
    _first(fn, trace, f"{FIRST} of a loss trace of 30 steps that turns NaN")


def first_hidden(fn, rng):
    trace = rng.random(200)
    at = int(rng.integers(0, 200))
    trace[at] = np.nan
    trace[rng.integers(at, 200, size=3)] = np.nan
    _first(fn, trace, f"{FIRST} of a trace of 200 steps with a few NaNs")
    _first(fn, [0.5, 0.4, float("nan")], f"{FIRST} of a Python list [0.5, 0.4, nan]")
    _first(fn, np.array([np.nan]), f"{FIRST}([nan])")


def first_infinite(fn, rng):
    _first(fn, np.array([0.7, np.inf, np.nan, 0.1]), f"{FIRST}([0.7, inf, nan, 0.1]) (an "
           "infinity is not finite either)")


def first_infinite_hidden(fn, rng):
    trace = rng.random(50).astype(np.float32)
    at = int(rng.integers(3, 40))
    trace[at] = -np.inf
    trace[at + 5] = np.nan
    _first(fn, trace, f"{FIRST} of a float32 trace with -inf before a NaN")
    _first(fn, [1.0, float("inf")], f"{FIRST}([1.0, inf])")


def first_shapes(fn, rng):
    values = rng.normal(size=(3, 4))
    values[2, 0] = np.inf
    values[1, 3] = np.nan
    _first(fn, values, f"{FIRST} of a (3, 4) array with NaN at (1, 3) and inf at (2, 0)")


def first_shapes_hidden(fn, rng):
    values = rng.normal(size=(4, 3, 5))
    flat = np.sort(rng.choice(values.size, size=3, replace=False))
    values.reshape(-1)[flat] = [np.nan, -np.inf, np.nan]
    _first(fn, values, f"{FIRST} of a (4, 3, 5) array")
    values = rng.normal(size=(5, 2))
    values[0, 1] = np.nan
    values[3, 0] = np.inf
    _first(fn, values, f"{FIRST} of a (5, 2) array with NaN at (0, 1) and inf at (3, 0)")


def first_none(fn, rng):
    _first(fn, np.array([2.3, 1.9, 1.7]), f"{FIRST}([2.3, 1.9, 1.7]) (all finite)")


def first_none_hidden(fn, rng):
    _first(fn, rng.normal(size=(3, 3)), f"{FIRST} of a finite (3, 3) array")
    _first(fn, np.zeros(0), f"{FIRST} of an empty trace")
    _first(fn, np.arange(6), f"{FIRST} of integers (always finite)")


register(f"test_{FIRST}", FIRST, [first_small, first_random], [first_hidden])
register(f"test_{FIRST}-infinite", FIRST, [first_infinite], [first_infinite_hidden])
register(f"test_{FIRST}-shapes", FIRST, [first_shapes], [first_shapes_hidden])
register(f"test_{FIRST}-none", FIRST, [first_none], [first_none_hidden])
