"""Build the course's notebooks: ``solutions/<id>/<id>.md`` → instructor and student notebooks.

``python -m autograder.release`` (``make exercises``) does, for every assignment:

1. read the authored MyST source ``solutions/<id>/<id>.md`` with jupytext, check the course's
   naming contract (below), give every cell a deterministic id and write the instructor
   notebook ``solutions/<id>/<id>.ipynb`` (nbgrader's ``source`` step needs ``.ipynb``);
2. copy it into a scratch nbgrader course directory and run nbgrader's
   ``generate_assignment`` with ``autograder/nbgrader_config.py`` (solution regions become
   ``raise NotImplementedError()``, hidden tests are removed, cells are locked and get
   checksums);
3. normalise the student notebook (no outputs, no execution counts, only the metadata that
   nbgrader and Jupyter need, deterministic ids) and write ``exercises/<id>/<id>.ipynb``.

Both notebooks are committed and never edited by hand; ``--check`` regenerates everything in
a temporary directory and fails if a committed file differs (the freshness test does the
same). The notebooks are written with jupytext's reader and nbformat's writer only: no
jupytext pairing metadata survives, so opening a generated notebook never syncs answers back
into a student version (jupytext issue #157).

Naming contract (enforced here): the answer cell that defines function ``F`` has grade_id
``F``; its test cells have grade_id ``test_F`` or ``test_F-<aspect>``, carry the points, are
locked and call ``check("<grade_id>", F)`` with a hidden-tests region calling
``check("<grade_id>", F, hidden=True)``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import filecmp
import os
import re
import shutil
import sys
import tempfile

import jupytext
import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "autograder", "nbgrader_config.py")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
NBGRADER_KEYS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task",
                 "checksum", "cell_type")
_TEST_ID = re.compile(r"^test_(?P<function>[A-Za-z_][A-Za-z0-9_]*)(?:-[A-Za-z0-9_]+)?$")


class AuthoringError(ValueError):
    """A solution source breaks the course's conventions; the message names the cell."""


# --------------------------------------------------------------------------- step 1: .md → .ipynb


def assignments(solutions_dir: str = os.path.join(ROOT, "solutions")) -> list[str]:
    """The assignment ids: folders ``<id>/`` of ``solutions/`` that hold ``<id>.md``."""
    return sorted(name for name in os.listdir(solutions_dir)
                  if os.path.isfile(os.path.join(solutions_dir, name, name + ".md")))


def read_source(path: str) -> nbformat.NotebookNode:
    """The instructor notebook of the MyST file ``path``, checked and normalised."""
    nb = jupytext.read(path, fmt="md:myst")
    _check_contract(nb, path)
    return normalise(nb)


