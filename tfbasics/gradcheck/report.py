"""The report: the GradientCheck record, and the notes that explain a verdict.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tfbasics._format import show, show_item, show_pair
from tfbasics.checks import Check
from tfbasics.gradcheck.directions import RANDOM_DIRECTIONS, project
from tfbasics.gradcheck.legs import ANALYTIC, Leg
from tfbasics.gradcheck.problem import Problem

_WIDTH = 92  # characters after the indent in str(check), as the other checks print


@dataclass
class GradientCheck(Check):
    """A gradient check: each leg's values, their pairwise errors, and who is to blame.

    `legs` holds each leg's values along the check's directions (the elements in full mode),
    `errors` the (max abs, max rel) difference of each pair, `worst` the element where the
    blamed leg is most wrong, `culprit` that leg's key, `kinks` the elements where f is not
    differentiable, `skipped` the legs that could not run and why, `mode` "full" or "fast",
    and `taylor_order` how fast f(w + h·u) - f(w) - h·uᵀg shrinks with h (2 for a right g).
    """

    legs: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, tuple[float, float]] = field(default_factory=dict)
    worst: str = ""
    blame: str = ""
    culprit: str = ""
    kinks: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    mode: str = ""
    taylor_order: float | None = None

    def claim(self) -> str:
        """Return the check as one line: '✓ name: the tape 7.0   your formula 7.0   ...'."""
        mark = "✓" if self.passed else "✗"
        if self.expected is None and self.mode == "fast":
            return (f"{mark} {self.name}: the tape {show(self.computed)}, compared with forward "
                    f"mode and finite differences along {RANDOM_DIRECTIONS} random directions "
                    f"and the direction of all ones")
        return f"{mark} {self.name}: " + "   ".join(self.value_lines(10**6))

    def __str__(self) -> str:
        lines = [self.claim()]
        lines += textwrap.wrap(self.note, _WIDTH, break_on_hyphens=False) if self.note else []
        return "\n  ".join(lines)

    def value_lines(self, width: int) -> list[str]:
        """Return the lines that show the tape's gradient beside your formula's (or beside
        finite differences without a formula) and their largest difference, in `width`.

        Your formula is what the tape is checked against, never "expected": it may be the
        one that is wrong.
        """
        theirs = "your formula" if ANALYTIC in self.legs or not self.legs else \
            "finite differences"
        parts = [f"the tape {show(self.computed)}"]
        if self.expected is not None:
            parts.append(f"{theirs} {show(self.expected)}")
        if self.max_abs_error is not None:
            parts.append(f"max abs difference {self.max_abs_error:.2g}")
        together = "   ".join(parts)
        return [together] if len(together) <= width else parts


def observed_taylor_order(problem: Problem, leg: Leg | None,
                          directions: np.ndarray) -> float | None:
    """Return how fast |f(w + h·u) - f(w) - h·uᵀg| shrinks with h along the first direction.

    2 (or more) when g is the gradient, 1 when it is not; None when the remainder is rounding
    noise (f is linear along u) or f was not finite there.
    """
    if leg is None or leg.taylor is None:
        return None
    h, f0, fp1, fm1, fp2, fm2 = leg.taylor
    g = problem.formula if problem.formula is not None else problem.tape
    slope = float(project(problem, g, directions[:1])[0])
    r1 = abs(fp1[0] - f0 - h * slope) + abs(fm1[0] - f0 + h * slope)
    r2 = abs(fp2[0] - f0 - 2 * h * slope) + abs(fm2[0] - f0 + 2 * h * slope)
    noise = 64 * np.finfo(problem.fd_dtype.real_dtype.as_numpy_dtype).eps * max(
        abs(f0), abs(fp2[0]), abs(fm2[0]))
    if not np.isfinite(r1 + r2) or r1 <= noise or r2 <= noise:
        return None
    return float(np.log2(r2 / r1))


def within_rounding(problem: Problem) -> list[str]:
    """Say where your formula and the tape agree only within f's rounding (beyond rtol)."""
    a, g = problem.formula, problem.tape
    with np.errstate(invalid="ignore"):
        beyond = np.abs(a - g) > problem.rtol * (np.abs(a) + np.abs(g))
    if not beyond.any():
        return []
    k = int(np.argmax(np.where(beyond, np.abs(a - g), -np.inf)))
    shown = " vs ".join(show_pair(float(a[k]), float(g[k])))
    return [f"your formula and the tape agree within what f's "
            f"{problem.dtype.real_dtype.name} rounding resolves at {problem.label(k)} "
            f"({shown}, rounding there about {show_item(float(problem.atol[k]))})"
            + (f" and {int(beyond.sum()) - 1} more elements" if beyond.sum() > 1 else "")]


def none_notes(names: list[str], reverse: list, expected: list | None,
               reasons: dict[int, str]) -> tuple[list[str], bool]:
    """Return notes on None gradients and whether your formula agrees with each of them."""
    notes, agree = [], True
    for i, g in enumerate(reverse):
        mine = None if expected is None else expected[i]
        if g is None:
            text = f"d/d{names[i]} is None: {reasons[i]}"
            if expected is not None and mine is not None:
                agree = False
                text += (f"; your formula gives {show(mine)} — a None gradient is not zero "
                         f"(return None for {names[i]})")
            notes.append(text)
        elif expected is not None and mine is None:
            agree = False
            notes.append(f"your formula says d/d{names[i]} is None, but the tape gives "
                         f"{show(g)}")
    return notes, agree
