"""``python -m autograder grade SUBMISSIONS --out OUT [--workers N] [--timeout S] ...``."""

from __future__ import annotations

import argparse
import os
import sys

from . import engine, sandbox

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m autograder",
                                description="Grade nbgrader submissions safely and fast.")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade a class folder (nbgrader's submitted/ layout)")
    g.add_argument("submissions", help="SUBMISSIONS/<student>/<assignment>/<notebook>.ipynb")
    g.add_argument("--out", required=True, help="output folder (resumable; rerun to finish)")
    g.add_argument("--workers", type=int, default=0,
                   help="parallel submissions on this machine (default: number of CPUs)")
    g.add_argument("--timeout", type=float, default=10.0,
                   help="wall-clock seconds per notebook cell and per test cell (default 10)")
    g.add_argument("--notebook-budget", type=float, metavar="S",
                   help="wall-clock seconds for a whole notebook, restarts included "
                        "(default: the timeout × (cells + tests + 2) + 5)")
    g.add_argument("--memory", type=int, default=1024,
                   help="memory limit of the student process in MB (default 1024)")
    g.add_argument("--dask", metavar="ADDRESS",
                   help="send the jobs to this Dask distributed scheduler instead")
    g.add_argument("--release", default=os.path.join(REPO, "exercises"),
                   help="released notebooks that define the assignments (default exercises/)")
    g.add_argument("--checks", default="autograder.checks:REGISTRY",
                   help="module:attribute of the checks registry")
    g.add_argument("--assignment", action="append", dest="assignments",
                   help="grade only this assignment (repeatable)")
    g.add_argument("--roster", help="CSV student_id,name,id,sis_user_id,sis_login_id,section "
                                    "for totals.csv")
    g.add_argument("--unsafe", action="store_true",
                   help="grade even if this machine cannot isolate student code")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not os.path.isdir(args.submissions):
        print(f"error: {args.submissions} is not a folder", file=sys.stderr)
        return 2
    if not os.path.isdir(args.release):
        print(f"error: no released notebooks in {args.release}", file=sys.stderr)
        return 2
    iso = sandbox.detect()
    print(f"isolation: {iso.describe()}", file=sys.stderr)
    if not args.dask and not iso.safe:
        for problem in iso.problems:
            print(f"  missing: {problem}", file=sys.stderr)
        if not args.unsafe:
            print("refusing to run student code without isolation; install what is missing "
                  "or pass --unsafe to grade anyway (trusted submissions only)",
                  file=sys.stderr)
            return 2
        print("WARNING: --unsafe: student code is NOT fully isolated", file=sys.stderr)
    workers = args.workers or os.cpu_count() or 1
    # RLIMIT_NPROC counts every process of the sandbox user, across parallel sandboxes.
    limits = sandbox.Limits(timeout=args.timeout, notebook_seconds=args.notebook_budget,
                            memory_mb=args.memory,
                            nproc=max(8, 2 * workers + 4))
    opts = engine.Options(submissions=os.path.abspath(args.submissions),
                          out=os.path.abspath(args.out), release=os.path.abspath(args.release),
                          registry=args.checks, workers=args.workers, limits=limits,
                          dask=args.dask, unsafe=args.unsafe, assignments=args.assignments,
                          roster=args.roster, progress=not args.no_progress)
    engine.grade_class(opts, log=lambda msg: print(msg, file=sys.stderr))
    return 0
