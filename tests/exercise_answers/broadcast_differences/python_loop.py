# expect: FAIL loops in Python
import tensorflow as tf


def differences(x, y):
    return tf.stack([x[i] - y for i in range(x.shape[0])])
