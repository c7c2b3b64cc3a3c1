"""Checks of assignment a06_softmax_cross_entropy: the loss with PyTorch's options, its gradient,
and the loss floor of the double-softmax bug."""

import numpy as np

import crossentropy as ce

from ._core import assert_close, assert_finite, assert_gradient, call_valid, logits, register

SCE = "softmax_cross_entropy"
SCE_GRAD = "softmax_cross_entropy_grad"
FLOOR = "double_softmax_floor"

NAIVE = ("the loss overflowed for large logits: log(softmax(z)) takes the log of an "
         "underflowed 0 (or exp(z) overflows); use -log p_y = logsumexp(z) - z_y with the row "
         "maximum subtracted inside logsumexp")


def _labels(rng, shape, num_classes):
    return rng.integers(0, num_classes, size=shape).astype(np.int64)


def _soft(rng, shape):
    p = rng.gamma(1.0, size=shape) + 1e-3
    return p / p.sum(axis=-1, keepdims=True)


def double_softmax_floor_reference(num_classes):
    """The smallest loss a softmax cross-entropy can reach when its "logits" are already
    probabilities: the cross-entropy of the one-hot vector used as logits."""
    one_hot = np.zeros(num_classes)
    one_hot[0] = 1.0
    return float(ce.softmax_cross_entropy(one_hot, np.array(0)))


# --------------------------------------------------------------------------- the loss


def _sce(fn, z, t, what, rtol=None, atol=None, **kwargs):
    want = ce.softmax_cross_entropy(z, t, **kwargs)
    reduction = kwargs.get("reduction", "mean")
    integer = np.issubdtype(np.asarray(t).dtype, np.integer)
    hints = []
    with np.errstate(all="ignore"):
        if np.all(np.isfinite(z)):
            hints.append((ce.softmax_cross_entropy(ce.softmax(z), t, **kwargs), "this is the "
                          "double-softmax bug: softmax_cross_entropy takes logits and applies "
                          "the softmax itself; don't pass probabilities"))
        if np.all(np.isfinite(want)):
            hints.append((-want, "the loss is negative: it is -log p of the target, with a "
                                 "minus sign"))
        none = ce.softmax_cross_entropy(z, t, **{**kwargs, "reduction": "none"})
        if reduction == "mean" and np.size(none) > 1:
            hints.append((np.sum(none), "returned the sum: reduction='mean' (the default) "
                                        "divides by the number of samples"))
            hints.append((none, "returned the per-sample losses: reduction='mean' returns "
                                "their mean"))
            if integer and kwargs.get("weight") is not None:
                counted = np.asarray(t) != kwargs.get("ignore_index", -100)
                hints.append((np.sum(none) / max(int(np.sum(counted)), 1), "with class "
                              "weights the mean is a weighted mean: divide the sum of "
                              "w_y * loss by the sum of the weights w_y of the counted "
                              "targets, not by N"))
            if integer:
                counted_rows = np.asarray(t) != kwargs.get("ignore_index", -100)
                if not np.all(counted_rows):
                    hints.append((np.sum(none) / np.size(none), "ignored targets must leave "
                                  "the denominator too: the mean divides by the number of "
                                  "counted targets"))
        if reduction == "sum" and np.size(none) > 1:
            hints.append((np.sum(none) / np.size(none), "returned the mean: reduction='sum' "
                                                        "adds the per-sample losses"))
        if kwargs.get("label_smoothing"):
            eps = kwargs["label_smoothing"]
            c = np.shape(z)[-1]
            if c > 1 and eps * c / (c - 1) <= 1:
                hints.append((ce.softmax_cross_entropy(z, t, **{**kwargs, "label_smoothing":
                                                                eps * c / (c - 1)}),
                              "label smoothing mixes with the uniform distribution over all C "
                              "classes, (1 - eps) * onehot + eps / C (not eps / (C - 1) on "
                              "the other classes)"))
            hints.append((ce.softmax_cross_entropy(z, t, **{**kwargs, "label_smoothing": 0.0}),
                          "label_smoothing was ignored"))
        if kwargs.get("weight") is not None:
            hints.append((ce.softmax_cross_entropy(z, t, **{**kwargs, "weight": None}),
                          "weight was ignored"))
    got = call_valid(fn, (z, t), kwargs, what)
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                 shape_hint="reduction='none' returns one loss per sample, shape "
                            "logits.shape[:-1]; 'mean' and 'sum' return one number")


OPTAX_LOGITS = np.array([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]])


def sce_example(fn, rng):
    _sce(fn, OPTAX_LOGITS, np.array([0, 1]), f"{SCE}([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]], "
         "[0, 1], reduction='none')", reduction="none")


def sce_random(fn, rng):
    z = logits(rng, (5, 4))
    _sce(fn, z, _labels(rng, 5, 4), f"{SCE} of (5, 4) random logits and class indices")


