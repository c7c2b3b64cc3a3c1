"""Killing the grader mid-run loses nothing; Dask and the local pool agree; refusal."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest

import ceg_course
from ceg_helpers import REPO, grade_cmd, grader_env, read_csv, require_isolation, run_grader

SLOW = "import time\ntime.sleep(0.7)\n"


def small_class(root, n=8, slow=False):
    """n students: solved, stubbed and half-wrong notebooks; optionally each 0.7 s slower."""
    sub = root / "submitted"
    for i in range(n):
        answers = {}
        if i % 3 == 1:
            answers["softmax"] = "def softmax(z):\n    return z\n"
        if i % 3 == 2:
            answers["entropy"] = "def entropy(p):\n    raise NotImplementedError()\n"
        cells = ceg_course.cells("f01_basics", answers, solved=True)
        if slow:
            cells.insert(1, {"cell_type": "code", "metadata": {}, "source": SLOW,
                             "execution_count": None, "outputs": []})
        folder = sub / f"s{i:02d}" / "f01_basics"
        folder.mkdir(parents=True)
        (folder / "f01_basics.ipynb").write_text(ceg_course.to_json(cells))
        if i % 2 == 0:
            folder2 = sub / f"s{i:02d}" / "f02_other"
            folder2.mkdir(parents=True)
            (folder2 / "f02_other.ipynb").write_text(ceg_course.notebook("f02_other",
                                                                         solved=True))
    return sub


def table_counts(db):
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("grade", "submitted_notebook", "submitted_assignment", "student")}
    finally:
        con.close()


@pytest.mark.slow
def test_a_killed_run_resumes_without_lost_or_duplicated_grades(tmp_path, release_dir):
    require_isolation()
    sub = small_class(tmp_path, n=8, slow=True)
    clean = tmp_path / "clean"
    run_grader(sub, clean, release_dir, "--workers", "2", "--no-progress")

    out = tmp_path / "out"
    proc = subprocess.Popen(grade_cmd(sub, out, release_dir, "--workers", "1", "--no-progress"),
                            cwd=REPO, env=grader_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = out / ".state" / "results"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = list(results.glob("*/*.json")) if results.exists() else []
        if len(done) >= 3:
            break
        assert proc.poll() is None, "the grader finished before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "grades.csv").exists()  # killed before the end

    second = run_grader(sub, out, release_dir, "--workers", "2", "--no-progress")
    assert "from cache" in second.stderr and " 0 from cache" not in second.stderr
    for name in ("grades.csv", "totals.csv"):
        assert (out / name).read_text() == (clean / name).read_text()
    assert table_counts(out / "gradebook.db") == table_counts(clean / "gradebook.db")
    rows = read_csv(out / "grades.csv")
    assert len(rows) == 8 * 5  # 4 test cells of f01 + 1 of f02 per student


@pytest.mark.slow
def test_dask_cluster_grades_like_the_local_pool(tmp_path, release_dir):
    distributed = pytest.importorskip("distributed")
    require_isolation()
    sub = small_class(tmp_path, n=6)
    local = tmp_path / "local"
    run_grader(sub, local, release_dir, "--workers", "2", "--no-progress")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        out = tmp_path / "dask"
        proc = run_grader(sub, out, release_dir, "--dask", cluster.scheduler_address,
                          "--no-progress")
    assert "graded 9 submissions" in proc.stderr
    for name in ("totals.csv",):
        assert (out / name).read_text() == (local / name).read_text()
    strip = [{k: v for k, v in r.items()} for r in read_csv(out / "grades.csv")]
    assert strip == read_csv(local / "grades.csv")


def test_without_isolation_the_grader_refuses_unless_unsafe(tmp_path, release_dir):
    sub = small_class(tmp_path, n=2)
    env = {"AUTOGRADER_SANDBOX": "plain"}
    proc = run_grader(sub, tmp_path / "refused", release_dir, env=env, expect_rc=2)
    assert "bubblewrap" in proc.stderr and "--unsafe" in proc.stderr
    assert not (tmp_path / "refused" / "grades.csv").exists()
    proc = run_grader(sub, tmp_path / "unsafe", release_dir, "--unsafe", "--no-progress",
                      env=env)
    assert "WARNING" in proc.stderr
    totals = {r["SIS User ID"]: r["f01_basics"] for r in
              read_csv(tmp_path / "unsafe" / "totals.csv")[1:]}
    assert totals == {"s00": "6", "s01": "4"}
