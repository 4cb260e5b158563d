# expect: PASS
# watch_accessed_variables=False, and the tensor watched by hand
import tensorflow as tf


def compute(x_value):
    x = tf.constant(x_value)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = tf.pow(x, 3) + 2 * x
    return tape, y, x
