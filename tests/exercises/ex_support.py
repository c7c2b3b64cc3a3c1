"""Helpers of the exercise tests: read the solution sources, run their answer cells in-process,
load the wrong-answer corpus, and build notebooks with answers replaced."""

from __future__ import annotations

import ast
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


def corpus_class(aid: str) -> dict[str, tuple[dict | None, set[str]]]:
    """A class that exercises the wrong-answer corpus of ``aid`` in few notebooks.

    student id -> (answer sources by function, grade ids that must score 0). ``instructor``
    submits the solutions, ``unchanged`` the released notebook (``None`` answers); ``wrongN``
    submits the solutions with the N-th wrong answer of every function of the corpus.
    """
    answers = answer_sources(instructor_notebook(aid))
    by_function: dict[str, list[dict]] = {}
    for entry in load_wrong_answers(aid):
        by_function.setdefault(entry["function"], []).append(entry)
    students = {"instructor": (answers, set()), "unchanged": (None, set())}
    for round_ in range(max(map(len, by_function.values()), default=0)):
        entries = [group[round_] for group in by_function.values() if len(group) > round_]
        replaced = dict(answers)
        for entry in entries:
            replaced[entry["function"]] = entry["source"]
        students[f"wrong{round_}"] = (replaced, set().union(*(e["fails"] for e in entries)))
    return students


def _names_used(source: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


def unexpected_scores(aid: str, answers: dict, failing: set[str],
                      scores: dict[str, tuple[float, float]]) -> list[str]:
    """What differs from "the cells in ``failing`` score 0, every other cell full points".

    ``scores`` is grade id -> (score, max score). The cells of a function whose solution calls
    a function that is wrong in this notebook are left out: they may fail through the call.
    """
    solution = instructor_notebook(aid)
    reference = answer_sources(solution)
    cells = {gid: function for gid, function, _ in grade_cells(solution)}
    broken = {f for f, source in answers.items() if source != reference[f]}
    out = [f"{gid}: not graded" for gid in cells if gid not in scores]
    for gid, (score, top) in scores.items():
        function = cells[gid]
        if function not in broken and _names_used(reference[function]) & broken:
            continue
        expected = 0 if gid in failing else top
        if score != expected:
            out.append(f"{gid}: {score}/{top}, expected {expected}")
    return out
