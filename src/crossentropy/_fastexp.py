"""The exponential used in the hot loops of the losses.

NumPy's SIMD ``exp2`` for float32 is about twice as fast as its ``exp`` (0.21 against 0.46
ns per element here), so for float32 ``exp(x)`` is computed as ``exp2(x * log2(e))``. The
rounding of the product adds a relative error of at most ``|x| * 2**-24`` (1e-6 at |x| = 17;
the callers keep |x| that small wherever the result matters). float64 uses ``exp``.
"""

import numpy as np

_LOG2_E = 1.4426950408889634


def exp(x, out, sign=1):
    """Write ``exp(sign * x)`` into ``out`` (float32 or float64; may be ``x`` itself)."""
    if out.dtype == np.float32:
        np.multiply(x, np.float32(sign * _LOG2_E), out=out)
        return np.exp2(out, out=out)
    if sign == -1:
        x = np.negative(x, out=out)
    return np.exp(x, out=out)
