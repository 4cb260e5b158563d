"""The graphs lesson: results against NumPy and trace counts derived from the guide."""

import numpy as np
import tensorflow as tf
from conftest import computed

from tfbasics.lessons import graphs


def test_eager_and_graph():
    eager, graph = computed(graphs.eager_and_graph_agree)
    np.testing.assert_allclose(eager, [[12.0]], rtol=1e-6)  # 1·2 + 2·3 + 4
    np.testing.assert_allclose(graph, [[12.0]], rtol=1e-6)


def test_inner_functions_and_autograph():
    result, ops = computed(graphs.inner_functions_are_traced_too)
    np.testing.assert_allclose(result, [[12.0]], rtol=1e-6)
    assert ops == ["AddV2", "MatMul"]
    relus, uses_if = computed(graphs.autograph_converts_control_flow)
    assert [int(r) for r in relus] == [1, 0] and uses_if is True


def test_trace_counts():
    first, later, tf_count = computed(graphs.polymorphism_and_retracing)
    assert (first, later, int(tf_count)) == (3, 3, 3)
    step, short, traces, error = computed(graphs.input_signature_stops_retracing)
    np.testing.assert_array_equal(step, [4, 1, 10, 2, 16])  # n/2 or 3n + 1
    assert traces == 1 and error is TypeError


def test_print_and_tf_print():
    errors, python_prints, tf_prints = computed(graphs.python_print_runs_once)
    np.testing.assert_allclose([float(e) for e in errors], [24.5] * 3)  # (9 + 49 + 36 + 4) / 4
    assert (python_prints, tf_prints) == (1, 3)


def test_graph_power_matches_numpy():
    [check, _] = graphs.graphs_are_faster()
    assert check.passed and "faster on this machine" in check.timing
    x = tf.random.stateless_uniform([10, 10], seed=[1, 2], minval=-1, maxval=2, dtype=tf.int32)
    expected = np.linalg.matrix_power(x.numpy().astype(np.int64), 100).astype(np.int32)
    np.testing.assert_array_equal(check.computed, expected)
