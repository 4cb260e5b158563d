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

from tfbasics._sources import keeps_variables
from tfbasics.gradcheck.directions import ALL_ONES, abs_dot, evaluate, points_along, project
from tfbasics.gradcheck.finite_differences import richardson
from tfbasics.gradcheck.problem import prepare

_STEPS = 39  # h = 2^-2 ... 2^-40 (times the direction's scale), down to rounding noise
_CLEAN = 100  # a remainder counts when it is this many times f's rounding noise
_DIRECTIONS = (-1, -2, -3)  # three seeded random directions: g must fit f along each
_AXES_UP_TO = 32  # and every axis too, for w of at most this many elements
_FLAT = 2  # f does not move beyond this many times its rounding: flat along u
_TAIL = 4  # the smallest steps, whose remainders show f's rounding as it is
_RESOLVES = 1e-2  # the steps must be able to see an error of 1% of the terms of uᵀg: the
# error they show, with rounding's share, must be under half of that
_STILL_FROM = 18  # from h = 2^-20 on, f not moving at all is rounding, not a coincidence


@dataclass
class TaylorTest:
    """A Taylor test's steps h, remainders r(h), observed order and verdict."""

    name: str
    steps: np.ndarray
    remainders: np.ndarray
    order: float | None  # the slope of log r against log h where r is above rounding noise
    passed: bool  # order ≥ 1.5 where the steps resolve a 1% error (or f linear, g exact)
    note: str = ""

    def __str__(self) -> str:
        order = "—" if self.order is None else f"{self.order:.2f}"
        return (f"{'PASS' if self.passed else 'FAIL'}  {self.name}\n      remainder shrinks "
                f"as h^{order} (2 for the gradient, 1 otherwise)"
                + (f"\n      {self.note}" if self.note else ""))


def _clean(steps: np.ndarray, remainders: np.ndarray, noise: np.ndarray,
           slack: float = 0.0) -> np.ndarray:
    """Return where r stands well above the rounding noise at each step (and g's own
    rounding, `slack`·h:
    a float32 gradient against f in float64, which along a direction where f is linear is
    all the remainder there is, and not an error in g)."""
    return np.isfinite(remainders) & (remainders > _CLEAN * noise + slack * steps)


def _order(steps: np.ndarray, remainders: np.ndarray, clean: np.ndarray) -> float | None:
    """Return the order at the smallest steps where r is still well above rounding noise.

    A wrong gradient's error term h·uᵀ(g - ∇f) wins over the h² term only once h is small
    enough, so the order is read there: the median slope of log r against log h over the last
    three pairs of neighbouring clean steps.

    An order below 1.5 is returned only where r shrinks at each of those pairs (a slope of
    at least 1/2): an error term e·h does. Where r grows as h shrinks, the clean steps are
    the largest few only, before r settles to its leading term (w·tanh w near its inflection
    in float32: h² and h³ cancel there), and the reading is None: no order is known.
    """
    slopes = [np.log2(remainders[k] / remainders[k + 1]) / np.log2(steps[k] / steps[k + 1])
              for k in range(len(steps) - 1) if clean[k] and clean[k + 1]]
    if len(slopes) < 2:
        return None
    order = float(np.median(slopes[-3:]))
    return None if order < 1.5 and min(slopes[-3:]) < 0.5 else order


def _vanishes(remainders: np.ndarray, clean: np.ndarray) -> bool:
    """Tell whether r vanishes below the smallest clean step rather than fading into rounding.

    An error in g leaves r(h) ≈ h·|uᵀ(g - ∇f)| at every small step: below the last clean step
    r halves with h until it meets f's rounding (the two steps after it keep a quarter and an
    eighth of it; a zero of r where g's error and f's curvature cancel spoils one of them at
    most). A step that straddles a kink (|a|, relu) of f gives an order-1 remainder too, but
    only while it straddles: below, r is f's rounding at once, under a sixteenth of the last
    clean one at both steps.
    """
    k = int(np.flatnonzero(clean)[-1])
    after = remainders[k + 2:k + 4]
    return after.size == 2 and bool(np.all(np.isfinite(after))) and bool(
        np.all(after < remainders[k] / 16.0))


