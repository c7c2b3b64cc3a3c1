"""The checks of autograder.checks, without nbgrader: references pass, mistakes fail as taught.

* every reference function of the library passes every check of its test cells, visible and
  hidden, for the public seed and other seeds;
* every solution region of solutions/*/*.md passes them too (one source of truth: a solution
  that drifts from the library fails here);
* every wrong answer of the corpus (tests/exercises/wrong_answers/<id>.py) fails exactly the
  test cells it lists, with its teaching message, for every seed;
* the checks keep the contract with the grader: plain arguments only, results converted,
  deterministic given the seed.
"""

import hashlib
import io
import contextlib

import numpy as np
import pytest

import crossentropy
from autograder.checks import PUBLIC_SEED, REGISTRY, CheckFailed, check
from autograder.checks.categorical import double_softmax_floor_reference
from crossentropy import calibration, jacobian, joint, likelihood, logistic
from crossentropy import debugging, ranking, serving  # a07-a09
from crossentropy.recsys import losses as recsys_losses  # a09
from crossentropy.recsys import metrics as recsys_metrics  # a09
from autograder.checks import capstone, in_batch, sampling  # a10-a12

import ex_support as s

SEEDS = [None, 1, 20250917]


def _references():
    refs = {}
    for module in (crossentropy, joint, likelihood, logistic, calibration, jacobian):
        for name in module.__all__:
            refs[name] = getattr(module, name)
    for module in (debugging, ranking, serving, recsys_metrics, recsys_losses):  # a07-a09
        for name in module.__all__:
            refs.setdefault(name, getattr(module, name))
    for module in (sampling, in_batch, capstone):  # a10-a12: references next to the checks
        refs.update(module.REFERENCES)
    refs["double_softmax_floor"] = double_softmax_floor_reference
    return refs


REFERENCES = _references()
WRONG = [(aid, entry) for aid in s.ASSIGNMENTS for entry in s.load_wrong_answers(aid)]


def _cells_of(function):
    return [gid for gid, cell in REGISTRY.items() if cell.function == function]


def test_registry_follows_the_naming_contract():
    """Is every test cell named test_F or test_F-<aspect> after the function it tests?"""
    for gid, cell in REGISTRY.items():
        assert gid == f"test_{cell.function}" or gid.startswith(f"test_{cell.function}-")
        assert cell.visible, f"{gid} has no visible check (the self-check would be empty)"


def test_every_notebook_test_cell_has_checks():
    """Does every test cell of every solution source exist in the registry, and back?"""
    in_notebooks = {gid for aid in s.ASSIGNMENTS
                    for gid, _, _ in s.grade_cells(s.instructor_notebook(aid))}
    assert in_notebooks == set(REGISTRY)


@pytest.mark.parametrize("grade_id", sorted(REGISTRY))
def test_reference_passes(grade_id):
    """Does the library's reference pass all (visible + hidden) checks, for several seeds?"""
    fn = REFERENCES[REGISTRY[grade_id].function]
    for seed in SEEDS:
        assert s.run_cell_checks(grade_id, fn, seed=seed) is None


@pytest.mark.parametrize("aid", s.ASSIGNMENTS)
def test_solution_regions_pass(aid):
    """Does every solution region pass every check (so it agrees with the library)?"""
    namespace = s.solution_namespace(aid)
    failures = []
    for gid, function, _ in s.grade_cells(s.instructor_notebook(aid)):
        for seed in SEEDS + [3, 4]:
            message = s.run_cell_checks(gid, namespace[function], seed=seed)
            if message:
                failures.append(f"{gid} (seed {seed}): {message}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("aid,entry", WRONG,
                         ids=[f"{e['function']}:{e['mistake']}" for _, e in WRONG])
def test_wrong_answer_fails_exactly_its_cells(aid, entry):
    """Does a typical mistake fail the listed cells of its function, with the teaching
    message, and pass that function's other cells, whatever the seed?"""
    fn = s.wrong_function(entry)
    assert set(entry["fails"]) <= set(_cells_of(entry["function"]))
    for seed in SEEDS:
        results = {gid: s.run_cell_checks(gid, fn, seed=seed)
                   for gid in _cells_of(entry["function"])}
        failing = {gid for gid, message in results.items() if message}
        assert failing == set(entry["fails"]), f"seed {seed}: {results}"
        first = next(gid for gid in _cells_of(entry["function"]) if gid in failing)
        assert entry["message"] in results[first], results[first]
        assert results[first].startswith("CheckFailed"), results[first]


