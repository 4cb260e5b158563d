"""Introduction to graphs and tf.function

Until now TensorFlow ran eagerly, op by op from Python. `tf.function` traces your Python
function once into a `tf.Graph` and then runs that graph: the same results, often faster, and
exportable to places without Python. Tracing is also where the surprises are: Python code (a
`print`) runs only while tracing, and a new Python value makes a new graph.

Guide: https://www.tensorflow.org/guide/intro_to_graphs
"""

from __future__ import annotations

import sys
import timeit

import numpy as np
import tensorflow as tf

from tfbasics import compiled_gradient
from tfbasics.checks import Check, check_close, check_raises


def a_regular_function(x, y, b):
    x = tf.matmul(x, y)
    x = x + b
    return x


def eager_and_graph_agree() -> list[Check]:
    """`tf.function` turns a Python function into a `Function` that builds and runs a graph.

    The first call traces it (runs your Python once, recording each TF op), then runs the graph.
    """
    a_function_that_uses_a_graph = tf.function(a_regular_function)
    x1 = tf.constant([[1.0, 2.0]])
    y1 = tf.constant([[2.0], [3.0]])
    b1 = tf.constant(4.0)
    orig_value = a_regular_function(x1, y1, b1)  # eager: op by op
    tf_function_value = a_function_that_uses_a_graph(x1, y1, b1)  # traced, then run
    print(orig_value)
    print(tf_function_value)
    # Verify
    expected = np.array([[1.0, 2.0]]) @ np.array([[2.0], [3.0]]) + 4.0
    return [
        check_close("eager x1 @ y1 + b1", orig_value, expected, by="NumPy"),
        check_close("the graph's x1 @ y1 + b1", tf_function_value, expected, by="NumPy"),
    ]


def inner_functions_are_traced_too() -> list[Check]:
    """`tf.function` applies to a function and to every function it calls.

    The traced graph's input x is a `Placeholder` op, which `tf.function` feeds: no `Session`.
    """
    x1 = tf.constant([[1.0, 2.0]])

    @tf.function
    def outer_function(x):
        y = tf.constant([[2.0], [3.0]])
        b = tf.constant(4.0)
        return a_regular_function(x, y, b)
    result = outer_function(x1)  # [[1·2 + 2·3 + 4]] = [[12]]
    print(result)
    graph = outer_function.get_concrete_function(x1).graph
    for op in graph.get_operations():
        print(op.name, op.type)
    # Verify
    return [
        check_close("outer_function([[1, 2]])", result, [[12.0]], by="by hand 1·2 + 2·3 + 4"),
        check_close("the graph's ops", [op.type for op in graph.get_operations()],
                    ["Placeholder", "Const", "Const", "MatMul", "AddV2", "Identity"],
                    by="the code"),
        check_close("graph.inputs' op", [t.op.type for t in graph.inputs], ["Placeholder"],
                    by="the code's one argument x"),
    ]


def simple_relu(x):
    if tf.greater(x, 0):
        return x
    else:
        return 0


def autograph_converts_control_flow() -> list[Check]:
    """AutoGraph rewrites a Python `if` on a tensor into graph control flow.

    While tracing, `x` has no value, so both branches go into the graph (`ag__.if_stmt`). AutoGraph
    reads your function's source: define it in a file or a notebook cell, not at the Python prompt.
    """
    tf_simple_relu = tf.function(simple_relu)
    first_branch = tf_simple_relu(tf.constant(1))  # relu(1) = 1
    second_branch = tf_simple_relu(tf.constant(-1))  # relu(-1) = 0
    print(first_branch.numpy(), second_branch.numpy())
    code = tf.autograph.to_code(simple_relu)
    # Verify
    return [
        check_close("relu(1) and relu(-1) through the graph", [first_branch, second_branch],
                    [np.int32(1), np.int32(0)], by="by hand max(x, 0)"),
        check_close("'ag__.if_stmt' in to_code's text", "ag__.if_stmt" in code, True,
                    by="the guide's converted code"),
    ]


