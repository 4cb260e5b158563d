"""Introduction to tensors

A tensor is a multi-dimensional array with one dtype, like a NumPy array, but immutable: you
never change a tensor, you make a new one. Every value TensorFlow computes with is a tensor,
so what you learn here (shapes, dtypes, indexing, reshaping, broadcasting) is used in every
lesson after this one.

Each example follows the guide page from top to bottom and checks what TF computes against
NumPy, plain Python or the numbers the guide prints. `tf.concat` comes from the basics page.

Guides: https://www.tensorflow.org/guide/tensor and https://www.tensorflow.org/guide/basics
"""

from __future__ import annotations

import operator

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises


def ranks_and_dtypes() -> list[Check]:
    """A scalar has rank 0, a vector rank 1, a matrix rank 2: the rank is the number of axes.

    You give `tf.constant` a Python value and it infers the dtype: Python ints become `int32`
    and floats `float32`, unless you ask for another with `dtype=`. A tensor may have any
    number of axes; the guide's 3-axis tensor holds 0 to 29 in shape (3, 2, 5).
    """
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


def tensors_are_immutable() -> list[Check]:
    """You can never change a tensor's contents, only make a new tensor.

    `x + 1` gives a new tensor and leaves x as it was, and `x[0] = 9.0` raises a `TypeError`.
    Because a tensor never changes, TF can share it freely: between ops, between devices, and
    inside a graph that runs many times. State that must change, such as a model's weights,
    lives in a `tf.Variable` (the next lesson).
    """
    x = tf.constant([1.0, 2.0, 3.0])
    y = x + 1  # a new tensor: [2, 3, 4]
    x_np = np.array([1.0, 2.0, 3.0])
    return [
        check_close("x + 1 is a new tensor", y, x_np + 1),
        check_close("x itself is unchanged", x, x_np),
        check_raises("x[0] = 9.0 raises: a tensor has no item assignment",
                     lambda: operator.setitem(x, 0, 9.0), TypeError),
    ]


def convert_to_numpy() -> list[Check]:
    """`np.array(tensor)` and `tensor.numpy()` both give you a NumPy array back.

    The array has the tensor's values and dtype, here float16. On the CPU the conversion can
    share the tensor's memory, so it is cheap; from a GPU it copies the values to the host.
    """
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
    """Add, multiply elementwise and matrix-multiply, as functions or as operators.

    `a + b`, `a * b` and `a @ b` call `tf.add`, `tf.multiply` and `tf.matmul`: the operators
    are shorthand for the ops. Note that `*` multiplies element by element; the matrix
    product is `@`.
    """
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


def joining_tensors() -> list[Check]:
    """`tf.concat` joins tensors along an axis you choose; the other axes must match.

    The basics page stacks three copies of a (2, 3) tensor along axis 0, giving (6, 3): the
    rows of one after the rows of the other. Along axis 1 the same three give (2, 9). You get
    a new tensor, as with every op, since the inputs cannot grow in place.
    """
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    rows = tf.concat([x, x, x], axis=0)  # (6, 3)
    columns = tf.concat([x, x, x], axis=1)  # (2, 9)
    x_np = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        check_close("tf.concat([x, x, x], axis=0) of a (2, 3) has shape (6, 3)",
                    rows.shape.as_list(), [6, 3]),
        check_close("... and equals np.concatenate along axis 0", rows,
                    np.concatenate([x_np, x_np, x_np], axis=0)),
        check_close("tf.concat([x, x, x], axis=1) is (2, 9), as NumPy's", columns,
                    np.concatenate([x_np, x_np, x_np], axis=1)),
    ]


