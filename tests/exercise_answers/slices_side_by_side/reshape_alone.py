# expect: FAIL a reshape alone keeps
import tensorflow as tf


def side_by_side(x):
    a, b, c = x.shape
    return tf.reshape(x, [b, a * c])
