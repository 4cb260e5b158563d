"""The Taylor test: is g the gradient? A verdict without a tolerance.

Along a direction u, f(w + h·u) = f(w) + h·uᵀ∇f + O(h²). So the remainder
r(h) = |f(w + h·u) - f(w) - h·uᵀg| shrinks as h² when g is the gradient, and only as h when
it is not: halve h and r drops 4-fold, or only 2-fold. The observed order (the slope of
log r against log h) is the verdict, whatever the scale of f. The adjoint community calls this
a Taylor test (dolfin-adjoint's `taylor_test`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tfbasics.gradcheck import _evaluate, _points, _prepare, _project

_STEPS = 39  # h = 2^-2 ... 2^-40 (times the direction's scale), down to rounding noise
_CLEAN = 100  # a remainder counts when it is this many times f's rounding noise
_DIRECTIONS = (-1, -2, -3)  # three seeded random directions: g must fit f along each
_AXES_UP_TO = 32  # and every axis too, for w of at most this many elements


@dataclass
class TaylorTest:
    """A Taylor test's steps h, remainders r(h), observed order and verdict."""

    name: str
    steps: np.ndarray
    remainders: np.ndarray
    order: float | None  # the slope of log r against log h where r is above rounding noise
    passed: bool  # order ≥ 1.5 (or f linear along u and g exact)
    note: str = ""

    def __str__(self) -> str:
        order = "—" if self.order is None else f"{self.order:.2f}"
        return (f"{'PASS' if self.passed else 'FAIL'}  {self.name}\n      remainder shrinks "
                f"as h^{order} (2 for the gradient, 1 otherwise)"
                + (f"\n      {self.note}" if self.note else ""))


def _order(steps: np.ndarray, remainders: np.ndarray, noise: float,
           slack: float = 0.0) -> float | None:
    """Return the order at the smallest steps where r is still well above rounding noise.

    A wrong gradient's error term h·uᵀ(g - ∇f) wins over the h² term only once h is small
    enough, so the order is read there: the median slope of log r against log h over the last
    three pairs of neighbouring clean steps. `slack`·h is what g's own rounding adds (a
    float32 gradient against f in float64): along a direction where f is linear it is all
    the remainder there is, and it is not an error in g.
    """
    clean = np.isfinite(remainders) & (remainders > _CLEAN * noise + slack * steps)
    slopes = [np.log2(remainders[k] / remainders[k + 1]) / np.log2(steps[k] / steps[k + 1])
              for k in range(len(steps) - 1) if clean[k] and clean[k + 1]]
    return float(np.median(slopes[-3:])) if len(slopes) >= 2 else None


def taylor_test(f: Callable[..., Any], *args: Any, gradient: Any = None,
                name: str | None = None) -> TaylorTest:
    """Check that `gradient` (default: the tape's) is the gradient of f at args, by the order
    at which the first-order Taylor remainder shrinks along three seeded random directions,
    and along every axis when w has at most 32 elements (the smallest order counts;
    `remainders` are the first direction's). Above 32 elements an error in g orthogonal to
    the three random directions can hide: `check_gradient` compares every element.

    `gradient` is a value or a function of the arguments, one per argument, as `analytic`
    in `check_gradient`. f is evaluated in float64 where it allows; where it does not (f
    captures float32 variables or constants) the remainder meets rounding noise sooner, and
    an error in g below about 1% may hide. See the `advanced_autodiff` lesson.

    >>> taylor_test(lambda w: w**3, 2.0, gradient=lambda w: 3 * w**2).order   # ≈ 2.0
    >>> taylor_test(lambda w: w**3, 2.0, gradient=lambda w: 2 * w**2).order   # ≈ 1.0
    """
    problem, reverse, expected = _prepare(f, args, gradient, None, None, "full")
    title = name or f"Taylor test of {'your gradient' if gradient is not None else 'the tape'}"
    if expected is not None and any((e is None) != (g is None)
                                    for e, g in zip(expected, reverse, strict=True)):
        raise ValueError("gradient gives None where the tape gives a value (or the reverse): "
                         "a None gradient is not zero; give a value for each argument")
    if not problem.live:
        raise ValueError("f does not depend on its arguments (every gradient is None): there "
                         "is nothing to test (see explain_none)")
    g = problem.formula if problem.formula is not None else problem.tape
    steps = 2.0 ** -np.arange(2, 2 + _STEPS)
    if not np.all(np.isfinite(g)):
        where = problem.label(int(np.argmin(np.isfinite(g))))
        return TaylorTest(title, steps, np.full(_STEPS, np.nan), None, False,
                          f"the gradient is not finite at {where}")
    eps = np.finfo(problem.fd_dtype.real_dtype.as_numpy_dtype).eps
    own_eps = np.finfo(problem.dtype.real_dtype.as_numpy_dtype).eps  # g's own rounding
    tests = []
    axes = tuple(range(problem.n)) if problem.n <= _AXES_UP_TO else ()
    for direction in _DIRECTIONS + axes:  # seeded random directions, and each axis if few
        slope = float(_project(problem, g, np.array([direction]))[0])
        values = _evaluate(problem, _STEPS, lambda rows, d=direction: _points(
            problem, np.full(rows.stop - rows.start, d), steps[rows]))
        remainders = np.abs(values - problem.f0 - steps * slope)
        noise = eps * max(abs(problem.f0), float(np.max(np.abs(values), initial=0.0)))
        slack = 8 * own_eps * float(_project(problem, np.abs(g), np.array([direction]))[0])
        tests.append((_order(steps, remainders, noise, abs(slack)), remainders, noise))
    orders = [order for order, _, _ in tests if order is not None]
    remainders = tests[0][1]
    if not orders and all(np.all(r[np.isfinite(r)] <= _CLEAN * noise) for _, r, noise in tests):
        return TaylorTest(title, steps, remainders, None, True,
                          "the remainder is rounding noise at every step: f is linear along "
                          "each direction and g matches its slope")
    if not orders:
        return TaylorTest(title, steps, remainders, None, False,
                          "too few steps where f is finite and the remainder is above rounding "
                          "noise to measure an order; try another point")
    order = min(orders)  # the worst direction decides
    return TaylorTest(title, steps, remainders, order, order >= 1.5,
                      "" if len(orders) == len(tests) else
                      f"measured along {len(orders)} of {len(tests)} directions")
