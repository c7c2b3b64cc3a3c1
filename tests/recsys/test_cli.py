"""``python -m crossentropy.recsys``: synth, train (--json), and clean errors for bad files."""

import json
import os
import subprocess
import sys

import pytest

from crossentropy.recsys.cli import main

# Next to the repository, not in it: ../shared/data from the repo root.
MOVIELENS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
                         os.pardir, "shared", "data", "movielens-latest-small",
                         "ratings.csv")


def run(*args):
    return subprocess.run([sys.executable, "-m", "crossentropy.recsys", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def synthetic_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "synth.csv"
    result = run("synth", "--users", "300", "--items", "120", "--out", str(path))
    assert result.returncode == 0, result.stderr
    assert "wrote 7500 watches" in result.stdout
    return path


def test_train_on_a_synthetic_csv_prints_json_last(synthetic_csv):
    result = run("train", "--ratings", str(synthetic_csv), "--loss", "in-batch", "--epochs",
                 "2", "--dim", "8", "--batch-size", "256", "--seed", "1", "--json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("recall@10", "ndcg@10", "recall@20", "ndcg@20", "seconds_per_epoch"):
        assert 0 <= metrics[key] < 1e4
    assert set(metrics["popularity"]) == {"recall@10", "ndcg@10", "recall@20", "ndcg@20"}
    assert metrics["loss"] == "in-batch" and metrics["logq"] is True and metrics["seed"] == 1
    assert metrics["num_users"] == 300


@pytest.mark.parametrize("loss, extra", [("softmax", []), ("sampled", ["--no-logq"]),
                                         ("bce", ["--negatives", "16"])])
def test_train_in_process_for_every_loss(synthetic_csv, capsys, loss, extra):
    status = main(["train", "--ratings", str(synthetic_csv), "--loss", loss, "--epochs", "1",
                   "--dim", "4", "--no-progress", "--json", *extra])
    assert status == 0
    metrics = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert metrics["loss"] == loss and metrics["num_epochs"] == 1


def test_train_without_json_prints_a_table(synthetic_csv, capsys):
    assert main(["train", "--ratings", str(synthetic_csv), "--epochs", "1", "--dim", "4",
                 "--no-progress", "--ease"]) == 0
    out = capsys.readouterr().out
    assert "popularity" in out and "ease" in out and "s per epoch" in out


@pytest.mark.parametrize("text, message", [
    ("userId,rating\n1,2\n", "line 1"),
    ("user,item\n1,2\n3,oops\n", "line 3: item 'oops' is not an integer"),
    ("", "line 1: the file is empty"),
])
def test_bad_file_exits_2_with_the_line_and_no_traceback(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = run("train", "--ratings", str(path))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")


def test_missing_file_exits_2(tmp_path):
    result = run("train", "--ratings", str(tmp_path / "none.csv"))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_log_with_too_few_watches_exits_2(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("user,item\n1,2\n1,3\n")
    result = run("train", "--ratings", str(path))
    assert result.returncode == 2 and "no watches left" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(MOVIELENS),
                    reason="MovieLens latest-small not present in ../shared/data")
def test_train_on_movielens_beats_popularity():
    result = run("train", "--ratings", MOVIELENS, "--loss", "sampled", "--epochs", "5",
                 "--json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert metrics["num_items"] > 3000 and metrics["num_users"] == 610
    assert metrics["recall@20"] > metrics["popularity"]["recall@20"]
