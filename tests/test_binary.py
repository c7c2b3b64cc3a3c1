import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import log_loss

from crossentropy import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    binary_cross_entropy_with_logits_value_and_grad,
    sigmoid,
)
from crossentropy.testing import check_gradient

PROPERTIES = settings(derandomize=True, max_examples=60, deadline=None)
REDUCTIONS = ["mean", "sum", "none"]
FLOAT_DTYPES = [np.float32, np.float64]


def optional_weight(kind, shape, rng, dtype):
    """A weight of the given broadcasting kind for a loss of ``shape``."""
    if kind is None:
        return None
    if kind == "full":
        return rng.random(shape).astype(dtype)
    if kind == "classes":
        return (rng.random(shape[-1:]) * 3).astype(dtype)
    if kind == "scalar":
        return np.asarray(2.5, dtype)
    return rng.random(shape[:-1] + (1,)).astype(dtype)  # "rows"


@pytest.mark.parametrize("preds, labels, expected", [
    ([-1e9, -1e-9], [1.0, 0.0], 5e8),
    ([-1e9, -1e-9], [0.0, 1.0], 0.3465736),
    ([0.0, 0.0], [1.0, 0.0], 0.6931472),
])
def test_binary_cross_entropy_with_logits_optax_fixtures(preds, labels, expected):
    with np.errstate(all="raise"):
        loss = binary_cross_entropy_with_logits(preds, labels)
    assert loss == pytest.approx(expected, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_binary_cross_entropy_with_logits_extremes(dtype):
    logits = np.array([1e4, -1e4, 1e3, -1e3, 1e4, -1e4], dtype)
    targets = np.array([0, 1, 0, 1, 1, 0], dtype)
    with np.errstate(all="raise"):
        loss, grad = binary_cross_entropy_with_logits_value_and_grad(logits, targets,
                                                                     reduction="none")
    assert loss.dtype == grad.dtype == dtype
    np.testing.assert_array_equal(loss, np.array([1e4, 1e4, 1e3, 1e3, 0, 0], dtype))
    np.testing.assert_array_equal(grad, np.array([1, -1, 1, -1, 0, 0], dtype))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_binary_cross_entropy_with_logits_confident_correct_loss_keeps_its_digits(dtype,
                                                                                 pos_weight):
    """log(1 + e^-20) = 2.06e-9 is far below the spacing of floats near 20: it must not be
    added to 20 and then lose it again."""
    logits = np.array([20.0, -20.0, 30.0, -30.0], dtype)
    targets = np.array([1.0, 0.0, 1.0, 0.0], dtype)
    loss = binary_cross_entropy_with_logits(logits, targets, pos_weight=pos_weight,
                                            reduction="none")
    factor = np.array([pos_weight or 1.0, 1.0, pos_weight or 1.0, 1.0])
    np.testing.assert_allclose(loss, factor * np.log1p(np.exp(-np.abs(logits.astype(float)))),
                               rtol=1e-6)


def test_binary_cross_entropy_with_logits_reports_targets_out_of_range_in_any_block(rng):
    targets = (rng.random(1_100_000) < 0.5).astype(np.float32)
    targets[-1] = 1.5
    message = r"targets must lie in \[0, 1\], got values in \[0.0, 1.5\]"
    with pytest.raises(ValueError, match=message):
        binary_cross_entropy_with_logits(np.zeros_like(targets), targets)


def test_binary_cross_entropy_hand_value():
    assert binary_cross_entropy([0.8], [1.0]) == pytest.approx(0.2231435513, rel=1e-9)
    assert binary_cross_entropy_with_logits([np.log(4.0)], [1.0]) == pytest.approx(0.2231435513)


def test_binary_cross_entropy_clamps_log_at_minus_100():
    with np.errstate(all="raise"):
        losses = binary_cross_entropy([0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0],
                                      reduction="none")
    np.testing.assert_array_equal(losses, [100.0, 100.0, 0.0, 0.0])


def test_binary_cross_entropy_matches_sklearn_log_loss(rng):
    probs = rng.uniform(0.01, 0.99, 50)
    labels = (rng.random(50) < 0.5).astype(float)
    assert binary_cross_entropy(probs, labels) == pytest.approx(log_loss(labels, probs),
                                                               rel=1e-12)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_binary_cross_entropy_with_logits_equals_probability_form(rng, dtype):
    logits = (rng.standard_normal((4, 6)) * 3).astype(dtype)
    targets = rng.random((4, 6)).astype(dtype)
    expected = binary_cross_entropy(sigmoid(logits), targets, reduction="none")
    rtol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(binary_cross_entropy_with_logits(logits, targets, reduction="none"),
                               expected, rtol=rtol)


TORCH_GRID = list(itertools.product(
    [(6, 5), (3, 4, 5), (5,), (0, 5)], REDUCTIONS, [None, "full", "classes", "rows"],
    [None, "classes", "scalar"], FLOAT_DTYPES,
))


@pytest.mark.parametrize("shape, reduction, weight_kind, pos_weight_kind, dtype", TORCH_GRID)
def test_binary_cross_entropy_with_logits_matches_torch(torch, rng, shape, reduction,
                                                        weight_kind, pos_weight_kind, dtype):
    F = torch.nn.functional
    logits = (rng.standard_normal(shape) * 4).astype(dtype)
    targets = rng.random(shape).astype(dtype)
    weight = optional_weight(weight_kind, shape, rng, dtype)
    pos_weight = optional_weight(pos_weight_kind, shape, rng, dtype)
    leaf = torch.tensor(logits, requires_grad=True)
    as_tensor = (lambda a: None if a is None else torch.tensor(a))
    expected = F.binary_cross_entropy_with_logits(
        leaf, torch.tensor(targets), weight=as_tensor(weight), pos_weight=as_tensor(pos_weight),
        reduction=reduction)
    (expected_grad,) = torch.autograd.grad(expected.sum(), leaf)
    loss, grad = binary_cross_entropy_with_logits_value_and_grad(
        logits, targets, weight, pos_weight, reduction)
    assert np.shape(loss) == tuple(expected.shape)
    assert np.asarray(loss).dtype == grad.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(loss, expected.detach().numpy(), rtol=rtol, atol=1e-6)
    np.testing.assert_allclose(grad, expected_grad.numpy(), rtol=rtol, atol=1e-7)


@pytest.mark.parametrize("shape, reduction, weight_kind", list(itertools.product(
    [(6, 5), (4,), (0, 3)], REDUCTIONS, [None, "full", "classes"])))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_binary_cross_entropy_matches_torch(torch, rng, shape, reduction, weight_kind, dtype):
    probs = rng.random(shape).astype(dtype)
    probs.flat[:2] = [0.0, 1.0][: probs.size]  # exact 0 and 1: the clamp at -100
    targets = rng.random(shape).astype(dtype)
    weight = optional_weight(weight_kind, shape, rng, dtype)
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor(probs), torch.tensor(targets),
        weight=None if weight is None else torch.tensor(weight).expand(shape),
        reduction=reduction).numpy()
    loss = binary_cross_entropy(probs, targets, weight, reduction)
    assert np.asarray(loss).dtype == dtype and np.shape(loss) == expected.shape
    np.testing.assert_allclose(loss, expected, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_kind, pos_weight_kind", [
    (None, None), ("full", None), (None, "classes"), ("rows", "classes")])
