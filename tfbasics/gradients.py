"""Gradients with `tf.GradientTape`: one call for a value's gradient, one tape for a sweep."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf


def as_source(value: Any, name: str = "w", variable: bool = True) -> tf.Variable | tf.Tensor:
    """Return `value` as a tape source: a float tf.Variable (or tensor), checked for sense."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} is a string ({value!r}): pass a number, e.g. 1.0")
    if isinstance(value, tf.Variable) or tf.is_tensor(value):
        if not (value.dtype.is_floating or value.dtype.is_complex):
            raise TypeError(f"{name} is a {value.dtype.name} tensor: TF gives no gradient for "
                            f"it; use tf.cast({name}, tf.float32)")
        array = value.numpy()
    else:
        array = np.asarray(value)
        if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
            raise TypeError(f"{name} has dtype {array.dtype}: gradients need floats; pass "
                            f"numbers such as 1.0")
        if array.dtype.kind in "iu":
            raise TypeError(f"{name} is an integer ({value!r}): TF gives no gradient for "
                            f"integers; write it as a float, e.g. {array.astype(float).tolist()}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): pass at least one number")
    index = non_finite_index(array)
    if index is not None:
        raise ValueError(f"{name} holds {array[index]} at {label(name, index)}: gradients "
                         f"there are meaningless; pass finite numbers")
    if isinstance(value, tf.Variable) or tf.is_tensor(value):
        return value
    # Python numbers and lists default to float32 like TF; NumPy float64 stays float64.
    is_numpy = isinstance(value, (np.ndarray, np.generic))
    dtype = tf.float64 if is_numpy and array.dtype == np.float64 else tf.float32
    return tf.Variable(array, dtype=dtype) if variable else tf.constant(array, dtype=dtype)


def takes_arguments(f: Callable[..., Any]) -> bool:
    """Tell whether f takes arguments (a function of none uses the variables it captures)."""
    try:
        return bool(inspect.signature(f).parameters)
    except (TypeError, ValueError):  # some builtins have no signature: assume they do
        return True


