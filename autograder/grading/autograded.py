"""The graded copy of each notebook: ``autograded/<student>/<assignment>/<notebook>.ipynb``.

nbgrader's formgrader shows a submission for manual grading from this file, next to the
gradebook (``OUT`` is then the course root: ``OUT/gradebook.db``, ``OUT/autograded/``). The
copy is built from the *released* notebook, so every grade and solution cell is where
formgrader expects it, with its nbgrader metadata: each answer cell holds the student's
source (found by ``grade_id``; the released stub when the submission has none), each test
cell the released test code and, as its output, the grader's verdict and message. Other
cells the student added are not copied (the submitted file keeps them). Outputs of the
submission are never copied: they come from the student's kernel and prove nothing.
"""

from __future__ import annotations

import copy
import json

from . import notebook as nbio

VERDICT = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "time limit",
           "memory": "memory limit", "missing": "missing", "invalid": "not gradable"}


def render(released: bytes, submitted: bytes | None, rows: list[dict], info: dict) -> str:
    """The autograded notebook as JSON text. ``rows`` are the grades of this notebook and
    ``info`` its grading status (see ``runner.grade_submission``)."""
    nb = json.loads(released.decode("utf-8"))
    answers = {}
    if submitted is not None:
        try:
            for cell in nbio.parse(submitted):
                meta = cell["nbgrader"]
                if meta.get("solution") is True and meta.get("grade_id"):
                    answers.setdefault(str(meta["grade_id"]), cell["source"])
        except nbio.InvalidNotebook:
            pass
    by_grade_id = {r["grade_id"]: r for r in rows}
    cells = []
    if info.get("status") in ("missing", "invalid") or info.get("message"):
        note = {"cell_type": "markdown", "metadata": {},
                "source": f"**Autograder:** {info.get('message', '')}"}
        if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5):
            note["id"] = "autograder-note"  # cell ids are required from format 4.5
        cells.append(note)
    for cell in nb["cells"]:
        cell = copy.deepcopy(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = str(meta.get("grade_id", ""))
        if meta.get("solution") is True and grade_id in answers:
            cell["source"] = answers[grade_id]
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            row = by_grade_id.get(grade_id) if meta.get("grade") is True else None
            if row is not None:
                cell["outputs"] = [_verdict(row)]
        cells.append(cell)
    nb["cells"] = cells
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _verdict(row: dict) -> dict:
    status = row["status"]
    text = (f"autograder: {VERDICT.get(status, status)}, "
            f"{row['score']:g} / {row['max_score']:g} points\n")
    if row.get("message"):
        text += row["message"].rstrip() + "\n"
    return {"output_type": "stream", "name": "stdout" if status == "passed" else "stderr",
            "text": text}
