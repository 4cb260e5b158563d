"""The variables lesson: its computed values against numbers from the guide or by hand.

`computed_by_name` runs an example twice (it must give the same checks) and asserts each check
passed; the values are then compared here with numbers written out, never read back from the
lesson. Guide: https://www.tensorflow.org/guide/variable
"""

import contextlib
import io

import numpy as np
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.checks import check_close
from tfbasics.lessons import variables


def printed(example):
    """Return what an example prints: the output the course shows beside its code."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        example()
    return out.getvalue()


def test_every_example_passes_twice_over_with_unique_names():
    names = [check.name for example in variables.EXAMPLES for check in checks_of(example)]
    assert len(names) >= 20
    assert len(names) == len(set(names)), "check names must be unique within the lesson"
    assert all(check.by for example in variables.EXAMPLES for check in checks_of(example)
               if not isinstance(check.expected, type)), "every check_close says where from"


def test_create():
    got = computed_by_name(variables.create_a_variable)
    assert got["my_variable's shape and dtype"] == [[2, 2], "float32"]
    np.testing.assert_array_equal(got["my_variable.numpy()"], [[1.0, 2.0], [3.0, 4.0]])
    bools = got["bool_variable"]
    np.testing.assert_array_equal(bools, [False, False, False, True])
    assert bools.dtype == tf.bool
    dtype, value = got["complex_variable's dtype and value"]
    assert dtype == "complex128"
    np.testing.assert_array_equal(value, [5 + 4j, 6 + 1j])


def test_a_bool_or_int_check_rejects_another_dtype():
    # The same values in another dtype must fail each check: a 0/1 float is not a bool, and an
    # int64 counter is not the int32 a Python int gives.
    checks = {check.name: check for check in checks_of(variables.create_a_variable)}
    bool_check = checks["bool_variable"]
    assert not check_close("", tf.constant([0.0, 0.0, 0.0, 1.0]), bool_check.expected).passed
    checks = {check.name: check for check in checks_of(variables.names_and_trainable)}
    assert not check_close("", tf.constant(1, tf.int64), checks["step_counter"].expected).passed
    assert not check_close("", tf.zeros((2, 2)), checks["a == b"].expected).passed
    checks = {c.name: c for c in checks_of(variables.ops_on_variables_return_tensors)}
    argmax = checks["tf.math.argmax(my_variable)"].expected
    assert not check_close("", tf.constant([1, 1], tf.int32), argmax).passed


def test_ops_return_tensors():
    got = computed_by_name(variables.ops_on_variables_return_tensors)
    assert got["isinstance(r, tf.Variable) for the three"] == [False, False, False]
    np.testing.assert_array_equal(got["tf.convert_to_tensor(my_variable)"],
                                  [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(got["tf.math.argmax(my_variable)"], [1, 1])  # the guide
    reshaped, shape = got["the reshaped copy and my_variable's shape"]
    np.testing.assert_array_equal(reshaped, [[1.0, 2.0, 3.0, 4.0]])
    assert shape == [2, 2]
    np.testing.assert_array_equal(got["my_variable + 1.0"], [[2.0, 3.0], [4.0, 5.0]])
    assert "tf.Tensor([1 1], shape=(2,), dtype=int64)" in printed(
        variables.ops_on_variables_return_tensors)  # the guide's printout


def test_assign_and_copies():
    got = computed_by_name(variables.assign_in_place)
    dtype, value = got["a's dtype and value"]
    assert dtype == "float32"
    np.testing.assert_array_equal(value, [1.0, 2.0])
    assert got["a.assign([1.0, 2.0, 3.0])"] is ValueError
    got = computed_by_name(variables.copies_and_updates)
    np.testing.assert_array_equal(got["the copy b"], [2.0, 3.0])
    np.testing.assert_array_equal(got["a after assign_add([2, 3])"], [7.0, 9.0])  # the guide
    np.testing.assert_array_equal(got["a after assign_sub([7, 9])"], [0.0, 0.0])  # the guide
    assert printed(variables.copies_and_updates).split() == ["[5.", "6.]", "[2.", "3.]",
                                                             "[7.", "9.]", "[0.", "0.]"]


def test_names_and_trainable():
    got = computed_by_name(variables.names_and_trainable)
    assert got["the name of a and of b"] == ["Mark:0", "Mark:0"]
    np.testing.assert_array_equal(got["a == b"], [[False, False], [False, False]])  # the guide
    assert got["a.trainable and step_counter.trainable"] == [True, False]
    assert got["step_counter"].dtype == tf.int32 and int(got["step_counter"]) == 1
    out = printed(variables.names_and_trainable)
    assert "<tf.Variable 'Variable:0' shape=() dtype=int32, numpy=1>" in out


def test_placement():
    got = computed_by_name(variables.placement_on_a_device)
    assert got["the device of a and of c"] == ["CPU:0", "CPU:0"]
    np.testing.assert_array_equal(got["c"], [[22.0, 28.0], [49.0, 64.0]])  # the guide
    assert got["soft placement"] is True
    gpu = bool(tf.config.list_logical_devices("GPU"))
    assert got["k's device"] == ("GPU:0" if gpu else "CPU:0")
    np.testing.assert_array_equal(got["k"], [[1.0, 4.0, 9.0], [4.0, 10.0, 18.0]])
    out = printed(variables.placement_on_a_device)
    assert "device:CPU:0" in out.splitlines()[2]  # c.device: TF's full name