def _resolution(steps: np.ndarray, signed: np.ndarray, clean: np.ndarray,
                noise: np.ndarray, floor: float) -> float:
    """Return how large an error e = uᵀ(∇f - g) may be, for all the steps show.

    Where two neighbouring steps h and 2h are clean, their signed remainders R = e·h + b·h²
    + c·h³ + d·h⁴ give E(h) = (4·R(h) - R(2h)) / 2h = e - 2c·h² - 6d·h³: the curvature
    cancelled, give or take their rounding, u(h) = (4·noise(h) + noise(2h)) / 2h. What is
    left, β(h) = -2c·h² - 6d·h³, shrinks 4- to 8-fold a step, so the estimates a step up and
    a step down measure it: |β(h)| ≤ |E(2h) - E(h)| / 3 and ≤ 4·|E(h) - E(h/2)| / 3 (the
    larger counts: one of them may vanish where the cubic and quartic terms cancel, never
    both). So |e| ≤ |E(h)| + that + the rounding, at every h with both neighbours; small
    steps leave more rounding, large ones more β, and the best h counts. Without three
    neighbouring clean pairs, the larger of the last two E's and r(h)/h at the last clean
    step. (r(h)/h alone would count f's curvature b·h as error, and understate e where e·h
    cancels b·h²: w² + 3e10 with g 2.5% off, r/h is 0.6% of g at the last clean step.) With
    no clean step, the error term stayed under the rounding `floor` even at the largest.
    """
    if not clean.any():
        return float(floor / steps[0])
    last = int(np.flatnonzero(clean)[-1])
    pairs = np.flatnonzero(clean[1:] & clean[:-1]) + 1
    if not pairs.size:
        return float(abs(signed[last]) / steps[last])
    # E(h): R(h)/h = e + b·h + …, extrapolated from h and 2h with its order-1 term cancelled
    estimates = richardson(signed[pairs] / steps[pairs], signed[pairs - 1] / steps[pairs - 1],
                           1)[0]
    rounding = (4 * noise[pairs] + noise[pairs - 1]) / (2 * steps[pairs])
    bounds = [abs(estimates[j]) + max(abs(estimates[j - 1] - estimates[j]) / 3,
                                      4 * abs(estimates[j] - estimates[j + 1]) / 3)
              + rounding[j - 1] / 3 + rounding[j] + 4 * rounding[j + 1] / 3
              for j in range(1, len(pairs) - 1) if pairs[j + 1] - pairs[j - 1] == 2]
    if bounds:
        return float(min(bounds))
    return float(max(np.max(np.abs(estimates[-2:]) + rounding[-2:]),
                     abs(signed[last]) / steps[last]))


