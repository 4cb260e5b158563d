"""Gradients with `tf.GradientTape`: one call for a value's gradient, one tape for a sweep.

The public helpers are `gradient`, `compiled_gradient`, `sweep` and `derivatives`; turning
arguments into tape sources and checking what f returns lives in `tfbasics._sources`.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from tfbasics._sources import (
    check_target,
    mixed_dtypes,
    non_finite_index,
    record_tape,
    require_function,
    sources_of,
)


def gradient(f: Callable[..., Any], *args: Any) -> Any:
    """Return d f(*args) / d arg for each argument, as `tape.gradient` computes it.

    Python numbers and lists become float32 `tf.Variable`s (float64 beside NumPy float64
    arguments), a `tf.Variable` or a Keras variable is used as it is, a `tf.Tensor` is
    watched. One argument gives one gradient; several give a tuple; `None` where f does not
    depend on an argument (see `explain_none`). See the `autodiff` lesson.

    >>> gradient(lambda w: 4 * w + w**3, 1.0)   # dL/dw = 4 + 3w² = 7 at w = 1
    <tf.Tensor: shape=(), dtype=float32, numpy=7.0>
    """
    sources = sources_of(f, args)
    try:
        tape, L = record_tape(f, sources)
    except Exception as error:
        mixed = mixed_dtypes(sources, error)
        if mixed is None:
            raise
        raise mixed from error
    check_target(L)  # its type; its values are TF's to compute, NaN included
    if len(sources) == 1:  # a single source skips TF's nesting of a list (measurably faster)
        return tape.gradient(L, sources[0])
    return tuple(tape.gradient(L, sources))


def _compile_error(error: Exception) -> Exception:
    """Return the error f raised while being traced, without TF's 'in user code:' frames."""
    text = str(error)
    last = text.strip().splitlines()[-1].strip() if text.strip() else type(error).__name__
    if "numpy" in last.lower():
        return TypeError("f turns a tensor into NumPy (.numpy() or an np. function), which a "
                         "traced graph cannot do (there are no values yet, and the tape could "
                         "not follow NumPy anyway): write f with TF ops such as tf.math.sin")
    if isinstance(error, (TypeError, ValueError)) and last.startswith(("f returned", "TypeError:",
                                                                       "ValueError:")):
        last = last.split(": ", 1)[1] if last.startswith(("TypeError:", "ValueError:")) else last
    return type(error)(last) if isinstance(error, (TypeError, ValueError)) else error


