"""Time the losses and their gradients against PyTorch (when it is installed).

    python benchmarks/bench_losses.py           # full sizes, best of 25 runs
    python benchmarks/bench_losses.py --quick   # small sizes, a smoke run

Both libraries get the same float32 inputs. Each case is warmed up once, then the two
libraries take turns in bursts of five calls, timed with time.perf_counter; the table shows
the best of the repeated runs in milliseconds and numpy / torch (below 1: NumPy is faster).
Before timing, each case checks that both results agree.
"""

import argparse
import time

import numpy as np

import crossentropy as ce

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None


def best_times_ms(functions, repeats, burst=5):
    """Best time of each function in milliseconds. The functions take turns in bursts of
    ``burst`` calls, so that a change in the machine's load affects them alike, while the
    OpenMP threads that PyTorch leaves spinning for a while after each call do not land on
    the first NumPy call after it (that slowed NumPy's forward pass by up to 2 ms here)."""
    for function in functions:
        function()  # warm-up
    times = [[] for _ in functions]
    for _ in range(max(1, repeats // burst)):
        for function, record in zip(functions, times):
            for _ in range(burst):
                start = time.perf_counter()
                function()
                record.append(time.perf_counter() - start)
    return [1e3 * min(record) for record in times]


def torch_value_and_grad(loss_function, logits, *args):
    leaf = logits.detach().requires_grad_()
    loss = loss_function(leaf, *args)
    (grad,) = torch.autograd.grad(loss, leaf)
    return loss.detach(), grad


def softmax_cases(num_rows, num_classes, rng):
    logits = rng.standard_normal((num_rows, num_classes), dtype=np.float32) * 3
    labels = rng.integers(0, num_classes, num_rows)
    size = f"{num_rows} x {num_classes}"
    def numpy_forward():
        return ce.softmax_cross_entropy(logits, labels)

    def numpy_both():
        return ce.softmax_cross_entropy_value_and_grad(logits, labels)

    if torch is None:
        return [(f"softmax CE forward {size}", numpy_forward, None),
                (f"softmax CE forward+grad {size}", numpy_both, None)]
    t_logits, t_labels = torch.from_numpy(logits), torch.from_numpy(labels)
    return [
        (f"softmax CE forward {size}", numpy_forward,
         lambda: F.cross_entropy(t_logits, t_labels)),
        (f"softmax CE forward+grad {size}", numpy_both,
         lambda: torch_value_and_grad(F.cross_entropy, t_logits, t_labels)),
    ]


def binary_cases(size, rng):
    logits = rng.standard_normal(size, dtype=np.float32) * 3
    targets = (rng.random(size) < 0.3).astype(np.float32)
    probs = ce.sigmoid(logits)
    label = f"{size:.0e} values".replace("e+0", "e")
    cases = [
        (f"BCE with logits forward {label}",
         lambda: ce.binary_cross_entropy_with_logits(logits, targets)),
        (f"BCE with logits forward+grad {label}",
         lambda: ce.binary_cross_entropy_with_logits_value_and_grad(logits, targets)),
        (f"BCE (probabilities) forward {label}",
         lambda: ce.binary_cross_entropy(probs, targets)),
    ]
    if torch is None:
        return [(name, numpy_case, None) for name, numpy_case in cases]
    t_logits, t_targets, t_probs = map(torch.from_numpy, (logits, targets, probs))
    torch_cases = [
        lambda: F.binary_cross_entropy_with_logits(t_logits, t_targets),
        lambda: torch_value_and_grad(F.binary_cross_entropy_with_logits, t_logits, t_targets),
        lambda: F.binary_cross_entropy(t_probs, t_targets),
    ]
    return [(name, numpy_case, torch_case)
            for (name, numpy_case), torch_case in zip(cases, torch_cases)]


def check_agreement(name, numpy_result, torch_result):
    numpy_parts = numpy_result if isinstance(numpy_result, tuple) else (numpy_result,)
    torch_parts = torch_result if isinstance(torch_result, tuple) else (torch_result,)
    for mine, theirs in zip(numpy_parts, torch_parts):
        theirs = theirs.numpy()
        scale = np.max(np.abs(theirs), initial=0)
        if not np.allclose(mine, theirs, rtol=1e-4, atol=1e-5 * scale):
            raise AssertionError(f"{name}: NumPy and PyTorch disagree")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 repeats")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    if args.quick:
        repeats, shapes, binary_size = 3, [(512, 100), (64, 5_000)], 10_000
    else:
        repeats, shapes, binary_size = 25, [(8192, 1000), (1024, 50_000)], 1_000_000
    cases = [case for shape in shapes for case in softmax_cases(*shape, rng)]
    cases += binary_cases(binary_size, rng)

    if torch is None:
        print("PyTorch is not installed: NumPy timings only (pip install torch==2.13.0).")
    else:
        print(f"PyTorch {torch.__version__} with {torch.get_num_threads()} threads, "
              f"NumPy {np.__version__}; float32; best of {repeats} runs.")
    print(f"{'case':<44} {'numpy ms':>9} {'torch ms':>9} {'ratio':>6}")
    for name, numpy_case, torch_case in cases:
        if torch_case is None:
            (numpy_ms,) = best_times_ms([numpy_case], repeats)
            print(f"{name:<44} {numpy_ms:9.2f} {'-':>9} {'-':>6}")
            continue
        check_agreement(name, numpy_case(), torch_case())
        numpy_ms, torch_ms = best_times_ms([numpy_case, torch_case], repeats)
        print(f"{name:<44} {numpy_ms:9.2f} {torch_ms:9.2f} {numpy_ms / torch_ms:6.2f}")

if __name__ == "__main__":
    main()
