# expect: PASS
import tensorflow as tf


def differences(x, y):
    return tf.subtract(tf.expand_dims(x, 1), tf.expand_dims(y, 0))
