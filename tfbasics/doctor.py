"""explain_none: why a gradient is None, and how to fix it.

The public helper is `explain_none`; `reasons_from_function` gives the same reasons to
`check_gradient`, which names them beside a None gradient; the functions with a leading
underscore read a tape or trace a function to find the cause.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from tfbasics._format import error_message
from tfbasics._sources import (
    as_source,
    call_f,
    explicit_dtype,
    names_of,
    source_names,
    takes_arguments,
    unwrap,
    variable_name,
)

_STOP_OPS = {"StopGradient", "PreventGradient"}
_STEP_OPS = {"Floor": "tf.floor", "Ceil": "tf.math.ceil", "Round": "tf.round",
             "Rint": "tf.math.rint"}  # their registered gradient is None

_NOT_FLOAT = ("{name} is {dtype}: TF gives no gradient for integers, strings or bools; "
             "make it a float, e.g. tf.Variable(1.0) or tf.cast({name}, tf.float32)")
_NOT_TRAINABLE = ("{name} is a tf.Variable with trainable=False, which the tape does not "
                 "watch; make it trainable or call tape.watch({name})")
_TENSOR = ("{name} is a tf.Tensor, not a tf.Variable, and the tape follows a Tensor only after "
          "tape.watch({name}): watch it inside the with block; if {name} came from a Variable "
          "({name} = {name} + 1), it is a new Tensor made outside the tape: keep the Variable "
          "and change it with {name}.assign_add(1)")
_NOTHING_RECORDED = ("the tape recorded nothing: compute the target inside the "
                    "`with tf.GradientTape() as tape:` block, not after it or under "
                    "tape.stop_recording()")
_UNUSED = "the target does not use {name}: the tape never saw {name} read while it recorded"
_BROKEN = ("the tape saw {name}, but the path to the target is broken: part of it ran outside "
          "the with block or under tape.stop_recording(), or went through NumPy, an integer, "
          "an assign or tf.stop_gradient; call explain_none(f, {name}) with the computation "
          "as a function f to find which")
_MAYBE_BROKEN = ("the tape watched {name}, and a non-persistent tape answers only once, so it "
                 "cannot be asked without using it up: if tape.gradient gives None for "
                 "{name}, the path to the target is broken (part of it ran outside the with "
                 "block or under tape.stop_recording(), or went through NumPy, an integer, an "
                 "assign or tf.stop_gradient); for an exact answer use "
                 "tf.GradientTape(persistent=True), or call explain_none(f, {name})")
_PIECEWISE = ("the path from {name} goes through {ops}, whose gradient TF defines as None: the "
              "result is a step function of {name}, flat almost everywhere; if you need a "
              "gradient, use a smooth stand-in, or pass the gradient straight through: "
              "{name} + tf.stop_gradient({op}({name}) - {name})")
_NUMPY = ("the path left TensorFlow: f turns a tensor into NumPy (.numpy() or an np. function) "
         "and the tape cannot follow NumPy; use tf.math ops instead")
_STOPPED = ("tf.stop_gradient blocks every path from {name} to the result: the tape treats "
           "what it wraps as a constant; remove it where you want a gradient")
_INTEGER = ("the path from {name} goes through an integer (tf.cast to an int, tf.round "
           "to int): integers carry no gradient; keep the values float")
_ASSIGNED = ("{name} only reaches the result through a stateful assign (v.assign(...)), which "
            "the tape does not differentiate; use the value directly instead of storing it")
_NO_GRADIENT = ("TF has no gradient registered for an op on the path ({message}), so "
                "tape.gradient raises LookupError instead of returning a value; use another "
                "op, or give it one with tf.custom_gradient")
_UNCONNECTED = ("f's result does not depend on {name}: no TF op connects them; if it should, "
               "use {name} in f")


def explain_none(*args: Any) -> Any:
    """Say why a gradient is None: explain_none(tape, target, sources) or explain_none(f, *args).

    With a tape, the answer reads what the tape watched (sources: one, a list, or a dict of
    name: source for named answers). With a function (and its arguments, as for `gradient`),
    it traces f into a graph and follows each argument to the result. One reason per source,
    and None for a source that has a gradient. A non-persistent tape that has already given
    its gradients cannot be asked again, so for it the answer reads what it watched; a
    persistent tape, or the function form, is exact. See the `autodiff` lesson.

    >>> c = tf.constant(2.0)
    >>> with tf.GradientTape() as tape:
    ...     L = c**2
    >>> explain_none(tape, L, {"c": c})["c"]
    'c is a tf.Tensor, not a tf.Variable, ...'
    """
    if args and isinstance(args[0], tf.GradientTape):
        if len(args) != 3:
            raise TypeError("explain_none(tape, target, sources): pass the tape, the target "
                            "you differentiated, and the sources (one, a list, or a dict of "
                            "name: source)")
        tape, target, sources = args
        if isinstance(sources, dict):
            return {name: _reason_from_tape(tape, target, unwrap(s), name)
                    for name, s in sources.items()}
        if isinstance(sources, (list, tuple)):
            return [_reason_from_tape(tape, target, unwrap(s),
                                      _name_of(unwrap(s), f"sources[{i}]"))
                    for i, s in enumerate(sources)]
        return _reason_from_tape(tape, target, unwrap(sources), _name_of(unwrap(sources), "x"))
    if not args or not callable(args[0]):
        raise TypeError("explain_none needs a tape or a function: explain_none(tape, target, "
                        "sources) or explain_none(f, *args), e.g. explain_none(f, 1.0)")
    f, values = args[0], args[1:]
    sources = _explained_sources(f, values)
    reasons = reasons_from_function(f, sources)
    return reasons[0] if len(sources) == 1 else reasons


def _explained_sources(f: Callable[..., Any], values: tuple) -> list:
    """Return f's arguments as sources the way `gradient` makes them, but keep integer, bool
    and string values as tensors: their dtype is a reason to explain, not an input error."""
    if (not takes_arguments(f) and len(values) == 1 and isinstance(values[0], (list, tuple))
            and all(isinstance(unwrap(v), tf.Variable) for v in values[0])):
        values = tuple(values[0])  # e.g. model.trainable_variables
    if not values:
        raise TypeError("no arguments to explain: pass f and its arguments, e.g. "
                        "explain_none(f, 1.0), or the tf.Variables f uses")
    names = source_names(f, len(values))
    explicit = {d for d in map(explicit_dtype, values) if d is not None}
    default = explicit.pop() if len(explicit) == 1 else None
    sources = []
    for value, name in zip(values, names, strict=True):
        value = unwrap(value)
        if isinstance(value, (tf.Variable, tf.Tensor)):
            sources.append(value)
        elif np.asarray(value).dtype.kind in "iubSU":
            sources.append(tf.constant(value))
        else:
            sources.append(as_source(value, name, True, default))
    return sources


def _name_of(source: Any, default: str = "the source") -> str:
    """Return a variable's name without ':0', or a default for tensors."""
    return variable_name(source, default)


