"""check_gradient: your formula, the tape, forward mode and finite differences, compared."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, device_of, show_item, to_numpy
from tfbasics.doctor import explain_none
from tfbasics.gradients import (
    check_finite,
    check_target,
    describe,
    label,
    non_finite_index,
    record,
    source_names,
    sources_of,
    takes_arguments,
)
from tfbasics.legs import finite_difference_leg, forward_leg, kink_elements

LEGS = {
    "analytic": "your analytic formula",
    "reverse": "the tape",
    "forward": "forward mode",
    "finite_difference": "finite differences",
}
# Default (rtol, atol) for the legs TF computes, per dtype: accumulated rounding, not ulps.
AUTODIFF_TOLERANCES = {"float16": (1e-2, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-9, 1e-11)}


@dataclass
class GradientCheck(Check):
    """A gradient check: each leg's value, their pairwise errors, and who is to blame."""

    legs: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, tuple[float, float]] = field(default_factory=dict)
    worst: str = ""
    blame: str = ""
    culprit: str = ""
    kinks: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = super().__str__()
        return text + (f"\n      {self.blame}" if self.blame and self.blame != self.note else "")


def element_labels(names: list[str], shapes: list[tuple]) -> list[str]:
    """Return a label per element in the sources' own coordinates: w, w[1], w[0, 2]."""
    return [label(name, index) for name, shape in zip(names, shapes, strict=True)
            for index in np.ndindex(*shape)]


def leg_tolerance(leg: str, dtype: tf.DType, scale: float, rtol: float | None,
                  atol: float | None) -> tuple[float, float]:
    """Return (rtol, atol) for one leg's values (the formula's is the dtype's, like the tape's)."""
    if leg == "finite_difference":
        # A central difference errs by about eps^(2/3)·|L|: allow a wide multiple of that.
        floor = np.cbrt(np.finfo(dtype.as_numpy_dtype).eps) ** 2
        return 1000 * floor, 100 * floor * max(1.0, scale)
    default_rtol, default_atol = AUTODIFF_TOLERANCES.get(dtype.name, (1e-4, 1e-5))
    return (default_rtol if rtol is None else rtol), (default_atol if atol is None else atol)


def agree(a: np.ndarray, b: np.ndarray, ta: tuple, tb: tuple) -> np.ndarray:
    """Return, per element, whether two legs agree within the looser of their tolerances."""
    rtol, atol = max(ta[0], tb[0]), max(ta[1], tb[1])
    return np.abs(a - b) <= atol + rtol * np.maximum(np.abs(a), np.abs(b))


def blame_for(legs: dict, oks: dict) -> tuple[str | None, list[str]]:
    """Return (the leg that disagrees with all the others while they agree, the others)."""
    names = list(legs)
    for leg in names:
        others = [o for o in names if o != leg]
        if len(others) < 2:
            continue
        if all(oks[pair_key(a, b)].all() for a in others for b in others if a < b) and all(
                not oks[pair_key(leg, o)].all() for o in others):
            return leg, others
    return None, names


def pair_key(a: str, b: str) -> str:
    """Return the key of a pair of legs, in a fixed order."""
    return "/".join(sorted((a, b)))


HINTS = {
    "analytic": "check the formula",
    "reverse": "check the gradient function of any tf.custom_gradient in f",
    "forward": "check any custom forward-mode rule in f",
    "finite_difference": "f may jump here, or be too noisy in its dtype; try float64",
}


def verdict(legs: dict, oks: dict, labels: list[str]) -> tuple[str, str, str]:
    """Return (worst element, a one-line verdict, the leg to blame or '') for disagreeing legs."""
    culprit, others = blame_for(legs, oks)
    if culprit is not None:
        reference = np.mean([legs[o] for o in others], axis=0)
        worst = int(np.argmax(np.abs(legs[culprit] - reference)))
        named = ", ".join(LEGS[o] for o in others[:-1]) + f" and {LEGS[others[-1]]}"
        return labels[worst], (
            f"{LEGS[culprit]} disagrees with {named} at {labels[worst]}: "
            f"{show_item(float(legs[culprit][worst]))} vs {show_item(float(reference[worst]))}"
            f" — {HINTS[culprit]}"), culprit
    bad = np.zeros(len(labels), dtype=bool)
    for ok in oks.values():
        bad |= ~ok
    worst = int(np.argmax(bad))
    values = ", ".join(f"{LEGS[leg]} {show_item(float(v[worst]))}" for leg, v in legs.items())
    return labels[worst], f"the legs disagree at {labels[worst]}: {values}", ""


def pairwise(legs: dict, tolerance: dict, kinks: np.ndarray, low: np.ndarray,
             high: np.ndarray) -> tuple[dict, dict]:
    """Compare every pair of legs: per-element agreement, and (max abs, max rel) errors.

    At a kink every slope between the one-sided ones is a valid subgradient: there a leg
    passes when it lies in [low, high], whatever the other legs chose.
    """
    inside = {leg: (v >= low - tolerance[leg][1] - tolerance[leg][0] * np.abs(low))
              & (v <= high + tolerance[leg][1] + tolerance[leg][0] * np.abs(high))
              for leg, v in legs.items()}
    oks, errors = {}, {}
    for a, b in itertools.combinations(legs, 2):
        ok = agree(legs[a], legs[b], tolerance[a], tolerance[b])
        oks[pair_key(a, b)] = np.where(kinks, inside[a] & inside[b], ok)
        difference = np.abs(legs[a] - legs[b])
        scale = np.maximum(np.maximum(np.abs(legs[a]), np.abs(legs[b])), 1e-30)
        errors[pair_key(a, b)] = (float(difference.max(initial=0.0)),
                                  float((difference / scale).max(initial=0.0)))
    return oks, errors


