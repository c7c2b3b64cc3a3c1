import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from crossentropy import cross_entropy, entropy, kl_divergence

PROPERTIES = settings(derandomize=True, max_examples=60, deadline=None)


@st.composite
def distribution_pairs(draw):
    """Two distributions of the same length, with some exact zeros in p."""
    size = draw(st.integers(1, 8))
    weights = hnp.arrays(np.float64, size, elements=st.floats(0, 10))
    p, q = draw(weights), draw(weights)
    q = q + 1e-3  # keep q > 0 so that KL and H(p, q) stay finite
    if p.sum() == 0:
        p[0] = 1.0
    return p / p.sum(), q / q.sum()


def random_distributions(rng, shape):
    p = rng.random(shape)
    return p / p.sum(axis=-1, keepdims=True)


def test_entropy_hand_values():
    assert entropy([0.5, 0.5]) == pytest.approx(np.log(2))
    assert entropy([0.5, 0.5], base=2) == pytest.approx(1.0)
    assert entropy([0.25] * 4, base=2) == pytest.approx(2.0)
    assert entropy([1.0, 0.0, 0.0]) == 0.0


@pytest.mark.parametrize("k", [1, 2, 7, 1000])
def test_entropy_of_uniform_is_log_k(k):
    assert entropy(np.full(k, 1 / k)) == pytest.approx(np.log(k), abs=1e-12)


def test_entropy_matches_scipy(rng):
    p = random_distributions(rng, (5, 6))
    np.testing.assert_allclose(entropy(p), stats.entropy(p, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(entropy(p, base=2), stats.entropy(p, axis=-1, base=2), rtol=1e-12)


def test_kl_divergence_matches_scipy(rng):
    p, q = random_distributions(rng, (5, 6)), random_distributions(rng, (5, 6))
    np.testing.assert_allclose(kl_divergence(p, q), stats.entropy(p, q, axis=-1), rtol=1e-12)


def test_cross_entropy_hand_value():
    assert cross_entropy([1.0, 0.0], [0.8, 0.2]) == pytest.approx(0.2231435513, rel=1e-9)


def test_information_zero_probabilities_without_warnings():
    with np.errstate(all="raise"):
        assert entropy([0.0, 1.0]) == 0.0
        assert cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0
        assert kl_divergence([0.0, 1.0], [0.0, 1.0]) == 0.0
        assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == np.inf
        assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
        assert kl_divergence([0.0, 1.0], [1.0, 0.0]) == np.inf


def test_information_tiny_probabilities_without_warnings():
    p, q = [1e-300, 1 - 1e-300], [1 - 1e-16, 1e-16]
    with np.errstate(all="raise"):
        assert cross_entropy(p, q) == pytest.approx(-np.log(1e-16), rel=1e-12)
        assert kl_divergence(p, q) == pytest.approx(-np.log(1e-16), rel=1e-12)
        assert entropy(p) == pytest.approx(1e-300 * np.log(1e300), rel=1e-9)


@pytest.mark.parametrize("function", [cross_entropy, kl_divergence])
def test_information_axis_equals_moveaxis(rng, function):
    p, q = random_distributions(rng, (3, 4, 5)), random_distributions(rng, (3, 4, 5))
    moved = function(np.moveaxis(p, -1, 0), np.moveaxis(q, -1, 0), axis=0)
    np.testing.assert_allclose(moved, function(p, q), rtol=1e-12)
    assert moved.shape == (3, 4)


def test_entropy_keeps_float32():
    p = np.array([[0.25, 0.75]], np.float32)
    assert entropy(p).dtype == np.float32
    assert cross_entropy(p, p).dtype == np.float32
    assert kl_divergence(p, p).dtype == np.float32
    assert entropy(np.array([1, 0])).dtype == np.float64


def test_distribution_tolerance_scales_with_dtype():
    slightly_off = [0.5, 0.5 + 1e-5]
    entropy(np.array(slightly_off, np.float32))  # within float32's sqrt(eps) = 3.5e-4
    with pytest.raises(ValueError, match="sum to 1"):
        entropy(np.array(slightly_off, np.float64))


@PROPERTIES
@given(distribution_pairs())
def test_cross_entropy_is_entropy_plus_kl(pair):
    p, q = pair
    assert cross_entropy(p, q) == pytest.approx(entropy(p) + kl_divergence(p, q), abs=1e-12)


@PROPERTIES
@given(distribution_pairs())
def test_kl_divergence_is_nonnegative_and_zero_on_equal(pair):
    p, q = pair
    assert kl_divergence(p, q) >= -1e-15
    assert kl_divergence(p, p) == pytest.approx(0.0, abs=1e-15)
    assert 0 <= entropy(p) <= np.log(p.size) + 1e-12


@PROPERTIES
@given(distribution_pairs())
def test_information_float32_agrees_with_float64(pair):
    p, q = pair
    p32, q32 = p.astype(np.float32), q.astype(np.float32)
    for function, args32, args64 in ((entropy, (p32,), (p,)),
                                     (cross_entropy, (p32, q32), (p, q)),
                                     (kl_divergence, (p32, q32), (p, q))):
        result = function(*args32)
        assert result.dtype == np.float32
        np.testing.assert_allclose(result, function(*args64), rtol=1e-4, atol=1e-4)


def test_information_rejects_negative_probabilities():
    with pytest.raises(ValueError, match="non-negative"):
        entropy([1.5, -0.5])
    with pytest.raises(ValueError, match="q must be finite and non-negative"):
        kl_divergence([0.5, 0.5], [1.5, -0.5])


def test_information_rejects_non_normalised_distributions():
    with pytest.raises(ValueError, match="p must sum to 1 along axis -1"):
        entropy([0.5, 0.6])
    with pytest.raises(ValueError, match="q must sum to 1"):
        cross_entropy([0.5, 0.5], [0.2, 0.2])
    with pytest.raises(ValueError, match="sum to 1"):
        entropy(np.zeros(0))
    with pytest.raises(ValueError, match="scalar"):
        entropy(1.0)


def test_information_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"same shape, got \(2, 1\) and \(2,\)"):
        cross_entropy([[1.0], [1.0]], [0.5, 0.5])


def test_information_rejects_nan():
    with pytest.raises(ValueError, match="non-negative"):
        entropy([np.nan, 1.0])


@pytest.mark.parametrize("base", [0, -2, 1, np.inf])
def test_entropy_rejects_bad_base(base):
    with pytest.raises(ValueError, match="base must be a positive number other than 1"):
        entropy([0.5, 0.5], base=base)


def test_entropy_rejects_non_numeric_dtype():
    with pytest.raises(ValueError, match="dtype"):
        entropy(np.array(["0.5", "0.5"]))
