"""The course through real nbgrader, as an instructor who uses plain ``nbgrader autograde``.

One scratch course directory, set up with the shipped ``autograder/nbgrader_config.py``:
``generate_assignment`` for every assignment (the same step as ``make exercises``, so the
committed notebooks are also checked for freshness), then ``autograde`` of a class whose
students are the instructor (full marks), a learner who submits the released notebook
unchanged (zero), and learners whose answers are the solutions except for wrong answers of the
corpus (they lose the points of the broken function and no other).
"""

from __future__ import annotations

import ast
import filecmp
import os

import nbformat
import pytest

import ex_support as s
from autograder import release

# nbgrader's own gradebook code triggers SQLAlchemy warnings, which subclass RuntimeWarning
# (an error in this suite); they are nbgrader's, not the course's.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader"),
              pytest.mark.filterwarnings("default::sqlalchemy.exc.SAWarning")]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """(scratch course root, fresh solutions dir, fresh exercises dir) after generation."""
    tmp = tmp_path_factory.mktemp("nbgrader")
    root, solutions, exercises = (str(tmp / name) for name in ("course", "sol", "ex"))
    release.generate(s.ASSIGNMENTS, os.path.join(s.ROOT, "solutions"), solutions, exercises,
                     root)
    return root, solutions, exercises


def test_committed_notebooks_are_fresh(course):
    """Are solutions/*/*.ipynb and exercises/*/*.ipynb what `make exercises` makes now?"""
    _, solutions, exercises = course
    stale = []
    for aid in s.ASSIGNMENTS:
        for fresh_dir, kind in ((solutions, "solutions"), (exercises, "exercises")):
            fresh = os.path.join(fresh_dir, aid, aid + ".ipynb")
            committed = os.path.join(s.ROOT, kind, aid, aid + ".ipynb")
            if not (os.path.exists(committed) and filecmp.cmp(fresh, committed, shallow=False)):
                stale.append(os.path.relpath(committed, s.ROOT))
    assert not stale, f"stale generated notebooks (run `make exercises`): {stale}"


def _names_used(source: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


def _class(aid: str) -> dict[str, tuple[dict | None, set[str]]]:
    """student id -> (answers by function, grade ids that must score 0); ``None`` answers
    stand for the released notebook submitted unchanged."""
    solution = s.instructor_notebook(aid)
    answers = s.answer_sources(solution)
    by_function: dict[str, list[dict]] = {}
    for entry in s.load_wrong_answers(aid):
        by_function.setdefault(entry["function"], []).append(entry)
    students = {"instructor": (answers, set()), "unchanged": (None, set())}
    for round_ in range(max(map(len, by_function.values()), default=0)):
        entries = [group[round_] for group in by_function.values() if len(group) > round_]
        replaced = dict(answers)
        for entry in entries:
            replaced[entry["function"]] = entry["source"]
        students[f"wrong{round_}"] = (replaced, set().union(*(e["fails"] for e in entries)))
    return students


def _grades(root: str, aid: str) -> dict[str, dict[str, tuple[float, float]]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{os.path.join(root, 'gradebook.db')}",
                   course_id="cross-entropy-course") as gradebook:
        out = {}
        for submission in gradebook.assignment_submissions(aid):
            notebook = gradebook.find_submission_notebook(aid, aid, submission.student.id)
            out[submission.student.id] = {g.name: (g.score, g.max_score)
                                          for g in notebook.grades}
        return out


@pytest.mark.parametrize("aid", s.ASSIGNMENTS)
def test_nbgrader_autograde_scores_the_class(course, aid):
    root, _, _ = course
    released = nbformat.read(os.path.join(root, "exercises", aid, aid + ".ipynb"), as_version=4)
    solution = s.instructor_notebook(aid)
    cells = {gid: function for gid, function, _ in s.grade_cells(solution)}
    uses = {f: _names_used(src) for f, src in s.answer_sources(solution).items()}
    students = _class(aid)
    for student, (answers, _) in students.items():
        nb = released if answers is None else s.with_answers(released, answers)
        folder = os.path.join(root, "submitted", student, aid)
        os.makedirs(folder, exist_ok=True)
        nbformat.write(nb, os.path.join(folder, aid + ".ipynb"))

    api = release.nbgrader_api(root)
    for student in students:
        result = api.autograde(aid, student, force=True, create=True)
        assert result["success"], result.get("error") or result.get("log")
    grades = _grades(root, aid)

    assert set(grades["instructor"]) == set(cells)
    assert all(score == top > 0 for score, top in grades["instructor"].values()), \
        grades["instructor"]
    assert all(score == 0 for score, _ in grades["unchanged"].values()), grades["unchanged"]
    for student, (answers, failing) in students.items():
        if answers is None or student == "instructor":
            continue
        broken = {f for f, src in answers.items() if src != s.answer_sources(solution)[f]}
        mismatches = []
        for gid, (score, top) in grades[student].items():
            function = cells[gid]
            if function not in broken and uses[function] & broken:
                continue  # this solution calls a function that is wrong here
            expected = 0 if gid in failing else top
            if score != expected:
                mismatches.append(f"{gid}: {score}/{top}, expected {expected}")
        assert not mismatches, f"{student} ({sorted(broken)}): {mismatches}"
