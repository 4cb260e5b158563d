# expect: FAIL only one derivative comes from a tape
# the gradient Aw + cos(w) written out, one tape for its Jacobian; and a throwaway gradient
import tensorflow as tf


def hessian(w, A):
    with tf.GradientTape() as t1:
        L = tf.reduce_sum(tf.sin(w))
    t1.gradient(L, w)
    with tf.GradientTape() as t2:
        g = tf.linalg.matvec(A, w) + tf.cos(w)
    return t2.jacobian(g, w)
