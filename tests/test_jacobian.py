"""Tests of crossentropy.jacobian: softmax_jacobian and softmax_vjp."""

import numpy as np
import pytest
from scipy.special import softmax as scipy_softmax

from crossentropy import softmax, softmax_cross_entropy
from crossentropy.jacobian import softmax_jacobian, softmax_vjp


def central_jacobian(f, z, h=1e-6):
    """d f(z)_i / d z_j by central differences, one column per coordinate."""
    columns = []
    for j in range(z.size):
        step = np.zeros_like(z)
        step[j] = h
        columns.append((f(z + step) - f(z - step)) / (2 * h))
    return np.stack(columns, axis=-1)


def test_softmax_jacobian_two_equal_logits_is_a_quarter():
    np.testing.assert_array_equal(softmax_jacobian([0.0, 0.0]), [[0.25, -0.25], [-0.25, 0.25]])


def test_softmax_jacobian_matches_finite_differences():
    z = np.random.default_rng(0).normal(size=5)
    expected = central_jacobian(lambda x: scipy_softmax(x), z)
    np.testing.assert_allclose(softmax_jacobian(z), expected, rtol=0, atol=1e-9)


def test_softmax_jacobian_equals_diag_p_minus_outer_p():
    z = np.random.default_rng(1).normal(size=(4, 6)) * 3
    p = scipy_softmax(z, axis=-1)
    expected = np.stack([np.diag(row) - np.outer(row, row) for row in p])
    np.testing.assert_allclose(softmax_jacobian(z), expected, rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_is_symmetric_psd_with_zero_row_sums():
    J = softmax_jacobian(np.random.default_rng(2).normal(size=(3, 7)))
    np.testing.assert_allclose(J, np.swapaxes(J, -1, -2), atol=0)
    np.testing.assert_allclose(J.sum(axis=-1), 0, atol=1e-15)
    assert np.linalg.eigvalsh(J).min() > -1e-15


def test_softmax_jacobian_is_the_hessian_of_the_cross_entropy():
    """The Hessian of logsumexp(z) - z_y is diag(p) - p p^T, whatever the label."""
    z = np.random.default_rng(3).normal(size=4)
    def grad(x):
        return softmax(x) - np.eye(4)[2]
    np.testing.assert_allclose(central_jacobian(grad, z), softmax_jacobian(z), atol=1e-9)
    # and the gradient used there is the library's
    def loss(x):
        return softmax_cross_entropy(x, 2)
    np.testing.assert_allclose(central_jacobian(loss, z), grad(z), atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_jacobian_keeps_dtype_and_handles_extremes(dtype):
    J = softmax_jacobian(np.array([1000.0, 0.0, -np.inf], dtype=dtype))
    assert J.dtype == dtype
    assert np.isfinite(J).all()
    np.testing.assert_array_equal(J, np.zeros((3, 3)))  # saturated: p = (1, 0, 0)


def test_softmax_jacobian_of_a_masked_class_has_zero_row_and_column():
    J = softmax_jacobian([0.0, -np.inf, 0.0])
    np.testing.assert_array_equal(J[1], 0)
    np.testing.assert_array_equal(J[:, 1], 0)


def test_softmax_jacobian_rejects_a_scalar():
    with pytest.raises(ValueError, match="scalar"):
        softmax_jacobian(1.0)


def test_softmax_vjp_equals_the_product_with_the_jacobian():
    rng = np.random.default_rng(4)
    z, v = rng.normal(size=(5, 8)), rng.normal(size=(5, 8))
    expected = np.einsum("nij,ni->nj", softmax_jacobian(z), v)
    np.testing.assert_allclose(softmax_vjp(z, v), expected, rtol=1e-12, atol=1e-15)


def test_softmax_vjp_rejects_a_mismatched_cotangent():
    with pytest.raises(ValueError, match="shape"):
        softmax_vjp(np.zeros((2, 3)), np.zeros((2, 1)))
