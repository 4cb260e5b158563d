"""Gradients with `tf.GradientTape`: one call for a value's gradient, one tape for a sweep."""

from __future__ import annotations

import contextlib
import inspect
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf


def as_source(value: Any, name: str = "w", variable: bool = True) -> tf.Variable | tf.Tensor:
    """Return `value` as a tape source: TF values as they are, others as float Variables."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} is a string ({value!r}): pass a number, e.g. 1.0")
    if isinstance(value, (tf.Variable, tf.Tensor)):
        if not (value.dtype.is_floating or value.dtype.is_complex):
            raise TypeError(f"{name} is a {value.dtype.name} tensor: TF gives no gradient for "
                            f"it; use tf.cast({name}, tf.float32)")
        if value.shape.num_elements() == 0:
            raise ValueError(f"{name} is empty (shape {tuple(value.shape)}): pass at least "
                             f"one number")
        return value  # used as it is; reading its values back would cost a device copy
    array = np.asarray(value)
    if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
        raise TypeError(f"{name} has dtype {array.dtype}: gradients need floats; pass "
                        f"numbers such as 1.0")
    if array.dtype.kind in "iu":
        raise TypeError(f"{name} is an integer ({value!r}): TF gives no gradient for "
                        f"integers; write it as a float, e.g. {array.astype(float).tolist()}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): pass at least one number")
    check_finite(array, name)
    # Python numbers and lists default to float32 like TF; NumPy float64 stays float64.
    is_numpy = isinstance(value, (np.ndarray, np.generic))
    dtype = tf.float64 if is_numpy and array.dtype == np.float64 else tf.float32
    return tf.Variable(array, dtype=dtype) if variable else tf.constant(array, dtype=dtype)


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise ValueError naming the first NaN or Inf in an input, e.g. 'w holds nan at w[1]'."""
    index = non_finite_index(array)
    if index is not None:
        raise ValueError(f"{name} holds {array[index]} at {label(name, index)}: gradients "
                         f"there are meaningless; pass finite numbers")


SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def parameters(f: Callable[..., Any]) -> list[inspect.Parameter] | None:
    """Return f's parameters (None when f has no signature), looked up once per f."""
    try:
        return SIGNATURES[f]
    except (KeyError, TypeError):  # not seen yet, or f cannot be weakly referenced
        pass
    try:
        found = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature
        found = None
    with contextlib.suppress(TypeError):
        SIGNATURES[f] = found
    return found


def takes_arguments(f: Callable[..., Any]) -> bool:
    """Tell whether f takes arguments (a function of none uses the variables it captures)."""
    found = parameters(f)
    return found is None or bool(found)  # no signature: assume it does


