"""The variables lesson: its computed values against literals from the guide."""

import numpy as np
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.lessons import variables


def test_at_least_15_checks_all_passing():
    checks = [check for example in variables.EXAMPLES for check in checks_of(example)]
    assert len(checks) >= 15
    assert [str(c) for c in checks if not c.passed] == []


def test_create():
    got = computed_by_name(variables.create_a_variable)
    assert got["a variable from a tensor: shape (2, 2), dtype float32"] == [[2, 2], "float32"]
    assert got["a complex variable is complex128"] == "complex128"


def test_ops_return_tensors():
    got = computed_by_name(variables.ops_on_variables_return_tensors)
    assert got["... but it is a Tensor, not a Variable"] == [False, True]
    assert got["variable + 1.0 is a Tensor too"] == [False, True]


def test_assign_and_copies():
    got = computed_by_name(variables.assign_in_place)
    assert got["assigning three values to a shape (2,) variable raises"] is ValueError
    got = computed_by_name(variables.copies_and_updates)
    np.testing.assert_allclose(got["b, the copy, keeps [2, 3]"], [2.0, 3.0])
    np.testing.assert_allclose(got["a.assign_add([2, 3])"], [7.0, 9.0])
    np.testing.assert_allclose(got["a.assign_sub([7, 9])"], [0.0, 0.0])


def test_names_and_trainable():
    got = computed_by_name(variables.names_and_trainable)
    assert got["both variables are named Mark"] == ["Mark:0", "Mark:0"]
    assert got["step_counter = tf.Variable(1, trainable=False)"] == [False, "int32"]


def test_placement():
    got = computed_by_name(variables.placement_on_a_device)
    assert got["the variable lives on the CPU"] == "CPU:0"
    np.testing.assert_allclose(got["the matmul ran on the CPU and gives a @ b"],
                               [[22.0, 28.0], [49.0, 64.0]])
    gpu = bool(tf.config.list_logical_devices("GPU"))
    assert got["an op asked for GPU:0 runs there, or on the CPU without a GPU"] == (
        "GPU:0" if gpu else "CPU:0")
