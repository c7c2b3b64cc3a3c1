"""Grade one submission (one student, one assignment): the unit of work of every engine.

``grade_submission(job) -> result`` is a plain function of plain data, so the local process
pool and a Dask cluster run the same code. The checks run here, in the trusted process; the
student's functions are replaced by ``RemoteFunction`` proxies that forward each call to the
sandbox. A fault (hang, crash, memory, garbage on the wire) costs the test cell during which
it happened; the sandbox is then restarted for the next test cell. A notebook cell that hangs
or ends the process while the notebook is being set up is skipped on the restart.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import time
import warnings

import numpy as np

from . import notebook as nbio
from . import sandbox as sb

GRADER_VERSION = "1"
MAX_SETUP_RESTARTS = 6

# Exceptions a student function may raise that the checks see as themselves.
RERAISED = {cls.__name__: cls for cls in (
    ValueError, TypeError, ZeroDivisionError, IndexError, KeyError, LookupError,
    ArithmeticError, OverflowError, FloatingPointError, RuntimeError, NotImplementedError,
    AttributeError, NameError, UnboundLocalError, RecursionError, AssertionError,
    StopIteration)}


class StudentError(Exception):
    """A student function raised something the checks do not see as itself."""


def seed_for(salt: str, student: str, assignment: str, notebook: str, grade_id: str) -> int:
    digest = hashlib.sha256("\x1f".join([salt, student, assignment, notebook,
                                         grade_id]).encode()).digest()
    return int.from_bytes(digest[:8], "big")


# --------------------------------------------------------------------------- registry

_REGISTRIES: dict[str, dict] = {}


def load_registry(ref: str) -> dict:
    """``module:attribute`` → the checks registry (cached per process)."""
    if ref not in _REGISTRIES:
        module, _, attr = ref.partition(":")
        _REGISTRIES[ref] = getattr(importlib.import_module(module), attr or "REGISTRY")
    return _REGISTRIES[ref]


def _checks_of(cell) -> tuple[list, list]:
    visible = getattr(cell, "visible", None) or []
    hidden = getattr(cell, "hidden", None) or []
    return list(visible), list(hidden)


# --------------------------------------------------------------------------- sandbox session

_STAGE: sb.Stage | None = None


def _stage() -> sb.Stage:
    global _STAGE
    if _STAGE is None:
        _STAGE = sb.Stage(sb.detect())
        atexit.register(_STAGE.close)
    return _STAGE


class Session:
    """The current sandbox of one notebook, restarted after faults."""

    def __init__(self, stage, limits, cells, positions, functions, budget):
        self.stage, self.limits = stage, limits
        self.cells, self.positions, self.functions = cells, positions, functions
        # The budget bounds the CPU seconds of each sandbox and the wall-clock time of the
        # whole notebook: every restart re-runs the cells, so without it a notebook whose
        # cells are slow and whose functions hang would cost tests × cells × timeout.
        self.budget = budget
        self.deadline = time.monotonic() + budget
        self.skip: set[int] = set()
        self.box: sb.Sandbox | None = None
        self.states: dict[str, str] = {}
        self.notes: dict[int, dict] = {}  # notebook cell position → what happened
        self.broken: str | None = None  # why the notebook could not be run at all
        self.starts = 0

    def ensure(self) -> sb.Sandbox | None:
        if self.box is not None and self.box.alive:
            return self.box
        while self.broken is None and not self.out_of_time():
            self.starts += 1
            box = sb.Sandbox(self.stage, self.limits, self.cells, self.functions, self.skip,
                             int(self.budget) + 1)
            try:
                outcomes, states = box.start()
            except sb.SandboxFault as fault:
                box.kill()
                i = getattr(fault, "cell", None)
                if i is None or i in self.skip:
                    self.broken = f"the notebook could not be run: {fault.message}"
                    break
                if len(self.skip) >= MAX_SETUP_RESTARTS:
                    self.broken = (f"the notebook could not be run: more than "
                                   f"{MAX_SETUP_RESTARTS} cells hang or stop the process")
                    break
                self.skip.add(i)
                what = ("did not finish within %g s" % self.limits.timeout
                        if fault.status == "timeout" else f"stopped the process: {fault.message}")
                self.notes[self.positions[i]] = {"status": fault.status,
                                                 "message": f"this cell {what}; it was skipped"}
                continue
            for i, outcome in enumerate(outcomes):
                if outcome.get("status") == "error":
                    self.notes[self.positions[i]] = {
                        "status": "error",
                        "message": "this cell raised {}: {}{}".format(
                            sb._text(outcome.get("type"), 100),
                            sb._text(outcome.get("message"), 500),
                            sb._text(outcome.get("where"), 100))}
            self.states = states
            self.box = box
            return box
        return None

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.deadline

    def out_of_time_message(self) -> str:
        return (f"not run: the notebook used up its time budget of {self.budget:g} s "
                f"(its cells were run {self.starts} times; slow cells, or functions that "
                "hang and so restart the notebook)")

    def drop(self) -> None:
        if self.box is not None:
            self.box.kill()
            self.box = None

    def close(self) -> None:
        self.drop()


class RemoteFunction:
    """Stands for a student function in the trusted process; every call goes to the sandbox.

    Arguments are copied out as plain data; results come back as fresh plain values."""

    def __init__(self, session: Session, name: str, deadline: float):
        self.__name__ = self.__qualname__ = name
        self.__module__ = "__main__"
        self._session, self._deadline = session, deadline
        self.calls = 0
        self.not_implemented = False

    def __call__(self, *args, **kwargs):
        box = self._session.box
        if box is None or not box.alive:
            raise sb.SandboxDied("the sandbox is not running")
        self.calls += 1
        try:
            return box.call(self.__name__, args, kwargs, self._deadline)
        except sb.StudentRaised as raised:
            if raised.base == "MemoryError":
                raise sb.SandboxMemory("it ran out of memory") from None
            if raised.base == "NotImplementedError":
                self.not_implemented = True
            cls = RERAISED.get(raised.base)
            text = raised.message
            if cls is None or cls is StopIteration:
                exc = StudentError(f"{raised.type_name}: {text}")
            else:
                exc = cls(text)
            exc.student_type = raised.type_name
            exc.student_where = raised.where
            raise exc from None

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


# --------------------------------------------------------------------------- grading


def _row(job, nb, test, status, message, score=0.0):
    return {"student_id": job["student"], "assignment": job["assignment"], "notebook": nb,
            "grade_id": test.grade_id, "score": float(score), "max_score": float(test.points),
            "status": status, "message": message}


def _describe_student_exc(exc, name):
    kind = getattr(exc, "student_type", type(exc).__name__)
    where = getattr(exc, "student_where", "")
    return f"{name} raised {kind}: {exc}{where}"


def run_test(session: Session, test, cell, seed: int, timeout: float) -> tuple[str, str]:
    """Run one test cell's checks (visible, then hidden); return (status, message)."""
    if session.ensure() is None:
        if session.broken is None and session.out_of_time():
            return "timeout", session.out_of_time_message()
        return "error", session.broken or "the notebook could not be run"
    state = session.states.get(test.function, "missing")
    if state != "callable":
        how = "is not defined" if state == "missing" else "is not a function"
        return "missing", f"{test.function} {how}: keep the answer cell that defines it and " \
                          "make sure it runs without errors"
    if cell is None:
        return "error", f"the grader has no checks for {test.grade_id} (tell the instructor)"
    visible, hidden = _checks_of(cell)
    deadline = time.monotonic() + timeout
    proxy = RemoteFunction(session, test.function, deadline)
    rng = np.random.default_rng(seed)
    status, message = _run_checks(session, test, visible + hidden, proxy, rng, timeout)
    if status != "passed" and proxy.not_implemented and status != "timeout":
        return "missing", f"{test.function} is not implemented yet " \
                          "(it still raises NotImplementedError)"
    return status, message


