# expect: PASS
# a module-level tensor used inside the graded function
import tensorflow as tf

TWO = tf.constant(2.0)


def gradients(x, w, b):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean(tf.pow(x @ w + b, TWO))
    dL_dw, dL_db = tape.gradient(L, [w, b])
    return dL_dw, dL_db
