"""Checks of assignment a03_binary_cross_entropy: sigmoid, log-sigmoid, BCE from logits and its
gradient."""

import numpy as np

import crossentropy as ce

from ._core import (
    assert_close,
    assert_finite,
    assert_gradient,
    assert_raises,
    call_valid,
    logits,
    register,
)

BCE = "binary_cross_entropy_with_logits"
BCE_GRAD = "binary_cross_entropy_with_logits_grad"


def _x(values, dtype=np.float64):
    return np.array(values, dtype=dtype)


# --------------------------------------------------------------------------- sigmoid

SIGMOID_FLIPPED = "returned sigmoid(-x): sigma(x) = 1 / (1 + exp(-x)), with a minus sign"


def _sigmoid(fn, x, what, dtype=None, rtol=None, atol=None):
    want = ce.sigmoid(x)
    got = call_valid(fn, (x,), {}, what)
    assert_close(got, want, what, dtype=dtype, rtol=rtol, atol=atol,
                 hints=[(ce.sigmoid(-x), SIGMOID_FLIPPED)],
                 shape_hint="sigmoid is element-wise: return the shape of x")


def sigmoid_small(fn, rng):
    _sigmoid(fn, _x([-2.0, 0.0, 2.0]), "sigmoid([-2, 0, 2])")


def sigmoid_random(fn, rng):
    _sigmoid(fn, logits(rng, (3, 4)), "sigmoid of random logits of shape (3, 4)")


def sigmoid_random_hidden(fn, rng):
    _sigmoid(fn, logits(rng, (2, 3, 4), scale=6), "sigmoid of random logits of shape (2, 3, 4)")
    _sigmoid(fn, np.float64(rng.normal()), "sigmoid of a 0-d array")


OVERFLOW = ("exp(x) overflows to inf for large x and inf / inf is NaN; evaluate both forms "
            "through exp(-|x|) <= 1: 1 / (1 + exp(-x)) for x >= 0, exp(x) / (1 + exp(x)) for "
            "x < 0")


def sigmoid_extreme(fn, rng):
    x = _x([-1e4, -1000.0, 0.0, 1000.0, 1e4])
    got = assert_finite(call_valid(fn, (x,), {}, "sigmoid"), "sigmoid([-1e4, -1000, 0, 1000, "
                        "1e4])", OVERFLOW)
    _sigmoid(fn, x, "sigmoid([-1e4, -1000, 0, 1000, 1e4])")
    del got


def sigmoid_tiny(fn, rng):
    x = _x([-100.0, -700.0, -30.0])
    _sigmoid(fn, x, "sigmoid([-100, -700, -30]) to full relative precision (1 - sigmoid(-x) "
             "rounds these to 0; exp(x) / (1 + exp(x)) keeps them)", atol=0.0)
    x = logits(rng, 50, scale=2000)
    assert_finite(call_valid(fn, (x,), {}, "sigmoid"), "sigmoid of random logits of size "
                  "about 1e3", OVERFLOW)
    _sigmoid(fn, x, "sigmoid of random logits of size about 1e3")


def sigmoid_float32(fn, rng):
    _sigmoid(fn, logits(rng, 6, dtype=np.float32), "sigmoid of float32 logits",
             dtype=np.float32)


def sigmoid_float32_hidden(fn, rng):
    _sigmoid(fn, _x([-30.0, -5.0, 0.0, 5.0, 30.0], np.float32), "sigmoid of float32 logits "
             "[-30, -5, 0, 5, 30]", dtype=np.float32)
    _sigmoid(fn, logits(rng, (3, 2), dtype=np.float32), "sigmoid of float32 logits of shape "
             "(3, 2)", dtype=np.float32)


register("test_sigmoid", "sigmoid", [sigmoid_small, sigmoid_random], [sigmoid_random_hidden])
register("test_sigmoid-stability", "sigmoid", [sigmoid_extreme], [sigmoid_tiny])
register("test_sigmoid-dtype", "sigmoid", [sigmoid_float32], [sigmoid_float32_hidden])


# --------------------------------------------------------------------------- log_sigmoid

LOG_OF_ZERO = ("log(sigmoid(x)) takes the log of a probability that underflowed to 0, and "
               "log(1 + exp(-x)) overflows for very negative x; use "
               "log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|))")