def _dtype_reason(source: Any, name: str) -> str | None:
    """Return the reason when a source is not floating-point, else None."""
    dtype = getattr(source, "dtype", None)
    if dtype is not None and not (dtype.is_floating or dtype.is_complex):
        return _NOT_FLOAT.format(name=name, dtype=dtype.name)
    return None


def _reason_from_tape(tape: tf.GradientTape, target: Any, source: Any, name: str) -> str | None:
    """Return why the tape gives no gradient for `source`, or None when it gives one."""
    if reason := _dtype_reason(source, name):
        return reason
    if tape._persistent and tape._tape is not None:  # it can be asked again: ask it
        try:
            if tape.gradient(target, source) is not None:
                return None
        except LookupError as error:
            return _NO_GRADIENT.format(message=error_message(error))
    watched = {v.ref() for v in tape.watched_variables()}
    if not isinstance(source, tf.Variable):
        return _TENSOR.format(name=name)
    if source.ref() not in watched:
        if not source.trainable:
            return _NOT_TRAINABLE.format(name=name)
        return _UNUSED.format(name=name) if watched else _NOTHING_RECORDED
    return (_BROKEN if tape._persistent else _MAYBE_BROKEN).format(name=name)


def reasons_from_function(f: Callable[..., Any], sources: list) -> list[str | None]:
    """Return why each source has no gradient through f, from f traced into a graph."""
    names = names_of(f, sources)
    reasons = [_dtype_reason(s, n) for s, n in zip(sources, names, strict=True)]
    floats = [i for i, reason in enumerate(reasons) if reason is None]
    with tf.GradientTape() as tape:
        for i in floats:
            if not isinstance(sources[i], tf.Variable):
                tape.watch(sources[i])
        L = call_f(f, sources)
    try:
        gradients = tape.gradient(L, [sources[i] for i in floats])
    except LookupError as error:  # an op without a registered gradient: TF raises
        for i in floats:
            reasons[i] = _NO_GRADIENT.format(message=error_message(error))
        return reasons
    todo = []
    for i, g in zip(floats, gradients, strict=True):
        if g is None and isinstance(sources[i], tf.Variable) and not sources[i].trainable:
            reasons[i] = _NOT_TRAINABLE.format(name=names[i])
        elif g is None:
            todo.append(i)
    for i, reason in zip(todo, _trace_reasons(f, sources, todo, names) if todo else [],
                         strict=True):
        reasons[i] = reason
    return reasons


