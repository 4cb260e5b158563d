"""Introduction to tensors

A tensor is a multi-dimensional array with one dtype, like a NumPy array, but immutable.
Shapes, dtypes, indexing and broadcasting come back in every lesson after this one.

Guides: https://www.tensorflow.org/guide/tensor and https://www.tensorflow.org/guide/basics
"""

from __future__ import annotations

import operator

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises


def ranks_and_dtypes() -> list[Check]:
    """A scalar has rank 0, a vector rank 1, a matrix rank 2: the rank is the number of axes.

    `tf.constant` makes Python ints `int32` and floats `float32`, unless you pass `dtype=`.
    """
    rank_0_tensor = tf.constant(4)  # a Python int: int32
    rank_1_tensor = tf.constant([2.0, 3.0, 4.0])  # Python floats: float32
    rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    rank_3_tensor = tf.constant([[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]],
                                 [[10, 11, 12, 13, 14], [15, 16, 17, 18, 19]],
                                 [[20, 21, 22, 23, 24], [25, 26, 27, 28, 29]]])
    print(rank_0_tensor, rank_1_tensor)
    print(rank_2_tensor.dtype, rank_3_tensor.ndim, rank_3_tensor.shape)
    # Verify
    tensors = [rank_0_tensor, rank_1_tensor, rank_2_tensor, rank_3_tensor]
    return [
        check_close("the rank (.ndim) of each", [t.ndim for t in tensors], [0, 1, 2, 3],
                    by="counting the brackets"),
        check_close("the dtype of each", [t.dtype.name for t in tensors],
                    ["int32", "float32", "float16", "int32"], by="the guide"),
        check_close("rank_3_tensor", rank_3_tensor,
                    np.arange(30, dtype=np.int32).reshape(3, 2, 5), by="NumPy arange(30)"),
    ]


def tensors_are_immutable() -> list[Check]:
    """You can never change a tensor's contents, only make a new tensor.

    State that must change, such as a model's weights, lives in a `tf.Variable` (next lesson).
    """
    x = tf.constant([1.0, 2.0, 3.0])
    y = x + 1  # a new tensor
    print(y)
    print(x)
    # Verify
    return [
        check_close("x + 1", y, [2.0, 3.0, 4.0], by="by hand"),
        check_close("x afterwards", x, [1.0, 2.0, 3.0], by="the values it was made from"),
        check_raises("x[0] = 9.0", lambda: operator.setitem(x, 0, 9.0), TypeError),
    ]


def convert_to_numpy() -> list[Check]:
    """`tensor.numpy()` and `np.array(tensor)` give you a NumPy copy of a tensor.

    Writing into a copy leaves the tensor as it was; on the CPU, `np.asarray` is a read-only view.
    """
    rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    array = rank_2_tensor.numpy()  # a copy; np.array(rank_2_tensor) is one too
    array[0, 0] = 100.0  # changes the copy only
    print(array[0], rank_2_tensor[0].numpy())
    view = np.asarray(rank_2_tensor)  # on the CPU: the tensor's memory, read-only
    print(view.dtype, view.flags.writeable)
    # Verify
    copy = np.array(rank_2_tensor)
    copy[0, 1] = 200.0
    on_cpu = rank_2_tensor.device.endswith("CPU:0")
    return [
        check_close("rank_2_tensor after both writes", rank_2_tensor,
                    np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float16),
                    by="as it was made"),
        check_close("the dtype of .numpy() and np.array()",
                    [array.dtype.name, copy.dtype.name], ["float16", "float16"],
                    by="dtype=tf.float16"),
        check_close("np.shares_memory of two .numpy() results",
                    np.shares_memory(rank_2_tensor.numpy(), rank_2_tensor.numpy()), False,
                    by="TF's docs: .numpy() copies"),
        check_close("np.shares_memory of two np.asarray() views",
                    np.shares_memory(np.asarray(rank_2_tensor), np.asarray(rank_2_tensor)),
                    on_cpu, by="TF's docs: no copy on the CPU"),
    ]


