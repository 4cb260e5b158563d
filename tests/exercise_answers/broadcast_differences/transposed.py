# expect: FAIL one row per element of y
import tensorflow as tf


def differences(x, y):
    return tf.reshape(y, [-1, 1]) - x
