# expect: PASS
import tensorflow as tf


@tf.function
def step(w, x, y, lr):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean((x @ w - y) ** 2)
    w.assign_sub(lr * tape.gradient(L, w))


def train(w, x, y, lr, num_steps):
    for _ in range(num_steps):
        step(w, x, y, lr)
    return w