def basic_math() -> list[Check]:
    """Add, multiply and join tensors, with ops or with operators.

    `a * b` multiplies element by element; `a @ b` is the matrix product, `tf.matmul(a, b)`.
    """
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.constant([[1, 1], [1, 1]])  # or tf.ones([2, 2], dtype=tf.int32)
    print((a @ b).numpy())  # tf.matmul(a, b)
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    rows = tf.concat([x, x, x], axis=0)  # the rows of each, one after another
    columns = tf.concat([x, x, x], axis=1)
    print(rows.shape, columns.shape)
    # Verify
    a_np = np.array([[1, 2], [3, 4]], dtype=np.int32)
    b_np = np.ones((2, 2), dtype=np.int32)
    x_np = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        check_close("tf.add(a, b) and a + b", [tf.add(a, b), a + b], [a_np + b_np] * 2,
                    by="NumPy a + b"),
        check_close("tf.multiply(a, b) and a * b", [tf.multiply(a, b), a * b],
                    [a_np * b_np] * 2, by="NumPy a * b"),
        check_close("tf.matmul(a, b) and a @ b", [tf.matmul(a, b), a @ b], [a_np @ b_np] * 2,
                    by="NumPy a @ b"),
        check_close("tf.concat along axis 0", rows, np.concatenate([x_np] * 3, axis=0),
                    by="NumPy"),
        check_close("tf.concat along axis 1", columns, np.concatenate([x_np] * 3, axis=1),
                    by="NumPy"),
    ]


def reductions() -> list[Check]:
    """Find the largest value, its index, and the softmax of each row.

    `tf.math.argmax` returns `int64` unless you ask for `output_type=tf.int32`.
    """
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    print(tf.reduce_max(c), tf.math.argmax(c))  # argmax per column: [1, 0]
    print(tf.nn.softmax(c).numpy())  # each row sums to 1
    print(tf.reduce_max([1, 2, 3]))  # a list becomes a tensor
    print(tf.reduce_max(np.array([1, 2, 3])))  # NumPy's ints are int64
    # Verify
    c_np = np.array([[4.0, 5.0], [10.0, 1.0]])
    softmax_np = np.exp(c_np) / np.exp(c_np).sum(axis=-1, keepdims=True)  # e^c / Σ e^c
    return [
        check_close("tf.reduce_max(c)", tf.reduce_max(c), c_np.max(), by="NumPy"),
        check_close("tf.math.argmax(c)", tf.math.argmax(c),
                    np.argmax(c_np, axis=0).astype(np.int64), by="NumPy, as int64"),
        check_close("argmax with output_type=tf.int32",
                    tf.math.argmax(c, output_type=tf.int32),
                    np.argmax(c_np, axis=0).astype(np.int32), by="NumPy, as int32"),
        check_close("tf.nn.softmax(c)", tf.nn.softmax(c), softmax_np, by="NumPy e^c / Σ e^c"),
        check_close("tf.reduce_max of the list and the array",
                    [tf.reduce_max([1, 2, 3]), tf.reduce_max(np.array([1, 2, 3]))],
                    [np.int32(3), np.array([1, 2, 3]).max()], by="an int32 and NumPy's int64"),
    ]