def check_shapes(expected: list, shapes: list[tuple], names: list[str]) -> None:
    """Raise ValueError when an analytic gradient's shape is not its source's shape."""
    if len(expected) != len(shapes):
        raise ValueError(f"analytic gives {len(expected)} gradients for {len(shapes)} "
                         f"arguments: return one per argument")
    for value, shape, name in zip(expected, shapes, names, strict=True):
        if value is not None and np.shape(to_numpy(value)) != shape:
            raise ValueError(f"analytic gradient for {name} has shape "
                             f"{np.shape(to_numpy(value))}, but {name} has shape {shape}: "
                             f"return one value per element of {name}")


def unflatten_like(vector: np.ndarray, shapes: list[tuple], count: int) -> Any:
    """Return a flat vector as per-source arrays (one array for one source)."""
    parts = np.split(vector, np.cumsum([int(np.prod(s)) for s in shapes])[:-1])
    arrays = [p.reshape(s) for p, s in zip(parts, shapes, strict=True)]
    return arrays[0] if count == 1 else arrays


def flatten(values: list) -> np.ndarray:
    """Return per-source values as one float64 vector (None sources as NaN)."""
    return np.concatenate([np.asarray(to_numpy(v), dtype=np.float64).ravel() for v in values])


def check_gradient(f: Callable[..., Any], *args: Any, analytic: Any = None,
                   rtol: float | None = None, atol: float | None = None, name: str | None = None,
                   strict: bool = False) -> GradientCheck:
    """Compare the tape's gradient with forward mode, finite differences and `analytic`."""
    sources = sources_of(f, args, variables=False)  # tensors: finite differences can batch
    names = (source_names(f, len(sources)) if takes_arguments(f)
             else [s.name.split(":")[0] for s in sources])
    for source, source_name in zip(sources, names, strict=True):
        check_finite(np.asarray(source), source_name)
    if len({s.dtype for s in sources}) > 1:
        raise TypeError("the arguments have different dtypes ("
                        + ", ".join(s.dtype.name for s in sources) + "): cast them to one")
    dtype = sources[0].dtype
    tape, L = record(f, sources)  # one evaluation serves the NaN check and the tape's leg
    check_target(L, lambda: describe(names, sources))  # NaN, Inf: say where
    shapes = [tuple(s.shape) for s in sources]
    labels = element_labels(names, shapes)
    reverse = tape.gradient(L, sources)
    for source_name, g in zip(names, reverse, strict=True):
        index = None if g is None else non_finite_index(np.asarray(g.numpy()))
        if index is not None:
            raise ValueError(f"the tape's gradient is {np.asarray(g.numpy())[index]} at "
                             f"{label(source_name, index)}: f is not differentiable there "
                             f"(e.g. sqrt at 0); check another point")
    if callable(analytic):
        analytic = analytic(*(to_numpy(s) for s in sources))
    expected = None if analytic is None else (list(analytic) if len(sources) > 1 else [analytic])
    title = name or f"gradient of {getattr(f, '__name__', 'f')}"
    computed_out = reverse if len(sources) > 1 else reverse[0]
    expected_out = expected if expected is None or len(sources) > 1 else expected[0]
    if expected is not None:
        check_shapes(expected, shapes, names)

    none = [i for i, g in enumerate(reverse) if g is None]
    if none:
        reasons = explain_none(f, *sources)
        note = "; ".join(f"d/d{names[i]} is None: {reasons[i]}" for i in none)
        passed = expected is not None and all((expected[i] is None) == (i in none)
                                              for i in range(len(sources)))
        if strict and not passed:
            raise AssertionError(f"{title}: {note}")
        return GradientCheck(title, computed_out, expected_out, passed, None,
                             device_of(reverse), note, blame=note)

    central, left, right, fd_dtype_, L0 = finite_difference_leg(f, sources)
    scale = abs(float(L0))  # the size of f's total, which finite differences' error scales with
    legs = {}
    if expected is not None:
        legs["analytic"] = flatten(expected)
    legs["reverse"] = flatten(reverse)
    legs["forward"] = forward_leg(f, sources).astype(np.float64)
    legs["finite_difference"] = central
    tolerance = {leg: leg_tolerance(leg, fd_dtype_ if leg == "finite_difference" else dtype,
                                    scale, rtol, atol) for leg in legs}
    kinks = kink_elements(left, right, fd_dtype_)
    oks, errors = pairwise(legs, tolerance, kinks, np.minimum(left, right),
                           np.maximum(left, right))
    passed = all(ok.all() for ok in oks.values())
    worst, blame, culprit = ("", "", "") if passed else verdict(legs, oks, labels)
    kink_labels = [labels[i] for i in np.flatnonzero(kinks)]
    note = blame
    if kink_labels:
        note = (f"f is not differentiable at {', '.join(kink_labels)} (one-sided slopes "
                + ", ".join(f"{show_item(float(left[i]))} and {show_item(float(right[i]))}"
                            for i in np.flatnonzero(kinks))
                + "): any slope between them is a valid gradient there, and TF picks one"
                + (f"; {blame}" if blame else ""))
    if strict and not passed:
        raise AssertionError(f"{title}: {blame}")
    # The headline error is the comparison the record shows: tape vs formula, else vs FD.
    max_abs = errors[pair_key("reverse", "analytic" if expected is not None
                              else "finite_difference")][0]
    return GradientCheck(title, computed_out, expected_out if expected is not None else
                         unflatten_like(central, shapes, len(sources)), passed, max_abs,
                         device_of(reverse), note,
                         legs={k: v.tolist() for k, v in legs.items()}, errors=errors,
                         worst=worst, blame=blame, culprit=culprit, kinks=kink_labels)
