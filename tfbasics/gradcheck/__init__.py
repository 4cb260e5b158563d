"""check_gradient: your formula, the tape, forward mode and finite differences, compared.

A check runs in four steps, and `check_gradient` reads as them:

1. `prepare` (problem.py): the arguments become tape sources; f runs twice at w (a random f
   is refused) and is recorded once on a tape; your formula is evaluated and its shape
   checked; the tolerances come from f's rounding (rounding.py). All of it is a `Problem`.
2. `_compute_legs`: each leg in `_LEGS` is one self-contained function of the prepared
   `Problem` and the check's directions (directions.py). It returns a `Leg` record
   (legs.py): its words, a hint for when it alone disagrees, and along each direction its
   value and its own error bound. Your formula, the tape and forward mode are in legs.py,
   finite differences in finite_differences.py.
   Where do I add a leg? Write `my_leg(problem, directions) -> Leg` and list it in `_LEGS`.
3. `compare` (verdict.py): every pair of legs, direction by direction, agrees within the sum
   of their error bounds; at a confirmed kink any slope between the one-sided ones is
   accepted. Where finite differences alone disagree, `refine` (kinks.py) looks again.
4. `verdict` (verdict.py): pass or fail, and the leg to blame (the one whose comparisons fail
   while all the others agree), with the element where it is most wrong: the first of a
   table of rules that applies, each with its words beside it. The report (report.py) is
   the `GradientCheck` record and the notes that explain it.

Directions. Full mode uses the coordinate axes, so every leg gives the whole gradient, one
value per element, and three joint directions that move every element at once (two random,
and all ones: at a tie in max, only a gradient that sums to 1 is right). Fast mode uses a
few seeded random directions u, so the cost does not grow with the number of elements n (as
JAX's `check_grads` and PyTorch's fast `gradcheck`): each leg gives uᵀg, while your formula
and the tape are still compared element by element and the elements where they differ are
checked on their own axes. Memory stays O(n).

Tolerances are relative to each element's size and its rounding (measured against the same
gradient in float64 where f runs there), so multiplying f by any constant does not change a
verdict. Finite differences carry their own error estimate (Richardson: two steps
compared), take a smaller step where f changes too fast or leaves its domain, and accept a
kink only when the one-sided slopes keep their gap as the step shrinks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from tfbasics._format import device_of, show_item
from tfbasics._sources import keeps_variables
from tfbasics.doctor import reasons_from_function
from tfbasics.gradcheck.directions import JOINT, direction_label, from_coordinates, suspect_axes
from tfbasics.gradcheck.finite_differences import finite_difference_leg
from tfbasics.gradcheck.kinks import refine
from tfbasics.gradcheck.legs import (
    ANALYTIC,
    FINITE_DIFFERENCES,
    REVERSE,
    Leg,
    analytic_leg,
    forward_leg,
    reverse_leg,
)
from tfbasics.gradcheck.problem import MODES, Problem, prepare
from tfbasics.gradcheck.report import (
    GradientCheck,
    none_notes,
    observed_taylor_order,
    within_rounding,
)
from tfbasics.gradcheck.verdict import compare, elementwise_agreement, pair_key, verdict

__all__ = ["GradientCheck", "MODES", "check_gradient"]


_LEGS = [analytic_leg, reverse_leg, forward_leg, finite_difference_leg]


def _compute_legs(problem: Problem, directions: np.ndarray) -> list[Leg]:
    """Run every leg along the directions; a leg that cannot run says why and is left out."""
    return [leg for leg in (make(problem, directions) for make in _LEGS) if leg is not None]


def _join(first: list[Leg], more: list[Leg]) -> list[Leg]:
    """Append the legs computed along more directions to the same legs' earlier values."""
    for leg, extra in zip(first, more, strict=True):
        if leg.skipped or extra.skipped:
            leg.skipped = leg.skipped or extra.skipped
            continue
        leg.values = np.concatenate([leg.values, extra.values])
        leg.spread = np.concatenate([leg.spread, extra.spread])
        leg.notes += extra.notes
        for name in ("missing", "kinks", "low", "high", "stepped", "unsure", "unresolved"):
            if getattr(leg, name) is not None:
                setattr(leg, name, np.concatenate([getattr(leg, name), getattr(extra, name)]))
    return first


