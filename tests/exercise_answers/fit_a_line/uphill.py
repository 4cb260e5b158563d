# expect: FAIL one step from (a, b)
"""Exercise fit_a_line: fit y ≈ a·x + b by gradient descent.

train(x, y, num_steps) starts from a = b = 0, takes num_steps steps of plain gradient descent
(lr = 0.1) on L = mean((a·x + b - y)²) and returns (a, b). x and y are float32 tensors of
shape (N,).
Check it: python -m tfbasics.exercises check fit_a_line
"""
import tensorflow as tf


def train(x, y, num_steps):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    lr = 0.1  # the learning rate
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((a * x + b - y) ** 2)
        dL_da, dL_db = tape.gradient(L, [a, b])
        a.assign_add(lr * dL_da)
        b.assign_sub(lr * dL_db)
    return a, b
