"""The verdict: legs compared pairwise, the leg to blame, and the report's words.
"""

from __future__ import annotations

import itertools
import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tfbasics._format import show, show_item
from tfbasics.checks import Check
from tfbasics.gradcheck.directions import RANDOM_DIRECTIONS, direction_label, project, size_along
from tfbasics.gradcheck.legs import ANALYTIC, FINITE_DIFFERENCES, FORWARD, REVERSE, Leg
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


# --- 3. compare --------------------------------------------------------------------------------

def pair_key(a: str, b: str) -> str:
    """Return the key of a pair of legs, in a fixed order."""
    return "/".join(sorted((a, b)))


def compare(legs: list[Leg]) -> dict[str, np.ndarray]:
    """Return, per pair of legs, whether they agree along each direction.

    Two legs agree when both are finite and differ by no more than the sum of their error
    bounds; at a confirmed kink each must lie between the one-sided slopes instead (any
    subgradient). A leg that could not run along a direction has no say there.
    """
    fd = next((leg for leg in legs if leg.name == FINITE_DIFFERENCES), None)
    count = len(legs[0].values)
    spread = {leg.name: leg.spread for leg in legs}
    missing = {leg.name: leg.missing if leg.missing is not None else np.zeros(count, bool)
               for leg in legs}
    inside = {}
    if fd is not None:
        for leg in legs:
            margin = spread[leg.name] + fd.spread
            with np.errstate(invalid="ignore"):
                inside[leg.name] = (leg.values >= fd.low - margin) & (
                    leg.values <= fd.high + margin)
    oks = {}
    for a, b in itertools.combinations(legs, 2):
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(a.values) & np.isfinite(b.values) & (
                np.abs(a.values - b.values) <= spread[a.name] + spread[b.name])
        if fd is not None:
            ok = np.where(fd.kinks, inside[a.name] & inside[b.name], ok)
        oks[pair_key(a.name, b.name)] = ok | missing[a.name] | missing[b.name]
    return oks


def elementwise_agreement(problem: Problem) -> np.ndarray:
    """Return, per element, whether your formula and the tape agree (fast mode's sharp test)."""
    a, g = problem.formula, problem.tape
    with np.errstate(invalid="ignore"):
        return np.isfinite(a) & (
            np.abs(a - g) <= problem.rtol * (np.abs(a) + np.abs(g)) + 2 * problem.atol)


# --- 4. verdict --------------------------------------------------------------------------------

def _culprit(legs: list[Leg], failed: set[str]) -> Leg | None:
    """Return the one leg whose comparisons fail while every pair without it agrees."""
    found = [leg for leg in legs
             if any(leg.name in pair.split("/") for pair in failed)
             and all(leg.name in pair.split("/") for pair in failed)]
    return found[0] if len(found) == 1 and len(legs) > 2 else None


