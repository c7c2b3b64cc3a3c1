import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special as sp

from crossentropy import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax

PROPERTIES = settings(derandomize=True, max_examples=60, deadline=None)
finite_rows = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)),
    elements=st.floats(-1e4, 1e4),
)
FLOAT_DTYPES = [np.float32, np.float64]
# float32 results near 0 are subnormal, and log(1 + tiny) rounds to 0 at float32's eps.
TINY = {np.float32: 1e-37, np.float64: 0.0}
EPS = {np.float32: 1e-6, np.float64: 1e-15}


def extreme_logits(rng, dtype):
    values = np.concatenate([rng.standard_normal(200) * 30, [-1e4, -1e3, -100, 0, 100, 1e3, 1e4]])
    return values.astype(dtype)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_sigmoid_matches_scipy_expit(rng, dtype):
    x = extreme_logits(rng, dtype)
    with np.errstate(all="raise"):
        result = sigmoid(x)
    assert result.dtype == dtype
    expected = sp.expit(x.astype(np.float64))
    np.testing.assert_allclose(result, expected, rtol=1e-6, atol=TINY[dtype])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_log_sigmoid_matches_scipy_log_expit(rng, dtype):
    x = extreme_logits(rng, dtype)
    with np.errstate(all="raise"):
        result = log_sigmoid(x)
    assert result.dtype == dtype
    expected = sp.log_expit(x.astype(np.float64))
    np.testing.assert_allclose(result, expected, rtol=1e-6, atol=TINY[dtype])


def test_log_sigmoid_scipy_fixtures():
    np.testing.assert_allclose(log_sigmoid([-100.0, -500.0, -1000.0]), [-100, -500, -1000])
    np.testing.assert_allclose(
        log_sigmoid([29.0, 120.0, 400.0]),
        [-2.54366565e-13, -7.66764807e-53, -1.91516960e-174], rtol=1e-8,
    )


def test_sigmoid_keeps_tiny_probabilities():
    assert sigmoid(-100.0) == pytest.approx(np.exp(-100.0), rel=1e-12)
    assert sigmoid(np.float32(-80.0)) > 0


def test_sigmoid_of_integers_is_float64():
    assert sigmoid(np.array([0, 1])).dtype == np.float64
    assert softmax(np.array([0, 1])).dtype == np.float64


