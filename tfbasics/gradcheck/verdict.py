"""The verdict: legs compared pairwise, then the first of the rules that applies names the
leg to blame and says why, in the words beside it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tfbasics._format import show_item, show_pair
from tfbasics.gradcheck.directions import direction_label, project, size_along
from tfbasics.gradcheck.legs import ANALYTIC, FINITE_DIFFERENCES, FORWARD, REVERSE, Leg
from tfbasics.gradcheck.problem import Problem

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


@dataclass
class _Case:
    """What the verdict's rules read: the failed pairs, the leg to blame (if one), and the
    direction k where it is most wrong, with the values shown there."""

    problem: Problem
    legs: list[Leg]
    oks: dict[str, np.ndarray]
    directions: np.ndarray
    elementwise: np.ndarray | None
    failed: set[str]
    culprit: Leg | None
    bad: np.ndarray  # the directions where the failing comparisons fail

    @functools.cached_property
    def others(self) -> list[Leg]:
        """Return the legs other than the culprit."""
        return [leg for leg in self.legs if leg is not self.culprit]

    @functools.cached_property
    def fd(self) -> Leg | None:
        """Return the finite-difference leg, if it ran."""
        return next((leg for leg in self.legs if leg.name == FINITE_DIFFERENCES), None)

    @functools.cached_property
    def _mean(self) -> np.ndarray:
        """Return the mean of the other legs' values, where they have one."""
        with np.errstate(invalid="ignore"):
            return np.nanmean([np.where(o.missing if o.missing is not None else False, np.nan,
                                        o.values) for o in self.others], axis=0)

    @functools.cached_property
    def k(self) -> int:
        """Return the direction where the culprit is furthest from the others (without a
        culprit, the first that fails)."""
        if self.culprit is None:
            return int(np.argmax(self.bad))
        return int(np.argmax(np.where(self.bad, np.abs(self.culprit.values - self._mean),
                                      -np.inf)))

    @functools.cached_property
    def reference(self) -> np.ndarray:
        """Return the value shown beside the culprit's: the tape's, else the others' mean."""
        tape = next((o for o in self.others if o.name == REVERSE), None)
        if tape is None:
            return self._mean
        return np.where(np.isfinite(tape.values), tape.values, self._mean)

    @property
    def where(self) -> str:
        """Return the label of direction k: an element, or a joint direction."""
        return direction_label(self.problem, self.directions[self.k])

    @property
    def named(self) -> str:
        """Return the other legs' words: 'your analytic formula, the tape and forward mode'."""
        return ", ".join(o.words for o in self.others[:-1]) + f" and {self.others[-1].words}"

    @property
    def shown(self) -> tuple[str, str]:
        """Return the culprit's value at k beside the reference's."""
        return show_pair(float(self.culprit.values[self.k]), float(self.reference[self.k]))

    @property
    def values(self) -> str:
        """Return every leg's value at k."""
        return ", ".join(f"{leg.words} {show_item(float(leg.values[self.k]))}"
                         for leg in self.legs)

    def blamed(self, name: str) -> bool:
        """Tell whether the culprit is the leg `name`."""
        return self.culprit is not None and self.culprit.name == name

    def failed_exactly(self, sides: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
        """Tell whether the failed pairs are exactly those between the two groups of legs."""
        return self.failed == {pair_key(a, b) for a in sides[0] for b in sides[1]}

    @property
    def twin_differs(self) -> bool:
        """Tell whether f's float64 twin has another gradient at k than the tape, by more
        than half the disagreement: finite differences in float64 followed another f."""
        k = self.k
        taped, wide = self._twin_values
        return abs(taped - wide) > abs(self.culprit.values[k] - self.reference[k]) / 2

    @functools.cached_property
    def _twin_values(self) -> tuple[float, float]:
        """Return the tape's gradient along direction k, and its float64 twin's."""
        along = self.directions[self.k:self.k + 1]
        return (project(self.problem, self.problem.tape, along)[0],
                project(self.problem, self.problem.g_wide, along)[0])

    def within_rounding(self) -> bool:
        """Tell whether rounding explains the culprit's disagreement at k: it is within a few
        times the rounding each of the two legs may carry (measured or estimated), and below
        f's own. (A gradient computed from values of f's size rounds at eps·|f| too, which no
        measurement nearby sees where the tape rounds to the same value: 1 - sigmoid(20).)"""
        problem, k = self.problem, self.k
        eps = float(np.finfo(problem.dtype.real_dtype.as_numpy_dtype).eps)
        rounding = 2 * float(size_along(problem, "atol", self.directions[k:k + 1])[0])
        return abs(self.culprit.values[k] - self.reference[k]) <= max(
            4 * rounding, 4 * eps * (abs(problem.f0) + problem.w_dot_tape))


def _worst_element(case: _Case) -> int:
    """Return where your formula and the tape differ most, beyond fast mode's suspects."""
    problem = case.problem
    return int(np.argmax(np.where(case.elementwise, -np.inf,
                                  np.abs(problem.formula - problem.tape))))


def _elementwise_only(case: _Case) -> str:
    problem, worst = case.problem, _worst_element(case)
    values = " vs ".join(show_pair(float(problem.formula[worst]), float(problem.tape[worst])))
    return (f"your analytic formula disagrees with the tape at {problem.label(worst)}: "
            f"{values} — check the formula, or f's kinks there")


def _taped(case: _Case) -> str:
    return ("your analytic formula and the tape" if case.problem.formula is not None
            else "the tape")


def _twin_text(case: _Case) -> str:
    taped, wide = case._twin_values
    name = case.problem.dtype.real_dtype.name
    return (f"f is another function in float64 at {case.where}: its gradient there is "
            f"{show_item(float(wide))}, in {name} {show_item(float(taped))}, more than rounding "
            f"apart (a constant that depends on the dtype, like finfo(dtype).eps?); finite "
            f"differences ran in float64: to check f in {name} alone, cast inside f "
            f"(w = tf.cast(w, tf.{name}))")


def _no_culprit_tie(case: _Case) -> str:
    by = {leg.name: float(leg.values[case.k]) for leg in case.legs}
    shown = " vs ".join(show_pair(by[ANALYTIC], by[REVERSE]))
    return (f"your analytic formula disagrees with the tape at {case.where}: {shown}, and the "
            f"other legs are too imprecise here to tell which is right — check the formula, and "
            f"the gradient function of any tf.custom_gradient in f; finite differences see more "
            f"where f adds no large constant, or in float64")


def _disagrees(case: _Case, hint: str) -> str:
    return (f"{case.culprit.words} disagrees with {case.named} at {case.where}: "
            f"{case.shown[0]} vs {case.shown[1]} — {hint}")


_BLAMED = "the culprit"  # a rule that blames the leg found at fault, whichever it is


@dataclass(frozen=True)
class _Rule:
    """One verdict: when it applies, the leg it blames ('' for none), and its words."""

    when: Callable[[_Case], bool]
    culprit: str
    text: Callable[[_Case], str]


# The first rule that applies gives the verdict. Each reads the _Case of the failed check.
_RULES = [
    # Only the element-by-element comparison failed, beyond the suspects fast mode checks.
    _Rule(lambda c: not c.bad.any(), "", _elementwise_only),
    # Finite differences ran in float64, and f's float64 twin is another function: they
    # followed it.
    _Rule(lambda c: c.blamed(FINITE_DIFFERENCES) and _wider(c.problem) and c.twin_differs,
          FINITE_DIFFERENCES, _twin_text),
    # In float64 the tape's gradient agrees with its own in the arguments' dtype (to rounding,
    # measured), yet not with f's slope there: not rounding, a replacement.
    _Rule(lambda c: c.blamed(FINITE_DIFFERENCES) and _wider(c.problem), REVERSE,
          lambda c: f"{c.named} disagree with finite differences, which follow f itself, at "
                    f"{c.where}: {c.shown[1]} vs {c.shown[0]} — "
                    f"{_replaced_gradient(c.problem)}"),
    # Finite differences saw past f's rounding with a larger step, and that step's own error
    # estimate is small: f's slope is not what the tape says.
    _Rule(lambda c: c.blamed(FINITE_DIFFERENCES) and c.fd.stepped is not None
          and c.fd.stepped[c.k], REVERSE,
          lambda c: f"{c.named} disagree with finite differences, which follow f itself (with "
                    f"a step large enough to see past f's rounding), at {c.where}: {c.shown[1]} "
                    f"vs {c.shown[0]} — check the gradient function of any tf.custom_gradient "
                    f"in f (your formula may repeat its mistake); or f has a kink near w"),
    # Forward mode follows f's own ops where the tape takes a tf.custom_gradient; finite
    # differences are too coarse here to take sides.
    _Rule(lambda c: c.blamed(FORWARD) and not any(FINITE_DIFFERENCES in pair.split("/")
                                                   for pair in c.failed), REVERSE,
          lambda c: f"forward mode, which follows f's own ops, disagrees with {_taped(c)} at "
                    f"{c.where}: {c.values} — check the gradient function of any "
                    f"tf.custom_gradient in f (your formula may repeat its mistake), or a "
                    f"custom forward-mode rule; finite differences are too coarse here to take "
                    f"sides"),
    # At a confirmed kink, any slope between the one-sided ones is right: the culprit's is not.
    _Rule(lambda c: c.culprit is not None and c.fd is not None and c.culprit is not c.fd
          and c.fd.kinks[c.k], _BLAMED,
          lambda c: f"{c.culprit.words} gives {show_item(float(c.culprit.values[c.k]))} at "
                    f"{c.where}, where f is not differentiable: any slope from "
                    f"{' to '.join(show_pair(float(c.fd.low[c.k]), float(c.fd.high[c.k])))} (the "
                    f"one-sided slopes) is right there, and this is not one — {c.culprit.hint}"),
    # Your formula, off by no more than rounding explains.
    _Rule(lambda c: c.blamed(ANALYTIC) and c.within_rounding(), _BLAMED,
          lambda c: _disagrees(c, f"that is below what f's {c.problem.dtype.real_dtype.name} "
                                  f"rounding resolves here, where the other legs compute: check "
                                  f"at another point, or in float64 if you can")),
    # One leg against all the others: it is to blame, with its own hint.
    _Rule(lambda c: c.culprit is not None, _BLAMED, lambda c: _disagrees(c, c.culprit.hint)),
    # No single leg: the exact legs against the ones that follow f itself, or the reverse.
    _Rule(lambda c: c.failed_exactly(((ANALYTIC, REVERSE), (FORWARD, FINITE_DIFFERENCES))),
          REVERSE,
          lambda c: f"your formula agrees with the tape, but forward mode and finite "
                    f"differences, which follow f itself, disagree with both at {c.where}: "
                    f"{c.values} — check the gradient function of any tf.custom_gradient in "
                    f"f (your formula may repeat its mistake)"),
    _Rule(lambda c: c.failed_exactly(((ANALYTIC, FINITE_DIFFERENCES), (REVERSE, FORWARD))),
          REVERSE,
          lambda c: f"the tape and forward mode disagree with your formula and finite "
                    f"differences at {c.where}: {c.values} — {_replaced_gradient(c.problem)}"),
    # Formula against tape, and the other legs too imprecise to take sides: no leg that
    # follows f itself can tell which is right (forward mode could not run, finite
    # differences drown in f's rounding): no blame, both suspect.
    _Rule(lambda c: c.failed == {pair_key(ANALYTIC, REVERSE)}, "", _no_culprit_tie),
    _Rule(lambda c: True, "", lambda c: f"the legs disagree at {c.where}: {c.values}"),
]


def verdict(problem: Problem, legs: list[Leg], oks: dict[str, np.ndarray],
            directions: np.ndarray, elementwise: np.ndarray | None) -> tuple[str, str, str]:
    """Return (worst element, a one-line verdict, the key of the leg to blame or ''): the
    first of the _RULES that applies."""
    failed = {pair for pair, ok in oks.items() if not ok.all()}
    if elementwise is not None and not elementwise.all():
        failed.add(pair_key(ANALYTIC, REVERSE))
    culprit = _culprit(legs, failed)
    bad = np.zeros(len(directions), bool)
    for pair in failed:
        if culprit is None or culprit.name in pair.split("/"):
            bad |= ~oks.get(pair, np.ones(len(directions), bool))
    if (bad & (directions >= 0)).any():  # name an element rather than a random direction
        bad &= directions >= 0
    case = _Case(problem, legs, oks, directions, elementwise, failed, culprit, bad)
    rule = next(rule for rule in _RULES if rule.when(case))
    blamed = culprit.name if rule.culprit == _BLAMED else rule.culprit
    worst = case.where if bad.any() else problem.label(_worst_element(case))
    return worst, rule.text(case), blamed


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
