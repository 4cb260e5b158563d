# expect: FAIL not straight downhill
import tensorflow as tf


def train(x, y, num_steps):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    lr = 0.1
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean(tf.square(a * x + b - y))
        a.assign_sub(lr * tape.gradient(L, a))
        with tf.GradientTape() as tape:   # b's gradient at the NEW a: not plain GD
            L = tf.reduce_mean(tf.square(a * x + b - y))
        b.assign_sub(lr * tape.gradient(L, b))
    return a, b
