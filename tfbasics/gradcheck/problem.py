"""The problem: f's sources and dtypes, f evaluated at w, your formula, the tolerances.

`prepare` turns the arguments into tape sources, runs f (twice: a random f is refused),
records it once on a tape and evaluates your formula; the `Problem` record holds it all.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import tensorflow as tf

from tfbasics._format import error_message
from tfbasics._sources import (
    call_f,
    check_finite,
    check_target,
    describe,
    element_label,
    mixed_dtypes,
    names_of,
    non_finite_index,
    record_tape,
    require_function,
    sources_of,
    takes_arguments,
    total_of,
)
from tfbasics.gradcheck.directions import abs_dot, real_coordinates
from tfbasics.gradcheck.rounding import measure

MODES = ("auto", "full", "fast")
_FULL_UP_TO = 128  # mode="auto": every element on its own axis up to this many coordinates
_RTOL = {"float16": 4e-3, "float32": 1e-4, "float64": 1e-9}  # each of formula, tape, forward
_SUPPORTED = ("float16", "float32", "float64", "complex64", "complex128")


@dataclass
class Problem:
    """What every leg needs: f, its sources, the point, the tape's gradient and the settings."""

    f: Callable[..., Any]
    sources: list  # as f receives them: tf.Variable or tf.Tensor
    names: list[str]
    dtype: tf.DType  # the sources' dtype (real or complex)
    live: list[int]  # the sources the tape gives a gradient for; the others stay fixed
    w: np.ndarray  # the point, as float64 real coordinates of the live sources
    tape: np.ndarray  # the tape's gradient in the same coordinates (TF's complex convention)
    formula: np.ndarray | None  # your formula's, likewise, or None
    fd_dtype: tf.DType  # the dtype finite differences evaluate f in
    g_wide: np.ndarray | None  # the tape's gradient with f run in float64, where it runs there
    rtol: float
    atol: np.ndarray  # per coordinate: a user's atol, or its rounding (see measure_rounding)
    mode: str
    f0: float = 0.0  # Re Σ f(w) in finite differences' dtype
    scale_tf: tf.Tensor | None = None  # max(1, |w|) in TF
    w_tf: tf.Tensor | None = None  # w in TF, in finite differences' real dtype
    random: dict[int, np.ndarray] = field(default_factory=dict)  # random directions' signs
    sizes: dict[str, float] = field(default_factory=dict)  # errors along random u

    @functools.cached_property
    def scale(self) -> np.ndarray:
        """Return max(1, |w|) per coordinate: how far a random direction moves each one."""
        return np.maximum(1.0, np.abs(self.w))

    @functools.cached_property
    def w_dot_tape(self) -> float:
        """Return Σ|w·g| over the tape's gradient g: the size of the terms w moves in f."""
        return abs_dot(self.w, self.tape)

    def label(self, k: int) -> str:
        """Return the name of real coordinate k of the live sources: w[1], z.imag."""
        return _coordinate_label([self.names[i] for i in self.live],
                                 [self.sources[i] for i in self.live], int(k))

    @property
    def n(self) -> int:
        """Return the number of real coordinates checked."""
        return self.w.size

    @functools.cached_property
    def assigns(self) -> bool:
        """Tell whether f is moved by assigning its variables, one point at a time: the
        variables that stay sources are those f captures, assigns or reads by name as well
        (see _read_values). Else f is evaluated on tensors, batched."""
        return any(isinstance(self.sources[i], tf.Variable) for i in self.live)


# --- 1. prepare ------------------------------------------------------------------------------

