import numpy as np
import pytest

from crossentropy.testing import assert_distribution, check_gradient, numerical_gradient


def test_numerical_gradient_of_quadratic_is_exact():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda z: np.sum(z**2), x), 2 * x, rtol=1e-10)


def test_numerical_gradient_default_step_depends_on_dtype():
    x32 = np.array([1.0, 2.0], np.float32)
    grad = numerical_gradient(lambda z: np.sum(np.sin(z)), x32)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, np.cos(x32), rtol=1e-3)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])

    def failing(z):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(failing, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_restores_x_after_success():
    x = np.array([0.3, -0.7, 2.0])
    numerical_gradient(lambda z: np.sum(z**3), x)
    np.testing.assert_array_equal(x, [0.3, -0.7, 2.0])


@pytest.mark.parametrize("x", [np.array([1, 2]), [1.0, 2.0], np.ones((3, 2)).T])
def test_numerical_gradient_rejects_arrays_it_cannot_perturb(x):
    with pytest.raises(ValueError, match="x must be"):
        numerical_gradient(np.sum, x)


def test_check_gradient_accepts_correct_gradient():
    check_gradient(lambda z: np.sum(np.exp(z)), np.exp, np.array([0.0, 1.0, -1.0]))


def test_check_gradient_reports_worst_entry():
    message = r"differ at index \(2,\): 0.0 vs [12]\.\d+ \(1 of 3 entries"
    with pytest.raises(AssertionError, match=message):
        check_gradient(lambda z: np.sum(z**2), lambda z: 2 * z * (z < 0.5),
                       np.array([0.0, 0.3, 1.0]))


def test_check_gradient_reports_wrong_shape():
    with pytest.raises(AssertionError, match=r"gradient has shape \(1,\), expected .* \(2,\)"):
        check_gradient(np.sum, lambda z: np.ones(1), np.array([0.0, 1.0]))


def test_assert_distribution_accepts_and_rejects():
    assert_distribution(np.array([[0.2, 0.8], [0.5, 0.5]]))
    assert_distribution(np.array([[0.2, 0.5], [0.8, 0.5]]), axis=0)
    with pytest.raises(AssertionError, match="sum to 1"):
        assert_distribution(np.array([0.2, 0.2]))
    with pytest.raises(AssertionError, match="non-negative"):
        assert_distribution(np.array([1.5, -0.5]))
    with pytest.raises(AssertionError, match="floating dtype"):
        assert_distribution(np.array([1, 0]))
