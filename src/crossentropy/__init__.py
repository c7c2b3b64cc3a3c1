"""Reference implementations for the course *Cross-Entropy, from Entropy to Recommenders*.

Classes (outcomes) are on the last axis. The losses follow PyTorch's ``torch.nn.functional``
semantics; see each function's docstring.
"""

from .binary import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    binary_cross_entropy_with_logits_value_and_grad,
)
from .categorical import (
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    softmax_cross_entropy_value_and_grad,
)
from .information import cross_entropy, entropy, kl_divergence
from .special import log_softmax, log_sigmoid, logsumexp, sigmoid, softmax

__all__ = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "sigmoid",
    "log_sigmoid",
    "logsumexp",
    "softmax",
    "log_softmax",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "binary_cross_entropy_with_logits_value_and_grad",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "softmax_cross_entropy_value_and_grad",
]
