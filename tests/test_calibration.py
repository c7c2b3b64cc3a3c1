"""crossentropy.calibration against scikit-learn."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import log_loss as sk_log_loss

from crossentropy.calibration import expected_calibration_error, log_loss, reliability_curve


def test_sklearn_doc_example():
    assert log_loss([1, 0, 0, 1], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) == \
        pytest.approx(0.21616187468057912, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("normalize", [True, False])
def test_matches_sklearn_binary_with_extremes_and_weights(dtype, normalize):
    """Same clip (finfo(dtype).eps), weights and reduction as scikit-learn."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=40)
    p = rng.random(40).astype(dtype)
    p[:4] = [0.0, 1.0, 0.0, 1.0]
    w = rng.random(40)
    ours = log_loss(y, p, sample_weight=w, normalize=normalize)
    theirs = sk_log_loss(y, p, sample_weight=w, normalize=normalize, labels=[0, 1])
    assert ours == pytest.approx(theirs, rel=1e-5 if dtype == np.float32 else 1e-12)


def test_matches_sklearn_multiclass():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, size=30)
    p = rng.dirichlet(np.ones(4), size=30)
    assert log_loss(y, p) == pytest.approx(sk_log_loss(y, p, labels=range(4)), rel=1e-12)


@pytest.mark.parametrize("dtype, cap", [(np.float64, 36.04365), (np.float32, 15.942385)])
def test_clip_caps_a_confidently_wrong_prediction(dtype, cap):
    assert log_loss([1], np.array([0.0], dtype=dtype)) == pytest.approx(cap, rel=1e-6)


def test_shape_mismatch_raises():
    with pytest.raises(ValueError):
        log_loss([[1], [0]], [0.5, 0.5])
    with pytest.raises(ValueError):
        log_loss([0, 2], [0.5, 0.5])


def test_reliability_curve_matches_sklearn_on_nonempty_bins():
    rng = np.random.default_rng(2)
    p = rng.random(2000)
    y = (rng.random(2000) < p).astype(int)
    mean, frac, counts = reliability_curve(y, p, n_bins=10)
    sk_frac, sk_mean = calibration_curve(y, p, n_bins=10)
    np.testing.assert_allclose(mean[counts > 0], sk_mean, rtol=1e-12)
    np.testing.assert_allclose(frac[counts > 0], sk_frac, rtol=1e-12)
    assert counts.sum() == 2000


def test_ece_is_small_for_calibrated_and_large_for_overconfident_predictions():
    rng = np.random.default_rng(3)
    p = rng.random(100_000)
    y = (rng.random(p.size) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.01
    overconfident = np.clip((p - 0.5) * 3 + 0.5, 0, 1)
    assert expected_calibration_error(y, overconfident) > 0.1


def test_empty_bins_are_nan_and_probability_one_lands_in_the_last_bin():
    mean, frac, counts = reliability_curve([1, 1], [1.0, 0.95], n_bins=4)
    assert counts.tolist() == [0, 0, 0, 2]
    assert np.isnan(mean[0]) and np.isnan(frac[0])
