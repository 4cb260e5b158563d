"""The graphs lesson: results against the guide's numbers, hand derivations and NumPy.

`computed_by_name` runs an example twice (it must give the same checks, trace counts
included, as a student re-running a cell gets) and asserts each check passed; the values are
then compared here with numbers written out, never read back from the lesson.
"""

import inspect

import numpy as np
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics import lessons
from tfbasics.lessons import graphs


def test_every_example_passes_twice_over():
    for example in graphs.EXAMPLES:
        checks_of(example)


def test_the_eager_switch_is_set_back():
    for example in (graphs.graph_execution_vs_eager_execution,
                    graphs.run_functions_eagerly_to_debug):
        example()
        assert tf.config.functions_run_eagerly() is False


def test_each_cell_keeps_its_tf_function_decorators():
    # The cell code starts at the body's first statement; a decorator above it would be lost.
    for example in lessons.outline("graphs").examples:
        assert example.code.count("@tf.function") == inspect.getsource(
            getattr(graphs, example.name)).count("@tf.function"), example.name


def test_eager_and_graph():
    eager, graph = computed_by_name(graphs.eager_and_graph_agree).values()
    np.testing.assert_allclose(eager, [[12.0]], rtol=1e-6)  # 1·2 + 2·3 + 4
    np.testing.assert_allclose(graph, [[12.0]], rtol=1e-6)


def test_inner_functions_and_autograph():
    result, ops = computed_by_name(graphs.inner_functions_are_traced_too).values()
    np.testing.assert_allclose(result, [[12.0]], rtol=1e-6)
    assert ops == ["AddV2", "MatMul"]
    relus, uses_if = computed_by_name(graphs.autograph_converts_control_flow).values()
    assert [int(r) for r in relus] == [1, 0] and uses_if is True  # the guide's two branches


def test_polymorphism():
    outputs, first, again, later, tf_count = computed_by_name(
        graphs.polymorphism_and_retracing).values()
    # The guide's printed tensors: 5.5, [1. 0.], [3. 0.]; then 0 and [0. 1.]
    np.testing.assert_allclose(outputs[0], 5.5, rtol=1e-6)
    np.testing.assert_allclose(outputs[1], [1.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(outputs[2], [3.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(again[0], 0.0, atol=0)
    np.testing.assert_allclose(again[1], [0.0, 1.0], atol=0)
    assert (first, later, int(tf_count)) == (3, 3, 3)  # three signatures in the guide
    [_, traced, *_] = checks_of(graphs.polymorphism_and_retracing)
    assert "List[Literal[1], Literal[-1]]" in traced.note  # a Python list's values are its key


def test_integer_mse_truncates():
    as_graph, dtype, eagerly, as_floats = computed_by_name(
        graphs.graph_execution_vs_eager_execution).values()
    # squares of [5, 1, 8, 2, 9] - [2, 8, 2, 0, 4]: 9 + 49 + 36 + 4 + 25 = 123; 123 / 5 = 24.6
    assert int(as_graph) == 24 and int(eagerly) == 24 and dtype == "int32"
    np.testing.assert_allclose(as_floats, 24.6, rtol=1e-6)


def test_print_tf_print_and_the_eager_switch():
    errors, python_prints, tf_prints = computed_by_name(graphs.python_print_runs_once).values()
    np.testing.assert_allclose([float(e) for e in errors], [24.5] * 3)  # (9 + 49 + 36 + 4) / 4
    assert (python_prints, tf_prints) == (1, 3)  # the guide: printed once in three calls
    eagerly, as_graph, errors = computed_by_name(graphs.run_functions_eagerly_to_debug).values()
    assert (eagerly, as_graph) == (3, 1)  # the guide: three prints with the switch on
    np.testing.assert_allclose([float(e) for e in errors], [24.5] * 6)


def test_non_strict_execution():
    error, result, holds_gather = computed_by_name(graphs.non_strict_execution).values()
    assert error is tf.errors.InvalidArgumentError  # the guide's eager error
    np.testing.assert_array_equal(result, [0.0])  # the guide's tf.Tensor([0.])
    assert holds_gather is True
    assert "indices[0] = 1 is not in [0, 1)" in checks_of(graphs.non_strict_execution)[0].note


def test_graph_power_matches_numpy():
    [graph, eager] = checks_of(graphs.graphs_are_faster)
    assert "as fast on this machine" in graph.timing and "ms" not in graph.name + graph.note
    x = tf.random.stateless_uniform([10, 10], seed=[1, 2], minval=-1, maxval=2, dtype=tf.int32)
    expected = np.linalg.matrix_power(x.numpy().astype(np.int64), 100).astype(np.int32)
    np.testing.assert_array_equal(graph.computed, expected)
    np.testing.assert_array_equal(eager.computed, expected)


def test_retracing_for_python_values_and_signatures():
    tensors, one, python, three, total = computed_by_name(
        graphs.when_is_a_function_tracing).values()
    assert [int(t) for t in tensors] == [3, 6, 11] == [int(p) for p in python]  # n² + 2
    assert (one, three, int(total)) == (1, 3, 4)
    step, short, traces, error = computed_by_name(graphs.input_signature_stops_retracing).values()
    np.testing.assert_array_equal(step, [4, 1, 10, 2, 16])  # n/2 or 3n + 1
    np.testing.assert_array_equal(short, [4, 1])
    assert traces == 1 and error is TypeError


def test_gradients_in_a_graph():
    dL_dw, traces, tf_count = computed_by_name(graphs.gradient_tape_inside_a_graph).values()
    np.testing.assert_allclose([float(g) for g in dL_dw], [7.0, 16.0, 4.75], rtol=1e-6)  # 4 + 3w²
    assert (traces, int(tf_count)) == (1, 1)
    floats, tensor, count = computed_by_name(graphs.compiled_gradient_traces_once).values()
    np.testing.assert_allclose([float(g) for g in floats], [7.0, 16.0, 4.75], rtol=1e-6)
    np.testing.assert_allclose(tensor, 31.0, rtol=1e-6)  # 4 + 3·3²
    assert int(count) == 1
