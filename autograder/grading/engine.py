"""Grade a class folder: find submissions, grade what is not cached yet, write the outputs.

``SUBMISSIONS/<student>/<assignment>/<notebook>.ipynb`` (nbgrader's ``submitted/`` layout)
becomes one job per student × assignment. Each job's result is saved atomically under
``OUT/.state/results`` with a key that hashes the submission's files, the assignment
definition, the grader's and the checks' code, the limits and the class's seed salt. A rerun
(after a kill, or just again) grades only the jobs without a result of the same key, then
rebuilds every output from the saved results, so nothing is lost or counted twice. The
gradebook is updated as each result arrives, one transaction per submission; a marker file
records which result each gradebook entry holds.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import multiprocessing
import os
import queue
import secrets
import threading
import time

from . import autograded, feedback, reports, runner
from . import gradebook as gbook
from . import notebook as nbio
from .sandbox import Limits


@dataclasses.dataclass
class Options:
    submissions: str
    out: str
    release: str
    registry: str = "autograder.checks:REGISTRY"
    workers: int = 0
    limits: Limits = dataclasses.field(default_factory=Limits)
    dask: str | None = None
    unsafe: bool = False
    assignments: list[str] | None = None
    roster: str | None = None
    progress: bool = True
    course_id: str = gbook.COURSE_ID


def _atomic_json(path: str, obj) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _visible(names):
    return sorted(n for n in names if not n.startswith("."))


def _code_hash() -> str:
    """Hash of the code a grade depends on: the grader, and every module loaded from outside
    the Python installation once the checks registry is imported (the checks themselves and
    what they use, such as the reference library ``crossentropy``)."""
    import sys

    h = hashlib.sha256(runner.GRADER_VERSION.encode())
    installed = tuple(os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix})
    files = {os.path.realpath(os.path.join(os.path.dirname(__file__), f))
             for f in os.listdir(os.path.dirname(__file__)) if f.endswith(".py")}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and path.endswith(".py"):
            real = os.path.realpath(path)
            if not real.startswith(installed):
                files.add(real)
    for path in sorted(files):
        h.update(path.encode() + b"\0")
        try:
            with open(path, "rb") as f:
                h.update(f.read())
        except OSError:
            pass
    return h.hexdigest()


class Class:
    """The class folder, the course definition and the output folder's state."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.registry = runner.load_registry(opts.registry)
        course = nbio.read_course(opts.release, self.registry)
        self.students = _visible(d for d in os.listdir(opts.submissions)
                                 if os.path.isdir(os.path.join(opts.submissions, d)))
        submitted = set()
        self.unknown: list[str] = []
        for s in self.students:
            for a in _visible(os.listdir(os.path.join(opts.submissions, s))):
                if not os.path.isdir(os.path.join(opts.submissions, s, a)):
                    continue
                if a in course:
                    submitted.add(a)
                else:
                    self.unknown.append(f"{s}/{a}")
        wanted = opts.assignments or sorted(submitted)
        missing = [a for a in wanted if a not in course]
        if missing:
            raise SystemExit(f"unknown assignment(s): {', '.join(missing)} "
                             f"(not in {opts.release})")
        self.specs = [course[a] for a in wanted]
        self.foreign = {}
        for name, spec in course.items():
            for nb in spec.notebooks:
                for answer in nb.answers:
                    self.foreign.setdefault(answer, name)
        self.state = os.path.join(opts.out, ".state")
        os.makedirs(self.state, exist_ok=True)
        salt_path = os.path.join(self.state, "salt")
        if not os.path.exists(salt_path):
            with open(salt_path + ".tmp", "w") as f:
                f.write(secrets.token_hex(16))
            os.replace(salt_path + ".tmp", salt_path)
        with open(salt_path) as f:
            self.salt = f.read().strip()
        self.code = _code_hash()

    def result_path(self, student: str, assignment: str) -> str:
        return os.path.join(self.state, "results", student, assignment + ".json")

    def marker_path(self, student: str, assignment: str) -> str:
        return os.path.join(self.state, "gradebook", student, assignment)

    def jobs(self) -> list[dict]:
        out = []
        limits = dataclasses.asdict(self.opts.limits)
        for s in self.students:
            for spec in self.specs:
                folder = os.path.join(self.opts.submissions, s, spec.name)
                files, others, timestamp = {}, [], None
                if os.path.isdir(folder):
                    names = _visible(os.listdir(folder))
                    for nb in spec.notebooks:
                        path = os.path.join(folder, nb.name + ".ipynb")
                        if os.path.isfile(path):
                            with open(path, "rb") as f:
                                files[nb.name] = f.read()
                    wanted = {nb.name + ".ipynb" for nb in spec.notebooks}
                    others = [n for n in names if n not in wanted and n != "timestamp.txt"]
                    ts = os.path.join(folder, "timestamp.txt")
                    if os.path.isfile(ts):
                        with open(ts, encoding="utf-8", errors="replace") as f:
                            timestamp = f.read(200)
                submitted = os.path.isdir(folder)
                h = hashlib.sha256()
                for part in (self.code, self.salt, s, spec.name,
                             json.dumps(spec.to_dict(), sort_keys=True),
                             json.dumps(limits, sort_keys=True), str(submitted),
                             json.dumps(others)):
                    h.update(part.encode())
                    h.update(b"\0")
                for name in sorted(files):
                    h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
                out.append({"student": s, "assignment": spec.name, "files": files,
                            "other_files": others, "spec": spec.to_dict(),
                            "foreign": self.foreign, "registry": self.opts.registry,
                            "salt": self.salt, "limits": limits, "unsafe": self.opts.unsafe,
                            "submitted": submitted, "timestamp": timestamp,
                            "key": h.hexdigest()})
        return out

    def cached(self, job: dict) -> dict | None:
        path = self.result_path(job["student"], job["assignment"])
        try:
            with open(path, encoding="utf-8") as f:
                result = json.load(f)
        except (OSError, ValueError):
            return None
        return result if result.get("key") == job["key"] else None

    def save(self, result: dict) -> None:
        if result.get("grader_error"):
            return  # not cached: a rerun tries again
        _atomic_json(self.result_path(result["student"], result["assignment"]), result)


