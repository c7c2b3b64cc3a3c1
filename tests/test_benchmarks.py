import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_losses.py"


@pytest.mark.slow  # 2.5 s on an idle machine, over 5 s on a busy one (importing PyTorch)
def test_bench_losses_quick():
    """The benchmark runs end to end on small sizes and prints one row per case."""
    result = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True,
                            text=True, timeout=120, check=True)
    rows = [line for line in result.stdout.splitlines() if "forward" in line]
    assert len(rows) == 7, result.stdout
