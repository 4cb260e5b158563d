# expect: PASS
# One step as a tf.function helper, the variables made outside it.
import tensorflow as tf


@tf.function
def step(a, b, x, y, lr):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean(tf.square(a * x + b - y))
    dL_da, dL_db = tape.gradient(L, [a, b])
    a.assign_sub(lr * dL_da)
    b.assign_sub(lr * dL_db)


def train(x, y, num_steps):
    a, b = tf.Variable(0.0), tf.Variable(0.0)
    for _ in range(num_steps):
        step(a, b, x, y, 0.1)
    return a, b
