"""The wire format between the grader and a sandboxed submission: JSON plus raw ``.npy``.

This module is used on both sides of the boundary, so it imports only the standard library and
NumPy (the sandbox cannot import ``autograder``; the file is bound into it on its own).

A frame is ``MAGIC``, two big-endian lengths (header, blob), a UTF-8 JSON header and a blob of
concatenated ``.npy`` arrays. Values travel as a JSON tree whose leaves are ``None``, bools,
ints (as decimal strings), floats (as ``float.hex``), complex numbers, strings, or references
to arrays in the blob. Arrays are read back with ``allow_pickle=False`` and must have a
boolean or numeric dtype, so nothing on the wire can run code or smuggle an object with a
custom ``__eq__`` into the grader.
"""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np

MAGIC = b"CEG1"
_LENGTHS = struct.Struct(">II")
MAX_HEADER = 8 * 2**20  # bytes of JSON in one frame
MAX_BLOB = 256 * 2**20  # bytes of array data in one frame
MAX_DEPTH = 32  # nesting of lists/tuples/dicts
MAX_NODES = 200_000  # leaves and containers in one value
ARRAY_KINDS = "biufc"  # bool, signed, unsigned, float, complex


class ProtocolError(Exception):
    """A frame or value that does not follow the wire format."""


class UnsupportedValue(ProtocolError):
    """A value that cannot be sent as plain data (for example an arbitrary object)."""


# --------------------------------------------------------------------------- values


class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[bytes] = []
        self.size = 0
        self.nodes = 0

    def array(self, a: np.ndarray, scalar: bool) -> dict:
        if a.dtype.kind not in ARRAY_KINDS or a.dtype.fields is not None:
            raise UnsupportedValue(f"an array of dtype {a.dtype} (expected numbers or booleans)")
        if self.size + a.nbytes > MAX_BLOB:
            raise UnsupportedValue("more than %d MB of array data" % (MAX_BLOB >> 20))
        buf = io.BytesIO()
        np.lib.format.write_array(buf, a if a.flags.c_contiguous else a.copy(order="C"),
                                allow_pickle=False)
        data = buf.getvalue()
        self.size += len(data)
        if self.size > MAX_BLOB:
            raise UnsupportedValue("more than %d MB of array data" % (MAX_BLOB >> 20))
        self.arrays.append(data)
        return {"t": "array", "i": len(self.arrays) - 1, "scalar": scalar}

    def value(self, x, depth: int = 0) -> dict:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise UnsupportedValue("a value with too many elements")
        if depth > MAX_DEPTH:
            raise UnsupportedValue("a value nested too deeply")
        if x is None:
            return {"t": "none"}
        if isinstance(x, np.ndarray):
            return self.array(np.asarray(x), scalar=False)
        if isinstance(x, np.generic):
            return self.array(np.asarray(x), scalar=True)
        if isinstance(x, bool):
            return {"t": "bool", "v": bool(x)}
        if isinstance(x, int):
            return {"t": "int", "v": str(int(x))}
        if isinstance(x, float):
            return {"t": "float", "v": float(x).hex()}
        if isinstance(x, complex):
            c = complex(x)
            return {"t": "complex", "re": c.real.hex(), "im": c.imag.hex()}
        if isinstance(x, str):
            return {"t": "str", "v": str(x)}
        if isinstance(x, (list, tuple)):
            kind = "tuple" if isinstance(x, tuple) else "list"
            return {"t": kind, "v": [self.value(item, depth + 1) for item in list(x)]}
        if isinstance(x, dict):
            items = []
            for k, v in list(x.items()):
                if not isinstance(k, str):
                    raise UnsupportedValue("a dict with non-string keys")
                items.append([str(k), self.value(v, depth + 1)])
            return {"t": "dict", "v": items}
        raise UnsupportedValue(f"an object of type {type(x).__name__}")


def encode_value(x) -> tuple[dict, list[bytes]]:
    """Encode ``x`` as (JSON tree, list of .npy byte strings); raise UnsupportedValue."""
    enc = _Encoder()
    return enc.value(x), enc.arrays


def encode_values(*values) -> tuple[list[dict], list[bytes]]:
    """Encode several values sharing one array list (for example args and kwargs)."""
    enc = _Encoder()
    return [enc.value(v) for v in values], enc.arrays


def coerce_result(x):
    """Best effort, in the sandbox: turn array-likes into arrays before encoding."""
    try:
        return encode_value(x)
    except UnsupportedValue:
        if isinstance(x, (list, tuple, dict, str, bytes)) or x is None:
            raise
        try:
            a = np.asarray(x)
        except Exception:
            raise UnsupportedValue(f"an object of type {type(x).__name__}") from None
        if a.dtype.kind not in ARRAY_KINDS:
            raise UnsupportedValue(f"an object of type {type(x).__name__}") from None
        return encode_value(a)


