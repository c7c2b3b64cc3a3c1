"""``python -m autograder grade`` end to end on the hostile corpus and the broken files.

One run of the real command grades every case (fixture ``hostile_class``); each test reads
its outputs: grades.csv, totals.csv, the gradebook, the feedback pages and the report.
"""

from __future__ import annotations

import base64
import re
import sqlite3

import pytest

import ceg_corpus
import ceg_course
from ceg_helpers import read_csv, run_grader

CASES = {c.name: c for c in ceg_corpus.CASES}
POINTS = {gid: p for _, tests in ceg_course.ASSIGNMENTS["f01_basics"] for gid, p in tests}


def rows_of(hostile_class, student):
    return {r["grade_id"]: r for r in hostile_class["rows"] if r["student_id"] == student
            and r["assignment"] == "f01_basics"}


def test_the_command_exits_zero_and_summarises(hostile_class):
    err = hostile_class["proc"].stderr
    assert "isolation: filesystem: bubblewrap" in err or "isolation:" in err
    assert re.search(r"graded \d+ submissions", err)
    assert "test cells:" in err


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_costs_exactly_what_it_attacks(hostile_class, name):
    case = CASES[name]
    got = rows_of(hostile_class, name)
    assert sorted(got) == sorted(ceg_corpus.ALL)
    for gid, row in got.items():
        want = case.status(gid)
        assert row["status"] == want, f"{name}/{gid}: {row['status']} ({row['message']})"
        assert float(row["score"]) == (POINTS[gid] if want == "passed" else 0.0)
        assert float(row["max_score"]) == POINTS[gid]
        if want != "passed":
            assert row["message"], f"{name}/{gid} has no message"


@pytest.mark.parametrize("name", ["reference", "always_equal", "invalid_json", "released"])
def test_autograded_notebooks_are_ready_for_formgrader(hostile_class, release_dir, name):
    """Released structure and nbgrader metadata; the student's answers; each test cell's
    verdict as its output, matching grades.csv; nothing from the student's kernel."""
    import json

    import nbformat

    from autograder.grading.autograded import VERDICT

    path = hostile_class["out"] / "autograded" / name / "f01_basics" / "f01_basics.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    released = nbformat.read(release_dir / "f01_basics" / "f01_basics.ipynb", as_version=4)
    grade_ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert [g for g in grade_ids if g] == [c.metadata["nbgrader"]["grade_id"]
                                          for c in released.cells
                                          if c.metadata.get("nbgrader", {}).get("grade_id")]
    rows = rows_of(hostile_class, name)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            (output,) = cell.outputs
            row = rows[meta["grade_id"]]
            verdict = VERDICT[row["status"]]
            assert output.text.startswith(f"autograder: {verdict}, {float(row['score']):g} /")
            assert row["message"].strip() in output.text
            assert (output.name == "stdout") == (row["status"] == "passed")
        elif cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    if name == "always_equal":
        assert "class Anything" in answers["softmax"]
    if name in ("invalid_json", "released"):
        stubs = {c.metadata["nbgrader"]["grade_id"]: c.source for c in released.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
        assert answers == stubs
    if name == "invalid_json":
        assert nb.cells[0].cell_type == "markdown" and "not valid JSON" in nb.cells[0].source
    assert json.loads(path.read_text())["nbformat"] == 4


def test_grades_csv_has_the_contract_columns_and_one_row_per_test_cell(hostile_class):
    rows = hostile_class["rows"]
    assert list(rows[0]) == ["student_id", "assignment", "notebook", "grade_id", "score",
                             "max_score", "status", "message"]
    keys = [(r["student_id"], r["assignment"], r["notebook"], r["grade_id"]) for r in rows]
    assert len(keys) == len(set(keys))
    students = {c.name for c in ceg_corpus.CASES}
    assert {r["student_id"] for r in rows} == students
    assert len(rows) == len(students) * len(ceg_corpus.ALL)  # only f01 was submitted
    assert not any(r["grade_id"] == "test_bonus" for r in rows)


def test_totals_csv_is_a_canvas_gradebook_import(hostile_class):
    rows = read_csv(hostile_class["out"] / "totals.csv")
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                             "f01_basics"]
    assert rows[0]["Student"] == "Points Possible" and float(rows[0]["f01_basics"]) == 6
    by_student = {r["SIS User ID"]: float(r["f01_basics"]) for r in rows[1:]}
    assert by_student["reference"] == 6 and by_student["released"] == 0
    assert by_student["invalid_json"] == 0 and by_student["infinite_loop_function"] == 4


