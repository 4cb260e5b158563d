# expect: FAIL shape
import tensorflow as tf


def hessian(w, A):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            L = 0.5 * tf.reduce_sum(w * tf.linalg.matvec(A, w)) + tf.reduce_sum(tf.sin(w))
        g = inner.gradient(L, w)
    return tf.squeeze(outer.jacobian(g, w))    # shape () instead of (1, 1) when n = 1