def source_names(f: Callable[..., Any], count: int) -> list[str]:
    """Return a name for each source: f's parameter names, else w0, w1, ..."""
    try:
        names = [p.name for p in inspect.signature(f).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    if len(names) >= count:
        return names[:count]
    return ["w"] if count == 1 else [f"w{i}" for i in range(count)]


def call(f: Callable[..., Any], sources: list) -> Any:
    """Call f on the sources, or with no arguments when f uses variables it captures."""
    return f(*sources) if takes_arguments(f) else f()


def total(L: Any) -> tf.Tensor:
    """Return the sum of a target the way the tape sums it: every element of every part."""
    if isinstance(L, (list, tuple)):
        return tf.add_n([tf.reduce_sum(part) for part in L])
    return tf.reduce_sum(L)


def sources_of(f: Callable[..., Any], args: tuple, variables: bool = True) -> list:
    """Check f and return the arguments as tape sources (new tf.Variables, or tensors)."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}: pass e.g. "
                        f"lambda w: w ** 2")
    if not args:
        raise TypeError("no arguments to differentiate with respect to: pass a value, e.g. "
                        "gradient(f, 1.0), or the tf.Variables f uses")
    names = source_names(f, len(args))
    sources = [as_source(arg, name, variables) for arg, name in zip(args, names, strict=True)]
    if not takes_arguments(f) and not all(isinstance(s, tf.Variable) for s in sources):
        raise TypeError("f takes no arguments, so it can only use variables it captures: "
                        "pass those tf.Variables")
    return sources


def non_finite_index(array: np.ndarray) -> tuple[int, ...] | None:
    """Return the index of the first NaN or ±Inf in an array, or None when all are finite."""
    bad = ~np.isfinite(array)
    return tuple(int(i) for i in np.argwhere(bad)[0]) if bad.any() else None


def label(name: str, index: tuple[int, ...]) -> str:
    """Return an element's label: w for a scalar, w[1] or w[0, 2] inside an array."""
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def check_target(L: Any, at: str) -> None:
    """Raise a clear error when f's result cannot be differentiated: not a float tensor."""
    for part in L if isinstance(L, (list, tuple)) else [L]:
        if part is None:
            raise TypeError("f returned None: end f with `return` and the value to "
                            "differentiate, e.g. return w ** 2")
        if isinstance(part, (str, bytes)) or (tf.is_tensor(part) and part.dtype == tf.string):
            raise TypeError(f"f returned a string ({part!r}): return a number computed with "
                            f"TF ops from its arguments, e.g. w ** 2")
        if not tf.is_tensor(part):
            raise TypeError(f"f returned {part!r}, a {type(part).__name__}, not a tensor: "
                            f"compute it with TF ops on the arguments (e.g. w ** 2) so the "
                            f"tape can record it")
        if not (part.dtype.is_floating or part.dtype.is_complex):
            raise TypeError(f"f returned a {part.dtype.name} tensor: integers have no "
                            f"gradient; keep the computation in floats")
        values = np.asarray(part.numpy())
        index = non_finite_index(values)
        if index is not None:
            where = f" at {label('f', index)}" if index else ""
            raise ValueError(f"f returned {values[index]}{where} for {at}: check f's domain "
                             f"there (log of ≤ 0, sqrt of < 0, division by 0)")


def describe(names: list[str], sources: list) -> str:
    """Return 'w = 1.0' or 'w1 = 1.0, w2 = [2.0, 3.0]' for error messages."""
    return ", ".join(f"{name} = {np.asarray(s.numpy()).tolist()}"
                     for name, s in zip(names, sources, strict=True))


def gradient(f: Callable[..., Any], *args: Any) -> Any:
    """Return d f(*args) / d arg for each argument, as `tape.gradient` computes it."""
    sources = sources_of(f, args)
    with tf.GradientTape() as tape:
        for source in sources:
            if not isinstance(source, tf.Variable):
                tape.watch(source)
        L = call(f, sources)
    check_target(L, describe(source_names(f, len(sources)), sources))
    dL_dargs = tape.gradient(L, sources)
    return dL_dargs[0] if len(sources) == 1 else tuple(dL_dargs)


def derivatives(f: Callable[[tf.Tensor], Any], start: float, stop: float, num: int = 129,
                order: int = 2, dtype: Any = tf.float32) -> tuple[np.ndarray, list[np.ndarray]]:
    """Return (x, [y, dy/dx, d²y/dx², ...]) over `linspace(start, stop, num)`, nested tapes."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}: pass e.g. tf.tanh")
    if num < 2:
        raise ValueError(f"sweep needs num >= 2 points, got {num}")
    if not start < stop:
        raise ValueError(f"sweep needs start < stop, got start={start}, stop={stop}")
    if order < 1:
        raise ValueError(f"order must be at least 1, got {order}")
    x = tf.linspace(tf.constant(start, dtype), tf.constant(stop, dtype), num)
    # f is elementwise, so d(sum y)/dx[i] = dy[i]/dx[i]: one backward pass per order gives
    # every point's slope. Each order needs one more tape around the ones inside it; the
    # innermost answers first, while the outer tapes record its work.
    with contextlib.ExitStack() as stack:
        tapes = [stack.enter_context(tf.GradientTape()) for _ in range(order)]
        for tape in tapes:
            tape.watch(x)
        values = [f(x)]
        check_target(values[0], f"x in [{start}, {stop}]")
        if values[0].shape != x.shape:
            raise ValueError(f"sweep needs an elementwise f: f(x) has shape "
                             f"{values[0].shape} for x of shape {x.shape}")
        for n, tape in enumerate(reversed(tapes), start=1):
            d = tape.gradient(values[-1], x)
            if d is None:
                raise ValueError(f"derivative {n} of f is None: f(x) does not depend on x "
                                 f"through TF ops")
            values.append(d)
    return x.numpy(), [v.numpy() for v in values]


def sweep(f: Callable[[tf.Tensor], Any], start: float, stop: float,
          num: int = 129, dtype: Any = tf.float32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (x, y, dy/dx) over `linspace(start, stop, num)`, from one tape over the grid."""
    x, (y, dy_dx) = derivatives(f, start, stop, num, order=1, dtype=dtype)
    return x, y, dy_dx