@keeps_variables
def taylor_test(f: Callable[..., Any], *args: Any, gradient: Any = None,
                name: str | None = None) -> TaylorTest:
    """Check that `gradient` (default: the tape's) is the gradient of f at args, by the order
    at which the first-order Taylor remainder shrinks along three seeded random directions,
    and along every axis when w has at most 32 elements (the smallest order counts;
    `remainders` are the first direction's). Above 32 elements an error in a few elements,
    under 1% of all the terms of uᵀg, can hide: `check_gradient` compares every element.

    `gradient` is a value or a function of the arguments, one per argument, as `analytic`
    in `check_gradient`. f is evaluated in float64 where it allows; where it does not (f
    captures float32 variables or constants) the remainder meets rounding noise sooner. An
    order is read only from steps where the remainder stands above f's rounding; where those
    steps cannot show an error of 1% in g (f adds a large constant, or rounds in float32),
    the test says it cannot tell (`passed=False`, `order=None`, a note saying what to do)
    rather than pass. Where g is 0 (an optimum) a pass says how small f's slope is known
    to be. A kink of f closer to w than the smallest step above rounding reads as order 1,
    as a wrong gradient does (docs/verifier.md). See the `advanced_autodiff` lesson.

    >>> taylor_test(lambda w: w**3, 2.0, gradient=lambda w: 3 * w**2).order   # ≈ 2.0
    >>> taylor_test(lambda w: w**3, 2.0, gradient=lambda w: 2 * w**2).order   # ≈ 1.0
    """
    problem, reverse, expected = prepare(f, args, gradient, None, None, "full")
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
    spread = abs_dot(problem.w, g)  # Σ|w·g|: how far the point's rounding moves f
    tests = []
    kinked = False
    zero: list[float] = []
    axes = tuple(range(problem.n)) if problem.n <= _AXES_UP_TO else ()
    for direction in _DIRECTIONS + axes:  # seeded random directions, and each axis if few
        along = np.array([direction])
        slope = float(project(problem, g, along)[0])
        # along an axis, the steps an element takes along a random direction: h·max(1, |w|)
        hs = steps * (problem.scale[direction] if direction >= 0 else 1.0)
        values = evaluate(problem, _STEPS, lambda rows, d=direction, hs=hs: points_along(
            problem, np.full(rows.stop - rows.start, d), hs[rows]))
        signed = values - problem.f0 - hs * slope
        remainders = np.abs(signed)
        # The rounding at each step: of f there and at w (a steep f rounds far more at the
        # largest steps than at the smallest), and of the point w + h·u itself, which moves
        # f by up to eps·Σ|w·g| (at w = 1e8 a step below 1e-8 is not the step taken).
        point = abs(problem.w[direction] * g[direction]) if direction >= 0 else spread
        noise = eps * (np.maximum(abs(problem.f0), np.abs(values)) + point)
        # f's intermediates may round more than f's value shows (log(1 + w²) near 0 rounds
        # at eps, not eps·|f|): where the smallest steps' remainders have stopped shrinking,
        # they are that rounding, measured. (Where they still shrink step by step, they are
        # the remainder itself: at w = 1e8 the smallest step along u is 1e8·2^-40.)
        tail = remainders[-_TAIL:][np.isfinite(remainders[-_TAIL:])]
        if tail.size and not (tail.size == _TAIL and np.all(tail[1:] <= tail[:-1] / 1.5)):
            noise = np.maximum(noise, float(np.median(tail)))
        # Nor do they when f does not move at all at a small step (1 - cos w near 0 is built
        # from cos w ≈ 1): the change h·uᵀg it missed there is below its rounding.
        still = (values == problem.f0) & (np.arange(_STEPS) >= _STILL_FROM)
        if still.any():
            noise = np.maximum(noise, float(np.max(hs[still])) * abs(slope))
        slack = abs(8 * own_eps * float(project(problem, np.abs(g), along)[0]))
        clean = _clean(hs, remainders, noise, slack)
        # The size an error in g is measured against: the terms of uᵀg; only where g is 0
        # along u (an optimum) f's curvature along u at the smallest clean step, over a
        # step of max(1, |w|). (Not where g is merely small against the curvature: at
        # Σw² at [1, 1e-9], a sign-flipped g[1] is far below 1% of it.)
        terms = float(project(problem, np.abs(g), np.array(
            [direction if direction >= 0 else ALL_ONES]))[0])
        k = int(np.flatnonzero(clean)[-1]) if clean.any() else 0
        size = terms if terms > 0.0 else (
            float(remainders[k] / (hs[k] * steps[k])) if np.isfinite(remainders[k]) else 0.0)
        floor = _CLEAN * noise[0] + slack * hs[0]
        # f flat along u to its rounding (an argument it ignores there) and g zero along it
        finite = np.isfinite(remainders)
        flat = terms == 0.0 and bool(np.all(remainders[finite] <= _FLAT * noise[finite]))
        order = _order(hs, remainders, clean)
        if order is not None and order < 1.5 and _vanishes(remainders, clean):
            kinked = True  # order 1 only where steps straddle a kink: this direction can't tell
            tests.append((None, False, remainders, noise))
            continue
        seen = _resolution(hs, signed, clean, noise, floor)
        if terms == 0.0 and not flat:
            zero.append(seen)  # g is 0 along u: a slope up to `seen` there is not excluded
        tests.append((order, flat or seen <= _RESOLVES / 2 * size, remainders, noise))
    remainders = tests[0][2]
    measured = [order for order, _, _, _ in tests if order is not None]
    partial = [] if len(measured) == len(tests) else [
        f"measured along {len(measured)} of {len(tests)} directions"]
    if measured and min(measured) < 1.5:  # an error in g seen above f's rounding
        return TaylorTest(title, steps, remainders, min(measured), False, "; ".join(partial))
    if kinked:
        return TaylorTest(title, steps, remainders, None, False,
                          "cannot tell: the remainder is order 1 at the largest steps only and "
                          "vanishes below them, as where a step straddles a kink of f (|x|, "
                          "relu); the smaller steps show only f's rounding, so no order can be "
                          "read; try a point farther from the kink, or subtract any constant "
                          "from f")
    if not all(resolved for _, resolved, _, _ in tests):
        rounding = max(float(np.nanmin(noise)) for _, _, _, noise in tests)
        dtype = problem.fd_dtype.real_dtype.name
        return TaylorTest(title, steps, remainders, None, False,
                          f"cannot tell: {dtype} rounding (f is about {abs(problem.f0):.3g} "
                          f"here, and it and the point w + h·u round to about "
                          f"{rounding:.2g}) hides the remainder at every step small enough to "
                          f"show an error of {_RESOLVES:.0%} in g; subtract any constant from "
                          f"f, or evaluate f in float64 (float64 arguments, not float32 "
                          f"variables)")
    if not measured:
        if all(np.all(r[np.isfinite(r)] <= _CLEAN * noise[np.isfinite(r)])
               for _, _, r, noise in tests):
            return TaylorTest(title, steps, remainders, None, True,
                              "the remainder is rounding noise at every step: f is linear "
                              "along each direction and g matches its slope")
        return TaylorTest(title, steps, remainders, None, False,
                          "too few steps where f is finite and the remainder is above rounding "
                          "noise to measure an order; try another point")
    order = min(measured)  # the worst direction decides
    notes = partial
    if zero:  # at an optimum 1% of g is 0: what the steps show is an absolute bound
        bound = max(zero)
        digits = 10.0 ** (np.floor(np.log10(bound)) - 1) if bound > 0 else 1.0
        notes.append(f"g is 0 along {len(zero)} of {len(tests)} directions: f's slope "
                     f"there is only known to be below {np.ceil(bound / digits) * digits:.2g}")
    return TaylorTest(title, steps, remainders, order, True, "; ".join(notes))
