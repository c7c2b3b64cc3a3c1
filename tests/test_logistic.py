"""crossentropy.logistic: loss, gradient and gradient descent."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss as sk_log_loss

from crossentropy.logistic import fit_logistic_regression, logistic_regression_loss_and_grad


def data(seed=0, n=200, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ np.array([1.5, -2.0, 0.5][:d]) + 0.3)))) * 1.0
    return X, y


def test_loss_matches_sklearn_log_loss():
    X, y = data()
    w, b = np.array([0.3, -0.2, 0.1]), 0.05
    loss, _, _ = logistic_regression_loss_and_grad(w, b, X, y)
    p = 1 / (1 + np.exp(-(X @ w + b)))
    assert loss == pytest.approx(sk_log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_gradient_matches_central_differences(l2):
    X, y = data(1)
    rng = np.random.default_rng(5)
    w, b = rng.normal(size=3), 0.4
    s = rng.random(200)
    _, dw, db = logistic_regression_loss_and_grad(w, b, X, y, l2, sample_weight=s)
    h = 1e-6

    def f(w_, b_):
        return logistic_regression_loss_and_grad(w_, b_, X, y, l2, sample_weight=s)[0]

    num_dw = [(f(w + h * e, b) - f(w - h * e, b)) / (2 * h) for e in np.eye(3)]
    num_db = (f(w, b + h) - f(w, b - h)) / (2 * h)
    np.testing.assert_allclose(dw, num_dw, rtol=1e-6, atol=1e-9)
    assert db == pytest.approx(num_db, rel=1e-6)


def test_finite_for_huge_weights():
    X, y = data(2)
    loss, dw, db = logistic_regression_loss_and_grad(np.array([1e4, -1e4, 1e4]), 0.0, X, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dw)) and np.isfinite(db)


def test_gradient_descent_reaches_sklearn_optimum():
    """With l2 = 1/(C N), the minimiser is scikit-learn's LogisticRegression(C)."""
    X, y = data(3, n=400)
    fit = fit_logistic_regression(X, y, lr=1.0, num_steps=3000, l2=0.01)
    reference = LogisticRegression(C=1 / (0.01 * 400), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(fit.w, reference.coef_[0], rtol=1e-4)
    assert fit.b == pytest.approx(reference.intercept_[0], rel=1e-4)
    assert np.all(np.diff(fit.losses) <= 1e-15)


def test_separable_data_without_l2_grows_the_weights():
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    norms = [np.abs(fit_logistic_regression(X, y, lr=1.0, num_steps=n).w[0]) for n in (50, 500, 5000)]
    assert norms[0] < norms[1] < norms[2]


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        logistic_regression_loss_and_grad(np.zeros(2), 0.0, np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError):
        logistic_regression_loss_and_grad(np.zeros(3), 0.0, np.zeros((4, 3)), np.zeros((4, 1)))