def _log_sigmoid(fn, x, what, rtol=None, atol=None):
    want = ce.log_sigmoid(x)
    got = call_valid(fn, (x,), {}, what)
    assert_close(got, want, what, rtol=rtol, atol=atol,
                 hints=[(ce.log_sigmoid(-x), "returned log sigmoid(-x) = log(1 - sigmoid(x)): "
                                             "check the sign of x"),
                        (-want, "the sign is flipped: log sigmoid(x) <= 0")],
                 shape_hint="log_sigmoid is element-wise: return the shape of x")


def log_sigmoid_small(fn, rng):
    _log_sigmoid(fn, _x([-2.0, 0.0, 2.0]), "log_sigmoid([-2, 0, 2])")


def log_sigmoid_random(fn, rng):
    _log_sigmoid(fn, logits(rng, (3, 4)), "log_sigmoid of random logits of shape (3, 4)")


def log_sigmoid_hidden(fn, rng):
    _log_sigmoid(fn, logits(rng, (2, 5, 3), scale=8), "log_sigmoid of random logits of shape "
                 "(2, 5, 3)")
    _log_sigmoid(fn, logits(rng, 7, dtype=np.float32), "log_sigmoid of float32 logits",
                 rtol=1e-4, atol=1e-6)


def log_sigmoid_extreme(fn, rng):
    x = _x([-1e4, -1000.0, 0.0, 1000.0, 1e4])
    assert_finite(call_valid(fn, (x,), {}, "log_sigmoid"), "log_sigmoid([-1e4, -1000, 0, 1000, "
                  "1e4])", LOG_OF_ZERO)
    _log_sigmoid(fn, x, "log_sigmoid([-1e4, -1000, 0, 1000, 1e4])")


def log_sigmoid_precise(fn, rng):
    x = _x([29.0, 120.0, 400.0])
    _log_sigmoid(fn, x, "log_sigmoid([29, 120, 400]) to full relative precision "
                 "(log(1 + tiny) rounds to 0: use np.log1p)", atol=0.0)


def log_sigmoid_extreme_hidden(fn, rng):
    x = logits(rng, 40, scale=3000)
    assert_finite(call_valid(fn, (x,), {}, "log_sigmoid"), "log_sigmoid of random logits of "
                  "size about 1e3", LOG_OF_ZERO)
    _log_sigmoid(fn, x, "log_sigmoid of random logits of size about 1e3")
    x = _x([-1e4, -200.0, 0.0, 30.0, 1e4], np.float32)
    _log_sigmoid(fn, x, "log_sigmoid of extreme float32 logits", rtol=1e-4, atol=1e-6)
    _log_sigmoid(fn, _x([40.0, 300.0, 700.0]), "log_sigmoid([40, 300, 700])", atol=0.0)


register("test_log_sigmoid", "log_sigmoid", [log_sigmoid_small, log_sigmoid_random],
         [log_sigmoid_hidden])
register("test_log_sigmoid-stability", "log_sigmoid",
         [log_sigmoid_extreme, log_sigmoid_precise], [log_sigmoid_extreme_hidden])


# --------------------------------------------------------------------------- BCE with logits

NAIVE_BCE = ("a loss of inf or NaN for large logits: log(sigmoid(x)) is log 0 once sigmoid "
             "rounds to 0 or 1 (and 0 * -inf is NaN); use the logit form "
             "max(x, 0) - x * y + log1p(exp(-|x|))")


def _targets(rng, shape, soft=False):
    if soft:
        return rng.random(shape)
    return (rng.random(shape) < 0.5).astype(np.float64)


