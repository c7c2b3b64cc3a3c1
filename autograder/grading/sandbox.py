"""Run a submission's code in an isolated, resource-limited process and talk to it.

Isolation, strongest first (``detect`` reports what the machine offers):

* **bubblewrap** (``bwrap``): new mount, network, PID, IPC and UTS namespaces; the sandbox
  sees only ``/usr`` (and the ``/lib``-style links), the Python standard library, NumPy,
  the two files of the sandbox side, and its own empty scratch folder (the only writable
  place). The course repository, the reference library, ``solutions/``, the checks, the
  gradebook, the output folder and other students' files simply do not exist inside.
* **an unprivileged user**: as root, the process drops to the ``cegrader`` system user
  (created on first use; ``nobody`` if that fails) with no capabilities, no supplementary
  groups and ``no_new_privs``. Without root, bwrap's user namespace confines the grader's
  own uid.
* **resource limits**, set by the sandbox side before any student code runs: CPU seconds,
  address space (``--memory``), processes, file size, open files, no core dumps; plus a
  wall-clock deadline enforced here, ending in ``SIGKILL`` of the whole process group.

Without bubblewrap the grader can still switch user, limit resources and (as root) cut the
network with ``unshare -n``, but the code could read whatever that user can read: the grader
refuses to run unless the instructor passes ``--unsafe``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import os
import pwd
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import protocol as wire

SANDBOX_USER = "cegrader"
HERE = os.path.dirname(os.path.abspath(__file__))
SITE_PACKAGES = ("numpy",)  # what student code may import besides the standard library


@dataclasses.dataclass(frozen=True)
class Limits:
    """Per-submission limits. ``timeout`` is wall-clock seconds per notebook cell and per test
    cell; ``notebook_seconds`` is the wall-clock budget of a whole notebook, restarts of its
    sandbox included: no test and no restart begins once it is spent (None: ``timeout`` ×
    (cells + tests + 2) + 5, see :meth:`notebook_budget`); ``memory_mb`` is the
    address-space limit of the sandboxed process."""

    timeout: float = 10.0
    notebook_seconds: float | None = None
    memory_mb: int = 1024
    nproc: int = 8  # counts every process of the sandbox user, so fork bombs stay small
    fsize_mb: int = 16
    nofile: int = 64

    def notebook_budget(self, cells: int, tests: int) -> float:
        """Seconds a notebook of ``cells`` code cells and ``tests`` test cells may take: by
        default every cell and every test once at the per-cell timeout, plus start-up."""
        if self.notebook_seconds is not None:
            return float(self.notebook_seconds)
        return self.timeout * (cells + tests + 2) + 5

    def rlimits(self, cpu_seconds: int) -> dict:
        return {
            "cpu": int(cpu_seconds),
            "as": int(self.memory_mb) * 2**20,
            "nproc": self.nproc,
            "fsize": self.fsize_mb * 2**20,
            "nofile": self.nofile,
            "core": 0,
        }


@dataclasses.dataclass(frozen=True)
class Isolation:
    """What this machine offers; ``problems`` lists what is missing for a safe run."""

    backend: str  # "bwrap" or "plain"
    root: bool
    uid: int | None  # the uid student code runs as, None = the grader's own
    gid: int | None
    user: str
    network: str  # how the network is cut: "bwrap netns", "unshare -n" or "none"
    problems: tuple[str, ...]

    @property
    def safe(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        parts = [
            f"filesystem: {'bubblewrap mount namespace' if self.backend == 'bwrap' else 'NOT isolated'}",
            f"user: {self.user}",
            f"network: {self.network}",
            "limits: rlimits (CPU, memory, processes, file size, open files) + wall clock",
        ]
        return "; ".join(parts)


def _run_ok(cmd: list[str], **kwargs) -> tuple[bool, str]:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20, **kwargs)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    return r.returncode == 0, (r.stderr or r.stdout).strip()[-300:]


def _sandbox_account(root: bool) -> tuple[int | None, int | None, str]:
    if not root:
        pw = pwd.getpwuid(os.getuid())
        return None, None, f"{pw.pw_name} (the grader's own uid, confined by namespaces)"
    try:
        pw = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        _run_ok([useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent",
                 "--shell", "/usr/sbin/nologin", "--user-group", SANDBOX_USER])
        try:
            pw = pwd.getpwnam(SANDBOX_USER)
        except KeyError:
            pw = pwd.getpwnam("nobody")
    return pw.pw_uid, pw.pw_gid, f"{pw.pw_name} (uid {pw.pw_uid})"


@functools.lru_cache(maxsize=None)
def detect() -> Isolation:
    """Probe bubblewrap, user switching and network namespaces on this machine (cached)."""
    root = os.geteuid() == 0
    uid, gid, user = _sandbox_account(root)
    problems = []
    # AUTOGRADER_SANDBOX=plain pretends bubblewrap is absent (to test the refusal path).
    bwrap = None if os.environ.get("AUTOGRADER_SANDBOX") == "plain" else shutil.which("bwrap")
    backend = "plain"
    network = "none"
    if bwrap:
        probe = [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--dev",
                 "/dev", "--proc", "/proc"]
        if not root:
            probe.append("--unshare-user")
        ok, why = _run_ok(probe + ["true"])
        if ok:
            backend, network = "bwrap", "bwrap network namespace (no interfaces)"
        else:
            problems.append(f"bubblewrap is installed but cannot create namespaces ({why})")
    else:
        problems.append("bubblewrap (bwrap) is not installed, so student code could read any "
                        "file its user can read (apt-get install bubblewrap)")
    if backend == "plain":
        unshare = shutil.which("unshare")
        if root and unshare and _run_ok([unshare, "--net", "true"])[0]:
            network = "unshare -n (no interfaces)"
        else:
            problems.append("no network namespace available: student code could use the network")
    if root and not shutil.which("setpriv"):
        problems.append("setpriv (util-linux) is missing: cannot drop root")
    elif root and backend == "plain":
        python = os.path.realpath(sys.executable)
        ok, _ = _run_ok([shutil.which("setpriv"), f"--reuid={uid}", f"--regid={gid}",
                         "--clear-groups", python, "-I", "-S", "-c", "pass"])
        if not ok:
            problems.append(f"{user} cannot run {python} (its folder is private), so student "
                            "code would run as root")
            uid = gid = None
            user = "root (NOT dropped)"
    return Isolation(backend, root, uid, gid, user, network, tuple(problems))


class Stage:
    """Files shared by all sandboxes of one grading process: the sandbox side's code and a
    private root for scratch folders (mode 0711, so a sandbox user cannot list them)."""

    def __init__(self, isolation: Isolation, base: str | None = None):
        self.isolation = isolation
        self.root = tempfile.mkdtemp(prefix="ceg-", dir=base)
        os.chmod(self.root, 0o711)
        self.lib = os.path.join(self.root, "lib")
        os.mkdir(self.lib)
        for name in ("worker.py", "protocol.py"):
            shutil.copyfile(os.path.join(HERE, name), os.path.join(self.lib, name))
            os.chmod(os.path.join(self.lib, name), 0o644)
        os.chmod(self.lib, 0o755)
        self.packages = {}
        for name in SITE_PACKAGES:
            spec = importlib.util.find_spec(name)
            pkg = os.path.dirname(os.path.realpath(spec.origin))
            self.packages[name] = pkg
            libs = pkg + ".libs"  # wheels keep bundled shared libraries beside the package
            if os.path.isdir(libs):
                self.packages[name + ".libs"] = libs
        self.site = os.path.join(self.root, "site")  # used without bwrap: links to packages
        os.mkdir(self.site)
        for name, path in self.packages.items():
            os.symlink(path, os.path.join(self.site, name))
        os.chmod(self.site, 0o755)
        self.python = os.path.realpath(sys.executable)
        self.prefix = os.path.realpath(sys.base_prefix)

    def new_scratch(self) -> str:
        path = tempfile.mkdtemp(prefix="s-", dir=self.root)
        if self.isolation.uid is not None:
            os.chown(path, self.isolation.uid, self.isolation.gid)
        os.chmod(path, 0o700)
        return path

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ command lines

    def command(self, scratch: str, config: dict) -> list[str]:
        iso = self.isolation
        env = {"HOME": "/scratch", "TMPDIR": "/scratch", "LANG": "C.UTF-8",
               "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        if iso.backend != "bwrap":
            config = dict(config, lib=self.lib, site=[self.site])
            inner = [self.python, "-I", "-S", os.path.join(self.lib, "worker.py"),
                     _json(config)]
            cmd = []
            if iso.root and iso.network.startswith("unshare"):
                cmd += [shutil.which("unshare"), "--net", "--"]
            if iso.uid is not None:
                cmd += self._setpriv()
            return ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *cmd, *inner]
        config = dict(config, lib="/sandbox/lib", site=["/sandbox/site"])
        cmd = [shutil.which("bwrap"), "--die-with-parent", "--new-session",
               "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--clearenv"]
        for k, v in env.items():
            cmd += ["--setenv", k, v]
        cmd += ["--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                cmd += ["--ro-bind", top, top]
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        if not self.prefix.startswith("/usr/"):
            cmd += ["--ro-bind", self.prefix, self.prefix]
        if not (self.python.startswith("/usr/") or self.python.startswith(self.prefix + "/")):
            cmd += ["--ro-bind", self.python, self.python]
        cmd += ["--perms", "0755", "--dir", "/sandbox", "--perms", "0755", "--dir",
                "/sandbox/site", "--ro-bind", self.lib, "/sandbox/lib"]
        for name, path in self.packages.items():
            cmd += ["--ro-bind", path, f"/sandbox/site/{name}"]
        cmd += ["--bind", scratch, "/scratch", "--chdir", "/scratch"]
        if iso.root:
            cmd += self._setpriv()
        else:
            cmd[1:1] = ["--unshare-user", "--disable-userns"]
        return cmd + [self.python, "-I", "-S", "/sandbox/lib/worker.py", _json(config)]

    def _setpriv(self) -> list[str]:
        iso = self.isolation
        return [shutil.which("setpriv"), f"--reuid={iso.uid}", f"--regid={iso.gid}",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
                "--"]


def _json(obj) -> str:
    import json

    return json.dumps(obj, separators=(",", ":"))


# --------------------------------------------------------------------------- faults


class SandboxFault(BaseException):
    """The sandbox hung, died or misbehaved. A BaseException, so a check's ``except
    Exception`` cannot swallow it; the runner turns it into a status."""

    status = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SandboxTimeout(SandboxFault):
    status = "timeout"


class SandboxMemory(SandboxFault):
    status = "memory"


class SandboxDied(SandboxFault):
    status = "error"


class SandboxProtocol(SandboxFault):
    status = "error"


_SIGNALS = {signal.SIGXCPU: "it used up its CPU time", signal.SIGKILL: "it was killed",
            signal.SIGSEGV: "it crashed (segmentation fault)", signal.SIGABRT: "it aborted",
            signal.SIGXFSZ: "it wrote too much"}


class Sandbox:
    """One sandboxed process running one notebook's cells. ``start`` runs the cells and
    returns their outcomes; ``call`` runs one function on plain data. After any fault the
    process is gone and a new ``Sandbox`` must be started."""

    def __init__(self, stage: Stage, limits: Limits, cells: list[str], functions: list[str],
                 skip: set[int] = frozenset(), cpu_budget: int | None = None):
        self.stage = stage
        self.limits = limits
        self.cells = cells
        self.functions = functions
        self.skip = set(skip)
        self.cpu_budget = cpu_budget or int(limits.timeout * (len(cells) + 4)) + 5
        self.proc: subprocess.Popen | None = None
        self.buffer = bytearray()
        self.scratch = None
        self.errlog = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> tuple[list[dict], dict]:
        """Run the cells; return (one outcome per cell, {function: state}). Raises a
        SandboxFault carrying ``cell`` (the index that hung or killed the process)."""
        self.scratch = self.stage.new_scratch()
        self.errlog = tempfile.TemporaryFile(dir=self.stage.root)
        config = {"limits": self.limits.rlimits(self.cpu_budget)}
        cmd = self.stage.command(self.scratch, config)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.errlog, start_new_session=True,
                                     close_fds=True, cwd=self.scratch)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self._send({"op": "init", "cells": self.cells, "skip": sorted(self.skip),
                    "functions": self.functions})
        outcomes = []
        for i in range(len(self.cells)):
            deadline = time.monotonic() + self.limits.timeout + (5.0 if i == 0 else 0.0)
            try:
                header, _ = self._receive(deadline)
            except SandboxFault as fault:
                fault.cell = i
                raise
            if header.get("op") != "cell" or header.get("i") != i:
                self.kill()
                fault = SandboxProtocol("the sandbox sent an unexpected message")
                fault.cell = i
                raise fault
            outcomes.append(header)
        header, _ = self._receive(time.monotonic() + self.limits.timeout)
        if header.get("op") != "ready" or not isinstance(header.get("functions"), dict):
            self.kill()
            raise SandboxProtocol("the sandbox sent an unexpected message")
        return outcomes, {str(k): str(v) for k, v in header["functions"].items()}

    def kill(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.proc.kill()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for f in (self.proc.stdin, self.proc.stdout):
                try:
                    f.close()
                except OSError:
                    pass
        if self.errlog is not None:
            self.errlog.close()
            self.errlog = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    close = kill

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ------------------------------------------------------------------ calls

    def call(self, name: str, args: tuple, kwargs: dict, deadline: float):
        """Call ``name(*args, **kwargs)`` in the sandbox. Returns a plain value, or raises
        ``StudentRaised`` (the function raised) or a SandboxFault."""
        try:
            (tree, ktree), arrays = wire.encode_values(tuple(args), dict(kwargs))
        except wire.UnsupportedValue as exc:
            raise TypeError(f"the grader cannot send {exc} to the sandbox") from None
        self._send({"op": "call", "name": name, "args": tree, "kwargs": ktree}, arrays)
        header, arrays = self._receive(deadline)
        op = header.get("op")
        if op == "result":
            try:
                return wire.decode_value(header.get("value"), arrays)
            except wire.ProtocolError as exc:
                self.kill()
                raise SandboxProtocol(f"the sandbox sent malformed data ({exc})") from None
        if op == "raised":
            raise StudentRaised(_text(header.get("type")), _text(header.get("base")),
                                _text(header.get("message")), _text(header.get("where")))
        if op == "unsupported":
            raise UnsupportedResult(f"{name} returned {_text(header.get('message'))}; "
                                    "return a number, a NumPy array, or a tuple/list of those")
        self.kill()
        raise SandboxProtocol("the sandbox sent an unexpected message")

    # ------------------------------------------------------------------ framing

    def _send(self, header: dict, arrays=()) -> None:
        data = wire.pack(header, arrays)
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._death() from None

    def _receive(self, deadline: float) -> tuple[dict, list[bytes]]:
        fd = self.proc.stdout.fileno()
        need = wire.PREFIX_SIZE
        lengths = None
        while True:
            if lengths is None and len(self.buffer) >= wire.PREFIX_SIZE:
                try:
                    lengths = wire.parse_lengths(bytes(self.buffer[: wire.PREFIX_SIZE]))
                except wire.ProtocolError as exc:
                    self.kill()
                    raise SandboxProtocol(f"the sandbox sent malformed data ({exc})") from None
                need = wire.PREFIX_SIZE + lengths[0] + lengths[1]
            if lengths is not None and len(self.buffer) >= need:
                frame = bytes(self.buffer[:need])
                del self.buffer[:need]
                head = frame[wire.PREFIX_SIZE: wire.PREFIX_SIZE + lengths[0]]
                blob = frame[wire.PREFIX_SIZE + lengths[0]:]
                try:
                    return wire.unpack(head, blob)
                except wire.ProtocolError as exc:
                    self.kill()
                    raise SandboxProtocol(f"the sandbox sent malformed data ({exc})") from None
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise SandboxTimeout(f"no answer within {self.limits.timeout:g} s")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, max(65536, min(need - len(self.buffer), 2**24)))
            except BlockingIOError:
                continue
            if not chunk:
                raise self._death()
            self.buffer += chunk

    def _death(self) -> SandboxFault:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        tail = ""
        if self.errlog is not None:
            try:
                self.errlog.seek(max(0, self.errlog.seek(0, 2) - 4000))
                tail = self.errlog.read().decode("utf-8", "replace")
            except OSError:
                pass
        self.kill()
        if "MemoryError" in tail:
            return SandboxMemory("it ran out of memory (the limit is %d MB)"
                                 % self.limits.memory_mb)
        if code is not None and code > 128 and code - 128 in _SIGNALS:
            sig = code - 128
            if sig == signal.SIGXCPU:
                return SandboxTimeout("it used up its CPU time")
            return SandboxDied(_SIGNALS[sig])
        if code is not None and code < 0 and -code in _SIGNALS:
            return SandboxDied(_SIGNALS[-code])
        return SandboxDied(f"the process ended (exit status {code})")


class StudentRaised(Exception):
    """The student's function raised; carries the type name and its builtin base."""

    def __init__(self, type_name: str, base: str, message: str, where: str = ""):
        super().__init__(f"{type_name}: {message}")
        self.type_name, self.base, self.message, self.where = type_name, base, message, where


class UnsupportedResult(SandboxFault):
    """The function returned something that is not plain data."""

    status = "failed"


def _text(v, limit: int = 2000) -> str:
    return v[:limit] if isinstance(v, str) else ""
