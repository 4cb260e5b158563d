"""The legs: your formula, the tape (reverse mode) and forward mode, as `Leg` records.

Each leg is a function of the prepared problem and the check's directions returning a
`Leg`: its words, a hint for when it alone disagrees, its values and error bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from tfbasics._format import error_message
from tfbasics._sources import call_f, total_of
from tfbasics.gradcheck.directions import (
    batched,
    chunks,
    project,
    row_tf,
    size_along,
    split_sources,
)
from tfbasics.gradcheck.problem import Problem

# The legs' keys, as GradientCheck.legs, .culprit and .errors ("reverse/forward") show them
ANALYTIC = "analytic"  # your formula
REVERSE = "reverse"  # the tape
FORWARD = "forward"  # forward mode
FINITE_DIFFERENCES = "finite_difference"


@dataclass
class Leg:
    """One leg of the check: its values along the directions and how far each may be off."""

    name: str  # key in GradientCheck.legs: analytic, reverse, forward, finite_difference
    words: str  # how the verdict names it
    hint: str  # what to check when this leg alone disagrees
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    spread: np.ndarray = field(default_factory=lambda: np.zeros(0))
    skipped: str = ""  # why the leg could not run, "" when it ran
    notes: list[str] = field(default_factory=list)
    missing: np.ndarray | None = None  # directions where the leg could not run (no verdict)
    kinks: np.ndarray | None = None  # finite differences only: where f has a confirmed kink
    low: np.ndarray | None = None  # ... and the one-sided slopes there
    high: np.ndarray | None = None
    taylor: tuple | None = None  # (h, f(w), f(w±h), f(w±2h)) along the first direction
    stepped: np.ndarray | None = None  # finite differences only: where a larger step settled
    unsure: np.ndarray | None = None  # ... where a kink could be neither confirmed nor ruled out
    unresolved: np.ndarray | None = None  # ... where their steps disagree, none settling


# --- 2. the legs -------------------------------------------------------------------------------

def _autodiff_spread(problem: Problem, key: str, directions: np.ndarray) -> np.ndarray:
    """Return an autodiff leg's error bound along each direction: rtol·|g| + atol, carried
    along the direction (g: the "tape"'s or the "formula"'s). Formula, tape and forward mode
    each compute in the arguments' dtype; two agree when they differ by no more than the sum
    of their bounds (plus how well the point itself pins the gradient)."""
    return (problem.rtol * size_along(problem, key, directions)
            + size_along(problem, "atol", directions))


def analytic_leg(problem: Problem, directions: np.ndarray) -> Leg | None:
    """Your formula, projected on each direction (None without a formula)."""
    if problem.formula is None:
        return None
    return Leg(ANALYTIC, "your analytic formula", "check the formula",
               project(problem, problem.formula, directions),
               _autodiff_spread(problem, "formula", directions))


def reverse_leg(problem: Problem, directions: np.ndarray) -> Leg:
    """The tape's gradient (reverse mode, recorded once in prepare), on each direction."""
    return Leg(REVERSE, "the tape", "check the gradient function of any tf.custom_gradient "
               "in f", project(problem, problem.tape, directions),
               _autodiff_spread(problem, "tape", directions))


def forward_leg(problem: Problem, directions: np.ndarray) -> Leg:
    """Forward mode: one JVP along each direction, with `tf.autodiff.ForwardAccumulator`.

    A JVP is linear in its tangent, so where every element has its own axis among the
    directions (full mode), a joint direction's JVP is the projection of theirs rather than
    another pass of f (each op under a ForwardAccumulator costs ~1 ms)."""
    leg = Leg(FORWARD, "forward mode", "forward mode may follow f's own ops where the tape "
              "uses a tf.custom_gradient: check the gradient function of any in f (your "
              "formula may repeat its mistake), or a custom forward-mode rule")
    f, sources, live = problem.f, problem.sources, problem.live

    def jvp(row: tf.Tensor) -> tf.Tensor:
        tangents = split_sources(problem, row, problem.dtype)
        with tf.autodiff.ForwardAccumulator([sources[i] for i in live], tangents) as acc:
            L = total_of(call_f(f, sources))
        dL = acc.jvp(L)
        return tf.zeros([], L.dtype.real_dtype) if dL is None else tf.math.real(dL)

    values = np.empty(len(directions))
    axes = np.flatnonzero(directions >= 0)
    every_axis = np.unique(directions[axes]).size == problem.n
    run = np.flatnonzero(directions >= 0) if every_axis else np.arange(len(directions))
    try:
        for rows in chunks(problem, run.size):
            block = [row_tf(problem, d, problem.dtype.real_dtype) for d in directions[run[rows]]]
            values[run[rows]] = batched(jvp, block)
    except Exception as error:  # noqa: BLE001 - e.g. no forward-mode rule for an op in f
        leg.skipped = f"{type(error).__name__}: {error_message(error)}"
        return leg
    if every_axis:  # the joint directions: projections of the JVPs along the axes
        along = np.zeros(problem.n)
        along[directions[axes]] = values[axes]
        joint = np.flatnonzero(directions < 0)
        values[joint] = project(problem, along, directions[joint])
    leg.values = values
    leg.spread = _autodiff_spread(problem, "tape", directions)
    return leg
