# expect: FAIL where it should hold
import tensorflow as tf


def side_by_side(x):
    a, b, c = x.shape
    return tf.reshape(tf.transpose(x, [1, 2, 0]), [b, a * c])
