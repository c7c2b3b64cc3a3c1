"""Checks of assignment a02_maximum_likelihood: counts, empirical cross-entropy, perplexity,
temperature."""

import numpy as np

from crossentropy.likelihood import (
    empirical_cross_entropy as ref_ece,
    empirical_distribution as ref_empirical,
    perplexity as ref_perplexity,
    temper as ref_temper,
)

from ._core import assert_close, assert_finite, assert_raises, call_valid, distribution, register

SUM_NOT_MEAN = ("returned N times the expected value: the empirical cross-entropy is the "
                "average -log q over the N samples (a mean, not a sum)")


def _samples(rng, n, k, all_classes=True):
    samples = rng.integers(0, k, size=n)
    if all_classes:
        samples[:k] = rng.permutation(k)
    return samples.astype(np.int64)


# --------------------------------------------------------------------------- empirical_distribution


def _empirical(fn, samples, k, what,
               shape_hint="return one probability per class, shape (num_classes,)"):
    want = ref_empirical(samples, k)
    counts = np.bincount(samples, minlength=k).astype(float)
    hints = [(counts, "returned the counts: divide them by the number of samples N"),
             ((counts + 1) / (counts.sum() + k), "this is the add-one (Laplace) estimate; "
              "the maximum-likelihood estimate is the plain frequency n_k / N")]
    got = call_valid(fn, (samples, k), {}, what)
    assert_close(got, want, what, hints=hints, shape_hint=shape_hint)


def empirical_small(fn, rng):
    _empirical(fn, np.array([0, 2, 2, 1]), 3, "empirical_distribution([0, 2, 2, 1], 3)")


def empirical_random(fn, rng):
    k = int(rng.integers(4, 8))
    samples = _samples(rng, 40, k)
    _empirical(fn, samples, k, f"empirical_distribution of 40 samples over {k} classes")


def empirical_random_many(fn, rng):
    for n, k in ((7, 7), (100, 3), (1000, 12)):
        _empirical(fn, _samples(rng, n, k), k, f"empirical_distribution of {n} samples over "
                   f"{k} classes")


UNSEEN = ("classes that never occur still get an entry (probability 0): use "
          "np.bincount(samples, minlength=num_classes)")


def empirical_unseen_last(fn, rng):
    _empirical(fn, np.array([0, 1, 1, 0]), 4, "empirical_distribution([0, 1, 1, 0], "
               "num_classes=4) (classes 2 and 3 are never seen)", UNSEEN)


def empirical_unseen_random(fn, rng):
    k = 10
    samples = rng.integers(0, 5, size=30)
    _empirical(fn, samples, k, "empirical_distribution of 30 samples from classes 0..4 with "
               "num_classes=10", UNSEEN)


def empirical_rejects(fn, rng):
    assert_raises(fn, (np.array([0, 3, 1]), 3), what="empirical_distribution([0, 3, 1], 3)",
                  advice="a sample outside [0, num_classes) must raise ValueError")


def empirical_rejects_negative(fn, rng):
    assert_raises(fn, (np.array([0, -1, 1]), 3), what="empirical_distribution([0, -1, 1], 3)",
                  advice="a negative class index must raise ValueError (NumPy would count it "
                         "from the end)")


register("test_empirical_distribution", "empirical_distribution",
         [empirical_small, empirical_random], [empirical_random_many])
register("test_empirical_distribution-unseen", "empirical_distribution",
         [empirical_unseen_last], [empirical_unseen_random])
register("test_empirical_distribution-validation", "empirical_distribution",
         [empirical_rejects], [empirical_rejects_negative])


# --------------------------------------------------------------------------- empirical_cross_entropy


def _ece(fn, samples, q, what, base=None, rtol=None):
    kwargs = {} if base is None else {"base": base}
    want = ref_ece(samples, q, base=base)
    hints = []
    if np.isfinite(want):
        hints += [(want * len(samples), SUM_NOT_MEAN),
                  (-want, "the result is negative: the cross-entropy is the mean of -log q")]
        if base is None:
            hints.append((want / np.log(2), "returned bits: by default the result is in nats "
                                            "(natural log)"))
    got = call_valid(fn, (samples, q), kwargs, what)
    assert_close(got, want, what, rtol=rtol, hints=hints,
                 shape_hint="return one number, the mean over the samples")