@keeps_variables
def check_gradient(f: Callable[..., Any], *args: Any, analytic: Any = None,
                   rtol: float | None = None, atol: float | None = None, name: str | None = None,
                   strict: bool = False, mode: str = "auto") -> GradientCheck:
    """Compare the tape's gradient of f at args with forward mode, finite differences and
    your `analytic` formula; say which one is wrong, and where.

    `analytic` is a value, or a function of the arguments (as NumPy values) returning one
    gradient per argument (`None` where you expect no gradient). `rtol` and `atol` bound the
    difference between formula, tape and forward mode (default: rtol by dtype, atol the
    rounding of each element, measured in float64 where f runs there; a verdict does not
    change when f is scaled). `mode` is
    "full" (every element on its own), "fast" (a few random directions: cost independent of
    n) or "auto" (full up to 128 elements). `strict=True` raises AssertionError on FAIL.
    A complex argument z is checked in TF's convention: the gradient is ∂Re L/∂x + i·∂Re L/∂y
    for z = x + iy. See the `advanced_autodiff` lesson.

    >>> check_gradient(lambda w: 4 * w + w**3, 1.0, analytic=lambda w: 4 + 3 * w**2).passed
    True
    """
    # 1. prepare: tape sources, f evaluated, the tape's gradient, your formula, the tolerances
    problem, reverse, expected = prepare(f, args, analytic, rtol, atol, mode)
    notes, none_agree = _none_pattern(f, problem, reverse, expected)
    title = name or f"gradient of {getattr(f, '__name__', 'f')}"
    if not problem.live:  # no gradient to compare: the None pattern is the verdict
        return _none_verdict(title, problem, reverse, expected, notes, none_agree, strict)
    # 2. the legs, along the check's directions
    legs, directions, elementwise = _legs_along_directions(problem)
    ran = [leg for leg in legs if not leg.skipped]
    # 3. compare (again, where finite differences alone disagree, at finer steps)
    oks = compare(ran)
    if refine(problem, ran, directions, oks):
        oks = compare(ran)
    # 4. the verdict, and the notes that explain it
    passed, worst, blame, culprit = _judge(problem, ran, oks, directions, elementwise,
                                           none_agree, notes, reverse, expected)
    notes, kinks = _notes(problem, legs, ran, directions, elementwise, notes, passed, blame)
    note = "; ".join(notes)
    if strict and not passed:
        raise AssertionError(f"{title}: {note}")
    return _report(title, problem, ran, legs, directions, reverse, expected,
                   passed=passed, note=note, worst=worst, blame=blame, culprit=culprit,
                   kinks=kinks)


def _none_pattern(f: Callable[..., Any], problem: Problem, reverse: list,
                  expected: list | None) -> tuple[list[str], bool]:
    """Return the notes on the arguments the tape gives no gradient for (with TF's reason
    where f shows it), and whether your formula's None pattern agrees with the tape's."""
    reasons = {}
    if len(problem.live) < len(reverse):
        found = reasons_from_function(f, problem.sources)
        reasons = {i: found[i] for i, g in enumerate(reverse) if g is None}
    return none_notes(problem.names, reverse, expected, reasons)


def _fields(title: str, problem: Problem, reverse: list) -> dict:
    """Return the fields every GradientCheck of this problem shares."""
    computed = reverse if len(reverse) > 1 else reverse[0]
    return dict(name=title, computed=computed, device=device_of(reverse), mode=problem.mode)


def _shown(reverse: list, expected: list | None) -> Any:
    """Return your formula as the check shows it: one value for one argument."""
    return expected if expected is None or len(reverse) > 1 else expected[0]


def _none_verdict(title: str, problem: Problem, reverse: list, expected: list | None,
                  notes: list[str], none_agree: bool, strict: bool) -> GradientCheck:
    """Return the check where no argument has a gradient: the None pattern is the verdict."""
    note = "; ".join(notes)
    if strict and not none_agree:
        raise AssertionError(f"{title}: {note}")
    return GradientCheck(expected=_shown(reverse, expected),
                         passed=none_agree and expected is not None,
                         note=note, blame=note if not none_agree else "",
                         **_fields(title, problem, reverse))


def _legs_along_directions(problem: Problem) -> tuple[list[Leg], np.ndarray, np.ndarray | None]:
    """Run the legs along the axes (full) and joint directions, which move every element at
    once (a tie in max takes a subgradient whose sum is 1, which no axis sees); then, in fast
    mode, the elements where your formula and the tape differ, on their own axes. Return the
    legs, the directions and (fast mode with a formula) where formula and tape agree."""
    if problem.mode == "full":
        directions = np.concatenate([np.arange(problem.n), JOINT])
    else:
        directions = JOINT.copy()
    legs = _compute_legs(problem, directions)
    elementwise = None
    if problem.mode == "fast" and problem.formula is not None:
        elementwise = elementwise_agreement(problem)
        suspects = suspect_axes(problem, elementwise)
        if suspects.size:
            legs = _join(legs, _compute_legs(problem, suspects))
            directions = np.concatenate([directions, suspects])
            elementwise[suspects] = True  # judged on their own axes, kinks included
    return legs, directions, elementwise


