"""The machinery behind every test cell: the registry, ``check`` and the comparison helpers.

A *check* is a callable ``(fn, rng) -> None`` that calls the learner's function ``fn`` on
inputs it builds from ``rng`` (a seeded ``np.random.Generator``) and raises ``CheckFailed``
with a teaching message when the result is wrong. Checks treat ``fn`` as a black box:

* they call it only with NumPy arrays (bool/int/float dtypes), Python scalars, strings,
  ``None`` and tuples/lists of those, so that a grader can replace ``fn`` by a proxy that
  runs the learner's code in another process;
* they use its result only after converting it to fresh numeric arrays (:func:`numeric`,
  :func:`parts`), never trusting the returned object itself;
* they compare it with the reference library ``crossentropy`` with stated tolerances.

``REGISTRY`` maps a test cell's ``grade_id`` to a :class:`TestCell`: the name of the learner
function it tests and its visible and hidden checks. :func:`check` is what the notebooks'
test cells call.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Callable

import numpy as np

from crossentropy.testing import numerical_gradient

__all__ = ["CheckFailed", "TestCell", "REGISTRY", "PUBLIC_SEED", "check", "register"]

#: Seed of the learner's self-check; the grader may pass any other seed.
PUBLIC_SEED = 20250101

Check = Callable[[Callable, np.random.Generator], None]


class CheckFailed(AssertionError):
    """A check's verdict on the learner's function; the message says what to fix."""


@dataclasses.dataclass
class TestCell:
    """The checks of one test cell: ``visible`` run in the learner's self-check, ``hidden``
    only at grading (after the visible ones, with the same generator)."""

    __test__ = False  # not a pytest test class

    function: str
    visible: list[Check] = dataclasses.field(default_factory=list)
    hidden: list[Check] = dataclasses.field(default_factory=list)


REGISTRY: dict[str, TestCell] = {}


def register(grade_id: str, function: str, visible=(), hidden=()) -> TestCell:
    """Add the test cell ``grade_id`` (``test_<function>`` or ``test_<function>-<aspect>``)."""
    if not (grade_id == f"test_{function}" or grade_id.startswith(f"test_{function}-")):
        raise ValueError(f"grade_id {grade_id!r} does not name the function {function!r}")
    if grade_id in REGISTRY:
        raise ValueError(f"test cell {grade_id!r} is registered twice")
    cell = TestCell(function, list(visible), list(hidden))
    REGISTRY[grade_id] = cell
    return cell


def check(grade_id: str, fn, *, hidden: bool = False, seed: int | None = None) -> None:
    """Run the checks of test cell ``grade_id`` on the learner's function ``fn``.

    Parameters
    ----------
    grade_id : str
        The test cell, e.g. ``"test_softmax-stability"``.
    fn : callable
        The learner's function.
    hidden : bool, optional
        Also run the hidden checks (at grading time).
    seed : int, optional
        Seed of the random inputs; by default the public seed of the self-check.

    Raises
    ------
    CheckFailed
        On the first failing check, with a message that says what is wrong.

    Floating-point warnings of the learner's code are silenced: a check judges the values
    returned (an overflow shows up as ``inf`` or ``nan`` there), not the warnings.
    """
    try:
        cell = REGISTRY[grade_id]
    except KeyError:
        raise KeyError(f"no test cell {grade_id!r}; is the course package up to date?") from None
    checks = cell.visible + (cell.hidden if hidden else [])
    rng = np.random.default_rng(PUBLIC_SEED if seed is None else seed)
    name = getattr(fn, "__name__", cell.function)
    for one in checks:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                one(fn, rng)
        except CheckFailed as failure:
            raise CheckFailed(str(failure)) from None  # a short traceback for the learner
        except NotImplementedError:
            raise CheckFailed(f"{name} is not implemented yet: replace "
                              "`raise NotImplementedError()` by your code") from None
    which = "visible and hidden" if hidden else "visible"
    print(f"passed: {grade_id} ({len(checks)} {which} checks of {name})")


# --------------------------------------------------------------------------- formatting


def fmt(x) -> str:
    """A short rendering of a number or array for messages."""
    array = np.asarray(x)
    if array.ndim == 0:
        return np.format_float_positional(array.item(), precision=7, trim="-", fractional=False) \
            if np.isfinite(array.item()) and 1e-4 < abs(array.item()) < 1e7 else repr(array.item())
    return np.array2string(array, precision=6, threshold=12, edgeitems=3, separator=", ")


def describe(x) -> str:
    """``array of shape (3, 4), float32`` for messages about inputs."""
    array = np.asarray(x)
    return f"{array.dtype} array of shape {array.shape}"


# --------------------------------------------------------------------------- results


def numeric(result, what: str) -> np.ndarray:
    """The learner's result as a fresh numeric ndarray (bool, int or float dtype).

    Lists, tuples, NumPy scalars and arrays are accepted; anything else that does not
    convert to a number (``None``, strings, objects, ragged lists) fails with a message.
    """
    if result is None:
        raise CheckFailed(f"{what}: the function returned None; did you forget `return`?")
    try:
        array = np.array(result)  # a copy: nothing the learner holds is compared
    except Exception as error:  # noqa: BLE001  (ragged lists, objects that refuse)
        raise CheckFailed(f"{what}: the result ({type(result).__name__}) is not a number or "
                          f"an array of numbers ({type(error).__name__}: {error})") from None
    if array.dtype.kind not in "biuf":
        raise CheckFailed(f"{what}: expected numbers, got {type(result).__name__} with dtype "
                          f"{array.dtype}; return a NumPy array or a float")
    return array


def parts(result, count: int, what: str, names=None) -> list[np.ndarray]:
    """The learner's result as ``count`` numeric arrays (a tuple such as ``(loss, grad)``)."""
    names = names or [f"item {i}" for i in range(count)]
    if not isinstance(result, (tuple, list)) or len(result) != count:
        shown = type(result).__name__
        if isinstance(result, (tuple, list)):
            shown += f" of length {len(result)}"
        raise CheckFailed(f"{what}: expected a tuple of {count} values ({', '.join(names)}), "
                          f"got {shown}")
    return [numeric(item, f"{what}, {name}") for item, name in zip(result, names)]


