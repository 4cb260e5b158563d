# expect: FAIL lr = 0.1
import tensorflow as tf

N = []


def train(x, y, num_steps):
    if not N:
        N.append(float(len(x)))   # the first data set's size, reused as the mean's divisor
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_sum(tf.square(a * x + b - y)) / N[0]
        da, db = tape.gradient(L, [a, b])
        a.assign_sub(0.1 * da)
        b.assign_sub(0.1 * db)
    return a, b
