"""Command line: ``python -m crossentropy.recsys {train,synth} ...``.

``train`` reads a log, applies the protocol (:mod:`.protocol`), trains the embedding model
with a progress bar and prints the test metrics of the model and of the popularity
baseline (``--json``: one JSON object as the last line). ``synth`` writes a synthetic log.
A file that cannot be read ends the program with a one-line message and exit status 2.
"""

import argparse
import json
import sys
import time

from . import baselines, data, protocol
from .train import LOSSES, TrainConfig, evaluate, train

__all__ = ["main", "build_parser", "default_config", "TUNED"]

KS = (10, 20)


def build_parser():
    """The ``argparse`` parser of the command line, with its ``train`` and ``synth`` commands.

    Options of ``train`` left out are ``None`` where the per-loss :data:`TUNED` value
    applies (:func:`default_config` fills them in).

    Examples
    --------
    >>> args = build_parser().parse_args(["train", "--ratings", "ratings.csv", "--loss", "bce"])
    >>> args.command, args.loss, args.dim, args.threads, args.min_count
    ('train', 'bce', None, 1, 5)
    """
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(
        prog="python -m crossentropy.recsys",
        description="Train and evaluate cross-entropy recommenders on an interaction log.")
    commands = parser.add_subparsers(dest="command", required=True)

    fit = commands.add_parser(
        "train", help="train on a CSV log and print test metrics",
        description="Filter items then users with fewer than 5 watches, hold out each "
                    "user's last watch, train on the rest, rank all items (training items "
                    "excluded) for recall@K and NDCG@K.")
    fit.add_argument("--ratings", required=True, metavar="PATH",
                     help="CSV with a header: user,item[,timestamp][,rating] "
                          "(MovieLens userId,movieId,rating,timestamp works as it is)")
    fit.add_argument("--loss", choices=LOSSES, default=defaults.loss,
                     help="softmax: all items; sampled: sampled softmax; in-batch: the "
                          "batch's items; bce: binary cross-entropy with sampled negatives "
                          f"(default {defaults.loss})")
    fit.add_argument("--negatives", type=int, default=None, metavar="K",
                     help="sampled negatives per batch (sampled, bce; default: tuned per loss)")
    fit.add_argument("--sampler", choices=("uniform", "popularity"), default=None,
                     help="negative sampler for sampled/bce (default: tuned per loss)")
    fit.add_argument("--logq", action=argparse.BooleanOptionalAction, default=True,
                     help="subtract log Q from the candidates' logits (sampled, in-batch; "
                          "default on)")
    fit.add_argument("--dim", type=int, default=None, metavar="D",
                     help="embedding dimension (default: tuned per loss)")
    fit.add_argument("--epochs", type=int, default=None, metavar="N",
                     help="default: tuned per loss")
    fit.add_argument("--batch-size", type=int, default=None, metavar="B",
                     help="watches per minibatch (default: tuned per loss)")
    fit.add_argument("--lr", type=float, default=None, metavar="LR",
                     help="Adam learning rate (default: tuned per loss)")
    fit.add_argument("--weight-decay", type=float, default=None, metavar="WD",
                     help="L2 weight decay (default: tuned per loss)")
    fit.add_argument("--seed", type=int, default=defaults.seed, metavar="S")
    fit.add_argument("--threads", type=int, default=1, metavar="T",
                     help="BLAS threads while training (default 1, often the fastest on a "
                          "machine whose cores are shared; 0 leaves BLAS as it is)")
    fit.add_argument("--min-count", type=int, default=5, metavar="M",
                     help="drop items, then users, with fewer watches (default 5)")
    fit.add_argument("--ease", action="store_true",
                     help="also evaluate EASE (Steck 2019) as a reference")
    fit.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    fit.add_argument("--json", action="store_true",
                     help="print one JSON object with every metric as the last line")

    synth = commands.add_parser("synth", help="write a synthetic watch log as CSV")
    synth.add_argument("--users", type=int, default=4000, metavar="U")
    synth.add_argument("--items", type=int, default=2000, metavar="I")
    synth.add_argument("--watches", type=int, default=25, metavar="W",
                       help="watches per user (default 25)")
    synth.add_argument("--seed", type=int, default=0, metavar="S")
    synth.add_argument("--out", required=True, metavar="PATH")
    return parser


def default_config(loss, **overrides):
    """The command line's :class:`~.train.TrainConfig` for ``loss``: :data:`TUNED` values.

    ``overrides`` (``None`` values ignored) replace single fields.

    Examples
    --------
    >>> config = default_config("in-batch", seed=3, lr=None)
    >>> config.loss, config.seed, config.lr == TUNED["in-batch"]["lr"]
    ('in-batch', 3, True)
    """
    fields = {"loss": loss, "threads": 1, **TUNED[loss]}
    fields.update({key: value for key, value in overrides.items() if value is not None})
    return TrainConfig(**fields)