def not_submitted(job: dict) -> dict:
    spec = nbio.AssignmentSpec.from_dict(job["spec"])
    msg = f"no submission of {job['assignment']}"
    rows = [runner._row(job, nb.name, t, "missing", msg) for nb in spec.notebooks
            for t in nb.tests]
    return {"key": job["key"], "student": job["student"], "assignment": job["assignment"],
            "rows": rows, "notebooks": {nb.name: {"status": "missing", "message": msg,
                                                  "notes": {}} for nb in spec.notebooks},
            "isolation": "", "seeds": {}, "seconds": 0.0, "submitted": False}


# --------------------------------------------------------------------------- engines


def run_local(jobs: list[dict], workers: int):
    """Yield results from a process pool; a job whose worker died twice gets an error."""
    attempts = {j["key"]: 0 for j in jobs}
    pending = list(jobs)
    ctx = multiprocessing.get_context("spawn")
    while pending:
        retry = []
        with cf.ProcessPoolExecutor(max_workers=min(workers, len(pending)),
                                    mp_context=ctx) as pool:
            futures = {pool.submit(runner.grade_submission, j): j for j in pending}
            for fut in cf.as_completed(futures):
                job = futures[fut]
                try:
                    yield fut.result()
                except cf.process.BrokenProcessPool:
                    attempts[job["key"]] += 1
                    if attempts[job["key"]] >= 2:
                        yield runner.error_result(job, "the grader's worker process died "
                                                       "twice while grading this submission")
                    else:
                        retry.append(job)
                except Exception as exc:  # noqa: BLE001
                    yield runner.error_result(job, f"grader error: {type(exc).__name__}: {exc}")
        pending = retry


