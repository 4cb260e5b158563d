# expect: FAIL the opposite sign
import tensorflow as tf


def differences(x, y):
    return y - tf.reshape(x, [-1, 1])
