"""Tape sources and what f returns: the plumbing shared by the gradient helpers.

`gradient`, `check_gradient`, `taylor_test`, `explain_none` and the sensitivity helpers turn
their arguments into tape sources, name them, call f and check what it returns the same way;
these functions are that one way.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import numbers
import re
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf


def unwrap(value: Any) -> Any:
    """Return the tf.Variable inside a Keras 3 variable (`keras.Variable`), else the value."""
    inner = getattr(value, "value", None) if not isinstance(value, (tf.Variable, tf.Tensor)) \
        else None
    return inner if isinstance(inner, tf.Variable) else value


def keeps_variables(check: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a check of f so that the tf.Variables among its arguments (or in a list of them)
    hold their values afterwards, bit for bit, whatever f assigns to them along the way."""
    @functools.wraps(check)
    def wrapper(f: Any, *args: Any, **options: Any) -> Any:
        given = [a for arg in args
                 for a in (arg if isinstance(arg, (list, tuple)) else [arg])]
        held = [v for v in map(unwrap, given) if isinstance(v, tf.Variable)]
        saved = [(v, tf.identity(v)) for v in held]
        try:
            return check(f, *args, **options)
        finally:
            for variable, value in saved:  # only what changed: most checks move nothing
                if variable.numpy().tobytes() != value.numpy().tobytes():
                    variable.assign(value)
    return wrapper


def explicit_dtype(value: Any) -> tf.DType | None:
    """Return the float dtype a value carries itself (TF or NumPy), None for Python numbers."""
    value = unwrap(value)
    if isinstance(value, (tf.Variable, tf.Tensor)):
        return value.dtype if value.dtype.is_floating or value.dtype.is_complex else None
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "fc":
        return tf.as_dtype(value.dtype)
    return None


