"""The variables lesson: its computed values against numbers from the guide or by hand.

`computed_by_name` runs an example twice (it must give the same checks) and asserts each check
passed; the values are then compared here with numbers written out, never read back from the
lesson. Guide: https://www.tensorflow.org/guide/variable
"""

import numpy as np
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.lessons import variables


def test_every_example_passes_twice_over_with_unique_names():
    names = [check.name for example in variables.EXAMPLES for check in checks_of(example)]
    assert len(names) >= 25
    assert len(names) == len(set(names)), "check names must be unique within the lesson"


def test_create():
    got = computed_by_name(variables.create_a_variable)
    assert got["a variable from a tensor: shape (2, 2), dtype float32"] == [[2, 2], "float32"]
    np.testing.assert_array_equal(got["its value as NumPy"], [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(got["a bool variable"], [False, False, False, True])
    assert got["a complex variable is complex128"] == "complex128"
    np.testing.assert_array_equal(got["and holds 5+4j, 6+1j"], [5 + 4j, 6 + 1j])


def test_ops_return_tensors():
    got = computed_by_name(variables.ops_on_variables_return_tensors)
    assert got["tf.convert_to_tensor(my_variable) is a Tensor, not a Variable"] == [False, True]
    np.testing.assert_array_equal(got["... with the same values"], [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(got["tf.math.argmax on a variable"], [1, 1])  # the guide
    np.testing.assert_array_equal(got["tf.reshape(variable, [1, 4]) holds the same values"],
                                  [[1.0, 2.0, 3.0, 4.0]])
    assert got["... but it is a Tensor, and the variable keeps shape (2, 2)"] == [False, [2, 2]]
    assert got["variable + 1.0 is a Tensor too"] == [False, True]
    np.testing.assert_array_equal(got["holding [[2, 3], [4, 5]]"], [[2.0, 3.0], [4.0, 5.0]])


def test_assign_and_copies():
    got = computed_by_name(variables.assign_in_place)
    dtype, value = got["a.assign([1, 2]) keeps float32"]
    assert dtype == "float32"
    np.testing.assert_array_equal(value, [1.0, 2.0])
    assert got["assigning three values to a shape (2,) variable raises"] is ValueError
    got = computed_by_name(variables.copies_and_updates)
    np.testing.assert_array_equal(got["a after a.assign([5, 6])"], [5.0, 6.0])
    np.testing.assert_array_equal(got["b, the copy, keeps [2, 3]"], [2.0, 3.0])
    np.testing.assert_array_equal(got["a.assign_add([2, 3])"], [7.0, 9.0])  # the guide
    np.testing.assert_array_equal(got["a.assign_sub([7, 9])"], [0.0, 0.0])  # the guide


def test_names_and_trainable():
    got = computed_by_name(variables.names_and_trainable)
    assert got["both variables are named Mark"] == ["Mark:0", "Mark:0"]
    np.testing.assert_array_equal(got["but their values differ everywhere (a == b)"],
                                  [[False, False], [False, False]])  # the guide's a == b
    assert got["a variable is trainable by default"] is True
    assert got["step_counter = tf.Variable(1, trainable=False)"] == [False, "int32"]


def test_placement():
    got = computed_by_name(variables.placement_on_a_device)
    assert got["the variable lives on CPU:0"] == "CPU:0"
    assert got["the matmul ran on CPU:0"] == "CPU:0"
    np.testing.assert_array_equal(got["and gives a @ b"], [[22.0, 28.0], [49.0, 64.0]])  # guide
    assert got["soft placement is on (the default)"] is True
    gpu = bool(tf.config.list_logical_devices("GPU"))
    assert got["a * row asked for GPU:0 ran there, or on CPU:0 without a GPU"] == (
        "GPU:0" if gpu else "CPU:0")
    np.testing.assert_array_equal(got["and gives a * row"], [[1.0, 4.0, 9.0], [4.0, 10.0, 18.0]])
    notes = {check.name: check.note for check in checks_of(variables.placement_on_a_device)}
    assert notes["the variable lives on CPU:0"].endswith("device:CPU:0")  # the full name
