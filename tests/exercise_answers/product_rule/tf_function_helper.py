# expect: FAIL is your own derivation
# asks a tape inside a tf.function helper: not a derivation
import numpy as np
import tensorflow as tf


@tf.function
def tape_gradient(w):
    with tf.GradientTape() as tape:
        tape.watch(w)
        L = tf.reduce_sum(w**2 * tf.sin(w))
    return tape.gradient(L, w)


def dL_dw_product(w):
    return tape_gradient(tf.constant(w)).numpy()
