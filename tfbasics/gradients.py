"""Gradients with `tf.GradientTape`: one call for a value's gradient, one tape for a sweep.

The public helpers are `gradient`, `compiled_gradient`, `sweep` and `derivatives`; the rest
(names with a leading underscore) turns arguments into tape sources and checks what f returns,
for these helpers and for `check_gradient` and `explain_none`.
"""

from __future__ import annotations

import contextlib
import inspect
import numbers
import re
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf


def _unwrap(value: Any) -> Any:
    """Return the tf.Variable inside a Keras 3 variable (`keras.Variable`), else the value."""
    inner = getattr(value, "value", None) if not isinstance(value, (tf.Variable, tf.Tensor)) \
        else None
    return inner if isinstance(inner, tf.Variable) else value


def _explicit_dtype(value: Any) -> tf.DType | None:
    """Return the float dtype a value carries itself (TF or NumPy), None for Python numbers."""
    value = _unwrap(value)
    if isinstance(value, (tf.Variable, tf.Tensor)):
        return value.dtype if value.dtype.is_floating or value.dtype.is_complex else None
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "fc":
        return tf.as_dtype(value.dtype)
    return None


def _as_source(value: Any, name: str = "w", variable: bool = True,
               default: tf.DType | None = None) -> tf.Variable | tf.Tensor:
    """Return `value` as a tape source: TF values as they are, others as float Variables.

    Python numbers and lists take `default` (the dtype the other arguments carry), else
    float32 like TF; NumPy arrays keep their float dtype; a Keras variable becomes the
    tf.Variable it wraps, so the tape sees what the layer reads.
    """
    value = _unwrap(value)
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} is a string ({value!r}): pass a number, e.g. 1.0")
    if isinstance(value, (tf.Variable, tf.Tensor)):
        if not (value.dtype.is_floating or value.dtype.is_complex):
            raise TypeError(f"{name} is a tensor of dtype {value.dtype.name}: TF gives no "
                            f"gradient for it; use tf.cast({name}, tf.float32)")
        if value.shape.num_elements() == 0:
            raise ValueError(f"{name} is empty (shape {tuple(value.shape)}): pass at least "
                             f"one number")
        return value  # used as it is; reading its values back would cost a device copy
    if not isinstance(value, (numbers.Number, list, tuple, np.ndarray, np.generic)):
        raise TypeError(f"{name} is a {type(value).__name__}: pass a number, a list of "
                        f"numbers, a NumPy array or a tf.Variable")
    try:
        array = np.asarray(value)
    except ValueError:
        raise ValueError(f"{name} is a ragged list (its rows have different lengths): "
                         f"gradients need a rectangular array; make every row the same "
                         f"length") from None
    if array.dtype.kind == "O":
        raise TypeError(f"{name} holds {type(array.ravel()[0]).__name__} values: pass numbers "
                        f"such as 1.0")
    if array.dtype.kind == "b" or array.dtype.kind not in "iufc":
        raise TypeError(f"{name} has dtype {array.dtype}: gradients need floats; pass "
                        f"numbers such as 1.0")
    if array.dtype.kind in "iu":
        raise TypeError(f"{name} is an integer ({value!r}): TF gives no gradient for "
                        f"integers; write it as a float, e.g. {array.astype(float).tolist()}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): pass at least one number")
    _check_finite(array, name)
    if isinstance(value, (np.ndarray, np.generic)):
        dtype = tf.as_dtype(array.dtype)  # NumPy keeps its own float dtype
    elif array.dtype.kind == "c":
        dtype = tf.complex128 if default is None or not default.is_complex else default
    else:
        dtype = default if default is not None and default.is_floating else tf.float32
    _check_fits(array, dtype, name)
    return tf.Variable(array, dtype=dtype) if variable else tf.constant(array, dtype=dtype)


def _check_fits(array: np.ndarray, dtype: tf.DType, name: str) -> None:
    """Raise ValueError when a number is too large for the dtype it becomes (1e39 in
    float32 would silently be inf), naming the value, the dtype and the fix."""
    with np.errstate(over="ignore"):
        index = _non_finite_index(array.astype(dtype.as_numpy_dtype))
    if index is not None:
        limit = float(np.finfo(dtype.real_dtype.as_numpy_dtype).max)
        raise ValueError(f"{name} holds {array[index]} at {_label(name, index)}, too large "
                         f"for {dtype.name} (at most {limit:.4g}): it would become inf; pass "
                         f"a NumPy float64 value (np.float64(...)) or rescale f")


def _check_finite(array: np.ndarray, name: str) -> None:
    """Raise ValueError naming the first NaN or Inf in an input, e.g. 'w holds nan at w[1]'."""
    index = _non_finite_index(array)
    if index is not None:
        raise ValueError(f"{name} holds {array[index]} at {_label(name, index)}: gradients "
                         f"there are meaningless; pass finite numbers")


