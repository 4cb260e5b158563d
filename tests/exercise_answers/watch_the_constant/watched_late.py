# expect: FAIL watches x only after y is computed
import tensorflow as tf


def compute(x_value):
    x = tf.constant(x_value)
    with tf.GradientTape() as tape:
        y = x**3 + 2 * x
        tape.watch(x)
    return tape, y, x