def ece_small(fn, rng):
    _ece(fn, np.array([0, 0, 1]), np.array([0.5, 0.5]),
         "empirical_cross_entropy([0, 0, 1], [0.5, 0.5])")


def ece_random(fn, rng):
    q = distribution(rng, 5)
    samples = _samples(rng, 50, 5)
    _ece(fn, samples, q, "empirical_cross_entropy of 50 samples under a random q over 5 classes")


def ece_bits(fn, rng):
    q = distribution(rng, 4)
    _ece(fn, _samples(rng, 20, 4), q, "empirical_cross_entropy(samples, q, base=2)", base=2)


def ece_identity(fn, rng):
    import crossentropy as ce

    k = 6
    samples = _samples(rng, 200, k)
    q = distribution(rng, k)
    p_hat = ref_empirical(samples, k)
    got = np.asarray(call_valid(fn, (samples, q), {}, "empirical_cross_entropy"),
                     dtype=np.float64)
    want = ce.entropy(p_hat) + ce.kl_divergence(p_hat, q)
    assert_close(got, want, "empirical_cross_entropy = H(p_hat) + KL(p_hat || q) for 200 samples",
                 rtol=1e-9, atol=1e-12)
    for n, kk in ((1, 3), (500, 20)):
        _ece(fn, _samples(rng, n, kk, all_classes=n >= kk), distribution(rng, kk),
             f"empirical_cross_entropy of {n} samples over {kk} classes")


def ece_zero_seen(fn, rng):
    _ece(fn, np.array([0, 1, 2]), np.array([0.5, 0.5, 0.0]),
         "empirical_cross_entropy([0, 1, 2], [0.5, 0.5, 0]) (an observed class has q = 0: "
         "+inf, not a clipped or NaN value)")


def ece_zero_unseen(fn, rng):
    _ece(fn, np.array([0, 1, 1]), np.array([0.5, 0.5, 0.0]),
         "empirical_cross_entropy([0, 1, 1], [0.5, 0.5, 0]) (q = 0 only for a class that "
         "never occurs: finite)")


def ece_zero_random(fn, rng):
    q = distribution(rng, 8, zeros=True)
    seen = np.flatnonzero(q > 0)
    _ece(fn, rng.choice(seen, size=30), q, "empirical_cross_entropy where q has zeros on "
         "unobserved classes")


register("test_empirical_cross_entropy", "empirical_cross_entropy",
         [ece_small, ece_random, ece_bits], [ece_identity])
register("test_empirical_cross_entropy-zeros", "empirical_cross_entropy",
         [ece_zero_seen, ece_zero_unseen], [ece_zero_random])


# --------------------------------------------------------------------------- perplexity


def _perplexity(fn, samples, q, what):
    want = ref_perplexity(samples, q)
    ce_nats = np.log(want)
    hints = [(2 ** ce_nats, "returned 2 ** (cross-entropy in nats): perplexity is exp of the "
              "cross-entropy in nats (or 2 ** of it in bits); don't mix the bases"),
             (ce_nats, "returned the cross-entropy itself: perplexity is its exponential"),
             (np.exp(ce_nats * len(samples)), "exponentiated the summed log-loss: use the "
              "mean over the samples")]
    got = call_valid(fn, (samples, q), {}, what)
    assert_close(got, want, what, rtol=1e-7, hints=hints)


def perplexity_uniform(fn, rng):
    k = int(rng.integers(3, 9))
    _perplexity(fn, _samples(rng, 30, k), np.full(k, 1 / k),
                f"perplexity of a uniform model over {k} classes (which is {k})")


def perplexity_random(fn, rng):
    q = distribution(rng, 5)
    _perplexity(fn, _samples(rng, 25, 5), q, "perplexity of 25 samples under a random q")


def perplexity_certain(fn, rng):
    _perplexity(fn, np.array([2, 2, 2]), np.array([0.0, 0.0, 1.0]),
                "perplexity of a model that is certain and right (which is 1)")


