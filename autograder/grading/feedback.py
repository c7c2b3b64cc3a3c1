"""Per-student feedback pages: ``feedback/<student>/<assignment>/<notebook>.html``.

Built from the grading result only (statuses and the checks' teaching messages), never from
test-cell source, so hidden tests cannot leak through it. Everything shown is HTML-escaped:
exception messages come from student code. The page is self-contained (no scripts, no CDN).
"""

from __future__ import annotations

import html

STATUS_TEXT = {
    "passed": "passed", "failed": "failed", "error": "error", "timeout": "time limit",
    "memory": "memory limit", "missing": "missing", "invalid": "not gradable",
}

CSS = """
body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ddd;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.score{white-space:nowrap;text-align:right}
.passed{color:#1a7f37}.failed,.error,.timeout,.memory,.invalid{color:#b42318}
.missing{color:#9a6700}.msg{white-space:pre-wrap;font-family:ui-monospace,monospace;
font-size:.9em}.note{background:#fff8e1;padding:.6rem .8rem;border-left:4px solid #e0b000}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def render(student: str, assignment: str, notebook: str, rows: list[dict], info: dict) -> str:
    score = sum(r["score"] for r in rows)
    total = sum(r["max_score"] for r in rows)
    passed = sum(r["status"] == "passed" for r in rows)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback: {_e(assignment)} / {_e(notebook)} ({_e(student)})</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_e(assignment)}: {_e(notebook)}.ipynb</h1>",
        f"<p>Student <b>{_e(student)}</b>. Score <b>{score:g} / {total:g}</b>; "
        f"{passed} of {len(rows)} test cells passed.</p>",
    ]
    status = info.get("status", "graded")
    if status in ("missing", "invalid"):
        out.append(f'<p class="note">This notebook could not be graded: '
                   f"{_e(info.get('message', ''))}</p>")
    elif info.get("message"):
        out.append(f'<p class="note">{_e(info["message"])}</p>')
    out.append("<table><thead><tr><th>test cell</th><th>result</th><th class=score>points</th>"
               "<th>why</th></tr></thead><tbody>")
    for r in rows:
        st = r["status"]
        out.append(f"<tr><td><code>{_e(r['grade_id'])}</code></td>"
                   f'<td class="{_e(st)}">{_e(STATUS_TEXT.get(st, st))}</td>'
                   f"<td class=score>{r['score']:g} / {r['max_score']:g}</td>"
                   f'<td class="msg">{_e(r["message"])}</td></tr>')
    out.append("</tbody></table>")
    notes = info.get("notes") or {}
    if notes:
        out.append("<h2>Cells that did not run cleanly</h2><ul>")
        for pos, note in sorted(notes.items(), key=lambda kv: int(kv[0])):
            out.append(f"<li>cell {int(pos) + 1}: <span class=msg>{_e(note['message'])}</span>"
                       "</li>")
        out.append("</ul><p>Each cell runs on its own: a cell that fails costs only the "
                   "answers that depend on it.</p>")
    out.append("<p>Each test cell scores its points only if all of its checks pass, the "
               "visible ones you can run in the notebook and hidden ones on other inputs. "
               "Hidden checks are not shown here.</p></body></html>")
    return "\n".join(out) + "\n"