def sce_hidden(fn, rng):
    z = logits(rng, (2, 3, 4))
    _sce(fn, z, _labels(rng, (2, 3), 4), f"{SCE} of (2, 3, 4) logits and (2, 3) class indices")
    _sce(fn, logits(rng, 5), np.array(3), f"{SCE} of one sample: logits of shape (5,), a 0-d "
         "class index")
    _sce(fn, logits(rng, (6, 3), dtype=np.float32), _labels(rng, 6, 3), f"{SCE} of float32 "
         "logits", rtol=1e-5, atol=1e-6)


def sce_reduction(fn, rng):
    z, t = logits(rng, (4, 3)), _labels(rng, 4, 3)
    _sce(fn, z, t, f"{SCE}(..., reduction='sum')", reduction="sum")
    _sce(fn, z, t, f"{SCE}(..., reduction='none')", reduction="none")


def sce_reduction_hidden(fn, rng):
    z, t = logits(rng, (2, 3, 5)), _labels(rng, (2, 3), 5)
    _sce(fn, z, t, f"{SCE} of (2, 3, 5) logits, reduction='none'", reduction="none")
    empty_z, empty_t = np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    _sce(fn, empty_z, empty_t, f"{SCE} of an empty batch, reduction='sum' (0)", reduction="sum")
    _sce(fn, empty_z, empty_t, f"{SCE} of an empty batch, reduction='mean' (NaN, as PyTorch)")


def sce_large(fn, rng):
    z, t = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 0.0]]), np.array([2, 1])
    assert_finite(call_valid(fn, (z, t), {"reduction": "none"}, SCE),
                  f"{SCE}([[1e4, 0, -1e4], [0, 1e4, 0]], [2, 1], reduction='none')", NAIVE)
    _sce(fn, z, t, f"{SCE}([[1e4, 0, -1e4], [0, 1e4, 0]], [2, 1], reduction='none')",
         reduction="none")


def sce_large_hidden(fn, rng):
    z, t = logits(rng, (6, 5), scale=1e4), _labels(rng, 6, 5)
    assert_finite(call_valid(fn, (z, t), {"reduction": "none"}, SCE), f"{SCE} of logits of "
                  "size 1e4", NAIVE)
    _sce(fn, z, t, f"{SCE} of logits of size 1e4", reduction="none")
    z32 = np.array([[100.0, 0.0, -3.0], [-100.0, 50.0, 0.0]], dtype=np.float32)
    _sce(fn, z32, np.array([1, 2]), f"{SCE} of float32 logits of size 100", reduction="none",
         rtol=1e-5, atol=1e-5)


PYTORCH_PRED = np.array([[0.2, 0.3, 0.5], [0.5, 0.2, 0.3]])


def sce_weights(fn, rng):
    _sce(fn, PYTORCH_PRED, np.array([2, 1]), f"{SCE}([[0.2, 0.3, 0.5], [0.5, 0.2, 0.3]], "
         "[2, 1], weight=[2, 4, 6]) (PyTorch: 1.0598)", weight=np.array([2.0, 4.0, 6.0]))


def sce_weights_hidden(fn, rng):
    z, t = logits(rng, (7, 4)), _labels(rng, 7, 4)
    w = rng.uniform(0.2, 3.0, size=4)
    _sce(fn, z, t, f"{SCE} with random class weights", weight=w)
    _sce(fn, z, t, f"{SCE} with random class weights, reduction='sum'", weight=w,
         reduction="sum")
    _sce(fn, z, t, f"{SCE} with random class weights, reduction='none'", weight=w,
         reduction="none")


def sce_ignore(fn, rng):
    z = logits(rng, (5, 3))
    t = np.array([0, -100, 2, -100, 1])
    _sce(fn, z, t, f"{SCE} with targets [0, -100, 2, -100, 1] (ignore_index=-100)")
    _sce(fn, z, t, f"{SCE} with ignored targets, reduction='none' (0 for ignored samples)",
         reduction="none")


def sce_ignore_hidden(fn, rng):
    z = logits(rng, (6, 4))
    t = np.array([3, 1, 1, 0, 2, 1])
    _sce(fn, z, t, f"{SCE}(..., ignore_index=1)", ignore_index=1)
    _sce(fn, z, np.full(6, -100), f"{SCE} with every target ignored (mean: NaN, 0 / 0)")
    _sce(fn, z, np.full(6, -100), f"{SCE} with every target ignored, reduction='sum' (0)",
         reduction="sum")


def sce_smoothing(fn, rng):
    z, t = logits(rng, (4, 5)), _labels(rng, 4, 5)
    _sce(fn, z, t, f"{SCE}(..., label_smoothing=0.1)", label_smoothing=0.1)


