# expect: FAIL is your own derivation
import numpy as np
import tensorflow as tf


def dL_dw(w):
    x = tf.Variable(w)
    with tf.GradientTape() as tape:
        L = tf.reduce_sum(4 * x + x**3)
    return tape.gradient(L, x).numpy()