def _read_array(data: bytes) -> np.ndarray:
    buf = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(buf)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(buf)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(buf)
        else:
            raise ProtocolError(f"unsupported .npy version {version}")
    except ProtocolError:
        raise
    except Exception as exc:
        raise ProtocolError(f"bad .npy header: {exc}") from None
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"array dtype {dtype} is not allowed")
    count = math.prod(shape)
    if count * dtype.itemsize != len(data) - buf.tell():
        raise ProtocolError("array data does not match its header")
    buf.seek(0)
    try:
        a = np.lib.format.read_array(buf, allow_pickle=False)
    except Exception as exc:
        raise ProtocolError(f"bad .npy data: {exc}") from None
    return a


class _Decoder:
    def __init__(self, arrays: list[bytes]) -> None:
        self.arrays = arrays
        self.nodes = 0

    def value(self, node, depth: int = 0):
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise ProtocolError("value too large or nested too deeply")
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise ProtocolError("malformed value")
        t = node["t"]
        try:
            if t == "none":
                return None
            if t == "bool":
                v = node["v"]
                if type(v) is not bool:
                    raise ProtocolError("malformed bool")
                return v
            if t == "int":
                v = node["v"]
                if type(v) is not str or len(v) > 5000:
                    raise ProtocolError("malformed int")
                return int(v)
            if t == "float":
                return float.fromhex(_str(node["v"]))
            if t == "complex":
                return complex(float.fromhex(_str(node["re"])), float.fromhex(_str(node["im"])))
            if t == "str":
                return _str(node["v"])
            if t in ("list", "tuple"):
                items = node["v"]
                if type(items) is not list:
                    raise ProtocolError("malformed sequence")
                out = [self.value(item, depth + 1) for item in items]
                return tuple(out) if t == "tuple" else out
            if t == "dict":
                items = node["v"]
                if type(items) is not list:
                    raise ProtocolError("malformed dict")
                out = {}
                for pair in items:
                    if type(pair) is not list or len(pair) != 2:
                        raise ProtocolError("malformed dict item")
                    out[_str(pair[0])] = self.value(pair[1], depth + 1)
                return out
            if t == "array":
                i = node["i"]
                if type(i) is not int or not 0 <= i < len(self.arrays):
                    raise ProtocolError("bad array reference")
                a = _read_array(self.arrays[i])
                if node.get("scalar") is True:
                    if a.shape != ():
                        raise ProtocolError("scalar with a shape")
                    return a[()]
                return a
        except (KeyError, ValueError, OverflowError, TypeError) as exc:
            raise ProtocolError(f"malformed {t}: {exc}") from None
        raise ProtocolError(f"unknown value type {t!r}")


def _str(v) -> str:
    if type(v) is not str:
        raise ProtocolError("expected a string")
    return v


def decode_value(node, arrays: list[bytes]):
    """Rebuild a plain value (None, bool, int, float, complex, str, list, tuple, dict, ndarray)."""
    return _Decoder(arrays).value(node)


# --------------------------------------------------------------------------- frames


def pack(header: dict, arrays: list[bytes] = ()) -> bytes:
    """One frame: MAGIC, lengths, JSON header (with array offsets), concatenated arrays."""
    sizes = [len(a) for a in arrays]
    head = dict(header, _arrays=sizes)
    h = json.dumps(head, separators=(",", ":"), allow_nan=False).encode()
    blob = b"".join(arrays)
    return MAGIC + _LENGTHS.pack(len(h), len(blob)) + h + blob


def parse_lengths(prefix: bytes) -> tuple[int, int]:
    """Validate the fixed-size frame prefix and return (header length, blob length)."""
    if len(prefix) != len(MAGIC) + _LENGTHS.size or prefix[: len(MAGIC)] != MAGIC:
        raise ProtocolError("bad frame prefix")
    hlen, blen = _LENGTHS.unpack(prefix[len(MAGIC):])
    if hlen > MAX_HEADER or blen > MAX_BLOB:
        raise ProtocolError("frame too large")
    return hlen, blen


PREFIX_SIZE = len(MAGIC) + _LENGTHS.size


def unpack(head: bytes, blob: bytes) -> tuple[dict, list[bytes]]:
    """Parse a frame body into (header dict, list of .npy byte strings)."""
    try:
        header = json.loads(head.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"bad frame header: {exc}") from None
    if not isinstance(header, dict):
        raise ProtocolError("frame header is not an object")
    sizes = header.pop("_arrays", [])
    if type(sizes) is not list or not all(type(s) is int and s >= 0 for s in sizes):
        raise ProtocolError("bad array sizes")
    if sum(sizes) != len(blob):
        raise ProtocolError("array sizes do not match the blob")
    arrays, offset = [], 0
    for s in sizes:
        arrays.append(blob[offset: offset + s])
        offset += s
    return header, arrays


def _no_constants(name: str):
    raise ValueError(f"{name} is not allowed")


def read_frame_blocking(stream) -> tuple[dict, list[bytes]] | None:
    """Read one frame from a binary stream (sandbox side); None at end of stream."""
    prefix = _read_exact(stream, PREFIX_SIZE)
    if prefix is None:
        return None
    hlen, blen = parse_lengths(prefix)
    head = _read_exact(stream, hlen)
    blob = _read_exact(stream, blen) if blen else b""
    if head is None or blob is None:
        raise ProtocolError("truncated frame")
    return unpack(head, blob)


def _read_exact(stream, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None if left == n and not chunks else None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