def _number(value: Any, what: str) -> float | None:
    """Return a tolerance as a float, or None; refuse negative, NaN and non-numbers clearly."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(
            value) or value < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}: e.g. {what}=1e-4")
    return float(value)


def _coordinate_label(names: list[str], sources: list, k: int) -> str:
    """Return the label of real coordinate k: w, w[1], w[0, 2]; z.real or z.imag if complex."""
    for name, source in zip(names, sources, strict=True):
        parts = 2 if source.dtype.is_complex else 1
        size = int(np.prod(source.shape)) * parts
        if k < size:
            index = np.unravel_index(k // parts, tuple(source.shape)) if source.shape else ()
            element = element_label(name, tuple(int(i) for i in index))
            return element + ((".real", ".imag")[k % 2] if parts == 2 else "")
        k -= size
    raise IndexError(k)


def _formula(analytic: Any, sources: list, names: list[str]) -> list | None:
    """Return your formula's gradient per source (None kept), its shapes checked."""
    if analytic is None:
        return None
    result = analytic(*(np.asarray(s) for s in sources)) if callable(analytic) else analytic
    listed = ", ".join(names)
    if isinstance(result, dict):
        raise TypeError(f"analytic gave a dict: return a tuple with one gradient per argument, "
                        f"in order ({listed})")
    if len(sources) == 1:
        values = [result]
    elif isinstance(result, (list, tuple)) or (isinstance(result, np.ndarray)
                                               and result.ndim > 0):
        values = list(result)
        if len(values) != len(sources):
            raise ValueError(f"analytic gives {len(values)} gradients for {len(sources)} "
                             f"arguments ({listed}): return one per argument")
    else:
        raise TypeError(f"analytic gives one value for {len(sources)} arguments ({listed}): "
                        f"return a tuple with one gradient per argument")
    checked = []
    for value, source, name in zip(values, sources, names, strict=True):
        if value is None:
            checked.append(None)
            continue
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        if array.dtype.kind not in "fciu":
            raise TypeError(f"analytic gradient for {name} has dtype {array.dtype}: return "
                            f"numbers, e.g. 2 * {name}")
        if array.shape != tuple(source.shape):
            raise ValueError(f"analytic gradient for {name} has shape {array.shape}, but {name} "
                             f"has shape {tuple(source.shape)}: return one value per element "
                             f"of {name}")
        if array.dtype.kind == "c" and not source.dtype.is_complex:
            if np.any(array.imag != 0):
                raise ValueError(f"analytic gradient for {name} is complex, but {name} is real: "
                                 f"return real numbers")
            array = array.real
        if source.dtype.is_complex:
            array = array.astype(np.complex128)
        checked.append(array)
    return checked


def _read_values(f: Callable[..., Any], sources: list) -> list:
    """Return the sources with the tf.Variables replaced by tensors of their values where f
    only reads them, so f is checked as on tensors: batched, and in float64 where it runs
    there. Variables stay where f captures them (it takes no arguments, or reads them by
    name as well: the tape's gradient differs, or is None on a tensor), assigns them, or
    gives another value on tensors: anything but the same numbers, bit for bit, keeps them
    (the slower check in their own dtype, never a wrong one)."""
    if not takes_arguments(f) or not any(isinstance(s, tf.Variable) for s in sources):
        return sources
    values = [tf.identity(s) if isinstance(s, tf.Variable) else s for s in sources]
    try:
        on_values = _value_and_gradient(f, values)
        on_variables = _value_and_gradient(f, sources)
    except Exception:  # noqa: BLE001 - f needs variables (it assigns, say): keep them
        return sources
    same = all((a is None) == (b is None) and (a is None or np.array_equal(a, b))
               for a, b in zip(on_values, on_variables, strict=True))
    return values if same else sources


def _value_and_gradient(f: Callable[..., Any], sources: list) -> list[np.ndarray | None]:
    """Return Re Σ f and the tape's gradient for each source (None kept), as arrays."""
    tape, L = record_tape(f, sources)
    gradients = tape.gradient(L, sources)
    return [np.asarray(tf.math.real(total_of(L)).numpy())] + [
        None if g is None else np.asarray(tf.convert_to_tensor(g).numpy()) for g in gradients]


