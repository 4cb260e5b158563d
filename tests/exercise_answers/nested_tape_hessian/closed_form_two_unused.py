# expect: FAIL none of it comes from the tapes
# the closed form, beside a real nested Hessian that it never returns
import tensorflow as tf


def hessian(w, A):
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
        g = t1.gradient(L, w)
    unused = t2.jacobian(g, w)
    return A - tf.linalg.diag(tf.sin(w))
