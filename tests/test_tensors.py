"""The tensors lesson: its computed values against numbers from the guide, by hand, or NumPy.

`computed_by_name` runs an example twice (it must give the same checks) and asserts each check
passed; the values are then compared here with numbers written out, never read back from the
lesson. Guide: https://www.tensorflow.org/guide/tensor (and /guide/basics for tf.concat).
"""

import numpy as np
import pytest
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.lessons import tensors


def test_every_example_passes_twice_over_with_unique_names():
    names = [check.name for example in tensors.EXAMPLES for check in checks_of(example)]
    assert len(names) >= 80
    assert len(names) == len(set(names)), "check names must be unique within the lesson"


def test_ranks_and_dtypes():
    got = computed_by_name(tensors.ranks_and_dtypes)
    assert got["tf.constant(4): rank 0, dtype int32"] == [0, "int32"]
    assert got["tf.constant([2.0, 3.0, 4.0]): rank 1, dtype float32"] == [1, "float32"]
    assert got["a matrix with dtype=tf.float16: rank 2, dtype float16"] == [2, "float16"]
    cube = np.asarray(got["a 3-axis tensor has shape (3, 2, 5) and holds 0..29"])
    assert cube.shape == (3, 2, 5) and cube[2, 1, 4] == 29 and cube[1, 0, 0] == 10  # the guide


