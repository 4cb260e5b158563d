"""The tensors exercises: each solution passes; the stub, typical wrong answers, a loop and a
hard-coded answer fail with a diagnosis that names where, never the answer."""

import pytest
from conftest import solution, stub, with_body

from tfbasics import exercises
from tfbasics.exercises.run import grade_source


def failed(name, text, seed=0):
    """Grade a wrong answer; assert it fails in one line without a traceback; its message."""
    result = grade_source(name, text, seed)
    assert not result["passed"], result
    assert "Traceback" not in result["message"] and "\n" not in result["message"]
    return result["message"]


NAMES = ["slices_side_by_side", "broadcast_differences", "gather_rows", "count_characters"]


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_and_the_stub_fails_helpfully(name):
    for seed in (0, 1):
        assert grade_source(name, solution(name), seed)["passed"]
    assert "still returns ... as the exercise gave it" in failed(name, stub(name))


@pytest.mark.parametrize("name", NAMES)
def test_the_exercises_are_tensors_exercises_in_order(name):
    exercise = exercises.find(name)
    assert exercise.lesson == "tensors" and exercise.order == NAMES.index(name) + 1


SIDE = "    return tf.reshape(tf.transpose(x, [1, 0, 2]), [b, a * c])  # (b, a, c), then merge a, c"


def test_slices_side_by_side_wrong_answers():
    message = failed("slices_side_by_side", with_body(
        "slices_side_by_side", SIDE, "    return tf.reshape(x, [b, a * c])"))
    # the plain reshape: the right shape, x's memory order; the message names the element
    assert "your result[0, " in message and "holds x[0, 1, " in message
    assert "where it should hold x[1, 0, " in message
    assert "a reshape alone keeps x's memory order" in message
    message = failed("slices_side_by_side", with_body(  # the wrong axis order: interleaved
        "slices_side_by_side", SIDE, "    return tf.reshape(tf.transpose(x, [1, 2, 0]), "
                                     "[b, a * c])"))
    assert "holds x[" in message and "memory order" not in message
    assert "transpose" not in message
    message = failed("slices_side_by_side", with_body(  # slices stacked, not side by side
        "slices_side_by_side", SIDE, "    return tf.reshape(x, [a * b, c])"))
    assert "has shape" in message and "but it should have shape" in message
    message = failed("slices_side_by_side", with_body(
        "slices_side_by_side", SIDE, "    return tf.concat([x[k] for k in range(a)], axis=1)"))
    assert "side_by_side loops in Python" in message
    assert grade_source("slices_side_by_side", with_body(  # another right answer, no loop
        "slices_side_by_side", SIDE, "    return tf.concat(tf.unstack(x), axis=1)"))["passed"]


def test_slices_side_by_side_hard_coded_fails():
    # right for x = tf.reshape(tf.range(12.0), [2, 3, 2]) only
    hard = with_body("slices_side_by_side", SIDE, "    return tf.constant([[0.0, 1, 6, 7], "
                     "[2, 3, 8, 9], [4, 5, 10, 11]])")
    assert "shape" in failed("slices_side_by_side", hard)


DIFF = "    return tf.reshape(x, [-1, 1]) - y  # (n, 1) - (m,) broadcasts to (n, m)"


def test_broadcast_differences_wrong_answers():
    message = failed("broadcast_differences", with_body("broadcast_differences", DIFF,
                                                        "    return x - y"))
    line = solution("broadcast_differences").splitlines().index(DIFF) + 1
    assert message.startswith(f"your code raised InvalidArgumentError at line {line}: ")
    assert "do not broadcast" in message and "function_node" not in message
    message = failed("broadcast_differences", with_body(  # the transposed matrix
        "broadcast_differences", DIFF, "    return x - tf.reshape(y, [-1, 1])"))
    assert "one row per element of y" in message
    message = failed("broadcast_differences", with_body(
        "broadcast_differences", DIFF, "    return y - tf.reshape(x, [-1, 1])"))
    assert "every D[i, j] has the opposite sign" in message
    message = failed("broadcast_differences", with_body(
        "broadcast_differences", DIFF, "    return tf.reshape(x, [-1, 1]) - tf.reverse(y, [0])"))
    assert "D is wrong in D[" in message and "where it should be" in message
    assert grade_source("broadcast_differences", with_body(  # another right answer
        "broadcast_differences", DIFF, "    return x[:, tf.newaxis] - y[tf.newaxis, :]"))["passed"]