def compiled_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Return a function like gradient(f, ...) that runs as one graph, traced once per signature.

    TF values are used as they are and f's result is not checked for NaN (both would read
    values back from the device on every call); Python and NumPy arguments are checked as in
    `gradient`. `.tracing_count()` says how many graphs were traced. See the `graphs` lesson.

    >>> dL_dw = compiled_gradient(lambda w: 4 * w + w**3)
    >>> float(dL_dw(1.0)), float(dL_dw(2.0)), dL_dw.tracing_count()
    (7.0, 16.0, 1)
    """
    require_function(f)

    @tf.function
    def traced(*sources: Any) -> Any:
        tape, L = record_tape(f, list(sources))
        check_target(L)
        dL_dargs = tape.gradient(L, list(sources))
        return dL_dargs[0] if len(sources) == 1 else tuple(dL_dargs)

    # One concrete function per signature, called directly: this skips tf.function's
    # per-call signature matching, a large share of its overhead for small graphs.
    concrete: dict[tuple, Any] = {}

    def gradient_of_f(*args: Any) -> Any:
        sources = sources_of(f, args, variables=False)
        key = tuple((isinstance(s, tf.Variable), s.dtype, tuple(s.shape)) for s in sources)
        if key not in concrete:
            try:
                concrete[key] = traced.get_concrete_function(*sources)
            except Exception as error:  # noqa: BLE001 - say what f did, not where TF was
                raise mixed_dtypes(sources, error) or _compile_error(error) from None
        return concrete[key](*sources)

    gradient_of_f.tracing_count = traced.experimental_get_tracing_count  # type: ignore[attr-defined]
    return gradient_of_f


def _grid(start: Any, stop: Any, num: Any, dtype: Any) -> tf.Tensor:
    """Return linspace(start, stop, num) after checking each argument, with a clear error."""
    for label, value in (("start", start), ("stop", stop)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{label} must be a number, got {value!r}: e.g. start=-1.0, "
                            f"stop=1.0")
        if not np.isfinite(value):
            raise ValueError(f"{label} must be finite, got {value}")
    if isinstance(num, bool) or not isinstance(num, numbers.Integral):
        raise TypeError(f"num must be a whole number of points, got {num!r}: e.g. num=129"
                        + (f" (or num={int(num)})" if isinstance(num, float) and
                           num.is_integer() else ""))
    if num < 2:
        raise ValueError(f"sweep needs num >= 2 points, got {num}")
    if not start < stop:
        raise ValueError(f"sweep needs start < stop, got start={start}, stop={stop}")
    return tf.linspace(tf.constant(start, dtype), tf.constant(stop, dtype), int(num))


_ELEMENTWISE_SAMPLE = 61  # points of the grid re-evaluated in another order


def _check_elementwise(f: Callable[[tf.Tensor], Any], x: tf.Tensor, y: tf.Tensor) -> None:
    """Raise ValueError unless f treats each point on its own (y[i] depends on x[i] only).

    f is evaluated again on a shuffled sample of the grid: an elementwise f gives the same
    values in the shuffled order; cumsum, softmax or a reversal do not.
    """
    if y.shape != x.shape:
        raise ValueError(f"sweep needs an elementwise f (one output per point, like tf.tanh): "
                         f"f(x) has shape {tuple(y.shape)} for x of shape {tuple(x.shape)}")
    count = int(x.shape[0])
    # A strict subset, shuffled: f(x)/sum(f(x)) or softmax would keep a full permutation.
    # (choice without replacement draws the sample alone: a permutation of 10⁷ points took
    # longer than the whole sweep.)
    order = np.random.default_rng(0).choice(count, min(_ELEMENTWISE_SAMPLE, count - 1),
                                            replace=False)
    try:
        sample = f(tf.gather(x, order))
        same_shape = tuple(sample.shape) == (len(order),)
    except Exception:  # noqa: BLE001 - f works on the full grid only: shuffle all of it
        order = np.random.default_rng(0).permutation(count)
        sample, same_shape = f(tf.gather(x, order)), True
    expected = np.asarray(tf.gather(y, order))
    got = np.asarray(sample) if same_shape else None
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    if got is None or got.shape != expected.shape or not np.allclose(
            got, expected, rtol=1e-4, atol=1e-5 * scale, equal_nan=True):
        raise ValueError("sweep needs an elementwise f (each output from its own point only, "
                         "like tf.tanh or x**2): f gives other values when the points come in "
                         "another order (cumsum, softmax and sorting mix points); for such f "
                         "use tape.jacobian")


def derivatives(f: Callable[[tf.Tensor], Any], start: float, stop: float, num: int = 129,
                order: int = 2, dtype: Any = tf.float32) -> tuple[np.ndarray, list[np.ndarray]]:
    """Return (x, [y, dy/dx, d²y/dx², ...]) over `linspace(start, stop, num)`, nested tapes.

    f must be elementwise (checked). A derivative that is zero everywhere is zeros (TF says
    None); a NaN where f is finite is an error that says why. The arrays are read-only views
    of TF's results; `.copy()` one to change it. See the `advanced_autodiff` lesson.

    >>> x, (y, dy, d2y) = derivatives(tf.sin, 0.0, 1.0, num=3)   # cos, -sin
    """
    require_function(f, "tf.tanh")
    if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order < 1:
        raise ValueError(f"order must be a whole number of at least 1, got {order!r}")
    x = _grid(start, stop, num, dtype)
    # f is elementwise, so d(sum y)/dx[i] = dy[i]/dx[i]: one backward pass per order gives
    # every point's slope. Each order needs one more tape around the ones inside it; the
    # innermost answers first, while the outer tapes record its work.
    with contextlib.ExitStack() as stack:
        tapes = [stack.enter_context(tf.GradientTape()) for _ in range(order)]
        for tape in tapes:
            tape.watch(x)
        values = [f(x)]
        check_target(values[0], lambda: f"x in [{start}, {stop}]")
        _check_elementwise(f, x, values[0])
        for n, tape in enumerate(reversed(tapes), start=1):
            d = tape.gradient(values[-1], x, unconnected_gradients=(
                tf.UnconnectedGradients.NONE if n == 1 else tf.UnconnectedGradients.ZERO))
            if d is None:
                raise ValueError("the derivative of f is None: f(x) does not depend on x "
                                 "through TF ops (see explain_none)")
            values.append(d)
    for n, value in enumerate(values[1:], start=1):
        index = non_finite_index(np.asarray(value))
        if index is not None:
            where = float(np.asarray(x)[index])
            raise ValueError(
                f"derivative {n} of f is {np.asarray(value)[index]} at x = {where:g}, where f "
                f"is finite: TF's gradient there divides by zero or multiplies 0 by inf. The "
                f"usual cause is x**p (tf.pow), whose gradient p·x**(p-1) meets 0**(negative) "
                f"at x = 0 in higher orders: write x**2 as tf.square(x) or x*x; otherwise "
                f"leave that point out of the grid")
    # np.asarray gives read-only views of TF's own buffers: no copy of up to 3·num values.
    return np.asarray(x), [np.asarray(v) for v in values]


def sweep(f: Callable[[tf.Tensor], Any], start: float, stop: float,
          num: int = 129, dtype: Any = tf.float32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (x, y, dy/dx) over `linspace(start, stop, num)`, from one tape over the grid.

    f must be elementwise (checked on a shuffled sample of the grid); the arrays are
    read-only views of TF's results. See the `autodiff` lesson.

    >>> x, y, dy_dx = sweep(tf.tanh, -10.0, 10.0, num=129)   # dy/dx = 1 - tanh²(x)
    """
    x, (y, dy_dx) = derivatives(f, start, stop, num, order=1, dtype=dtype)
    return x, y, dy_dx
