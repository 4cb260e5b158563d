# expect: FAIL where it should be row index
import tensorflow as tf


def pick_rows(matrix, index):
    return tf.gather(matrix, tf.sort(index))
