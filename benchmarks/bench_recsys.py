"""Seconds per epoch of the recommender's training step: NumPy vs an equivalent PyTorch model.

Both sides train the same model (user and item tables with an item-bias column, the same
initial values), on the same minibatches and negatives, with the same row-wise AdamW
(dense for the item table under the full softmax); PyTorch computes the gradients with
autograd, NumPy with the fused kernels of ``crossentropy.recsys``. Columns: loss, number of
items, NumPy s/epoch, PyTorch s/epoch, their ratio (NumPy / PyTorch; below 1 is faster).
Each row runs with the BLAS / PyTorch thread count of its ``threads`` column (``--threads``,
default 1 and all cores): on a shared machine one thread is often the faster.

Catalogue sizes above a few thousand items use synthetic logs of ~90k watches; the full
softmax there is timed on a few steps and scaled to an epoch (marked ``*``), as its cost
grows with the catalogue while sampled and in-batch steps do not.

    python benchmarks/bench_recsys.py           # 3.6k (MovieLens if present), 10k, 30k, 100k
    python benchmarks/bench_recsys.py --items movielens --losses softmax --threads 2
    python benchmarks/bench_recsys.py --quick   # a smoke run in seconds
"""

import argparse
import contextlib
import os
import time

import numpy as np

from crossentropy.recsys import data, losses, protocol
from crossentropy.recsys.model import Adam, EmbeddingModel, sum_rows
from crossentropy.recsys.samplers import PopularitySampler

MOVIELENS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
                         "shared", "data", "movielens-latest-small", "ratings.csv")
LR, WEIGHT_DECAY = 0.005, 0.0


def make_batches(split, batch_size, num_negatives, num_steps, seed):
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(split.train_user_ids))
    sampler = PopularitySampler(split.item_counts)
    batches = []
    for b in range(num_steps):
        rows = order[b * batch_size:(b + 1) * batch_size]
        neg = sampler.sample(num_negatives, rng)
        item_ids = split.train_item_ids[rows]
        batches.append((split.train_user_ids[rows], item_ids, neg,
                        sampler.log_expected_count(item_ids, num_negatives).astype(np.float32),
                        sampler.log_expected_count(neg, num_negatives).astype(np.float32)))
    log_freq = np.log(np.maximum(split.item_counts / split.item_counts.sum(), 1e-6))
    return batches, log_freq.astype(np.float32)


def numpy_epoch(model, loss, batches, log_freq):
    adam = Adam({"user": model.user_table, "item": model.item_table}, lr=LR,
                weight_decay=WEIGHT_DECAY, frozen_columns={"user": model.dim})
    workspace = np.empty((len(batches[0][0]), model.num_items), np.float32)
    start = time.perf_counter()
    for user_ids, item_ids, neg, lq_pos, lq_neg in batches:
        adam.next_step()
        users = model.user_table[user_ids]
        if loss == "softmax":
            _, d_users, d_items = losses.full_softmax_loss(users, model.item_table, item_ids,
                                                           workspace)
            adam.step_dense("item", d_items)
        else:
            if loss == "sampled":
                _, d_users, d_pos, d_neg = losses.sampled_softmax_loss(
                    users, model.item_table[item_ids], model.item_table[neg], lq_pos, lq_neg,
                    item_ids, neg)
                ids, grads = np.concatenate([item_ids, neg]), np.concatenate([d_pos, d_neg])
            else:
                _, d_users, d_items = losses.in_batch_softmax_loss(
                    users, model.item_table[item_ids], log_freq[item_ids], item_ids)
                ids, grads = item_ids, d_items
            adam.step_rows("item", *sum_rows(ids, grads))
        adam.step_rows("user", *sum_rows(user_ids, d_users))
    return time.perf_counter() - start


def torch_epoch(model, loss, batches, log_freq):
    import torch

    user_table = torch.from_numpy(model.user_table.copy())
    item_table = torch.from_numpy(model.item_table.copy())
    state = {name: (torch.zeros_like(t), torch.zeros_like(t))
             for name, t in (("user", user_table), ("item", item_table))}
    tables = {"user": user_table, "item": item_table}
    dim = model.dim
    log_freq_t = torch.from_numpy(log_freq)
    min_logit = losses.MIN_LOGIT

    def adam_rows(name, step, rows, grad):  # the same AdamW as crossentropy.recsys.Adam
        table, (m, v) = tables[name], state[name]
        scale = LR * (1 - 0.999 ** step) ** 0.5 / (1 - 0.9 ** step)
        eps = 1e-8 * (1 - 0.999 ** step) ** 0.5
        if rows is None:
            theta, m_rows, v_rows = table, m, v
        else:
            theta, m_rows, v_rows = table[rows], m[rows], v[rows]
        m_rows.mul_(0.9).add_(grad, alpha=0.1)
        v_rows.mul_(0.999).addcmul_(grad, grad, value=0.001)
        delta = m_rows / (v_rows.sqrt() + eps) * scale + LR * WEIGHT_DECAY * theta
        if name == "user":
            delta[:, dim] = 0
        if rows is None:
            table.sub_(delta)
        else:
            m[rows], v[rows] = m_rows, v_rows
            table[rows] = theta - delta

    def unique_sum(ids, grads):
        rows, inverse = torch.unique(ids, return_inverse=True)
        return rows, torch.zeros(len(rows), grads.shape[1]).index_add_(0, inverse, grads)

    start = time.perf_counter()
    for step, (user_ids, item_ids, neg, lq_pos, lq_neg) in enumerate(batches, start=1):
        uid, iid = torch.from_numpy(user_ids), torch.from_numpy(item_ids)
        users = user_table[uid].requires_grad_()
        if loss == "softmax":
            items = item_table.requires_grad_()
            value = torch.nn.functional.cross_entropy(users @ items.T, iid)
            value.backward()
            item_table.requires_grad_(False)
            adam_rows("item", step, None, items.grad)
            items.grad = None
        else:
            nid = torch.from_numpy(neg)
            pos = item_table[iid].requires_grad_()
            if loss == "sampled":
                negs = item_table[nid].requires_grad_()
                logits = torch.cat([(users * pos).sum(1, keepdim=True), users @ negs.T], 1)
                logits = logits - torch.cat([torch.from_numpy(lq_pos)[:, None],
                                             torch.from_numpy(lq_neg)[None, :].expand(
                                                 len(iid), -1)], 1)
                hits = torch.cat([torch.zeros(len(iid), 1, dtype=torch.bool),
                                  nid[None, :] == iid[:, None]], 1)
                logits = logits.masked_fill(hits, min_logit)
                value = torch.nn.functional.cross_entropy(
                    logits, torch.zeros(len(iid), dtype=torch.long))
                value.backward()
                ids, grads = torch.cat([iid, nid]), torch.cat([pos.grad, negs.grad])
            else:
                logits = users @ pos.T - log_freq_t[iid][None, :]
                hits = (iid[None, :] == iid[:, None]) & ~torch.eye(len(iid), dtype=torch.bool)
                logits = logits.masked_fill(hits, min_logit)
                value = torch.nn.functional.cross_entropy(logits, torch.arange(len(iid)))
                value.backward()
                ids, grads = iid, pos.grad
            adam_rows("item", step, *unique_sum(ids, grads))
        adam_rows("user", step, *unique_sum(uid, users.grad))
    return time.perf_counter() - start