def sce_smoothing_hidden(fn, rng):
    z, t = logits(rng, (6, 3)), _labels(rng, 6, 3)
    _sce(fn, z, t, f"{SCE}(..., label_smoothing=0.25, reduction='none')", label_smoothing=0.25,
         reduction="none")
    _sce(fn, z, t, f"{SCE}(..., label_smoothing=1.0) (the uniform target)",
         label_smoothing=1.0)


def sce_soft(fn, rng):
    z = logits(rng, (4, 3))
    _sce(fn, z, _soft(rng, (4, 3)), f"{SCE} with probability targets of shape (4, 3)")
    _sce(fn, np.array([[-np.inf, 0.0, 0.0]]), np.array([[0.0, 0.5, 0.5]]),
         f"{SCE}([[-inf, 0, 0]], [[0, 0.5, 0.5]]) (a -inf logit with target probability 0 "
         "counts 0, not 0 * -inf = NaN)")


def sce_soft_hidden(fn, rng):
    z, t = logits(rng, (5, 4)), _labels(rng, 5, 4)
    _sce(fn, z, np.eye(4)[t], f"{SCE} with one-hot probability targets (equal to the class "
         "indices' loss)")
    _sce(fn, z, _soft(rng, (5, 4)), f"{SCE} with probability targets, reduction='sum'",
         reduction="sum")
    _sce(fn, np.array([[-np.inf, 0.0, -np.inf]]), np.array([[0.0, 1.0, 0.0]]),
         f"{SCE}([[-inf, 0, -inf]], [[0, 1, 0]]) (0)")


register(f"test_{SCE}", SCE, [sce_example, sce_random], [sce_hidden])
register(f"test_{SCE}-reduction", SCE, [sce_reduction], [sce_reduction_hidden])
register(f"test_{SCE}-stability", SCE, [sce_large], [sce_large_hidden])
register(f"test_{SCE}-weights", SCE, [sce_weights], [sce_weights_hidden])
register(f"test_{SCE}-ignore_index", SCE, [sce_ignore], [sce_ignore_hidden])
register(f"test_{SCE}-label_smoothing", SCE, [sce_smoothing], [sce_smoothing_hidden])
register(f"test_{SCE}-soft_targets", SCE, [sce_soft], [sce_soft_hidden])


# --------------------------------------------------------------------------- the gradient


def _sce_grad(fn, z, t, what, rtol=None, atol=None, fd=True, **kwargs):
    want = ce.softmax_cross_entropy_grad(z, t, **kwargs)
    reduction = kwargs.get("reduction", "mean")
    hints = [(-want, "the gradient has the wrong sign: d loss / dz = softmax(z) - onehot(y)")]
    rows = int(np.prod(np.shape(z)[:-1]))
    if reduction == "mean" and rows > 1:
        hints.append((want * rows, "reduction='mean' divides the loss by the number of "
                                   "samples N, so the gradient is divided by N too"))
    with np.errstate(all="ignore"):
        if np.all(np.isfinite(z)):
            hints.append((ce.softmax(z), "returned softmax(z): subtract the one-hot target "
                                         "(and scale for the reduction)"))
    got = call_valid(fn, (z, t), kwargs, what)
    got = assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                       shape_hint="the gradient has the shape of logits")
    if fd:
        loss_kwargs = dict(kwargs)
        if reduction == "none":
            loss_kwargs["reduction"] = "sum"
        assert_gradient(got, lambda v: ce.softmax_cross_entropy(v, t, **loss_kwargs), z, what)


def grad_example(fn, rng):
    _sce_grad(fn, np.array([[0.0, np.log(3.0)]]), np.array([0]),
              f"{SCE_GRAD}([[0, log 3]], [0], reduction='sum')", reduction="sum")


def grad_random(fn, rng):
    z, t = logits(rng, (4, 3)), _labels(rng, 4, 3)
    _sce_grad(fn, z, t, f"{SCE_GRAD} of (4, 3) random logits")


def grad_hidden(fn, rng):
    z, t = logits(rng, (2, 3, 4)), _labels(rng, (2, 3), 4)
    _sce_grad(fn, z, t, f"{SCE_GRAD} of (2, 3, 4) logits")
    _sce_grad(fn, logits(rng, 5), np.array(1), f"{SCE_GRAD} of one sample of shape (5,)")


def grad_reduction(fn, rng):
    z, t = logits(rng, (3, 4)), _labels(rng, 3, 4)
    _sce_grad(fn, z, t, f"{SCE_GRAD}(..., reduction='sum')", reduction="sum")
    _sce_grad(fn, z, t, f"{SCE_GRAD}(..., reduction='none') (the gradient of the sum)",
              reduction="none")


