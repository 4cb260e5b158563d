"""TF's own unary ops: without a formula a check PASSes (TF's gradients are right); with the
derivative of another op it FAILs. Derivatives come from SymPy, at points inside each domain."""

import numpy as np
import pytest
import sympy
import tensorflow as tf
from conftest import slow_but

from tfbasics import check_gradient

x = sympy.Symbol("x", real=True)
# op, its SymPy twin, points inside its domain (away from kinks and poles)
OPS = {
    "sin": (tf.sin, sympy.sin(x), [-2.0, 0.3, 1.7]),
    "cos": (tf.cos, sympy.cos(x), [-2.0, 0.3, 1.7]),
    "tan": (tf.tan, sympy.tan(x), [-1.2, 0.3, 1.4]),
    "asin": (tf.asin, sympy.asin(x), [-0.9, 0.2, 0.99]),
    "acos": (tf.acos, sympy.acos(x), [-0.9, 0.2, 0.99]),
    "atan": (tf.atan, sympy.atan(x), [-3.0, 0.3, 2.0]),
    "sinh": (tf.sinh, sympy.sinh(x), [-2.0, 0.3, 3.0]),
    "cosh": (tf.cosh, sympy.cosh(x), [-2.0, 0.3, 3.0]),
    "tanh": (tf.tanh, sympy.tanh(x), [-2.0, 0.3, 3.0]),
    "asinh": (tf.asinh, sympy.asinh(x), [-2.0, 0.3, 3.0]),
    "acosh": (tf.acosh, sympy.acosh(x), [1.01, 1.5, 4.0]),
    "atanh": (tf.atanh, sympy.atanh(x), [-0.9, 0.2, 0.99]),
    "exp": (tf.exp, sympy.exp(x), [-2.0, 0.3, 3.0]),
    "expm1": (tf.math.expm1, sympy.exp(x) - 1, [-2.0, 1e-3, 3.0]),
    "log": (tf.math.log, sympy.log(x), [1e-3, 0.3, 5.0]),
    "log1p": (tf.math.log1p, sympy.log(1 + x), [-0.9, 1e-3, 5.0]),
    "sqrt": (tf.sqrt, sympy.sqrt(x), [1e-3, 0.3, 5.0]),
    "rsqrt": (tf.math.rsqrt, 1 / sympy.sqrt(x), [0.05, 0.3, 5.0]),
    "reciprocal": (tf.math.reciprocal, 1 / x, [-2.0, 0.3, 5.0]),
    "square": (tf.square, x**2, [-2.0, 0.3, 5.0]),
    "sigmoid": (tf.sigmoid, 1 / (1 + sympy.exp(-x)), [-4.0, 0.3, 2.0]),
    "softplus": (tf.nn.softplus, sympy.log(1 + sympy.exp(x)), [-4.0, 0.3, 2.0]),
    "softsign": (tf.nn.softsign, x / (1 + sympy.Abs(x)), [-4.0, 0.3, 2.0]),
    "elu": (tf.nn.elu, sympy.Piecewise((x, x > 0), (sympy.exp(x) - 1, True)),
            [-2.0, -0.3, 1.5]),
    "selu": (tf.nn.selu, 1.0507009873554805 * sympy.Piecewise(
        (x, x > 0), (1.6732632423543772 * (sympy.exp(x) - 1), True)), [-2.0, -0.3, 1.5]),
    "swish": (tf.nn.silu, x / (1 + sympy.exp(-x)), [-3.0, 0.3, 2.0]),
    "gelu": (tf.nn.gelu, x / 2 * (1 + sympy.erf(x / sympy.sqrt(2))), [-2.0, 0.3, 1.5]),
    "log_sigmoid": (tf.math.log_sigmoid, -sympy.log(1 + sympy.exp(-x)), [-3.0, 0.3, 2.0]),
    "erf": (tf.math.erf, sympy.erf(x), [-1.5, 0.3, 2.0]),
    "erfc": (tf.math.erfc, sympy.erfc(x), [-1.5, 0.3, 2.0]),
    "lgamma": (tf.math.lgamma, sympy.loggamma(x), [0.2, 1.7, 6.0]),
    "digamma": (tf.math.digamma, sympy.polygamma(0, x), [0.2, 1.7, 6.0]),
    "relu": (tf.nn.relu, sympy.Piecewise((x, x > 0), (0, True)), [-2.0, -0.3, 1.5]),
    "relu6": (tf.nn.relu6, sympy.Piecewise((0, x < 0), (x, x < 6), (6, True)),
              [-1.0, 0.3, 7.0]),
    "abs": (tf.abs, sympy.Abs(x), [-2.0, -0.3, 1.5]),
    "negative": (tf.negative, -x, [-2.0, 0.3, 1.5]),
    "bessel_i0e": (tf.math.bessel_i0e, sympy.besseli(0, x) * sympy.exp(-x), [0.3, 1.5, 4.0]),
}


# TF computes gelu with erfc, whose float64 kernel is accurate to about 1e-8 only: the tape's
# float64 gelu gradient differs from the exact one by up to 4e-8 (relative).
RTOL = {("gelu", np.float64): 1e-7}


def derivative(expression):
    """Return the derivative of a SymPy expression in x as a float function."""
    slope = sympy.diff(expression, x)

    def at(value):  # NaN outside the op's real domain
        number = complex(slope.subs(x, float(value)).evalf())
        return number.real if number.imag == 0 else float("nan")

    return at


# The inner loop checks a smooth op, one with a domain edge and a kinked one.
FAST = ("sin", "log", "relu")


@pytest.mark.parametrize("name", slow_but(sorted(OPS), *map(sorted(OPS).index, FAST)))
def test_tf_s_gradient_passes_and_another_op_s_fails(name):
    # The op applied to its three points at once: the check compares element by element, so
    # each point is checked on its own (the sum's gradient is the elementwise derivative).
    op, expression, points = OPS[name]
    others = [other for other in sorted(OPS) if other != name]
    for dtype in (np.float32, np.float64):
        w = np.array(points, dtype)
        exact = np.array([derivative(expression)(v) for v in w])
        assert check_gradient(op, w).passed, (name, w, str(check_gradient(op, w)))
        rtol = RTOL.get((name, dtype))
        right = check_gradient(op, w, analytic=exact.astype(dtype), rtol=rtol)
        assert right.passed, (name, w, exact, str(right))
        # another op's derivative at each point, where the two differ (elsewhere the right one)
        wrong = exact.copy()
        for k, v in enumerate(w):
            other = others[(7 * k + len(name)) % len(others)]
            slope = derivative(OPS[other][1])(v)
            if np.isfinite(slope) and abs(slope - exact[k]) > 1e-2 * max(abs(exact[k]), 1e-2):
                wrong[k] = slope
        differ = [k for k in range(len(w)) if wrong[k] != exact[k]]
        if differ:
            check = check_gradient(op, w, analytic=wrong.astype(dtype), rtol=rtol)
            assert not check.passed, (name, w, exact, wrong, str(check))
            assert check.culprit == "analytic", check.note
            assert int(check.worst.split("[")[1].rstrip("]")) in differ, check.worst
