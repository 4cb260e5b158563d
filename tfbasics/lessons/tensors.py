"""Introduction to tensors

A tensor is a multi-dimensional array with one dtype, like a NumPy array, but immutable: you
never change a tensor, you make a new one. Everything else in TensorFlow is built from them,
so each example here is checked against NumPy doing the same thing.

Guide: https://www.tensorflow.org/guide/tensor
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises


def ranks_and_dtypes() -> list[Check]:
    """A scalar has rank 0, a vector rank 1, a matrix rank 2; TF infers the dtype."""
    rank_0_tensor = tf.constant(4)  # an int: int32
    rank_1_tensor = tf.constant([2.0, 3.0, 4.0])  # floats: float32
    rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)  # asked for
    rank_3_tensor = tf.constant([[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]],
                                 [[10, 11, 12, 13, 14], [15, 16, 17, 18, 19]],
                                 [[20, 21, 22, 23, 24], [25, 26, 27, 28, 29]]])
    return [
        check_close("tf.constant(4): rank 0, dtype int32",
                    [rank_0_tensor.ndim, rank_0_tensor.dtype.name], [0, "int32"]),
        check_close("tf.constant([2.0, 3.0, 4.0]): rank 1, dtype float32",
                    [rank_1_tensor.ndim, rank_1_tensor.dtype.name], [1, "float32"]),
        check_close("a matrix with dtype=tf.float16: rank 2, dtype float16",
                    [rank_2_tensor.ndim, rank_2_tensor.dtype.name], [2, "float16"]),
        check_close("a 3-axis tensor has shape (3, 2, 5) and holds 0..29",
                    rank_3_tensor, np.arange(30).reshape(3, 2, 5)),
    ]


def convert_to_numpy() -> list[Check]:
    """`np.array(tensor)` and `tensor.numpy()` both give you a NumPy array back."""
    rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    as_array = np.array(rank_2_tensor)
    as_numpy = rank_2_tensor.numpy()
    expected = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float16)
    return [
        check_close("np.array(tensor) gives a NumPy array", as_array, expected),
        check_close("tensor.numpy() gives a float16 NumPy array",
                    [type(as_numpy).__name__, as_numpy.dtype.name], ["ndarray", "float16"]),
    ]


def basic_math() -> list[Check]:
    """Add, multiply elementwise and matrix-multiply, as functions or as operators."""
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.constant([[1, 1], [1, 1]])  # tf.ones([2, 2], dtype=tf.int32) would do too
    a_np, b_np = np.array([[1, 2], [3, 4]]), np.ones((2, 2), dtype=int)
    return [
        check_close("tf.add(a, b) is a + b", tf.add(a, b), a_np + b_np),
        check_close("tf.multiply(a, b) is elementwise a * b", tf.multiply(a, b), a_np * b_np),
        check_close("tf.matmul(a, b) is the matrix product", tf.matmul(a, b), a_np @ b_np),
        check_close("the operators a + b, a * b, a @ b do the same",
                    [a + b, a * b, a @ b], [a_np + b_np, a_np * b_np, a_np @ b_np]),
    ]


def reductions() -> list[Check]:
    """Find the largest value, its index, and the softmax of each row."""
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    c_np = np.array([[4.0, 5.0], [10.0, 1.0]])
    softmax_np = np.exp(c_np) / np.exp(c_np).sum(axis=-1, keepdims=True)
    return [
        check_close("tf.reduce_max(c) is the largest value", tf.reduce_max(c), c_np.max()),
        check_close("tf.math.argmax(c) is the index of each column's largest",
                    tf.math.argmax(c), np.argmax(c_np, axis=0)),
        check_close("argmax returns int64", tf.math.argmax(c).dtype.name, "int64"),
        check_close("tf.nn.softmax(c) normalises each row", tf.nn.softmax(c), softmax_np),
    ]


def ops_accept_lists_and_arrays() -> list[Check]:
    """TF ops call `tf.convert_to_tensor` on Python lists and NumPy arrays for you."""
    return [
        check_close("tf.reduce_max([1, 2, 3])", tf.reduce_max([1, 2, 3]), 3),
        check_close("tf.reduce_max(np.array([1, 2, 3]))", tf.reduce_max(np.array([1, 2, 3])), 3),
        check_close("tf.convert_to_tensor([1.5, 2.5]) is a float32 tensor",
                    tf.convert_to_tensor([1.5, 2.5]).dtype.name, "float32"),
    ]


def shapes() -> list[Check]:
    """Shape, rank, size and each axis of a 4-axis tensor of zeros."""
    rank_4_tensor = tf.zeros([3, 2, 4, 5])
    return [
        check_close("dtype of tf.zeros([3, 2, 4, 5])", rank_4_tensor.dtype.name, "float32"),
        check_close("number of axes (.ndim)", rank_4_tensor.ndim, 4),
        check_close("shape", rank_4_tensor.shape.as_list(), [3, 2, 4, 5]),
        check_close("first and last axis (.shape[0], .shape[-1])",
                    [rank_4_tensor.shape[0], rank_4_tensor.shape[-1]], [3, 5]),
        check_close("number of elements (tf.size)", tf.size(rank_4_tensor), 3 * 2 * 4 * 5),
        check_close("tf.rank gives the rank as a tensor", tf.rank(rank_4_tensor), 4),
        check_close("tf.shape gives the shape as a tensor", tf.shape(rank_4_tensor),
                    np.zeros([3, 2, 4, 5]).shape),
    ]


def index_a_single_axis() -> list[Check]:
    """Index and slice one axis with Python's rules: start, stop, step, negatives."""
    rank_1_tensor = tf.constant([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
    fib = np.array([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
    return [
        check_close("[0], [1] and [-1]",
                    [rank_1_tensor[0], rank_1_tensor[1], rank_1_tensor[-1]],
                    [fib[0], fib[1], fib[-1]]),
        check_close("[:4], everything before index 4", rank_1_tensor[:4], fib[:4]),
        check_close("[4:], from index 4 on", rank_1_tensor[4:], fib[4:]),
        check_close("[2:7], from 2 up to 7", rank_1_tensor[2:7], fib[2:7]),
        check_close("[::2], every other item", rank_1_tensor[::2], fib[::2]),
        check_close("[::-1], reversed", rank_1_tensor[::-1], fib[::-1]),
    ]


def index_several_axes() -> list[Check]:
    """Pass one index or slice per axis; `:` keeps a whole axis."""
    rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    matrix = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float16)
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    cube = np.arange(30).reshape(3, 2, 5)
    return [
        check_close("[1, 1] is one element", rank_2_tensor[1, 1], matrix[1, 1]),
        check_close("[:, 1] is the second column", rank_2_tensor[:, 1], matrix[:, 1]),
        check_close("[-1, :] is the last row", rank_2_tensor[-1, :], matrix[-1, :]),
        check_close("[1:, :] drops the first row", rank_2_tensor[1:, :], matrix[1:, :]),
        check_close("[:, :, 4] of a 3-axis tensor: the last feature everywhere",
                    rank_3_tensor[:, :, 4], cube[:, :, 4]),
    ]


def reshaping() -> list[Check]:
    """`tf.reshape` keeps the values in memory order and only changes how you index them."""
    x = tf.constant([[1], [2], [3]])
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    cube = np.arange(30).reshape(3, 2, 5)
    return [
        check_close("reshape a (3, 1) to (1, 3)", tf.reshape(x, [1, 3]), [[1, 2, 3]]),
        check_close("reshape to [-1] flattens in memory order",
                    tf.reshape(rank_3_tensor, [-1]), cube.ravel()),
        check_close("reshape to [3*2, 5] merges the first two axes",
                    tf.reshape(rank_3_tensor, [3 * 2, 5]), cube.reshape(6, 5)),
        check_close("[3, -1]: TF works out the 10",
                    tf.reshape(rank_3_tensor, [3, -1]).shape.as_list(), [3, 10]),
    ]


def reshape_that_scrambles() -> list[Check]:
    """Reshaping to swap axes does not swap them: it reslices memory; use `tf.transpose`."""
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    cube = np.arange(30).reshape(3, 2, 5)
    scrambled = tf.reshape(rank_3_tensor, [2, 3, 5])  # same memory order, new slices
    swapped = tf.transpose(rank_3_tensor, [1, 0, 2])  # really swaps the first two axes
    return [
        check_close("reshape to [2, 3, 5] reslices memory", scrambled, cube.reshape(2, 3, 5)),
        check_close("the reshape is not the axis swap (they differ)",
                    bool(np.array_equal(scrambled, cube.transpose(1, 0, 2))), False),
        check_close("tf.transpose swaps the axes", swapped, cube.transpose(1, 0, 2)),
        check_raises("reshape 30 values to [7, -1] raises",
                     lambda: tf.reshape(rank_3_tensor, [7, -1]), tf.errors.InvalidArgumentError),
    ]


def casting_dtypes() -> list[Check]:
    """`tf.cast` changes dtype; casting to an integer type truncates."""
    the_f64_tensor = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
    the_f16_tensor = tf.cast(the_f64_tensor, dtype=tf.float16)
    the_u8_tensor = tf.cast(the_f16_tensor, dtype=tf.uint8)  # 2.2 → 2: the fraction is lost
    return [
        check_close("cast float64 → float16", the_f16_tensor,
                    np.array([2.2, 3.3, 4.4]).astype(np.float16)),
        check_close("cast float16 → uint8 truncates", the_u8_tensor,
                    np.array([2.2, 3.3, 4.4]).astype(np.float16).astype(np.uint8)),
    ]


def broadcasting() -> list[Check]:
    """Smaller tensors stretch to match bigger ones, by NumPy's broadcasting rules."""
    x = tf.constant([1, 2, 3])
    y = tf.constant(2)
    x_np = np.array([1, 2, 3])
    # a (3, 1) times a (4,) broadcasts to (3, 4): the outer product
    outer = tf.reshape(x, [3, 1]) * tf.range(1, 5)
    return [
        check_close("x * 2, x * y and tf.multiply(x, 2) agree",
                    [x * 2, x * y, tf.multiply(x, 2)], [x_np * 2] * 3),
        check_close("(3, 1) * (4,) is the (3, 4) outer product",
                    outer, x_np.reshape(3, 1) * np.arange(1, 5)),
        check_close("tf.broadcast_to([1, 2, 3], [3, 3])",
                    tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3]),
                    np.broadcast_to(x_np, (3, 3))),
    ]


def ragged_tensors() -> list[Check]:
    """Rows of different lengths need `tf.ragged.constant`; `tf.constant` refuses them."""
    ragged_list = [[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]]
    ragged_tensor = tf.ragged.constant(ragged_list)
    return [
        check_raises("tf.constant on a ragged list raises",
                     lambda: tf.constant(ragged_list), ValueError),
        check_close("tf.ragged.constant has shape (4, None)",
                    ragged_tensor.shape.as_list(), [4, None]),
        check_close("each row keeps its length", ragged_tensor.row_lengths(),
                    [len(row) for row in ragged_list]),
    ]


def string_tensors() -> list[Check]:
    """String tensors hold bytes; `tf.strings` splits, converts and decodes them."""
    scalar_string_tensor = tf.constant("Gray wolf")
    tensor_of_strings = tf.constant(["Gray wolf", "Quick brown fox", "Lazy dog"])
    text = tf.constant("1 10 100")
    duck = "アヒル 🦆"
    return [
        check_close("a string tensor holds bytes", scalar_string_tensor, b"Gray wolf"),
        check_close("three strings make a shape (3,) tensor", tensor_of_strings.shape.as_list(),
                    [3]),
        check_close("tf.strings.split a scalar", tf.strings.split(scalar_string_tensor, sep=" "),
                    [b"Gray", b"wolf"]),
        check_close("tf.strings.split of a vector is ragged",
                    tf.strings.split(tensor_of_strings).row_lengths(), [2, 3, 2]),
        check_close("tf.strings.to_number", tf.strings.to_number(tf.strings.split(text, " ")),
                    np.array([1.0, 10.0, 100.0])),
        check_close("tf.io.decode_raw gives the bytes",
                    tf.io.decode_raw(tf.constant("Duck"), tf.uint8), list(b"Duck")),
        check_close("tf.strings.unicode_decode gives code points",
                    tf.strings.unicode_decode(tf.constant(duck), "UTF-8"),
                    [ord(char) for char in duck]),
    ]


def sparse_tensors() -> list[Check]:
    """A sparse tensor stores only its non-zero values and where they are."""
    sparse_tensor = tf.sparse.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2],
                                           dense_shape=[3, 4])
    dense = np.zeros((3, 4), dtype=int)
    dense[0, 0], dense[1, 2] = 1, 2
    return [check_close("tf.sparse.to_dense fills in the zeros",
                        tf.sparse.to_dense(sparse_tensor), dense)]


EXAMPLES = [
    ranks_and_dtypes,
    convert_to_numpy,
    basic_math,
    reductions,
    ops_accept_lists_and_arrays,
    shapes,
    index_a_single_axis,
    index_several_axes,
    reshaping,
    reshape_that_scrambles,
    casting_dtypes,
    broadcasting,
    ragged_tensors,
    string_tensors,
    sparse_tensors,
]