def test_corpus_covers_every_function():
    """Has every graded function at least two typical wrong answers?"""
    counts = {}
    for _, entry in WRONG:
        counts[entry["function"]] = counts.get(entry["function"], 0) + 1
    functions = {cell.function for cell in REGISTRY.values()}
    assert {f: counts.get(f, 0) for f in functions if counts.get(f, 0) < 2} == {}


# --------------------------------------------------------------------------- grader contract

_ALLOWED_SCALARS = (bool, int, float, str, type(None))


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biuf"
    if isinstance(value, (tuple, list)):
        return all(_plain(v) for v in value)
    return type(value) in _ALLOWED_SCALARS or isinstance(value, float)


def _round_trip(result):
    """What a result looks like after the grader's .npz transport: fresh plain arrays
    (None, a plain value of the wire format, stays None)."""
    if result is None:
        return None
    if isinstance(result, tuple):
        return tuple(np.array(np.asarray(r)) for r in result)
    return np.array(np.asarray(result))


class Proxy:
    """Stands for a sandboxed learner function: checks the arguments, records them, and
    returns only converted arrays."""

    def __init__(self, fn):
        self.fn, self.digest = fn, hashlib.sha256()

    def __call__(self, *args, **kwargs):
        for value in list(args) + list(kwargs.values()):
            assert _plain(value), f"a check passed {type(value).__name__} {value!r}"
        for value in list(args) + sorted(kwargs.items()):
            self.digest.update(repr(value).encode())
            if isinstance(value, np.ndarray):
                self.digest.update(value.tobytes())
        return _round_trip(self.fn(*args, **kwargs))


@pytest.mark.parametrize("grade_id", sorted(REGISTRY))
def test_checks_use_plain_data_and_are_deterministic(grade_id):
    """Do the checks call fn with plain data only, accept converted results, and build the
    same inputs for the same seed?"""
    digests = []
    for seed in (5, 5, 6):
        proxy = Proxy(REFERENCES[REGISTRY[grade_id].function])
        with contextlib.redirect_stdout(io.StringIO()):
            check(grade_id, proxy, hidden=True, seed=seed)
        digests.append(proxy.digest.hexdigest())
    assert digests[0] == digests[1]


def test_public_seed_is_the_default():
    proxy_a, proxy_b = Proxy(crossentropy.softmax), Proxy(crossentropy.softmax)
    with contextlib.redirect_stdout(io.StringIO()):
        check("test_softmax", proxy_a)
        check("test_softmax", proxy_b, seed=PUBLIC_SEED)
    assert proxy_a.digest.hexdigest() == proxy_b.digest.hexdigest()


@pytest.mark.parametrize("returned,message", [
    (None, "returned None"),
    ("0.5", "expected numbers"),
    (np.array([object()]), "expected numbers"),
    ([[1.0], [1.0, 2.0]], "not a number or an array of numbers"),
])
def test_untrusted_results_are_rejected_with_a_message(returned, message):
    with pytest.raises(CheckFailed, match=message):
        check("test_entropy", lambda *args, **kwargs: returned)


def test_not_implemented_says_so():
    def entropy(p, axis=-1, base=None):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="entropy is not implemented yet"):
        check("test_entropy", entropy)


def test_success_prints_one_line(capsys):
    check("test_softmax-stability", crossentropy.softmax)
    out = capsys.readouterr().out
    assert out.startswith("passed: test_softmax-stability") and out.count("\n") == 1


def test_the_issue_example_message():
    """The issue's example: a softmax without the max subtraction is told what to do."""
    def softmax(x, axis=-1):
        e = np.exp(np.asarray(x, dtype=float))
        return e / e.sum(axis=axis, keepdims=True)

    with pytest.raises(CheckFailed, match="softmax overflowed for logits of 1000: subtract "
                                          "the row maximum first"):
        check("test_softmax-stability", softmax)
