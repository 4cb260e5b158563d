# expect: PASS
import tensorflow as tf


def differences(x, y):
    return tf.reshape(x, [-1, 1]) - y