def as_source(value: Any, name: str = "w", variable: bool = True,
              default: tf.DType | None = None) -> tf.Variable | tf.Tensor:
    """Return `value` as a tape source: TF values as they are, others as float Variables.

    Python numbers and lists take `default` (the dtype the other arguments carry), else
    float32 like TF; NumPy arrays keep their float dtype; a Keras variable becomes the
    tf.Variable it wraps, so the tape sees what the layer reads.
    """
    value = unwrap(value)
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
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(unwrap(v), tf.Variable) for v in value):
        raise TypeError(f"{name} is a list of {len(value)} variables: pass them spread out, "
                        f"e.g. check_gradient(f, *model.trainable_variables) with f(kernel, "
                        f"bias), or give f no arguments and let it use the variables it "
                        f"captures")
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
    check_finite(array, name)
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
        index = non_finite_index(array.astype(dtype.as_numpy_dtype))
    if index is not None:
        limit = float(np.finfo(dtype.real_dtype.as_numpy_dtype).max)
        raise ValueError(f"{name} holds {array[index]} at {element_label(name, index)}, too large "
                         f"for {dtype.name} (at most {limit:.4g}): it would become inf; pass "
                         f"a NumPy float64 value (np.float64(...)) or rescale f")


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise ValueError naming the first NaN or Inf in an input, e.g. 'w holds nan at w[1]'."""
    index = non_finite_index(array)
    if index is not None:
        raise ValueError(f"{name} holds {array[index]} at {element_label(name, index)}: gradients "
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


def takes_arguments(f: Callable[..., Any]) -> bool:
    """Tell whether f takes arguments (a function of none uses the variables it captures)."""
    found = _parameters(f)
    return found is None or bool(found)  # no signature: assume it does


def source_names(f: Callable[..., Any], count: int) -> list[str]:
    """Return a name for each source: f's parameter names, else w0, w1, ..."""
    names = [p.name for p in _parameters(f) or []
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(names) >= count:
        return names[:count]
    return ["w"] if count == 1 else [f"w{i}" for i in range(count)]


def variable_name(source: Any, default: str) -> str:
    """Return a variable's name without ':0' (a Keras path like 'dense/kernel'), else default."""
    name = getattr(source, "name", None) if isinstance(source, tf.Variable) else None
    return name.split(":")[0] if name else default


def names_of(f: Callable[..., Any], sources: list) -> list[str]:
    """Return how the check and the diagnosis call each source: f's parameter names, or the
    names of the variables a function of no arguments captures."""
    if takes_arguments(f):
        return source_names(f, len(sources))
    names = [variable_name(s, f"w{i}") for i, s in enumerate(sources)]
    return names if len(set(names)) == len(names) else [f"{n}#{i}" for i, n in enumerate(names)]


def call_f(f: Callable[..., Any], sources: list) -> Any:
    """Call f on the sources, or with no arguments when f uses variables it captures."""
    return f(*sources) if takes_arguments(f) else f()


def total_of(L: Any) -> tf.Tensor:
    """Return the sum of a target the way the tape sums it: every element of every part."""
    if isinstance(L, (list, tuple)):
        return tf.add_n([tf.reduce_sum(part) for part in L])
    if isinstance(L, tf.Tensor) and L.shape.rank == 0:
        return L  # already a sum: no op (under a ForwardAccumulator, each op costs ~1 ms)
    return tf.reduce_sum(L)


def require_function(f: Any, example: str = "lambda w: w ** 2") -> None:
    """Raise TypeError unless f can be called, with an example of what to pass."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}: pass e.g. {example}")


def sources_of(f: Callable[..., Any], args: tuple, variables: bool = True) -> list:
    """Check f and return the arguments as tape sources (new tf.Variables, or tensors).

    A single list or tuple of TF or Keras variables (e.g. `model.trainable_variables`) given
    to a function of no arguments counts as those variables spread out.
    """
    require_function(f)
    if (not takes_arguments(f) and len(args) == 1 and isinstance(args[0], (list, tuple))
            and args[0] and all(isinstance(unwrap(a), tf.Variable) for a in args[0])):
        args = tuple(args[0])
    if not args:
        raise TypeError("no arguments to differentiate with respect to: pass a value, e.g. "
                        "gradient(f, 1.0), or the tf.Variables f uses")
    names = source_names(f, len(args))
    explicit = {d for d in map(explicit_dtype, args) if d is not None}
    default = explicit.pop() if len(explicit) == 1 else None
    sources = [as_source(arg, name, variables, default)
               for arg, name in zip(args, names, strict=True)]
    if not takes_arguments(f) and not all(isinstance(s, tf.Variable) for s in sources):
        raise TypeError("f takes no arguments, so it can only use variables it captures: "
                        "pass those variables (tf.Variable, keras.Variable, or a list such as "
                        "model.trainable_variables)")
    return sources


def non_finite_index(array: np.ndarray) -> tuple[int, ...] | None:
    """Return the index of the first NaN or ±Inf in an array, or None when all are finite."""
    finite = np.isfinite(array)
    if finite.all():
        return None
    return tuple(int(i) for i in np.argwhere(~finite)[0])


def element_label(name: str, index: tuple[int, ...]) -> str:
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
        index = non_finite_index(values)
        if index is not None:
            where = f" at {element_label('f', index)}" if index else ""
            raise ValueError(f"f returned {values[index]}{where} for {at()}: check f's domain "
                             f"there (log of ≤ 0, sqrt of < 0, division by 0)")


def describe(names: list[str], sources: list) -> str:
    """Return 'w = 1.0' or 'w1 = 1.0, w2 = [2.0, 3.0]' for messages (long arrays shortened)."""
    def short(source: Any) -> str:
        array = np.asarray(source.numpy())
        if array.size <= 8:
            return str(array.tolist())
        return f"<{array.dtype.name} array of shape {array.shape}>"
    return ", ".join(f"{name} = {short(s)}" for name, s in zip(names, sources, strict=True))


def record_tape(f: Callable[..., Any], sources: list) -> tuple[tf.GradientTape, Any]:
    """Run f on the sources under a tape that watches them all; return (tape, L)."""
    with tf.GradientTape() as tape:
        for source in sources:
            if not isinstance(source, tf.Variable):
                tape.watch(source)
        L = call_f(f, sources)
    return tape, L


_CLASH = re.compile(r"expected to be a (\w+) tensor but is a (\w+) tensor")


def mixed_dtypes(sources: list, error: Exception) -> TypeError | None:
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
