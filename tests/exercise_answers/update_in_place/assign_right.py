# expect: PASS
import tensorflow as tf


def train(w, x, y, lr, num_steps):
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean(tf.square(x @ w - y))
        w.assign(w - lr * tape.gradient(L, w))
    return w
