# expect: PASS
# NumPy arrays of the right values: the task asks for the values
import tensorflow as tf


def gradients(x, w, b):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean((x @ w + b) ** 2)
    dL_dw, dL_db = tape.gradient(L, [w, b])
    return dL_dw.numpy(), dL_db.numpy()
