# expect: PASS
import tensorflow as tf


def make_counter():
    return tf.Variable(0, trainable=False)


def train_step(w, counter, x, y, lr):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean((x @ w - y) ** 2)
    w.assign_sub(lr * tape.gradient(L, w))
    counter.assign_add(1)
