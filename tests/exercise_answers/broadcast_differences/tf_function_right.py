# expect: PASS
import tensorflow as tf


@tf.function
def differences(x, y):
    return tf.expand_dims(x, -1) - y
