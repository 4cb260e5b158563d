# expect: FAIL records L on a tf.GradientTape
import tensorflow as tf


def field(a, b, x, y):
    r = a[..., None] * x + b[..., None] - y
    L = tf.reduce_mean(r * r, axis=-1)
    dL_da = tf.reduce_mean(2 * r * x, axis=-1)
    dL_db = tf.reduce_mean(2 * r, axis=-1)
    return L, dL_da, dL_db