def polymorphism_and_retracing() -> list[Check]:
    """One `Function`, many graphs: each new input signature gets a graph of its own.

    A graph is specialised to its inputs' dtypes and shapes, and to the values of Python arguments.
    """
    @tf.function
    def my_relu(x):
        return tf.maximum(0.0, x)
    scalar = my_relu(tf.constant(5.5))  # a float32 scalar: trace 1
    pair = my_relu([1, -1])  # a Python list: trace 2
    vector = my_relu(tf.constant([3.0, -3.0]))  # a float32 vector: trace 3
    first = my_relu.experimental_get_tracing_count()
    again = [my_relu(tf.constant(-2.5)),  # the scalar signature again: no trace
             my_relu(tf.constant([-1.0, 1.0]))]  # the vector one again: no trace
    print(first, my_relu.experimental_get_tracing_count())
    print(my_relu.pretty_printed_concrete_signatures(verbose=False))
    # Verify
    signatures = my_relu.pretty_printed_concrete_signatures(verbose=False)
    return [
        check_close("my_relu of 5.5, [1, -1], [3, -3]", [scalar, pair, vector],
                    [np.float32(5.5), np.float32([1, 0]), np.float32([3, 0])],
                    by="by hand max(0, x)"),
        check_close("my_relu(-2.5) and my_relu([-1, 1])", again,
                    [np.float32(0), np.float32([0, 1])], by="by hand max(0, x)"),
        check_close("traces after three signatures, then two known ones",
                    [first, my_relu.experimental_get_tracing_count()], [3, 3], by="the guide"),
        check_close("'List[Literal[1], Literal[-1]]' in the signatures",
                    "List[Literal[1], Literal[-1]]" in signatures, True,
                    by="the guide: a list's values count"),
    ]


