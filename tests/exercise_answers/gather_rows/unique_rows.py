# expect: FAIL has shape
import tensorflow as tf


def pick_rows(matrix, index):
    return tf.gather(matrix, tf.unique(index).y)