def test_nothing_leaked_out_of_the_sandbox(hostile_class):
    assert hostile_class["listener"].connections == 0
    for target in hostile_class["targets"]:
        if target.name == "grades.csv":
            assert "student,6" not in target.read_text()
        else:
            assert not target.exists(), target


def test_the_gradebook_holds_every_submission_once(hostile_class):
    from nbgrader.api import Gradebook

    db = hostile_class["out"] / "gradebook.db"
    expected = {(r["student_id"], r["grade_id"]): float(r["score"])
                for r in hostile_class["rows"]}
    with Gradebook(f"sqlite:///{db}", course_id="entropy-course") as gb:
        subs = gb.assignment_submissions("f01_basics")
        assert sorted(s.student.id for s in subs) == sorted(CASES)
        for sub in subs:
            for nb in sub.notebooks:
                for grade in nb.grades:
                    assert grade.auto_score == expected[(sub.student.id, grade.name)]
                    assert grade.needs_manual_grade is False
        assert gb.find_submission("f01_basics", "reference").score == 6
        assert gb.find_submission("f01_basics", "released").score == 0
    con = sqlite3.connect(db)
    n = con.execute("select count(*) from grade").fetchone()[0]
    assert n == len(CASES) * len(ceg_corpus.ALL)
    con.close()


def test_feedback_explains_and_never_shows_hidden_tests(hostile_class):
    fb = hostile_class["out"] / "feedback"
    pages = sorted(fb.glob("*/f01_basics/f01_basics.html"))
    assert len(pages) == len(CASES)
    forbidden = ["BEGIN HIDDEN TESTS", "hidden=True", "entropy_random", "softmax_large",
                 "ref_entropy", "def check", "check(\""]
    for page in pages:
        text = page.read_text()
        for word in forbidden:
            assert word not in text, (page, word)
        assert "<script" not in text and "http" not in text
    loop = (fb / "infinite_loop_function" / "f01_basics" / "f01_basics.html").read_text()
    assert "did not return within" in loop and "4 / 6" in loop
    cell = (fb / "infinite_loop_cell" / "f01_basics" / "f01_basics.html").read_text()
    assert "was skipped" in cell and "6 / 6" in cell
    broken = (fb / "invalid_json" / "f01_basics" / "f01_basics.html").read_text()
    assert "not valid JSON" in broken
    hard = (fb / "hardcoded" / "f01_basics" / "f01_basics.html").read_text()
    assert "entropy of a random distribution" in hard  # the check's teaching message


def test_feedback_escapes_what_student_code_says(hostile_class, tmp_path, release_dir):
    sub = tmp_path / "submitted" / "mallory" / "f01_basics"
    sub.mkdir(parents=True)
    answer = "def softmax(z):\n    raise ValueError('<script>alert(1)</script>')\n"
    (sub / "f01_basics.ipynb").write_text(ceg_course.notebook("f01_basics",
                                                              {"softmax": answer}, solved=True))
    run_grader(tmp_path / "submitted", tmp_path / "out", release_dir, "--no-progress")
    page = (tmp_path / "out" / "feedback" / "mallory" / "f01_basics" / "f01_basics.html")
    text = page.read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_report_has_the_plots(hostile_class):
    text = (hostile_class["out"] / "report.html").read_text()
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", text)
    assert len(images) >= 4
    for img in images:
        assert base64.b64decode(img)[:8] == b"\x89PNG\r\n\x1a\n"
    for heading in ("Score distribution per assignment", "Outcome per question",
                    "Hardest questions", "Most common failure messages"):
        assert heading in text
    assert "<script" not in text


def test_seeds_are_recorded_per_student(hostile_class):
    seeds = read_csv(hostile_class["out"] / "seeds.csv")
    by = {(s["student_id"], s["grade_id"]): s["seed"] for s in seeds}
    assert by[("reference", "test_softmax")] != by[("hardcoded", "test_softmax")]


