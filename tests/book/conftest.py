"""Fixtures for the tests of the built book.

``built_book`` gives ``_build/html``. It reuses an existing build when the success stamp
that ``make book`` writes last (``_build/.book-deps``) is newer than every source of the
book (book/, _config.yml, _toc.yml, src/crossentropy/); otherwise it runs ``make book``
once (under a file lock, so pytest-xdist workers wait for one build) and fails the tests
if the build fails.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

from tests.book._book import BUILD, HTML, ROOT, book_is_fresh


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Path to ``_build/html``, built by ``make book`` unless a fresh build exists."""
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".book-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not book_is_fresh():
            env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}")
            result = subprocess.run(
                ["make", "book"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if result.returncode != 0:
                pytest.fail(
                    f"`make book` failed (exit status {result.returncode}):\n"
                    + (result.stdout + result.stderr)[-6000:],
                    pytrace=False,
                )
    return HTML
