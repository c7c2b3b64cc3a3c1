"""Read notebooks: the trusted assignment definitions and the untrusted submissions.

The *definition* of an assignment (which test cells exist, their points, which function each
one tests) comes only from the released notebooks (``exercises/<id>/<id>.ipynb``) and the
checks registry, never from a submission: a student who deletes, edits or adds test cells
changes nothing. A submission contributes only the source of its non-test code cells.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re

MAX_NOTEBOOK_BYTES = 20 * 2**20


class InvalidNotebook(Exception):
    """A submission that cannot be read as a Jupyter notebook; the message says why."""


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        return "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _nbgrader(cell: dict) -> dict:
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def parse(data: bytes) -> list[dict]:
    """Parse notebook bytes into a list of cells ``{type, source, nbgrader}``.

    Raises InvalidNotebook with a message meant for the student."""
    if data is None:
        raise InvalidNotebook("no notebook")
    if len(data) == 0 or not data.strip():
        raise InvalidNotebook("the notebook file is empty")
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise InvalidNotebook("the notebook file is larger than %d MB"
                              % (MAX_NOTEBOOK_BYTES >> 20))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidNotebook("the notebook file is not UTF-8 text") from None
    try:
        nb = json.loads(text)
    except RecursionError:
        raise InvalidNotebook("the notebook file is nested too deeply to read") from None
    except ValueError as exc:
        raise InvalidNotebook(f"the notebook file is not valid JSON ({exc}); it may have been "
                              "truncated or edited outside Jupyter") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InvalidNotebook("the file is JSON but not a Jupyter notebook (no list of cells)")
    major = nb.get("nbformat")
    if isinstance(major, int) and major < 4:
        raise InvalidNotebook(f"the notebook is in the old format {major}; save it with a "
                              "current Jupyter (format 4)")
    cells = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            raise InvalidNotebook("the notebook has a malformed cell")
        cells.append({"type": cell.get("cell_type") if isinstance(cell.get("cell_type"), str)
                      else "unknown", "source": _source(cell), "nbgrader": _nbgrader(cell)})
    return cells


def code_to_run(cells: list[dict]) -> tuple[list[str], list[int]]:
    """The code cells the sandbox runs (test cells excluded) and their notebook positions."""
    sources, positions = [], []
    for i, cell in enumerate(cells):
        if cell["type"] != "code" or cell["nbgrader"].get("grade") is True:
            continue
        sources.append(cell["source"])
        positions.append(i)
    return sources, positions


def answer_ids(cells: list[dict]) -> set[str]:
    return {str(c["nbgrader"]["grade_id"]) for c in cells
            if c["nbgrader"].get("solution") is True and c["nbgrader"].get("grade_id")}


# --------------------------------------------------------------------------- definitions


@dataclasses.dataclass
class TestSpec:
    grade_id: str
    points: float
    function: str


@dataclasses.dataclass
class NotebookSpec:
    name: str
    answers: list[str]
    tests: list[TestSpec]

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def functions(self) -> list[str]:
        names = list(self.answers)
        names += [t.function for t in self.tests if t.function not in names]
        return names


@dataclasses.dataclass
class AssignmentSpec:
    name: str
    notebooks: list[NotebookSpec]

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "AssignmentSpec":
        return cls(d["name"], [NotebookSpec(nb["name"], list(nb["answers"]),
                                            [TestSpec(**t) for t in nb["tests"]])
                               for nb in d["notebooks"]])


_GRADE_ID = re.compile(r"^test_([A-Za-z_][A-Za-z0-9_]*)(?:-.*)?$")


def _function_of(grade_id: str, source: str, registry) -> str:
    cell = registry.get(grade_id) if registry is not None else None
    name = getattr(cell, "function", None)
    if isinstance(name, str) and name:
        return name
    try:  # check("test_F-aspect", F)
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check"
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Name)):
                return node.args[1].id
    except SyntaxError:
        pass
    m = _GRADE_ID.match(grade_id)
    return m.group(1) if m else grade_id


def read_assignment(release_dir: str, name: str, registry=None) -> AssignmentSpec:
    """The definition of assignment ``name`` from ``release_dir/name/*.ipynb``."""
    folder = os.path.join(release_dir, name)
    notebooks = []
    for fname in sorted(os.listdir(folder)):
        if not fname.endswith(".ipynb") or fname.startswith("."):
            continue
        with open(os.path.join(folder, fname), "rb") as f:
            cells = parse(f.read())
        answers, tests = [], []
        for cell in cells:
            meta = cell["nbgrader"]
            gid = meta.get("grade_id")
            if not gid:
                continue
            if meta.get("solution") is True and cell["type"] == "code":
                answers.append(str(gid))
            if meta.get("grade") is True and cell["type"] == "code":
                tests.append(TestSpec(str(gid), float(meta.get("points", 0) or 0),
                                      _function_of(str(gid), cell["source"], registry)))
        notebooks.append(NotebookSpec(fname[: -len(".ipynb")], answers, tests))
    return AssignmentSpec(name, notebooks)


def read_course(release_dir: str, registry=None) -> dict[str, AssignmentSpec]:
    """Every assignment folder under ``release_dir`` that holds a notebook."""
    out = {}
    for name in sorted(os.listdir(release_dir)):
        path = os.path.join(release_dir, name)
        if os.path.isdir(path) and any(f.endswith(".ipynb") for f in os.listdir(path)):
            out[name] = read_assignment(release_dir, name, registry)
    return out
