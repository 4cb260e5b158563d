# expect: PASS
import tensorflow as tf


def field(a, b, x, y):
    shape = tf.shape(a)
    av = tf.Variable(tf.reshape(a, [-1]))
    bv = tf.Variable(tf.reshape(b, [-1]))
    K = tf.cast(tf.size(x), a.dtype)
    with tf.GradientTape() as tape:
        pred = tf.einsum('g,k->gk', av, x) + bv[:, None]
        L = tf.einsum('gk,gk->g', pred - y, pred - y) / K
    ga, gb = tape.gradient(L, [av, bv])
    return tf.reshape(L, shape), tf.reshape(ga, shape), tf.reshape(gb, shape)
