"""Gradients with `tf.GradientTape`: one call for a value's gradient, one tape for a sweep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf


def as_source(value: Any, position: int = 0) -> tf.Variable | tf.Tensor:
    """Return `value` as something a tape can differentiate with respect to."""
    if isinstance(value, tf.Variable):
        return value
    if tf.is_tensor(value):
        if not value.dtype.is_floating:
            raise TypeError(f"argument {position} is a {value.dtype.name} tensor: gradients need "
                            f"floats; use tf.cast(x, tf.float32)")
        return value
    if isinstance(value, (str, bytes)):
        raise TypeError(f"argument {position} is a string ({value!r}): pass a number, "
                        f"e.g. 1.0")
    array = np.asarray(value)
    if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
        raise TypeError(f"argument {position} has dtype {array.dtype}: gradients need floats; "
                        f"pass numbers such as 1.0")
    if array.dtype.kind in "iu":
        raise TypeError(f"argument {position} is an integer ({value!r}): TF gives no gradient "
                        f"for integers; write it as a float, e.g. {array.astype(float).tolist()}")
    # Python numbers and lists default to float32 like TF; NumPy float64 stays float64.
    is_numpy = isinstance(value, (np.ndarray, np.generic))
    dtype = tf.float64 if is_numpy and array.dtype == np.float64 else tf.float32
    return tf.Variable(array, dtype=dtype)


def gradient(f: Callable[..., Any], *args: Any) -> Any:
    """Return d f(*args) / d arg for each argument, as `tape.gradient` computes it."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}: pass e.g. "
                        f"lambda w: w ** 2")
    sources = [as_source(arg, i) for i, arg in enumerate(args)]
    with tf.GradientTape() as tape:
        for source in sources:
            if not isinstance(source, tf.Variable):
                tape.watch(source)
        L = f(*sources)
    dL_dargs = tape.gradient(L, sources)
    return dL_dargs[0] if len(sources) == 1 else tuple(dL_dargs)


def sweep(f: Callable[[tf.Tensor], Any], start: float, stop: float,
          num: int = 129, dtype: Any = tf.float32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (x, y, dy/dx) over `linspace(start, stop, num)`, from one tape over the grid."""
    if num < 2:
        raise ValueError(f"sweep needs num >= 2 points, got {num}")
    if not start < stop:
        raise ValueError(f"sweep needs start < stop, got start={start}, stop={stop}")
    x = tf.linspace(tf.constant(start, dtype), tf.constant(stop, dtype), num)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    if y.shape != x.shape:
        raise ValueError(f"sweep needs an elementwise f: f(x) has shape {y.shape} for x of "
                         f"shape {x.shape}")
    # f is elementwise, so d(sum y)/dx[i] = dy[i]/dx[i]: one backward pass gives every slope.
    dy_dx = tape.gradient(y, x)
    if dy_dx is None:
        raise ValueError("f(x) does not depend on x through TF ops, so its gradient is None")
    return x.numpy(), y.numpy(), dy_dx.numpy()
