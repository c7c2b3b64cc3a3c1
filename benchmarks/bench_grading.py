"""Benchmark (not a test): the same submissions graded by ``nbgrader autograde`` and by
``python -m autograder grade``; notebooks per minute and the ratio.

    python benchmarks/bench_grading.py [--students 40] [--workers N] [--keep DIR]

The class is built from the grader's fixture course (``tests/autograder/fixtures``): a
quarter of the students correct, a quarter with a wrong ``softmax``, a quarter with a wrong
``entropy``, a quarter with the untouched released notebook; no infinite loops, so neither
grader waits on a timeout. nbgrader gets a real course folder (``source/`` with the hidden
tests, ``generate_assignment``, ``submitted/``) and runs its normal serial autograde; ours
reads the notebooks ``generate_assignment`` released. Both times are wall clock of the whole
command, start-up included, on the same files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "tests", "autograder", "fixtures")
sys.path.insert(0, FIXTURES)

import ceg_course  # noqa: E402

CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = "bench-course"
c.CourseDirectory.root = {root!r}
c.ExecutePreprocessor.timeout = 30
"""


def env() -> dict:
    e = dict(os.environ)
    e["PATH"] = os.path.join(REPO, ".venv", "bin") + os.pathsep + e.get("PATH", "")
    e["PYTHONPATH"] = os.pathsep.join([FIXTURES, REPO])
    return e


def instructor_notebook() -> str:
    """The fixture's instructor version, importing the fake checks (what nbgrader runs)."""
    cells = ceg_course.cells("f01_basics", hidden=True, solved=True)
    cells[0]["source"] = "import numpy as np\nfrom ceg_fake_checks import check\n"
    for cell in cells:
        meta = cell["metadata"]["nbgrader"]
        if meta.get("solution"):
            cell["source"] = "### BEGIN SOLUTION\n" + cell["source"] + "### END SOLUTION\n"
    return ceg_course.to_json(cells)


def student_notebook(release_nb: str, i: int) -> str:
    import json

    nb = json.loads(release_nb)
    kind = i % 4
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in ceg_course.SOLUTIONS and kind != 3:
            cell["source"] = ceg_course.SOLUTIONS[gid]
            if kind == 1 and gid == "softmax":
                cell["source"] = "def softmax(z):\n    return np.exp(z) / np.exp(z).sum()\n"
            if kind == 2 and gid == "entropy":
                cell["source"] = "def entropy(p):\n    return float(-np.sum(p * np.log2(p)))\n"
    return json.dumps(nb)


def timed(cmd: list[str], cwd: str) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return elapsed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--keep", help="build the course here and keep it")
    args = p.parse_args()
    root = args.keep or tempfile.mkdtemp(prefix="bench-grading-")
    os.makedirs(root, exist_ok=True)
    bin_dir = os.path.join(REPO, ".venv", "bin")
    try:
        with open(os.path.join(root, "nbgrader_config.py"), "w") as f:
            f.write(CONFIG.format(root=root))
        src = os.path.join(root, "source", "f01_basics")
        os.makedirs(src, exist_ok=True)
        with open(os.path.join(src, "f01_basics.ipynb"), "w") as f:
            f.write(instructor_notebook())
        timed([os.path.join(bin_dir, "nbgrader"), "generate_assignment", "f01_basics",
               "--force"], root)
        release = os.path.join(root, "release")
        with open(os.path.join(release, "f01_basics", "f01_basics.ipynb")) as f:
            release_nb = f.read()
        for i in range(args.students):
            d = os.path.join(root, "submitted", f"student{i:03d}", "f01_basics")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "f01_basics.ipynb"), "w") as f:
                f.write(student_notebook(release_nb, i))
        n = args.students
        load = os.getloadavg()[0]
        t_nb = timed([os.path.join(bin_dir, "nbgrader"), "autograde", "f01_basics", "--force"],
                     root)
        out = os.path.join(root, "ours")
        shutil.rmtree(out, ignore_errors=True)
        t_ours = timed([sys.executable, "-m", "autograder", "grade",
                        os.path.join(root, "submitted"), "--out", out, "--release", release,
                        "--checks", "ceg_fake_checks:REGISTRY", "--workers",
                        str(args.workers), "--no-progress"], REPO)
        t_cached = timed([sys.executable, "-m", "autograder", "grade",
                          os.path.join(root, "submitted"), "--out", out, "--release", release,
                          "--checks", "ceg_fake_checks:REGISTRY", "--no-progress"], REPO)
        rate_nb, rate_ours = n / t_nb * 60, n / t_ours * 60
        print(f"{n} notebooks, {os.cpu_count()} CPUs, load average {load:.1f} at start")
        print(f"nbgrader autograde      : {t_nb:7.1f} s  {rate_nb:7.1f} notebooks/min")
        print(f"autograder --workers {args.workers:<2} : {t_ours:7.1f} s  "
              f"{rate_ours:7.1f} notebooks/min")
        print(f"ratio                   : {rate_ours / rate_nb:7.1f}x")
        print(f"(rerun from cache       : {t_cached:7.1f} s)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