def normalise(nb) -> nbformat.NotebookNode:
    """A copy of ``nb`` with no outputs, stable metadata and cell ids from the grade ids."""
    nb = copy.deepcopy(nb)
    nb.metadata = nbformat.from_dict({"kernelspec": dict(KERNELSPEC),
                                      "language_info": dict(LANGUAGE_INFO)})
    used = set()
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {})
        nbgrader = meta.get("nbgrader")
        cell.metadata = nbformat.from_dict({})
        if nbgrader:
            cell.metadata["nbgrader"] = {k: nbgrader[k] for k in NBGRADER_KEYS if k in nbgrader}
        for ui_key in ("deletable", "editable"):  # set by nbgrader's LockCells
            if ui_key in meta:
                cell.metadata[ui_key] = meta[ui_key]
        cell_id = nbgrader.get("grade_id") if nbgrader else None
        cell_id = cell_id if cell_id and cell_id not in used else f"cell-{index:02d}"
        used.add(cell_id)
        cell["id"] = cell_id
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.pop("attachments", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def _check_contract(nb, path: str) -> None:
    where = os.path.relpath(path, ROOT)
    answers: dict[str, str] = {}
    tests: list[tuple[str, str, dict]] = []
    seen = set()
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        gid = meta.get("grade_id")
        if not gid or gid in seen:
            raise AuthoringError(f"{where}, cell {index}: missing or duplicate grade_id {gid!r}")
        seen.add(gid)
        if meta.get("solution") and cell.cell_type == "code":
            defined = [node.name for node in ast.parse(_python(cell.source)).body
                       if isinstance(node, ast.FunctionDef)]
            if gid not in defined:
                raise AuthoringError(f"{where}, answer cell {gid!r} must define a function "
                                     f"named {gid!r} (defines {defined})")
            if "### BEGIN SOLUTION" not in cell.source:
                raise AuthoringError(f"{where}, answer cell {gid!r} has no solution region")
            answers[gid] = cell.source
        if meta.get("grade"):
            tests.append((gid, cell.source, meta))
    for gid, source, meta in tests:
        match = _TEST_ID.match(gid)
        function = match.group("function") if match else None
        if function not in answers:
            # test_F-aspect where F itself contains '-' is impossible; F is the longest prefix
            raise AuthoringError(f"{where}, test cell {gid!r} does not name an answer cell "
                                 f"(test_F or test_F-<aspect>, F one of {sorted(answers)})")
        if not meta.get("locked") or not meta.get("points"):
            raise AuthoringError(f"{where}, test cell {gid!r} must be locked and have points")
        visible = f'check("{gid}", {function})'
        hidden = f'check("{gid}", {function}, hidden=True)'
        if visible not in source or hidden not in source or \
                "### BEGIN HIDDEN TESTS" not in source:
            raise AuthoringError(f"{where}, test cell {gid!r} must call {visible} and, in a "
                                 f"hidden-tests region, {hidden}")
    if len(answers) < 2:
        raise AuthoringError(f"{where}: an assignment grades at least two functions")


def _python(source: str) -> str:
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def write_notebook(nb, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = nbformat.writes(nb, version=4)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text if text.endswith("\n") else text + "\n")


# --------------------------------------------------------------------------- step 2: nbgrader


def nbgrader_api(course_root: str):
    """An ``NbGraderAPI`` on the course config with its root moved to ``course_root``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    _alembic_on_path()
    config = PyFileConfigLoader(os.path.basename(CONFIG),
                                path=os.path.dirname(CONFIG)).load_config()
    config.CourseDirectory.root = course_root
    config.Application.log_level = "WARNING"
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _alembic_on_path() -> None:
    """nbgrader runs the ``alembic`` executable: make this interpreter's bin reachable."""
    bin_dir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + path


def generate(ids: list[str], solutions_dir: str, out_solutions: str, out_exercises: str,
             scratch: str) -> None:
    """Write ``<out_solutions>/<id>/<id>.ipynb`` and ``<out_exercises>/<id>/<id>.ipynb``."""
    for aid in ids:
        nb = read_source(os.path.join(solutions_dir, aid, aid + ".md"))
        write_notebook(nb, os.path.join(out_solutions, aid, aid + ".ipynb"))
        write_notebook(nb, os.path.join(scratch, "solutions", aid, aid + ".ipynb"))
    api = nbgrader_api(scratch)
    for aid in ids:
        result = api.generate_assignment(aid, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {aid} failed:\n"
                               f"{result.get('error') or result.get('log')}")
        released = os.path.join(scratch, "exercises", aid)
        extra = sorted(set(os.listdir(released)) - {aid + ".ipynb"})
        if extra:
            raise RuntimeError(f"the release of {aid} holds unexpected files {extra}")
        student = nbformat.read(os.path.join(released, aid + ".ipynb"), as_version=4)
        _check_release(student, aid)
        write_notebook(normalise(student), os.path.join(out_exercises, aid, aid + ".ipynb"))


def _check_release(nb, aid: str) -> None:
    for cell in nb.cells:
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS",
                       "hidden=True"):
            if marker in cell.source:
                raise RuntimeError(f"the student notebook of {aid} still contains {marker!r}")


# --------------------------------------------------------------------------- commands


def build(ids=None, root: str = ROOT) -> list[str]:
    """Regenerate the committed notebooks of ``root`` (default: this checkout)."""
    ids = ids or assignments(os.path.join(root, "solutions"))
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as scratch:
        generate(ids, os.path.join(root, "solutions"), os.path.join(root, "solutions"),
                 os.path.join(root, "exercises"), scratch)
    return ids


def stale(ids=None, root: str = ROOT) -> list[str]:
    """The generated files of ``root`` that differ from a fresh build (or are missing)."""
    ids = ids or assignments(os.path.join(root, "solutions"))
    with tempfile.TemporaryDirectory(prefix="nbgrader-fresh-") as tmp:
        sol, ex, scratch = (os.path.join(tmp, d) for d in ("solutions", "exercises", "course"))
        generate(ids, os.path.join(root, "solutions"), sol, ex, scratch)
        return differences(ids, sol, ex, root)


def differences(ids: list[str], fresh_solutions: str, fresh_exercises: str,
                root: str = ROOT) -> list[str]:
    """The committed notebooks of ``root`` that differ from freshly generated ones."""
    out = []
    for aid in ids:
        for fresh_dir, kind in ((fresh_solutions, "solutions"), (fresh_exercises, "exercises")):
            fresh = os.path.join(fresh_dir, aid, aid + ".ipynb")
            committed = os.path.join(root, kind, aid, aid + ".ipynb")
            if not (os.path.exists(committed) and filecmp.cmp(fresh, committed, shallow=False)):
                out.append(os.path.relpath(committed, root))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.release",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="only report generated notebooks that are stale (exit 1)")
    args = parser.parse_args(argv)
    if args.check:
        bad = stale(args.assignments or None)
        for path in bad:
            print(f"stale: {path} (run `make exercises`)")
        return 1 if bad else 0
    for aid in build(args.assignments or None):
        print(f"solutions/{aid}/{aid}.ipynb, exercises/{aid}/{aid}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