def _run_checks(session, test, checks, proxy, rng, timeout) -> tuple[str, str]:
    for check in checks:
        try:
            # As the checks' own ``check`` does: the values are judged, not the warnings.
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                check(proxy, rng)
        except sb.SandboxFault as fault:
            if fault.status != "failed":  # the sandbox is gone or suspect: restart it
                session.drop()
            if fault.status == "timeout":
                return "timeout", (f"{test.function} did not return within {timeout:g} s "
                                   "(an infinite loop, or far too slow)")
            if fault.status == "memory":
                return "memory", (f"{test.function} ran out of memory (the limit is "
                                  f"{session.limits.memory_mb} MB)")
            if fault.status == "failed":
                return "failed", fault.message
            return "error", f"the process running {test.function} stopped: {fault.message}"
        except AssertionError as exc:
            if hasattr(exc, "student_type"):
                return "error", _describe_student_exc(exc, test.function)
            msg = str(exc).strip() or "a check failed"
            return "failed", msg
        except NotImplementedError as exc:
            if hasattr(exc, "student_type"):
                return "missing", f"{test.function} is not implemented yet " \
                                  "(it still raises NotImplementedError)"
            return "error", f"a check of {test.grade_id} is not implemented (tell the instructor)"
        except Exception as exc:  # noqa: BLE001
            if hasattr(exc, "student_type") or isinstance(exc, StudentError):
                return "error", _describe_student_exc(exc, test.function)
            return "failed", (f"the result of {test.function} could not be checked: "
                              f"{type(exc).__name__}: {exc}")
    return "passed", ""


