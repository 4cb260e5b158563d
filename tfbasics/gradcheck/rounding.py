"""Rounding: how much of a gradient f's own rounding explains, element by element.

Measured against the same gradient with f run in float64 where it runs there (the
wide twin), else by jittering w, else estimated from how far w's rounding reaches.
`measure` does it all and returns a `Rounding` record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import tensorflow as tf

from tfbasics._sources import record_tape, total_of
from tfbasics.gradcheck.directions import abs_dot, most_apart, real_coordinates

_FLOOR = 1e-2  # float32 without float64: atol = rtol · _FLOOR · (the argument's largest)
_REACH_MOVE = 1e-2  # float32 without float64: w moved by this relative amount, and
_REACH_SAFETY = 4  # this many times the gradient's move, scaled to w's rounding, allowed


@dataclass(frozen=True)
class Rounding:
    """How each element's rounding was measured, and what the measurement left behind.

    `how` names the measurement: "twin" (the same gradient with f run in float64), "narrow
    twin" (float64 arguments: f run in float32, scaled down), "jitter" (w moved by a few units
    in its last place), "own reach" (float32 f moved by a relative _REACH_MOVE), joined by " and "
    where two were taken; "estimate" where none could be, "given" for your own atol. `atol`
    is the allowance per real coordinate; finite differences evaluate f in `fd_dtype`, where
    Re Σ f(w) is `f0`; `g_wide` is the tape's gradient in the float64 twin (None without one),
    `reach` how far it moves when w rounds, `g_narrow` the float32 twin's gradient, `jitter`
    how far the gradient moved under jitter or own reach.
    """

    fd_dtype: tf.DType
    f0: float
    how: str = "estimate"
    atol: np.ndarray | None = None
    g_wide: np.ndarray | None = None
    reach: np.ndarray | None = None
    g_narrow: np.ndarray | None = None
    jitter: np.ndarray | None = None


def measure(f: Callable[..., Any], sources: list, live: list[int], f_value: float,
            tape: np.ndarray, w: np.ndarray, tape_values: list, expected: list | None,
            rtol: float, atol: float | None) -> Rounding:
    """Return the Rounding of the tape's gradient `tape` at w: the float64 twin where f runs
    there (it also sets the dtype finite differences run in), else the other measurements,
    and the allowance `atol` per coordinate (your own, where you give one)."""
    dtype = sources[0].dtype
    found = (wide_rounding(f, sources, live, f_value, tape, w) if live else None) or Rounding(
        fd_dtype=dtype, f0=f_value)
    if atol is not None:
        return dataclasses.replace(found, how="given", atol=np.full(tape.size, atol))
    real = dtype.real_dtype.name
    narrow = narrow_rounding(f, sources, live, f_value, w) if live and real == "float64" else None
    # f runs in its own dtype only: the tape's gradient measured a little away
    jitter = None if not live or found.g_wide is not None else (
        jitter_rounding(f, sources, live, tape) if real == "float64"
        else own_reach(f, sources, live, tape))
    how = [name for name, taken in (("narrow twin", narrow), ("jitter" if real == "float64"
                                                              else "own reach", jitter))
           if taken is not None]
    found = dataclasses.replace(found, g_narrow=narrow, jitter=jitter,
                                how=found.how if found.g_wide is not None or not how
                                else " and ".join(how))
    return dataclasses.replace(found, atol=measure_rounding(dtype, live, tape_values, expected,
                                                            rtol, f_value, tape, found, w))


def wide_rounding(f: Callable[..., Any], sources: list, live: list[int], f_value: float,
                  tape: np.ndarray, w: np.ndarray) -> Rounding | None:
    """Return f's float64 (complex128) twin where f runs there on copies of the sources and is
    the same function: a Rounding with that dtype, Re Σ f(w) there, the tape's gradient
    there in real coordinates, and how much each element of it moves when w moves by its
    dtype's rounding (None where the tape's gradient is within measure_rounding's cap of the
    float64 one anyway). Finite differences are far more precise there, and the tape's
    gradient in both dtypes measures the rounding of each element. Else None: f pins its
    dtype, takes its variables by closure, or depends on its dtype (a constant like
    finfo(dtype).eps)."""
    dtype = sources[0].dtype
    wide = tf.complex128 if dtype.is_complex else tf.float64
    nothing = None
    if dtype == wide or any(isinstance(sources[i], tf.Variable) for i in live):
        return nothing
    copies = [tf.cast(s, wide) for s in sources]
    try:
        tape_wide, L = record_tape(f, copies)
        if L.dtype not in (tf.float64, tf.complex128):
            return nothing
        gradients = tape_wide.gradient(L, [copies[i] for i in live])
    except Exception:  # noqa: BLE001 - f pins its dtype somewhere: differences in that dtype
        return nothing
    if any(g is None for g in gradients):
        return nothing
    value = float(tf.math.real(total_of(L)))
    g_wide = real_coordinates([tf.convert_to_tensor(g).numpy() for g in gradients])
    eps = float(np.finfo(dtype.real_dtype.as_numpy_dtype).eps)
    # The same function: f agrees with itself to its dtype's rounding (of f and of Σ w·g).
    wg = abs_dot(w, g_wide)
    if not np.isfinite(g_wide).all() or abs(value - f_value) > 256 * eps * (abs(value) + wg):
        return nothing
    if most_apart(tape, g_wide) * 4 <= 1024 * eps * (abs(f_value) + wg):
        # within measure_rounding's cap already: reach is moot
        return Rounding(fd_dtype=wide, f0=value, how="twin", g_wide=g_wide)
    # Move every element of w by a relative r (random signs): the gradient moves by H·δw,
    # and by eps/r of that when w (and f's constants near it) round to the dtype.
    r = float(np.sqrt(np.finfo(np.float64).eps))
    moved = list(copies)
    for i in live:
        signs = np.random.default_rng(i).choice([-1.0, 1.0], size=tuple(sources[i].shape))
        moved[i] = copies[i] * tf.cast(1.0 + r * signs, wide)
    try:
        tape_moved, L_moved = record_tape(f, moved)
        shifted = tape_moved.gradient(L_moved, [moved[i] for i in live])
        reach = eps / r * np.abs(real_coordinates(
            [tf.convert_to_tensor(g).numpy() for g in shifted]) - g_wide)
    except Exception:  # noqa: BLE001 - f not defined there: rounding of w cannot be measured
        reach = np.zeros_like(g_wide)
    return Rounding(fd_dtype=wide, f0=value, how="twin", g_wide=g_wide,
                    reach=np.where(np.isfinite(reach), reach, 0.0))


def narrow_rounding(f: Callable[..., Any], sources: list, live: list[int],
                    f_value: float, w: np.ndarray) -> np.ndarray | None:
    """Return the tape's gradient with f run in float32 (complex64) on copies of float64
    sources, in real coordinates: its difference from the float64 gradient, scaled by the
    ratio of the two dtypes' eps, measures each element's rounding in float64, where no wider
    dtype can. None where f does not run there, or is another function there."""
    narrow = tf.complex64 if sources[0].dtype.is_complex else tf.float32
    if any(isinstance(sources[i], tf.Variable) for i in live):
        return None
    copies = [tf.cast(s, narrow) for s in sources]
    try:
        tape_narrow, L = record_tape(f, copies)
        if L.dtype != narrow:
            return None
        gradients = tape_narrow.gradient(L, [copies[i] for i in live])
    except Exception:  # noqa: BLE001 - f pins float64 somewhere: rounding is estimated instead
        return None
    if any(g is None for g in gradients):
        return None
    g_narrow = real_coordinates([tf.convert_to_tensor(g).numpy() for g in gradients])
    eps = float(np.finfo(np.float32).eps)
    value = float(tf.math.real(total_of(L)))
    size = abs(f_value) + abs_dot(w, g_narrow)
    if not np.all(np.isfinite(g_narrow)) or abs(value - f_value) > 256 * eps * size:
        return None
    return g_narrow.astype(np.float64)


def jitter_rounding(f: Callable[..., Any], sources: list, live: list[int],
                   tape: np.ndarray) -> np.ndarray | None:
    """Return how far the tape's gradient moves, element by element, when w moves by a few
    units in its last place (three seeded moves): the gradient's rounding as far as it can be
    seen where f does not run in another dtype (the terms that cancel at an optimum round
    differently at each move). Variables are moved by `assign` and restored exactly. None
    where f is not defined a few units away."""
    moved_most = np.zeros_like(tape)
    saved = {i: tf.identity(sources[i]) for i in live if isinstance(sources[i], tf.Variable)}
    try:
        for k in range(1, 4):
            moved = list(sources)
            for i in live:
                value = (saved[i] if i in saved else sources[i]).numpy()
                signs = np.random.default_rng(k * 1000 + i).choice([-1.0, 1.0],
                                                                   size=value.shape)
                ulp = np.spacing(np.abs(value).astype(value.real.dtype))
                shifted = (value + k * signs * ulp).astype(value.dtype)
                if i in saved:
                    sources[i].assign(shifted)
                else:
                    moved[i] = tf.constant(shifted, sources[i].dtype)
            try:
                tape_moved, L = record_tape(f, moved)
                gradients = tape_moved.gradient(L, [moved[i] for i in live])
            except Exception:  # noqa: BLE001 - f not defined a few ulps away: nothing to measure
                return None
            if any(g is None for g in gradients):
                return None
            g = real_coordinates([tf.convert_to_tensor(g).numpy() for g in gradients])
            if not np.all(np.isfinite(g)):
                return None
            moved_most = np.maximum(moved_most, np.abs(g - tape))
    finally:
        for i, value in saved.items():
            sources[i].assign(value)
    return moved_most


def own_reach(f: Callable[..., Any], sources: list, live: list[int],
              tape: np.ndarray) -> np.ndarray | None:
    """Return how far each element of the tape's gradient moves when w moves by its own
    dtype's rounding, where f runs in that dtype only (float32 variables): w is moved by a
    relative _REACH_MOVE (seeded signs, variables by `assign`, restored exactly) and the
    gradient's move scaled by eps/_REACH_MOVE, as `wide_rounding` does in float64. At an
    optimum this is the rounding of the terms that cancel; a kink crossed on the way counts
    eps/_REACH_MOVE of its jump only. None where f is not defined there."""
    saved = {i: tf.identity(sources[i]) for i in live if isinstance(sources[i], tf.Variable)}
    moved = list(sources)
    try:
        for i in live:
            value = (saved[i] if i in saved else sources[i]).numpy()
            signs = np.random.default_rng(i).choice([-1.0, 1.0], size=value.shape)
            shifted = (value * (1.0 + _REACH_MOVE * signs)).astype(value.dtype)
            if i in saved:
                sources[i].assign(shifted)
            else:
                moved[i] = tf.constant(shifted, sources[i].dtype)
        try:
            tape_moved, L = record_tape(f, moved)
            gradients = tape_moved.gradient(L, [moved[i] for i in live])
        except Exception:  # noqa: BLE001 - f not defined there: nothing to measure
            return None
    finally:
        for i, value in saved.items():
            sources[i].assign(value)
    if any(g is None for g in gradients):
        return None
    g = real_coordinates([tf.convert_to_tensor(g).numpy() for g in gradients])
    if not np.all(np.isfinite(g)):
        return None
    eps = float(np.finfo(sources[live[0]].dtype.real_dtype.as_numpy_dtype).eps)
    return eps / _REACH_MOVE * np.abs(g - tape)


def measure_rounding(dtype: tf.DType, live: list[int], tape_values: list, expected: list | None,
                     rtol: float, f_value: float, tape: np.ndarray, found: Rounding,
                     w: np.ndarray) -> np.ndarray:
    """Return, per real coordinate, how far formula, tape and forward mode may be off beyond
    rtol of their own size: the rounding of each element of the gradient.

    Where f also runs in float64, that rounding is measured: the tape's gradient in the
    arguments' dtype against the same in float64, element by element (4 times the
    difference: each leg rounds about as much as the tape, and the allowance goes to both
    sides of a comparison). Rounding cannot exceed what f's size (f and Σ|w·g|) and w's own
    rounding (how far the gradient moves when w moves by eps) allow, 1024 times over: beyond
    that f is a different function in float64, and the difference is left for the legs to
    find. float64 arguments are measured the other way: f in float32, its difference scaled
    down by the ratio of the eps (16 times, as the scaling is an estimate). Else it is
    estimated from the argument's largest element, which cannot see an element far smaller
    than the largest: in float64 64·eps of it (or of Σ|w·g| per unit of w), and rtol·1% in
    float32 and float16, where rounding is larger. In float64, eps·|f| is allowed between two
    legs: a gradient computed from values of f's size rounds at that level, and finite
    differences cannot see below it either (a constant added to f is not allowed more)."""
    real = dtype.real_dtype.as_numpy_dtype
    sizes, counts = [], []
    for i, g in zip(live, tape_values, strict=True):  # each argument's largest element
        size = max(float(np.max(np.abs(g.real), initial=0.0)),
                   float(np.max(np.abs(g.imag), initial=0.0)) if np.iscomplexobj(g) else 0.0)
        if expected is not None:
            mine = np.abs(real_coordinates([expected[i]]))
            size = max(size, float(np.max(np.where(np.isfinite(mine), mine, 0.0), initial=0.0)))
        sizes.append(size)
        counts.append(g.size * (2 if np.iscomplexobj(g) else 1))
    size = np.repeat(sizes, counts).astype(np.float64)
    tiny = 64 * float(np.finfo(np.float64).eps) * size
    g_wide, reach, g_narrow, jitter = found.g_wide, found.reach, found.g_narrow, found.jitter
    if g_wide is not None:
        cap = 1024 * (float(np.finfo(real).eps) * (abs(f_value) + abs_dot(w, g_wide))
                      + (0.0 if reach is None else reach))
        out = np.subtract(tape, g_wide)
        np.abs(out, out=out)
        out *= 4
        np.minimum(out, cap, out=out)
        out += tiny
        return out
    eps = float(np.finfo(np.float64).eps)
    # A gradient computed from values of f's size rounds at eps·|f| (1 - sigmoid(40) is 0):
    # that much between two legs (half to each side), not 64 times over, or a constant added
    # to f would hide a wrong formula.
    floor = eps * abs(f_value) / 2
    cap = 1024 * eps * (abs(f_value) + abs_dot(w, tape))
    if real != np.float64:  # float32, float16 without float64: estimated, or measured as
        # how far the gradient moves with w's rounding (`jitter` holds `own_reach` here).
        # Not capped by f's size: at an optimum f is near 0 while the terms that cancel in
        # the gradient are not.
        estimate = rtol * _FLOOR * size
        return estimate if jitter is None else np.maximum(estimate, _REACH_SAFETY * jitter)
    if g_narrow is not None or jitter is not None:
        measured = np.zeros_like(tape)
        if g_narrow is not None:
            measured = 16 * eps / float(np.finfo(np.float32).eps) * np.abs(tape - g_narrow)
        if jitter is not None:  # how the gradient moves with w's last bits (f pins float64)
            measured = np.maximum(measured, 16 * jitter)
        return np.minimum(measured, cap) + floor + tiny
    # where elements cancel at an optimum, the terms' size per w
    spread = abs_dot(w, tape) / max(float(np.max(np.abs(w), initial=0.0)), 1.0)
    return 64 * eps * np.maximum(size, spread) + floor
