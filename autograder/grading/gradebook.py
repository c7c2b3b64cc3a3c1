"""Write grades into nbgrader's gradebook (SQLite ``gradebook.db``), so formgrader and
``nbgrader export`` keep working.

Only the grader's main process writes, one submission per transaction: the student, the
submission with one submitted notebook per released notebook and one grade per test cell
are created (as nbgrader's ``add_submission`` would) or found, the automatic scores set,
and everything committed at once. Writing the same result again changes nothing, so a
killed run can simply be resumed. A score entered by hand in formgrader is kept, and the
cell stays flagged for manual grading, as nbgrader does.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import sys
import types

from .notebook import AssignmentSpec

COURSE_ID = "entropy-course"


def load_api():
    """Import ``nbgrader.api`` without the rest of nbgrader.

    ``import nbgrader`` first loads nbgrader's Jupyter server extensions (several seconds,
    none of it needed to write a gradebook), and nbformat's validator pulls in an IRI
    grammar (``rfc3987_syntax``, seconds more) that the gradebook never uses. Both are
    skipped here, in the grader's own process only. A new gradebook asks the ``alembic``
    command for the schema version; the same answer is read in-process instead."""
    if "nbgrader.api" in sys.modules:
        return sys.modules["nbgrader.api"]
    if "nbgrader" not in sys.modules:
        spec = importlib.util.find_spec("nbgrader")
        pkg = types.ModuleType("nbgrader")
        pkg.__path__ = list(spec.submodule_search_locations)
        pkg.__spec__, pkg.__file__, pkg.__package__ = spec, spec.origin, "nbgrader"
        sys.modules["nbgrader"] = pkg
    sys.modules.setdefault("rfc3987_syntax", None)  # jsonschema then skips that format
    api = importlib.import_module("nbgrader.api")
    original = api.get_alembic_version

    def alembic_head() -> str:
        try:
            from alembic.script import ScriptDirectory
            from nbgrader.dbutil import ALEMBIC_DIR

            return ScriptDirectory(ALEMBIC_DIR).get_current_head()
        except Exception:  # noqa: BLE001
            return original()

    api.get_alembic_version = alembic_head
    return api


def open_gradebook(path: str, course_id: str = COURSE_ID):
    return load_api().Gradebook(f"sqlite:///{path}", course_id=course_id)


def ensure_assignments(gb, specs: list[AssignmentSpec]) -> None:
    """Create (or update) assignments, notebooks, grade cells and solution cells."""
    for spec in specs:
        gb.update_or_create_assignment(spec.name)
        for nb in spec.notebooks:
            gb.update_or_create_notebook(nb.name, spec.name)
            for test in nb.tests:
                gb.update_or_create_grade_cell(test.grade_id, nb.name, spec.name,
                                               max_score=test.points, cell_type="code")
            for answer in nb.answers:
                gb.update_or_create_solution_cell(answer, nb.name, spec.name)


def _parse_timestamp(text: str | None):
    if not text:
        return None
    try:
        return load_api().utils.parse_utc(text.strip())
    except Exception:  # noqa: BLE001  (a bad timestamp.txt must not stop grading)
        return None


def write_result(gb, result: dict, timestamp: str | None = None) -> None:
    """Store one graded submission in a single transaction (idempotent)."""
    api = load_api()
    Assignment, Comment, Grade = api.Assignment, api.Comment, api.Grade
    Student, SubmittedAssignment = api.Student, api.SubmittedAssignment
    SubmittedNotebook = api.SubmittedNotebook

    db = gb.db
    try:
        with db.no_autoflush:
            student = db.get(Student, result["student"])
            if student is None:
                student = Student(id=result["student"])
                db.add(student)
            assignment = (db.query(Assignment)
                          .filter(Assignment.name == result["assignment"]).one())
            submission = (db.query(SubmittedAssignment)
                          .filter(SubmittedAssignment.assignment_id == assignment.id,
                                  SubmittedAssignment.student_id == student.id).one_or_none())
            if submission is None:
                submission = SubmittedAssignment(assignment=assignment, student=student)
                db.add(submission)
            when = _parse_timestamp(timestamp)
            if when is not None:
                submission.timestamp = when
            have = {snb.notebook.name: snb for snb in submission.notebooks}
            for notebook in assignment.notebooks:
                snb = have.get(notebook.name)
                if snb is None:
                    snb = SubmittedNotebook(notebook=notebook, assignment=submission)
                    db.add(snb)
                    have[notebook.name] = snb
                graded = {g.cell_id for g in snb.grades}
                for cell in notebook.grade_cells:
                    if cell.id not in graded:
                        db.add(Grade(cell=cell, notebook=snb))
                commented = {c.cell_id for c in snb.comments}
                for cell in notebook.solution_cells:
                    if cell.id not in commented:
                        db.add(Comment(cell=cell, notebook=snb))
        db.flush()
        scores = {(r["notebook"], r["grade_id"]): r["score"] for r in result["rows"]}
        for name, snb in have.items():
            for grade in snb.grades:
                key = (name, grade.cell.name)
                if key not in scores:
                    continue
                grade.auto_score = float(scores[key])
                grade.needs_manual_grade = grade.manual_score is not None
        db.commit()
    except BaseException:
        db.rollback()
        raise


def now_utc() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()
