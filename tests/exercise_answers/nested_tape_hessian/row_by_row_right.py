# expect: PASS
# one row at a time from a persistent outer tape
import tensorflow as tf


def hessian(w, A):
    with tf.GradientTape(persistent=True) as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.reduce_sum(w * tf.linalg.matvec(A, w)) + tf.reduce_sum(tf.sin(w))
        g = t1.gradient(L, w)
        rows = [g[i] for i in range(w.shape[0])]
    return tf.stack([t2.gradient(row, w) for row in rows])