def _bce(fn, x, y, what, rtol=None, atol=None, **kwargs):
    want = ce.binary_cross_entropy_with_logits(x, y, **kwargs)
    reduction = kwargs.get("reduction", "mean")
    hints = []
    if np.all(np.isfinite(want)):
        hints.append((-want, "the loss is negative: the BCE is -[y log sigma(x) + (1 - y) "
                             "log(1 - sigma(x))], with a minus sign"))
        swapped = ce.binary_cross_entropy_with_logits(x, 1 - y, **kwargs)
        hints.append((swapped, "the roles of y and 1 - y are swapped: y multiplies "
                               "log sigma(x), the probability of the positive class"))
    if reduction == "mean" and x.size > 1:
        hints.append((want * x.size, "returned the sum: reduction='mean' (the default) divides "
                                     "by the number of elements"))
        hints.append((ce.binary_cross_entropy_with_logits(x, y, **{**kwargs,
                                                                  "reduction": "none"}),
                      "returned the element losses: reduction='mean' (the default) returns "
                      "their mean"))
    if reduction == "sum" and x.size > 1:
        hints.append((want / x.size, "returned the mean: reduction='sum' adds the element "
                                     "losses"))
    if "pos_weight" in kwargs:
        no_pos = {k: v for k, v in kwargs.items() if k != "pos_weight"}
        hints.append((ce.binary_cross_entropy_with_logits(x, y, **no_pos), "pos_weight was "
                      "ignored: it multiplies the positive term y log sigma(x)"))
    if "weight" in kwargs:
        no_w = {k: v for k, v in kwargs.items() if k != "weight"}
        hints.append((ce.binary_cross_entropy_with_logits(x, y, **no_w), "weight was ignored: "
                      "it multiplies each element's loss"))
    got = call_valid(fn, (x, y), kwargs, what)
    assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                 shape_hint="reduction='none' keeps the shape of logits; 'mean' and 'sum' "
                            "return one number")


def bce_small(fn, rng):
    _bce(fn, _x([0.0, 0.0]), _x([1.0, 0.0]), f"{BCE}([0, 0], [1, 0])")


def bce_random(fn, rng):
    x, y = logits(rng, 8), _targets(rng, 8)
    _bce(fn, x, y, f"{BCE} of 8 random logits and 0/1 targets")


def bce_hidden(fn, rng):
    x, y = logits(rng, 10), _targets(rng, 10, soft=True)
    _bce(fn, x, y, f"{BCE} with soft targets in [0, 1]")
    x, y = logits(rng, (4, 5)), _targets(rng, (4, 5))
    _bce(fn, x, y, f"{BCE} of (4, 5) logits")
    x = logits(rng, 9, dtype=np.float32)
    _bce(fn, x, _targets(rng, 9).astype(np.float32), f"{BCE} of float32 logits", rtol=1e-4,
         atol=1e-6)


def bce_reductions(fn, rng):
    x, y = logits(rng, 6), _targets(rng, 6)
    _bce(fn, x, y, f"{BCE}(..., reduction='none')", reduction="none")
    _bce(fn, x, y, f"{BCE}(..., reduction='sum')", reduction="sum")
    _bce(fn, x, y, f"{BCE}(..., reduction='mean')", reduction="mean")


def bce_reductions_hidden(fn, rng):
    x, y = logits(rng, (3, 4)), _targets(rng, (3, 4), soft=True)
    _bce(fn, x, y, f"{BCE} of (3, 4) logits, reduction='none'", reduction="none")
    _bce(fn, x, y, f"{BCE} of (3, 4) logits, reduction='sum'", reduction="sum")
    empty = np.zeros(0)
    _bce(fn, empty, empty, f"{BCE} of an empty batch, reduction='sum' (0)", reduction="sum")
    _bce(fn, empty, empty, f"{BCE} of an empty batch, reduction='mean' (NaN, as in PyTorch: "
         "0 / 0)", reduction="mean")


def bce_extreme(fn, rng):
    x, y = _x([1000.0, -1000.0, 1000.0, -1000.0]), _x([0.0, 1.0, 1.0, 0.0])
    assert_finite(call_valid(fn, (x, y), {"reduction": "none"}, BCE),
                  f"{BCE}([1000, -1000, 1000, -1000], [0, 1, 1, 0], reduction='none')",
                  NAIVE_BCE)
    _bce(fn, x, y, f"{BCE}([1000, -1000, 1000, -1000], [0, 1, 1, 0], reduction='none')",
         reduction="none")
    _bce(fn, _x([-1e9, -1e-9]), _x([1.0, 0.0]), f"{BCE}([-1e9, -1e-9], [1, 0])")


