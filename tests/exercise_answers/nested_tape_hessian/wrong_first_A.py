# expect: FAIL the Hessian is wrong
import tensorflow as tf

_A = {}


def hessian(w, A):
    n = w.shape[0]
    A = _A.setdefault(n, tf.identity(A))     # keeps the first A of each size
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            L = 0.5 * tf.reduce_sum(w * tf.linalg.matvec(A, w)) + tf.reduce_sum(tf.sin(w))
        g = inner.gradient(L, w)
    return outer.jacobian(g, w)