_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _parameters(f: Callable[..., Any]) -> list[inspect.Parameter] | None:
    """Return f's parameters (None when f has no signature), looked up once per f."""
    try:
        return _SIGNATURES[f]
    except (KeyError, TypeError):  # not seen yet, or f cannot be weakly referenced
        pass
    try:
        found = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature
        found = None
    with contextlib.suppress(TypeError):
        _SIGNATURES[f] = found
    return found


def _takes_arguments(f: Callable[..., Any]) -> bool:
    """Tell whether f takes arguments (a function of none uses the variables it captures)."""
    found = _parameters(f)
    return found is None or bool(found)  # no signature: assume it does


def _source_names(f: Callable[..., Any], count: int) -> list[str]:
    """Return a name for each source: f's parameter names, else w0, w1, ..."""
    names = [p.name for p in _parameters(f) or []
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(names) >= count:
        return names[:count]
    return ["w"] if count == 1 else [f"w{i}" for i in range(count)]


def _variable_name(source: Any, default: str) -> str:
    """Return a variable's name without ':0' (a Keras path like 'dense/kernel'), else default."""
    name = getattr(source, "name", None) if isinstance(source, tf.Variable) else None
    return name.split(":")[0] if name else default


def _names_of(f: Callable[..., Any], sources: list) -> list[str]:
    """Return how the check and the diagnosis call each source: f's parameter names, or the
    names of the variables a function of no arguments captures."""
    if _takes_arguments(f):
        return _source_names(f, len(sources))
    names = [_variable_name(s, f"w{i}") for i, s in enumerate(sources)]
    return names if len(set(names)) == len(names) else [f"{n}#{i}" for i, n in enumerate(names)]


def _call(f: Callable[..., Any], sources: list) -> Any:
    """Call f on the sources, or with no arguments when f uses variables it captures."""
    return f(*sources) if _takes_arguments(f) else f()


def _total(L: Any) -> tf.Tensor:
    """Return the sum of a target the way the tape sums it: every element of every part."""
    if isinstance(L, (list, tuple)):
        return tf.add_n([tf.reduce_sum(part) for part in L])
    if isinstance(L, tf.Tensor) and L.shape.rank == 0:
        return L  # already a sum: no op (under a ForwardAccumulator, each op costs ~1 ms)
    return tf.reduce_sum(L)


def _require_function(f: Any, example: str = "lambda w: w ** 2") -> None:
    """Raise TypeError unless f can be called, with an example of what to pass."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}: pass e.g. {example}")


def _sources_of(f: Callable[..., Any], args: tuple, variables: bool = True) -> list:
    """Check f and return the arguments as tape sources (new tf.Variables, or tensors).

    A single list or tuple of TF or Keras variables (e.g. `model.trainable_variables`) given
    to a function of no arguments counts as those variables spread out.
    """
    _require_function(f)
    if (not _takes_arguments(f) and len(args) == 1 and isinstance(args[0], (list, tuple))
            and args[0] and all(isinstance(_unwrap(a), tf.Variable) for a in args[0])):
        args = tuple(args[0])
    if not args:
        raise TypeError("no arguments to differentiate with respect to: pass a value, e.g. "
                        "gradient(f, 1.0), or the tf.Variables f uses")
    names = _source_names(f, len(args))
    explicit = {d for d in map(_explicit_dtype, args) if d is not None}
    default = explicit.pop() if len(explicit) == 1 else None
    sources = [_as_source(arg, name, variables, default)
               for arg, name in zip(args, names, strict=True)]
    if not _takes_arguments(f) and not all(isinstance(s, tf.Variable) for s in sources):
        raise TypeError("f takes no arguments, so it can only use variables it captures: "
                        "pass those variables (tf.Variable, keras.Variable, or a list such as "
                        "model.trainable_variables)")
    return sources


def _non_finite_index(array: np.ndarray) -> tuple[int, ...] | None:
    """Return the index of the first NaN or ±Inf in an array, or None when all are finite."""
    finite = np.isfinite(array)
    if finite.all():
        return None
    return tuple(int(i) for i in np.argwhere(~finite)[0])


def _label(name: str, index: tuple[int, ...]) -> str:
    """Return an element's label: w for a scalar, w[1] or w[0, 2] inside an array."""
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def _check_target(L: Any, at: Callable[[], str] | None = None) -> None:
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
            raise TypeError(f"f returned a tensor of dtype {part.dtype.name}: it has no "
                            f"gradient; keep the computation in floats")
        if at is None:
            continue
        # Large results: one multi-threaded TF pass finds whether any value is NaN or Inf
        # (NumPy would copy and scan on one core); small ones: NumPy is cheaper than an op.
        if part.shape.num_elements() > 4096 and bool(tf.reduce_all(tf.math.is_finite(
                tf.math.real(part) if part.dtype.is_complex else part))):
            continue
        values = np.asarray(part)
        index = _non_finite_index(values)
        if index is not None:
            where = f" at {_label('f', index)}" if index else ""
            raise ValueError(f"f returned {values[index]}{where} for {at()}: check f's domain "
                             f"there (log of ≤ 0, sqrt of < 0, division by 0)")


def _describe(names: list[str], sources: list) -> str:
    """Return 'w = 1.0' or 'w1 = 1.0, w2 = [2.0, 3.0]' for messages (long arrays shortened)."""
    def short(source: Any) -> str:
        array = np.asarray(source.numpy())
        if array.size <= 8:
            return str(array.tolist())
        return f"<{array.dtype.name} array of shape {array.shape}>"
    return ", ".join(f"{name} = {short(s)}" for name, s in zip(names, sources, strict=True))


def _record(f: Callable[..., Any], sources: list) -> tuple[tf.GradientTape, Any]:
    """Run f on the sources under a tape that watches them all; return (tape, L)."""
    with tf.GradientTape() as tape:
        for source in sources:
            if not isinstance(source, tf.Variable):
                tape.watch(source)
        L = _call(f, sources)
    return tape, L


_CLASH = re.compile(r"expected to be a (\w+) tensor but is a (\w+) tensor")


def _mixed_dtypes(sources: list, error: Exception) -> TypeError | None:
    """Return a clear TypeError when f failed because it mixes float dtypes, else None.

    Either the arguments have different dtypes, or f combines an argument with a value of
    another dtype (a float32 constant or variable it captures, times a float64 argument).
    """
    dtypes = sorted({s.dtype.name for s in sources})
    if len(dtypes) > 1 and isinstance(error, (tf.errors.InvalidArgumentError, TypeError,
                                              ValueError)):
        return TypeError(f"f failed on arguments of different dtypes ({', '.join(dtypes)}): "
                         f"cast them to one, e.g. np.float32(...) or tf.cast(x, tf.float32)")
    clash = _CLASH.search(str(error))
    if clash is None:
        return None
    names = {"float": "float32", "double": "float64", "half": "float16"}
    one, other = (names.get(word, word) for word in clash.groups())
    return TypeError(f"f combines {other} and {one} values (an argument is {dtypes[0]}; a "
                     f"constant or variable f captures has the other dtype): give the "
                     f"arguments f's dtype (e.g. np.float32(...)), or cast inside f")


def gradient(f: Callable[..., Any], *args: Any) -> Any:
    """Return d f(*args) / d arg for each argument, as `tape.gradient` computes it.

    Python numbers and lists become float32 `tf.Variable`s (float64 beside NumPy float64
    arguments), a `tf.Variable` or a Keras variable is used as it is, a `tf.Tensor` is
    watched. One argument gives one gradient; several give a tuple; `None` where f does not
    depend on an argument (see `explain_none`). See the `autodiff` lesson.

    >>> gradient(lambda w: 4 * w + w**3, 1.0)   # dL/dw = 4 + 3w² = 7 at w = 1
    <tf.Tensor: shape=(), dtype=float32, numpy=7.0>
    """
    sources = _sources_of(f, args)
    try:
        tape, L = _record(f, sources)
    except Exception as error:
        mixed = _mixed_dtypes(sources, error)
        if mixed is None:
            raise
        raise mixed from error
    _check_target(L)  # its type; its values are TF's to compute, NaN included
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
    _require_function(f)

    @tf.function
    def traced(*sources: Any) -> Any:
        tape, L = _record(f, list(sources))
        _check_target(L)
        dL_dargs = tape.gradient(L, list(sources))
        return dL_dargs[0] if len(sources) == 1 else tuple(dL_dargs)

    # One concrete function per signature, called directly: this skips tf.function's
    # per-call signature matching, a large share of its overhead for small graphs.
    concrete: dict[tuple, Any] = {}

    def gradient_of_f(*args: Any) -> Any:
        sources = _sources_of(f, args, variables=False)
        key = tuple((isinstance(s, tf.Variable), s.dtype, tuple(s.shape)) for s in sources)
        if key not in concrete:
            try:
                concrete[key] = traced.get_concrete_function(*sources)
            except Exception as error:  # noqa: BLE001 - say what f did, not where TF was
                raise _mixed_dtypes(sources, error) or _compile_error(error) from None
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
    _require_function(f, "tf.tanh")
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
        _check_target(values[0], lambda: f"x in [{start}, {stop}]")
        _check_elementwise(f, x, values[0])
        for n, tape in enumerate(reversed(tapes), start=1):
            d = tape.gradient(values[-1], x, unconnected_gradients=(
                tf.UnconnectedGradients.NONE if n == 1 else tf.UnconnectedGradients.ZERO))
            if d is None:
                raise ValueError("the derivative of f is None: f(x) does not depend on x "
                                 "through TF ops (see explain_none)")
            values.append(d)
    for n, value in enumerate(values[1:], start=1):
        index = _non_finite_index(np.asarray(value))
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