def graph_execution_vs_eager_execution() -> list[Check]:
    """`tf.config.run_functions_eagerly(True)` runs a `Function`'s Python code eagerly instead.

    Use it to debug: if the two runs disagree, tracing changed something. Here both give 24, not
    24.6: `tf.reduce_mean` of int32 values divides as integers.
    """
    y_true = tf.constant([5, 1, 8, 2, 9])  # int32, like the guide's random integers
    y_pred = tf.constant([2, 8, 2, 0, 4])

    @tf.function
    def get_MSE(y_true, y_pred):
        sq_diff = tf.pow(y_true - y_pred, 2)
        return tf.reduce_mean(sq_diff)
    as_graph = get_MSE(y_true, y_pred)  # (9 + 49 + 36 + 4 + 25) / 5 = 24.6 → 24
    tf.config.run_functions_eagerly(True)
    try:
        eagerly = get_MSE(y_true, y_pred)  # the Python body runs, op by op
    finally:
        tf.config.run_functions_eagerly(False)  # the switch is global
    as_floats = get_MSE(tf.cast(y_true, tf.float32), tf.cast(y_pred, tf.float32))
    print(as_graph, eagerly, as_floats, sep="\n")
    # Verify
    squares = (np.array([5, 1, 8, 2, 9]) - np.array([2, 8, 2, 0, 4])) ** 2
    return [
        check_close("get_MSE of int32 inputs", as_graph, np.int32(np.mean(squares) // 1),
                    by="NumPy, floor(24.6)"),
        check_close("run eagerly", eagerly, np.int32(np.mean(squares) // 1),
                    by="NumPy, floor(24.6)"),
        check_close("get_MSE of float32 inputs", as_floats, np.mean(squares), by="NumPy"),
    ]


def python_print_runs_once() -> list[Check]:
    """Python `print` runs once, while tracing; `tf.print` is in the graph and runs every call.

    Tracing records TF operations only: `print` is not one, `tf.print` is (a `PrintV2` op).
    """
    y_true = tf.constant([5, 1, 8, 2], dtype=tf.float32)
    y_pred = tf.constant([2, 8, 2, 0], dtype=tf.float32)

    @tf.function
    def get_MSE(y_true, y_pred):
        print("Calculating MSE!")  # Python: runs while tracing only
        tf.print("tf.print: calculating MSE", output_stream=sys.stdout)  # an op
        return tf.reduce_mean(tf.pow(y_true - y_pred, 2))
    errors = [get_MSE(y_true, y_pred) for _ in range(3)]  # three calls
    print(errors[-1])  # (9 + 49 + 36 + 4) / 4
    # Verify
    graph = get_MSE.get_concrete_function(y_true, y_pred).graph
    return [
        check_close("the MSE", errors[-1], np.mean((np.array([5, 1, 8, 2]) - [2, 8, 2, 0]) ** 2),
                    by="NumPy"),
        check_close("traces in three calls (print runs in each trace)",
                    get_MSE.experimental_get_tracing_count(), 1,
                    by="the guide: one signature, one trace"),
        check_close("the graph's print ops", [op.type for op in graph.get_operations()
                                              if "Print" in op.type], ["PrintV2"],
                    by="the code: one tf.print (print is not an op)"),
    ]


def run_functions_eagerly_to_debug() -> list[Check]:
    """With `tf.config.run_functions_eagerly(True)` a `print` in a `Function` runs every call.

    Nothing is traced then; switched off again, only the call that traces prints.
    """
    y_true = tf.constant([5.0, 1.0, 8.0, 2.0])
    y_pred = tf.constant([2.0, 8.0, 2.0, 0.0])

    @tf.function
    def get_MSE(y_true, y_pred):
        print("Calculating MSE!")
        sq_diff = tf.pow(y_true - y_pred, 2)
        return tf.reduce_mean(sq_diff)
    tf.config.run_functions_eagerly(True)
    try:
        errors = [get_MSE(y_true, y_pred) for _ in range(3)]  # 3 prints
    finally:
        tf.config.run_functions_eagerly(False)
    eager_traces = get_MSE.experimental_get_tracing_count()
    errors += [get_MSE(y_true, y_pred) for _ in range(3)]  # 1 print: the trace
    print(eager_traces, get_MSE.experimental_get_tracing_count())
    # Verify
    return [
        check_close("traces in 3 eager calls", eager_traces, 0, by="the guide: no graph"),
        check_close("traces in 3 more calls as a graph", get_MSE.experimental_get_tracing_count(),
                    1, by="the guide: one signature, one trace"),
        check_close("the six MSEs", errors,
                    [np.mean((np.array([5, 1, 8, 2]) - [2, 8, 2, 0]) ** 2)] * 6,
                    by="NumPy (9 + 49 + 36 + 4) / 4"),
    ]


def non_strict_execution() -> list[Check]:
    """A graph runs only the operations its outputs or its side effects need.

    An unused out-of-range `tf.gather` raises eagerly but is pruned from the graph. A `tf.debugging`
    assert is an effect, like `tf.print`: unused, it still runs and raises.
    """
    def unused_return_eager(x):
        tf.gather(x, [1])  # unused; index 1 is out of range when len(x) == 1
        return x

    @tf.function
    def unused_return_graph(x):
        tf.gather(x, [1])  # unused: pruned from the graph's run
        return x

    @tf.function
    def unused_assert(x):
        tf.debugging.assert_equal(x, 1.0)  # unused, but an effect: kept
        return x
    x = tf.constant([0.0])
    print(unused_return_graph(x))
    # Verify
    graph = unused_return_graph.get_concrete_function(x).graph
    return [
        check_raises("calling unused_return_eager(x)", lambda: unused_return_eager(x),
                     tf.errors.InvalidArgumentError),
        check_close("unused_return_graph(x)", unused_return_graph(x), np.float32([0]),
                    by="x itself"),
        check_close("'GatherV2' among its graph's ops (pruned when it runs)",
                    "GatherV2" in [op.type for op in graph.get_operations()], True,
                    by="the code's tf.gather"),
        check_raises("calling unused_assert(x)", lambda: unused_assert(x),
                     tf.errors.InvalidArgumentError),
    ]


def power(x, y):
    result = tf.eye(10, dtype=tf.dtypes.int32)
    for _ in range(y):
        result = tf.matmul(x, result)
    return result


def graphs_are_faster() -> list[Check]:
    """A graph of many small ops skips Python between them, so it often runs faster.

    `power(x, 100)` is 100 small `matmul`s; the times vary with the machine and its load.
    """
    x = tf.random.stateless_uniform([10, 10], seed=[1, 2], minval=-1, maxval=2,
                                    dtype=tf.dtypes.int32)
    power_as_graph = tf.function(power)
    as_graph = power_as_graph(x, 100)  # traces once, outside the timing
    eagerly = power(x, 100)
    eager_time = timeit.timeit(lambda: power(x, 100), number=10)
    graph_time = timeit.timeit(lambda: power_as_graph(x, 100), number=10)
    print(f"Eager: {eager_time:.3f} s, graph: {graph_time:.3f} s, for 10 calls")
    # Verify
    expected = np.linalg.matrix_power(x.numpy().astype(np.int64), 100).astype(np.int32)
    return [
        check_close("x¹⁰⁰ as a graph", as_graph, expected, by="NumPy's matrix_power",
                    note="x¹⁰⁰ overflows: int32 and NumPy's int64 both wrap, and agree mod 2³²"),
        check_close("x¹⁰⁰ eagerly", eagerly, expected, by="NumPy's matrix_power"),
    ]


def when_is_a_function_tracing() -> list[Check]:
    """Each new Python number retraces; tensors of one dtype and shape share one graph.

    A Python number is baked into the graph, so pass tensors for values that change between calls.
    """
    @tf.function
    def a_function_with_python_side_effect(x):
        print("Tracing!")  # Python: runs only while tracing
        return x * x + tf.constant(2)
    print(a_function_with_python_side_effect(tf.constant(2)))  # traces
    print(a_function_with_python_side_effect(tf.constant(3)))  # no trace
    print(a_function_with_python_side_effect(2))  # a new Python value: traces
    print(a_function_with_python_side_effect(3))  # traces again
    print(a_function_with_python_side_effect(2))  # 2 was seen: no trace
    # Verify
    f = a_function_with_python_side_effect
    return [
        check_close("x² + 2 for tensors 2, 3 and ints 2, 3", [f(tf.constant(2)), f(tf.constant(3)),
                                                              f(2), f(3)],
                    [np.int32(n**2 + 2) for n in (2, 3, 2, 3)], by="by hand"),
        check_close("traces in five calls", f.experimental_get_tracing_count(), 3,
                    by="the guide: one for the tensors, one per new Python int"),
    ]


def input_signature_stops_retracing() -> list[Check]:
    """An `input_signature` fixes the graph's inputs: with a `None` axis, any length fits.

    One trace serves every length, and an input that does not match, such as floats, is refused.
    """
    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        print("Tracing with", x)
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)  # n/2 if even, else 3n + 1
    short = next_collatz(tf.constant([1, 2]))
    long = next_collatz(tf.constant([1, 2, 3, 4, 5]))
    print(short)
    print(long)
    # Verify
    n = np.array([1, 2, 3, 4, 5], dtype=np.int32)
    return [
        check_close("one Collatz step on [1, 2, 3, 4, 5]", long,
                    np.where(n % 2 == 0, n // 2, 3 * n + 1), by="NumPy"),
        check_close("and on [1, 2]", short, np.int32([4, 1]), by="by hand 3·1 + 1, 2 / 2"),
        check_close("traces for two lengths", next_collatz.experimental_get_tracing_count(), 1,
                    by="the signature's None axis"),
        check_raises("calling it with a float vector",
                     lambda: next_collatz(tf.constant([1.0, 2.0])), TypeError),
    ]


def gradient_tape_inside_a_graph() -> list[Check]:
    """A `tf.GradientTape` works inside a `tf.function`: the backward pass joins the graph.

    w is a tensor, so the tape must `watch` it. `compiled_gradient(f)` does the same for any f,
    and makes Python numbers float32 tensors first, so 1.0, 2.0 and -0.5 share one trace.

    $$\\frac{dL}{dw} = 4 + 3w^2$$
    """
    @tf.function
    def dL_dw_of_cubic(w):
        with tf.GradientTape() as tape:
            tape.watch(w)
            L = 4 * w + w**3
        return tape.gradient(L, w)  # dL/dw = 4 + 3w²
    dL_dw = [dL_dw_of_cubic(tf.constant(w)) for w in [1.0, 2.0, -0.5]]
    print(tf.stack(dL_dw), dL_dw_of_cubic.experimental_get_tracing_count())
    compiled = compiled_gradient(lambda w: 4 * w + w**3)  # the same, for any f
    from_floats = [compiled(w) for w in [1.0, 2.0, -0.5]]  # 7, 16, 4.75
    from_tensor = compiled(tf.constant(3.0))  # 4 + 27 = 31
    print(from_tensor, compiled.tracing_count())
    # Verify
    return [
        check_close("dL/dw at w = 1, 2, -0.5", dL_dw,
                    list(4 + 3 * np.array([1.0, 2.0, -0.5]) ** 2), by="by hand 4 + 3w²"),
        check_close("traces for three float32 scalars", dL_dw_of_cubic
                    .experimental_get_tracing_count(), 1, by="one signature"),
        check_close("compiled dL/dw at w = 1, 2, -0.5", from_floats,
                    list(4 + 3 * np.array([1.0, 2.0, -0.5]) ** 2), by="by hand 4 + 3w²"),
        check_close("compiled dL/dw at w = tf.constant(3.0)", from_tensor, 4 + 3 * 3.0**2,
                    by="by hand 4 + 3·3²"),
        check_close("compiled's traces for four float32 scalars", compiled.tracing_count(), 1,
                    by="one signature"),
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
]