def _judge(problem: Problem, ran: list[Leg], oks: dict[str, np.ndarray], directions: np.ndarray,
           elementwise: np.ndarray | None, none_agree: bool, notes: list[str], reverse: list,
           expected: list | None) -> tuple[bool, str, str, str]:
    """Return whether the check passes, and if not the element, the words and the leg to
    blame."""
    agree = all(ok.all() for ok in oks.values()) and (
        elementwise is None or bool(elementwise.all()))
    passed = none_agree and agree
    if passed:
        worst, blame, culprit = "", "", ""
    elif agree:  # only a None disagrees: the numbers match, the formula's None pattern does not
        worst = next(problem.names[i] for i, g in enumerate(reverse)
                     if (g is None) != (expected[i] is None))
        blame, culprit = next(n for n in notes if worst in n), ANALYTIC
    else:
        worst, blame, culprit = verdict(problem, ran, oks, directions, elementwise)
    return passed, worst, blame, culprit


def _kinks(problem: Problem, ran: list[Leg], directions: np.ndarray) -> list[int]:
    """Return where finite differences confirmed a kink: elements, else joint directions."""
    fd = _finite_differences(ran)
    kinks = [] if fd is None else list(np.flatnonzero(fd.kinks))
    if any(directions[k] >= 0 for k in kinks):  # name elements; joint directions follow them
        kinks = [k for k in kinks if directions[k] >= 0]
    return kinks


def _finite_differences(ran: list[Leg]) -> Leg | None:
    """Return the finite-difference leg, if it ran."""
    return next((leg for leg in ran if leg.name == FINITE_DIFFERENCES), None)


def _notes(problem: Problem, legs: list[Leg], ran: list[Leg], directions: np.ndarray,
           elementwise: np.ndarray | None, notes: list[str], passed: bool,
           blame: str) -> tuple[list[str], list[str]]:
    """Return the check's notes, the blame first, and the labels of f's kinks."""
    if passed and problem.formula is not None:
        notes += within_rounding(problem)
    if elementwise is not None and (~elementwise).sum() > 0:
        notes.append(f"your formula and the tape also differ at {(~elementwise).sum()} more "
                     f"elements than fast mode checks one by one; mode='full' checks each")
    fd = _finite_differences(ran)
    kinks = _kinks(problem, ran, directions)
    kink_labels = [direction_label(problem, directions[k]).split(" (")[0] for k in kinks]
    if kink_labels:
        notes.append(f"f is not differentiable at {', '.join(kink_labels)} (one-sided slopes "
                     + ", ".join(f"{show_item(float(fd.low[k]))} and "
                                 f"{show_item(float(fd.high[k]))}" for k in kinks)
                     + "): any slope between them is a valid gradient there, and TF picks one")
    notes += [note for leg in ran for note in leg.notes]
    notes += [f"{next(leg.words for leg in legs if leg.name == key)} skipped ({why}); the "
              f"other legs decide" for key, why in _skipped(legs).items()]
    if blame:
        notes = [blame] + [n for n in notes if n != blame]
    return notes, kink_labels


def _skipped(legs: list[Leg]) -> dict[str, str]:
    """Return the legs that could not run, and why."""
    return {leg.name: leg.skipped for leg in legs if leg.skipped}


def _errors(ran: list[Leg]) -> dict[str, tuple[float, float]]:
    """Return each pair of legs' largest absolute and relative difference."""
    errors = {}
    for a, b in itertools.combinations(ran, 2):
        usable = np.isfinite(a.values) & np.isfinite(b.values)
        difference = np.abs(a.values - b.values)[usable]
        size = np.maximum(np.maximum(np.abs(a.values), np.abs(b.values))[usable], 1e-300)
        errors[pair_key(a.name, b.name)] = (float(difference.max(initial=0.0)),
                                            float((difference / size).max(initial=0.0)))
    return errors


def _report(title: str, problem: Problem, ran: list[Leg], legs: list[Leg],
            directions: np.ndarray, reverse: list, expected: list | None,
            **verdict_fields: Any) -> GradientCheck:
    """Return the GradientCheck: the legs' values per element, their errors, the verdict."""
    errors = _errors(ran)
    if problem.formula is not None:
        max_abs = float(np.max(np.abs(problem.formula - problem.tape), initial=0.0))
    else:
        max_abs = errors.get(pair_key(REVERSE, FINITE_DIFFERENCES), (None,))[0]
    per_element = slice(0, problem.n if problem.mode == "full" else None)
    fd = _finite_differences(ran)
    shown = _shown(reverse, expected)
    if expected is None and problem.mode == "full" and fd is not None:
        shown = from_coordinates(problem, fd.values[per_element], reverse)
    return GradientCheck(
        expected=shown, max_abs_error=max_abs,
        legs={leg.name: leg.values[per_element].tolist() for leg in ran}, errors=errors,
        skipped=_skipped(legs), taylor_order=observed_taylor_order(problem, fd, directions),
        **verdict_fields, **_fields(title, problem, reverse))
