# expect: FAIL after the first step w is no longer the tf.Variable
import tensorflow as tf


def train(w, x, y, lr, num_steps):
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((x @ w - y) ** 2)
        dL_dw = tape.gradient(L, w)
        w = w - lr * dL_dw
    return w
