import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special as sp
from sklearn.metrics import log_loss

from crossentropy import (
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    softmax_cross_entropy_value_and_grad,
)
from crossentropy.testing import check_gradient

PROPERTIES = settings(derandomize=True, max_examples=60, deadline=None)
REDUCTIONS = ["mean", "sum", "none"]
FLOAT_DTYPES = [np.float32, np.float64]
INF = np.inf


def random_targets(rng, kind, shape, dtype, ignore=False):
    """Index targets (some ignored) or probability targets for logits of ``shape``."""
    if kind == "index":
        targets = rng.integers(0, shape[-1], shape[:-1])
        if ignore and targets.size:
            targets.flat[:: 3] = -100
        return targets
    targets = rng.random(shape).astype(dtype)
    return targets / targets.sum(axis=-1, keepdims=True)


def torch_cross_entropy(torch, logits, targets, weight, reduction, smoothing):
    """F.cross_entropy's loss and gradient, with the classes moved to torch's axis 1."""
    leaf = torch.tensor(logits, requires_grad=True)
    torch_logits, torch_targets = leaf, torch.tensor(targets)
    if leaf.ndim > 2:
        torch_logits = leaf.movedim(-1, 1)
        if torch_targets.is_floating_point():
            torch_targets = torch_targets.movedim(-1, 1)
    loss = torch.nn.functional.cross_entropy(
        torch_logits, torch_targets, weight=None if weight is None else torch.tensor(weight),
        reduction=reduction, label_smoothing=smoothing)
    (grad,) = torch.autograd.grad(loss.sum(), leaf)
    return loss.detach().numpy(), grad.numpy()


def test_softmax_cross_entropy_optax_doc_fixture():
    logits = np.array([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]])
    np.testing.assert_allclose(softmax_cross_entropy(logits, [0, 1], reduction="none"),
                               [0.2761, 2.9518], atol=1e-4)


def test_softmax_cross_entropy_weighted_mean_pytorch_25571():
    pred = [[0.2, 0.3, 0.5], [0.5, 0.2, 0.3]]
    weight = [2.0, 4.0, 6.0]
    np.testing.assert_allclose(
        softmax_cross_entropy(pred, [2, 1], weight, reduction="none"), [5.6390, 4.9593],
        atol=1e-4)
    assert softmax_cross_entropy(pred, [2, 1], weight, reduction="sum") == pytest.approx(
        10.5983, abs=1e-4)
    assert softmax_cross_entropy(pred, [2, 1], weight) == pytest.approx(1.0598, abs=1e-4)


@pytest.mark.parametrize("logits, labels, expected", [
    ([10.0, 1.0, -2.0], [0.0, 1.0, 0.0], 9.00013),
    ([1.0, 4.0, 0.2], [1.0, 0.0, 0.0], 3.0696733),
    ([-INF, 0.0, 0.0], [0.0, 0.5, 0.5], 0.693147),
    ([-INF, 0.0, 0.0], [0.4, 0.3, 0.3], INF),
    ([-INF, 0.0, -INF], [0.0, 1.0, 0.0], 0.0),
])
def test_softmax_cross_entropy_optax_safe_softmax_fixtures(logits, labels, expected):
    with np.errstate(all="raise"):
        loss, grad = softmax_cross_entropy_value_and_grad(logits, labels)
    assert loss == pytest.approx(expected, rel=1e-5, abs=1e-6)
    assert np.isfinite(grad).all()


def test_softmax_cross_entropy_minus_inf_target_logit_is_infinite():
    with np.errstate(all="raise"):
        assert softmax_cross_entropy([0.0, -INF], 1) == INF
        assert softmax_cross_entropy([0.0, -INF], 0) == 0.0
        assert softmax_cross_entropy([[0.0, -INF]], [1], label_smoothing=0.1) == INF


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_softmax_cross_entropy_extreme_logits(dtype):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [1e4, 1e4 - 1, -1e4]], dtype)
    with np.errstate(all="raise"):
        loss, grad = softmax_cross_entropy_value_and_grad(logits, [1, 1, 0], reduction="none")
    assert loss.dtype == grad.dtype == dtype
    expected = -sp.log_softmax(logits.astype(np.float64), axis=-1)[[0, 1, 2], [1, 1, 0]]
    np.testing.assert_allclose(loss, expected, rtol=1e-6)
    assert loss[0] == 2e4
    np.testing.assert_allclose(grad[0], [1, -1, 0], atol=0)


