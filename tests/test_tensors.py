"""The tensors lesson: its computed values against numbers from the guide, by hand, or NumPy.

`computed_by_name` runs an example twice (it must give the same checks) and asserts each check
passed; the values are then compared here with numbers written out, never read back from the
lesson. Guide: https://www.tensorflow.org/guide/tensor (and /guide/basics for tf.concat).
"""

import contextlib
import io

import numpy as np
import pytest
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.checks import check_close
from tfbasics.lessons import tensors


def printed(example):
    """Return what an example prints: the output the course shows beside its code."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        example()
    return out.getvalue()


def test_every_example_passes_twice_over_with_unique_names():
    names = [check.name for example in tensors.EXAMPLES for check in checks_of(example)]
    assert len(names) >= 70
    assert len(names) == len(set(names)), "check names must be unique within the lesson"
    assert all(check.by for example in tensors.EXAMPLES for check in checks_of(example)
               if not isinstance(check.expected, type)), "every check_close says where from"


def _retyped(value):
    """Return `value` with each integer or bool array in it given another dtype (int32 ↔
    int64, bool → float32 0/1), and whether there was one."""
    if isinstance(value, (list, tuple)):
        items = [_retyped(item) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    if not hasattr(value, "dtype") or isinstance(value, tf.RaggedTensor):
        return value, False
    array = np.asarray(value)
    if array.dtype.kind not in "iub":
        return value, False
    other = {"b": np.float32, "i": np.int64 if array.dtype != np.int64 else np.int32,
             "u": np.int32}[array.dtype.kind]
    return array.astype(other), True


@pytest.mark.parametrize("example", tensors.EXAMPLES, ids=lambda e: e.__name__)
def test_integer_checks_compare_the_dtype(example):
    # Each integer check's expected value carries its dtype: the same numbers in another
    # integer dtype (an int64 for an int32, a 0/1 float for a bool) must fail the check.
    for check in checks_of(example):
        twin, changed = _retyped(check.computed)
        if changed:
            assert not check_close(check.name, twin, check.expected).passed, check.name


def test_what_the_examples_print_is_tf_s_own_output():
    # The guide's printed values, written out: TF's reprs for a scalar and a vector
    out = printed(tensors.ranks_and_dtypes)
    assert "tf.Tensor(4, shape=(), dtype=int32)" in out
    assert "tf.Tensor([2. 3. 4.], shape=(3,), dtype=float32)" in out
    out = printed(tensors.reductions)
    assert "tf.Tensor(10.0, shape=(), dtype=float32)" in out
    assert "tf.Tensor([1 0], shape=(2,), dtype=int64)" in out
    out = printed(tensors.ragged_tensors)
    assert "<tf.RaggedTensor [[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]]>" in out
    assert "(4, None)" in out


def test_ranks_and_dtypes():
    got = computed_by_name(tensors.ranks_and_dtypes)
    assert got["the rank (.ndim) of each"] == [0, 1, 2, 3]
    assert got["the dtype of each"] == ["int32", "float32", "float16", "int32"]  # the guide
    cube = np.asarray(got["rank_3_tensor"])
    assert cube.shape == (3, 2, 5) and cube[2, 1, 4] == 29 and cube[1, 0, 0] == 10  # the guide
    assert cube.dtype == np.int32


def test_tensors_are_immutable():
    got = computed_by_name(tensors.tensors_are_immutable)
    np.testing.assert_array_equal(got["x + 1"], [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(got["x afterwards"], [1.0, 2.0, 3.0])
    assert got["x[0] = 9.0"] is TypeError


def test_numpy_and_np_array_copy_np_asarray_shares():
    got = computed_by_name(tensors.convert_to_numpy)
    # written 100 and 200 into the two copies; the tensor keeps the values it was made from
    np.testing.assert_array_equal(got["rank_2_tensor after both writes"], [[1, 2], [3, 4], [5, 6]])
    assert got["the dtype of .numpy() and np.array()"] == ["float16", "float16"]
    assert got["np.shares_memory of two .numpy() results"] is False  # each call copies
    assert got["np.shares_memory of two np.asarray() views"] is True  # CPU: the tensor's memory
    out = printed(tensors.convert_to_numpy).splitlines()
    assert out[0].split() == ["[100.", "2.]", "[1.", "2.]"]  # the copy changed, the tensor not
    assert out[1] == "float16 False"  # the view is read-only


def test_basic_math_and_concat_match_the_guides():
    got = computed_by_name(tensors.basic_math)
    for value in got["tf.add(a, b) and a + b"]:
        np.testing.assert_array_equal(value, [[2, 3], [4, 5]])
    for value in got["tf.multiply(a, b) and a * b"]:
        np.testing.assert_array_equal(value, [[1, 2], [3, 4]])
    for value in got["tf.matmul(a, b) and a @ b"]:
        np.testing.assert_array_equal(value, [[3, 3], [7, 7]])
    rows, columns = got["tf.concat along axis 0"], got["tf.concat along axis 1"]
    assert rows.shape == (6, 3)  # the basics guide: (2, 3) stacked three times along axis 0
    x = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    np.testing.assert_array_equal(rows, x + x + x)  # list concatenation: rows after rows
    np.testing.assert_array_equal(columns, [[1, 2, 3] * 3, [4, 5, 6] * 3])


def test_reductions_match_the_guide():
    got = computed_by_name(tensors.reductions)
    np.testing.assert_allclose(got["tf.reduce_max(c)"], 10.0)
    index = got["tf.math.argmax(c)"]
    np.testing.assert_array_equal(index, [1, 0])
    assert index.dtype == tf.int64
    assert got["argmax with output_type=tf.int32"].dtype == tf.int32
    # softmax([4, 5]) = [1/(1+e), e/(1+e)], the guide's printed values
    np.testing.assert_allclose(got["tf.nn.softmax(c)"],
                               [[2.6894143e-01, 7.3105860e-01], [9.9987662e-01, 1.2339458e-04]],
                               rtol=1e-5)
    from_list, from_array = got["tf.reduce_max of the list and the array"]
    assert int(from_list) == 3 and int(from_array) == 3  # max of [1, 2, 3]
    assert (from_list.dtype, from_array.dtype) == (tf.int32, tf.int64)  # the guide's dtypes


def test_shapes():
    got = computed_by_name(tensors.shapes)
    assert got["the dtype, .ndim and .shape"] == ["float32", 4, [3, 2, 4, 5]]
    assert got[".shape[0] and .shape[-1]"] == [3, 5]
    np.testing.assert_array_equal(got["tf.size"], 120)  # the guide: 3·2·4·5


def test_rank_and_shape_are_tensors():
    got = computed_by_name(tensors.shapes)
    assert got["the types of .ndim and .shape"] == ["int", "TensorShape"]
    rank, shape = got["tf.rank and tf.shape"]
    assert tf.is_tensor(rank) and tf.is_tensor(shape)
    np.testing.assert_array_equal(rank, 4)
    np.testing.assert_array_equal(shape, [3, 2, 4, 5])
    assert int(got["length of 7 zeros"]) == 7
    assert got["traces of length after 3 calls"] == 1  # one graph for lengths 7, 3 and 7
    out = printed(tensors.shapes)
    assert out.count("tracing with shape (None,)") == 1  # the Python print runs while tracing


def test_indexing():
    got = computed_by_name(tensors.indexing)
    np.testing.assert_array_equal(got["rank_1_tensor[0], [1] and [-1]"], [0, 1, 34])
    head, tail = got["rank_1_tensor[:4] and [4:]"]
    np.testing.assert_array_equal(head, [0, 1, 1, 2])
    np.testing.assert_array_equal(tail, [3, 5, 8, 13, 21, 34])
    middle, every_other = got["rank_1_tensor[2:7] and [::2]"]
    np.testing.assert_array_equal(middle, [1, 2, 3, 5, 8])
    np.testing.assert_array_equal(every_other, [0, 1, 3, 8, 21])
    np.testing.assert_array_equal(got["rank_1_tensor[::-1]"], [34, 21, 13, 8, 5, 3, 2, 1, 1, 0])
    np.testing.assert_array_equal(got["rank_2_tensor[1, 1] and [0, -1]"], [4, 2])
    row, last_row, column = got["rank_2_tensor[1, :], [-1, :] and [:, 1]"]
    np.testing.assert_array_equal(row, [3, 4])
    np.testing.assert_array_equal(last_row, [5, 6])
    np.testing.assert_array_equal(column, [2, 4, 6])
    np.testing.assert_array_equal(got["rank_2_tensor[1:, :]"], [[3, 4], [5, 6]])
    np.testing.assert_array_equal(got["rank_3_tensor[:, :, 4]"], [[4, 9], [14, 19], [24, 29]])


def test_reshaping():
    got = computed_by_name(tensors.reshaping)
    assert got["x.shape.as_list()"] == [3, 1]
    np.testing.assert_array_equal(got["reshaped"], [[1, 2, 3]])
    np.testing.assert_array_equal(got["reshape to [-1]"], range(30))
    merged = np.asarray(got["reshape to [3*2, 5]"])
    np.testing.assert_array_equal(merged[1], [5, 6, 7, 8, 9])  # the guide's printout
    np.testing.assert_array_equal(np.asarray(got["reshape to [3, -1]"])[2], range(20, 30))


def test_bad_reshapes_as_the_guide_shows_them():
    got = computed_by_name(tensors.bad_reshapes)
    resliced = np.asarray(got["reshape to [2, 3, 5]"])
    np.testing.assert_array_equal(resliced[1, 0], [15, 16, 17, 18, 19])  # the guide's printout
    np.testing.assert_array_equal(resliced[:, :, 0], [[0, 5, 10], [15, 20, 25]])  # rows of 5
    swapped = np.asarray(got["tf.transpose(..., [1, 0, 2])"])
    np.testing.assert_array_equal(swapped[1, 0], [5, 6, 7, 8, 9])
    np.testing.assert_array_equal(swapped[:, :, 0], [[0, 10, 20], [5, 15, 25]])  # row j of each
    assert got["np.array_equal(resliced, the swap)"] is False
    mess = np.asarray(got["reshape to [5, 6]"])
    np.testing.assert_array_equal(mess[4], [24, 25, 26, 27, 28, 29])  # the guide's last row
    np.testing.assert_array_equal(mess[1], [6, 7, 8, 9, 10, 11])
    np.testing.assert_array_equal(got["the block of each value in row 1"], [0, 0, 0, 0, 1, 1])
    assert got["reshaping 30 values to [7, -1]"] is tf.errors.InvalidArgumentError
    with pytest.raises(ValueError):  # NumPy refuses the same shape: 30 is not a multiple of 7
        np.arange(30).reshape(7, -1)


def test_cast_truncates():
    got = computed_by_name(tensors.casting_dtypes)
    dtype, f16 = got["cast to float16"]
    assert dtype == "float16"
    np.testing.assert_allclose(f16, [2.2, 3.3, 4.4], rtol=1e-3)
    np.testing.assert_array_equal(got["cast to uint8"], [2, 3, 4])  # the guide
    assert got["tf.constant([1, 2]) + tf.constant([0.5, 0.5])"] is tf.errors.InvalidArgumentError


def test_broadcasting_and_the_stretched_tensors():
    got = computed_by_name(tensors.broadcasting)
    for product in got["tf.multiply(x, 2), x * y and x * z"]:
        np.testing.assert_array_equal(product, [2, 4, 6])  # the guide
    outer = [[1, 2, 3, 4], [2, 4, 6, 8], [3, 6, 9, 12]]  # the guide's printout
    np.testing.assert_array_equal(got["column * row"], outer)
    np.testing.assert_array_equal(got["x_stretch"], [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]])
    np.testing.assert_array_equal(got["y_stretch"], [[1, 2, 3, 4]] * 3)
    np.testing.assert_array_equal(got["x_stretch * y_stretch"], outer)
    sizes = got["the values stored by column, row and x_stretch"]
    assert [int(n) for n in sizes] == [3, 4, 12]


def test_ragged_and_sparse():
    got = computed_by_name(tensors.ragged_tensors)
    assert got["tf.constant(ragged_list)"] is ValueError
    assert got["ragged_tensor.shape"] == [4, None]
    np.testing.assert_array_equal(got["its row lengths"], [4, 2, 3, 1])
    assert got["its values"] == [[0, 1, 2, 3], [4, 5], [6, 7, 8], [9]]
    got = computed_by_name(tensors.sparse_tensors)
    np.testing.assert_array_equal(got["its stored values"], [1, 2])
    np.testing.assert_array_equal(got["tf.sparse.to_dense"],
                                  [[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]])


def test_string_tensors_and_utf8():
    got = computed_by_name(tensors.string_tensors)
    assert list(np.asarray(got["tensor_of_strings"])) == [b"Gray wolf", b"Quick brown fox",
                                                          b"Lazy dog"]
    np.testing.assert_array_equal(got["the length of each"], [9, 15, 8])
    np.testing.assert_array_equal(got["the number of words in each"], [2, 3, 2])
    assert list(np.asarray(got["all the words"])) == [b"Gray", b"wolf", b"Quick", b"brown",
                                                      b"fox", b"Lazy", b"dog"]
    # the guide prints b'\xf0\x9f\xa5\xb3\xf0\x9f\x91\x8d': 🥳 is U+1F973, 👍 is U+1F44D
    emoji = np.asarray(got["emoji"]).item()
    assert emoji == "\U0001F973\U0001F44D".encode("utf-8") and len(emoji) == 8
    assert [int(n) for n in got["its length in bytes and in characters"]] == [8, 2]


def test_bytes_and_characters():
    got = computed_by_name(tensors.string_tensors)
    assert got["tf.cast(tf.constant('1.5'), tf.float32)"] is tf.errors.UnimplementedError
    dtype, numbers = got["tf.strings.to_number"]
    assert dtype == "float32"
    np.testing.assert_array_equal(numbers, [1.0, 10.0, 100.0])  # the guide
    assert list(np.asarray(got["tf.strings.bytes_split"])) == [b"D", b"u", b"c", b"k"]
    np.testing.assert_array_equal(got["tf.io.decode_raw"], [68, 117, 99, 107])
    # ア U+30A2, ヒ U+30D2, ル U+30EB in UTF-8 are 3 bytes each; 🦆 U+1F986 is 4
    assert [c.encode() for c in got["duck's characters, decoded"]] == [
        b"\xe3\x82\xa2", b"\xe3\x83\x92", b"\xe3\x83\xab", b" ", b"\xf0\x9f\xa6\x86"]
    np.testing.assert_array_equal(got["tf.strings.unicode_decode"],
                                  [0x30A2, 0x30D2, 0x30EB, 0x20, 0x1F986])