def test_binary_cross_entropy_with_logits_grad_matches_finite_differences(
        rng, reduction, weight_kind, pos_weight_kind):
    logits = rng.standard_normal((3, 4)) * 3
    targets = rng.random((3, 4))
    weight = optional_weight(weight_kind, (3, 4), rng, np.float64)
    pos_weight = optional_weight(pos_weight_kind, (3, 4), rng, np.float64)

    def total_loss(z):
        return np.sum(binary_cross_entropy_with_logits(z, targets, weight, pos_weight,
                                                       reduction))

    check_gradient(total_loss, lambda z: binary_cross_entropy_with_logits_grad(
        z, targets, weight, pos_weight, reduction), logits, rtol=1e-7, atol=1e-9)


def test_binary_cross_entropy_with_logits_grad_of_none_is_grad_of_sum(rng):
    logits, targets = rng.standard_normal(7), rng.random(7)
    np.testing.assert_array_equal(
        binary_cross_entropy_with_logits_grad(logits, targets, reduction="none"),
        binary_cross_entropy_with_logits_grad(logits, targets, reduction="sum"))


def test_binary_cross_entropy_with_logits_large_input_uses_blocks(rng):
    size = 1_100_000  # several blocks, spread over threads
    logits = (rng.standard_normal(size) * 5).astype(np.float32)
    targets = (rng.random(size) < 0.5).astype(np.float32)
    loss, grad = binary_cross_entropy_with_logits_value_and_grad(logits, targets,
                                                                 reduction="sum")
    x, y = logits.astype(np.float64), targets.astype(np.float64)
    expected = np.sum(np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x))))
    assert loss == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(grad, 1 / (1 + np.exp(-x)) - y, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("function", [binary_cross_entropy, binary_cross_entropy_with_logits])
def test_binary_cross_entropy_empty_batch(function):
    empty = np.zeros((0, 3))
    with np.errstate(all="raise"):
        assert np.isnan(function(empty, empty))
        assert function(empty, empty, reduction="sum") == 0.0
        assert function(empty, empty, reduction="none").shape == (0, 3)
    grad = binary_cross_entropy_with_logits_grad(empty, empty)
    assert grad.shape == (0, 3)


@PROPERTIES
@given(hnp.arrays(np.float64, st.integers(1, 10), elements=st.floats(-50, 50)),
       st.floats(0, 1))
def test_binary_cross_entropy_with_logits_float32_agrees_with_float64(logits, target):
    targets = np.full_like(logits, target)
    loss32, grad32 = binary_cross_entropy_with_logits_value_and_grad(
        logits.astype(np.float32), targets.astype(np.float32), reduction="none")
    loss64, grad64 = binary_cross_entropy_with_logits_value_and_grad(logits, targets,
                                                                     reduction="none")
    np.testing.assert_allclose(loss32, loss64, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(grad32, grad64, rtol=1e-4, atol=1e-4)


def test_binary_cross_entropy_rejects_column_against_row_shapes():
    with pytest.raises(ValueError, match=r"same shape, got \(3, 1\) and \(3,\)"):
        binary_cross_entropy_with_logits(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match=r"same shape, got \(3,\) and \(3, 1\)"):
        binary_cross_entropy(np.full(3, 0.5), np.zeros((3, 1)))


def test_binary_cross_entropy_rejects_out_of_range_probabilities():
    with pytest.raises(ValueError, match=r"probs must lie in \[0, 1\]"):
        binary_cross_entropy([1.2, 0.5], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        binary_cross_entropy([0.2, 0.5], [-0.1, 0.0])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        binary_cross_entropy_with_logits([0.2, 0.5], [2.0, 0.0])
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        binary_cross_entropy_with_logits([0.2, 0.5], [np.nan, 0.0])


def test_binary_cross_entropy_rejects_bad_weights():
    logits, targets = np.zeros((2, 3)), np.zeros((2, 3))
    with pytest.raises(ValueError, match="weight must be finite and non-negative"):
        binary_cross_entropy_with_logits(logits, targets, weight=-np.ones(3))
    with pytest.raises(ValueError, match="pos_weight must be finite and non-negative"):
        binary_cross_entropy_with_logits(logits, targets, pos_weight=[1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"shape \(2, 3, 1\) does not broadcast to the loss"):
        binary_cross_entropy_with_logits(logits, targets, weight=np.ones((2, 3, 1)))
    with pytest.raises(ValueError, match=r"pos_weight of shape \(4,\) does not broadcast"):
        binary_cross_entropy_with_logits(logits, targets, pos_weight=np.ones(4))
    with pytest.raises(ValueError, match="weight must be finite"):
        binary_cross_entropy(np.full(3, 0.5), np.zeros(3), weight=[1.0, np.inf, 1.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("target", [0.0, 0.5, 1.0])
def test_binary_cross_entropy_with_logits_rejects_non_finite_logits(bad, target):
    with pytest.raises(ValueError, match="logits must be finite"):
        binary_cross_entropy_with_logits([0.0, bad], [0.0, target], reduction="none")
    with pytest.raises(ValueError, match="logits must be finite"):
        binary_cross_entropy_with_logits_grad([0.0, bad], [0.0, target])


@pytest.mark.parametrize("function", [binary_cross_entropy, binary_cross_entropy_with_logits])
def test_binary_cross_entropy_rejects_unknown_reduction(function):
    with pytest.raises(ValueError, match="reduction must be one of"):
        function([0.5], [1.0], reduction="average")


def test_binary_cross_entropy_with_logits_float16_mean_without_overflow():
    """Partial sums of 70 000 losses of 1.31 exceed float16's 65504; the mean must not."""
    logits = np.full(70_000, -1.0, np.float16)
    targets = np.ones(70_000, np.float16)
    loss, grad = binary_cross_entropy_with_logits_value_and_grad(logits, targets)
    assert loss.dtype == grad.dtype == np.float16
    assert float(loss) == pytest.approx(np.log1p(np.e), rel=1e-3)
    assert binary_cross_entropy_with_logits(logits, targets, reduction="none").dtype == np.float16
