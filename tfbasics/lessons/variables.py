"""Introduction to variables

A `tf.Variable` holds state that your program changes, such as a model's weights. It looks
like a tensor and most ops accept it, but you can change its value in place with `assign`.

Guide: https://www.tensorflow.org/guide/variable
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises
from tfbasics.devices import short_name


def create_a_variable() -> list[Check]:
    """Create a variable from an initial value: a tensor, a list, bools or complex numbers.

    Printed, a variable shows its name, shape, dtype and value; the dtype and shape never change.
    """
    my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    my_variable = tf.Variable(my_tensor)
    bool_variable = tf.Variable([False, False, False, True])
    complex_variable = tf.Variable([5 + 4j, 6 + 1j])
    print(my_variable)
    print(bool_variable)
    print(complex_variable)
    # Verify
    return [
        check_close("my_variable's shape and dtype",
                    [my_variable.shape.as_list(), my_variable.dtype.name], [[2, 2], "float32"],
                    by="my_tensor's 2×2 floats"),
        check_close("my_variable.numpy()", my_variable.numpy(),
                    np.array([[1, 2], [3, 4]], dtype=np.float32), by="my_tensor's values"),
        check_close("bool_variable", bool_variable, np.array([False, False, False, True]),
                    by="NumPy bools"),
        check_close("complex_variable's dtype and value",
                    [complex_variable.dtype.name, complex_variable],
                    ["complex128", np.array([5 + 4j, 6 + 1j])], by="Python's complex"),
    ]


def ops_on_variables_return_tensors() -> list[Check]:
    """Most tensor ops accept a variable, but what they return is a plain `tf.Tensor`.

    An op reads the variable's value and makes a new tensor; only `assign` writes into a variable.
    """
    my_variable = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    print(tf.convert_to_tensor(my_variable))  # its value, as a tensor
    print(tf.math.argmax(my_variable))  # the index of each column's largest
    print(tf.reshape(my_variable, [1, 4]))  # a copy; my_variable stays (2, 2)
    plus_one = my_variable + 1.0  # a tf.Tensor, with no state
    print(plus_one)
    # Verify
    results = [tf.convert_to_tensor(my_variable), tf.reshape(my_variable, [1, 4]), plus_one]
    matrix = np.array([[1.0, 2.0], [3.0, 4.0]])
    return [
        check_close("isinstance(r, tf.Variable) for the three",
                    [isinstance(r, tf.Variable) for r in results], [False, False, False],
                    by="the guide: ops give tensors"),
        check_close("tf.convert_to_tensor(my_variable)", results[0], matrix, by="NumPy"),
        check_close("tf.math.argmax(my_variable)", tf.math.argmax(my_variable),
                    np.argmax(matrix, axis=0).astype(np.int64), by="NumPy, as int64"),
        check_close("the reshaped copy and my_variable's shape",
                    [results[1], my_variable.shape.as_list()], [matrix.reshape(1, 4), [2, 2]],
                    by="NumPy"),
        check_close("my_variable + 1.0", plus_one, matrix + 1.0, by="NumPy"),
    ]


def assign_in_place() -> list[Check]:
    """`assign` writes new values into the same variable; its dtype and shape stay fixed.

    The new value is converted to the variable's dtype; a value of another shape is refused.
    """
    a = tf.Variable([2.0, 3.0])
    a.assign([1, 2])  # ints are converted to the variable's float32
    print(a)
    # Verify
    return [
        check_close("a's dtype and value", [a.dtype.name, a],
                    ["float32", np.array([1.0, 2.0])], by="[1, 2] as float32"),
        check_raises("a.assign([1.0, 2.0, 3.0])", lambda: a.assign([1.0, 2.0, 3.0]),
                     ValueError),
    ]


def copies_and_updates() -> list[Check]:
    """A variable made from another copies its value; `assign_add` and `assign_sub` update it.

    `tf.Variable(a)` never shares a's memory, and `a.assign_add(x)` is `a += x` done in place.
    """
    a = tf.Variable([2.0, 3.0])
    b = tf.Variable(a)  # a copy: changing a leaves b alone
    a.assign([5, 6])
    print(a.numpy(), b.numpy())
    after_add = a.assign_add([2, 3]).numpy()  # [5, 6] + [2, 3]
    after_sub = a.assign_sub([7, 9]).numpy()  # [7, 9] - [7, 9]
    print(after_add, after_sub)
    # Verify
    return [
        check_close("the copy b", b, np.array([2.0, 3.0]), by="a's value before the assign"),
        check_close("a after assign_add([2, 3])", after_add, np.array([5.0, 6.0]) + [2, 3],
                    by="by hand [5, 6] + [2, 3]"),
        check_close("a after assign_sub([7, 9])", a, np.array([7.0, 9.0]) - [7, 9],
                    by="by hand [7, 9] - [7, 9]"),
    ]


def names_and_trainable() -> list[Check]:
    """Two variables may share a name; `trainable=False` keeps one out of gradients.

    A name is a label for saving a model, not an identity; a tape does not watch `step_counter`.
    """
    my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    a = tf.Variable(my_tensor, name="Mark")
    b = tf.Variable(my_tensor + 1, name="Mark")  # same name, different values
    print(a.name, b.name)
    print((a == b).numpy())  # element by element
    step_counter = tf.Variable(1, trainable=False)
    print(step_counter)
    # Verify
    matrix = np.array([[1.0, 2.0], [3.0, 4.0]])
    return [
        check_close("the name of a and of b", [a.name, b.name], ["Mark:0", "Mark:0"],
                    by="the guide"),
        check_close("a == b", a == b, matrix == matrix + 1, by="NumPy, a bool array"),
        check_close("a.trainable and step_counter.trainable",
                    [a.trainable, step_counter.trainable], [True, False], by="the guide"),
        check_close("step_counter", step_counter, np.int32(1), by="a Python int, as int32"),
    ]


def placement_on_a_device() -> list[Check]:
    """`tf.device` chooses where variables live and ops run; every result says where it is.

    Without a GPU, TF runs the guide's GPU:0 multiply on the CPU: soft placement is on by default.
    """
    with tf.device("CPU:0"):
        a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        c = tf.matmul(a, b)
        row = tf.Variable([[1.0, 2.0, 3.0]])
    with tf.device("GPU:0"):
        k = a * row  # broadcast: [[1, 4, 9], [4, 10, 18]]
    print(c.numpy())
    print(c.device, k.device)
    # Verify
    gpus = len(tf.config.list_logical_devices("GPU"))
    a_np = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        check_close("the device of a and of c", [short_name(a.device), short_name(c.device)],
                    ["CPU:0", "CPU:0"], by='tf.device("CPU:0")'),
        check_close("c", c, a_np @ np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                    by="NumPy a @ b"),
        check_close("soft placement", tf.config.get_soft_device_placement(), True,
                    by="TF's default"),
        check_close("k's device", short_name(k.device), "GPU:0" if gpus else "CPU:0",
                    by="TF sees a GPU" if gpus else "no GPU: soft placement"),
        check_close("k", k, a_np * np.array([[1.0, 2.0, 3.0]]), by="NumPy a * row"),
    ]


EXAMPLES = [
    create_a_variable,
    ops_on_variables_return_tensors,
    assign_in_place,
    copies_and_updates,
    names_and_trainable,
    placement_on_a_device,
]
