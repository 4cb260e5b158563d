# expect: PASS
import tensorflow as tf


def field(a, b, x, y):
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        r = a[..., None] * x + b[..., None] - y          # (rows, cols, K)
        L = tf.reduce_mean(r * r, axis=-1)
    dL_da, dL_db = tape.gradient(L, [a, b])   # L's grid points are independent
    return L, dL_da, dL_db