def _trace_reasons(f: Callable[..., Any], sources: list, todo: list[int],
                  names: list[str]) -> list[str]:
    """Trace f into a graph and say, for each source in `todo`, what breaks its path."""
    tensors = [i for i, s in enumerate(sources) if not isinstance(s, tf.Variable)]

    def traced(*values: tf.Tensor) -> Any:
        filled = list(sources)
        for i, value in zip(tensors, values, strict=True):
            filled[i] = value
        return call_f(f, filled)

    specs = [tf.TensorSpec(sources[i].shape, sources[i].dtype) for i in tensors]
    try:
        graph = tf.function(traced, autograph=False).get_concrete_function(*specs).graph
    except Exception as error:  # noqa: BLE001 - the error itself is the diagnosis
        if "numpy" in str(error).lower():
            return [_NUMPY] * len(todo)
        return [f"f could not be traced to find why ({type(error).__name__}: "
                f"{str(error).strip().splitlines()[-1]})"] * len(todo)
    captured = {id(external): internal for external, internal in graph.captures}
    reasons = []
    for i in todo:
        source = sources[i]
        start = (captured.get(id(source.handle)) if isinstance(source, tf.Variable)
                 else graph.inputs[tensors.index(i)])
        reasons.append(_path_reason(graph, start, names[i]))
    return reasons


def _reachable(graph: Any, start: Any, allow: Callable[[Any, Any], bool]) -> set[str]:
    """Return the names of the tensors reachable from `start` along allowed data edges."""
    consumers: dict[str, list] = {}
    for op in graph.get_operations():
        for tensor in op.inputs:
            consumers.setdefault(tensor.name, []).append(op)
    seen, frontier = {start.name}, [start]
    while frontier:
        tensor = frontier.pop()
        for op in consumers.get(tensor.name, []):
            for output in op.outputs:
                if output.name not in seen and allow(op, output):
                    seen.add(output.name)
                    frontier.append(output)
    return seen


def _path_reason(graph: Any, start: Any, name: str) -> str:
    """Return what breaks every path from `start` to the graph's outputs."""
    if start is None:
        return _UNCONNECTED.format(name=name)
    outputs = {t.name for t in graph.outputs}
    anything = _reachable(graph, start, lambda op, out: True)
    no_stop = _reachable(graph, start, lambda op, out: op.type not in _STOP_OPS)
    def flows(op: Any, out: Any) -> bool:  # a float value the tape can follow
        return op.type not in _STOP_OPS and (out.dtype.is_floating or out.dtype.is_complex
                                             or out.dtype == tf.resource)

    floats = _reachable(graph, start, lambda op, out: flows(op, out) and op.type not in
                        _STEP_OPS)
    if outputs & floats:
        return "no break found in the traced graph: f may behave differently when traced"
    stepped = _reachable(graph, start, flows)
    if outputs & stepped:
        ops = sorted({_STEP_OPS[op.type] for op in graph.get_operations()
                      if op.type in _STEP_OPS and op.inputs[0].name in stepped})
        return _PIECEWISE.format(name=name, ops=" and ".join(ops), op=ops[0])
    if outputs & no_stop:
        return _INTEGER.format(name=name)
    if outputs & anything:
        return _STOPPED.format(name=name)
    assigns = [op for op in graph.get_operations() if op.type.startswith("Assign")
               and len(op.inputs) > 1 and op.inputs[1].name in anything]
    return (_ASSIGNED if assigns else _UNCONNECTED).format(name=name)