@pytest.mark.parametrize("function", [sigmoid, log_sigmoid, softmax, log_softmax, logsumexp])
def test_special_rejects_non_numeric_input(function):
    with pytest.raises(ValueError, match="dtype"):
        function(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="dtype"):
        function(np.array([1j, 2j]))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_matches_scipy(rng, dtype, axis, keepdims):
    x = (rng.standard_normal((4, 5, 3)) * 50).astype(dtype)
    result = logsumexp(x, axis=axis, keepdims=keepdims)
    assert result.dtype == dtype
    expected = sp.logsumexp(x.astype(np.float64), axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(result, expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("axis", [0, -1])
def test_softmax_and_log_softmax_match_scipy(rng, dtype, axis):
    x = (rng.standard_normal((6, 7)) * 40).astype(dtype)
    with np.errstate(all="raise"):
        probs, log_probs = softmax(x, axis=axis), log_softmax(x, axis=axis)
    assert probs.dtype == log_probs.dtype == dtype
    reference = x.astype(np.float64)
    np.testing.assert_allclose(probs, sp.softmax(reference, axis=axis), rtol=1e-5,
                               atol=TINY[dtype])
    np.testing.assert_allclose(log_probs, sp.log_softmax(reference, axis=axis), rtol=1e-5,
                               atol=EPS[dtype])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_log_softmax_large_logits_are_exact(dtype):
    x = np.array([1e4, 1.0, -1e4], dtype)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(log_softmax(x), np.array([0.0, 1 - 1e4, -2e4], dtype))
        np.testing.assert_array_equal(softmax(x), np.array([1.0, 0.0, 0.0], dtype))
        assert logsumexp(x) == dtype(1e4)


def test_softmax_of_minus_inf_logit_is_exactly_zero():
    with np.errstate(all="raise"):
        probs = softmax([-np.inf, 0.0, 0.0])
        log_probs = log_softmax([-np.inf, 0.0, 0.0])
    np.testing.assert_array_equal(probs, [0.0, 0.5, 0.5])
    assert log_probs[0] == -np.inf
    np.testing.assert_allclose(log_probs[1:], np.log(0.5))


def test_softmax_all_minus_inf_row_is_nan_without_warning():
    x = np.array([[-np.inf, -np.inf], [0.0, 0.0]])
    with np.errstate(all="raise"):
        probs, log_probs, lse = softmax(x), log_softmax(x), logsumexp(x)
    assert np.isnan(probs[0]).all() and np.isnan(log_probs[0]).all()
    np.testing.assert_array_equal(probs[1], [0.5, 0.5])
    np.testing.assert_array_equal(lse, [-np.inf, np.log(2.0)])


def test_softmax_all_minus_inf_row_agrees_with_torch(torch):
    x = np.array([-np.inf, -np.inf, -np.inf])
    expected = torch.softmax(torch.tensor(x), dim=-1).numpy()
    np.testing.assert_array_equal(np.isnan(softmax(x)), np.isnan(expected))
    assert logsumexp(x) == torch.logsumexp(torch.tensor(x), dim=-1).item()


def test_logsumexp_non_finite_entries():
    with np.errstate(all="raise"):
        assert logsumexp([np.inf, 0.0]) == np.inf
        assert np.isnan(logsumexp([np.nan, 0.0]))
        np.testing.assert_array_equal(logsumexp(np.zeros((2, 0))), [-np.inf, -np.inf])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_special_functions_match_torch(torch, rng, dtype):
    x = (rng.standard_normal((5, 9)) * 20).astype(dtype)
    t = torch.from_numpy(x)
    tolerance = {"rtol": 1e-5 if dtype == np.float32 else 1e-12, "atol": EPS[dtype]}
    F = torch.nn.functional
    np.testing.assert_allclose(sigmoid(x), torch.sigmoid(t).numpy(), **tolerance)
    np.testing.assert_allclose(log_sigmoid(x), F.logsigmoid(t).numpy(), **tolerance)
    np.testing.assert_allclose(softmax(x), torch.softmax(t, -1).numpy(), **tolerance)
    np.testing.assert_allclose(log_softmax(x), torch.log_softmax(t, -1).numpy(), **tolerance)
    np.testing.assert_allclose(logsumexp(x), torch.logsumexp(t, -1).numpy(), **tolerance)


@PROPERTIES
@given(finite_rows, st.floats(-1e3, 1e3))
def test_softmax_shift_invariance(x, shift):
    np.testing.assert_allclose(softmax(x + shift), softmax(x), rtol=1e-7, atol=1e-12)


@PROPERTIES
@given(finite_rows, st.floats(-1e3, 1e3))
def test_logsumexp_shift_equivariance(x, shift):
    np.testing.assert_allclose(logsumexp(x - shift), logsumexp(x) - shift, rtol=1e-12, atol=1e-9)


@PROPERTIES
@given(finite_rows)
def test_softmax_rows_are_distributions(x):
    probs = softmax(x)
    assert (probs >= 0).all()
    np.testing.assert_allclose(probs.sum(axis=-1), 1, rtol=1e-12)
    np.testing.assert_allclose(np.exp(log_softmax(x)), probs, rtol=1e-9, atol=1e-300)


@PROPERTIES
@given(hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-80, 80)))
def test_float32_agrees_with_float64(x):
    x32 = x.astype(np.float32)
    for function in (sigmoid, log_sigmoid, softmax, log_softmax, logsumexp):
        np.testing.assert_allclose(function(x32), function(x32.astype(np.float64)),
                                   rtol=1e-4, atol=1e-6)
