"""Introduction to variables

A `tf.Variable` holds state that your program changes, such as a model's weights. It looks
like a tensor and most ops accept it, but unlike a tensor you can assign to it in place. Each
example is checked against NumPy or the value the guide page shows.

Guide: https://www.tensorflow.org/guide/variable
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises
from tfbasics.devices import short_name


def create_a_variable() -> list[Check]:
    """Create a variable from a tensor or a list; bool and complex work too."""
    my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    my_variable = tf.Variable(my_tensor)
    bool_variable = tf.Variable([False, False, False, True])
    complex_variable = tf.Variable([5 + 4j, 6 + 1j])
    return [
        check_close("a variable from a tensor: shape (2, 2), dtype float32",
                    [my_variable.shape.as_list(), my_variable.dtype.name], [[2, 2], "float32"]),
        check_close("its value as NumPy", my_variable.numpy(), np.array([[1, 2], [3, 4.0]])),
        check_close("a bool variable", bool_variable, np.array([False, False, False, True])),
        check_close("a complex variable is complex128", complex_variable.dtype.name,
                    "complex128"),
        check_close("and holds 5+4j, 6+1j", complex_variable, np.array([5 + 4j, 6 + 1j])),
    ]


def ops_on_variables_return_tensors() -> list[Check]:
    """Most tensor ops accept a variable but return a plain `tf.Tensor`, not a variable."""
    my_variable = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    reshaped = tf.reshape(my_variable, [1, 4])
    plus_one = my_variable + 1.0  # why `c3` in the autodiff lesson has no gradient
    matrix = np.array([[1.0, 2.0], [3.0, 4.0]])
    return [
        check_close("tf.math.argmax on a variable", tf.math.argmax(my_variable),
                    np.argmax(matrix, axis=0)),
        check_close("tf.reshape(variable, [1, 4]) holds the same values", reshaped,
                    matrix.reshape(1, 4)),
        check_close("... but it is a Tensor, not a Variable",
                    [isinstance(reshaped, tf.Variable), tf.is_tensor(reshaped)], [False, True]),
        check_close("variable + 1.0 is a Tensor too",
                    [isinstance(plus_one, tf.Variable), tf.is_tensor(plus_one)], [False, True]),
    ]


def assign_in_place() -> list[Check]:
    """`assign` writes new values into the same variable; dtype and shape stay fixed."""
    a = tf.Variable([2.0, 3.0])
    a.assign([1, 2])  # ints are converted to the variable's float32
    return [
        check_close("a.assign([1, 2]) keeps float32", [a.dtype.name, a.numpy()],
                    ["float32", np.array([1.0, 2.0])]),
        check_raises("assigning three values to a shape (2,) variable raises",
                     lambda: a.assign([1.0, 2.0, 3.0]), ValueError),
    ]


def copies_and_updates() -> list[Check]:
    """A variable made from another has its own storage; `assign_add`/`assign_sub` update it."""
    a = tf.Variable([2.0, 3.0])
    b = tf.Variable(a)  # a copy: changing a leaves b alone
    a.assign([5, 6])
    after_assign = a.numpy()
    a.assign_add([2, 3])  # [5, 6] + [2, 3]
    after_add = a.numpy()
    a.assign_sub([7, 9])  # [7, 9] - [7, 9]
    return [
        check_close("a after a.assign([5, 6])", after_assign, np.array([5.0, 6.0])),
        check_close("b, the copy, keeps [2, 3]", b, np.array([2.0, 3.0])),
        check_close("a.assign_add([2, 3])", after_add, np.array([5.0, 6.0]) + [2, 3]),
        check_close("a.assign_sub([7, 9])", a, np.array([7.0, 9.0]) - [7, 9]),
    ]


def names_and_trainable() -> list[Check]:
    """Two variables may share a name; `trainable=False` keeps one out of gradients."""
    my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    a = tf.Variable(my_tensor, name="Mark")
    b = tf.Variable(my_tensor + 1, name="Mark")  # same name, different values
    step_counter = tf.Variable(1, trainable=False)
    return [
        check_close("both variables are named Mark", [a.name, b.name], ["Mark:0", "Mark:0"]),
        check_close("but their values differ everywhere (a == b)", a == b,
                    np.zeros((2, 2), dtype=bool)),
        check_close("a variable is trainable by default", a.trainable, True),
        check_close("step_counter = tf.Variable(1, trainable=False)",
                    [step_counter.trainable, step_counter.dtype.name], [False, "int32"]),
    ]


def placement_on_a_device() -> list[Check]:
    """`tf.device` pins variables and ops; every result tells you where it lives."""
    with tf.device("CPU:0"):
        a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        c = tf.matmul(a, b)
    with tf.device("GPU:0"):  # with no GPU, TF quietly runs it on the CPU (soft placement)
        k = a * 2.0  # a is copied to the GPU when there is one
    where_k = "GPU:0" if tf.config.list_logical_devices("GPU") else "CPU:0"
    a_np = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        check_close("the variable lives on the CPU", short_name(a.device), "CPU:0",
                    note=f"a.device = {a.device}"),
        check_close("the matmul ran on the CPU and gives a @ b", c,
                    a_np @ np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                    note=f"c.device = {c.device}"),
        check_close("an op asked for GPU:0 runs there, or on the CPU without a GPU",
                    short_name(k.device), where_k, note=f"k.device = {k.device}"),
        check_close("and gives a * 2", k, a_np * 2),
    ]


EXAMPLES = [
    create_a_variable,
    ops_on_variables_return_tensors,
    assign_in_place,
    copies_and_updates,
    names_and_trainable,
    placement_on_a_device,
]