def verdict(problem: Problem, legs: list[Leg], oks: dict[str, np.ndarray],
            directions: np.ndarray, elementwise: np.ndarray | None) -> tuple[str, str, str]:
    """Return (worst element, a one-line verdict, the key of the leg to blame or '')."""
    failed = {pair for pair, ok in oks.items() if not ok.all()}
    if elementwise is not None and not elementwise.all():
        failed.add(pair_key(ANALYTIC, REVERSE))
    culprit = _culprit(legs, failed)
    others = [leg for leg in legs if leg is not culprit]
    bad = np.zeros(len(directions), bool)
    for pair in failed:
        if culprit is None or culprit.name in pair.split("/"):
            bad |= ~oks.get(pair, np.ones(len(directions), bool))
    if (bad & (directions >= 0)).any():  # name an element rather than a random direction
        bad &= directions >= 0
    where = lambda k: direction_label(problem, directions[k])  # noqa: E731
    if not bad.any():  # only the element-by-element comparison failed, beyond the suspects
        worst = int(np.argmax(np.where(elementwise, -np.inf,
                                       np.abs(problem.formula - problem.tape))))
        label = problem.label(worst)
        values = " vs ".join(_pair(float(problem.formula[worst]), float(problem.tape[worst])))
        return label, (f"your analytic formula disagrees with the tape at {label}: {values} — "
                       f"check the formula, or f's kinks there"), ""
    if culprit is not None:
        with np.errstate(invalid="ignore"):
            reference = np.nanmean([np.where(o.missing if o.missing is not None else False,
                                             np.nan, o.values) for o in others], axis=0)
        k = int(np.argmax(np.where(bad, np.abs(culprit.values - reference), -np.inf)))
        tape = next((o for o in others if o.name == REVERSE), None)
        if tape is not None:  # the value shown beside the culprit's is the tape's, not a mean
            reference = np.where(np.isfinite(tape.values), tape.values, reference)
        named = ", ".join(o.words for o in others[:-1]) + f" and {others[-1].words}"
        shown = _pair(float(culprit.values[k]), float(reference[k]))
        if culprit.name == FINITE_DIFFERENCES and _wider(problem):
            taped, wide = project(problem, problem.tape, directions[k:k + 1])[0], project(
                problem, problem.g_wide, directions[k:k + 1])[0]
            if abs(taped - wide) > abs(culprit.values[k] - reference[k]) / 2:
                # f's float64 twin is another function: finite differences followed it
                name = problem.dtype.real_dtype.name
                return where(k), (f"f is another function in float64 at {where(k)}: its "
                                  f"gradient there is {show_item(float(wide))}, in {name} "
                                  f"{show_item(float(taped))}, more than rounding apart (a "
                                  f"constant that depends on the dtype, like finfo(dtype).eps?)"
                                  f"; finite differences ran in float64: pass tf.Variable "
                                  f"arguments to check f in {name}"), FINITE_DIFFERENCES
            # In float64 the tape's gradient agrees with its own in the arguments' dtype (to
            # rounding, measured), yet not with f's slope there: not rounding, a replacement.
            return where(k), (f"{named} disagree with finite differences, which follow f "
                              f"itself, at {where(k)}: {shown[1]} vs {shown[0]} — "
                              f"{_replaced_gradient(problem)}"), REVERSE
        fd = next((leg for leg in legs if leg.name == FINITE_DIFFERENCES), None)
        values = ", ".join(f"{leg.words} {show_item(float(leg.values[k]))}" for leg in legs)
        if culprit is fd and fd.stepped is not None and fd.stepped[k]:
            # Finite differences saw past f's rounding with a larger step, and that step's
            # own error estimate is small: f's slope is not what the tape says.
            return where(k), (f"{named} disagree with finite differences, which follow f "
                              f"itself (with a step large enough to see past f's rounding), "
                              f"at {where(k)}: {shown[1]} vs {shown[0]} — check the gradient "
                              f"function of any tf.custom_gradient in f (your formula may "
                              f"repeat its mistake); or f has a kink near w"), REVERSE
        if culprit.name == FORWARD and not any(FINITE_DIFFERENCES in pair.split("/")
                                                 for pair in failed):
            # Forward mode follows f's own ops where the tape takes a tf.custom_gradient;
            # finite differences are too coarse here to take sides.
            taped = ("your analytic formula and the tape" if problem.formula is not None
                     else "the tape")
            return where(k), (f"forward mode, which follows f's own ops, disagrees with "
                              f"{taped} at {where(k)}: {values} — check the gradient "
                              f"function of any tf.custom_gradient in f (your formula may "
                              f"repeat its mistake), or a custom forward-mode rule; finite "
                              f"differences are too coarse here to take sides"), REVERSE
        if fd is not None and culprit is not fd and fd.kinks[k]:
            low, high = _pair(float(fd.low[k]), float(fd.high[k]))
            return where(k), (f"{culprit.words} gives {show_item(float(culprit.values[k]))} "
                              f"at {where(k)}, where f is not differentiable: any slope from "
                              f"{low} to {high} (the one-sided slopes) is right there, and "
                              f"this is not one — {culprit.hint}"), culprit.name
        hint = culprit.hint
        eps = float(np.finfo(problem.dtype.real_dtype.as_numpy_dtype).eps)
        # Rounding explains a disagreement only when it is within a few times the rounding
        # each of the two legs may carry (measured or estimated), and below f's own.
        # (A gradient computed from values of f's size rounds at eps·|f| too, which no
        # measurement nearby sees where the tape rounds to the same value: 1 - sigmoid(20).)
        rounding = 2 * float(size_along(problem, "atol", directions[k:k + 1])[0])
        if culprit.name == ANALYTIC and abs(culprit.values[k] - reference[k]) <= max(
                4 * rounding, 4 * eps * (abs(problem.f0) + problem.w_dot_tape)):
            hint = (f"that is below what f's {problem.dtype.real_dtype.name} rounding resolves "
                    f"here, where the other legs compute: check at another point, or in "
                    f"float64 if you can")
        return where(k), (f"{culprit.words} disagrees with {named} at {where(k)}: "
                          f"{shown[0]} vs {shown[1]} — {hint}"), culprit.name
    k = int(np.argmax(bad))
    values = ", ".join(f"{leg.words} {show_item(float(leg.values[k]))}" for leg in legs)
    if failed == {pair_key(a, b) for a in (ANALYTIC, REVERSE)
                  for b in (FORWARD, FINITE_DIFFERENCES)}:
        return where(k), (f"your formula agrees with the tape, but forward mode and finite "
                          f"differences, which follow f itself, disagree with both at {where(k)}: "
                          f"{values} — check the gradient function of any tf.custom_gradient in "
                          f"f (your formula may repeat its mistake)"), REVERSE
    if failed == {pair_key(a, b) for a in (ANALYTIC, FINITE_DIFFERENCES)
                  for b in (REVERSE, FORWARD)}:
        return where(k), (f"the tape and forward mode disagree with your formula and finite "
                          f"differences at {where(k)}: {values} — "
                          f"{_replaced_gradient(problem)}"), REVERSE
    if failed == {pair_key(ANALYTIC, REVERSE)}:  # the others too imprecise to take sides
        # No leg that follows f itself can tell which of the two is right here (forward mode
        # could not run, finite differences drown in f's rounding): no blame, both suspect.
        by = {leg.name: float(leg.values[k]) for leg in legs}
        shown = " vs ".join(_pair(by[ANALYTIC], by[REVERSE]))
        return where(k), (f"your analytic formula disagrees with the tape at {where(k)}: "
                          f"{shown}, and the other legs are too imprecise here to tell which "
                          f"is right — check the formula, and the gradient function of any "
                          f"tf.custom_gradient in f; finite differences see more where f adds "
                          f"no large constant, or in float64"), ""
    return where(k), f"the legs disagree at {where(k)}: {values}", ""


