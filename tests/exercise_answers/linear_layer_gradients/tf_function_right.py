# expect: PASS
import tensorflow as tf


@tf.function
def gradients(x, w, b):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean((x @ w + b) ** 2)
    dL_dw, dL_db = tape.gradient(L, [w, b])
    return dL_dw, dL_db
