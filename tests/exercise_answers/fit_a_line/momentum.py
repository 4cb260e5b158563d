# expect: FAIL the second
# Gradient descent with momentum: reaches the same fit, but the task asks for plain steps.
import tensorflow as tf


def train(x, y, num_steps):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    lr, beta = 0.1, 0.5
    va, vb = 0.0, 0.0
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((a * x + b - y) ** 2)
        dL_da, dL_db = tape.gradient(L, [a, b])
        va = beta * va + dL_da
        vb = beta * vb + dL_db
        a.assign_sub(lr * va)
        b.assign_sub(lr * vb)
    return a, b