def shapes() -> list[Check]:
    """A tensor's shape is the length of each axis: `.shape` in Python, `tf.shape(t)` a tensor.

    While tracing, `.shape` has `None` for an axis TF cannot know; `tf.shape` runs with the data.
    """
    rank_4_tensor = tf.zeros([3, 2, 4, 5])
    print(rank_4_tensor.dtype, rank_4_tensor.ndim, rank_4_tensor.shape)
    print(rank_4_tensor.shape[0], rank_4_tensor.shape[-1])  # first and last axis
    print(tf.size(rank_4_tensor).numpy())  # the number of elements
    print(tf.rank(rank_4_tensor), tf.shape(rank_4_tensor))
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def length(v):
        print("tracing with shape", v.shape)  # Python runs this once, while tracing
        return tf.shape(v)[0]  # runs on every call, with the data
    print(length(tf.zeros([7])), length(tf.zeros([3])))
    # Verify
    return [
        check_close("the dtype, .ndim and .shape",
                    [rank_4_tensor.dtype.name, rank_4_tensor.ndim, rank_4_tensor.shape.as_list()],
                    ["float32", 4, [3, 2, 4, 5]], by="the guide"),
        check_close(".shape[0] and .shape[-1]",
                    [rank_4_tensor.shape[0], rank_4_tensor.shape[-1]], [3, 5],
                    by="its first and last entries"),
        check_close("tf.size", tf.size(rank_4_tensor), np.int32(3 * 2 * 4 * 5),
                    by="by hand 3·2·4·5, an int32"),
        check_close("the types of .ndim and .shape",
                    [type(rank_4_tensor.ndim).__name__, type(rank_4_tensor.shape).__name__],
                    ["int", "TensorShape"], by="the guide"),
        check_close("tf.rank and tf.shape", [tf.rank(rank_4_tensor), tf.shape(rank_4_tensor)],
                    [np.int32(4), np.array(np.zeros([3, 2, 4, 5]).shape, dtype=np.int32)],
                    by="NumPy's ndim and shape, as int32"),
        check_close("length of 7 zeros", length(tf.zeros([7])), np.int32(7),
                    by="len(np.zeros(7))"),
        check_close("traces of length after 3 calls", length.experimental_get_tracing_count(),
                    1, by="one signature, [None]"),
    ]