def test_softmax_cross_entropy_rows_of_very_different_scales(rng):
    """Rows whose maxima differ by 1e4 share a block: each must keep its own precision."""
    logits = rng.standard_normal((64, 10)).astype(np.float32)
    logits[::2] -= 1e4
    labels = rng.integers(0, 10, 64)
    loss, grad = softmax_cross_entropy_value_and_grad(logits, labels, reduction="none")
    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    expected = -sp.log_softmax(shifted, axis=-1)[np.arange(64), labels]
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    np.testing.assert_allclose(grad + np.eye(10)[labels], sp.softmax(shifted, axis=-1),
                               atol=1e-6)


def test_softmax_cross_entropy_large_input_uses_threads(rng):
    logits = rng.standard_normal((2048, 1000)).astype(np.float32) * 4
    labels = rng.integers(0, 1000, 2048)
    loss, grad = softmax_cross_entropy_value_and_grad(logits, labels, reduction="sum")
    reference = logits.astype(np.float64)
    expected = -sp.log_softmax(reference, axis=-1)[np.arange(2048), labels].sum()
    assert loss == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(grad + np.eye(1000, dtype=np.float32)[labels],
                               sp.softmax(reference, axis=-1), atol=1e-6)
    assert softmax_cross_entropy(logits, labels, reduction="sum") == loss


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("extreme_rows", [slice(0, 40), slice(1000, 1010), slice(-3, None)])
@pytest.mark.parametrize("offset", [1e4, 90.0, -1e4, -150.0])
def test_softmax_cross_entropy_blocks_that_need_a_shift(rng, dtype, extreme_rows, offset):
    """Large inputs are first computed without a shift; rows whose exponentials overflow or
    vanish (first, middle or last block) are redone and must be as exact as the others."""
    logits = rng.standard_normal((2048, 1000)).astype(dtype) * 3
    logits[extreme_rows] += dtype(offset)
    labels = rng.integers(0, 1000, 2048)
    with np.errstate(all="raise"):
        loss, grad = softmax_cross_entropy_value_and_grad(logits, labels, reduction="none")
        smoothed = softmax_cross_entropy(logits, labels, label_smoothing=0.1, reduction="none")
    reference = logits.astype(np.float64)
    log_probs = sp.log_softmax(reference, axis=-1)
    np.testing.assert_allclose(loss, -log_probs[np.arange(2048), labels], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grad + np.eye(1000, dtype=dtype)[labels], np.exp(log_probs),
                               atol=1e-6)
    expected_smoothed = 0.9 * -log_probs[np.arange(2048), labels] - 0.1 * log_probs.mean(-1)
    np.testing.assert_allclose(smoothed, expected_smoothed, rtol=1e-5, atol=1e-4)


def test_softmax_cross_entropy_error_in_a_worker_thread_is_raised(rng):
    logits = rng.standard_normal((2048, 1000)).astype(np.float32)
    logits[-1, 3] = np.nan
    with pytest.raises(ValueError, match="logits contain NaN"):
        softmax_cross_entropy_value_and_grad(logits, np.zeros(2048, int))


TORCH_GRID = [
    (kind, ignore, *rest)
    for kind, ignore in [("index", False), ("index", True), ("probabilities", False)]
    for rest in itertools.product([(6, 5), (3, 4, 5), (5,), (0, 5)], REDUCTIONS, [False, True],
                                  [0.0, 0.3], FLOAT_DTYPES)
]


@pytest.mark.parametrize("kind, ignore, shape, reduction, weighted, smoothing, dtype",
                         TORCH_GRID)
