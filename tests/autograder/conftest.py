"""Fixtures for the grader's tests: the fixture course and the hostile class, graded once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

from ceg_helpers import REPO, Listener, read_csv, require_isolation, run_grader  # noqa: E402


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory) -> Path:
    import ceg_course

    return Path(ceg_course.write_release(str(tmp_path_factory.mktemp("release"))))


@pytest.fixture(scope="session")
def hostile_class(tmp_path_factory, release_dir):
    """The hostile corpus and broken files, graded once by the command (2 workers)."""
    import ceg_corpus

    require_isolation()

    root = tmp_path_factory.mktemp("hostile")
    submissions, out = root / "submitted", root / "out"
    listener = Listener()
    ref_nb = submissions / "reference" / "f01_basics" / "f01_basics.ipynb"
    secrets = [REPO / "README.md", REPO / "pyproject.toml", REPO / "src" / "crossentropy"
               / "__init__.py", FIXTURES / "ceg_fake_checks.py",
               REPO / "autograder" / "grading" / "runner.py", out / ".state" / "salt", ref_nb,
               release_dir / "f01_basics" / "f01_basics.ipynb"]
    targets = [out / "grades.csv", out / "planted", submissions / "planted", REPO / "planted",
               root / "planted", Path("/tmp/ceg-planted")]
    fill = {"SECRETS": repr([str(p) for p in secrets]),
            "TARGETS": repr([str(p) for p in targets]), "PORT": listener.port}
    ceg_corpus.write_class(str(submissions), ceg_corpus.CASES, fill)
    proc = run_grader(submissions, out, release_dir, "--workers", "2")
    listener.close()
    return {"root": root, "submissions": submissions, "out": out, "proc": proc,
            "rows": read_csv(out / "grades.csv"), "listener": listener, "secrets": secrets,
            "targets": targets}