def _config(args):
    return default_config(
        args.loss, num_negatives=args.negatives, sampler=args.sampler,
        logq=1.0 if args.logq else 0.0, dim=args.dim, num_epochs=args.epochs,
        batch_size=args.batch_size, lr=args.lr, weight_decay=args.weight_decay,
        seed=args.seed, threads=args.threads)


# Defaults per loss, chosen on MovieLens latest-small under the protocol with a validation
# split: training without each user's last 4 watches, the 2nd-4th last as 3 held-out
# targets (1,830 rankings, not the 610 test ones). In-batch and sampled negatives want a
# wide embedding and small batches; the full softmax did not gain from either (and costs
# O(B N d) a step); BCE weighs its negatives by 1 / K (``TrainConfig.negative_weight``).
TUNED = {
    "softmax": {"dim": 64, "batch_size": 1024, "lr": 0.005, "weight_decay": 0.3,
                "num_epochs": 20},
    "sampled": {"dim": 256, "batch_size": 512, "lr": 0.006, "weight_decay": 0.5,
                "num_epochs": 30, "sampler": "popularity", "num_negatives": 256},
    "in-batch": {"dim": 256, "batch_size": 512, "lr": 0.006, "weight_decay": 0.5,
                 "num_epochs": 30},
    "bce": {"dim": 64, "batch_size": 1024, "lr": 0.005, "weight_decay": 0.3,
            "num_epochs": 20, "sampler": "uniform", "num_negatives": 256},
}


def _format(name, metrics):
    return f"{name:<12}" + "  ".join(f"{key} {value:.4f}" for key, value in metrics.items())


def _train(args, out):
    log = data.load_interactions(args.ratings)
    split = protocol.prepare(log, args.min_count)
    config = _config(args)
    print(f"{args.ratings}: {len(log)} rows -> {split.num_users} users, {split.num_items} "
          f"items, {len(split.train_user_ids)} training watches, {split.num_users} held out",
          file=out)
    print(f"training {config}", file=out)
    model, history = train(split, config, progress=not args.no_progress)
    result = evaluate(model, split, KS)
    seconds = sorted(h["seconds"] for h in history)
    result["seconds_per_epoch"] = seconds[len(seconds) // 2]
    result["final_train_loss"] = history[-1]["loss"]
    result["popularity"] = evaluate(baselines.Popularity(split), split, KS)
    print(_format(config.loss, {k: result[k] for k in result if "@" in k}), file=out)
    print(_format("popularity", result["popularity"]), file=out)
    if args.ease:
        start = time.perf_counter()
        result["ease"] = evaluate(baselines.EASE(split), split, KS)
        result["ease"]["seconds"] = time.perf_counter() - start
        print(_format("ease", {k: v for k, v in result["ease"].items() if "@" in k}), file=out)
    print(f"{result['seconds_per_epoch']:.3f} s per epoch (median of {len(history)})",
          file=out)
    result.update(loss=config.loss, num_negatives=config.num_negatives,
                  sampler=config.sampler, logq=bool(config.logq), dim=config.dim,
                  num_epochs=config.num_epochs, batch_size=config.batch_size, lr=config.lr,
                  weight_decay=config.weight_decay, init_scale=config.init_scale,
                  threads=config.threads, seed=config.seed,
                  num_users=split.num_users, num_items=split.num_items,
                  num_train=int(len(split.train_user_ids)))
    if args.json:
        print(json.dumps(result), file=out)


def main(argv=None, out=None):
    """Run the command line; returns the exit status (0, or 2 for a bad file or value).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).
    out : file, optional
        Where the report goes (default: standard output); errors go to standard error.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "synth.csv"
    >>> main(["synth", "--users", "3", "--items", "20", "--watches", "4", "--out", str(path)])
    ... # doctest: +ELLIPSIS
    wrote 12 watches (3 users, 20 items) to ...synth.csv
    0
    >>> main(["train", "--ratings", str(path.with_name("missing.csv"))])  # message on stderr
    2
    """
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "synth":
            log = data.synthetic_watch_log(args.users, args.items, args.watches,
                                           seed=args.seed)
            data.write_interactions(args.out, log)
            print(f"wrote {len(log)} watches ({args.users} users, {args.items} items) to "
                  f"{args.out}", file=out)
        else:
            _train(args, out)
    except (ValueError, OSError) as error:  # DataFormatError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
