# expect: PASS
# the same nested tapes inside a tf.function
import tensorflow as tf


@tf.function
def hessian(w, A):
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
        g = t1.gradient(L, w)
    return t2.jacobian(g, w)
