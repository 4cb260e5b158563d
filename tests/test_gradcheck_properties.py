"""check_gradient on random expressions, with SymPy deriving every gradient independently."""

import os

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import build
from strategies import trees as shared_trees

from tfbasics import check_gradient

SYMBOLS = sympy.symbols("x0 x1 x2")
SMOOTH = ("sin", "cos", "tanh", "exp", "log", "square")


def trees(count):
    """Expression trees over `count` variables, of at most 6 leaves."""
    return shared_trees(count, unary=SMOOTH, max_leaves=6)


@st.composite
def problems(draw):
    """A random expression in one to three variables, a point, and a float dtype."""
    count = draw(st.integers(1, 3))
    tree = draw(trees(count))
    point = draw(st.lists(st.floats(-1.5, 1.5, allow_nan=False).map(lambda v: round(v, 3)),
                          min_size=count, max_size=count))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return count, tree, np.array(point, dtype=dtype), dtype


def sympy_gradient(tree, count, point):
    """Return the gradient SymPy derives, evaluated in float64 at the point."""
    expression = build(tree, SYMBOLS[:count], 1)
    values = dict(zip(SYMBOLS[:count], map(float, point), strict=True))
    return [float(sympy.diff(expression, s).subs(values)) for s in SYMBOLS[:count]]


def tf_function(tree):
    """Return f(*xs) built from TF ops; every variable is connected (0·x where unused)."""
    def f(*xs):
        return build(tree, xs, 0) + sum(0.0 * x for x in xs)
    return f


def label(i, count):
    """Return check_gradient's name for argument i of a function of *xs."""
    return "w" if count == 1 else f"w{i}"


# TFBASICS_EXAMPLES=1000 pytest ... tries more expressions than CI's suite has time for.
SETTINGS = settings(max_examples=int(os.environ.get("TFBASICS_EXAMPLES", 80)),
                    derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@SETTINGS
@given(problems())
def test_every_leg_agrees_with_sympy(problem):
    count, tree, point, dtype = problem
    expected = sympy_gradient(tree, count, point)
    args = [dtype(v) for v in point]
    analytic = expected[0] if count == 1 else expected
    check = check_gradient(tf_function(tree), *args, analytic=analytic)
    assert check.passed, f"{tree} at {point} ({dtype.__name__}): {check}"
    assert set(check.legs) == {"analytic", "reverse", "forward", "finite_difference"}


@pytest.mark.slow
@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(problems(), st.data())
def test_a_wrong_formula_is_blamed_on_the_formula(problem, data):
    count, tree, point, dtype = problem
    expected = sympy_gradient(tree, count, point)
    wrong = data.draw(st.integers(0, count - 1))
    expected[wrong] += 1.0  # off by one in one element: far beyond any tolerance
    args = [dtype(v) for v in point]
    check = check_gradient(tf_function(tree), *args,
                           analytic=expected[0] if count == 1 else expected)
    assert not check.passed
    assert check.blame.startswith("your analytic formula disagrees with the tape"), check.blame
    assert check.worst == label(wrong, count)
    assert "check the formula" in check.blame
