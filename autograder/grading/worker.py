"""The sandboxed side: run a submission's cells, then answer calls to its functions.

Started by ``sandbox.py`` as ``python -I -S worker.py CONFIG_JSON`` inside the isolation the
machine offers. It runs *before* any student code, so it sets its own hard resource limits
first (they can only be lowered afterwards), then moves the protocol to private file
descriptors and points stdin/stdout at /dev/null, so that prints cannot corrupt the channel.

Everything the student's code does happens in this process and may tamper with it, including
this module; that is fine, because the grader trusts nothing it sends back except plain data
(see ``protocol.py``), and compares it with the reference in its own process.

Imports only the standard library, NumPy and ``protocol.py`` (bound beside this file).
"""

import ast
import builtins
import json
import os
import resource
import signal
import sys

LIMITS = {
    "cpu": resource.RLIMIT_CPU,
    "as": resource.RLIMIT_AS,
    "nproc": resource.RLIMIT_NPROC,
    "fsize": resource.RLIMIT_FSIZE,
    "nofile": resource.RLIMIT_NOFILE,
    "core": resource.RLIMIT_CORE,
}

# Exceptions the grader may re-raise as themselves; anything else arrives as a generic error.
BUILTIN_EXCEPTIONS = {
    name for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException)
}


def set_limits(limits):
    for name, value in limits.items():
        which = LIMITS[name]
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))


def strip_magics(source):
    """Drop IPython-only syntax: a ``%%`` cell entirely, ``%``/``!`` lines become ``pass``."""
    if source.lstrip().startswith("%%"):
        return ""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and "#" not in stripped):
            indent = line[: len(line) - len(stripped)]
            lines.append(indent + "pass")
        else:
            lines.append(line)
    return "\n".join(lines)


def _imports_autograder(node):
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[0] == "autograder" for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "autograder" and node.level == 0
    return False


def compile_cell(source, index):
    """Compile one cell; top-level imports of ``autograder`` are dropped (it is not here)."""
    tree = ast.parse(strip_magics(source), filename=f"<cell {index}>")
    tree.body = [node for node in tree.body if not _imports_autograder(node)]
    return compile(tree, f"<cell {index}>", "exec")


def describe(exc):
    """(builtin base name, text) of an exception, for the grader."""
    base = next((k.__name__ for k in type(exc).__mro__ if k.__name__ in BUILTIN_EXCEPTIONS
                 and getattr(builtins, k.__name__, None) is k), "BaseException")
    try:
        text = str(exc)
    except BaseException:
        text = "<unprintable>"
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<cell "):
            line = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    where = f" ({line[0][1:-1]}, line {line[1]})" if line else ""
    return base, type(exc).__name__, text[:2000], where


def main():
    config = json.loads(sys.argv[1])
    set_limits(config["limits"])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the size limit fail instead
    sys.path[:0] = [config["lib"], *config["site"]]
    sys.dont_write_bytecode = True

    import numpy  # noqa: F401  (before student code, so a broken numpy shows up here)
    import protocol as wire

    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdin = open(os.devnull)
    sys.stdout = open(os.devnull, "w")

    def send(header, arrays=()):
        out.write(wire.pack(header, arrays))

    first = wire.read_frame_blocking(inp)
    if first is None:
        return
    init, _ = first
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    skip = set(init.get("skip", []))
    for i, source in enumerate(init["cells"]):
        if i in skip:
            send({"op": "cell", "i": i, "status": "skipped"})
            continue
        try:
            code = compile_cell(source, i)
            exec(code, namespace)
        except BaseException as exc:  # noqa: B036  (student code may raise anything)
            base, name, text, where = describe(exc)
            send({"op": "cell", "i": i, "status": "error", "type": name, "base": base,
                  "message": text, "where": where})
        else:
            send({"op": "cell", "i": i, "status": "ok"})
    functions = {}
    for name in init["functions"]:
        obj = namespace.get(name)
        functions[name] = "callable" if callable(obj) else ("missing" if obj is None else
                                                            "not-callable")
    send({"op": "ready", "functions": functions})

    while True:
        frame = wire.read_frame_blocking(inp)
        if frame is None:
            return
        request, arrays = frame
        if request.get("op") != "call":
            send({"op": "error", "message": "unknown request"})
            continue
        try:
            args = wire.decode_value(request["args"], arrays)
            kwargs = wire.decode_value(request.get("kwargs", {"t": "dict", "v": []}), arrays)
            fn = namespace.get(request["name"])
            value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: B036
            base, name, text, where = describe(exc)
            send({"op": "raised", "type": name, "base": base, "message": text, "where": where})
            continue
        try:
            tree, blobs = wire.coerce_result(value)
        except wire.UnsupportedValue as exc:
            send({"op": "unsupported", "message": str(exc)})
        except BaseException as exc:  # noqa: B036  (e.g. MemoryError while encoding)
            base, name, text, where = describe(exc)
            send({"op": "raised", "type": name, "base": base, "message": text, "where": where})
        else:
            send({"op": "result", "value": tree}, blobs)


if __name__ == "__main__":
    main()
