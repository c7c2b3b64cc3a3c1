"""Checks of assignment a01_entropy: entropy, cross-entropy, KL divergence, mutual information."""

import numpy as np

import crossentropy as ce
from crossentropy.joint import mutual_information as ref_mutual_information

from ._core import assert_close, assert_raises, call_valid, distribution, fmt, register

NATS_NOT_BITS = ("returned bits: by default (base=None) the result is in nats, so use the "
                 "natural log np.log, and divide by np.log(base) only when base is given")
BITS_NOT_NATS = "base=2 asks for bits: divide the result in nats by np.log(base)"
SUM_TOLERANCE = ("the input was a valid distribution: compare its sum with 1 within a "
                 "tolerance (float32 sums are off by about 1e-7)")
SIGN = "the result is negative: H = -sum p log p, with a minus sign"


def _p(values):
    return np.array(values, dtype=np.float64)


# --------------------------------------------------------------------------- entropy


def _entropy_case(fn, p, what, axis=None, base=None, rtol=None, atol=None):
    kwargs = {}
    if axis is not None:
        kwargs["axis"] = axis
    if base is not None:
        kwargs["base"] = base
    want = ce.entropy(p, axis=-1 if axis is None else axis, base=base)
    hints = [(-want, SIGN)]
    if base is None:
        hints.append((want / np.log(2), NATS_NOT_BITS))
    else:
        hints.append((want * np.log(base), BITS_NOT_NATS))
    got = call_valid(fn, (p,), kwargs, what, SUM_TOLERANCE)
    ax = -1 if axis is None else axis
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                 shape_hint=f"the result is the shape of p without axis {ax}: reduce only "
                            "along `axis`")


def entropy_fair_coin(fn, rng):
    _entropy_case(fn, _p([0.5, 0.5]), "entropy([0.5, 0.5])")


def entropy_uniform(fn, rng):
    k = int(rng.integers(3, 9))
    _entropy_case(fn, np.full(k, 1 / k), f"entropy of the uniform distribution over {k} "
                  f"outcomes (log {k} = {np.log(k):.6f} nats)")


def entropy_random(fn, rng):
    p = distribution(rng, 5)
    _entropy_case(fn, p, f"entropy(p) for p = {fmt(p)}")


def entropy_bits(fn, rng):
    p = distribution(rng, 4)
    _entropy_case(fn, p, f"entropy(p, base=2) for p = {fmt(p)}", base=2)


def entropy_random_many(fn, rng):
    for k in (2, 7, 10):
        p = distribution(rng, k)
        _entropy_case(fn, p, f"entropy of a random distribution over {k} outcomes")
    p = distribution(rng, 6)
    _entropy_case(fn, p, "entropy(p, base=10)", base=10)


def entropy_float32(fn, rng):
    p = distribution(rng, 8, dtype=np.float32)
    _entropy_case(fn, p, "entropy of a float32 distribution", rtol=1e-4, atol=1e-6)


def entropy_one_hot(fn, rng):
    _entropy_case(fn, _p([0.0, 1.0, 0.0]),
                  "entropy([0, 1, 0]) (a certain outcome has entropy 0; 0 log 0 counts as 0)")


def entropy_with_zero(fn, rng):
    _entropy_case(fn, _p([0.0, 0.25, 0.75]),
                  "entropy([0, 0.25, 0.75]) (skip the p = 0 terms: 0 log 0 = 0, but "
                  "0 * np.log(0) is NaN)")


def entropy_zeros_batch(fn, rng):
    for row in distribution(rng, (5, 6), zeros=True):
        _entropy_case(fn, row, f"entropy({fmt(row)}) (with zero probabilities)")


def entropy_batch(fn, rng):
    p = distribution(rng, (4, 3))
    _entropy_case(fn, p, "entropy of a (4, 3) batch (one distribution per row)")


def entropy_axis0(fn, rng):
    p = distribution(rng, (5, 3)).T.copy()
    _entropy_case(fn, p, "entropy(p, axis=0) for p of shape (3, 5) (one distribution per "
                  "column)", axis=0)


def entropy_axis_3d(fn, rng):
    p = np.moveaxis(distribution(rng, (2, 3, 4)), -1, 1).copy()
    _entropy_case(fn, p, "entropy(p, axis=1) for p of shape (2, 4, 3)", axis=1)