def run_dask(jobs: list[dict], address: str):
    """Yield results from a Dask distributed cluster (the same per-submission job)."""
    from distributed import Client, as_completed

    with Client(address) as client:
        futures = client.map(runner.grade_submission, jobs, pure=False,
                             key=[f"grade-{j['student']}-{j['assignment']}-{j['key'][:12]}"
                                  for j in jobs])
        by_key = {f.key: j for f, j in zip(futures, jobs)}
        for fut in as_completed(futures):
            job = by_key[fut.key]
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001
                yield runner.error_result(job, f"grader error: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- the command


class GradebookWriter(threading.Thread):
    """Writes results into ``OUT/gradebook.db`` from one thread, in arrival order, one
    transaction per submission; skips results whose marker says they are already there."""

    def __init__(self, klass: Class, jobs: list[dict]):
        super().__init__(name="gradebook", daemon=True)
        self.klass = klass
        self.timestamps = {(j["student"], j["assignment"]): j["timestamp"] for j in jobs}
        self.queue: queue.Queue = queue.Queue()
        self.error: BaseException | None = None

    def put(self, result: dict) -> None:
        if result.get("submitted") is False or result.get("grader_error"):
            return
        marker = self.klass.marker_path(result["student"], result["assignment"])
        try:
            with open(marker) as f:
                if f.read() == result["key"]:
                    return
        except OSError:
            pass
        self.queue.put(result)

    def run(self) -> None:
        opts = self.klass.opts
        try:
            gb = gbook.open_gradebook(os.path.join(opts.out, "gradebook.db"), opts.course_id)
        except BaseException as exc:  # noqa: BLE001
            self.error = exc
            return
        try:
            gbook.ensure_assignments(gb, self.klass.specs)
            while True:
                result = self.queue.get()
                if result is None:
                    return
                gbook.write_result(gb, result, self.timestamps.get((result["student"],
                                                                    result["assignment"])))
                marker = self.klass.marker_path(result["student"], result["assignment"])
                os.makedirs(os.path.dirname(marker), exist_ok=True)
                with open(marker + ".tmp", "w") as f:
                    f.write(result["key"])
                os.replace(marker + ".tmp", marker)
        except BaseException as exc:  # noqa: BLE001
            self.error = exc
        finally:
            gb.close()

    def finish(self) -> None:
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise RuntimeError(f"writing the gradebook failed: {self.error!r}") from self.error



def grade_class(opts: Options, log=print) -> dict:
    started = time.monotonic()
    klass = Class(opts)
    jobs = klass.jobs()
    results: dict[tuple[str, str], dict] = {}
    todo = []
    for job in jobs:
        if not job["submitted"]:
            results[(job["student"], job["assignment"])] = not_submitted(job)
            continue
        cached = klass.cached(job)
        if cached is not None:
            results[(job["student"], job["assignment"])] = cached
        else:
            todo.append(job)
    cached_count = sum(1 for j in jobs if j["submitted"]) - len(todo)
    os.makedirs(opts.out, exist_ok=True)
    writer = GradebookWriter(klass, jobs)
    writer.start()  # opens the gradebook (a slow import) while the workers grade
    for result in results.values():
        writer.put(result)
    try:
        if todo:
            bar = None
            if opts.progress:
                from tqdm import tqdm

                bar = tqdm(total=len(todo), unit="submission", desc="grading", leave=True)
            engine = (run_dask(todo, opts.dask) if opts.dask else
                      run_local(todo, opts.workers or os.cpu_count() or 1))
            for result in engine:
                klass.save(result)
                writer.put(result)
                results[(result["student"], result["assignment"])] = result
                if bar is not None:
                    bar.update(1)
            if bar is not None:
                bar.close()
    finally:
        writer.finish()
    return write_outputs(klass, jobs, results, cached_count, time.monotonic() - started, log)


def write_autograded(klass: Class, jobs, results) -> None:
    """``OUT/autograded/<student>/<assignment>/<notebook>.ipynb`` for every graded
    submission (see :mod:`.autograded`), so that formgrader can show it."""
    opts = klass.opts
    released = {}
    for spec in klass.specs:
        for nb in spec.notebooks:
            with open(os.path.join(opts.release, spec.name, nb.name + ".ipynb"), "rb") as f:
                released[spec.name, nb.name] = f.read()
    for job in jobs:
        res = results[(job["student"], job["assignment"])]
        if not job["submitted"] or res.get("grader_error"):
            continue
        for (assignment, name), data in released.items():
            if assignment != job["assignment"]:
                continue
            rows = [r for r in res["rows"] if r["notebook"] == name]
            path = os.path.join(opts.out, "autograded", job["student"], assignment,
                                name + ".ipynb")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            text = autograded.render(data, job["files"].get(name), rows,
                                     res.get("notebooks", {}).get(name, {}))
            reports._atomic_write(path, text)


def write_outputs(klass: Class, jobs, results, cached_count, seconds, log) -> dict:
    opts = klass.opts
    order = [(j["student"], j["assignment"]) for j in jobs]
    ordered = [results[k] for k in order]
    rows = [r for res in ordered for r in res["rows"]]
    assignments = [s.name for s in klass.specs]
    max_scores = {s.name: s.max_score for s in klass.specs}
    reports.write_grades(os.path.join(opts.out, "grades.csv"), rows)
    roster = reports.read_roster(opts.roster) if opts.roster else None
    reports.write_totals(os.path.join(opts.out, "totals.csv"), rows, klass.students,
                         assignments, max_scores, roster)
    reports.write_seeds(os.path.join(opts.out, "seeds.csv"), ordered)
    write_autograded(klass, jobs, results)
    for res in ordered:
        by_nb: dict[str, list] = {}
        for r in res["rows"]:
            by_nb.setdefault(r["notebook"], []).append(r)
        for nb, nb_rows in by_nb.items():
            path = os.path.join(opts.out, "feedback", res["student"], res["assignment"],
                                nb + ".html")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            text = feedback.render(res["student"], res["assignment"], nb, nb_rows,
                                   res.get("notebooks", {}).get(nb, {}))
            reports._atomic_write(path, text)
    graded = [res for res in ordered if res.get("submitted", True)]
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    notebooks = sum(len(res.get("notebooks", {})) for res in graded)
    summary = {
        "students": len(klass.students),
        "assignments": len(assignments),
        "submissions": len(graded),
        "notebooks": notebooks,
        "graded now": len(graded) - cached_count,
        "from cache": cached_count,
        "seconds": round(seconds, 1),
    }
    reports.write_report(os.path.join(opts.out, "report.html"), rows, klass.students,
                         assignments, max_scores, summary)
    tot = reports.totals(rows, klass.students, assignments)
    log(f"graded {summary['submissions']} submissions ({notebooks} notebooks) of "
        f"{summary['students']} students in {seconds:.1f} s "
        f"({summary['graded now']} graded now, {cached_count} from cache)")
    log("test cells: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    for a in assignments:
        values = [tot[s][a] for s in klass.students]
        mean = sum(values) / len(values) if values else 0.0
        log(f"  {a}: mean {mean:.2f} / {max_scores[a]:g}")
    if klass.unknown:
        log("ignored (not an assignment of this course): " + ", ".join(klass.unknown[:10])
            + (" ..." if len(klass.unknown) > 10 else ""))
    errors = [res for res in ordered if res.get("grader_error")]
    if errors:
        log(f"{len(errors)} submission(s) hit a grader error; rerun to retry them")
    log(f"outputs in {opts.out}: grades.csv, totals.csv, gradebook.db, feedback/, autograded/, "
        "report.html")
    return {"summary": summary, "statuses": statuses, "rows": rows}
