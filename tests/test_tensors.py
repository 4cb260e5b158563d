"""The tensors lesson: its computed values against literals from the guide and NumPy."""

import numpy as np
import pytest
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.lessons import tensors


def test_at_least_40_checks_all_passing():
    checks = [check for example in tensors.EXAMPLES for check in checks_of(example)]
    assert len(checks) >= 40
    assert [str(c) for c in checks if not c.passed] == []


def test_ranks_and_dtypes():
    got = computed_by_name(tensors.ranks_and_dtypes)
    assert got["tf.constant(4): rank 0, dtype int32"] == [0, "int32"]
    assert got["tf.constant([2.0, 3.0, 4.0]): rank 1, dtype float32"] == [1, "float32"]
    assert got["a matrix with dtype=tf.float16: rank 2, dtype float16"] == [2, "float16"]
    cube = np.asarray(got["a 3-axis tensor has shape (3, 2, 5) and holds 0..29"])
    assert cube.shape == (3, 2, 5) and cube[2, 1, 4] == 29


def test_math_matches_the_guide():
    got = computed_by_name(tensors.basic_math)
    np.testing.assert_array_equal(got["tf.add(a, b) is a + b"], [[2, 3], [4, 5]])
    np.testing.assert_array_equal(got["tf.multiply(a, b) is elementwise a * b"],
                                  [[1, 2], [3, 4]])
    np.testing.assert_array_equal(got["tf.matmul(a, b) is the matrix product"], [[3, 3], [7, 7]])


def test_reductions_match_the_guide():
    got = computed_by_name(tensors.reductions)
    np.testing.assert_allclose(got["tf.reduce_max(c) is the largest value"], 10.0)
    np.testing.assert_array_equal(got["tf.math.argmax(c) is the index of each column's largest"],
                                  [1, 0])
    assert got["argmax returns int64"] == "int64"
    # softmax([4, 5]) = [1/(1+e), e/(1+e)], from the guide's printed values
    np.testing.assert_allclose(got["tf.nn.softmax(c) normalises each row"],
                               [[2.6894143e-01, 7.3105860e-01], [9.9987662e-01, 1.2339458e-04]],
                               rtol=1e-5)


def test_shapes():
    got = computed_by_name(tensors.shapes)
    assert got["shape"] == [3, 2, 4, 5]
    np.testing.assert_array_equal(got["number of elements (tf.size)"], 120)
    np.testing.assert_array_equal(got["tf.shape gives the shape as a tensor"], [3, 2, 4, 5])


def test_indexing():
    got = computed_by_name(tensors.index_a_single_axis)
    np.testing.assert_array_equal(got["[2:7], from 2 up to 7"], [1, 2, 3, 5, 8])
    np.testing.assert_array_equal(got["[::2], every other item"], [0, 1, 3, 8, 21])
    np.testing.assert_array_equal(got["[::-1], reversed"], [34, 21, 13, 8, 5, 3, 2, 1, 1, 0])
    got = computed_by_name(tensors.index_several_axes)
    np.testing.assert_array_equal(got["[:, 1] is the second column"], [2, 4, 6])
    np.testing.assert_array_equal(got["[:, :, 4] of a 3-axis tensor: the last feature everywhere"],
                                  [[4, 9], [14, 19], [24, 29]])


def test_reshape_and_its_failure():
    got = computed_by_name(tensors.reshape_that_scrambles)
    np.testing.assert_array_equal(np.asarray(got["reshape to [2, 3, 5] reslices memory"])[1, 0],
                                  [15, 16, 17, 18, 19])
    np.testing.assert_array_equal(np.asarray(got["tf.transpose swaps the axes"])[1, 0],
                                  [5, 6, 7, 8, 9])
    assert got["reshape 30 values to [7, -1] raises"] is tf.errors.InvalidArgumentError


def test_cast_truncates():
    got = computed_by_name(tensors.casting_dtypes)
    np.testing.assert_array_equal(got["cast float16 → uint8 truncates"], [2, 3, 4])


def test_broadcasting_outer_product():
    got = computed_by_name(tensors.broadcasting)
    np.testing.assert_array_equal(got["(3, 1) * (4,) is the (3, 4) outer product"],
                                  [[1, 2, 3, 4], [2, 4, 6, 8], [3, 6, 9, 12]])


def test_ragged_strings_sparse():
    got = computed_by_name(tensors.ragged_tensors)
    assert got["tf.constant on a ragged list raises"] is ValueError
    assert got["tf.ragged.constant has shape (4, None)"] == [4, None]
    got = computed_by_name(tensors.string_tensors)
    assert np.asarray(got["a string tensor holds bytes"]).item() == b"Gray wolf"
    np.testing.assert_array_equal(got["tf.io.decode_raw gives the bytes"], [68, 117, 99, 107])
    np.testing.assert_array_equal(got["tf.strings.unicode_decode gives code points"],
                                  [12450, 12498, 12523, 32, 129414])
    got = computed_by_name(tensors.sparse_tensors)
    np.testing.assert_array_equal(got["tf.sparse.to_dense fills in the zeros"],
                                  [[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]])


@pytest.mark.parametrize("example", tensors.EXAMPLES, ids=lambda e: e.__name__)
def test_examples_have_docstrings(example):
    assert example.__doc__ and example.__doc__.strip().endswith(".")
