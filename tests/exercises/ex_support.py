"""Helpers of the exercise tests: read the solution sources, run their answer cells in-process,
load the wrong-answer corpus, and build notebooks with answers replaced."""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import os
import warnings

import numpy as np

from autograder import release

ROOT = release.ROOT
HERE = os.path.dirname(os.path.abspath(__file__))
ASSIGNMENTS = release.assignments()


def instructor_notebook(aid: str):
    """The instructor notebook built from ``solutions/<aid>/<aid>.md`` (not the committed
    .ipynb, so that these tests judge the source)."""
    return release.read_source(os.path.join(ROOT, "solutions", aid, aid + ".md"))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader") or {}


def grade_cells(nb) -> list[tuple[str, str, float]]:
    """(grade_id, function, points) of every test cell, in notebook order."""
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            gid = meta["grade_id"]
            function = gid[len("test_"):].split("-")[0]
            out.append((gid, function, float(meta["points"])))
    return out


def answer_sources(nb) -> dict[str, str]:
    return {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells
            if nbgrader_meta(c).get("solution") and c.cell_type == "code"}


def run_code(sources: list[str]) -> dict:
    """Execute cell sources in one fresh namespace (as a kernel would, without IPython)."""
    namespace: dict = {"__name__": "__main__"}
    for source in sources:
        exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 (our own cells)
    return namespace


def solution_namespace(aid: str) -> dict:
    nb = instructor_notebook(aid)
    return run_code([c.source for c in nb.cells
                     if c.cell_type == "code" and not nbgrader_meta(c).get("grade")])


def quiet_call(check_fn, fn, rng):
    """Run one check as ``autograder.checks.check`` does: floating-point warnings off."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        check_fn(fn, rng)


def run_cell_checks(grade_id: str, fn, seed=None, hidden=True) -> str | None:
    """None if the test cell passes, else the failure message (CheckFailed or an error)."""
    from autograder.checks import check

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(grade_id, fn, hidden=hidden, seed=seed)
    except AssertionError as failure:
        return f"CheckFailed: {failure}"
    except Exception as error:  # noqa: BLE001  (the wrong answer raised)
        return f"{type(error).__name__}: {error}"
    return None


def load_wrong_answers(aid: str) -> list[dict]:
    path = os.path.join(HERE, "wrong_answers", aid + ".py")
    spec = importlib.util.spec_from_file_location(f"ex_wrong_{aid}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.WRONG)


def wrong_function(entry: dict):
    """The function defined by a corpus entry's source (NumPy imported as np)."""
    namespace = run_code(["import numpy as np\n", entry["source"]])
    return namespace[entry["function"]]


def with_answers(nb, replacements: dict[str, str]):
    """A copy of ``nb`` whose answer cells ``grade_id -> source`` are replaced."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and gid in replacements:
            cell.source = replacements[gid]
    return nb