def test_softmax_cross_entropy_matches_torch(torch, rng, kind, ignore, shape, reduction,
                                             weighted, smoothing, dtype):
    logits = (rng.standard_normal(shape) * 3).astype(dtype)
    targets = random_targets(rng, kind, shape, dtype, ignore)
    if shape == (5,) and kind == "index":
        targets = np.asarray(-100 if ignore else 2)
    weight = (rng.random(shape[-1]) + 0.2).astype(dtype) if weighted else None
    expected, expected_grad = torch_cross_entropy(torch, logits, targets, weight, reduction,
                                                  smoothing)
    loss, grad = softmax_cross_entropy_value_and_grad(
        logits, targets, weight, reduction=reduction, label_smoothing=smoothing)
    assert np.shape(loss) == expected.shape
    assert np.asarray(loss).dtype == grad.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(loss, expected, rtol=rtol, atol=1e-6)
    np.testing.assert_allclose(grad, expected_grad, rtol=rtol, atol=1e-7)
    np.testing.assert_array_equal(
        softmax_cross_entropy(logits, targets, weight, reduction=reduction,
                              label_smoothing=smoothing), loss)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_softmax_cross_entropy_all_ignored_matches_torch(torch, rng, weighted, smoothing):
    logits = rng.standard_normal((3, 4))
    targets = np.full(3, -100)
    weight = rng.random(4) if weighted else None
    expected, expected_grad = torch_cross_entropy(torch, logits, targets, weight, "mean",
                                                  smoothing)
    with np.errstate(all="raise"):
        loss, grad = softmax_cross_entropy_value_and_grad(logits, targets, weight,
                                                          label_smoothing=smoothing)
    assert np.isnan(loss) and np.isnan(expected)
    np.testing.assert_array_equal(grad, expected_grad)


def test_softmax_cross_entropy_empty_batch():
    empty = np.zeros((0, 4))
    with np.errstate(all="raise"):
        assert np.isnan(softmax_cross_entropy(empty, np.zeros(0, int)))
        assert np.isnan(softmax_cross_entropy(empty, empty))
        assert softmax_cross_entropy(empty, np.zeros(0, int), reduction="sum") == 0.0
        assert softmax_cross_entropy(empty, empty, reduction="none").shape == (0,)
        assert softmax_cross_entropy_grad(empty, np.zeros(0, int)).shape == (0, 4)


def test_softmax_cross_entropy_custom_ignore_index():
    logits = np.array([[2.0, 0.0], [0.0, 3.0]])
    assert softmax_cross_entropy(logits, [0, 1], ignore_index=1) == pytest.approx(
        softmax_cross_entropy(logits[:1], [0]))