def bce_extreme_hidden(fn, rng):
    x = logits(rng, 30, scale=1e4)
    y = _targets(rng, 30)
    assert_finite(call_valid(fn, (x, y), {"reduction": "none"}, BCE),
                  f"{BCE} of logits of size 1e4", NAIVE_BCE)
    _bce(fn, x, y, f"{BCE} of logits of size 1e4", reduction="none")
    _bce(fn, _x([-1e9, -1e-9]), _x([0.0, 1.0]), f"{BCE}([-1e9, -1e-9], [0, 1])")
    x32 = _x([-1e4, -100.0, 0.0, 100.0, 1e4], np.float32)
    _bce(fn, x32, _x([0.0, 1.0, 1.0, 0.0, 1.0], np.float32), f"{BCE} of extreme float32 "
         "logits", reduction="none", rtol=1e-4, atol=1e-6)


def bce_weights(fn, rng):
    x, y = logits(rng, 6), _targets(rng, 6)
    w = rng.uniform(0.5, 2.0, size=6)
    _bce(fn, x, y, f"{BCE}(..., weight=w)", weight=w)
    _bce(fn, x, y, f"{BCE}(..., pos_weight=3.0)", pos_weight=3.0)


def bce_weights_hidden(fn, rng):
    x, y = logits(rng, (5, 3)), _targets(rng, (5, 3))
    pos = np.array([1.0, 4.0, 0.5])
    _bce(fn, x, y, f"{BCE} of (5, 3) logits with pos_weight of shape (3,) (one per class)",
         pos_weight=pos)
    w = rng.uniform(0.5, 2.0, size=(5, 1))
    _bce(fn, x, y, f"{BCE} of (5, 3) logits with weight of shape (5, 1)", weight=w,
         pos_weight=pos, reduction="sum")
    _bce(fn, x, y, f"{BCE} with weight and pos_weight, reduction='none'", weight=w,
         pos_weight=pos, reduction="none")


SHAPES = ("logits and targets of shapes (N, 1) and (N,) broadcast silently to (N, N); check "
          "that the shapes are equal and raise ValueError otherwise")


def bce_rejects(fn, rng):
    assert_raises(fn, (logits(rng, (4, 1)), _targets(rng, 4)),
                  what=f"{BCE} of logits of shape (4, 1) and targets of shape (4,)",
                  advice=SHAPES)


def bce_rejects_hidden(fn, rng):
    assert_raises(fn, (logits(rng, (2, 3)), _targets(rng, 3)),
                  what=f"{BCE} of logits of shape (2, 3) and targets of shape (3,)",
                  advice=SHAPES)


register(f"test_{BCE}", BCE, [bce_small, bce_random], [bce_hidden])
register(f"test_{BCE}-reduction", BCE, [bce_reductions], [bce_reductions_hidden])
register(f"test_{BCE}-stability", BCE, [bce_extreme], [bce_extreme_hidden])
register(f"test_{BCE}-weights", BCE, [bce_weights], [bce_weights_hidden])
register(f"test_{BCE}-shapes", BCE, [bce_rejects], [bce_rejects_hidden])


# --------------------------------------------------------------------------- gradient


def _bce_grad(fn, x, y, what, rtol=None, atol=None, fd=True, **kwargs):
    want = ce.binary_cross_entropy_with_logits_grad(x, y, **kwargs)
    reduction = kwargs.get("reduction", "mean")
    hints = [(-want, "the gradient has the wrong sign: d loss / dx = sigma(x) - y (times "
                     "the weights)")]
    if reduction == "mean" and x.size > 1:
        hints.append((want * x.size, "reduction='mean' divides the loss by the number of "
                                     "elements N, so the gradient is divided by N too"))
    if "pos_weight" in kwargs:
        no_pos = {k: v for k, v in kwargs.items() if k != "pos_weight"}
        hints.append((ce.binary_cross_entropy_with_logits_grad(x, y, **no_pos), "pos_weight "
                      "was ignored: d/dx of -a y log sigma(x) is -a y (1 - sigma(x))"))
    got = call_valid(fn, (x, y), kwargs, what)
    got = assert_close(got, want, what, rtol=rtol, atol=atol, hints=hints,
                       shape_hint="the gradient has the shape of logits")
    if fd:
        loss_kwargs = dict(kwargs)
        if reduction == "none":
            loss_kwargs["reduction"] = "sum"
        assert_gradient(got, lambda z: ce.binary_cross_entropy_with_logits(z, y, **loss_kwargs),
                        x, what)