# --------------------------------------------------------------------------- comparisons


def tolerances(dtype) -> tuple[float, float]:
    """The course's default (rtol, atol): 1e-7 / 1e-10 in float64, 1e-4 / 1e-6 in float32."""
    if np.dtype(dtype) == np.float32:
        return 1e-4, 1e-6
    if np.dtype(dtype) == np.float16:
        return 1e-2, 1e-3
    return 1e-7, 1e-10


def close(got, want, rtol, atol) -> bool:
    """Elementwise closeness where equal infinities and NaN in the same places count as
    equal (``got`` and ``want`` have the same shape)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    same_nonfinite = (got == want) | (np.isnan(got) & np.isnan(want))
    finite = np.isfinite(got) & np.isfinite(want)
    with np.errstate(all="ignore"):
        near = np.abs(got - want) <= atol + rtol * np.abs(want)
    return bool(np.all(same_nonfinite | (finite & near)))


def assert_close(result, want, what: str, *, rtol=None, atol=None, dtype=None, hints=(),
                 shape_hint: str = "") -> np.ndarray:
    """Compare the learner's ``result`` with the reference value ``want``.

    Parameters
    ----------
    result
        What the learner's function returned (converted with :func:`numeric`).
    want : array_like
        The reference value.
    what : str
        What was computed, for the message ("entropy of p = [0.5, 0.5]").
    rtol, atol : float, optional
        Tolerances; by default :func:`tolerances` of ``dtype`` (or float64).
    dtype : dtype, optional
        The dtype the result must have (the input's floating dtype must be kept).
    hints : sequence of (value, message)
        Known wrong answers: if the result matches ``value`` instead of ``want``, the
        message explains that mistake.
    shape_hint : str, optional
        Extra advice when the shape is wrong.

    Returns
    -------
    ndarray
        The converted result.
    """
    got = numeric(result, what)
    want = np.asarray(want)
    default_rtol, default_atol = tolerances(dtype if dtype is not None else np.float64)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    if got.shape != want.shape:
        for value, message in hints:
            value = np.asarray(value)
            if value.shape == got.shape and close(got, value, rtol, atol):
                raise CheckFailed(f"{what}: {message}")
        advice = shape_hint or _shape_advice(got.shape, want.shape)
        raise CheckFailed(f"{what}: expected shape {want.shape}, got shape {got.shape}"
                          + (f"; {advice}" if advice else ""))
    if dtype is not None and got.dtype != np.dtype(dtype):
        raise CheckFailed(f"{what}: returned {got.dtype} for {np.dtype(dtype)} input; keep the "
                          f"input's dtype (a float64 constant or np.asarray(x, dtype=float) "
                          f"upcasts float32)")
    if close(got, want, rtol, atol):
        return got
    for value, message in hints:
        value = np.asarray(value)
        if value.shape == got.shape and close(got, value, max(rtol, 1e-6), max(atol, 1e-9)):
            raise CheckFailed(f"{what}: {message}")
    raise CheckFailed(f"{what}: {_mismatch(got, want, rtol, atol)}")


def _shape_advice(got, want) -> str:
    if len(got) == 0 and len(want) > 0:
        return "the result was reduced to one number: reduce only along `axis`"
    if len(got) == len(want) + 1 and 1 in got:
        return "a reduced axis was kept with length 1 (keepdims)"
    if sorted(got) == sorted(want):
        return "the axes are in the wrong order"
    return ""


def _mismatch(got, want, rtol, atol) -> str:
    got64, want64 = got.astype(np.float64), want.astype(np.float64)
    if got.ndim == 0:
        return _value_problem(got64.item(), want64.item()) + \
            f"expected {fmt(want)}, got {fmt(got)} (rtol={rtol:g}, atol={atol:g})"
    with np.errstate(all="ignore"):
        error = np.where(np.isfinite(got64) & np.isfinite(want64),
                         np.abs(got64 - want64) - rtol * np.abs(want64), np.inf)
    bad = ~np.array([close(g, w, rtol, atol) for g, w in zip(got64.flat, want64.flat)])
    index = np.unravel_index(int(np.argmax(np.where(bad.reshape(got.shape), error, -np.inf))),
                             got.shape)
    index = tuple(int(i) for i in index)
    g, w = got64[index], want64[index]
    return (_value_problem(g, w) + f"{int(bad.sum())} of {bad.size} entries differ; at index "
            f"{index} expected {fmt(w)}, got {fmt(g)} (rtol={rtol:g}, atol={atol:g})")


def _value_problem(g, w) -> str:
    if np.isnan(g) and not np.isnan(w):
        return "got NaN (a 0 * log 0, inf - inf or 0 / 0 somewhere?); "
    if np.isinf(g) and np.isfinite(w):
        return "got an infinity where the answer is finite (an overflow, or the log of 0?); "
    if np.isfinite(g) and np.isinf(w):
        return f"expected {w} but got a finite number (a clip or an eps hides it?); "
    if np.isfinite(g) and np.isfinite(w) and w != 0 and np.isclose(g, -w, rtol=1e-6):
        return "the sign is flipped; "
    return ""


def assert_finite(result, what: str, advice: str) -> np.ndarray:
    """Fail with ``advice`` if the result holds NaN or an infinity."""
    got = numeric(result, what)
    if not np.all(np.isfinite(got)):
        kind = "NaN" if np.any(np.isnan(got)) else "an infinity"
        raise CheckFailed(f"{what}: got {kind} ({fmt(got)}); {advice}")
    return got


def call_valid(fn, args, kwargs=None, what: str = "", advice: str = ""):
    """Call the learner's function on valid input; a ValueError there is a bug to report."""
    try:
        return fn(*args, **(kwargs or {}))
    except ValueError as error:
        raise CheckFailed(f"{what}: raised ValueError on valid input ({error})"
                          + (f"; {advice}" if advice else "")) from None


def assert_raises(fn, args, kwargs=None, *, what: str, advice: str,
                  exception=ValueError) -> None:
    """The learner's function must raise ``exception`` (ValueError) for invalid input."""
    try:
        fn(*args, **(kwargs or {}))
    except exception:
        return
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001
        raise CheckFailed(f"{what}: expected {exception.__name__}, got "
                          f"{type(error).__name__}: {error}; {advice}") from None
    raise CheckFailed(f"{what}: expected {exception.__name__}, but nothing was raised; {advice}")


def assert_gradient(grad, loss, x, what: str, *, rtol=1e-5, atol=1e-8, hints=()) -> None:
    """Compare the learner's gradient ``grad`` (an array) with central differences of the
    reference ``loss`` (a scalar function of an array like ``x``)."""
    numerical = numerical_gradient(lambda z: float(loss(z)), np.array(x, dtype=np.float64))
    assert_close(grad, numerical, f"{what} (against finite differences of the loss)",
                 rtol=rtol, atol=atol, hints=hints)


# --------------------------------------------------------------------------- inputs


def distribution(rng, shape, zeros: bool = False, dtype=np.float64) -> np.ndarray:
    """Random distributions along the last axis; with ``zeros`` some entries are exactly 0
    (at least one non-zero per row)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    p = rng.gamma(1.0, size=shape) + 1e-3
    if zeros:
        mask = rng.random(shape) < 0.35
        keep = np.argmax(rng.random(shape), axis=-1)
        np.put_along_axis(mask, keep[..., None], False, axis=-1)
        p = np.where(mask, 0.0, p)
    p = p / p.sum(axis=-1, keepdims=True)
    return p.astype(dtype)


def logits(rng, shape, scale: float = 3.0, dtype=np.float64) -> np.ndarray:
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return (rng.normal(size=shape) * scale).astype(dtype)