def _pair(a: float, b: float) -> tuple[str, str]:
    """Format two values with the fewest digits (six at least) that tell them apart."""
    for digits in range(6, 18):
        shown = (f"{a:.{digits}g}", f"{b:.{digits}g}")
        if shown[0] != shown[1]:
            break
    return tuple(t if any(c in t for c in ".enia") else t + ".0" for t in shown)


def _wider(problem: Problem) -> bool:
    """Tell whether finite differences ran in float64 while the arguments are narrower."""
    return problem.fd_dtype.real_dtype.size > problem.dtype.real_dtype.size


def _replaced_gradient(problem: Problem) -> str:
    """Say why the tape (and forward mode) may miss f's own slope."""
    if _wider(problem):
        return ("f's gradient is replaced somewhere, not rounded (the tape gives the same in "
                "float64): check the gradient function of any tf.custom_gradient in f "
                "(forward mode may reuse it, and your formula may repeat its mistake), or a "
                "tf.stop_gradient trick")
    return ("f's gradient is replaced somewhere: check the gradient function of any "
            "tf.custom_gradient in f (forward mode may reuse it), or a tf.stop_gradient trick; "
            f"or f rounds off in {problem.dtype.real_dtype.name} here (check in float64)")


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
    shown = " vs ".join(_pair(float(a[k]), float(g[k])))
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
