"""explain_none: why a gradient is None, and how to fix it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from tfbasics.gradients import call, source_names, takes_arguments

STOP_OPS = {"StopGradient", "PreventGradient"}

NOT_FLOAT = ("{name} is {dtype}: TF gives no gradient for integers, strings or bools; "
             "make it a float, e.g. tf.Variable(1.0) or tf.cast({name}, tf.float32)")
NOT_TRAINABLE = ("{name} is a tf.Variable with trainable=False, which the tape does not "
                 "watch; make it trainable or call tape.watch({name})")
TENSOR = ("{name} is a tf.Tensor, not a tf.Variable, and the tape follows a Tensor only after "
          "tape.watch({name}): watch it inside the with block; if {name} came from a Variable "
          "({name} = {name} + 1), it is a new Tensor made outside the tape: keep the Variable "
          "and change it with {name}.assign_add(1)")
NOTHING_RECORDED = ("the tape recorded nothing: compute the target inside the "
                    "`with tf.GradientTape() as tape:` block, not after it or under "
                    "tape.stop_recording()")
UNUSED = "the target does not use {name}: the tape never saw {name} read while it recorded"
BROKEN = ("the tape saw {name}, but the path to the target is broken: part of it ran outside "
          "the with block or under tape.stop_recording(), or went through NumPy, an integer, "
          "an assign or tf.stop_gradient; call explain_none(f, {name}) with the computation "
          "as a function f to find which")
NUMPY = ("the path left TensorFlow: f turns a tensor into NumPy (.numpy() or an np. function) "
         "and the tape cannot follow NumPy; use tf.math ops instead")
STOPPED = ("tf.stop_gradient blocks every path from {name} to the result: the tape treats "
           "what it wraps as a constant; remove it where you want a gradient")
INTEGER = ("the path from {name} goes through an integer (tf.cast to an int, tf.round "
           "to int): integers carry no gradient; keep the values float")
ASSIGNED = ("{name} only reaches the result through a stateful assign (v.assign(...)), which "
            "the tape does not differentiate; use the value directly instead of storing it")
UNCONNECTED = ("f's result does not depend on {name}: no TF op connects them; if it should, "
               "use {name} in f")


def explain_none(*args: Any) -> Any:
    """Say why a gradient is None: explain_none(tape, target, sources) or explain_none(f, *args).

    With a tape, the answer reads what the tape watched (sources: one, a list, or a dict of
    name: source for named answers); with a function, it traces f into a graph and follows
    each argument to the result. One reason per source, None where the gradient exists.
    """
    if args and isinstance(args[0], tf.GradientTape):
        tape, _target, sources = args
        if isinstance(sources, dict):
            return {name: reason_from_tape(tape, s, name) for name, s in sources.items()}
        if isinstance(sources, (list, tuple)):
            return [reason_from_tape(tape, s, name_of(s, f"sources[{i}]"))
                    for i, s in enumerate(sources)]
        return reason_from_tape(tape, sources, name_of(sources, "x"))
    f, sources = args[0], list(args[1:])
    reasons = reasons_from_function(f, sources)
    return reasons[0] if len(sources) == 1 else reasons


def name_of(source: Any, default: str = "the source") -> str:
    """Return a variable's name without ':0', or a default for tensors."""
    name = getattr(source, "name", None) if isinstance(source, tf.Variable) else None
    return name.split(":")[0] if name else default


def dtype_reason(source: Any, name: str) -> str | None:
    """Return the reason when a source is not floating-point, else None."""
    dtype = getattr(source, "dtype", None)
    if dtype is not None and not (dtype.is_floating or dtype.is_complex):
        return NOT_FLOAT.format(name=name, dtype=dtype.name)
    return None


