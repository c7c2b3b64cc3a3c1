"""The class-level outputs: ``grades.csv``, ``totals.csv`` (Canvas import), ``seeds.csv`` and
``report.html`` with embedded plots (PNG, base64; no scripts, no CDN).
"""

from __future__ import annotations

import base64
import collections
import csv
import html
import io
import os
import re

GRADE_COLUMNS = ["student_id", "assignment", "notebook", "grade_id", "score", "max_score",
                 "status", "message"]
STATUSES = ["passed", "failed", "error", "timeout", "memory", "missing", "invalid"]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def _atomic_write(path: str, text: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def _fmt(x: float) -> str:
    return f"{x:g}"


def write_grades(path: str, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, GRADE_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({**{k: r[k] for k in GRADE_COLUMNS}, "score": _fmt(r["score"]),
                    "max_score": _fmt(r["max_score"])})
    _atomic_write(path, buf.getvalue())


def totals(rows: list[dict], students: list[str], assignments: list[str]) -> dict:
    out = {s: {a: 0.0 for a in assignments} for s in students}
    for r in rows:
        out[r["student_id"]][r["assignment"]] += r["score"]
    return out


def write_totals(path: str, rows: list[dict], students: list[str], assignments: list[str],
                 max_scores: dict[str, float], roster: dict[str, dict] | None = None) -> None:
    """One row per student in the shape of a Canvas gradebook export, which Canvas's
    gradebook import accepts: identity columns, a "Points Possible" row, one column per
    assignment. Students are matched on SIS User ID / SIS Login ID; ``roster`` (from
    ``--roster``) can supply names, Canvas ids and sections."""
    roster = roster or {}
    tot = totals(rows, students, assignments)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CANVAS_COLUMNS + assignments)
    w.writerow(["Points Possible", "", "", "", ""] + [_fmt(max_scores[a]) for a in assignments])
    for s in students:
        info = roster.get(s, {})
        w.writerow([info.get("name", s), info.get("id", ""), info.get("sis_user_id", s),
                    info.get("sis_login_id", s), info.get("section", "")]
                   + [_fmt(tot[s][a]) for a in assignments])
    _atomic_write(path, buf.getvalue())


def read_roster(path: str) -> dict[str, dict]:
    """``student_id,name,id,sis_user_id,sis_login_id,section`` (all but student_id optional)."""
    with open(path, newline="", encoding="utf-8") as f:
        return {row["student_id"]: {k: v for k, v in row.items() if v}
                for row in csv.DictReader(f) if row.get("student_id")}


def write_seeds(path: str, results: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student_id", "assignment", "notebook", "grade_id", "seed"])
    for res in results:
        for key, seed in sorted(res.get("seeds", {}).items()):
            nb, _, gid = key.partition("/")
            w.writerow([res["student"], res["assignment"], nb, gid, seed])
    _atomic_write(path, buf.getvalue())


# --------------------------------------------------------------------------- report


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


_NUMBERS = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")


def common_failures(rows: list[dict], top: int = 12) -> list[tuple[str, int, list[str]]]:
    """Most frequent failure messages (numbers blanked so per-student values group)."""
    counts: collections.Counter = collections.Counter()
    where: dict[str, set] = collections.defaultdict(set)
    for r in rows:
        if r["status"] == "passed" or not r["message"]:
            continue
        key = _NUMBERS.sub("#", r["message"])[:300]
        counts[key] += 1
        where[key].add(r["grade_id"])
    return [(msg, n, sorted(where[msg])) for msg, n in counts.most_common(top)]


def write_report(path: str, rows: list[dict], students: list[str], assignments: list[str],
                 max_scores: dict[str, float], summary: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    e = html.escape
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<title>Grading report</title><style>body{font-family:system-ui,sans-serif;"
             "max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}"
             "td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}"
             "img{max-width:100%}</style></head><body><h1>Grading report</h1>"]
    parts.append("<p>" + " · ".join(f"{e(k)}: <b>{e(str(v))}</b>" for k, v in summary.items())
                 + "</p>")

    # status counts
    status_counts = collections.Counter(r["status"] for r in rows)
    parts.append("<h2>Test-cell outcomes</h2><table><tr>" + "".join(
        f"<th>{s}</th>" for s in STATUSES) + "</tr><tr>" + "".join(
        f"<td>{status_counts.get(s, 0)}</td>" for s in STATUSES) + "</tr></table>")

    # per assignment: distribution of totals
    tot = totals(rows, students, assignments)
    if assignments and students:
        fig, axes = plt.subplots(1, len(assignments), figsize=(3.2 * len(assignments), 2.6),
                                 squeeze=False)
        for ax, a in zip(axes[0], assignments):
            values = [tot[s][a] for s in students]
            top = max(max_scores[a], 1e-9)
            ax.hist(values, bins=np.linspace(0, top, min(int(top) + 2, 21)), color="#4472c4")
            ax.set_title(a, fontsize=9)
            ax.set_xlabel("score")
        axes[0][0].set_ylabel("students")
        parts.append("<h2>Score distribution per assignment</h2>"
                     f"<img alt='score distribution per assignment' src='{_png(fig)}'>")

    # per question: status stacked bars, and the hardest questions
    questions = list(dict.fromkeys((r["assignment"], r["grade_id"]) for r in rows))
    if questions:
        labels = [f"{a}/{g}" for a, g in questions]
        by_q = collections.defaultdict(list)
        for r in rows:
            by_q[(r["assignment"], r["grade_id"])].append(r)
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(questions) + 1.2))
        left = np.zeros(len(questions))
        colors = dict(zip(STATUSES, ["#1a7f37", "#d1242f", "#8250df", "#bc4c00", "#0969da",
                                     "#9a6700", "#57606a"]))
        for s in STATUSES:
            counts = np.array([sum(r["status"] == s for r in by_q[q]) for q in questions])
            if counts.any():
                ax.barh(labels, counts, left=left, color=colors[s], label=s)
                left += counts
        ax.invert_yaxis()
        ax.set_xlabel("students")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
        parts.append("<h2>Outcome per question</h2>"
                     f"<img alt='outcome per question' src='{_png(fig)}'>")
        mean = {q: np.mean([r["score"] / r["max_score"] if r["max_score"] else 0.0
                            for r in by_q[q]]) for q in questions}
        hardest = sorted(questions, key=lambda q: (mean[q], q))[:10]
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(hardest) + 1.2))
        ax.barh([f"{a}/{g}" for a, g in hardest], [mean[q] for q in hardest], color="#d1242f")
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_xlabel("mean fraction of points")
        parts.append("<h2>Hardest questions</h2>"
                     f"<img alt='hardest questions' src='{_png(fig)}'><table>"
                     "<tr><th>question</th><th>mean</th><th>passed</th></tr>" + "".join(
                         f"<tr><td>{e(a)}/{e(g)}</td><td>{mean[(a, g)]:.0%}</td>"
                         f"<td>{sum(r['status'] == 'passed' for r in by_q[(a, g)])}"
                         f"/{len(by_q[(a, g)])}</td></tr>" for a, g in hardest) + "</table>")

    failures = common_failures(rows)
    if failures:
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(failures) + 1.2))
        ax.barh([f"#{i + 1}" for i in range(len(failures))], [n for _, n, _ in failures],
                color="#bc4c00")
        ax.invert_yaxis()
        ax.set_xlabel("test cells")
        parts.append("<h2>Most common failure messages</h2>"
                     f"<img alt='most common failure messages' src='{_png(fig)}'>"
                     "<table><tr><th>#</th><th>count</th><th>message</th><th>questions</th></tr>"
                     + "".join(f"<tr><td>{i + 1}</td><td>{n}</td><td>{e(msg)}</td>"
                               f"<td>{e(', '.join(qs))}</td></tr>"
                               for i, (msg, n, qs) in enumerate(failures)) + "</table>")
    parts.append("</body></html>\n")
    _atomic_write(path, "\n".join(parts))
