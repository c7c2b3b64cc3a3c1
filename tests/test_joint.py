"""crossentropy.joint against direct formulas and scipy."""

import numpy as np
import pytest
from scipy.stats import entropy as scipy_entropy

from crossentropy.joint import conditional_entropy, mutual_information


def random_joint(rng, shape):
    p = rng.random(shape)
    return p / p.sum(axis=(-2, -1), keepdims=True)


def test_mutual_information_matches_the_kl_form():
    """Is I(X;Y) = KL(p_xy || p_x p_y), computed independently with scipy?"""
    rng = np.random.default_rng(0)
    p = random_joint(rng, (3, 4))
    product = p.sum(1, keepdims=True) * p.sum(0, keepdims=True)
    assert mutual_information(p) == pytest.approx(scipy_entropy(p.ravel(), product.ravel()))


def test_mutual_information_of_independent_variables_is_zero():
    p = np.outer([0.2, 0.8], [0.1, 0.6, 0.3])
    assert mutual_information(p) == pytest.approx(0, abs=1e-15)


def test_mutual_information_of_a_copy_is_the_entropy():
    """I(X; X) = H(X): a diagonal joint table."""
    px = np.array([0.5, 0.25, 0.25])
    assert mutual_information(np.diag(px), base=2) == pytest.approx(1.5)


def test_d2l_table():
    assert mutual_information([[0.1, 0.5], [0.1, 0.3]]) == pytest.approx(0.0051316404, rel=1e-8)


def test_identities_hold_in_a_batch():
    """H(Y|X) = H(Y) - I(X;Y) for each table of a batch, with zeros in the table."""
    rng = np.random.default_rng(1)
    p = random_joint(rng, (5, 3, 2))
    p[0, 0, :] = 0
    p[0] /= p[0].sum()
    hy = np.array([scipy_entropy(t.sum(0)) for t in p])
    np.testing.assert_allclose(conditional_entropy(p), hy - mutual_information(p), atol=1e-12)
    assert mutual_information(p).shape == (5,)


def test_conditional_entropy_of_a_function_is_zero():
    """Y determined by X: H(Y|X) = 0, with 0 log 0 = 0 and no NaN."""
    p = np.array([[0.3, 0.0], [0.0, 0.7]])
    assert conditional_entropy(p) == pytest.approx(0, abs=1e-15)


@pytest.mark.parametrize("bad", [[0.5, 0.5], [[0.5, 0.6], [0.0, 0.0]], [[-0.1, 0.6], [0.5, 0.0]]])
def test_invalid_tables_raise(bad):
    with pytest.raises(ValueError):
        mutual_information(bad)