def reason_from_tape(tape: tf.GradientTape, source: Any, name: str) -> str:
    """Return why the tape gave no gradient for `source`."""
    watched = {v.ref() for v in tape.watched_variables()}
    if reason := dtype_reason(source, name):
        return reason
    if not isinstance(source, tf.Variable):
        return TENSOR.format(name=name)
    if source.ref() not in watched:
        if not source.trainable:
            return NOT_TRAINABLE.format(name=name)
        return UNUSED.format(name=name) if watched else NOTHING_RECORDED
    return BROKEN.format(name=name)


def reasons_from_function(f: Callable[..., Any], sources: list) -> list[str | None]:
    """Return why each source has no gradient through f, from f traced into a graph."""
    names = source_names(f, len(sources)) if takes_arguments(f) else [
        name_of(s, f"argument {i}") for i, s in enumerate(sources)]
    reasons = [dtype_reason(s, n) for s, n in zip(sources, names, strict=True)]
    floats = [i for i, reason in enumerate(reasons) if reason is None]
    with tf.GradientTape() as tape:
        for i in floats:
            if not isinstance(sources[i], tf.Variable):
                tape.watch(sources[i])
        L = call(f, sources)
    gradients = tape.gradient(L, [sources[i] for i in floats])
    todo = []
    for i, g in zip(floats, gradients, strict=True):
        if g is None and isinstance(sources[i], tf.Variable) and not sources[i].trainable:
            reasons[i] = NOT_TRAINABLE.format(name=names[i])
        elif g is None:
            todo.append(i)
    for i, reason in zip(todo, trace_reasons(f, sources, todo, names) if todo else [],
                         strict=True):
        reasons[i] = reason
    return reasons


def trace_reasons(f: Callable[..., Any], sources: list, todo: list[int],
                  names: list[str]) -> list[str]:
    """Trace f into a graph and say, for each source in `todo`, what breaks its path."""
    tensors = [i for i, s in enumerate(sources) if not isinstance(s, tf.Variable)]

    def traced(*values: tf.Tensor) -> Any:
        filled = list(sources)
        for i, value in zip(tensors, values, strict=True):
            filled[i] = value
        return call(f, filled)

    specs = [tf.TensorSpec(sources[i].shape, sources[i].dtype) for i in tensors]
    try:
        graph = tf.function(traced, autograph=False).get_concrete_function(*specs).graph
    except Exception as error:  # noqa: BLE001 - the error itself is the diagnosis
        if "numpy" in str(error).lower():
            return [NUMPY] * len(todo)
        return [f"f could not be traced to find why ({type(error).__name__}: "
                f"{str(error).strip().splitlines()[-1]})"] * len(todo)
    captured = {id(external): internal for external, internal in graph.captures}
    reasons = []
    for i in todo:
        source = sources[i]
        start = (captured.get(id(source.handle)) if isinstance(source, tf.Variable)
                 else graph.inputs[tensors.index(i)])
        reasons.append(path_reason(graph, start, names[i]))
    return reasons


def reachable(graph: Any, start: Any, allow: Callable[[Any, Any], bool]) -> set[str]:
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


def path_reason(graph: Any, start: Any, name: str) -> str:
    """Return what breaks every path from `start` to the graph's outputs."""
    if start is None:
        return UNCONNECTED.format(name=name)
    outputs = {t.name for t in graph.outputs}
    anything = reachable(graph, start, lambda op, out: True)
    no_stop = reachable(graph, start, lambda op, out: op.type not in STOP_OPS)
    floats = reachable(graph, start, lambda op, out: op.type not in STOP_OPS and (
        out.dtype.is_floating or out.dtype.is_complex or out.dtype == tf.resource))
    if outputs & floats:
        return "no break found in the traced graph: f may behave differently when traced"
    if outputs & no_stop:
        return INTEGER.format(name=name)
    if outputs & anything:
        return STOPPED.format(name=name)
    assigns = [op for op in graph.get_operations() if op.type.startswith("Assign")
               and len(op.inputs) > 1 and op.inputs[1].name in anything]
    return (ASSIGNED if assigns else UNCONNECTED).format(name=name)