def grad_small(fn, rng):
    _bce_grad(fn, _x([0.0, 0.0]), _x([1.0, 0.0]), f"{BCE_GRAD}([0, 0], [1, 0])")


def grad_random(fn, rng):
    x, y = logits(rng, 6), _targets(rng, 6)
    _bce_grad(fn, x, y, f"{BCE_GRAD} of 6 random logits")


def grad_hidden(fn, rng):
    x, y = logits(rng, (3, 4)), _targets(rng, (3, 4), soft=True)
    _bce_grad(fn, x, y, f"{BCE_GRAD} of (3, 4) logits and soft targets")


def grad_reductions(fn, rng):
    x, y = logits(rng, 5), _targets(rng, 5)
    _bce_grad(fn, x, y, f"{BCE_GRAD}(..., reduction='sum')", reduction="sum")
    _bce_grad(fn, x, y, f"{BCE_GRAD}(..., reduction='none') (the gradient of the sum of the "
              "element losses)", reduction="none")


def grad_reductions_hidden(fn, rng):
    x, y = logits(rng, (2, 3)), _targets(rng, (2, 3))
    _bce_grad(fn, x, y, f"{BCE_GRAD} of (2, 3) logits, reduction='sum'", reduction="sum")
    _bce_grad(fn, x, y, f"{BCE_GRAD} of (2, 3) logits, reduction='mean'", reduction="mean")


NAIVE_GRAD = ("the gradient sigma(x) - y is bounded, but exp(x) / (1 + exp(x)) is inf / inf "
              "= NaN for large x; compute sigma through exp(-|x|)")


def grad_extreme(fn, rng):
    x, y = _x([1e4, -1e4, 1e4, -1e4]), _x([0.0, 1.0, 1.0, 0.0])
    assert_finite(call_valid(fn, (x, y), {"reduction": "sum"}, BCE_GRAD),
                  f"{BCE_GRAD}([1e4, -1e4, 1e4, -1e4], [0, 1, 1, 0], reduction='sum')",
                  NAIVE_GRAD)
    _bce_grad(fn, x, y, f"{BCE_GRAD}([1e4, -1e4, 1e4, -1e4], [0, 1, 1, 0], reduction='sum')",
              reduction="sum", fd=False)


def grad_extreme_hidden(fn, rng):
    x, y = logits(rng, 20, scale=3000), _targets(rng, 20)
    assert_finite(call_valid(fn, (x, y), {"reduction": "sum"}, BCE_GRAD),
                  f"{BCE_GRAD} of logits of size 1e3", NAIVE_GRAD)
    _bce_grad(fn, x, y, f"{BCE_GRAD} of logits of size 1e3, reduction='sum'", fd=False,
              reduction="sum")
    x32 = _x([-1e4, -90.0, 0.0, 90.0, 1e4], np.float32)
    _bce_grad(fn, x32, _x([0.0, 1.0, 1.0, 0.0, 1.0], np.float32), f"{BCE_GRAD} of extreme "
              "float32 logits, reduction='none'", rtol=1e-4, atol=1e-6, fd=False,
              reduction="none")


def grad_weights(fn, rng):
    x, y = logits(rng, 5), _targets(rng, 5)
    _bce_grad(fn, x, y, f"{BCE_GRAD}(..., weight=w)", weight=rng.uniform(0.5, 2.0, size=5))
    _bce_grad(fn, x, y, f"{BCE_GRAD}(..., pos_weight=3.0)", pos_weight=3.0)


def grad_weights_hidden(fn, rng):
    x, y = logits(rng, (4, 3)), _targets(rng, (4, 3), soft=True)
    _bce_grad(fn, x, y, f"{BCE_GRAD} with pos_weight of shape (3,) and weight of shape (4, 1)",
              pos_weight=np.array([2.0, 0.5, 1.0]), weight=rng.uniform(0.5, 2, size=(4, 1)))


register(f"test_{BCE_GRAD}", BCE_GRAD, [grad_small, grad_random], [grad_hidden])
register(f"test_{BCE_GRAD}-reduction", BCE_GRAD, [grad_reductions], [grad_reductions_hidden])
register(f"test_{BCE_GRAD}-stability", BCE_GRAD, [grad_extreme], [grad_extreme_hidden])
register(f"test_{BCE_GRAD}-weights", BCE_GRAD, [grad_weights], [grad_weights_hidden])
