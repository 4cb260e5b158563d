"""Kinks: where finite differences alone disagree, look again, more finely, then side by side.
"""

from __future__ import annotations

import numpy as np

from tfbasics.gradcheck.directions import base_steps, evaluate, offset_points
from tfbasics.gradcheck.finite_differences import FD_SAFETY, converged_leg, richardson
from tfbasics.gradcheck.legs import ANALYTIC, FINITE_DIFFERENCES, REVERSE, Leg
from tfbasics.gradcheck.problem import Problem


def _one_sided(problem: Problem, directions: np.ndarray) -> tuple:
    """Return each side's one-sided slope along each direction, extrapolated from steps h, 2h
    and 4h (Richardson), with its error: (left, left error, right, right error). A kink
    within 4h on one side spoils that side only."""
    steps = base_steps(problem, directions)
    count = len(directions)
    offsets = np.array([-1.0, -2.0, -4.0, 1.0, 2.0, 4.0])
    values = evaluate(problem, 6 * count, offset_points(problem, directions, offsets,
                                                        steps)).reshape(count, 6).T
    eps = float(np.finfo(problem.fd_dtype.real_dtype.as_numpy_dtype).eps)
    rounding = 2 * eps * np.max(np.abs(np.vstack([values, [problem.f0] * count])), axis=0) / steps
    out = []
    for side, sign in ((values[:3], -1.0), (values[3:], 1.0)):
        slopes = [sign * (side[i] - problem.f0) / (2**i * steps) for i in range(3)]
        near, far = richardson(slopes[0], slopes[1], 1)[0], richardson(slopes[1], slopes[2], 1)[0]
        out += [near, FD_SAFETY * (np.abs(near - far) + 3 * rounding)]
    return tuple(out)


def refine(problem: Problem, legs: list[Leg], directions: np.ndarray,
           oks: dict[str, np.ndarray]) -> bool:
    """Where finite differences alone disagree, look again: more finely, then side by side.

    A step that straddles a kink close to w, or a frequency that aliases, can fool the error
    estimate. First, smaller steps: their estimate replaces the first only where it settles
    and rules the first out (their difference exceeds its error bound). Where rounding stops
    them settling (float32), each side's one-sided slope: if the two sides disagree (a kink
    near w) and one of them agrees with the tape, that side stands for finite differences.
    Anything else leaves the disagreement standing: finite differences that cannot settle
    are never taken as agreeing. Return whether anything was replaced.
    """
    fd = next((leg for leg in legs if leg.name == FINITE_DIFFERENCES), None)
    tape = next((leg for leg in legs if leg.name == REVERSE), None)
    if fd is None:
        return False
    # Wherever finite differences disagree with the tape, whatever the formula says: a wrong
    # formula beside an estimate that fooled its own error bound must not blur the blame.
    exact = [pair for pair in oks if FINITE_DIFFERENCES not in pair.split("/")
             and ANALYTIC not in pair.split("/")]
    theirs = [pair for pair in oks if FINITE_DIFFERENCES in pair.split("/")
              and ANALYTIC not in pair.split("/")]
    agree = np.logical_and.reduce([oks[pair] for pair in exact]) if exact else \
        np.ones(len(directions), bool)
    # Not where a larger step settled them: rounding swamps smaller steps, which cannot
    # look again, and that step's own error estimate stands (a custom gradient 2× wrong).
    settled = fd.stepped if fd.stepped is not None else np.zeros(len(directions), bool)
    alone = np.flatnonzero(agree & ~np.logical_and.reduce([oks[pair] for pair in theirs])
                           & ~fd.kinks & ~settled)
    if not alone.size:
        return False
    again = converged_leg(problem, directions[alone])
    with np.errstate(invalid="ignore"):
        better = ~again.missing & (again.kinks | (
            np.abs(again.values - fd.values[alone]) > again.spread))
    for name in ("values", "spread", "missing", "kinks", "low", "high"):
        getattr(fd, name)[alone[better]] = getattr(again, name)[better]
    rest = alone[~better]
    refuted = again.unresolved[~better]  # a finer step contradicts the first estimate
    if not rest.size or tape is None:
        return bool(better.any())
    # Each side's slope, and whether it is precise enough to speak to the disagreement.
    left, left_error, right, right_error = _one_sided(problem, directions[rest])
    apart = np.abs(fd.values[rest] - tape.values[rest]) / 4
    sided, aside = np.zeros(rest.size, bool), np.zeros(rest.size, bool)
    with np.errstate(invalid="ignore"):
        for value, error in sorted(((left, left_error), (right, right_error)),
                                   key=lambda side: np.nanmean(side[1])):
            side = ~sided & (error < apart) & (np.abs(tape.values[rest] - value)
                                               <= error + tape.spread[rest])
            fd.values[rest[side]], fd.spread[rest[side]] = value[side], error[side]
            sided |= side
        # Sides too imprecise to tell (a kink near w spoils one, or f rounds off): finite
        # differences stand aside there. Both precise and neither agreeing: it stands.
        aside = ~sided & (~((left_error < apart) & (right_error < apart)) | refuted)
    fd.values[rest[aside]], fd.spread[rest[aside]], fd.missing[rest[aside]] = np.nan, 0.0, True
    if sided.any():
        fd.notes.append("finite differences took one side's slope where a kink near w spoilt "
                        "the central difference")
    if aside.any():
        fd.notes.append("finite differences could not settle where f rounds off, changes "
                        "faster than their steps resolve, or has a kink near w; the other legs "
                        "decide there")
    return bool(better.any() or sided.any() or aside.any())
