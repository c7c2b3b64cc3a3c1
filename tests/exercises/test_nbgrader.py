"""The course through real nbgrader, as an instructor who uses plain ``nbgrader autograde``.

One scratch course directory, set up with the shipped ``autograder/nbgrader_config.py``:
``generate_assignment`` for every assignment (the same step as ``make exercises``, so the
committed notebooks are also checked for freshness), then ``autograde`` of a class whose
students are the instructor (full marks), a learner who submits the released notebook
unchanged (zero), and learners whose answers are the solutions except for wrong answers of the
corpus (they lose the points of the broken function and no other).
"""

from __future__ import annotations

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
    stale = release.differences(s.ASSIGNMENTS, solutions, exercises)
    assert not stale, f"stale generated notebooks (run `make exercises`): {stale}"


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
    students = s.corpus_class(aid)
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

    assert all(score == 0 for score, _ in grades["unchanged"].values()), grades["unchanged"]
    for student, (answers, failing) in students.items():
        if answers is not None:
            problems = s.unexpected_scores(aid, answers, failing, grades[student])
            assert not problems, f"{student}: {problems}"
