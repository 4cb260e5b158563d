# expect: PASS
import tensorflow as tf


def compute(x_value):
    x = tf.constant(x_value)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3 + 2 * x
    return tape, y, x