def reductions() -> list[Check]:
    """Find the largest value, its index, and the softmax of each row.

    `tf.math.argmax` works down axis 0 by default, giving one index per column. An index is
    `int64` whatever the values are, float32 or int64, since it must count positions in
    tensors of any size; ask for `output_type=tf.int32` if you want a smaller one.
    `tf.nn.softmax` works along the last axis, so each row sums to 1.
    """
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    counts = tf.constant([3, 9, 2], dtype=tf.int64)  # the largest, 9, is at index 1
    index = tf.math.argmax(c)  # per column: [1, 0]
    c_np = np.array([[4.0, 5.0], [10.0, 1.0]])
    softmax_np = np.exp(c_np) / np.exp(c_np).sum(axis=-1, keepdims=True)  # e^c / Σ e^c
    return [
        check_close("tf.reduce_max(c) is the largest value", tf.reduce_max(c), c_np.max()),
        check_close("tf.math.argmax(c) is the index of each column's largest", index,
                    np.argmax(c_np, axis=0)),
        check_close("argmax returns int64", index.dtype.name, "int64"),
        check_close("argmax of an int64 tensor: index 1, an int64 too",
                    [tf.math.argmax(counts), tf.math.argmax(counts).dtype.name], [1, "int64"]),
        check_close("argmax(..., output_type=tf.int32) gives int32",
                    tf.math.argmax(counts, output_type=tf.int32).dtype.name, "int32"),
        check_close("tf.nn.softmax(c) normalises each row", tf.nn.softmax(c), softmax_np),
    ]


def ops_accept_lists_and_arrays() -> list[Check]:
    """Where an op expects a tensor, it accepts anything `tf.convert_to_tensor` can convert.

    So you can pass Python lists, NumPy arrays and, in the next lesson, variables. The
    conversion follows the same dtype rules as `tf.constant`: Python floats become float32.
    """
    return [
        check_close("tf.reduce_max([1, 2, 3])", tf.reduce_max([1, 2, 3]), 3),
        check_close("tf.reduce_max(np.array([1, 2, 3]))", tf.reduce_max(np.array([1, 2, 3])), 3),
        check_close("tf.convert_to_tensor([1.5, 2.5]) is a float32 tensor",
                    tf.convert_to_tensor([1.5, 2.5]).dtype.name, "float32"),
    ]


def shapes() -> list[Check]:
    """A tensor's shape is the length of each axis; its size is the product of those lengths.

    `.dtype`, `.ndim` and `.shape` are properties you read from the tensor; `.shape` is a
    `tf.TensorShape` you can index like a list. `tf.size` counts the elements, here
    3·2·4·5 = 120. Axes usually go from global to local, batch first and features last, so
    that each feature vector sits in one contiguous run of memory.
    """
    rank_4_tensor = tf.zeros([3, 2, 4, 5])
    return [
        check_close("dtype of tf.zeros([3, 2, 4, 5])", rank_4_tensor.dtype.name, "float32"),
        check_close("number of axes (.ndim)", rank_4_tensor.ndim, 4),
        check_close("shape (.shape)", rank_4_tensor.shape.as_list(), [3, 2, 4, 5]),
        check_close("first and last axis (.shape[0], .shape[-1])",
                    [rank_4_tensor.shape[0], rank_4_tensor.shape[-1]], [3, 5]),
        check_close("number of elements (tf.size)", tf.size(rank_4_tensor), 3 * 2 * 4 * 5),
    ]


def rank_and_shape_as_tensors() -> list[Check]:
    """`.ndim` and `.shape` are plain Python values; `tf.rank` and `tf.shape` return tensors.

    The difference matters when TF builds a graph. There `.shape` is what TF knows while
    tracing, and an axis it cannot know yet is `None`; `tf.shape` is an op that runs with the
    data, so it always gives the real length. Here a `tf.function` that accepts vectors of any
    length sees the static shape [None], yet `tf.shape` returns 7 for a vector of 7.
    """
    rank_4_tensor = tf.zeros([3, 2, 4, 5])
    static_shapes = []

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def length(v):
        static_shapes.append(v.shape.as_list())  # runs once, while tracing: [None]
        return tf.shape(v)[0]  # runs every call, with the data

    n = length(tf.zeros([7]))
    return [
        check_close(".ndim is an int, .shape a TensorShape",
                    [type(rank_4_tensor.ndim).__name__, type(rank_4_tensor.shape).__name__],
                    ["int", "TensorShape"]),
        check_close("tf.rank and tf.shape return tensors",
                    [tf.is_tensor(tf.rank(rank_4_tensor)), tf.is_tensor(tf.shape(rank_4_tensor))],
                    [True, True]),
        check_close("tf.rank gives the rank 4", tf.rank(rank_4_tensor), 4),
        check_close("tf.shape gives [3, 2, 4, 5]", tf.shape(rank_4_tensor),
                    np.zeros([3, 2, 4, 5]).shape),
        check_close("in a tf.function: .shape is [None], tf.shape(v)[0] is 7",
                    [static_shapes, n], [[[None]], 7]),
    ]