@pytest.mark.parametrize("kind", ["index", "probabilities"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted, smoothing", [(False, 0.0), (True, 0.0), (True, 0.25)])
def test_softmax_cross_entropy_grad_matches_finite_differences(rng, kind, reduction, weighted,
                                                               smoothing):
    logits = rng.standard_normal((2, 3, 4)) * 2
    targets = random_targets(rng, kind, logits.shape, np.float64, ignore=True)
    weight = rng.random(4) + 0.5 if weighted else None
    arguments = {"weight": weight, "reduction": reduction, "label_smoothing": smoothing}

    def total_loss(z):
        return np.sum(softmax_cross_entropy(z, targets, **arguments))

    check_gradient(total_loss, lambda z: softmax_cross_entropy_grad(z, targets, **arguments),
                   logits, rtol=1e-7, atol=1e-9)


def test_softmax_cross_entropy_grad_of_none_is_grad_of_sum(rng):
    logits, labels = rng.standard_normal((4, 3)), rng.integers(0, 3, 4)
    np.testing.assert_array_equal(softmax_cross_entropy_grad(logits, labels, reduction="none"),
                                  softmax_cross_entropy_grad(logits, labels, reduction="sum"))


def test_softmax_cross_entropy_matches_sklearn_log_loss(rng):
    logits = rng.standard_normal((40, 5)) * 2
    labels = rng.integers(0, 5, 40)
    expected = log_loss(labels, softmax(logits), labels=range(5))
    assert softmax_cross_entropy(logits, labels) == pytest.approx(expected, rel=1e-9)


def test_softmax_cross_entropy_keeps_float16():
    logits = np.array([[1.0, 2.0, 3.0]], np.float16)
    loss, grad = softmax_cross_entropy_value_and_grad(logits, [2])
    assert loss.dtype == grad.dtype == np.float16
    assert float(loss) == pytest.approx(0.4076, abs=1e-3)
    assert softmax_cross_entropy(np.array([[0, 0]]), [1]).dtype == np.float64


@st.composite
def logits_and_labels(draw):
    num_rows, num_classes = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    logits = draw(hnp.arrays(np.float64, (num_rows, num_classes), elements=st.floats(-30, 30)))
    labels = draw(hnp.arrays(np.int64, num_rows, elements=st.integers(0, num_classes - 1)))
    return logits, labels


@PROPERTIES
@given(logits_and_labels(), st.sampled_from([0.0, 0.1, 1.0]), st.booleans())
def test_softmax_cross_entropy_integer_targets_equal_one_hot(data, smoothing, weighted):
    logits, labels = data
    num_classes = logits.shape[1]
    weight = np.linspace(0.5, 2.0, num_classes) if weighted else None
    one_hot = np.eye(num_classes)[labels]
    for reduction in ("none", "sum"):
        arguments = {"weight": weight, "reduction": reduction, "label_smoothing": smoothing}
        np.testing.assert_allclose(softmax_cross_entropy(logits, labels, **arguments),
                                   softmax_cross_entropy(logits, one_hot, **arguments),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(softmax_cross_entropy_grad(logits, labels, **arguments),
                                   softmax_cross_entropy_grad(logits, one_hot, **arguments),
                                   rtol=1e-12, atol=1e-12)


@PROPERTIES
@given(logits_and_labels(), st.floats(-1e3, 1e3))
def test_softmax_cross_entropy_shift_invariance(data, shift):
    logits, labels = data
    np.testing.assert_allclose(softmax_cross_entropy(logits + shift, labels, reduction="none"),
                               softmax_cross_entropy(logits, labels, reduction="none"),
                               rtol=1e-9, atol=1e-9)


@PROPERTIES
@given(logits_and_labels())
def test_softmax_cross_entropy_float32_agrees_with_float64(data):
    logits, labels = data
    loss32, grad32 = softmax_cross_entropy_value_and_grad(logits.astype(np.float32), labels)
    loss64, grad64 = softmax_cross_entropy_value_and_grad(logits, labels)
    assert loss32.dtype == np.float32
    np.testing.assert_allclose(loss32, loss64, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(grad32, grad64, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("targets, message", [
    ([0, 3], r"class index 3 is out of range for 3 classes"),
    ([0, -1], r"class index -1 is out of range"),
    ([[0], [1]], r"class-index targets must have shape .* = \(2,\), got \(2, 1\)"),
    (np.full((2, 2), 0.5), r"same shape, got \(2, 3\) and \(2, 2\)"),
    (np.array([[0.5, 0.6, 0.0], [1.0, 0.0, 0.0]]), "must sum to 1"),
    (np.array([[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]]), "non-negative"),
    (np.array([True, False]), "integer class indices or floating class probabilities"),
])
def test_softmax_cross_entropy_rejects_bad_targets(targets, message):
    with pytest.raises(ValueError, match=message):
        softmax_cross_entropy(np.zeros((2, 3)), targets)


@pytest.mark.parametrize("arguments, message", [
    ({"weight": [1.0, 2.0]}, r"weight must have shape \(3,\), one per class, got \(2,\)"),
    ({"weight": [1.0, -2.0, 1.0]}, "weight must be finite and non-negative"),
    ({"reduction": "avg"}, "reduction must be one of"),
    ({"label_smoothing": 1.5}, r"label_smoothing must lie in \[0, 1\]"),
    ({"label_smoothing": -0.1}, r"label_smoothing must lie in \[0, 1\]"),
])
def test_softmax_cross_entropy_rejects_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 1], **arguments)


@pytest.mark.parametrize("row, message", [
    ([0.0, np.nan], "logits contain NaN"),
    ([0.0, INF], r"logits contain \+inf"),
    ([-INF, -INF], "all -inf"),
])
def test_softmax_cross_entropy_rejects_logits_without_a_distribution(row, message):
    with pytest.raises(ValueError, match=message):
        softmax_cross_entropy(np.array([[0.0, 1.0], row]), [0, 0])


@pytest.mark.parametrize("logits", [np.float64(1.0), np.zeros((2, 0))])
def test_softmax_cross_entropy_rejects_logits_without_classes(logits):
    with pytest.raises(ValueError, match=r"logits must have shape \(..., C\) with C >= 1"):
        softmax_cross_entropy(logits, 0)


def test_softmax_cross_entropy_zero_weight_class_with_minus_inf_logit_counts_zero():
    weight = np.array([1.0, 1.0, 0.0])
    with np.errstate(all="raise"):
        loss = softmax_cross_entropy([[0.0, 0.0, -INF]], [0], weight, label_smoothing=0.3)
    expected = 0.7 * np.log(2) + 0.3 / 3 * 2 * np.log(2)
    assert loss == pytest.approx(expected, rel=1e-12)
