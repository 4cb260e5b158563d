# expect: FAIL where NumPy's steps give
import tensorflow as tf


def train(w, x, y, lr, num_steps):
    for _ in range(num_steps - 1):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((x @ w - y) ** 2)
        w.assign_sub(lr * tape.gradient(L, w))
    return w