def prepare(f: Callable[..., Any], args: tuple, analytic: Any, rtol: Any, atol: Any,
            mode: str) -> tuple[Problem, list, list | None]:
    """Turn the arguments into a Problem; return it, the tape's gradients and the formula's."""
    require_function(f)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    rtol, atol = _number(rtol, "rtol"), _number(atol, "atol")
    sources = sources_of(f, args, variables=False)  # tensors: finite differences can batch
    variables = [id(s) for s in sources if isinstance(s, tf.Variable)]
    if len(set(variables)) < len(variables):
        raise ValueError("the same tf.Variable is passed twice: pass each variable once (f "
                         "may use it as often as it likes)")
    names = names_of(f, sources)
    if len({s.dtype for s in sources}) > 1:
        raise TypeError("the arguments have different dtypes ("
                        + ", ".join(s.dtype.name for s in sources) + "): cast them to one")
    dtype = sources[0].dtype
    if dtype.name not in _SUPPORTED:
        raise TypeError(f"check_gradient compares in float16, float32, float64 or complex, not "
                        f"{dtype.name}: cast the arguments, e.g. tf.cast(w, tf.float32)")
    for source, name in zip(sources, names, strict=True):
        check_finite(np.asarray(source), name)
    sources = _read_values(f, sources)
    try:
        tape, L = record_tape(f, sources)  # one evaluation serves the NaN check and the tape's leg
    except Exception as error:
        clear = mixed_dtypes(sources, error)
        if clear is not None:
            raise clear from error
        if isinstance(error, tf.errors.OpError):
            raise ValueError(f"f fails on {describe(names, sources)}: TF says "
                             f"{error_message(error)}; f must run at the point you "
                             f"check (its shapes and dtypes as given)") from None
        raise
    check_target(L, lambda: describe(names, sources))  # NaN, Inf: say where
    first = float(tf.math.real(total_of(L)))
    again = float(tf.math.real(total_of(call_f(f, sources))))
    if abs(first - again) > 100 * np.finfo(dtype.real_dtype.as_numpy_dtype).eps * max(
            abs(first), abs(again)):
        raise ValueError(f"f gives different results for the same input ({first:.6g}, then "
                         f"{again:.6g}): a gradient check needs a deterministic f; seed it "
                         f"(tf.random.stateless_uniform with a fixed seed), or pass the random "
                         f"values in as a constant")
    try:
        reverse = [None if g is None else tf.convert_to_tensor(g)
                   for g in tape.gradient(L, sources)]
    except LookupError as error:
        raise LookupError(f"the tape cannot differentiate f: {error_message(error)}; TF has "
                          f"no gradient for an op in f (see the autodiff lesson)") from None
    for name, g in zip(names, reverse, strict=True):
        index = None if g is None else non_finite_index(np.asarray(g.numpy()))
        if index is not None:
            raise ValueError(f"the tape's gradient is {np.asarray(g.numpy())[index]} at "
                             f"{element_label(name, index)}: f is not differentiable there "
                             f"(e.g. sqrt at 0); check another point")
    expected = _formula(analytic, sources, names)
    # Compared element by element: the sources both the tape and your formula give a value
    # for; a None on one side only is a failure the notes explain.
    live = [i for i, g in enumerate(reverse)
            if g is not None and (expected is None or expected[i] is not None)]
    tape_values = [reverse[i].numpy() for i in live]
    formula = None if expected is None else [expected[i] for i in live]
    real = dtype.real_dtype.name
    n = sum(int(np.prod(sources[i].shape)) * (2 if dtype.is_complex else 1) for i in live)
    chosen = mode if mode != "auto" else ("full" if n <= _FULL_UP_TO else "fast")
    tape_vector = real_coordinates(tape_values)
    formula_vector = None if formula is None else real_coordinates(formula)
    rtol = _RTOL[real] if rtol is None else rtol
    w = real_coordinates([sources[i].numpy() for i in live])
    rounding = measure(f, sources, live, again, tape_vector, w, tape_values, expected, rtol,
                       atol)
    problem = Problem(
        f=f, sources=sources, names=names, dtype=dtype, live=live,
        w=w, tape=tape_vector,
        formula=formula_vector,
        fd_dtype=rounding.fd_dtype, g_wide=rounding.g_wide, f0=rounding.f0, rtol=rtol,
        atol=rounding.atol, mode=chosen)
    return problem, reverse, expected
