# expect: FAIL is your own derivation
import numpy as np
import tensorflow as tf


def dL_dz(z, y):
    z = tf.Variable(z)
    with tf.GradientTape() as tape:
        L = -tf.reduce_sum(y * tf.nn.log_softmax(z))
    return tape.gradient(L, z).numpy()