def indexing() -> list[Check]:
    """Index and slice with Python's rules: start at 0, negatives count from the end.

    An integer index removes its axis and a slice keeps it; give one index or slice per axis.
    """
    rank_1_tensor = tf.constant([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
    print(rank_1_tensor[0], rank_1_tensor[2:7])  # a scalar, a vector
    rank_2_tensor = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    print(rank_2_tensor[:, 1].numpy())  # the second column
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    print(rank_3_tensor[:, :, 4].numpy())
    # Verify
    fib = np.array([0, 1, 1, 2, 3, 5, 8, 13, 21, 34], dtype=np.int32)
    v, m = rank_1_tensor, rank_2_tensor
    matrix = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float16)
    cube = np.arange(30, dtype=np.int32).reshape(3, 2, 5)
    return [
        check_close("rank_1_tensor[0], [1] and [-1]", [v[0], v[1], v[-1]],
                    [fib[0], fib[1], fib[-1]], by="NumPy"),
        check_close("rank_1_tensor[:4] and [4:]", [v[:4], v[4:]], [fib[:4], fib[4:]],
                    by="NumPy"),
        check_close("rank_1_tensor[2:7] and [::2]", [v[2:7], v[::2]], [fib[2:7], fib[::2]],
                    by="NumPy"),
        check_close("rank_1_tensor[::-1]", v[::-1], fib[::-1], by="NumPy"),
        check_close("rank_2_tensor[1, 1] and [0, -1]", [m[1, 1], m[0, -1]],
                    [matrix[1, 1], matrix[0, -1]], by="NumPy"),
        check_close("rank_2_tensor[1, :], [-1, :] and [:, 1]", [m[1, :], m[-1, :], m[:, 1]],
                    [matrix[1, :], matrix[-1, :], matrix[:, 1]], by="NumPy"),
        check_close("rank_2_tensor[1:, :]", m[1:, :], matrix[1:, :], by="NumPy"),
        check_close("rank_3_tensor[:, :, 4]", rank_3_tensor[:, :, 4], cube[:, :, 4],
                    by="NumPy"),
    ]


def reshaping() -> list[Check]:
    """`tf.reshape` gives the same values in the same memory order, indexed by a new shape.

    TF stores a tensor row-major (last index fastest), so a reshape moves no data.
    """
    x = tf.constant([[1], [2], [3]])
    reshaped = tf.reshape(x, [1, 3])  # a new tensor; x keeps its shape
    print(x.shape.as_list(), reshaped)
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    print(tf.reshape(rank_3_tensor, [-1]).numpy())  # the memory order
    print(tf.reshape(rank_3_tensor, [3, -1]).shape)  # TF works out the 10
    # Verify
    cube = np.arange(30, dtype=np.int32).reshape(3, 2, 5)
    return [
        check_close("x.shape.as_list()", x.shape.as_list(), [3, 1], by="3 rows of 1"),
        check_close("reshaped", reshaped, np.array([[1, 2, 3]], dtype=np.int32), by="by hand"),
        check_close("reshape to [-1]", tf.reshape(rank_3_tensor, [-1]), cube.ravel(),
                    by="NumPy ravel"),
        check_close("reshape to [3*2, 5]", tf.reshape(rank_3_tensor, [3 * 2, 5]),
                    cube.reshape(6, 5), by="NumPy"),
        check_close("reshape to [3, -1]", tf.reshape(rank_3_tensor, [3, -1]),
                    cube.reshape(3, 10), by="NumPy"),
    ]


def bad_reshapes() -> list[Check]:
    """The guide's bad reshapes: any shape with 30 elements "works", but may scramble the data.

    `[2, 3, 5]` cuts the same memory into new slices; only `tf.transpose` swaps the axes.
    """
    rank_3_tensor = tf.reshape(tf.range(30), [3, 2, 5])
    resliced = tf.reshape(rank_3_tensor, [2, 3, 5])  # same order, new slices
    swapped = tf.transpose(rank_3_tensor, [1, 0, 2])  # swaps the first two axes
    print(resliced[:, :, 0].numpy())  # the first value of each row of 5
    print(swapped[:, :, 0].numpy())
    mess = tf.reshape(rank_3_tensor, [5, 6])
    print(mess[1].numpy())  # 6..9 from block 0, then 10 and 11 from block 1
    # Verify
    cube = np.arange(30, dtype=np.int32).reshape(3, 2, 5)
    return [
        check_close("reshape to [2, 3, 5]", resliced, cube.reshape(2, 3, 5), by="NumPy"),
        check_close("tf.transpose(..., [1, 0, 2])", swapped, cube.transpose(1, 0, 2),
                    by="NumPy"),
        check_close("np.array_equal(resliced, the swap)",
                    bool(np.array_equal(resliced, cube.transpose(1, 0, 2))), False,
                    by="NumPy's transpose"),
        check_close("reshape to [5, 6]", mess, cube.reshape(5, 6), by="NumPy"),
        check_close("the block of each value in row 1", mess[1] // 10,
                    np.array([0, 0, 0, 0, 1, 1], dtype=np.int32), by="by hand, value // 10"),
        check_raises("reshaping 30 values to [7, -1]",
                     lambda: tf.reshape(rank_3_tensor, [7, -1]), tf.errors.InvalidArgumentError),
    ]


def casting_dtypes() -> list[Check]:
    """`tf.cast` makes a tensor of another dtype; casting a float to an integer truncates.

    Unlike NumPy, TF does not promote dtypes: to add an int32 and a float32 tensor, cast one.
    """
    the_f64_tensor = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
    the_f16_tensor = tf.cast(the_f64_tensor, dtype=tf.float16)
    the_u8_tensor = tf.cast(the_f16_tensor, dtype=tf.uint8)  # 2.2 → 2
    print(the_u8_tensor)
    # Verify
    f16 = np.array([2.2, 3.3, 4.4]).astype(np.float16)
    return [
        check_close("cast to float16", [the_f16_tensor.dtype.name, the_f16_tensor],
                    ["float16", f16], by="NumPy astype(float16)"),
        check_close("cast to uint8", the_u8_tensor, f16.astype(np.uint8),
                    by="NumPy astype(uint8)"),
        check_raises("tf.constant([1, 2]) + tf.constant([0.5, 0.5])",
                     lambda: tf.constant([1, 2]) + tf.constant([0.5, 0.5]),
                     tf.errors.InvalidArgumentError),
    ]


def broadcasting() -> list[Check]:
    """Under NumPy's rules, a smaller tensor is stretched to fit a bigger one in an op.

    A scalar or an axis of length 1 stretches, in both arguments at once, without copying data.
    """
    x = tf.constant([1, 2, 3])
    y = tf.constant(2)
    z = tf.constant([2, 2, 2])
    print(x * y)  # the same as tf.multiply(x, 2) and x * z
    column = tf.reshape(x, [3, 1])
    row = tf.range(1, 5)
    print((column * row).numpy())  # (3, 1) times (4,) is (3, 4)
    x_stretch = tf.broadcast_to(column, [3, 4])  # each row repeats one value
    y_stretch = tf.broadcast_to(row, [3, 4])  # each row is a copy of row
    # Verify
    x_np = np.array([1, 2, 3], dtype=np.int32)
    guide_x_stretch = np.array([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], dtype=np.int32)
    guide_y_stretch = np.array([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], dtype=np.int32)
    return [
        check_close("tf.multiply(x, 2), x * y and x * z", [tf.multiply(x, 2), x * y, x * z],
                    [x_np * 2] * 3, by="NumPy x * 2"),
        check_close("column * row", column * row,
                    x_np.reshape(3, 1) * np.arange(1, 5, dtype=np.int32),
                    by="NumPy's outer product"),
        check_close("x_stretch", x_stretch, guide_x_stretch, by="the guide"),
        check_close("y_stretch", y_stretch, guide_y_stretch, by="the guide"),
        check_close("x_stretch * y_stretch", x_stretch * y_stretch,
                    guide_x_stretch * guide_y_stretch, by="the guide's, in NumPy"),
        check_close("the values stored by column, row and x_stretch",
                    [tf.size(column), tf.size(row), tf.size(x_stretch)],
                    [np.int32(3), np.int32(4), np.int32(3 * 4)], by="by hand"),
    ]


def ragged_tensors() -> list[Check]:
    """Rows of different lengths need `tf.ragged.constant`; `tf.constant` refuses them.

    A `tf.RaggedTensor` keeps each row's own length, so its shape reads (4, None).
    """
    ragged_list = [[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]]
    ragged_tensor = tf.ragged.constant(ragged_list)
    print(ragged_tensor)
    print(ragged_tensor.shape)
    # Verify
    return [
        check_raises("tf.constant(ragged_list)", lambda: tf.constant(ragged_list), ValueError),
        check_close("ragged_tensor.shape", ragged_tensor.shape.as_list(), [4, None],
                    by="the guide"),
        check_close("its row lengths", ragged_tensor.row_lengths(),
                    np.array([len(row) for row in ragged_list], dtype=np.int64),
                    by="Python's len, as int64"),
        check_close("its values", ragged_tensor.to_list(), ragged_list, by="ragged_list"),
    ]


def string_tensors() -> list[Check]:
    """A string tensor holds byte strings; `tf.strings` ops split, measure and parse them.

    `tf.strings.length` counts UTF-8 bytes unless you ask for `unit="UTF8_CHAR"`.
    """
    tensor_of_strings = tf.constant(["Gray wolf", "Quick brown fox", "Lazy dog"])
    print(tensor_of_strings)  # shape (3,)
    print(tf.strings.split(tensor_of_strings))
    emoji = tf.constant("🥳👍")
    print(emoji)  # its UTF-8 bytes
    print(tf.strings.length(emoji), tf.strings.length(emoji, unit="UTF8_CHAR"))
    print(tf.strings.to_number(tf.strings.split("1 10 100")))
    print(tf.strings.bytes_split(tf.constant("Duck")))
    print(tf.io.decode_raw(tf.constant("Duck"), tf.uint8))
    duck = tf.constant("アヒル 🦆")
    print(tf.strings.unicode_decode(duck, "UTF-8"))
    # Verify
    strings = ["Gray wolf", "Quick brown fox", "Lazy dog"]
    words = [s.split() for s in strings]
    split = tf.strings.split(tensor_of_strings)
    text = "アヒル 🦆"
    numbers = tf.strings.to_number(tf.strings.split("1 10 100"))
    return [
        check_close("tensor_of_strings", tensor_of_strings,
                    np.array([s.encode() for s in strings], dtype=object), by="Python's encode"),
        check_close("the length of each", tf.strings.length(tensor_of_strings),
                    np.array([len(s) for s in strings], dtype=np.int32),
                    by="Python's len, as int32"),
        check_close("the number of words in each", split.row_lengths(),
                    np.array([len(w) for w in words], dtype=np.int64), by="Python's split"),
        check_close("all the words", split.flat_values,
                    np.array([w.encode() for ws in words for w in ws], dtype=object),
                    by="Python's split"),
        check_close("emoji", emoji, "🥳👍".encode(), by="Python's encode"),
        check_close("its length in bytes and in characters",
                    [tf.strings.length(emoji), tf.strings.length(emoji, unit="UTF8_CHAR")],
                    [np.int32(len("🥳👍".encode())), np.int32(len("🥳👍"))],
                    by="Python's len"),
        check_raises("tf.cast(tf.constant('1.5'), tf.float32)",
                     lambda: tf.cast(tf.constant("1.5"), tf.float32), tf.errors.UnimplementedError,
                     note="tf.strings.to_number parses text"),
        check_close("tf.strings.to_number", [numbers.dtype.name, numbers],
                    ["float32", np.array([1.0, 10.0, 100.0])], by="the guide"),
        check_close("tf.strings.bytes_split", tf.strings.bytes_split(tf.constant("Duck")),
                    [bytes([b]) for b in b"Duck"], by="Python's bytes"),
        check_close("tf.io.decode_raw", tf.io.decode_raw(tf.constant("Duck"), tf.uint8),
                    np.frombuffer(b"Duck", dtype=np.uint8), by="NumPy frombuffer"),
        check_close("duck's characters, decoded",
                    [c.decode() for c in tf.strings.unicode_split(duck, "UTF-8").numpy()],
                    list(text), by="Python's list"),
        check_close("tf.strings.unicode_decode", tf.strings.unicode_decode(duck, "UTF-8"),
                    np.array([ord(char) for char in text], dtype=np.int32),
                    by="Python's ord, as int32"),
    ]


def sparse_tensors() -> list[Check]:
    """A sparse tensor stores only its non-zero values and where they are.

    Here 2 values and their indices stand for a (3, 4) tensor; `tf.sparse.to_dense` adds the zeros.
    """
    sparse_tensor = tf.sparse.SparseTensor(indices=[[0, 0], [1, 2]],
                                           values=[1, 2], dense_shape=[3, 4])
    print(tf.sparse.to_dense(sparse_tensor).numpy())
    # Verify
    dense = np.zeros((3, 4), dtype=np.int32)
    dense[0, 0], dense[1, 2] = 1, 2
    return [
        check_close("its stored values", sparse_tensor.values,
                    np.array([1, 2], dtype=np.int32), by="values=[1, 2], as int32"),
        check_close("tf.sparse.to_dense", tf.sparse.to_dense(sparse_tensor), dense,
                    by="NumPy zeros with the 2 values"),
    ]


EXAMPLES = [
    ranks_and_dtypes,
    tensors_are_immutable,
    convert_to_numpy,
    basic_math,
    reductions,
    shapes,
    indexing,
    reshaping,
    bad_reshapes,
    casting_dtypes,
    broadcasting,
    ragged_tensors,
    string_tensors,
    sparse_tensors,
]
