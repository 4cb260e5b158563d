# expect: PASS
# a module-level tensor in the graded function
import numpy as np
import tensorflow as tf

ONE = tf.constant(1.0)


def dL_dz(z, y):
    p = np.exp(z) / np.exp(z).sum()
    return float(ONE) * p - y
