"""The chapter sources follow the authoring rules of STYLE.md §2.4 (no build needed)."""

from __future__ import annotations

import re

import jupytext
import pytest

from tests.book._book import ROOT, chapter_files, toc_files

MAX_LINES = 600
# chapter slug -> its graded notebook, exercises/<id>/<id>.ipynb (COURSE.md §5)
ASSIGNMENTS = {
    "entropy": "a01_entropy",
    "maximum_likelihood": "a02_maximum_likelihood",
    "binary_cross_entropy": "a03_binary_cross_entropy",
    "logistic_regression": "a04_logistic_regression",
    "softmax": "a05_softmax",
    "softmax_cross_entropy": "a06_softmax_cross_entropy",
    "gradient_checking": "a07_gradient_checking",
    "watch_time_ranking": "a08_watch_time_ranking",
    "extreme_classification": "a09_extreme_classification",
    "sampled_softmax": "a10_sampled_softmax",
    "in_batch_negatives": "a11_in_batch_negatives",
    "capstone": "a12_capstone",
}
UNSEEDED = re.compile(r"default_rng\(\s*\)|np\.random\.(?!default_rng|Generator)\w+\(")
SEEDED = re.compile(r"default_rng\(\s*\d+\s*\)")
CHAPTERS = chapter_files()


def code_of(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "code")


def test_book_holds_no_ipynb():
    """Are there no .ipynb files (which could carry outputs) under book/?"""
    assert sorted(p.name for p in (ROOT / "book").rglob("*.ipynb")) == []


@pytest.mark.parametrize("doc", toc_files())
def test_toc_document_exists(doc):
    assert (ROOT / f"{doc}.md").is_file(), f"{doc}.md is in _toc.yml but missing"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_is_a_myst_notebook(doc):
    """Does the chapter carry a jupytext MyST header with a python3 kernelspec?"""
    notebook = jupytext.read(ROOT / f"{doc}.md")
    meta = notebook.metadata
    assert meta.get("jupytext", {}).get("text_representation", {}).get("format_name") == "myst"
    assert meta.get("kernelspec", {}).get("name") == "python3"
    assert any(c.cell_type == "code" for c in notebook.cells), "a chapter runs code"
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_is_short_enough(doc):
    lines = (ROOT / f"{doc}.md").read_text().count("\n")
    assert lines <= MAX_LINES, f"{doc}.md has {lines} lines; split it (STYLE.md §2.4)"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_randomness_is_seeded(doc):
    """Does every random draw come from a seeded default_rng?"""
    code = code_of(jupytext.read(ROOT / f"{doc}.md"))
    assert not UNSEEDED.search(code), UNSEEDED.search(code).group(0)
    if "rng" in code or "random" in code:
        assert SEEDED.search(code), "seed the generator: rng = np.random.default_rng(0)"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_ends_with_its_exercise_notebook(doc):
    """Does the chapter close with the {exercise-notebook} box of its own assignment?"""
    text = (ROOT / f"{doc}.md").read_text()
    found = re.findall(r"^```\{exercise-notebook\}\s+(\S+)", text, flags=re.M)
    assert found == [ASSIGNMENTS[doc.split("/")[-1]]]
    last_section = text[text.rindex("\n## "):]
    assert "{exercise-notebook}" in last_section, "the exercise box belongs in the last section"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_installs_and_downloads_nothing(doc):
    code = code_of(jupytext.read(ROOT / f"{doc}.md"))
    for bad in ("pip install", "urlopen", "requests.get", "urlretrieve", "solutions", "autograder"):
        assert bad not in code, f"{doc}.md code mentions {bad!r}"
