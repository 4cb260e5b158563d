"""The graphs lesson: results against the guide's numbers, hand derivations and NumPy.

`computed_by_name` runs an example twice (it must give the same checks, trace counts
included, as a student re-running a cell gets) and asserts each check passed; the values are
then compared here with numbers written out, never read back from the lesson.
"""

import inspect

import numpy as np
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.course.capture import capture_stdout
from tfbasics.course.lesson import outline
from tfbasics.lessons import graphs


def printed(example):
    """Return what an example prints, as the course shows it under Output."""
    with capture_stdout() as output:
        example()
    return output.text


def test_every_example_passes_twice_over():
    for example in graphs.EXAMPLES:
        checks_of(example)


def test_every_check_says_where_its_answer_comes_from():
    for example in graphs.EXAMPLES:
        for check in checks_of(example):
            assert check.by or isinstance(check.expected, type), (example.__name__, check.name)


def test_the_eager_switch_is_set_back():
    for example in (graphs.graph_execution_vs_eager_execution,
                    graphs.run_functions_eagerly_to_debug):
        example()
        assert tf.config.functions_run_eagerly() is False


def test_each_example_keeps_its_tf_function_decorators():
    # The shown code starts at the body's first statement; a decorator above it would be lost.
    for example in outline("graphs").examples:
        assert example.code.count("@tf.function") == inspect.getsource(
            getattr(graphs, example.name)).count("@tf.function"), example.name


def test_shown_code_has_no_scaffolding():
    for example in outline("graphs").examples:
        for word in ("check_close", "check_raises", "StringIO", "redirect_stdout", "np."):
            assert word not in example.code, (example.name, word)


def test_eager_and_graph():
    eager, graph = computed_by_name(graphs.eager_and_graph_agree).values()
    np.testing.assert_allclose(eager, [[12.0]], rtol=1e-6)  # 1·2 + 2·3 + 4
    np.testing.assert_allclose(graph, [[12.0]], rtol=1e-6)
    assert printed(graphs.eager_and_graph_agree).count(
        "tf.Tensor([[12.]], shape=(1, 1), dtype=float32)") == 2


def test_a_traced_graphs_input_is_a_placeholder():
    result, ops, inputs = computed_by_name(graphs.inner_functions_are_traced_too).values()
    np.testing.assert_allclose(result, [[12.0]], rtol=1e-6)
    # outer_function's code: the argument x, two tf.constants, a matmul, an add, the result
    assert ops == ["Placeholder", "Const", "Const", "MatMul", "AddV2", "Identity"]
    assert inputs == ["Placeholder"]
    assert "x Placeholder" in printed(graphs.inner_functions_are_traced_too).splitlines()


def test_autograph():
    relus, uses_if = computed_by_name(graphs.autograph_converts_control_flow).values()
    assert [int(r) for r in relus] == [1, 0] and uses_if is True  # the guide's two branches


def test_polymorphism():
    outputs, again, counts, list_key = computed_by_name(
        graphs.polymorphism_and_retracing).values()
    # The guide's printed tensors: 5.5, [1. 0.], [3. 0.]; then 0 and [0. 1.]
    np.testing.assert_allclose(outputs[0], 5.5, rtol=1e-6)
    np.testing.assert_allclose(outputs[1], [1.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(outputs[2], [3.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(again[0], 0.0, atol=0)
    np.testing.assert_allclose(again[1], [0.0, 1.0], atol=0)
    assert [int(c) for c in counts] == [3, 3] and list_key is True  # three signatures
    assert "List[Literal[1], Literal[-1]]" in printed(graphs.polymorphism_and_retracing)


def test_integer_mse_truncates():
    as_graph, eagerly, as_floats = computed_by_name(
        graphs.graph_execution_vs_eager_execution).values()
    # squares of [5, 1, 8, 2, 9] - [2, 8, 2, 0, 4]: 9 + 49 + 36 + 4 + 25 = 123; 123 / 5 = 24.6
    assert int(as_graph) == 24 and int(eagerly) == 24 and as_graph.dtype == tf.int32
    np.testing.assert_allclose(as_floats, 24.6, rtol=1e-6)


def test_python_print_shows_once_and_tf_print_every_call():
    error, traces, print_ops = computed_by_name(graphs.python_print_runs_once).values()
    np.testing.assert_allclose(error, 24.5)  # (9 + 49 + 36 + 4) / 4
    assert int(traces) == 1 and print_ops == ["PrintV2"]
    lines = printed(graphs.python_print_runs_once).splitlines()
    assert lines.count("Calculating MSE!") == 1  # the guide: printed once in three calls
    assert lines.count("tf.print: calculating MSE") == 3  # tf.print runs every call


def test_run_functions_eagerly_prints_every_call():
    eager, as_graph, errors = computed_by_name(graphs.run_functions_eagerly_to_debug).values()
    assert (int(eager), int(as_graph)) == (0, 1)
    np.testing.assert_allclose([float(e) for e in errors], [24.5] * 6)
    # the guide: three prints with the switch on, then one trace
    assert printed(graphs.run_functions_eagerly_to_debug).count("Calculating MSE!") == 4


def test_non_strict_execution_and_the_unused_assert():
    error, result, holds_gather, assert_error = computed_by_name(
        graphs.non_strict_execution).values()
    assert error is tf.errors.InvalidArgumentError  # the guide's eager error
    np.testing.assert_array_equal(result, [0.0])  # the guide's tf.Tensor([0.])
    assert holds_gather is True
    assert assert_error is tf.errors.InvalidArgumentError  # TF 2.21 keeps unused asserts
    assert "indices[0] = 1 is not in [0, 1)" in checks_of(graphs.non_strict_execution)[0].note


def test_graph_power_matches_numpy():
    [graph, eager] = checks_of(graphs.graphs_are_faster)
    x = tf.random.stateless_uniform([10, 10], seed=[1, 2], minval=-1, maxval=2, dtype=tf.int32)
    expected = np.linalg.matrix_power(x.numpy().astype(np.int64), 100).astype(np.int32)
    np.testing.assert_array_equal(graph.computed, expected)
    np.testing.assert_array_equal(eager.computed, expected)
    assert ", graph: " in printed(graphs.graphs_are_faster)


def test_retracing_for_python_values_and_signatures():
    values, traces = computed_by_name(graphs.when_is_a_function_tracing).values()
    assert [int(v) for v in values] == [6, 11, 6, 11]  # n² + 2 for 2, 3, 2, 3
    assert int(traces) == 3  # one for the tensors, one each for the Python 2 and 3
    assert printed(graphs.when_is_a_function_tracing).count("Tracing!") == 3
    step, short, traces, error = computed_by_name(graphs.input_signature_stops_retracing).values()
    np.testing.assert_array_equal(step, [4, 1, 10, 2, 16])  # n/2 or 3n + 1
    np.testing.assert_array_equal(short, [4, 1])
    assert int(traces) == 1 and error is TypeError
    assert "shape=(None,)" in printed(graphs.input_signature_stops_retracing)


def test_gradients_in_a_graph():
    dL_dw, traces, floats, tensor, count = computed_by_name(
        graphs.gradient_tape_inside_a_graph).values()
    np.testing.assert_allclose([float(g) for g in dL_dw], [7.0, 16.0, 4.75], rtol=1e-6)  # 4 + 3w²
    assert int(traces) == 1
    np.testing.assert_allclose([float(g) for g in floats], [7.0, 16.0, 4.75], rtol=1e-6)
    np.testing.assert_allclose(tensor, 31.0, rtol=1e-6)  # 4 + 3·3²
    assert int(count) == 1