ADVICE_NEGATIVE = "check that no probability is negative and raise ValueError otherwise"
ADVICE_SUM = ("check that each distribution sums to 1 (within a small tolerance, e.g. "
              "np.allclose) and raise ValueError otherwise")


def entropy_rejects_negative(fn, rng):
    assert_raises(fn, (_p([1.5, -0.5]),), what="entropy([1.5, -0.5])", advice=ADVICE_NEGATIVE)


def entropy_rejects_unnormalised(fn, rng):
    assert_raises(fn, (_p([0.5, 0.6]),), what="entropy([0.5, 0.6])", advice=ADVICE_SUM)


def entropy_rejects_bad_row(fn, rng):
    p = distribution(rng, (3, 4))
    p[1] *= 2
    assert_raises(fn, (p,), what="entropy of a (3, 4) batch whose second row sums to 2",
                  advice=ADVICE_SUM + " (every row)")


register("test_entropy", "entropy",
         [entropy_fair_coin, entropy_uniform, entropy_random, entropy_bits],
         [entropy_random_many, entropy_float32])
register("test_entropy-zeros", "entropy", [entropy_one_hot, entropy_with_zero],
         [entropy_zeros_batch])
register("test_entropy-axis", "entropy", [entropy_batch, entropy_axis0], [entropy_axis_3d])
register("test_entropy-validation", "entropy",
         [entropy_rejects_negative, entropy_rejects_unnormalised], [entropy_rejects_bad_row])


# --------------------------------------------------------------------------- cross_entropy

SWAPPED_CE = ("you computed H(q, p): in cross_entropy(p, q) the true distribution p weights "
              "the log of the model q, -sum p log q")
EPS_HIDES_INF = ("where q gives probability 0 to an outcome that p gives positive "
                 "probability the cross-entropy is +inf; adding an eps inside the log hides "
                 "it")


def _two_case(fn, ref, p, q, what, swapped_message, axis=None, base=None, rtol=None,
              atol=None):
    kwargs = {}
    if axis is not None:
        kwargs["axis"] = axis
    if base is not None:
        kwargs["base"] = base
    ax = -1 if axis is None else axis
    want = ref(p, q, axis=ax, base=base)
    hints = []
    if np.all(np.isfinite(want)):
        hints.append((-want, "the result is negative: you dropped a minus sign"))
        hints.append((want / np.log(2) if base is None else want * np.log(base),
                      NATS_NOT_BITS if base is None else BITS_NOT_NATS))
    with np.errstate(all="ignore"):
        swapped = _swapped(ref, p, q, ax, base)
    if swapped is not None:
        hints.append((swapped, swapped_message))
    got = call_valid(fn, (p, q), kwargs, what, SUM_TOLERANCE)
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                 shape_hint=f"the result is the shape of p without axis {ax}: sum along "
                            "`axis`")


def _swapped(ref, p, q, axis, base):
    try:
        return ref(q, p, axis=axis, base=base)
    except ValueError:
        return None


def _ce(fn, p, q, what, **kw):
    _two_case(fn, ce.cross_entropy, p, q, what, SWAPPED_CE, **kw)


def cross_entropy_example(fn, rng):
    _ce(fn, _p([1.0, 0.0]), _p([0.8, 0.2]), "cross_entropy([1, 0], [0.8, 0.2])")


def cross_entropy_random(fn, rng):
    p, q = distribution(rng, 5), distribution(rng, 5)
    _ce(fn, p, q, f"cross_entropy(p, q) for p = {fmt(p)}, q = {fmt(q)}")


def cross_entropy_self(fn, rng):
    p = distribution(rng, 4)
    _ce(fn, p, p.copy(), "cross_entropy(p, p), which is the entropy of p")


def cross_entropy_random_many(fn, rng):
    for k in (2, 6, 9):
        p, q = distribution(rng, k), distribution(rng, k)
        _ce(fn, p, q, f"cross-entropy of random distributions over {k} outcomes")
    p, q = distribution(rng, 3), distribution(rng, 3)
    _ce(fn, p, q, "cross_entropy(p, q, base=2)", base=2)
    p, q = distribution(rng, 7, dtype=np.float32), distribution(rng, 7, dtype=np.float32)
    _ce(fn, p, q, "cross-entropy of float32 distributions", rtol=1e-4, atol=1e-6)


