"""Recommenders trained with cross-entropy: data, protocol, losses, training, evaluation.

The pieces, one job per module:

- :mod:`.data`: seeded synthetic watch logs, CSV loading (line-numbered errors), writing;
- :mod:`.protocol`: 5-core-style filtering, leave-last-out split, id remapping;
- :mod:`.metrics`: full-ranking recall@K and NDCG@K;
- :mod:`.losses`: full, sampled (logQ), in-batch (logQ, accidental hits) softmax and BCE;
- :mod:`.samplers`: uniform and popularity negatives with their expected counts;
- :mod:`.model`, :mod:`.train`: embeddings, row-wise Adam, minibatch training, evaluation;
- :mod:`.baselines`: popularity and EASE;
- :mod:`.cli`: ``python -m crossentropy.recsys train|synth``.
"""

from .baselines import EASE, Popularity
from .data import (DataFormatError, Interactions, load_interactions, synthetic_watch_log,
                   write_interactions)
from .losses import (MIN_LOGIT, bce_negative_sampling_loss, full_softmax_loss,
                     in_batch_logits, in_batch_softmax_loss, sampled_logits,
                     sampled_softmax_loss, softmax_loss_from_logits)
from .metrics import heldout_ranks, ndcg_at_k, recall_at_k
from .model import Adam, EmbeddingModel
from .protocol import Split, filter_min_count, leave_last_out, prepare
from .samplers import PopularitySampler, UniformSampler
from .train import TrainConfig, evaluate, train

__all__ = [
    "Interactions", "DataFormatError", "synthetic_watch_log", "load_interactions",
    "write_interactions", "Split", "filter_min_count", "leave_last_out", "prepare",
    "heldout_ranks", "recall_at_k", "ndcg_at_k", "MIN_LOGIT", "softmax_loss_from_logits",
    "full_softmax_loss", "sampled_logits", "sampled_softmax_loss", "in_batch_logits",
    "in_batch_softmax_loss", "bce_negative_sampling_loss", "UniformSampler",
    "PopularitySampler", "EmbeddingModel", "Adam", "TrainConfig", "train", "evaluate",
    "Popularity", "EASE",
]