def blas_threads(count):
    """Limit NumPy's BLAS to ``count`` threads (needs threadpoolctl; else a no-op)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=count, user_api="blas")


def load_split(num_items, quick):
    if num_items == "movielens":
        return protocol.prepare(data.load_interactions(MOVIELENS)), "ML"
    # The catalogue is the requested size: raw ids, no 5-watch filter (which would drop the
    # Zipf tail that is never or rarely watched in ~90k watches).
    users = 200 if quick else 3600
    log = data.synthetic_watch_log(users, num_items, 25, seed=0)
    held_out = protocol.leave_last_out(log)
    return protocol.Split(users, num_items, log.user_ids[~held_out], log.item_ids[~held_out],
                          log.item_ids[held_out], np.arange(users), np.arange(num_items)), "synth"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a smoke run")
    parser.add_argument("--losses", default="softmax,sampled,in-batch")
    parser.add_argument("--items", default=None,
                        help="comma-separated catalogue sizes or 'movielens' "
                             "(default movielens or 3600, then 10k,30k,100k)")
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--negatives", type=int, default=256)
    parser.add_argument("--max-softmax-steps", type=int, default=6,
                        help="full-softmax steps timed beyond 5k items (scaled to an epoch)")
    parser.add_argument("--threads", default=None,
                        help="comma-separated thread counts for BLAS and PyTorch "
                             f"(default 1,{os.cpu_count()})")
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args()
    try:
        import torch
        have_torch = not args.no_torch
    except ImportError:
        have_torch = False
    threads = sorted({1, os.cpu_count()}) if args.threads is None else [
        int(t) for t in args.threads.split(",")]
    if args.items:
        sizes = [s if s == "movielens" else int(float(s)) for s in args.items.split(",")]
    elif args.quick:
        sizes = [500, 2000]
    else:
        sizes = ["movielens" if os.path.exists(MOVIELENS) else 3600, 10_000, 30_000, 100_000]
    batch_size = 128 if args.quick else args.batch_size
    print(f"d = {args.dim}, batch {batch_size}, K = {args.negatives} popularity negatives "
          f"(sampled), {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'loss':<9} {'data':<6} {'items':>7} {'watches':>8} {'threads':>7} "
          f"{'NumPy s/ep':>11} {'torch s/ep':>11} {'ratio':>6}")
    for size in sizes:
        split, source = load_split(size, args.quick)
        num_batches = -(-len(split.train_user_ids) // batch_size)
        for loss in args.losses.split(","):
            steps = num_batches
            if loss == "softmax" and split.num_items > 5000:
                steps = min(num_batches, 2 if args.quick else args.max_softmax_steps)
            batches, log_freq = make_batches(split, batch_size, args.negatives, steps, seed=0)
            scale = num_batches / steps
            for count in threads:
                model = EmbeddingModel(split.num_users, split.num_items, args.dim, seed=0)
                with blas_threads(count):
                    numpy_seconds = numpy_epoch(model, loss, batches, log_freq) * scale
                torch_text, ratio_text = "-", "-"
                if have_torch:
                    torch.set_num_threads(count)
                    model = EmbeddingModel(split.num_users, split.num_items, args.dim, seed=0)
                    torch_seconds = torch_epoch(model, loss, batches, log_freq) * scale
                    torch_text = f"{torch_seconds:.3f}"
                    ratio_text = f"{numpy_seconds / torch_seconds:.2f}"
                mark = "*" if steps < num_batches else " "
                print(f"{loss:<9} {source:<6} {split.num_items:>7} "
                      f"{len(split.train_user_ids):>8} {count:>7} {numpy_seconds:>10.3f}{mark} "
                      f"{torch_text:>11} {ratio_text:>6}", flush=True)


if __name__ == "__main__":
    main()