def cross_entropy_infinite(fn, rng):
    _ce(fn, _p([0.5, 0.5]), _p([1.0, 0.0]), "cross_entropy([0.5, 0.5], [1, 0]) "
        "(q rules out an outcome that happens: +inf)")


def cross_entropy_zero_p(fn, rng):
    _ce(fn, _p([0.0, 1.0]), _p([0.0, 1.0]), "cross_entropy([0, 1], [0, 1]) (a term with p = 0 "
        "is 0 even where q = 0: skip it instead of computing 0 * log 0)")


def cross_entropy_support_batch(fn, rng):
    p = distribution(rng, (6, 5), zeros=True)
    q = distribution(rng, (6, 5), zeros=True)
    q[0] = p[0]  # a row where both have zeros in the same places
    _ce(fn, p, q, "cross-entropy of a (6, 5) batch with zeros in p and in q")


def cross_entropy_batch(fn, rng):
    p, q = distribution(rng, (4, 3)), distribution(rng, (4, 3))
    _ce(fn, p, q, "cross-entropy of (4, 3) batches (one distribution per row)")


def cross_entropy_axis0(fn, rng):
    p, q = distribution(rng, (5, 3)).T.copy(), distribution(rng, (5, 3)).T.copy()
    _ce(fn, p, q, "cross_entropy(p, q, axis=0) for shape (3, 5)", axis=0)


def cross_entropy_axis_3d(fn, rng):
    p = np.moveaxis(distribution(rng, (2, 3, 4)), -1, 1).copy()
    q = np.moveaxis(distribution(rng, (2, 3, 4)), -1, 1).copy()
    _ce(fn, p, q, "cross_entropy(p, q, axis=1) for shape (2, 4, 3)", axis=1)


register("test_cross_entropy", "cross_entropy",
         [cross_entropy_example, cross_entropy_random, cross_entropy_self],
         [cross_entropy_random_many])
register("test_cross_entropy-support", "cross_entropy",
         [cross_entropy_infinite, cross_entropy_zero_p], [cross_entropy_support_batch])
register("test_cross_entropy-axis", "cross_entropy", [cross_entropy_batch, cross_entropy_axis0],
         [cross_entropy_axis_3d])


# --------------------------------------------------------------------------- kl_divergence

SWAPPED_KL = ("you computed KL(q || p): kl_divergence(p, q) is sum p log(p / q), averaged "
              "under the true distribution p (KL is not symmetric)")


def _kl(fn, p, q, what, **kw):
    _two_case(fn, ce.kl_divergence, p, q, what, SWAPPED_KL, **kw)


def kl_example(fn, rng):
    _kl(fn, _p([0.5, 0.5]), _p([0.9, 0.1]), "kl_divergence([0.5, 0.5], [0.9, 0.1])")


def kl_self(fn, rng):
    p = distribution(rng, 4)
    _kl(fn, p, p.copy(), "kl_divergence(p, p), which is 0", atol=1e-9)


def kl_random(fn, rng):
    p, q = distribution(rng, 5), distribution(rng, 5)
    _kl(fn, p, q, f"kl_divergence(p, q) for p = {fmt(p)}, q = {fmt(q)}")


def kl_random_many(fn, rng):
    p, q = distribution(rng, (4, 6)), distribution(rng, (4, 6))
    _kl(fn, p, q, "KL divergence of (4, 6) batches (one distribution per row)")
    p, q = distribution(rng, (5, 3)).T.copy(), distribution(rng, (5, 3)).T.copy()
    _kl(fn, p, q, "kl_divergence(p, q, axis=0) for shape (3, 5)", axis=0)
    p, q = distribution(rng, 3), distribution(rng, 3)
    _kl(fn, p, q, "kl_divergence(p, q, base=2)", base=2)
    p, q = distribution(rng, 7, dtype=np.float32), distribution(rng, 7, dtype=np.float32)
    _kl(fn, p, q, "KL divergence of float32 distributions", rtol=1e-4, atol=1e-6)


