"""Tests of crossentropy.debugging: relative errors, central differences of the softmax
cross-entropy, the sparse gradient check and the first non-finite entry."""

import numpy as np
import pytest

import crossentropy as ce
from crossentropy.debugging import (
    find_first_nonfinite,
    grad_check_sparse,
    relative_error,
    softmax_cross_entropy_numerical_grad,
)


def test_relative_error_is_scale_free_symmetric_and_zero_for_zeros():
    a, n = np.array([1.0, -2.0, 0.0, 3.0]), np.array([1.1, -2.0, 0.0, -3.0])
    np.testing.assert_allclose(relative_error(a, n), [0.1 / 1.1, 0.0, 0.0, 2.0])
    np.testing.assert_allclose(relative_error(1e6 * a, 1e6 * n), relative_error(a, n))
    np.testing.assert_array_equal(relative_error(a, n), relative_error(n, a))
    with pytest.raises(ValueError, match="same shape"):
        relative_error(a, n[:, None])


@pytest.mark.parametrize("shape", [(1, 2), (4, 5), (6, 3)])
def test_numerical_grad_matches_the_analytic_gradient(rng, shape):
    z = rng.normal(size=shape) * 3
    t = rng.integers(0, shape[1], size=shape[0])
    before = z.copy()
    numerical = softmax_cross_entropy_numerical_grad(z, t)
    np.testing.assert_array_equal(z, before)  # the caller's logits are not perturbed
    np.testing.assert_allclose(numerical, ce.softmax_cross_entropy_grad(z, t), rtol=1e-7,
                               atol=1e-9)


def test_numerical_grad_error_is_second_order_in_h(rng):
    z, t = rng.normal(size=(3, 4)), rng.integers(0, 4, size=3)
    exact = ce.softmax_cross_entropy_grad(z, t)
    errors = [np.abs(softmax_cross_entropy_numerical_grad(z, t, h) - exact).max()
              for h in (1e-1, 1e-2)]
    assert 50 < errors[0] / errors[1] < 200  # 100x for a 10x smaller step


def test_numerical_grad_in_float32_keeps_the_dtype_with_the_float32_step(rng):
    z, t = rng.normal(size=(4, 5)), rng.integers(0, 5, size=4)
    numerical = softmax_cross_entropy_numerical_grad(z.astype(np.float32), t)
    assert numerical.dtype == np.float32
    assert np.abs(numerical - ce.softmax_cross_entropy_grad(z, t)).max() < 2e-4
    tiny_step = softmax_cross_entropy_numerical_grad(z.astype(np.float32), t, h=1e-6)
    assert np.abs(tiny_step - ce.softmax_cross_entropy_grad(z, t)).max() > 1e-2


def test_numerical_grad_is_finite_for_huge_logits():
    z, t = np.array([[1000.0, 0.0, -1000.0]]), np.array([2])
    np.testing.assert_allclose(softmax_cross_entropy_numerical_grad(z, t), [[1, 0, -1]],
                               atol=1e-6)


def _model(rng):
    W, X, y = rng.normal(size=(5, 4)) * 0.5, rng.normal(size=(30, 5)), rng.integers(0, 4, 30)
    return W, X, y, X.T @ ce.softmax_cross_entropy_grad(X @ W, y)


def test_sparse_check_of_a_right_gradient_is_near_zero_and_leaves_w_alone(rng):
    W, X, y, analytic = _model(rng)
    before = W.copy()
    indices, errors = grad_check_sparse(W, X, y, analytic, num_checks=12, seed=4)
    np.testing.assert_array_equal(W, before)
    assert indices.shape == (12, 2) and indices.dtype == np.int64
    assert np.all((indices >= 0) & (indices < W.shape))
    assert errors.shape == (12,) and errors.max() < 1e-6


def test_sparse_check_reports_the_relative_error_of_a_wrong_gradient(rng):
    W, X, y, analytic = _model(rng)
    indices, errors = grad_check_sparse(W, X, y, 1.25 * analytic, num_checks=6)
    np.testing.assert_allclose(errors, 0.25 / 1.25, rtol=1e-6)
    flipped = analytic.copy()
    flipped[:, 1] *= -1
    indices, errors = grad_check_sparse(W, X, y, flipped, num_checks=20, seed=1)
    np.testing.assert_allclose(errors[indices[:, 1] == 1], 2.0, rtol=1e-6)
    assert errors[indices[:, 1] != 1].max() < 1e-6


def test_sparse_check_is_reproducible_for_a_seed(rng):
    W, X, y, analytic = _model(rng)
    first = grad_check_sparse(W, X, y, analytic, num_checks=8, seed=3)[0]
    np.testing.assert_array_equal(first, grad_check_sparse(W, X, y, analytic, 8, seed=3)[0])
    assert not np.array_equal(first, grad_check_sparse(W, X, y, analytic, 8, seed=5)[0])


def test_sparse_check_rejects_a_gradient_of_another_shape(rng):
    W, X, y, analytic = _model(rng)
    with pytest.raises(ValueError, match="shape of W"):
        grad_check_sparse(W, X, y, analytic.T)
    with pytest.raises(ValueError):
        grad_check_sparse(W, X[:, :3], y, analytic)


@pytest.mark.parametrize("values, expected", [
    ([1.0, 2.0, np.nan, np.inf], (2,)),
    ([1.0, -np.inf, np.nan], (1,)),
    (np.array([[0.0, 1.0, 2.0], [3.0, np.nan, np.inf]]), (1, 1)),
    (np.array([[0.0, np.inf], [np.nan, 1.0]]), (0, 1)),  # C order, not column by column
    ([0.5, 0.25], None),
    (np.zeros(0), None),
    (np.arange(5), None),
])
def test_first_nonfinite(values, expected):
    got = find_first_nonfinite(values)
    assert got == expected
    assert got is None or all(type(i) is int for i in got)


def test_first_nonfinite_rejects_non_numbers():
    with pytest.raises(ValueError, match="numeric"):
        find_first_nonfinite(np.array(["a", "b"]))