def index_a_single_axis() -> list[Check]:
    """Index and slice one axis with Python's rules: start at 0, negatives count from the end.

    An integer index removes the axis and gives a scalar; a `start:stop:step` slice keeps the
    axis. `[::-1]` walks backwards, so it reverses.
    """
    rank_1_tensor = tf.constant([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
    fib = np.array([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
    return [
        check_close("[0], [1] and [-1]",
                    [rank_1_tensor[0], rank_1_tensor[1], rank_1_tensor[-1]],
                    [fib[0], fib[1], fib[-1]]),
        check_close("[:], everything", rank_1_tensor[:], fib[:]),
        check_close("[:4], everything before index 4", rank_1_tensor[:4], fib[:4]),
        check_close("[4:], from index 4 on", rank_1_tensor[4:], fib[4:]),
        check_close("[2:7], from 2 up to 7", rank_1_tensor[2:7], fib[2:7]),
        check_close("[::2], every other item", rank_1_tensor[::2], fib[::2]),
        check_close("[::-1], reversed", rank_1_tensor[::-1], fib[::-1]),
    ]


def index_several_axes() -> list[Check]:
    """Pass one index or slice per axis; each follows the single-axis rules on its own.

    An integer for every axis gives one element; mixing integers and slices gives rows and
    columns. On the guide's (3, 2, 5) tensor, `[:, :, 4]` takes the last feature at every
    location of every example in the batch.
    """
    rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    matrix = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float16)
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    cube = np.arange(30).reshape(3, 2, 5)
    return [
        check_close("[1, 1] is one element", rank_2_tensor[1, 1], matrix[1, 1]),
        check_close("[1, :] is the second row", rank_2_tensor[1, :], matrix[1, :]),
        check_close("[:, 1] is the second column", rank_2_tensor[:, 1], matrix[:, 1]),
        check_close("[-1, :] is the last row", rank_2_tensor[-1, :], matrix[-1, :]),
        check_close("[0, -1] is the first item of the last column", rank_2_tensor[0, -1],
                    matrix[0, -1]),
        check_close("[1:, :] drops the first row", rank_2_tensor[1:, :], matrix[1:, :]),
        check_close("[:, :, 4] of a 3-axis tensor: the last feature everywhere",
                    rank_3_tensor[:, :, 4], cube[:, :, 4]),
    ]


def reshaping() -> list[Check]:
    """`tf.reshape` gives the same values in the same memory order, indexed by a new shape.

    TF stores a tensor row-major: stepping the last index moves one place in memory. A reshape
    keeps that order, so it need not move any data and is cheap; flattening with `[-1]` shows
    you the order. Merging or splitting neighbouring axes, such as (3, 2, 5) to (3·2, 5) or
    to (3, 2·5), keeps each slice whole; `-1` asks TF to work out one length.
    """
    x = tf.constant([[1], [2], [3]])
    reshaped = tf.reshape(x, [1, 3])  # a new tensor; x keeps its shape
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    cube = np.arange(30).reshape(3, 2, 5)
    return [
        check_close("x.shape.as_list() of [[1], [2], [3]]", x.shape.as_list(), [3, 1]),
        check_close("reshape the (3, 1) to (1, 3)", reshaped, [[1, 2, 3]]),
        check_close("reshape to [-1] flattens in memory order",
                    tf.reshape(rank_3_tensor, [-1]), cube.ravel()),
        check_close("reshape to [3*2, 5] merges the first two axes",
                    tf.reshape(rank_3_tensor, [3 * 2, 5]), cube.reshape(6, 5)),
        check_close("[3, -1]: TF works out the 10 and merges the last two",
                    tf.reshape(rank_3_tensor, [3, -1]), cube.reshape(3, 10)),
    ]


def bad_reshapes() -> list[Check]:
    """The guide's bad reshapes: any shape with 30 elements "works", but may scramble the data.

    `[2, 3, 5]` does not swap the first two axes: it cuts the same memory into new slices, as
    NumPy's reshape does; `tf.transpose` swaps them. `[5, 6]` is a mess: each row of 6 runs
    across the (2, 5) blocks, so row 1 holds 6..9 from block 0 and 10, 11 from block 1.
    `[7, -1]` does not work at all, since 30 is not a multiple of 7 (NumPy refuses too).
    """
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    cube = np.arange(30).reshape(3, 2, 5)
    resliced = tf.reshape(rank_3_tensor, [2, 3, 5])  # same memory order, new slices
    swapped = tf.transpose(rank_3_tensor, [1, 0, 2])  # really swaps the first two axes
    mess = tf.reshape(rank_3_tensor, [5, 6])  # row 1 is 6..11: 6..9 from block 0, 10, 11 from 1
    return [
        check_close("reshape to [2, 3, 5] equals NumPy's reshape", resliced,
                    cube.reshape(2, 3, 5)),
        check_close("tf.transpose(..., [1, 0, 2]) equals NumPy's transpose", swapped,
                    cube.transpose(1, 0, 2)),
        check_close("first value of each row: the reshape, then the transpose",
                    [resliced[:, :, 0], swapped[:, :, 0]],
                    [cube.reshape(2, 3, 5)[:, :, 0], cube.transpose(1, 0, 2)[:, :, 0]]),
        check_close("so the reshape is not the axis swap",
                    bool(np.array_equal(resliced, cube.transpose(1, 0, 2))), False),
        check_close("reshape to [5, 6] equals NumPy's reshape", mess, cube.reshape(5, 6)),
        check_close("row 1 of the [5, 6] and the block of each value (value // 10)",
                    [mess[1], mess[1] // 10], [np.arange(6, 12), [0, 0, 0, 0, 1, 1]]),
        check_raises("reshape 30 values to [7, -1] raises",
                     lambda: tf.reshape(rank_3_tensor, [7, -1]), tf.errors.InvalidArgumentError),
    ]


def casting_dtypes() -> list[Check]:
    """`tf.cast` makes a tensor of another dtype; casting a float to an integer truncates.

    float64 to float16 rounds each value to the nearest float16, which has about three
    significant digits. float16 to uint8 then drops the fraction: 2.2 becomes 2. Unlike NumPy,
    TF does not convert one tensor's dtype to match another's, so adding an int32 tensor to a
    float32 tensor is an error: cast one of them first.
    """
    the_f64_tensor = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
    the_f16_tensor = tf.cast(the_f64_tensor, dtype=tf.float16)
    the_u8_tensor = tf.cast(the_f16_tensor, dtype=tf.uint8)  # 2.2 → 2: the fraction is lost
    return [
        check_close("cast float64 → float16", the_f16_tensor,
                    np.array([2.2, 3.3, 4.4]).astype(np.float16)),
        check_close("cast float16 → uint8 truncates", the_u8_tensor,
                    np.array([2.2, 3.3, 4.4]).astype(np.float16).astype(np.uint8)),
        check_raises("int32 + float32 tensors raise: TF does not promote dtypes",
                     lambda: tf.constant([1, 2]) + tf.constant([0.5, 0.5]),
                     tf.errors.InvalidArgumentError),
    ]


def broadcasting() -> list[Check]:
    """Under NumPy's rules, a smaller tensor is stretched to fit a bigger one in an op.

    A scalar stretches to any shape, so `x * 2`, `x * y` with y = 2 and `x * [2, 2, 2]` are
    the same computation. An axis of length 1 stretches too, and both arguments may stretch
    at once: a (3, 1) times a (4,) is (3, 4), here the outer product (y's leading 1 is
    implied).
    """
    x = tf.constant([1, 2, 3])
    y = tf.constant(2)
    z = tf.constant([2, 2, 2])
    outer = tf.multiply(tf.reshape(x, [3, 1]), tf.range(1, 5))  # (3, 1) · (4,) → (3, 4)
    x_np = np.array([1, 2, 3])
    return [
        check_close("tf.multiply(x, 2), x * y and x * z are the same",
                    [tf.multiply(x, 2), x * y, x * z], [x_np * 2] * 3),
        check_close("(3, 1) * (4,) is the (3, 4) outer product",
                    outer, x_np.reshape(3, 1) * np.arange(1, 5)),
    ]


def the_stretched_tensors() -> list[Check]:
    """Broadcasting computes as if both tensors were stretched, without making the stretch.

    `tf.broadcast_to` makes the stretched tensors for real: the guide's x_stretch and
    y_stretch, 12 values each. Their product is what `x * y` gives, yet `x * y` read only the
    3 + 4 original values, which is why broadcasting saves time and memory. `tf.broadcast_to`
    itself saves nothing: it materialises every copy.
    """
    x = tf.reshape(tf.constant([1, 2, 3]), [3, 1])
    y = tf.range(1, 5)
    x_stretch = tf.broadcast_to(x, [3, 4])  # each row repeats one value of x
    y_stretch = tf.broadcast_to(y, [3, 4])  # each row is a copy of y
    guide_x_stretch = np.array([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]])
    guide_y_stretch = np.array([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]])
    return [
        check_close("tf.broadcast_to(x, [3, 4]) is the guide's x_stretch", x_stretch,
                    guide_x_stretch),
        check_close("tf.broadcast_to(y, [3, 4]) is the guide's y_stretch", y_stretch,
                    guide_y_stretch),
        check_close("x * y equals the guide's x_stretch * y_stretch", x * y,
                    guide_x_stretch * guide_y_stretch),
        check_close("and x_stretch * y_stretch in TF gives the same", x_stretch * y_stretch,
                    guide_x_stretch * guide_y_stretch),
        check_close("values stored: x 3, y 4, x_stretch 12",
                    [tf.size(x), tf.size(y), tf.size(x_stretch)], [3, 4, 3 * 4]),
        check_close("tf.broadcast_to([1, 2, 3], [3, 3])",
                    tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3]),
                    np.broadcast_to(np.array([1, 2, 3]), (3, 3))),
    ]


def ragged_tensors() -> list[Check]:
    """Rows of different lengths need `tf.ragged.constant`; `tf.constant` refuses them.

    A `tf.Tensor` must be rectangular: every row of an axis has the same length. A
    `tf.RaggedTensor` keeps each row's own length, so the length of its second axis is
    unknown and its shape reads (4, None).
    """
    ragged_list = [[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]]
    ragged_tensor = tf.ragged.constant(ragged_list)
    return [
        check_raises("tf.constant on a ragged list raises",
                     lambda: tf.constant(ragged_list), ValueError),
        check_close("tf.ragged.constant has shape (4, None)",
                    ragged_tensor.shape.as_list(), [4, None]),
        check_close("each row keeps its length", ragged_tensor.row_lengths(),
                    [len(row) for row in ragged_list]),
        check_close("and its values", ragged_tensor.to_list(), ragged_list),
    ]


def string_tensors() -> list[Check]:
    """A string tensor holds byte strings; a string's length is not one of its axes.

    Three strings of 9, 15 and 8 bytes make a tensor of shape (3,), and each string is one
    indivisible element. Text you pass in is stored as UTF-8: the guide's "🥳👍" is 8 bytes.
    `tf.strings.length` counts bytes unless you ask for `unit="UTF8_CHAR"`, which counts the
    2 characters.
    """
    scalar_string_tensor = tf.constant("Gray wolf")
    tensor_of_strings = tf.constant(["Gray wolf", "Quick brown fox", "Lazy dog"])
    emoji = tf.constant("🥳👍")  # stored as its UTF-8 bytes
    return [
        check_close("a string tensor holds bytes", scalar_string_tensor, b"Gray wolf"),
        check_close("three strings make a shape (3,) tensor", tensor_of_strings.shape.as_list(),
                    [3]),
        check_close("tf.strings.length of the three, in bytes",
                    tf.strings.length(tensor_of_strings),
                    [len(s) for s in ["Gray wolf", "Quick brown fox", "Lazy dog"]]),
        check_close("tf.constant('🥳👍') holds UTF-8 bytes", emoji,
                    b"\xf0\x9f\xa5\xb3\xf0\x9f\x91\x8d"),
        check_close("its length: 8 bytes, 2 UTF-8 characters",
                    [tf.strings.length(emoji), tf.strings.length(emoji, unit="UTF8_CHAR")],
                    [len("🥳👍".encode()), len("🥳👍")]),
    ]


def splitting_strings() -> list[Check]:
    """`tf.strings` has the string ops, such as `split` and `to_number`.

    Splitting one string gives a vector of words. Splitting a vector of strings gives a
    `tf.RaggedTensor`, since each string splits into its own number of words.
    `tf.strings.to_number` parses text into float32 numbers.
    """
    scalar_string_tensor = tf.constant("Gray wolf")
    tensor_of_strings = tf.constant(["Gray wolf", "Quick brown fox", "Lazy dog"])
    words = tf.strings.split(tensor_of_strings)  # a RaggedTensor: 2, 3 and 2 words
    text = tf.constant("1 10 100")
    return [
        check_close("tf.strings.split a scalar", tf.strings.split(scalar_string_tensor, sep=" "),
                    [b"Gray", b"wolf"]),
        check_close("tf.strings.split of a vector is ragged",
                    [type(words).__name__, words.row_lengths()], ["RaggedTensor", [2, 3, 2]]),
        check_close("... with each string's words", words.to_list(),
                    [[w.encode() for w in s.split()]
                     for s in ["Gray wolf", "Quick brown fox", "Lazy dog"]]),
        check_close("tf.strings.to_number", tf.strings.to_number(tf.strings.split(text, " ")),
                    np.array([1.0, 10.0, 100.0])),
    ]


def bytes_and_characters() -> list[Check]:
    """`tf.cast` cannot turn strings into numbers; you parse them or take them apart.

    Text that holds numbers is parsed with `tf.strings.to_number`, as above. Otherwise split a
    string into its bytes (`tf.strings.bytes_split`), read the bytes as integers
    (`tf.io.decode_raw`), or split it into characters (`tf.strings.unicode_split`) and read
    their code points (`tf.strings.unicode_decode`). In "アヒル 🦆" a character is 1 to 4
    bytes.
    """
    duck = "アヒル 🦆"
    byte_strings = tf.strings.bytes_split(tf.constant("Duck"))
    byte_ints = tf.io.decode_raw(tf.constant("Duck"), tf.uint8)
    unicode_char_bytes = tf.strings.unicode_split(tf.constant(duck), "UTF-8")
    unicode_values = tf.strings.unicode_decode(tf.constant(duck), "UTF-8")
    return [
        check_raises("tf.cast of a string to float32 raises",
                     lambda: tf.cast(tf.constant("1.5"), tf.float32), tf.errors.UnimplementedError,
                     note="tf.strings.to_number converts text to numbers"),
        check_close("tf.strings.bytes_split('Duck')", byte_strings,
                    [bytes([b]) for b in b"Duck"]),
        check_close("tf.io.decode_raw gives the bytes", byte_ints, list(b"Duck")),
        check_close("tf.strings.unicode_split gives each character's UTF-8 bytes",
                    unicode_char_bytes, [char.encode("utf-8") for char in duck]),
        check_close("tf.strings.unicode_decode gives code points", unicode_values,
                    [ord(char) for char in duck]),
    ]


def sparse_tensors() -> list[Check]:
    """A sparse tensor stores only its non-zero values and where they are.

    For data that is mostly zeros, such as a very wide embedding, that saves memory: here 2
    values and their indices stand for a (3, 4) tensor. `tf.sparse.to_dense` fills in the
    zeros when you need the whole tensor.
    """
    sparse_tensor = tf.sparse.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2],
                                           dense_shape=[3, 4])
    dense = np.zeros((3, 4), dtype=int)
    dense[0, 0], dense[1, 2] = 1, 2
    return [
        check_close("the sparse tensor stores 2 values", sparse_tensor.values, [1, 2]),
        check_close("tf.sparse.to_dense fills in the zeros",
                    tf.sparse.to_dense(sparse_tensor), dense),
    ]


EXAMPLES = [
    ranks_and_dtypes,
    tensors_are_immutable,
    convert_to_numpy,
    basic_math,
    joining_tensors,
    reductions,
    ops_accept_lists_and_arrays,
    shapes,
    rank_and_shape_as_tensors,
    index_a_single_axis,
    index_several_axes,
    reshaping,
    bad_reshapes,
    casting_dtypes,
    broadcasting,
    the_stretched_tensors,
    ragged_tensors,
    string_tensors,
    splitting_strings,
    bytes_and_characters,
    sparse_tensors,
]