def grade_submission(job: dict) -> dict:
    """Grade one student's assignment. ``job`` holds only plain data (see engine.make_job)."""
    started = time.monotonic()
    spec = nbio.AssignmentSpec.from_dict(job["spec"])
    registry = load_registry(job["registry"])
    limits = sb.Limits(**job["limits"])
    iso = sb.detect()
    result = {"key": job["key"], "student": job["student"], "assignment": job["assignment"],
              "rows": [], "notebooks": {}, "isolation": iso.describe(), "seeds": {}}
    if not iso.safe and not job.get("unsafe"):
        for nb in spec.notebooks:
            for test in nb.tests:
                result["rows"].append(_row(job, nb.name, test, "error",
                                           "not graded: this grading machine cannot isolate "
                                           "student code (" + "; ".join(iso.problems) + ")"))
        result["seconds"] = time.monotonic() - started
        return result
    for nb in spec.notebooks:
        result["notebooks"][nb.name] = info = {"status": "graded", "message": "", "notes": {}}
        data = job["files"].get(nb.name)
        try:
            if data is None:
                others = [n for n in job.get("other_files", []) if n.endswith(".ipynb")]
                hint = (f"; found {', '.join(others)}: renamed notebooks are not graded, "
                        "submit the released file name") if others else ""
                raise _Missing(f"{nb.name}.ipynb was not submitted{hint}")
            cells = nbio.parse(data)
            found = nbio.answer_ids(cells)
            foreign = {job["foreign"][a] for a in found if a in job["foreign"]}
            if found and not found & set(nb.answers) and foreign:
                raise nbio.InvalidNotebook(
                    f"this is the notebook of {', '.join(sorted(foreign))}, not of "
                    f"{job['assignment']}")
        except _Missing as exc:
            info.update(status="missing", message=str(exc))
            for test in nb.tests:
                result["rows"].append(_row(job, nb.name, test, "missing", str(exc)))
            continue
        except nbio.InvalidNotebook as exc:
            info.update(status="invalid", message=str(exc))
            for test in nb.tests:
                result["rows"].append(_row(job, nb.name, test, "invalid", str(exc)))
            continue
        sources, positions = nbio.code_to_run(cells)
        budget = limits.notebook_budget(len(sources), len(nb.tests))
        session = Session(_stage(), limits, sources, positions, nb.functions, budget)
        try:
            for test in nb.tests:
                seed = seed_for(job["salt"], job["student"], job["assignment"], nb.name,
                                test.grade_id)
                result["seeds"][f"{nb.name}/{test.grade_id}"] = seed
                status, message = run_test(session, test, registry.get(test.grade_id), seed,
                                           limits.timeout)
                score = test.points if status == "passed" else 0.0
                result["rows"].append(_row(job, nb.name, test, status, message, score))
        finally:
            session.close()
        info["notes"] = {str(k): v for k, v in sorted(session.notes.items())}
        if session.broken:
            info["message"] = session.broken
    result["seconds"] = time.monotonic() - started
    return result


class _Missing(Exception):
    pass


def error_result(job: dict, message: str) -> dict:
    """The result recorded when grading itself failed (the grader, not the student)."""
    spec = nbio.AssignmentSpec.from_dict(job["spec"])
    rows = [_row(job, nb.name, t, "error", message) for nb in spec.notebooks for t in nb.tests]
    return {"key": job["key"], "student": job["student"], "assignment": job["assignment"],
            "rows": rows, "notebooks": {}, "isolation": "", "seeds": {}, "seconds": 0.0,
            "grader_error": True}