def kl_infinite(fn, rng):
    _kl(fn, _p([0.5, 0.5]), _p([1.0, 0.0]),
        "kl_divergence([0.5, 0.5], [1, 0]) (q rules out an outcome that happens: +inf)")


def kl_zero_p(fn, rng):
    _kl(fn, _p([1.0, 0.0]), _p([0.5, 0.5]), "kl_divergence([1, 0], [0.5, 0.5]) (terms with "
        "p = 0 count 0: 0 log(0 / q) = 0)")


def kl_support_batch(fn, rng):
    p = distribution(rng, (6, 5), zeros=True)
    q = distribution(rng, (6, 5), zeros=True)
    q[0] = p[0]
    _kl(fn, p, q, "KL divergence of a (6, 5) batch with zeros in p and in q", atol=1e-9)


register("test_kl_divergence", "kl_divergence", [kl_example, kl_self, kl_random],
         [kl_random_many])
register("test_kl_divergence-support", "kl_divergence", [kl_infinite, kl_zero_p],
         [kl_support_batch])


# --------------------------------------------------------------------------- mutual_information


def _mi(fn, p_xy, what, base=None, atol=None):
    kwargs = {} if base is None else {"base": base}
    want = ref_mutual_information(p_xy, base=base)
    hints = [(-want, "the result is negative: I(X; Y) = H(X) + H(Y) - H(X, Y) >= 0")]
    if base is None:
        hints.append((want / np.log(2), NATS_NOT_BITS))
    got = call_valid(fn, (p_xy,), kwargs, what,
                     "p_xy was a valid joint table (leading axes are a batch): take the "
                     "marginals with axis=-1 and axis=-2 and combine them with [..., :, None] "
                     "and [..., None, :]")
    assert_close(got, want, what, atol=atol if atol is not None else 1e-9, hints=hints,
                 shape_hint="sum the table over its last two axes only (axis=-1 gives p(x), "
                            "axis=-2 gives p(y)); leading axes are a batch")


def _table(rng, shape, zeros=False):
    flat = distribution(rng, shape[:-2] + (shape[-2] * shape[-1],), zeros=zeros)
    return flat.reshape(shape)


def mi_example(fn, rng):
    _mi(fn, _p([[0.1, 0.5], [0.1, 0.3]]), "mutual_information([[0.1, 0.5], [0.1, 0.3]])")


def mi_independent(fn, rng):
    px, py = distribution(rng, 3), distribution(rng, 4)
    _mi(fn, np.outer(px, py), "mutual information of independent X and Y (p_xy = p_x p_y^T), "
        "which is 0")


def mi_random(fn, rng):
    p_xy = _table(rng, (3, 4))
    _mi(fn, p_xy, f"mutual_information(p_xy) for a random 3 x 4 table {fmt(p_xy)}")


def mi_random_many(fn, rng):
    for shape in ((2, 5), (4, 3), (6, 6)):
        _mi(fn, _table(rng, shape), f"mutual information of a random {shape} table")
    _mi(fn, _table(rng, (3, 2)), "mutual_information(p_xy, base=2)", base=2)


def mi_diagonal(fn, rng):
    _mi(fn, _p([[0.5, 0.0], [0.0, 0.5]]), "mutual_information([[0.5, 0], [0, 0.5]]) (Y = X: "
        "log 2; the zero cells count 0)")


def mi_zeros_random(fn, rng):
    for shape in ((3, 4), (5, 2)):
        _mi(fn, _table(rng, shape, zeros=True), f"mutual information of a {shape} table with "
            "zero cells")


def mi_batch(fn, rng):
    tables = _table(rng, (2, 3, 4))
    _mi(fn, tables, "mutual_information of a batch of two 3 x 4 tables, shape (2, 3, 4)")


def mi_batch_hidden(fn, rng):
    _mi(fn, _table(rng, (3, 2, 2, 5)), "mutual_information of a (3, 2) batch of 2 x 5 tables")


register("test_mutual_information", "mutual_information",
         [mi_example, mi_independent, mi_random], [mi_random_many])
register("test_mutual_information-zeros", "mutual_information", [mi_diagonal],
         [mi_zeros_random])
register("test_mutual_information-batch", "mutual_information", [mi_batch], [mi_batch_hidden])
