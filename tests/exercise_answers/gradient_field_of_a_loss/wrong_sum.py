# expect: FAIL
import tensorflow as tf


def field(a, b, x, y):
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        L = tf.reduce_sum(tf.square(a[..., None] * x + b[..., None] - y), axis=-1)
    dL_da, dL_db = tape.gradient(L, [a, b])
    return L, dL_da, dL_db
