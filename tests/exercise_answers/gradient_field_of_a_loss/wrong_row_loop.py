# expect: FAIL loop
import tensorflow as tf


def field(a, b, x, y):
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        rows = []
        for i in range(a.shape[0]):          # a Python loop over the grid's rows
            for j in range(a.shape[1]):
                rows.append(tf.reduce_mean(tf.square(a[i, j] * x + b[i, j] - y)))
        L = tf.reshape(tf.stack(rows), a.shape)
    dL_da, dL_db = tape.gradient(L, [a, b])
    return L, dL_da, dL_db
