# expect: FAIL x is a tf.Tensor made by tf.constant
import tensorflow as tf


def compute(x_value):
    x = tf.constant(x_value)
    with tf.GradientTape() as tape:
        y = x**3 + 2 * x
    return tape, y, x
