"""Introduction to graphs and tf.function

`tf.function` traces your Python function once into a TensorFlow graph and then runs the
graph: the same results as eager code, often faster, and exportable. Tracing is also where
the surprises are, so each example counts traces and checks results against eager TF or NumPy.

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

from tfbasics.checks import Check, check_close, check_raises


def a_regular_function(x, y, b):
    """Multiply, then add: plain TF ops in a plain Python function."""
    x = tf.matmul(x, y)
    x = x + b
    return x


def eager_and_graph_agree() -> list[Check]:
    """`tf.function` wraps a Python function into a callable that runs a graph."""
    a_function_that_uses_a_graph = tf.function(a_regular_function)
    x1 = tf.constant([[1.0, 2.0]])
    y1 = tf.constant([[2.0], [3.0]])
    b1 = tf.constant(4.0)
    eager = a_regular_function(x1, y1, b1)
    graph = a_function_that_uses_a_graph(x1, y1, b1)  # [[1·2 + 2·3 + 4]] = [[12]]
    return [
        check_close("eager result of x @ y + b", eager, np.array([[1.0, 2.0]]) @ [[2.0], [3.0]]
                    + 4.0),
        check_close("the graph gives the same", graph, eager),
    ]


@tf.function
def outer_function(x):
    """Call a plain function inside a tf.function: it is traced into the same graph."""
    y = tf.constant([[2.0], [3.0]])
    b = tf.constant(4.0)
    return a_regular_function(x, y, b)


def inner_functions_are_traced_too() -> list[Check]:
    """Everything a `tf.function` calls becomes part of its graph."""
    graph = outer_function.get_concrete_function(tf.TensorSpec([1, 2], tf.float32)).graph
    op_types = {op.type for op in graph.get_operations()}
    return [
        check_close("outer_function([[1, 2]])", outer_function(tf.constant([[1.0, 2.0]])),
                    [[12.0]]),
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
    """AutoGraph rewrites Python `if`/`for` on tensors into graph control flow."""
    tf_simple_relu = tf.function(simple_relu)
    code = tf.autograph.to_code(simple_relu)
    return [
        check_close("relu(1) and relu(-1) through the graph",
                    [tf_simple_relu(tf.constant(1)), tf_simple_relu(tf.constant(-1))], [1, 0]),
        check_close("the converted code uses ag__.if_stmt", "ag__.if_stmt" in code, True),
    ]


TRACES: list[str] = []


@tf.function
def my_relu(x):
    """Record each trace with a Python side effect, which runs only while tracing."""
    TRACES.append(f"traced for {x}")
    return tf.maximum(0.0, x)


def polymorphism_and_retracing() -> list[Check]:
    """A new input signature (dtype, shape, Python value) makes a new trace; a known one doesn't."""
    TRACES.clear()
    my_relu(tf.constant(5.5))  # a float32 scalar: trace 1
    my_relu([1.0, -1.0])  # a Python list: trace 2
    my_relu(tf.constant([3.0, -3.0]))  # a float32 vector: trace 3
    first = len(TRACES)
    my_relu(tf.constant(-2.5))  # the float32 scalar signature again: no trace
    my_relu(tf.constant([-1.0, 1.0]))  # the vector signature again: no trace
    return [
        check_close("three signatures, three traces", first, 3, note="; ".join(TRACES)),
        check_close("known signatures are not traced again", len(TRACES), 3),
        check_close("TF's own trace count agrees", my_relu.experimental_get_tracing_count(), 3),
    ]


NEXT_TRACES: list[int] = []


@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
def next_collatz(x):
    """One Collatz step on a vector of any length: the signature fixes dtype, not length."""
    NEXT_TRACES.append(1)
    return tf.where(x % 2 == 0, x // 2, 3 * x + 1)


def input_signature_stops_retracing() -> list[Check]:
    """An `input_signature` with a `None` axis accepts every length with one trace."""
    NEXT_TRACES.clear()
    short = next_collatz(tf.constant([1, 2]))
    long = next_collatz(tf.constant([1, 2, 3, 4, 5]))
    x = np.array([1, 2, 3, 4, 5])
    return [
        check_close("one Collatz step on [1, 2, 3, 4, 5]", long,
                    np.where(x % 2 == 0, x // 2, 3 * x + 1)),
        check_close("and on [1, 2]", short, [4, 1]),
        check_close("two lengths, one trace", len(NEXT_TRACES), 1),
        check_raises("a float input does not match the signature",
                     lambda: next_collatz(tf.constant([1.0, 2.0])), TypeError),
    ]


def print_and_tf_print(log_path: str) -> tf.types.experimental.PolymorphicFunction:
    """Return a tf.function that prints with Python and with tf.print (into `log_path`)."""
    @tf.function
    def get_mse(y_true, y_pred):
        print("Calculating MSE!")  # Python: runs while tracing only
        tf.print("Calculating MSE!", output_stream=f"file://{log_path}")  # a graph op
        return tf.reduce_mean(tf.pow(y_true - y_pred, 2))

    return get_mse


def python_print_runs_once() -> list[Check]:
    """Python `print` runs once, while tracing; `tf.print` is in the graph and runs every call."""
    y_true = tf.constant([5, 1, 8, 2], dtype=tf.float32)
    y_pred = tf.constant([2, 8, 2, 0], dtype=tf.float32)
    with tempfile.TemporaryDirectory() as folder:
        log = os.path.join(folder, "tf_print.txt")
        get_mse = print_and_tf_print(log)
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            errors = [get_mse(y_true, y_pred) for _ in range(3)]
        with open(log, encoding="utf-8") as lines:
            tf_prints = lines.read().count("Calculating MSE!")
    return [
        check_close("the MSE is the same each call",
                    errors, [np.mean((np.array([5, 1, 8, 2]) - [2, 8, 2, 0]) ** 2)] * 3),
        check_close("Python print ran once in three calls",
                    captured.getvalue().count("Calculating MSE!"), 1),
        check_close("tf.print ran three times", tf_prints, 3),
    ]


def power(x, y):
    """Multiply x by itself y times: many small ops, where graphs shine."""
    result = tf.eye(10, dtype=tf.dtypes.int32)
    for _ in range(y):
        result = tf.matmul(x, result)
    return result


def graphs_are_faster() -> list[Check]:
    """A graph of many small ops skips Python between them: measure it (the number varies)."""
    x = tf.random.stateless_uniform([10, 10], seed=[1, 2], minval=-1, maxval=2,
                                    dtype=tf.dtypes.int32)
    power_as_graph = tf.function(power)
    power_as_graph(x, 100)  # trace once, outside the timing
    eager = min(timeit.repeat(lambda: power(x, 100), number=5, repeat=3))
    graph = min(timeit.repeat(lambda: power_as_graph(x, 100), number=5, repeat=3))
    expected = np.linalg.matrix_power(x.numpy().astype(np.int64), 100)
    return [
        check_close("x¹⁰⁰ in the graph equals eager x¹⁰⁰", power_as_graph(x, 100), power(x, 100),
                    timing=f"eager {eager / 5 * 1e3:.1f} ms, graph {graph / 5 * 1e3:.1f} ms "
                           f"per call: {eager / graph:.1f}× faster on this machine"),
        check_close("and NumPy's matrix power (int32 wraps around the same way)",
                    power(x, 100), expected.astype(np.int32)),
    ]


EXAMPLES = [
    eager_and_graph_agree,
    inner_functions_are_traced_too,
    autograph_converts_control_flow,
    polymorphism_and_retracing,
    input_signature_stops_retracing,
    python_print_runs_once,
    graphs_are_faster,
]
