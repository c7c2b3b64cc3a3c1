"""Run a function over contiguous blocks of an array, one run of blocks per thread.

NumPy ufuncs, reductions and BLAS calls release the GIL, so the blocks of a large array are
processed in parallel; blocks of about 1 MiB stay in the CPU cache across the several passes
that each block goes through.
"""

import os
from concurrent.futures import ThreadPoolExecutor, wait

BLOCK_BYTES = 1 << 20
_MIN_PARALLEL_BYTES = 1 << 20
_NUM_THREADS = min(os.cpu_count() or 1, 8)
_executor = None


def blocks(length, block_length):
    """(start, stop) pairs that cover range(length) in steps of ``block_length``."""
    block_length = max(1, block_length)
    return [(s, min(s + block_length, length)) for s in range(0, length, block_length)]


def run_in_threads(process, all_blocks, total_bytes):
    """Call ``process(run)`` on contiguous runs of ``all_blocks``: one run per thread when
    ``total_bytes`` is large enough to pay for the threads, else a single run. Waits for every
    run before returning, and re-raises the first exception."""
    global _executor
    parallel = total_bytes >= _MIN_PARALLEL_BYTES
    num_threads = min(_NUM_THREADS, len(all_blocks)) if parallel else 1
    if num_threads <= 1:
        process(all_blocks)
        return
    if _executor is None:
        _executor = ThreadPoolExecutor(_NUM_THREADS - 1, thread_name_prefix="crossentropy")
    bounds = [len(all_blocks) * i // num_threads for i in range(num_threads + 1)]
    runs = [all_blocks[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    futures = [_executor.submit(process, run) for run in runs[1:]]
    try:
        process(runs[0])
    finally:
        wait(futures)
    for future in futures:
        future.result()
