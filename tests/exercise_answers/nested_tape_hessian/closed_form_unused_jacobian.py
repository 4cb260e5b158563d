# expect: FAIL asks a tape fewer times
# the closed form A - diag(sin w), and one jacobian asked for show
import tensorflow as tf


def hessian(w, A):
    with tf.GradientTape() as tape:
        g = tf.linalg.matvec(A, w) + tf.cos(w)
    unused = tape.jacobian(g, w)
    return A - tf.linalg.diag(tf.sin(w))