def test_broadcast_differences_hard_coded_and_loops_fail():
    # right in column 0 only: y[0] for every column
    message = failed("broadcast_differences", with_body(
        "broadcast_differences", DIFF, "    return tf.reshape(x, [-1, 1]) - y[0] + 0 * y"))
    assert "D is wrong in D[" in message
    loop = with_body("broadcast_differences", DIFF,
                     "    return tf.stack([x - v for v in tf.unstack(y)], axis=1)")
    assert "differences loops in Python" in failed("broadcast_differences", loop)


GATHER = "    return tf.gather(matrix, index)  # along axis 0: whole rows"


def test_gather_rows_wrong_answers():
    message = failed("gather_rows", with_body("gather_rows", GATHER, "    return matrix[index]"))
    line = solution("gather_rows").splitlines().index(GATHER) + 1
    assert message.startswith(f"your code raised TypeError at line {line}: Only integers")
    message = failed("gather_rows", with_body("gather_rows", GATHER,
                                              "    return tf.gather(matrix, index, axis=1)"))
    assert "it picked columns of matrix, not rows" in message
    message = failed("gather_rows", with_body("gather_rows", GATHER,
                                              "    return tf.gather(matrix, tf.sort(index))"))
    assert "of your result is matrix row " in message and "where it should be row index[" \
        in message
    message = failed("gather_rows", with_body("gather_rows", GATHER,
                                              "    return tf.gather(matrix, index).numpy()"))
    assert "returns an ndarray, not a tf.Tensor" in message


def test_gather_rows_hard_coded_and_loops_fail():
    hard = with_body("gather_rows", GATHER, "    return tf.gather(matrix, [0, 2, 2, 1])")
    assert "shape" in failed("gather_rows", hard) or "row" in failed("gather_rows", hard)
    loop = with_body("gather_rows", GATHER,
                     "    return tf.stack([matrix[i] for i in index])")
    assert "pick_rows loops in Python" in failed("gather_rows", loop)
    mapped = with_body("gather_rows", GATHER,
                       "    return tf.stack(list(map(lambda i: matrix[i], index)))")
    assert "pick_rows loops in Python" in failed("gather_rows", mapped)
    numpy = with_body("gather_rows", GATHER,
                      "    return tf.constant(matrix.numpy()[index.numpy()])")
    assert "pick_rows goes through NumPy" in failed("gather_rows", numpy)


COUNT = '    return tf.strings.length(words, unit="UTF8_CHAR")  # characters, not bytes'


def test_count_characters_wrong_answers():
    message = failed("count_characters", with_body("count_characters", COUNT,
                                                   "    return tf.strings.length(words)"))
    assert "its UTF-8 bytes, but it has" in message and "characters" in message
    assert "UTF8_CHAR" not in message
    message = failed("count_characters", with_body(
        "count_characters", COUNT, '    return tf.strings.length(sentence, unit="UTF8_CHAR")'))
    assert "one number for the whole sentence" in message
    message = failed("count_characters", with_body(  # 'words' with the spaces counted in
        "count_characters", COUNT, '    return tf.strings.length(words, unit="UTF8_CHAR") + 1'))
    assert "your count is wrong in counts[" in message
    loop = with_body("count_characters", COUNT,
                     "    return tf.constant([len(w) for w in sentence.numpy().decode()"
                     ".split()])")
    assert "word_lengths loops in Python" in failed("count_characters", loop)


def test_count_characters_hard_coded_fails():
    # the stub's example, "café 🦆 wolf"
    hard = with_body("count_characters", COUNT, "    return tf.constant([4, 1, 4])")
    message = failed("count_characters", hard)
    assert "shape" in message or "wrong in counts[" in message


def test_tf_experimental_numpy_is_tf_and_numpy_under_another_name_is_not():
    tnp = with_body("broadcast_differences", DIFF,
                    "    return tf.experimental.numpy.subtract(tf.reshape(x, [-1, 1]), y)")
    assert grade_source("broadcast_differences", tnp)["passed"]
    aliased = with_body("broadcast_differences", DIFF,
                        "    return tf.constant(N.subtract.outer(x.numpy(), y.numpy()))").replace(
        "import tensorflow as tf\n", "import numpy as N\nimport tensorflow as tf\n", 1)
    assert "differences goes through NumPy" in failed("broadcast_differences", aliased)
    helper = with_body("broadcast_differences", DIFF,
                       "    return tf.stack(rows(x, y))\n\n\ndef rows(x, y):\n"
                       "    return [v - y for v in tf.unstack(x)]")
    assert "of rows, which it calls" in failed("broadcast_differences", helper)
