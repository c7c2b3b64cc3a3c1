"""The course's own assignments through the command: instructor solutions earn full marks,
the released notebooks earn nothing. Skipped until ``exercises/`` and ``autograder.checks``
exist (they are built by the exercises pipeline)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from ceg_helpers import REPO, read_csv, require_isolation, run_grader

EXERCISES = REPO / "exercises"
SOLUTIONS = REPO / "solutions"
ASSIGNMENTS = sorted(p.name for p in EXERCISES.glob("*") if (p / f"{p.name}.ipynb").exists())

pytestmark = pytest.mark.slow
needs_course = [
    pytest.mark.skipif(not ASSIGNMENTS, reason="exercises/ holds no released notebooks yet"),
    pytest.mark.skipif(importlib.util.find_spec("autograder.checks") is None,
                       reason="autograder/checks/ does not exist yet"),
]


def course_test(fn):
    for mark in needs_course:
        fn = mark(fn)
    return fn


def instructor_notebook(assignment: str) -> str | None:
    """The solutions version as .ipynb text (converted from MyST if that is the source)."""
    folder = SOLUTIONS / assignment
    ipynb, md = folder / f"{assignment}.ipynb", folder / f"{assignment}.md"
    if ipynb.exists():
        return ipynb.read_text()
    if md.exists():
        import jupytext
        import nbformat

        return nbformat.writes(jupytext.read(md))
    return None


def grade(tmp_path: Path, student: str, notebooks: dict[str, str]) -> list[dict]:
    require_isolation()
    for assignment, text in notebooks.items():
        folder = tmp_path / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{assignment}.ipynb").write_text(text)
    run_grader(tmp_path / "submitted", tmp_path / "out", EXERCISES, "--no-progress",
               timeout=30, checks="autograder.checks:REGISTRY")
    return read_csv(tmp_path / "out" / "grades.csv")


@course_test
def test_instructor_solutions_earn_full_marks(tmp_path):
    notebooks = {a: instructor_notebook(a) for a in ASSIGNMENTS}
    notebooks = {a: t for a, t in notebooks.items() if t is not None}
    if not notebooks:
        pytest.skip("no instructor notebooks in solutions/")
    rows = grade(tmp_path, "instructor", notebooks)
    bad = [(r["assignment"], r["grade_id"], r["status"], r["message"]) for r in rows
           if r["status"] != "passed"]
    assert not bad, bad
    assert {r["assignment"] for r in rows} == set(notebooks)


@course_test
def test_released_notebooks_earn_nothing(tmp_path):
    notebooks = {a: (EXERCISES / a / f"{a}.ipynb").read_text() for a in ASSIGNMENTS}
    rows = grade(tmp_path, "nobody_yet", notebooks)
    assert rows and all(float(r["score"]) == 0 for r in rows)
    assert {r["status"] for r in rows} <= {"missing", "failed", "error"}


@course_test
def test_hidden_test_source_never_reaches_feedback(tmp_path):
    notebooks = {a: instructor_notebook(a) for a in ASSIGNMENTS}
    notebooks = {a: t for a, t in notebooks.items() if t is not None}
    if not notebooks:
        pytest.skip("no instructor notebooks in solutions/")
    grade(tmp_path, "instructor", notebooks)
    hidden_lines = set()
    for text in notebooks.values():
        for cell in json.loads(text)["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if "BEGIN HIDDEN TESTS" in src:
                inside = src.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                hidden_lines |= {line.strip() for line in inside.splitlines() if line.strip()}
    for page in (tmp_path / "out" / "feedback").rglob("*.html"):
        text = page.read_text()
        assert "HIDDEN TESTS" not in text
        for line in hidden_lines:
            assert line not in text, (page, line)


SOFTMAX_ANSWERS = {
    "logsumexp": ("def logsumexp(x, axis=-1, keepdims=False):\n"
                  "    x = np.asarray(x)\n"
                  "    m = np.max(x, axis=axis, keepdims=True)\n"
                  "    m = np.where(np.isfinite(m), m, 0)\n"
                  "    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))\n"
                  "    return out if keepdims else np.squeeze(out, axis=axis)\n"),
    "softmax": ("def softmax(x, axis=-1):\n"
                "    x = np.asarray(x)\n"
                "    m = np.max(x, axis=axis, keepdims=True)\n"
                "    e = np.exp(x - np.where(np.isfinite(m), m, 0))\n"
                "    return e / np.sum(e, axis=axis, keepdims=True)\n"),
}
NAIVE_SOFTMAX = ("def softmax(x, axis=-1):\n"
                 "    e = np.exp(np.asarray(x))\n"
                 "    return e / np.sum(e, axis=axis, keepdims=True)\n")


@pytest.mark.skipif(importlib.util.find_spec("autograder.checks") is None,
                    reason="autograder/checks/ does not exist yet")
def test_the_real_checks_work_through_the_sandbox(tmp_path):
    """Real checks (kwargs, exceptions, float32, -inf) through the proxy: a correct NumPy
    answer passes every test cell, a naive softmax fails only the stability ones."""
    import ceg_course
    from autograder.checks import REGISTRY

    tests = {fn: sorted(g for g, cell in REGISTRY.items() if cell.function == fn)
             for fn in SOFTMAX_ANSWERS}

    def build(answers):
        cells = [ceg_course._cell("code", "from autograder.checks import check\n"
                                          "import numpy as np\n",
                                  ceg_course._meta(locked=True, grade_id="setup"))]
        for fn, gids in tests.items():
            cells.append(ceg_course._cell("code", answers.get(fn, "def %s(x, **kwargs):\n    "
                                                  "raise NotImplementedError()\n" % fn),
                                          ceg_course._meta(solution=True, grade_id=fn)))
            for gid in gids:
                cells.append(ceg_course._cell("code", f'check("{gid}", {fn})\n',
                                              ceg_course._meta(grade=True, locked=True,
                                                               grade_id=gid, points=1)))
        return ceg_course.to_json(cells)

    release = tmp_path / "release" / "r01_softmax"
    release.mkdir(parents=True)
    (release / "r01_softmax.ipynb").write_text(build({}))
    for student, answers in {"good": SOFTMAX_ANSWERS,
                             "naive": {**SOFTMAX_ANSWERS, "softmax": NAIVE_SOFTMAX},
                             "blank": {}}.items():
        folder = tmp_path / "submitted" / student / "r01_softmax"
        folder.mkdir(parents=True)
        (folder / "r01_softmax.ipynb").write_text(build(answers))
    require_isolation()
    run_grader(tmp_path / "submitted", tmp_path / "out", tmp_path / "release", "--no-progress",
               timeout=20, checks="autograder.checks:REGISTRY")
    rows = read_csv(tmp_path / "out" / "grades.csv")
    status = {(r["student_id"], r["grade_id"]): (r["status"], r["message"]) for r in rows}
    seeds = {(r["student_id"], r["grade_id"]): int(r["seed"])
             for r in read_csv(tmp_path / "out" / "seeds.csv")}
    all_tests = [g for gids in tests.values() for g in gids]
    # The verdict through the sandbox equals the verdict of the same checks run in-process
    # on the same function with the same seed (so a check's own quirks do not matter here).
    import numpy as np

    for student, answers in {"good": SOFTMAX_ANSWERS,
                             "naive": {**SOFTMAX_ANSWERS, "softmax": NAIVE_SOFTMAX}}.items():
        namespace = {"np": np}
        for src in answers.values():
            exec(src, namespace)
        for g in all_tests:
            cell = REGISTRY[g]
            rng = np.random.default_rng(seeds[(student, g)])
            verdict = "passed"
            with np.errstate(all="ignore"):
                for one in cell.visible + cell.hidden:
                    try:
                        one(namespace[cell.function], rng)
                    except AssertionError:
                        verdict = "failed"
                        break
            assert status[(student, g)][0] == verdict, (student, g, status[(student, g)])
    assert all(status[("blank", g)][0] == "missing" for g in all_tests)
    assert status[("good", "test_softmax")][0] == "passed"
    naive = status[("naive", "test_softmax-stability")]
    assert naive[0] == "failed" and "subtract" in naive[1], naive


@course_test
def test_wrong_answer_corpus_loses_only_its_function(tmp_path):
    """The exercises' wrong-answer corpus, graded end to end by the command: each wrong answer
    loses the points of the function it breaks and no other; the instructor gets full marks
    and the released notebook nothing (one class folder for every assignment)."""
    import nbformat

    from tests.exercises import ex_support

    classes = {aid: ex_support.corpus_class(aid) for aid in ASSIGNMENTS}
    for aid, students in classes.items():
        released = nbformat.read(EXERCISES / aid / f"{aid}.ipynb", as_version=4)
        for student, (answers, _) in students.items():
            nb = released if answers is None else ex_support.with_answers(released, answers)
            folder = tmp_path / "submitted" / student / aid
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{aid}.ipynb")
    require_isolation()
    run_grader(tmp_path / "submitted", tmp_path / "out", EXERCISES, "--no-progress",
               timeout=30, checks="autograder.checks:REGISTRY")
    scores: dict = {}
    for row in read_csv(tmp_path / "out" / "grades.csv"):
        scores.setdefault((row["student_id"], row["assignment"]), {})[row["grade_id"]] = (
            float(row["score"]), float(row["max_score"]))
    problems = []
    for aid, students in classes.items():
        for student, (answers, failing) in students.items():
            got = scores[(student, aid)]
            if answers is None:
                problems += [f"{aid}/{student}: {g} {v}" for g, v in got.items() if v[0] != 0]
            else:
                problems += [f"{aid}/{student}: {p}"
                             for p in ex_support.unexpected_scores(aid, answers, failing, got)]
    assert not problems, "\n".join(problems)