def source_names(f: Callable[..., Any], count: int) -> list[str]:
    """Return a name for each source: f's parameter names, else w0, w1, ..."""
    names = [p.name for p in parameters(f) or []
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
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


def require_function(f: Any, example: str = "lambda w: w ** 2") -> None:
    """Raise TypeError unless f can be called, with an example of what to pass."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}: pass e.g. {example}")


def sources_of(f: Callable[..., Any], args: tuple, variables: bool = True) -> list:
    """Check f and return the arguments as tape sources (new tf.Variables, or tensors)."""
    require_function(f)
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
    finite = np.isfinite(array)
    if finite.all():
        return None
    return tuple(int(i) for i in np.argwhere(~finite)[0])


def label(name: str, index: tuple[int, ...]) -> str:
    """Return an element's label: w for a scalar, w[1] or w[0, 2] inside an array."""
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def check_target(L: Any, at: Callable[[], str] | None = None) -> None:
    """Raise a clear error when f's result is not a float tensor, or (given `at`) not finite.

    `at` describes the inputs for the message. Without it the values are not read: that
    read waits for the device and costs more than the rest of a small gradient call.
    """
    for part in L if isinstance(L, (list, tuple)) else [L]:
        if part is None:
            raise TypeError("f returned None: end f with `return` and the value to "
                            "differentiate, e.g. return w ** 2")
        is_tf = isinstance(part, (tf.Tensor, tf.Variable))
        if isinstance(part, (str, bytes)) or (is_tf and part.dtype == tf.string):
            raise TypeError(f"f returned a string ({part!r}): return a number computed with "
                            f"TF ops from its arguments, e.g. w ** 2")
        if not is_tf:
            raise TypeError(f"f returned {part!r}, a {type(part).__name__}, not a tensor: "
                            f"compute it with TF ops on the arguments (e.g. w ** 2) so the "
                            f"tape can record it")
        if not (part.dtype.is_floating or part.dtype.is_complex):
            raise TypeError(f"f returned a {part.dtype.name} tensor: integers have no "
                            f"gradient; keep the computation in floats")
        if at is None:
            continue
        # Large results: one multi-threaded TF pass finds whether any value is NaN or Inf
        # (NumPy would copy and scan on one core); small ones: NumPy is cheaper than an op.
        if part.shape.num_elements() > 4096 and bool(tf.reduce_all(tf.math.is_finite(part))):
            continue
        values = np.asarray(part)
        index = non_finite_index(values)
        if index is not None:
            where = f" at {label('f', index)}" if index else ""
            raise ValueError(f"f returned {values[index]}{where} for {at()}: check f's domain "
                             f"there (log of ≤ 0, sqrt of < 0, division by 0)")


def describe(names: list[str], sources: list) -> str:
    """Return 'w = 1.0' or 'w1 = 1.0, w2 = [2.0, 3.0]' for error messages."""
    return ", ".join(f"{name} = {np.asarray(s.numpy()).tolist()}"
                     for name, s in zip(names, sources, strict=True))


def record(f: Callable[..., Any], sources: list) -> tuple[tf.GradientTape, Any]:
    """Run f on the sources under a tape that watches them all; return (tape, L)."""
    with tf.GradientTape() as tape:
        for source in sources:
            if not isinstance(source, tf.Variable):
                tape.watch(source)
        L = call(f, sources)
    return tape, L


def gradient(f: Callable[..., Any], *args: Any) -> Any:
    """Return d f(*args) / d arg for each argument, as `tape.gradient` computes it."""
    sources = sources_of(f, args)
    tape, L = record(f, sources)
    check_target(L)  # its type; its values are TF's to compute, NaN included
    if len(sources) == 1:  # a single source skips TF's nesting of a list (measurably faster)
        return tape.gradient(L, sources[0])
    return tuple(tape.gradient(L, sources))


def compiled_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Return a function like gradient(f, ...) that runs as one graph, traced once per signature.

    TF values are used as they are and f's result is not checked (both would read values back
    from the device on every call); Python and NumPy arguments are checked as in `gradient`.
    """
    require_function(f)

    @tf.function
    def traced(*sources: Any) -> Any:
        tape, L = record(f, list(sources))
        dL_dargs = tape.gradient(L, list(sources))
        return dL_dargs[0] if len(sources) == 1 else tuple(dL_dargs)

    # One concrete function per signature, called directly: this skips tf.function's
    # per-call signature matching, a large share of its overhead for small graphs.
    concrete: dict[tuple, Any] = {}

    def gradient_of_f(*args: Any) -> Any:
        sources = sources_of(f, args, variables=False)
        key = tuple((isinstance(s, tf.Variable), s.dtype, tuple(s.shape)) for s in sources)
        if key not in concrete:
            concrete[key] = traced.get_concrete_function(*sources)
        return concrete[key](*sources)

    gradient_of_f.tracing_count = traced.experimental_get_tracing_count  # type: ignore[attr-defined]
    return gradient_of_f


def derivatives(f: Callable[[tf.Tensor], Any], start: float, stop: float, num: int = 129,
                order: int = 2, dtype: Any = tf.float32) -> tuple[np.ndarray, list[np.ndarray]]:
    """Return (x, [y, dy/dx, d²y/dx², ...]) over `linspace(start, stop, num)`, nested tapes.

    The arrays are read-only views of TF's results; `.copy()` one to change it.
    """
    require_function(f, "tf.tanh")
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
        check_target(values[0], lambda: f"x in [{start}, {stop}]")
        if values[0].shape != x.shape:
            raise ValueError(f"sweep needs an elementwise f: f(x) has shape "
                             f"{values[0].shape} for x of shape {x.shape}")
        for n, tape in enumerate(reversed(tapes), start=1):
            d = tape.gradient(values[-1], x)
            if d is None:
                raise ValueError(f"derivative {n} of f is None: f(x) does not depend on x "
                                 f"through TF ops")
            values.append(d)
    # np.asarray gives read-only views of TF's own buffers: no copy of up to 3·num values.
    return np.asarray(x), [np.asarray(v) for v in values]


def sweep(f: Callable[[tf.Tensor], Any], start: float, stop: float,
          num: int = 129, dtype: Any = tf.float32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (x, y, dy/dx) over `linspace(start, stop, num)`, from one tape over the grid."""
    x, (y, dy_dx) = derivatives(f, start, stop, num, order=1, dtype=dtype)
    return x, y, dy_dx
