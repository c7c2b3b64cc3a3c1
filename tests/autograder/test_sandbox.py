"""What student code can and cannot do inside the sandbox (probed from the inside)."""

from __future__ import annotations

import os
import time

import pytest

from autograder.grading import sandbox as sb

from ceg_helpers import FIXTURES, REPO, Listener

ISO = sb.detect()
pytestmark = pytest.mark.skipif(not ISO.safe, reason="no isolation here: "
                                + "; ".join(ISO.problems))

PROBE = '''
import os, sys, socket, resource
def probe(paths, port):
    out = {"uid": os.getuid(), "cwd": os.getcwd(), "readable": [], "imports": {},
           "limits": {}}
    for p in paths:
        try:
            with open(p, "rb") as f:
                f.read(1)
            out["readable"].append(p)
        except OSError:
            pass
    for name in ("numpy", "crossentropy", "autograder", "ceg_fake_checks", "nbgrader"):
        try:
            __import__(name)
            out["imports"][name] = True
        except ImportError:
            out["imports"][name] = False
    writable = []
    for d in ("/", "/tmp", "/usr", "/sandbox", "/sandbox/lib", "/proc", os.getcwd()):
        try:
            with open(os.path.join(d, "w-probe"), "w") as f:
                f.write("x")
            writable.append(d)
        except OSError:
            pass
    out["writable"] = writable
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        out["network"] = True
    except OSError:
        out["network"] = False
    for name in ("CPU", "AS", "NPROC", "FSIZE", "NOFILE", "CORE"):
        out["limits"][name] = list(resource.getrlimit(getattr(resource, "RLIMIT_" + name)))
    out["listing"] = sorted(os.listdir("/"))
    out["env"] = sorted(os.environ)
    return out
'''


@pytest.fixture
def stage():
    st = sb.Stage(ISO)
    yield st
    st.close()


def start(stage, cells, functions, **limits):
    box = sb.Sandbox(stage, sb.Limits(timeout=5, **limits), cells, functions)
    outcomes, states = box.start()
    return box, outcomes, states


def test_student_code_runs_confined(stage, tmp_path):
    listener = Listener()
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    paths = [str(p) for p in (REPO / "README.md", REPO / "src" / "crossentropy" / "__init__.py",
                              FIXTURES / "ceg_fake_checks.py", secret, "/etc/shadow",
                              "/root/.bashrc", "/etc/passwd", stage.root + "/lib/worker.py")]
    box, outcomes, states = start(stage, [PROBE], ["probe"])
    try:
        assert states == {"probe": "callable"}
        got = box.call("probe", (paths, listener.port), {}, time.monotonic() + 10)
    finally:
        box.kill()
        listener.close()
    assert got["uid"] != 0
    if ISO.uid is not None:
        assert got["uid"] == ISO.uid
    assert got["readable"] == []
    assert got["imports"] == {"numpy": True, "crossentropy": False, "autograder": False,
                              "ceg_fake_checks": False, "nbgrader": False}
    assert got["writable"] == [got["cwd"]]
    assert got["network"] is False and listener.connections == 0
    assert set(got["listing"]) <= {"bin", "dev", "lib", "lib32", "lib64", "libx32", "proc",
                                   "root", "sandbox", "sbin", "scratch", "usr"}
    assert "PYTHONPATH" not in got["env"]
    limits = got["limits"]
    assert limits["AS"] == [1024 * 2**20] * 2
    assert limits["NPROC"][1] <= 8 and limits["FSIZE"][1] == 16 * 2**20
    assert limits["CPU"][1] > 0 and limits["CORE"] == [0, 0] and limits["NOFILE"][1] == 64


def test_a_crash_ends_only_that_sandbox(stage):
    cells = ["import os\ndef die():\n    os._exit(3)\ndef ok(x):\n    return x + 1\n"]
    box, _, _ = start(stage, cells, ["die", "ok"])
    with pytest.raises(sb.SandboxDied):
        box.call("die", (), {}, time.monotonic() + 5)
    assert not box.alive
    box, _, _ = start(stage, cells, ["die", "ok"])
    try:
        assert box.call("ok", (41,), {}, time.monotonic() + 5) == 42
    finally:
        box.kill()


def test_a_hanging_cell_is_reported_with_its_index(stage):
    box = sb.Sandbox(stage, sb.Limits(timeout=1), ["x = 1", "while True: pass", "y = 2"], [])
    with pytest.raises(sb.SandboxTimeout) as info:
        box.start()
    assert info.value.cell == 1
    box = sb.Sandbox(stage, sb.Limits(timeout=1), ["x = 1", "while True: pass", "y = 2"], [],
                     skip={1})
    outcomes, _ = box.start()
    box.kill()
    assert [o["status"] for o in outcomes] == ["ok", "skipped", "ok"]


def _processes_of(uid: int) -> list[int]:
    pids = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    pids.append(int(pid))
            except OSError:
                pass
    return pids


@pytest.mark.skipif(ISO.uid is None, reason="needs a dedicated sandbox user (root)")
def test_a_fork_bomb_is_bounded_and_leaves_nothing_behind(stage):
    cells = ["import os\ndef bomb():\n    n = 0\n    while True:\n        try:\n"
             "            os.fork()\n            n += 1\n        except OSError:\n"
             "            pass\n"]
    box, _, _ = start(stage, cells, ["bomb"])
    with pytest.raises(sb.SandboxTimeout):
        box.call("bomb", (), {}, time.monotonic() + 1.5)
    assert not box.alive
    for _ in range(50):
        if not _processes_of(ISO.uid):
            break
        time.sleep(0.1)
    assert _processes_of(ISO.uid) == []


def test_memory_limit_raises_memory_error_in_the_student_process(stage):
    cells = ["import numpy as np\ndef big():\n    return np.ones(10**9).sum()\n"]
    box, _, _ = start(stage, cells, ["big"], memory_mb=512)
    try:
        with pytest.raises(sb.StudentRaised) as info:
            box.call("big", (), {}, time.monotonic() + 5)
        assert info.value.base == "MemoryError"
    finally:
        box.kill()


def test_prints_do_not_disturb_the_channel(stage):
    cells = ["import sys\nprint('x' * 100000)\nsys.stderr.write('y' * 1000)\n"
             "def f(x):\n    print('noise', x)\n    return x * 2\n"]
    box, outcomes, _ = start(stage, cells, ["f"])
    try:
        assert outcomes[0]["status"] == "ok"
        assert box.call("f", (21,), {}, time.monotonic() + 5) == 42
    finally:
        box.kill()