def test_running_twice_changes_nothing(hostile_class, release_dir):
    out = hostile_class["out"]
    before = {name: (out / name).read_bytes() for name in ("grades.csv", "totals.csv",
                                                           "seeds.csv")}
    con = sqlite3.connect(out / "gradebook.db")
    counts = [con.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("grade", "submitted_notebook", "submitted_assignment", "student")]
    con.close()
    proc = run_grader(hostile_class["submissions"], out, release_dir, "--no-progress")
    assert "0 graded now" in proc.stderr
    for name, data in before.items():
        assert (out / name).read_bytes() == data
    con = sqlite3.connect(out / "gradebook.db")
    assert counts == [con.execute(f"select count(*) from {t}").fetchone()[0]
                      for t in ("grade", "submitted_notebook", "submitted_assignment",
                                "student")]
    con.close()


@pytest.mark.slow
def test_nbgrader_export_reads_our_gradebook(hostile_class, tmp_path):
    import os
    import subprocess
    import sys

    from ceg_helpers import grader_env

    db = hostile_class["out"] / "gradebook.db"
    nbgrader = os.path.join(os.path.dirname(sys.executable), "nbgrader")
    proc = subprocess.run([nbgrader, "export", f"--CourseDirectory.db_url=sqlite:///{db}",
                           "--CourseDirectory.course_id=entropy-course",
                           f"--CourseDirectory.root={tmp_path}"],
                          cwd=tmp_path, env=grader_env(), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {r["student_id"]: r for r in read_csv(tmp_path / "grades.csv")}
    assert float(rows["reference"]["score"]) == 6 and float(rows["reference"]["max_score"]) == 6
    assert float(rows["released"]["score"]) == 0
    assert float(rows["infinite_loop_function"]["score"]) == 4


def test_a_notebook_that_keeps_hanging_stops_at_its_time_budget(tmp_path, release_dir):
    """Slow cells and hanging functions: every test would restart the sandbox and re-run the
    cells. After the budget, the remaining tests are not run, and say why."""
    from ceg_helpers import require_isolation

    require_isolation()
    hang = "import time\ndef {name}(*args, **kwargs):\n    time.sleep(3600)\n"
    answers = {name: hang.format(name=name) for name in ("entropy", "softmax", "normalize")}
    cells = ceg_course.cells("f01_basics", answers, solved=True)
    slow = {"cell_type": "code", "metadata": {}, "source": "import time\ntime.sleep(0.8)\n",
            "execution_count": None, "outputs": []}
    cells[1:1] = [dict(slow) for _ in range(3)]
    folder = tmp_path / "submitted" / "slowpoke" / "f01_basics"
    folder.mkdir(parents=True)
    (folder / "f01_basics.ipynb").write_text(ceg_course.to_json(cells))
    out = tmp_path / "out"
    run_grader(tmp_path / "submitted", out, release_dir, "--no-progress",
               "--notebook-budget", "2.5", timeout=1.0)
    rows = read_csv(out / "grades.csv")
    assert [r["status"] for r in rows] == ["timeout"] * 4
    first, *rest = rows
    assert "did not return within 1 s" in first["message"]
    for row in rest:
        assert "time budget of 2.5 s" in row["message"], row
        assert float(row["score"]) == 0


def test_formgrader_renders_an_autograded_notebook(hostile_class):
    """The page formgrader's SubmissionHandler builds for manual grading, with its own
    exporter and template; it shows each test cell and the grader's verdict."""
    from nbconvert import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    path = (hostile_class["out"] / "autograded" / "always_equal" / "f01_basics"
            / "f01_basics.ipynb")
    exporter = HTMLExporter(template_name="formgrade",
                            extra_template_basedirs=[handlers.template_path])
    resources = {"assignment_id": "f01_basics", "notebook_id": "f01_basics",
                 "submission_id": "1", "index": 0, "total": 1, "base_url": "",
                 "student": "always_equal", "last_name": None, "first_name": None,
                 "notebook_path": "/autograded/always_equal/f01_basics/f01_basics.ipynb"}
    page, _ = exporter.from_filename(str(path), resources=resources)
    for grade_id in ceg_corpus.ALL:
        assert grade_id in page
    assert "autograder: failed, 0 / " in page and "autograder: passed" in page
