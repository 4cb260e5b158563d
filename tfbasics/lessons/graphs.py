"""Introduction to graphs and tf.function

Until now TensorFlow ran eagerly: Python called each operation and got its result back at
once. `tf.function` traces your Python function once into a `tf.Graph` and from then on runs
that graph, which gives the same results without Python between the operations: often
faster, and exportable to places without Python.

Tracing is also where the surprises are. Python code (a `print`, a list append) runs only
while tracing, a new Python value makes a new graph, and a graph skips operations whose
results nobody uses. Each example counts traces and checks results against NumPy or a hand
derivation, and it makes its own `tf.function`s, so re-running it gives the same counts.

Guide: https://www.tensorflow.org/guide/intro_to_graphs
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import timeit

import numpy as np
import tensorflow as tf

from tfbasics import compiled_gradient
from tfbasics.checks import Check, check_close, check_raises


def a_regular_function(x, y, b):
    """Multiply, then add: plain TF ops in a plain Python function."""
    x = tf.matmul(x, y)
    x = x + b
    return x


def eager_and_graph_agree() -> list[Check]:
    """`tf.function` turns a Python function into a `Function` that builds and runs a graph.

    You call the `Function` just as you call the Python function. The first call traces it:
    TF runs your Python code once, records each TF operation into a graph, and then runs the
    graph. The result is what eager execution gives, [[1·2 + 2·3 + 4]] = [[12]].
    """
    a_function_that_uses_a_graph = tf.function(a_regular_function)
    x1 = tf.constant([[1.0, 2.0]])
    y1 = tf.constant([[2.0], [3.0]])
    b1 = tf.constant(4.0)
    orig_value = a_regular_function(x1, y1, b1)  # eager: each op runs as Python reaches it
    tf_function_value = a_function_that_uses_a_graph(x1, y1, b1)  # traced, then the graph runs
    expected = np.array([[1.0, 2.0]]) @ np.array([[2.0], [3.0]]) + 4.0  # [[12]]
    return [
        check_close("eager x1 @ y1 + b1", orig_value, expected),
        check_close("the graph gives the same", tf_function_value, expected),
    ]


def inner_functions_are_traced_too() -> list[Check]:
    """`tf.function` applies to a function and to every function it calls.

    While `outer_function` is traced, the call to `a_regular_function` is ordinary Python,
    so its `MatMul` and `AddV2` are recorded into the same graph. There is no separate graph
    per Python function, and no `Placeholder` or `Session` as in TF 1.x.
    """
    x1 = tf.constant([[1.0, 2.0]])

    @tf.function
    def outer_function(x):
        y = tf.constant([[2.0], [3.0]])
        b = tf.constant(4.0)
        return a_regular_function(x, y, b)

    result = outer_function(x1)  # [[1·2 + 2·3 + 4]] = [[12]]
    graph = outer_function.get_concrete_function(tf.TensorSpec([1, 2], tf.float32)).graph
    op_types = {op.type for op in graph.get_operations()}
    return [
        check_close("outer_function([[1, 2]])", result, [[12.0]]),
        check_close("its graph holds the inner MatMul and AddV2",
                    sorted(op_types & {"MatMul", "AddV2"}), ["AddV2", "MatMul"]),
    ]


def simple_relu(x):
    """A Python `if` on a tensor: AutoGraph turns it into tf.cond when traced."""
    if tf.greater(x, 0):
        return x
    else:
        return 0


def autograph_converts_control_flow() -> list[Check]:
    """AutoGraph rewrites a Python `if` on a tensor into graph control flow.

    While tracing, `x` has no value yet, so Python cannot choose a branch. `tf.function` uses
    AutoGraph (`tf.autograph`) to rewrite the `if` into code that builds both branches into
    the graph, and the graph picks one at run time. `tf.autograph.to_code` shows that code.
    """
    tf_simple_relu = tf.function(simple_relu)
    first_branch = tf_simple_relu(tf.constant(1))  # relu(1) = 1
    second_branch = tf_simple_relu(tf.constant(-1))  # relu(-1) = 0
    code = tf.autograph.to_code(simple_relu)
    return [
        check_close("relu(1) and relu(-1) through the graph", [first_branch, second_branch],
                    [1, 0]),
        check_close("the converted code uses ag__.if_stmt", "ag__.if_stmt" in code, True),
    ]


def polymorphism_and_retracing() -> list[Check]:
    """One `Function`, many graphs: each new input signature gets a graph of its own.

    A graph is specialised to its inputs' dtypes and shapes (for Python values, the values
    themselves), so `my_relu` traces once for a float32 scalar, once for the list [1, -1]
    and once for a float32 vector. The list append in its body is a Python side effect: it
    runs only while tracing, so it counts the traces. Calls with a signature seen before reuse
    its graph and do not trace.
    """
    traces = []

    @tf.function
    def my_relu(x):
        traces.append(x)  # Python: runs while tracing, not when the graph runs
        return tf.maximum(0.0, x)

    outputs = [my_relu(tf.constant(5.5)),  # a float32 scalar: trace 1
               my_relu([1, -1]),  # a Python list: trace 2
               my_relu(tf.constant([3.0, -3.0]))]  # a float32 vector: trace 3
    first = len(traces)
    again = [my_relu(tf.constant(-2.5)),  # the scalar signature again: no trace
             my_relu(tf.constant([-1.0, 1.0]))]  # the vector signature again: no trace
    signatures = [line.strip() for line in my_relu.pretty_printed_concrete_signatures()
                  .splitlines() if line.strip().startswith("x (")]
    return [
        check_close("my_relu(5.5), my_relu([1, -1]), my_relu([3, -3])", outputs,
                    [np.maximum(0.0, 5.5), np.maximum(0.0, [1, -1]),
                     np.maximum(0.0, [3.0, -3.0])]),
        check_close("three signatures, three traces", first, 3, note="; ".join(signatures)),
        check_close("my_relu(-2.5) and my_relu([-1, 1])", again,
                    [np.maximum(0.0, -2.5), np.maximum(0.0, [-1.0, 1.0])]),
        check_close("known signatures are not traced again", len(traces), 3),
        check_close("TF's own trace count agrees", my_relu.experimental_get_tracing_count(), 3),
    ]


def graph_execution_vs_eager_execution() -> list[Check]:
    """`tf.config.run_functions_eagerly(True)` runs a `Function`'s Python code eagerly instead.

    Use it to debug: if the eager run and the graph disagree, tracing changed something. The
    guide's `get_MSE` gives the same answer both ways, but with its int32 inputs that answer
    is an integer: `tf.reduce_mean` of integers divides as integers, so the mean squared
    error 24.6 comes back as 24. Cast to float first to get 24.6. The switch is global, so
    set it back in a `finally`, even if the call fails.
    """
    y_true = tf.constant([5, 1, 8, 2, 9])  # int32, like the guide's random integers
    y_pred = tf.constant([2, 8, 2, 0, 4])

    @tf.function
    def get_MSE(y_true, y_pred):
        sq_diff = tf.pow(y_true - y_pred, 2)
        return tf.reduce_mean(sq_diff)

    as_graph = get_MSE(y_true, y_pred)  # (9 + 49 + 36 + 4 + 25) / 5 = 24.6 → 24 in int32
    was_eager = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(True)
    try:
        eagerly = get_MSE(y_true, y_pred)  # the Python body runs, op by op
    finally:
        tf.config.run_functions_eagerly(was_eager)
    as_floats = get_MSE(tf.cast(y_true, tf.float32), tf.cast(y_pred, tf.float32))  # 24.6
    squares = (np.array([5, 1, 8, 2, 9]) - np.array([2, 8, 2, 0, 4])) ** 2
    return [
        check_close("get_MSE of int32 inputs: the floor of 24.6", as_graph,
                    np.floor(np.mean(squares)).astype(np.int32)),
        check_close("its dtype is int32", as_graph.dtype.name, "int32"),
        check_close("run eagerly it gives the same integer", eagerly,
                    np.floor(np.mean(squares)).astype(np.int32)),
        check_close("cast to float32 first: the true mean", as_floats, np.mean(squares)),
    ]


def python_print_runs_once() -> list[Check]:
    """Python `print` runs once, while tracing; `tf.print` is in the graph and runs every call.

    Tracing runs your Python code to record its TF operations. `print` is not a TF operation,
    so it is not recorded: it runs during that one trace, and the three calls run the graph
    without ever running the Python body again. `tf.print` is an operation in the graph, so it
    prints on every call (here into a file, to count its lines).
    """
    y_true = tf.constant([5, 1, 8, 2], dtype=tf.float32)
    y_pred = tf.constant([2, 8, 2, 0], dtype=tf.float32)
    with tempfile.TemporaryDirectory() as folder:
        log = os.path.join(folder, "tf_print.txt")

        @tf.function
        def get_MSE(y_true, y_pred):
            print("Calculating MSE!")  # Python: runs while tracing only
            tf.print("Calculating MSE!", output_stream=f"file://{log}")  # a graph op
            return tf.reduce_mean(tf.pow(y_true - y_pred, 2))

        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            errors = [get_MSE(y_true, y_pred) for _ in range(3)]  # (9 + 49 + 36 + 4) / 4
        with open(log, encoding="utf-8") as lines:
            tf_prints = lines.read().count("Calculating MSE!")
    return [
        check_close("the MSE is the same each call", errors,
                    [np.mean((np.array([5, 1, 8, 2]) - [2, 8, 2, 0]) ** 2)] * 3),
        check_close("Python print ran once in three calls",
                    printed.getvalue().count("Calculating MSE!"), 1),
        check_close("tf.print ran three times", tf_prints, 3),
    ]


def run_functions_eagerly_to_debug() -> list[Check]:
    """With `tf.config.run_functions_eagerly(True)` a `print` in a `Function` runs every call.

    Nothing is traced then: each call runs the Python body eagerly, so the `print` runs three
    times in three calls, as it would in a plain function. Switched off again, the first call
    traces (one `print`) and the next two run the graph (none). That difference is how you
    tell a Python side effect from a TF operation; the `finally` sets the switch back.
    """
    y_true = tf.constant([5.0, 1.0, 8.0, 2.0])
    y_pred = tf.constant([2.0, 8.0, 2.0, 0.0])

    @tf.function
    def get_MSE(y_true, y_pred):
        print("Calculating MSE!")
        sq_diff = tf.pow(y_true - y_pred, 2)
        return tf.reduce_mean(sq_diff)

    was_eager = tf.config.functions_run_eagerly()
    printed_eagerly, printed_as_graph = io.StringIO(), io.StringIO()
    try:
        tf.config.run_functions_eagerly(True)
        with contextlib.redirect_stdout(printed_eagerly):
            errors = [get_MSE(y_true, y_pred) for _ in range(3)]  # the Python body, 3 times
        tf.config.run_functions_eagerly(False)
        with contextlib.redirect_stdout(printed_as_graph):
            errors += [get_MSE(y_true, y_pred) for _ in range(3)]  # one trace, then the graph
    finally:
        tf.config.run_functions_eagerly(was_eager)
    return [
        check_close("eagerly: print ran in each of 3 calls",
                    printed_eagerly.getvalue().count("Calculating MSE!"), 3),
        check_close("as a graph: print ran once in 3 calls, while tracing",
                    printed_as_graph.getvalue().count("Calculating MSE!"), 1),
        check_close("all six calls give the MSE (9 + 49 + 36 + 4) / 4", errors,
                    [np.mean((np.array([5, 1, 8, 2]) - [2, 8, 2, 0]) ** 2)] * 6),
    ]


def non_strict_execution() -> list[Check]:
    """A graph runs only the operations its outputs (or side effects like `tf.print`) need.

    `tf.gather(x, [1])` on a one-element `x` is out of range. Eagerly, every line runs, so it
    raises `InvalidArgumentError`. In the graph its result is unused, so TF prunes it when the
    graph runs, and the call returns x without an error. A runtime check is not an observable
    effect: do not rely on an error from an operation whose result you do not use.
    """
    def unused_return_eager(x):
        tf.gather(x, [1])  # unused; index 1 is out of range when len(x) == 1
        return x

    @tf.function
    def unused_return_graph(x):
        tf.gather(x, [1])  # unused: pruned from the graph's run
        return x

    x = tf.constant([0.0])
    traced = unused_return_graph.get_concrete_function(x).graph
    return [
        check_raises("eagerly, the unused tf.gather raises",
                     lambda: unused_return_eager(x), tf.errors.InvalidArgumentError),
        check_close("as a graph, the call returns x = [0] without an error",
                    unused_return_graph(x), [0.0]),
        check_close("the traced graph does hold the GatherV2 it skips",
                    "GatherV2" in {op.type for op in traced.get_operations()}, True),
    ]


def power(x, y):
    """Multiply x by itself y times: many small ops, where graphs shine."""
    result = tf.eye(10, dtype=tf.dtypes.int32)
    for _ in range(y):
        result = tf.matmul(x, result)
    return result


def graphs_are_faster() -> list[Check]:
    """A graph of many small ops skips Python between them, so it often runs faster.

    `power(x, 100)` is 100 small `matmul`s: eagerly, Python dispatches each one; as a graph,
    one call runs them all. How much faster depends on the machine and the load, so the
    measurement is shown apart from the checks, which compare both results with NumPy. The
    first call traces (Python runs the loop, unrolling it into 100 ops), outside the timing.
    """
    x = tf.random.stateless_uniform([10, 10], seed=[1, 2], minval=-1, maxval=2,
                                    dtype=tf.dtypes.int32)
    power_as_graph = tf.function(power)
    as_graph = power_as_graph(x, 100)  # traces once, outside the timing
    eagerly = power(x, 100)
    eager_time = min(timeit.repeat(lambda: power(x, 100), number=5, repeat=2)) / 5
    graph_time = min(timeit.repeat(lambda: power_as_graph(x, 100), number=5, repeat=2)) / 5
    expected = np.linalg.matrix_power(x.numpy().astype(np.int64), 100).astype(np.int32)
    return [
        check_close("x¹⁰⁰ as a graph equals NumPy's matrix power", as_graph, expected,
                    note="x¹⁰⁰ overflows: int32 and NumPy's int64 both wrap, and agree mod 2³²",
                    timing=f"eager {eager_time * 1e3:.1f} ms, graph {graph_time * 1e3:.1f} ms "
                           f"per call: the graph ran {eager_time / graph_time:.1f}× as fast on "
                           f"this machine"),
        check_close("and so does eager x¹⁰⁰", eagerly, expected),
    ]


def when_is_a_function_tracing() -> list[Check]:
    """Each new Python number retraces; tensors of one dtype and shape share one graph.

    A tensor argument becomes a graph input, so 1, 2 and 3 as int32 scalar tensors run one
    graph. A Python number is baked into the graph as a constant, because it could be an
    epoch count or another setting that changes the code: so 1, 2 and 3 as Python ints give
    three more traces. A Python value seen before reuses its graph. Pass tensors for values
    that change from call to call.
    """
    traces = []

    @tf.function
    def a_function_with_python_side_effect(x):
        traces.append(x)  # Python: runs only while tracing
        return x * x + tf.constant(2)

    from_tensors = [a_function_with_python_side_effect(tf.constant(n)) for n in (1, 2, 3)]
    traces_for_tensors = len(traces)
    from_python = [a_function_with_python_side_effect(n) for n in (1, 2, 3)]  # x² + 2
    traces_for_python = len(traces) - traces_for_tensors
    a_function_with_python_side_effect(2)  # 2 was seen: its graph is reused
    expected = np.array([1, 2, 3]) ** 2 + 2  # [3, 6, 11]
    return [
        check_close("x² + 2 for tensors 1, 2, 3", from_tensors, list(expected)),
        check_close("three int32 scalar tensors: one trace", traces_for_tensors, 1),
        check_close("x² + 2 for Python ints 1, 2, 3", from_python, list(expected)),
        check_close("three Python ints: three traces", traces_for_python, 3),
        check_close("a Python 2 again: no new trace (1 + 3 in all)",
                    a_function_with_python_side_effect.experimental_get_tracing_count(), 4),
    ]


def input_signature_stops_retracing() -> list[Check]:
    """An `input_signature` fixes the graph's inputs: with a `None` axis, any length fits.

    Without it, each new vector length would be a new shape and a new trace. The signature
    `TensorSpec(shape=[None], dtype=tf.int32)` says "an int32 vector of any length", so one
    trace serves both calls. An input that does not match the signature, such as a float
    vector, is refused with a `TypeError` instead of being traced.
    """
    traces = []

    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        traces.append(x)
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)  # n/2 if n is even, else 3n + 1

    short = next_collatz(tf.constant([1, 2]))
    long = next_collatz(tf.constant([1, 2, 3, 4, 5]))
    x = np.array([1, 2, 3, 4, 5])
    return [
        check_close("one Collatz step on [1, 2, 3, 4, 5]", long,
                    np.where(x % 2 == 0, x // 2, 3 * x + 1)),
        check_close("and on [1, 2]", short, [4, 1]),
        check_close("two lengths, one trace", len(traces), 1),
        check_raises("a float input does not match the signature",
                     lambda: next_collatz(tf.constant([1.0, 2.0])), TypeError),
    ]


def gradient_tape_inside_a_graph() -> list[Check]:
    """A `tf.GradientTape` works inside a `tf.function`: the backward pass joins the graph.

    While tracing, the tape records the forward operations, and `tape.gradient` adds the
    operations of the backward pass to the same graph. The argument w is a tensor, not a
    variable, so the tape must `watch` it. One trace for a float32 scalar then serves every
    float32 scalar w, giving dL/dw = 4 + 3w² for L = 4w + w³.

    $$\\frac{dL}{dw} = 4 + 3w^2$$
    """
    traces = []

    @tf.function
    def dL_dw_of_cubic(w):
        traces.append(w)
        with tf.GradientTape() as tape:
            tape.watch(w)
            L = 4 * w + w**3
        return tape.gradient(L, w)  # dL/dw = 4 + 3w²

    w_values = [1.0, 2.0, -0.5]
    dL_dw = [dL_dw_of_cubic(tf.constant(w)) for w in w_values]  # 7, 16, 4.75
    return [
        check_close("the graph's dL/dw = 4 + 3w² at w = 1, 2, -0.5", dL_dw,
                    list(4 + 3 * np.array(w_values) ** 2)),
        check_close("three float32 scalars: one trace", len(traces), 1),
        check_close("and TF's count of that graph's traces agrees",
                    dL_dw_of_cubic.experimental_get_tracing_count(), 1),
    ]


def compiled_gradient_traces_once() -> list[Check]:
    """`compiled_gradient(f)` is the tape-in-a-`tf.function` above, for any f of yours.

    It returns a function that gives dL/dw from one traced graph per input signature. It
    turns Python numbers into float32 tensors before calling the graph, so unlike the Python
    ints above, 1.0, 2.0 and -0.5 share one trace with `tf.constant(3.0)`.
    `.tracing_count()` says how many graphs it traced.
    """
    dL_dw = compiled_gradient(lambda w: 4 * w + w**3)  # dL/dw = 4 + 3w²
    w_values = [1.0, 2.0, -0.5]
    from_floats = [dL_dw(w) for w in w_values]  # 7, 16, 4.75
    from_tensor = dL_dw(tf.constant(3.0))  # 4 + 27 = 31
    return [
        check_close("compiled_gradient's dL/dw at w = 1, 2, -0.5", from_floats,
                    list(4 + 3 * np.array(w_values) ** 2)),
        check_close("and at w = tf.constant(3.0)", from_tensor, 4 + 3 * 3.0**2),
        check_close("four float32 scalars: one trace", dL_dw.tracing_count(), 1),
    ]


EXAMPLES = [
    eager_and_graph_agree,
    inner_functions_are_traced_too,
    autograph_converts_control_flow,
    polymorphism_and_retracing,
    graph_execution_vs_eager_execution,
    python_print_runs_once,
    run_functions_eagerly_to_debug,
    non_strict_execution,
    graphs_are_faster,
    when_is_a_function_tracing,
    input_signature_stops_retracing,
    gradient_tape_inside_a_graph,
    compiled_gradient_traces_once,
]
