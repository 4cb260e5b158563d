# expect: FAIL x is a tf.Tensor, not a tf.Variable
import tensorflow as tf


def compute(x_value):
    x = tf.convert_to_tensor(x_value)
    with tf.GradientTape() as tape:
        y = x**3 + 2 * x
    return tape, y, x