def perplexity_many(fn, rng):
    for n, k in ((1, 4), (300, 10), (60, 50)):
        _perplexity(fn, _samples(rng, n, k, all_classes=n >= k), distribution(rng, k),
                    f"perplexity of {n} samples over {k} classes")


register("test_perplexity", "perplexity",
         [perplexity_uniform, perplexity_random, perplexity_certain], [perplexity_many])


# --------------------------------------------------------------------------- temper


def _temper(fn, p, t, what, axis=None, rtol=None, atol=None):
    kwargs = {} if axis is None else {"axis": axis}
    ax = -1 if axis is None else axis
    want = ref_temper(p, t, axis=ax)
    hints = []
    with np.errstate(all="ignore"):
        if t != 1:
            hints.append((ref_temper(p, 1 / t, axis=ax), "you raised p to the power T: the "
                          "tempered distribution is proportional to p ** (1 / T), so T < 1 "
                          "sharpens and T > 1 flattens"))
        hints.append((p ** (1 / t), "the result is not normalised: divide by the sum of "
                      "p ** (1 / T) along the axis"))
    got = call_valid(fn, (p, t), kwargs, what)
    assert_close(got, want, what, rtol=rtol, atol=atol if atol is not None else 1e-12,
                 hints=hints)


def temper_half(fn, rng):
    _temper(fn, np.array([0.5, 0.3, 0.2]), 0.5, "temper([0.5, 0.3, 0.2], 0.5)")


def temper_identity(fn, rng):
    p = distribution(rng, 5)
    _temper(fn, p, 1.0, "temper(p, 1.0), which is p itself")


def temper_random(fn, rng):
    p = distribution(rng, (3, 4))
    _temper(fn, p, 2.5, "temper(p, 2.5) for a (3, 4) batch (one distribution per row)")


def temper_many(fn, rng):
    for t in (0.3, 1.7, 4.0):
        _temper(fn, distribution(rng, (2, 6)), t, f"temper of a (2, 6) batch at T = {t}")


def temper_cold(fn, rng):
    p = np.array([0.2, 0.5, 0.3])
    got = assert_finite(call_valid(fn, (p, 0.0005), {}, "temper(p, 0.0005)"),
                        "temper([0.2, 0.5, 0.3], 0.0005)",
                        "p ** (1 / T) = p ** 2000 underflows to 0 for every entry, so the "
                        "normalisation is 0 / 0; work in logs: softmax(log(p) / T)")
    assert_close(got, ref_temper(p, 0.0005), "temper([0.2, 0.5, 0.3], 0.0005) (one-hot)",
                 atol=1e-12)
    _temper(fn, p, 0.05, "temper([0.2, 0.5, 0.3], 0.05) (almost one-hot)")


def temper_zeros(fn, rng):
    _temper(fn, np.array([0.5, 0.5, 0.0]), 10.0, "temper([0.5, 0.5, 0], 10.0) (zeros stay "
            "exactly 0, the rest flattens)")


def temper_extremes_hidden(fn, rng):
    p = distribution(rng, (3, 7), zeros=True)
    p[0] = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.4]
    for t in (0.0002, 0.01, 500.0):
        got = assert_finite(call_valid(fn, (p, t), {}, f"temper at T = {t}"),
                            f"temper of a (3, 7) batch at T = {t}",
                            "compute softmax(log(p) / T) with log 0 = -inf, shifting by the "
                            "row maximum")
        assert_close(got, ref_temper(p, t), f"temper of a (3, 7) batch at T = {t}", atol=1e-12)


def temper_axis0(fn, rng):
    p = distribution(rng, (4, 3)).T.copy()
    _temper(fn, p, 0.7, "temper(p, 0.7, axis=0) for shape (3, 4) (one distribution per column)",
            axis=0)


def temper_axis_hidden(fn, rng):
    p = np.moveaxis(distribution(rng, (2, 3, 5)), -1, 1).copy()
    _temper(fn, p, 1.5, "temper(p, 1.5, axis=1) for shape (2, 5, 3)", axis=1)


register("test_temper", "temper", [temper_half, temper_identity, temper_random], [temper_many])
register("test_temper-extremes", "temper", [temper_cold, temper_zeros], [temper_extremes_hidden])
register("test_temper-axis", "temper", [temper_axis0], [temper_axis_hidden])
