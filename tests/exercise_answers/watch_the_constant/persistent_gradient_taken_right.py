# expect: PASS
# a persistent tape answers again: asking it once inside compute is fine
import tensorflow as tf


def compute(x_value):
    x = tf.constant(x_value)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x**3 + 2 * x
    tape.gradient(y, x)
    return tape, y, x
