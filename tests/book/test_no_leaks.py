"""Nothing from solutions/, autograder/ or the hidden tests reaches the built book."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.book._book import toc_files

# nbgrader's markers and metadata key: none may appear anywhere in the HTML output.
LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                "grade_id")
FORBIDDEN_DIRS = {"solutions", "autograder", "exercises"}
TEXT_SUFFIXES = {".html", ".txt", ".md", ".ipynb", ".js", ".json", ".py"}
# pages Sphinx writes on its own, besides the documents of _toc.yml
GENERATED_PAGES = {"genindex", "search", "index", "prf-prf"}


def find_leaks(html_root: Path) -> list[str]:
    """Return 'path: marker' for every leak marker in a text file under ``html_root``."""
    leaks = []
    for path in sorted(html_root.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        leaks += [f"{path.relative_to(html_root)}: {m}" for m in LEAK_MARKERS if m in text]
    return leaks


def test_find_leaks_catches_a_planted_solution(tmp_path):
    """Does the scanner notice a solution region and a grade_id in the output?"""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.html").write_text("<pre>### BEGIN SOLUTION\nx = 1</pre>")
    (tmp_path / "searchindex.js").write_text('{"grade_id": "test_entropy"}')
    (tmp_path / "clean.html").write_text("<p>entropy</p>")
    assert find_leaks(tmp_path) == ["book/page.html: BEGIN SOLUTION", "searchindex.js: grade_id"]


@pytest.mark.slow
def test_html_has_no_solution_or_hidden_test_text(built_book):
    """Is every HTML, source and search-index file free of nbgrader markers?"""
    assert find_leaks(built_book) == []


@pytest.mark.slow
def test_no_page_from_solutions_autograder_or_exercises(built_book):
    """Does the output hold no file under a solutions/, autograder/ or exercises/ folder?"""
    bad = [str(p.relative_to(built_book)) for p in built_book.rglob("*")
           if FORBIDDEN_DIRS & set(p.relative_to(built_book).parts)]
    assert bad == []


@pytest.mark.slow
def test_only_toc_documents_are_built(built_book):
    """Is every built page a document of _toc.yml (or a page Sphinx generates itself)?"""
    allowed = set(toc_files()) | GENERATED_PAGES
    built = {
        p.relative_to(built_book).with_suffix("").as_posix()
        for p in built_book.rglob("*.html")
        if not p.relative_to(built_book).parts[0].startswith("_")
    }
    assert built - allowed == set()
    assert set(toc_files()) <= built
