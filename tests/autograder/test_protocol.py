"""The plain-data channel: what may cross the sandbox boundary, and what may not."""

import io

import numpy as np
import pytest

from autograder.grading import protocol as wire


def roundtrip(value):
    tree, arrays = wire.encode_value(value)
    frame = wire.pack({"op": "result", "value": tree}, arrays)
    stream = io.BytesIO(frame)
    header, arrays = wire.read_frame_blocking(stream)
    return wire.decode_value(header["value"], arrays)


@pytest.mark.parametrize("value", [
    None, True, 3, 2**80, -1.5, float("inf"), complex(1, -2), "ß",
    (1, [2.0, None]), {"a": (1, 2)}, np.float32(0.25), np.arange(6).reshape(2, 3),
    np.array([True, False]), np.zeros((0, 3)), np.array(1 + 2j),
])
def test_plain_values_survive_the_round_trip(value):
    got = roundtrip(value)
    if isinstance(value, (np.ndarray, np.generic)):
        assert np.asarray(got).dtype == np.asarray(value).dtype
        np.testing.assert_array_equal(got, value)
    else:
        assert got == value and type(got) is type(value)


def test_nan_survives_as_a_float():
    assert np.isnan(roundtrip(float("nan")))


@pytest.mark.parametrize("value", [object(), np.array([object()]), {1: 2}, b"bytes",
                                   np.zeros(2, dtype=[("a", "f8")])])
def test_objects_cannot_be_sent(value):
    with pytest.raises(wire.UnsupportedValue):
        wire.encode_value(value)


def test_an_always_equal_object_is_refused_even_if_array_like():
    class Yes:
        def __eq__(self, other):
            return True

    with pytest.raises(wire.UnsupportedValue):
        wire.coerce_result(Yes())


def test_pickled_object_array_in_npy_is_rejected():
    buf = io.BytesIO()
    np.save(buf, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(wire.ProtocolError):
        wire.decode_value({"t": "array", "i": 0, "scalar": False}, [buf.getvalue()])


def test_truncated_array_data_is_rejected():
    _, arrays = wire.encode_value(np.arange(10.0))
    with pytest.raises(wire.ProtocolError):
        wire.decode_value({"t": "array", "i": 0, "scalar": False}, [arrays[0][:-8]])


@pytest.mark.parametrize("node", [{"t": "eval", "v": "1"}, {"t": "int", "v": 3},
                                  {"t": "list", "v": "x"}, ["t"], {"t": "array", "i": 5}])
def test_malformed_values_are_rejected(node):
    with pytest.raises(wire.ProtocolError):
        wire.decode_value(node, [])


def test_bad_frames_are_rejected():
    with pytest.raises(wire.ProtocolError):
        wire.parse_lengths(b"XXXX" + bytes(8))
    with pytest.raises(wire.ProtocolError):
        wire.parse_lengths(wire.MAGIC + (2**31).to_bytes(4, "big") + bytes(4))
    with pytest.raises(wire.ProtocolError):
        wire.unpack(b'{"op": NaN}', b"")
