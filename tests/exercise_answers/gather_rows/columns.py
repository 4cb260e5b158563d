# expect: FAIL it picked columns of matrix, not rows
import tensorflow as tf


def pick_rows(matrix, index):
    return tf.gather(matrix, index, axis=1)
