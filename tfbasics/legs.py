"""The legs a gradient check compares: forward mode and finite differences, computed in TF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from tfbasics.checks import to_numpy
from tfbasics.gradients import call, total

BATCH_FROM = 16  # from this many elements on, batch evaluations with tf.vectorized_map


def run_batched(function: Callable[[tf.Tensor], tf.Tensor], batch: tf.Tensor) -> np.ndarray:
    """Apply `function` to each row of `batch`: one vectorised call when the batch is large."""
    if len(batch) >= BATCH_FROM:
        try:
            return tf.vectorized_map(function, batch).numpy()
        except Exception:  # noqa: BLE001 - an op without a vectorised rule: loop instead
            pass
    return np.array([function(row).numpy() for row in batch])


def forward_leg(f: Callable[..., Any], sources: list) -> np.ndarray:
    """Return d total(f)/d each element, one forward-mode JVP per basis tangent."""
    sizes = [int(np.prod(s.shape)) for s in sources]

    def jvp(tangent: tf.Tensor) -> tf.Tensor:
        parts = tf.split(tangent, sizes) if len(sizes) > 1 else [tangent]
        tangents = [tf.reshape(p, s.shape) for p, s in zip(parts, sources, strict=True)]
        with tf.autodiff.ForwardAccumulator(sources, tangents) as accumulator:
            L = total(call(f, sources))
        dL = accumulator.jvp(L)
        return tf.zeros([], L.dtype) if dL is None else dL

    return run_batched(jvp, tf.eye(sum(sizes), dtype=sources[0].dtype))


def fd_dtype(f: Callable[..., Any], sources: list) -> tf.DType:
    """Return float64 when f runs in float64 on copies of the sources, else their dtype."""
    if all(s.dtype == tf.float64 for s in sources) or any(
            isinstance(s, tf.Variable) for s in sources):
        return sources[0].dtype
    try:
        L = total(call(f, [tf.cast(s, tf.float64) for s in sources]))
    except Exception:  # noqa: BLE001 - f pins float32 somewhere: differentiate in its dtype
        return sources[0].dtype
    return L.dtype if L.dtype == tf.float64 else sources[0].dtype


def finite_difference_leg(f: Callable[..., Any], sources: list) -> tuple:
    """Return (central, left, right) slopes per element, their dtype, and f's total at w."""
    dtype = fd_dtype(f, sources)
    # Central differences err by h²·f'''/6 (truncation) plus eps·|f|/h (rounding): the sum is
    # smallest near h = eps^(1/3), about 5e-3 in float32 and 6e-6 in float64.
    eps = np.finfo(dtype.as_numpy_dtype).eps
    base = [np.asarray(to_numpy(s), dtype=dtype.as_numpy_dtype) for s in sources]
    flat = np.concatenate([b.ravel() for b in base])
    step = np.cbrt(eps) * np.maximum(1.0, np.abs(flat))
    plus, minus = (flat + step).astype(flat.dtype), (flat - step).astype(flat.dtype)

    def unflatten(vector: Any) -> list:
        return [tf.reshape(p, b.shape) for p, b in
                zip(tf.split(vector, [b.size for b in base]) if len(base) > 1 else [vector],
                    base, strict=True)]

    if any(isinstance(s, tf.Variable) for s in sources):
        L0, L_plus, L_minus = perturb_variables(f, sources, flat, plus, minus, unflatten)
    else:
        evaluate = lambda vector: total(call(f, unflatten(vector)))  # noqa: E731
        L0 = float(evaluate(tf.constant(flat)))
        rows = np.repeat(flat[None, :], 2 * flat.size, axis=0)
        index = np.arange(flat.size)
        rows[index, index], rows[flat.size + index, index] = plus, minus
        values = run_batched(evaluate, tf.constant(rows))
        L_plus, L_minus = values[:flat.size], values[flat.size:]
    h_plus, h_minus = plus - flat, flat - minus  # the steps the dtype could represent
    central = (L_plus - L_minus) / (h_plus + h_minus)
    return central, (L0 - L_minus) / h_minus, (L_plus - L0) / h_plus, dtype, L0


def perturb_variables(f: Callable[..., Any], sources: list, flat: np.ndarray, plus: np.ndarray,
                      minus: np.ndarray, unflatten: Callable) -> tuple:
    """Evaluate f with one element at a time moved by ±h via `assign`; restore exactly."""
    saved = [tf.identity(s) for s in sources]
    try:
        def evaluate(vector: np.ndarray) -> float:
            values = unflatten(tf.constant(vector))
            for i, source in enumerate(sources):
                if isinstance(source, tf.Variable):
                    source.assign(values[i])
                    values[i] = source
            return float(total(call(f, values)))

        L0 = evaluate(flat)
        L_plus, L_minus = np.empty(flat.size), np.empty(flat.size)
        for i in range(flat.size):
            moved = flat.copy()
            moved[i] = plus[i]
            L_plus[i] = evaluate(moved)
            moved[i] = minus[i]
            L_minus[i] = evaluate(moved)
    finally:
        for source, value in zip(sources, saved, strict=True):
            if isinstance(source, tf.Variable):
                source.assign(value)
    return L0, L_plus, L_minus


def kink_elements(left: np.ndarray, right: np.ndarray, dtype: tf.DType) -> np.ndarray:
    """Return where the one-sided slopes differ by far more than a smooth f allows."""
    # Smooth f: right - left ≈ h·f'', with h ≈ eps^(1/3)·max(1, |w|). A jump of a few percent
    # of the slope is a kink (relu, abs at 0), not curvature.
    share = 0.01 if dtype == tf.float64 else 0.1
    return np.abs(right - left) > share * np.maximum(1.0, np.maximum(np.abs(left), np.abs(right)))
