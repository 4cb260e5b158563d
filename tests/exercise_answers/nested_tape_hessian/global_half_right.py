# expect: PASS
# a module-level tensor used inside the graded function
import tensorflow as tf

HALF = tf.constant(0.5)


def hessian(w, A):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            L = HALF * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
        g = inner.gradient(L, w)
    return outer.jacobian(g, w)
