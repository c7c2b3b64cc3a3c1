"""Paths and _toc.yml helpers shared by the book tests (imported as tests.book._book)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
STAMP = BUILD / ".book-deps"  # written by `make book` after a successful build
SOURCES = [ROOT / "book", ROOT / "_config.yml", ROOT / "_toc.yml", ROOT / "src" / "crossentropy"]


def toc_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every document in _toc.yml, root first, as paths without suffix (``book/entropy``)."""
    toc = yaml.safe_load(toc_path.read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return files


def chapter_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Documents in the numbered parts of _toc.yml: the chapters."""
    toc = yaml.safe_load(toc_path.read_text())
    return [c["file"] for part in toc.get("parts", []) if part.get("numbered")
            for c in part["chapters"]]


def newest_source_mtime() -> float:
    newest = 0.0
    for source in SOURCES:
        paths = [source] if source.is_file() else source.rglob("*")
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return newest


def book_is_fresh() -> bool:
    return (HTML / "index.html").is_file() and STAMP.is_file() and (
        STAMP.stat().st_mtime >= newest_source_mtime()
    )
