# expect: FAIL x is a tf.Variable made with trainable=False
import tensorflow as tf


def compute(x_value):
    x = tf.Variable(x_value, trainable=False)
    with tf.GradientTape() as tape:
        y = x**3 + 2 * x
    return tape, y, x
