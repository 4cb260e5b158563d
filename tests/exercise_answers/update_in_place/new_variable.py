# expect: FAIL not the tf.Variable it was given
import tensorflow as tf


def train(w, x, y, lr, num_steps):
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((x @ w - y) ** 2)
        w = tf.Variable(w - lr * tape.gradient(L, w))
    return w