def test_tensors_are_immutable():
    got = computed_by_name(tensors.tensors_are_immutable)
    np.testing.assert_array_equal(got["x + 1 is a new tensor"], [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(got["x itself is unchanged"], [1.0, 2.0, 3.0])
    assert got["x[0] = 9.0 raises: a tensor has no item assignment"] is TypeError


def test_convert_to_numpy():
    as_array, kinds = computed_by_name(tensors.convert_to_numpy).values()
    np.testing.assert_array_equal(as_array, [[1, 2], [3, 4], [5, 6]])
    assert kinds == ["ndarray", "float16"]


def test_math_matches_the_guide():
    got = computed_by_name(tensors.basic_math)
    np.testing.assert_array_equal(got["tf.add(a, b) is a + b"], [[2, 3], [4, 5]])
    np.testing.assert_array_equal(got["tf.multiply(a, b) is elementwise a * b"],
                                  [[1, 2], [3, 4]])
    np.testing.assert_array_equal(got["tf.matmul(a, b) is the matrix product"], [[3, 3], [7, 7]])


def test_concat_from_the_basics_guide():
    shape, rows, columns = computed_by_name(tensors.joining_tensors).values()
    assert shape == [6, 3]  # the basics guide: (2, 3) stacked three times along axis 0
    x = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    np.testing.assert_array_equal(rows, x + x + x)  # list concatenation: rows after rows
    np.testing.assert_array_equal(columns, [[1, 2, 3] * 3, [4, 5, 6] * 3])


def test_reductions_match_the_guide():
    got = computed_by_name(tensors.reductions)
    np.testing.assert_allclose(got["tf.reduce_max(c) is the largest value"], 10.0)
    np.testing.assert_array_equal(got["tf.math.argmax(c) is the index of each column's largest"],
                                  [1, 0])
    assert got["argmax returns int64"] == "int64"
    index, dtype = got["argmax of an int64 tensor: index 1, an int64 too"]
    assert int(index) == 1 and dtype == "int64"  # [3, 9, 2]: 9 is at index 1
    assert got["argmax(..., output_type=tf.int32) gives int32"] == "int32"
    # softmax([4, 5]) = [1/(1+e), e/(1+e)], the guide's printed values
    np.testing.assert_allclose(got["tf.nn.softmax(c) normalises each row"],
                               [[2.6894143e-01, 7.3105860e-01], [9.9987662e-01, 1.2339458e-04]],
                               rtol=1e-5)


def test_ops_accept_lists_and_arrays():
    from_list, from_array, dtype = computed_by_name(tensors.ops_accept_lists_and_arrays).values()
    assert int(from_list) == 3 and int(from_array) == 3 and dtype == "float32"


def test_shapes():
    got = computed_by_name(tensors.shapes)
    assert got["shape (.shape)"] == [3, 2, 4, 5]
    assert got["first and last axis (.shape[0], .shape[-1])"] == [3, 5]
    np.testing.assert_array_equal(got["number of elements (tf.size)"], 120)  # the guide: 3·2·4·5


def test_rank_and_shape_are_tensors():
    got = computed_by_name(tensors.rank_and_shape_as_tensors)
    assert got[".ndim is an int, .shape a TensorShape"] == ["int", "TensorShape"]
    assert got["tf.rank and tf.shape return tensors"] == [True, True]
    np.testing.assert_array_equal(got["tf.rank gives the rank 4"], 4)
    np.testing.assert_array_equal(got["tf.shape gives [3, 2, 4, 5]"], [3, 2, 4, 5])
    static, n = got["in a tf.function: .shape is [None], tf.shape(v)[0] is 7"]
    assert static == [[None]] and int(n) == 7  # traced once, with an unknown length


def test_indexing():
    got = computed_by_name(tensors.index_a_single_axis)
    np.testing.assert_array_equal(got["[0], [1] and [-1]"], [0, 1, 34])
    np.testing.assert_array_equal(got["[2:7], from 2 up to 7"], [1, 2, 3, 5, 8])
    np.testing.assert_array_equal(got["[::2], every other item"], [0, 1, 3, 8, 21])
    np.testing.assert_array_equal(got["[::-1], reversed"], [34, 21, 13, 8, 5, 3, 2, 1, 1, 0])
    got = computed_by_name(tensors.index_several_axes)
    np.testing.assert_array_equal(got["[1, :] is the second row"], [3, 4])
    np.testing.assert_array_equal(got["[:, 1] is the second column"], [2, 4, 6])
    np.testing.assert_array_equal(got["[0, -1] is the first item of the last column"], 2)
    np.testing.assert_array_equal(got["[:, :, 4] of a 3-axis tensor: the last feature everywhere"],
                                  [[4, 9], [14, 19], [24, 29]])


def test_reshaping():
    got = computed_by_name(tensors.reshaping)
    assert got["x.shape.as_list() of [[1], [2], [3]]"] == [3, 1]
    np.testing.assert_array_equal(got["reshape the (3, 1) to (1, 3)"], [[1, 2, 3]])
    np.testing.assert_array_equal(got["reshape to [-1] flattens in memory order"], range(30))
    merged = np.asarray(got["reshape to [3*2, 5] merges the first two axes"])
    np.testing.assert_array_equal(merged[1], [5, 6, 7, 8, 9])  # the guide's printout
    np.testing.assert_array_equal(
        np.asarray(got["[3, -1]: TF works out the 10 and merges the last two"])[2],
        range(20, 30))


def test_bad_reshapes_as_the_guide_shows_them():
    got = computed_by_name(tensors.bad_reshapes)
    resliced = np.asarray(got["reshape to [2, 3, 5] equals NumPy's reshape"])
    np.testing.assert_array_equal(resliced[1, 0], [15, 16, 17, 18, 19])  # the guide's printout
    swapped = np.asarray(got["tf.transpose(..., [1, 0, 2]) equals NumPy's transpose"])
    np.testing.assert_array_equal(swapped[1, 0], [5, 6, 7, 8, 9])
    firsts = got["first value of each row: the reshape, then the transpose"]
    np.testing.assert_array_equal(firsts[0], [[0, 5, 10], [15, 20, 25]])  # rows of 5 in order
    np.testing.assert_array_equal(firsts[1], [[0, 10, 20], [5, 15, 25]])  # row j of each block
    assert got["so the reshape is not the axis swap"] is False
    mess = np.asarray(got["reshape to [5, 6] equals NumPy's reshape"])
    np.testing.assert_array_equal(mess[4], [24, 25, 26, 27, 28, 29])  # the guide's last row
    row, block = got["row 1 of the [5, 6] and the block of each value (value // 10)"]
    np.testing.assert_array_equal(row, [6, 7, 8, 9, 10, 11])
    np.testing.assert_array_equal(block, [0, 0, 0, 0, 1, 1])
    assert got["reshape 30 values to [7, -1] raises"] is tf.errors.InvalidArgumentError
    with pytest.raises(ValueError):  # NumPy refuses the same shape: 30 is not a multiple of 7
        np.arange(30).reshape(7, -1)


def test_cast_truncates():
    got = computed_by_name(tensors.casting_dtypes)
    np.testing.assert_allclose(got["cast float64 → float16"], [2.2, 3.3, 4.4], rtol=1e-3)
    np.testing.assert_array_equal(got["cast float16 → uint8 truncates"], [2, 3, 4])  # the guide
    assert got["int32 + float32 tensors raise: TF does not promote dtypes"] is \
        tf.errors.InvalidArgumentError


def test_broadcasting():
    got = computed_by_name(tensors.broadcasting)
    for product in got["tf.multiply(x, 2), x * y and x * z are the same"]:
        np.testing.assert_array_equal(product, [2, 4, 6])  # the guide
    np.testing.assert_array_equal(got["(3, 1) * (4,) is the (3, 4) outer product"],
                                  [[1, 2, 3, 4], [2, 4, 6, 8], [3, 6, 9, 12]])


def test_the_stretched_tensors():
    got = computed_by_name(tensors.the_stretched_tensors)
    np.testing.assert_array_equal(got["tf.broadcast_to(x, [3, 4]) is the guide's x_stretch"],
                                  [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]])
    np.testing.assert_array_equal(got["tf.broadcast_to(y, [3, 4]) is the guide's y_stretch"],
                                  [[1, 2, 3, 4]] * 3)
    outer = [[1, 2, 3, 4], [2, 4, 6, 8], [3, 6, 9, 12]]  # the guide's printout of both
    np.testing.assert_array_equal(got["x * y equals the guide's x_stretch * y_stretch"], outer)
    np.testing.assert_array_equal(got["and x_stretch * y_stretch in TF gives the same"], outer)
    assert [int(n) for n in got["values stored: x 3, y 4, x_stretch 12"]] == [3, 4, 12]
    np.testing.assert_array_equal(got["tf.broadcast_to([1, 2, 3], [3, 3])"], [[1, 2, 3]] * 3)


def test_ragged_and_sparse():
    got = computed_by_name(tensors.ragged_tensors)
    assert got["tf.constant on a ragged list raises"] is ValueError
    assert got["tf.ragged.constant has shape (4, None)"] == [4, None]
    np.testing.assert_array_equal(got["each row keeps its length"], [4, 2, 3, 1])
    got = computed_by_name(tensors.sparse_tensors)
    np.testing.assert_array_equal(got["the sparse tensor stores 2 values"], [1, 2])
    np.testing.assert_array_equal(got["tf.sparse.to_dense fills in the zeros"],
                                  [[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]])


def test_string_tensors_and_utf8():
    got = computed_by_name(tensors.string_tensors)
    assert np.asarray(got["a string tensor holds bytes"]).item() == b"Gray wolf"
    assert got["three strings make a shape (3,) tensor"] == [3]
    np.testing.assert_array_equal(got["tf.strings.length of the three, in bytes"], [9, 15, 8])
    # the guide prints b'\xf0\x9f\xa5\xb3\xf0\x9f\x91\x8d': 🥳 is U+1F973, 👍 is U+1F44D
    emoji = np.asarray(got["tf.constant('🥳👍') holds UTF-8 bytes"]).item()
    assert emoji == "\U0001F973\U0001F44D".encode("utf-8") and len(emoji) == 8
    assert [int(n) for n in got["its length: 8 bytes, 2 UTF-8 characters"]] == [8, 2]


def test_splitting_strings():
    got = computed_by_name(tensors.splitting_strings)
    assert list(np.asarray(got["tf.strings.split a scalar"])) == [b"Gray", b"wolf"]
    kind, lengths = got["tf.strings.split of a vector is ragged"]
    assert kind == "RaggedTensor"
    np.testing.assert_array_equal(lengths, [2, 3, 2])
    assert got["... with each string's words"] == [[b"Gray", b"wolf"], [b"Quick", b"brown", b"fox"],
                                                   [b"Lazy", b"dog"]]
    np.testing.assert_array_equal(got["tf.strings.to_number"], [1.0, 10.0, 100.0])  # the guide


def test_bytes_and_characters():
    got = computed_by_name(tensors.bytes_and_characters)
    assert got["tf.cast of a string to float32 raises"] is tf.errors.UnimplementedError
    assert list(np.asarray(got["tf.strings.bytes_split('Duck')"])) == [b"D", b"u", b"c", b"k"]
    np.testing.assert_array_equal(got["tf.io.decode_raw gives the bytes"], [68, 117, 99, 107])
    # ア U+30A2, ヒ U+30D2, ル U+30EB in UTF-8 are 3 bytes each; 🦆 U+1F986 is 4
    assert list(np.asarray(got["tf.strings.unicode_split gives each character's UTF-8 bytes"])) \
        == [b"\xe3\x82\xa2", b"\xe3\x83\x92", b"\xe3\x83\xab", b" ", b"\xf0\x9f\xa6\x86"]
    np.testing.assert_array_equal(got["tf.strings.unicode_decode gives code points"],
                                  [0x30A2, 0x30D2, 0x30EB, 0x20, 0x1F986])