def grad_reduction_hidden(fn, rng):
    z, t = logits(rng, (6, 2)), _labels(rng, 6, 2)
    _sce_grad(fn, z, t, f"{SCE_GRAD} of (6, 2) logits, reduction='sum'", reduction="sum")


def grad_weights(fn, rng):
    _sce_grad(fn, PYTORCH_PRED, np.array([2, 1]), f"{SCE_GRAD}(..., weight=[2, 4, 6])",
              weight=np.array([2.0, 4.0, 6.0]))
    z = logits(rng, (5, 3))
    _sce_grad(fn, z, np.array([0, -100, 2, -100, 1]), f"{SCE_GRAD} with ignored targets "
              "(their rows get a zero gradient)")


def grad_weights_hidden(fn, rng):
    z, t = logits(rng, (6, 4)), _labels(rng, 6, 4)
    t[2] = -100
    _sce_grad(fn, z, t, f"{SCE_GRAD} with class weights and an ignored target",
              weight=rng.uniform(0.2, 3, size=4))
    _sce_grad(fn, z, np.full(6, -100), f"{SCE_GRAD} with every target ignored (zero gradient)",
              fd=False)


def grad_targets(fn, rng):
    z = logits(rng, (4, 3))
    _sce_grad(fn, z, _soft(rng, (4, 3)), f"{SCE_GRAD} with probability targets")
    _sce_grad(fn, z, _labels(rng, 4, 3), f"{SCE_GRAD}(..., label_smoothing=0.1)",
              label_smoothing=0.1)


def grad_targets_hidden(fn, rng):
    z = logits(rng, (5, 4))
    _sce_grad(fn, z, _soft(rng, (5, 4)), f"{SCE_GRAD} with probability targets, "
              "reduction='sum'", reduction="sum")
    _sce_grad(fn, z, _labels(rng, 5, 4), f"{SCE_GRAD}(..., label_smoothing=0.3, "
              "reduction='none')", label_smoothing=0.3, reduction="none")


NAIVE_GRAD = ("the gradient softmax(z) - onehot is bounded, but an unshifted exp(z) overflows; "
              "subtract the row maximum inside the softmax")


def grad_large(fn, rng):
    z, t = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 0.0]]), np.array([2, 1])
    assert_finite(call_valid(fn, (z, t), {}, SCE_GRAD), f"{SCE_GRAD}([[1e4, 0, -1e4], "
                  "[0, 1e4, 0]], [2, 1])", NAIVE_GRAD)
    _sce_grad(fn, z, t, f"{SCE_GRAD}([[1e4, 0, -1e4], [0, 1e4, 0]], [2, 1])", fd=False)


def grad_large_hidden(fn, rng):
    z, t = logits(rng, (4, 6), scale=1e4), _labels(rng, 4, 6)
    assert_finite(call_valid(fn, (z, t), {}, SCE_GRAD), f"{SCE_GRAD} of logits of size 1e4",
                  NAIVE_GRAD)
    _sce_grad(fn, z, t, f"{SCE_GRAD} of logits of size 1e4", fd=False)


register(f"test_{SCE_GRAD}", SCE_GRAD, [grad_example, grad_random], [grad_hidden])
register(f"test_{SCE_GRAD}-reduction", SCE_GRAD, [grad_reduction], [grad_reduction_hidden])
register(f"test_{SCE_GRAD}-weights", SCE_GRAD, [grad_weights], [grad_weights_hidden])
register(f"test_{SCE_GRAD}-targets", SCE_GRAD, [grad_targets], [grad_targets_hidden])
register(f"test_{SCE_GRAD}-stability", SCE_GRAD, [grad_large], [grad_large_hidden])


# --------------------------------------------------------------------------- double softmax


def _floor(fn, c, what):
    want = double_softmax_floor_reference(c)
    e = np.e
    hints = [(-np.log(e / (e + c)), "off by one: the true class contributes e^1 and each of the "
              "other C - 1 classes e^0 = 1, so the floor is -log(e / (e + C - 1))"),
             (want / np.log(2), "returned bits: the loss is in nats (natural log)"),
             (-want, "the floor is a loss, -log of a probability: it is positive")]
    got = call_valid(fn, (c,), {}, what)
    assert_close(got, want, what, hints=hints, shape_hint="return one number")


def floor_small(fn, rng):
    _floor(fn, 2, f"{FLOOR}(2)")
    _floor(fn, 10, f"{FLOOR}(10)")


def floor_hidden(fn, rng):
    _floor(fn, 1, f"{FLOOR}(1) (one class: 0)")
    _floor(fn, int(rng.integers(3, 50)), f"{FLOOR} of a random number of classes")
    _floor(fn, 1_000_000, f"{FLOOR}(1000000) (about log C - 1)")


register(f"test_{FLOOR}", FLOOR, [floor_small], [floor_hidden])
