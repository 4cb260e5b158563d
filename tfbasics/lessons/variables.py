"""Introduction to variables

A `tf.Variable` holds state that your program changes, such as a model's weights. It looks
like a tensor and most ops accept it, but unlike a tensor you can change its value in place
with `assign`; its dtype and shape stay fixed.

Each example follows the guide page and checks what TF does against NumPy or the values the
guide prints. Where the guide asks for a GPU, the check says what happens on your machine,
with a GPU or without one.

Guide: https://www.tensorflow.org/guide/variable
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises
from tfbasics.devices import short_name


def create_a_variable() -> list[Check]:
    """Create a variable from an initial value: a tensor, a list, bools or complex numbers.

    The variable takes its dtype and shape from that value and keeps them for life. Like a
    tensor it has a `.shape`, a `.dtype` and a `.numpy()`; Python complex numbers become
    `complex128`.
    """
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
    """Most tensor ops accept a variable, but what they return is a plain `tf.Tensor`.

    A variable is a container for a tensor: an op reads the tensor inside and computes a new
    one, and only `assign` writes back into the container. So `tf.convert_to_tensor` gives
    you the variable's current value as a tensor, `tf.reshape` makes a reshaped copy (the
    variable itself cannot be reshaped), and `my_variable + 1.0` is a new tensor with no
    state. That is why the tape in the autodiff lesson does not watch `Variable + 1.0`.
    """
    my_variable = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    as_tensor = tf.convert_to_tensor(my_variable)  # the guide's "As a tensor:"
    reshaped = tf.reshape(my_variable, [1, 4])  # a new tensor; my_variable stays (2, 2)
    plus_one = my_variable + 1.0
    matrix = np.array([[1.0, 2.0], [3.0, 4.0]])
    return [
        check_close("tf.convert_to_tensor(my_variable) is a Tensor, not a Variable",
                    [isinstance(as_tensor, tf.Variable), tf.is_tensor(as_tensor)],
                    [False, True]),
        check_close("... with the same values", as_tensor, matrix),
        check_close("tf.math.argmax on a variable", tf.math.argmax(my_variable),
                    np.argmax(matrix, axis=0)),
        check_close("tf.reshape(variable, [1, 4]) holds the same values", reshaped,
                    matrix.reshape(1, 4)),
        check_close("... but it is a Tensor, and the variable keeps shape (2, 2)",
                    [isinstance(reshaped, tf.Variable), my_variable.shape.as_list()],
                    [False, [2, 2]]),
        check_close("variable + 1.0 is a Tensor too",
                    [isinstance(plus_one, tf.Variable), tf.is_tensor(plus_one)], [False, True]),
        check_close("holding [[2, 3], [4, 5]]", plus_one, matrix + 1.0),
    ]


def assign_in_place() -> list[Check]:
    """`assign` writes new values into the same variable; its dtype and shape stay fixed.

    Assigning does not (usually) allocate a new tensor: TF reuses the variable's memory. So
    the new value is converted to the variable's dtype (the ints 1, 2 become float32), and a
    value of another shape is refused, since it would not fit.
    """
    a = tf.Variable([2.0, 3.0])
    a.assign([1, 2])  # ints are converted to the variable's float32
    return [
        check_close("a.assign([1, 2]) keeps float32", [a.dtype.name, a.numpy()],
                    ["float32", np.array([1.0, 2.0])]),
        check_raises("assigning three values to a shape (2,) variable raises",
                     lambda: a.assign([1.0, 2.0, 3.0]), ValueError),
    ]


def copies_and_updates() -> list[Check]:
    """A variable made from another copies its value; `assign_add` and `assign_sub` update it.

    `tf.Variable(a)` duplicates a's tensor, so the two never share memory: assigning to a
    leaves b alone. `a.assign_add(x)` is a += x done in place, and `assign_sub` is a -= x.
    """
    a = tf.Variable([2.0, 3.0])
    b = tf.Variable(a)  # a copy: changing a leaves b alone
    a.assign([5, 6])
    after_assign = a.numpy()
    a.assign_add([2, 3])  # [5, 6] + [2, 3] = [7, 9]
    after_add = a.numpy()
    a.assign_sub([7, 9])  # [7, 9] - [7, 9] = [0, 0]
    return [
        check_close("a after a.assign([5, 6])", after_assign, np.array([5.0, 6.0])),
        check_close("b, the copy, keeps [2, 3]", b, np.array([2.0, 3.0])),
        check_close("a.assign_add([2, 3])", after_add, np.array([5.0, 6.0]) + [2, 3]),
        check_close("a.assign_sub([7, 9])", a, np.array([7.0, 9.0]) - [7, 9]),
    ]


def names_and_trainable() -> list[Check]:
    """Two variables may share a name; `trainable=False` keeps one out of gradients.

    A name is a label, kept when you save and load a model, not an identity: the two "Mark"
    variables hold different tensors, and `a == b` compares their values element by element.
    A variable such as a step counter should not be trained, so you create it with
    `trainable=False` and `tf.GradientTape` does not watch it.
    """
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
    """`tf.device` chooses where variables live and ops run; every result says where it is.

    Here the variables live on the CPU and the matmul runs there. The guide then asks for the
    multiply on GPU:0, copying the values across: with a GPU it runs there, and without one
    TF runs it on the CPU instead of failing, because soft placement is on by default.
    Copying between devices is slow, so keep a variable where the ops that use it run.
    """
    with tf.device("CPU:0"):
        a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        c = tf.matmul(a, b)  # [[22, 28], [49, 64]]
        row = tf.Variable([[1.0, 2.0, 3.0]])
    with tf.device("GPU:0"):
        k = a * row  # broadcast: [[1, 4, 9], [4, 10, 18]]
    where_k = "GPU:0" if tf.config.list_logical_devices("GPU") else "CPU:0"
    a_np = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        check_close("the variable lives on CPU:0", short_name(a.device), "CPU:0",
                    note=f"a.device = {a.device}"),
        check_close("the matmul ran on CPU:0", short_name(c.device), "CPU:0",
                    note=f"c.device = {c.device}"),
        check_close("and gives a @ b", c, a_np @ np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])),
        check_close("soft placement is on (the default)",
                    tf.config.get_soft_device_placement(), True),
        check_close("a * row asked for GPU:0 ran there, or on CPU:0 without a GPU",
                    short_name(k.device), where_k,
                    note=f"k.device = {k.device}; TF sees "
                         f"{len(tf.config.list_logical_devices('GPU'))} GPU(s)"),
        check_close("and gives a * row", k, a_np * np.array([[1.0, 2.0, 3.0]])),
    ]


EXAMPLES = [
    create_a_variable,
    ops_on_variables_return_tensors,
    assign_in_place,
    copies_and_updates,
    names_and_trainable,
    placement_on_a_device,
]
